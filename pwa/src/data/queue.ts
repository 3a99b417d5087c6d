// A small generic outbox for POSTs that carry their own client_id (idempotent on the server),
// used by the kitchen's confirmations of receipt. The driver app has its own, richer outbox
// (data/outbox.ts, tied to its route store); this one is kept apart in its own IndexedDB
// ("samlast-queue") so the two never block each other.
//
// Not lost: an item leaves the queue only after a 2xx answer; network errors, 5xx, 408 and 429
// keep it and retry with back-off (2 s doubling to 60 s). Not twice: the body (with its
// client_id) is stored once and every retry sends the same body. Other 4xx answers are
// "parked" with the server's message so the user can see them, send again or discard.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import { ApiError, NetworkError, post, SessionExpired } from "../api/client";

export interface QueueItem {
  seq?: number;
  userId: number;
  kind: string; // e.g. "confirmation"
  path: string; // API path, e.g. "/recipient/confirmations"
  body: Record<string, unknown>;
  label: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  parked?: { status: number; message: string; at: number };
}

interface QueueDB extends DBSchema {
  items: { key: number; value: QueueItem; indexes: { byUser: number } };
}

const BACKOFF_MIN_MS = 2_000;
const BACKOFF_MAX_MS = 60_000;

let dbPromise: Promise<IDBPDatabase<QueueDB>> | null = null;
function queueDb(): Promise<IDBPDatabase<QueueDB>> {
  dbPromise ??= openDB<QueueDB>("samlast-queue", 1, {
    upgrade(database) {
      database.createObjectStore("items", { keyPath: "seq", autoIncrement: true }).createIndex("byUser", "userId");
    },
    blocking() {
      void dbPromise?.then((db) => db.close());
      dbPromise = null;
    },
  });
  return dbPromise;
}

let userId: number | null = null;
let flushing = false;
let again = false;
let backoff = BACKOFF_MIN_MS;
let timer: ReturnType<typeof setTimeout> | null = null;
let snapshot: QueueItem[] = [];
const listeners = new Set<(items: QueueItem[]) => void>();
const sentListeners = new Set<(item: QueueItem, answer: unknown) => void>();

/** Everything waiting or parked for the current user, oldest first (last known). */
export function queuedItems(): QueueItem[] {
  return snapshot;
}

export function onQueueChange(listener: (items: QueueItem[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onQueueSent(listener: (item: QueueItem, answer: unknown) => void): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

async function load(): Promise<QueueItem[]> {
  if (userId === null) return [];
  const rows = await (await queueDb()).getAllFromIndex("items", "byUser", userId);
  return rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

async function refresh(): Promise<void> {
  try {
    snapshot = await load();
  } catch {
    snapshot = [];
  }
  listeners.forEach((listener) => listener(snapshot));
}

/** Keep a POST on this device and send it as soon as possible. */
export async function enqueue(uid: number, kind: string, path: string, body: Record<string, unknown>, label: string): Promise<void> {
  await (await queueDb()).add("items", { userId: uid, kind, path, body, label, createdAt: Date.now(), attempts: 0 });
  await refresh();
  void flushQueue();
}

function retryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof SessionExpired) return true;
  if (error instanceof ApiError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return true;
}

function schedule(delay: number): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void flushQueue();
  }, delay);
}

/** Send everything waiting, oldest first; stop at the first retryable failure. */
export async function flushQueue(): Promise<void> {
  if (userId === null) return;
  if (flushing) {
    again = true;
    return;
  }
  flushing = true;
  let failed = false;
  try {
    const db = await queueDb();
    for (const item of await load()) {
      if (item.parked || item.seq === undefined) continue;
      try {
        const answer = await post<unknown>(item.path, item.body);
        await db.delete("items", item.seq);
        await refresh();
        sentListeners.forEach((listener) => listener(item, answer));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (retryable(error)) {
          await db.put("items", { ...item, attempts: item.attempts + 1, lastError: message });
          failed = true;
          if (error instanceof SessionExpired) userId = null;
          break;
        }
        const status = error instanceof ApiError ? error.status : 0;
        await db.put("items", { ...item, attempts: item.attempts + 1, parked: { status, message, at: Date.now() } });
      }
    }
  } catch (error) {
    console.warn("Queue flush failed", error);
    failed = true;
  } finally {
    flushing = false;
    await refresh();
  }
  if (failed) {
    schedule(backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  } else {
    backoff = BACKOFF_MIN_MS;
    if (again) {
      again = false;
      void flushQueue();
    }
  }
}

export function flushQueueSoon(): void {
  backoff = BACKOFF_MIN_MS;
  void flushQueue();
}

export async function retryQueued(seq: number): Promise<void> {
  const db = await queueDb();
  const item = await db.get("items", seq);
  if (item) {
    delete item.parked;
    await db.put("items", item);
  }
  flushQueueSoon();
}

export async function discardQueued(seq: number): Promise<void> {
  const db = await queueDb();
  const item = await db.get("items", seq);
  if (item?.parked) await db.delete("items", seq);
  await refresh();
}

let listening = false;
/** Start sending the queue of `uid` (view start, login); idempotent. */
export async function startQueue(uid: number): Promise<void> {
  userId = uid;
  if (!listening) {
    listening = true;
    window.addEventListener("online", flushQueueSoon);
  }
  await refresh();
  flushQueueSoon();
}
