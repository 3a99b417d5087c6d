// Records left by an older version of the app, which kept two outboxes: the driver's
// ("samlast-driver": stores "outbox" and "local") and the kitchen's ("samlast-queue": "items").
// They are moved into the device outbox once, keeping their order, client ids and attempts, so
// an update of the app never loses a proof of delivery waiting for coverage.
import { openDB } from "idb";
import type { LocalEntry, Outbox, OutboxRecord } from "./device-outbox";

interface LegacyDriverItem {
  seq?: number;
  userId: number;
  type: "event" | "position";
  body: Record<string, unknown>;
  label: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  parked?: { status: number; code?: string; message: string; at: number };
}

interface LegacyQueueItem {
  seq?: number;
  userId: number;
  kind: string;
  path: string;
  body: Record<string, unknown>;
  label: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  parked?: { status: number; message: string; at: number };
}

const POSITION_MAX_AGE_MS = 6 * 60 * 60 * 1000;

async function exists(name: string): Promise<boolean> {
  // Opening a database that is not there would create it (empty): only look where it is.
  const list = await (indexedDB as IDBFactory & { databases?: () => Promise<{ name?: string }[]> }).databases?.();
  return !!list?.some((db) => db.name === name);
}

function setAside(parked: LegacyDriverItem["parked"]): OutboxRecord["setAside"] {
  return parked ? { reason: "refused", status: parked.status, code: parked.code ?? "error", message: parked.message, at: parked.at } : undefined;
}

export async function moveLegacyRecords(outbox: Outbox): Promise<void> {
  const records: Omit<OutboxRecord, "seq">[] = [];
  const local: LocalEntry[] = [];
  if (await exists("samlast-driver")) {
    const db = await openDB("samlast-driver");
    if (db.objectStoreNames.contains("outbox")) {
      const items = ((await db.getAll("outbox")) as LegacyDriverItem[]).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      for (const item of items) {
        const event = item.type === "event";
        records.push({
          userId: item.userId,
          stream: event ? `driver-stop:${item.body.plan_date}:${item.body.job_key}` : "driver-positions",
          path: event ? "/driver/events" : "/driver/positions",
          body: event ? item.body : { positions: [item.body] },
          label: item.label,
          createdAt: item.createdAt,
          attempts: item.attempts,
          ...(item.lastError ? { lastError: item.lastError } : {}),
          ...(item.parked ? { setAside: setAside(item.parked) } : {}),
          ...(event ? {} : { maxAgeMs: POSITION_MAX_AGE_MS, dropIfRefused: true }),
        });
      }
    }
    if (db.objectStoreNames.contains("local")) {
      for (const row of (await db.getAll("local")) as { key: string; userId: number }[]) {
        local.push({ key: row.key, userId: row.userId, value: row });
      }
    }
    await outbox.adopt(records.splice(0), local.splice(0));
    const stores = ["outbox", "local"].filter((name) => db.objectStoreNames.contains(name));
    if (stores.length) {
      const tx = db.transaction(stores, "readwrite");
      await Promise.all(stores.map((name) => tx.objectStore(name).clear()));
      await tx.done;
    }
    db.close();
  }
  if (await exists("samlast-queue")) {
    const db = await openDB("samlast-queue");
    if (db.objectStoreNames.contains("items")) {
      const items = ((await db.getAll("items")) as LegacyQueueItem[]).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      await outbox.adopt(
        items.map((item) => ({
          userId: item.userId,
          stream: item.kind === "confirmation" ? "kitchen-confirmations" : item.kind,
          path: item.path,
          body: item.body,
          label: item.label,
          createdAt: item.createdAt,
          attempts: item.attempts,
          ...(item.lastError ? { lastError: item.lastError } : {}),
          ...(item.parked ? { setAside: setAside(item.parked) } : {}),
        })),
        [],
      );
      await db.clear("items");
    }
    db.close();
  }
}
