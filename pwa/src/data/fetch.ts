// Reads for the views: from the network when possible, else the last saved answer.
import { get, NetworkError } from "../api/client";
import { getSession } from "../state/session";
import { loadResponse, saveResponse } from "./cache";

/** Data plus where it came from: `savedAt` is set when it is a saved copy (offline). */
export interface Loaded<T> {
  data: T;
  savedAt: number | null;
}

export async function cachedGet<T>(path: string): Promise<Loaded<T>> {
  const userId = getSession()?.user.id ?? 0;
  try {
    const data = await get<T>(path);
    void saveResponse(userId, path, data);
    return { data, savedAt: null };
  } catch (error) {
    if (error instanceof NetworkError) {
      const saved = await loadResponse<T>(userId, path);
      if (saved) return { data: saved.data, savedAt: saved.savedAt };
    }
    throw error;
  }
}

/** Combine several reads: the result is as old as its oldest saved part. */
export function combine<T>(data: T, parts: Loaded<unknown>[]): Loaded<T> {
  const saved = parts.map((part) => part.savedAt).filter((at): at is number => at !== null);
  return { data, savedAt: saved.length ? Math.min(...saved) : null };
}
