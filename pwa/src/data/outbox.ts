// The driver's outbox: every action is written to IndexedDB first (with its client_id and
// device time) and sent later, in order, until the server has answered 200/201 for it.
//
// Not lost: an item leaves the outbox only after a 2xx answer; network errors, 5xx, 408 and
// 429 keep it at the head of the queue and retry with back-off (2 s doubling to 60 s).
// Not twice: the client_id is generated once, when the action is recorded, and every retry
// sends the same body; the server stores a client_id once and answers a replay with 200.
// Other 4xx answers are set aside ("parked") with the server's message, so one bad record
// never blocks the others; the driver sees it and can send it again or discard it.
// One flush at a time per device (Web Locks across tabs, a flag within the tab).
import { ApiError, NetworkError, post, SessionExpired } from "../api/client";
import { driverDb, localKey, type LocalStop, type OutboxItem } from "../driver/db";
import type { DriverEventBody, DriverEventResult, PositionBody } from "../driver/types";

/** Positions older than this are dropped instead of sent (the map wants the present). */
export const POSITION_MAX_AGE_MS = 6 * 60 * 60 * 1000;
const BACKOFF_MIN_MS = 2_000;
const BACKOFF_MAX_MS = 60_000;

export interface OutboxState {
  pending: number; // waiting to be sent (not parked)
  parked: OutboxItem[]; // refused by the server, shown to the driver
  sending: boolean;
  lastError: string | null;
  nextAttemptAt: number | null;
}

type Listener = (state: OutboxState) => void;
type Sent = (item: OutboxItem, answer: unknown) => void;

let userId: number | null = null;
let state: OutboxState = { pending: 0, parked: [], sending: false, lastError: null, nextAttemptAt: null };
const listeners = new Set<Listener>();
const sentListeners = new Set<Sent>();
let flushing = false;
let again = false;
let backoff = BACKOFF_MIN_MS;
let timer: ReturnType<typeof setTimeout> | null = null;

function emit(patch: Partial<OutboxState>): void {
  state = { ...state, ...patch };
  listeners.forEach((listener) => listener(state));
}

export function outboxState(): OutboxState {
  return state;
}

export function onOutboxChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called after an item was accepted by the server (e.g. to show the receipt link). */
export function onOutboxSent(listener: Sent): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

async function items(): Promise<OutboxItem[]> {
  if (userId === null) return [];
  const rows = await (await driverDb()).getAllFromIndex("outbox", "byUser", userId);
  return rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

async function refreshCounts(): Promise<void> {
  const rows = await items();
  emit({ pending: rows.filter((row) => !row.parked).length, parked: rows.filter((row) => row.parked) });
}

/**
 * Record a stop event: the outbox item and the stop's local status are written in one
 * IndexedDB transaction, so the screen never shows a status whose record is not queued.
 */
export async function recordEvent(
  uid: number,
  body: DriverEventBody,
  label: string,
  local: Partial<LocalStop>,
): Promise<void> {
  const db = await driverDb();
  const tx = db.transaction(["outbox", "local"], "readwrite");
  const key = localKey(uid, body.plan_date, body.job_key);
  const before = await tx.objectStore("local").get(key);
  await tx.objectStore("local").put({
    ...(before ?? { key, userId: uid, planDate: body.plan_date, jobKey: body.job_key }),
    ...local,
  });
  await tx.objectStore("outbox").add({ userId: uid, type: "event", body, label, createdAt: Date.now(), attempts: 0 });
  await tx.done;
  await refreshCounts();
  void flush();
}

export async function queuePosition(uid: number, body: PositionBody): Promise<void> {
  await (await driverDb()).add("outbox", {
    userId: uid,
    type: "position",
    body,
    label: "position",
    createdAt: Date.now(),
    attempts: 0,
  });
  await refreshCounts();
}

/** Retryable: the record may not have arrived, or the server asks us to come back later. */
function retryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof SessionExpired) return true; // keep it; sent after the next login
  if (error instanceof ApiError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return true; // unknown failure: keep the record
}

async function send(item: OutboxItem): Promise<unknown> {
  if (item.type === "event") return post<DriverEventResult>("/driver/events", item.body);
  return post<{ stored: number }>("/driver/positions", { positions: [item.body] });
}

function schedule(delay: number): void {
  if (timer) clearTimeout(timer);
  emit({ nextAttemptAt: Date.now() + delay });
  timer = setTimeout(() => {
    timer = null;
    void flush();
  }, delay);
}

async function withLock(task: () => Promise<void>): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks) await locks.request("samlast-outbox", task);
  else await task();
}

/** Send everything waiting, oldest first; stop at the first retryable failure. */
export async function flush(): Promise<void> {
  if (userId === null) return;
  if (flushing) {
    again = true;
    return;
  }
  flushing = true;
  emit({ sending: true });
  let failed = false;
  try {
    await withLock(async () => {
      const db = await driverDb();
      for (const item of await items()) {
        if (item.parked || item.seq === undefined) continue;
        if (item.userId !== userId) break; // logged out or switched user meanwhile
        if (item.type === "position" && Date.now() - item.createdAt > POSITION_MAX_AGE_MS) {
          await db.delete("outbox", item.seq);
          continue;
        }
        try {
          const answer = await send(item);
          await db.delete("outbox", item.seq); // only now: the server has it (2xx)
          sentListeners.forEach((listener) => listener(item, answer));
          await refreshCounts();
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (retryable(error)) {
            await db.put("outbox", { ...item, attempts: item.attempts + 1, lastError: message });
            emit({ lastError: message });
            failed = true;
            if (error instanceof SessionExpired) userId = null; // wait for a login
            break;
          }
          const apiError = error as ApiError;
          if (item.type === "position") {
            await db.delete("outbox", item.seq); // a refused position is not worth keeping
          } else {
            await db.put("outbox", {
              ...item,
              attempts: item.attempts + 1,
              parked: { status: apiError.status, code: apiError.code, message, at: Date.now() },
            });
          }
          await refreshCounts();
        }
      }
    });
  } finally {
    flushing = false;
    await refreshCounts();
    emit({ sending: false });
  }
  if (failed) {
    schedule(backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  } else {
    backoff = BACKOFF_MIN_MS;
    emit({ lastError: null, nextAttemptAt: null });
    if (timer) clearTimeout(timer);
    timer = null;
    if (again) {
      again = false;
      void flush();
    }
  }
}

/** Try now (back online, socket reconnected): resets the back-off. */
export function flushSoon(): void {
  backoff = BACKOFF_MIN_MS;
  void flush();
}

/** Put a parked record back in the queue (keeps its place and its client_id). */
export async function retryParked(seq: number): Promise<void> {
  const db = await driverDb();
  const item = await db.get("outbox", seq);
  if (item) {
    delete item.parked;
    await db.put("outbox", item);
  }
  await refreshCounts();
  flushSoon();
}

/** Forget a parked record for good (the driver decided so). */
export async function discardParked(seq: number): Promise<void> {
  const db = await driverDb();
  const item = await db.get("outbox", seq);
  if (item?.parked) await db.delete("outbox", seq);
  await refreshCounts();
}

/** Start sending the outbox of `uid` (app start, login); idempotent. */
export async function startOutbox(uid: number): Promise<void> {
  const first = userId !== uid;
  userId = uid;
  await refreshCounts();
  if (first) {
    window.addEventListener("online", flushSoon);
  }
  flushSoon();
}
