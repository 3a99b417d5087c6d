// Last known API answers, kept in IndexedDB per user, so the views still show something
// useful without coverage. The service worker does not cache /api/ on purpose: the app
// decides what is stale and says so.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

interface CacheDB extends DBSchema {
  responses: {
    key: string; // "<user id>:<path>"
    value: { key: string; userId: number; savedAt: number; data: unknown };
    indexes: { byUser: number };
  };
}

let dbPromise: Promise<IDBPDatabase<CacheDB>> | null = null;

function db(): Promise<IDBPDatabase<CacheDB>> {
  dbPromise ??= openDB<CacheDB>("samlast", 1, {
    upgrade(database) {
      const store = database.createObjectStore("responses", { keyPath: "key" });
      store.createIndex("byUser", "userId");
    },
  });
  return dbPromise;
}

export async function saveResponse(userId: number, path: string, data: unknown): Promise<void> {
  try {
    await (await db()).put("responses", { key: `${userId}:${path}`, userId, savedAt: Date.now(), data });
  } catch {
    // IndexedDB unavailable (private mode, quota): the app works online only
  }
}

export async function loadResponse<T>(
  userId: number,
  path: string,
): Promise<{ data: T; savedAt: number } | null> {
  try {
    const row = await (await db()).get("responses", `${userId}:${path}`);
    return row ? { data: row.data as T, savedAt: row.savedAt } : null;
  } catch {
    return null;
  }
}

/** Forget everything saved on this device (at logout: tablets are shared). */
export async function clearCache(): Promise<void> {
  try {
    await (await db()).clear("responses");
  } catch {
    // nothing to clear
  }
}
