// The device outbox: every write a user makes on this device (a driver's stop event or
// position, a kitchen's confirmation, next a terminal's goods-in or an agent's hand-over) is
// stored in IndexedDB first and sent later, until the server has answered 2xx for it.
//
// - Not lost: a record leaves the outbox only after a 2xx answer, or when the user discards
//   one that was set aside.
// - Not twice: the body (with its client_id) is stored once and every attempt sends the same
//   body; the server stores a client_id once and answers a replay with 200.
// - In order per stream: records of one stream (e.g. "driver-events") are sent in the order
//   they were recorded; streams do not wait for each other.
// - One bad record never blocks the rest: a 4xx answer sets the record aside at once (shown
//   to the user with the server's message), and a record that keeps failing with a 5xx or an
//   unknown error is set aside after `maxAttempts` tries, while the records behind it go on.
//   Network errors, 408 and 429 never count as attempts: offline for hours is normal.
// - One sender per device: a flush holds a Web Lock, so two tabs never send the same record.
// - Back-off 2 s doubling to 60 s; the `online` event, an app start and Background Sync
//   (where the browser has it) try again at once.
//
// Local state written together with a record (a stop shown as done) goes into the same
// IndexedDB transaction (`local` store), so the screen never shows what is not queued.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import { ApiError, NetworkError, SessionExpired } from "../api/client";

export interface SetAside {
  /** "refused": the server answered 4xx; "failing": it kept failing (5xx, unknown error). */
  reason: "refused" | "failing";
  status: number;
  code: string;
  message: string;
  at: number;
}

export interface OutboxRecord {
  seq?: number;
  userId: number;
  stream: string;
  path: string;
  body: unknown;
  /** For people: what this record is ("Leverans · Bergaskolan kök"). */
  label: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  setAside?: SetAside;
  /** Dropped unsent when older than this (a position hours old is of no use). */
  maxAgeMs?: number;
  /** Dropped, not set aside, when the server refuses it (a position). */
  dropIfRefused?: boolean;
}

export type NewRecord = Omit<OutboxRecord, "seq" | "userId" | "createdAt" | "attempts" | "lastError" | "setAside">;

/** A value kept on this device next to the outbox (e.g. what was done at a stop). */
export interface LocalEntry {
  key: string;
  userId: number;
  value: unknown;
}

interface OutboxDB extends DBSchema {
  records: { key: number; value: OutboxRecord; indexes: { byUser: number } };
  local: { key: string; value: LocalEntry; indexes: { byUser: number } };
}

export interface OutboxState {
  pending: number;
  /** The records waiting to be sent, oldest first. */
  waiting: OutboxRecord[];
  setAside: OutboxRecord[];
  sending: boolean;
  lastError: string | null;
  nextAttemptAt: number | null;
}

export type Send = (record: OutboxRecord) => Promise<unknown>;
export type Lock = (task: () => Promise<void>) => Promise<void>;

export interface OutboxOptions {
  dbName?: string;
  send: Send;
  maxAttempts?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Web Locks by default; tests pass their own. */
  lock?: Lock;
  now?: () => number;
}

export const DB_NAME = "samlast-outbox";
export const DEFAULT_MAX_ATTEMPTS = 8;

function webLock(name: string): Lock {
  return async (task) => {
    const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    if (locks) await locks.request(name, task);
    else await task();
  };
}

/** Worth another try later, and does it count as an attempt? */
function classify(error: unknown): "offline" | "later" | "attempt" | "refused" | "login" {
  if (error instanceof SessionExpired) return "login";
  if (error instanceof NetworkError) return "offline";
  if (error instanceof ApiError) {
    if (error.status === 408 || error.status === 429) return "later";
    if (error.status >= 500) return "attempt";
    return "refused";
  }
  return "attempt"; // an unknown failure: keep the record, but it must not block forever
}

export class Outbox {
  private readonly options: Required<Omit<OutboxOptions, "dbName">> & { dbName: string };
  private dbPromise: Promise<IDBPDatabase<OutboxDB>> | null = null;
  private userId: number | null = null;
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private backoff: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private state: OutboxState = { pending: 0, waiting: [], setAside: [], sending: false, lastError: null, nextAttemptAt: null };
  private readonly listeners = new Set<(state: OutboxState) => void>();
  private readonly sentListeners = new Set<(record: OutboxRecord, answer: unknown) => void>();

  constructor(options: OutboxOptions) {
    const dbName = options.dbName ?? DB_NAME;
    this.options = {
      dbName,
      send: options.send,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      backoffMinMs: options.backoffMinMs ?? 2_000,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      lock: options.lock ?? webLock(dbName),
      now: options.now ?? Date.now,
    };
    this.backoff = this.options.backoffMinMs;
  }

  db(): Promise<IDBPDatabase<OutboxDB>> {
    this.dbPromise ??= openDB<OutboxDB>(this.options.dbName, 1, {
      upgrade(database) {
        database.createObjectStore("records", { keyPath: "seq", autoIncrement: true }).createIndex("byUser", "userId");
        database.createObjectStore("local", { keyPath: "key" }).createIndex("byUser", "userId");
      },
      blocking: () => {
        // A newer version of the app wants to upgrade: let it.
        void this.dbPromise?.then((db) => db.close());
        this.dbPromise = null;
      },
    });
    return this.dbPromise;
  }

  current(): OutboxState {
    return this.state;
  }

  onChange(listener: (state: OutboxState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after the server accepted a record (e.g. to show the receipt link). */
  onSent(listener: (record: OutboxRecord, answer: unknown) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** Start sending the records of `userId` (app start, login); idempotent. */
  async start(userId: number): Promise<void> {
    this.userId = userId;
    await this.refresh();
    this.flushSoon();
  }

  /** Logged out: stop sending; the records stay for the next login of that user. */
  stop(): void {
    this.userId = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Store a record (and, in the same transaction, local values that describe it) and send it
   * as soon as possible. Resolves once the record is on the device.
   */
  async add(userId: number, record: NewRecord, local: { key: string; value: unknown }[] = []): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(["records", "local"], "readwrite");
    for (const entry of local) await tx.objectStore("local").put({ key: entry.key, userId, value: entry.value });
    await tx.objectStore("records").add({ ...record, userId, createdAt: this.options.now(), attempts: 0 });
    await tx.done;
    await this.refresh();
    void this.flush();
    void requestBackgroundSync();
  }

  /** Take over records (and local values) kept elsewhere, in their order, as they are. */
  async adopt(records: Omit<OutboxRecord, "seq">[], local: LocalEntry[]): Promise<void> {
    if (!records.length && !local.length) return;
    const db = await this.db();
    const tx = db.transaction(["records", "local"], "readwrite");
    for (const entry of local) await tx.objectStore("local").put(entry);
    for (const record of records) await tx.objectStore("records").add(record);
    await tx.done;
    await this.refresh();
  }

  /** Change a local value (e.g. a stop's "sent" time once the server answered); false if absent. */
  async patchLocal(key: string, patch: Record<string, unknown>): Promise<boolean> {
    const db = await this.db();
    const tx = db.transaction("local", "readwrite");
    const stored = await tx.store.get(key);
    if (stored) await tx.store.put({ ...stored, value: { ...(stored.value as object), ...patch } });
    await tx.done;
    return !!stored;
  }

  /** Local values of a user kept with the outbox, by key. */
  async localValues<T>(userId: number): Promise<Map<string, T>> {
    const rows = await (await this.db()).getAllFromIndex("local", "byUser", userId);
    return new Map(rows.map((row) => [row.key, row.value as T]));
  }

  async records(userId: number | null = this.userId): Promise<OutboxRecord[]> {
    if (userId === null) return [];
    const rows = await (await this.db()).getAllFromIndex("records", "byUser", userId);
    return rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  private emit(patch: Partial<OutboxState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((listener) => listener(this.state));
  }

  private async refresh(): Promise<void> {
    const rows = await this.records();
    const waiting = rows.filter((row) => !row.setAside);
    this.emit({ pending: waiting.length, waiting, setAside: rows.filter((row) => row.setAside) });
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.emit({ nextAttemptAt: this.options.now() + delay });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  /** Try now (back online, socket reconnected, app start): resets the back-off. */
  flushSoon(): void {
    this.backoff = this.options.backoffMinMs;
    void this.flush();
  }

  /**
   * Send what is waiting: each stream in order, set aside what is refused or keeps failing.
   * Passes run one after the other; a call while one runs is served by one more pass after it
   * (the promise resolves when that pass is done).
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    const pass = this.tail.then(() => {
      this.queued = null;
      return this.pass();
    });
    this.queued = pass;
    this.tail = pass.catch(() => undefined);
    return pass;
  }

  /** Resolves when no pass is running or waiting (tests, a clean logout). */
  idle(): Promise<void> {
    return this.tail;
  }

  private async pass(): Promise<void> {
    if (this.userId === null) return;
    this.emit({ sending: true });
    let retryLater = false;
    try {
      await this.options.lock(async () => {
        retryLater = await this.sendAll();
      });
    } finally {
      await this.refresh();
      this.emit({ sending: false });
    }
    if (retryLater) {
      this.schedule(this.backoff);
      this.backoff = Math.min(this.backoff * 2, this.options.backoffMaxMs);
      return;
    }
    this.backoff = this.options.backoffMinMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emit({ lastError: null, nextAttemptAt: null });
  }

  /** One pass over the records; true when something is left to try again later. */
  private async sendAll(): Promise<boolean> {
    const db = await this.db();
    const waiting = new Set<string>(); // streams whose head failed this pass: the rest waits
    let retryLater = false;
    const userId = this.userId;
    // Read fresh inside the lock: another tab may have sent some meanwhile.
    for (const listed of await this.records(userId)) {
      if (this.userId !== userId) return false; // logged out meanwhile
      const record = listed.seq === undefined ? undefined : await db.get("records", listed.seq);
      if (!record || record.setAside || record.seq === undefined || waiting.has(record.stream)) continue;
      if (record.maxAgeMs !== undefined && this.options.now() - record.createdAt > record.maxAgeMs) {
        await db.delete("records", record.seq);
        continue;
      }
      try {
        const answer = await this.options.send(record);
        await db.delete("records", record.seq); // only now: the server has it
        this.sentListeners.forEach((listener) => listener(record, answer));
        await this.refresh();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const kind = classify(error);
        if (kind === "offline" || kind === "login") {
          // Nothing will get through now; keep every record as it is.
          await db.put("records", { ...record, lastError: message });
          this.emit({ lastError: message });
          if (kind === "login") this.userId = null; // sent after the next login
          return kind === "offline";
        }
        if (kind === "refused") {
          if (record.dropIfRefused) await db.delete("records", record.seq);
          else await db.put("records", { ...record, attempts: record.attempts + 1, lastError: message, setAside: this.aside("refused", error, message) });
          continue;
        }
        const attempts = kind === "attempt" ? record.attempts + 1 : record.attempts;
        if (attempts >= this.options.maxAttempts) {
          await db.put("records", { ...record, attempts, lastError: message, setAside: this.aside("failing", error, message) });
          continue; // the records behind it go on
        }
        await db.put("records", { ...record, attempts, lastError: message });
        this.emit({ lastError: message });
        waiting.add(record.stream);
        retryLater = true;
      }
    }
    return retryLater;
  }

  private aside(reason: SetAside["reason"], error: unknown, message: string): SetAside {
    const status = error instanceof ApiError ? error.status : 0;
    const code = error instanceof ApiError ? error.code : "error";
    return { reason, status, code, message, at: this.options.now() };
  }

  /** Put a set-aside record back in its place in the queue (same client_id). */
  async retry(seq: number): Promise<void> {
    const db = await this.db();
    const record = await db.get("records", seq);
    if (record) {
      delete record.setAside;
      record.attempts = 0;
      await db.put("records", record);
    }
    await this.refresh();
    this.flushSoon();
  }

  /** Forget a set-aside record for good (the user decided so). Records still waiting are kept. */
  async discard(seq: number): Promise<void> {
    const db = await this.db();
    const record = await db.get("records", seq);
    if (record?.setAside) await db.delete("records", seq);
    await this.refresh();
  }
}

type SyncManagerLike = { register(tag: string): Promise<void> };

/** Ask the browser to wake the service worker when the network is back (Chromium has it). */
async function requestBackgroundSync(): Promise<void> {
  try {
    if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync?: SyncManagerLike };
    await registration.sync?.register("samlast-outbox");
  } catch {
    // Not available (no service worker, private mode): the app's own retries still run.
  }
}

