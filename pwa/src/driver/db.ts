// The driver's IndexedDB ("samlast-driver"): the day's routes and the route change not yet
// dismissed. What was done at each stop lives with the device outbox (data/outbox.ts), written
// in the same transaction as its record. Kept apart from the read cache ("samlast"), which is
// cleared at logout.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { DayChange } from "./changes";
import type { HandOver } from "./present";
import type { DriverRoute } from "./types";
import { outbox } from "../data/outbox";

/** The routes of one day as last received (API or socket), per user. */
export interface StoredDay {
  userId: number;
  planDate: string;
  routes: DriverRoute[];
  savedAt: number;
}

/** What this device recorded at a stop; survives new plan versions (keyed by job_key). */
export interface LocalStop {
  key: string; // "<user>:<plan date>:<job key>"
  userId: number;
  planDate: string;
  jobKey: string;
  arrivedAt?: string;
  doneAt?: string; // proof recorded (deliver / pickup)
  skipped?: boolean; // proof with deviation nobody_there / refused
  leftAt?: string;
  handOver?: HandOver; // what the proof said was handed over (or collected), line by line
  proofSentAt?: string; // when the server acknowledged the proof (ISO)
  flagReason?: string; // the server kept the record but flagged it for the coordinator
  photoNotice?: string; // the server stored the proof but not its photos (its disk full), in its words
  receiptPath?: string; // the stored proof's PDF receipt, once the server has it
}

/** A route change not yet dismissed by the driver. */
export interface StoredChange extends DayChange {
  userId: number;
  at: number;
}

interface DriverDB extends DBSchema {
  days: { key: number; value: StoredDay };
  changes: { key: number; value: StoredChange };
}

let dbPromise: Promise<IDBPDatabase<DriverDB>> | null = null;

export function driverDb(): Promise<IDBPDatabase<DriverDB>> {
  dbPromise ??= openDB<DriverDB>("samlast-driver", 1, {
    upgrade(database) {
      // An older app also kept its outbox here ("outbox", "local"); data/legacy-outbox.ts
      // moves those records into the device outbox.
      database.createObjectStore("days", { keyPath: "userId" });
      database.createObjectStore("changes", { keyPath: "userId" });
    },
    blocking() {
      // A newer version of the app wants to upgrade: let it.
      void dbPromise?.then((db) => db.close());
      dbPromise = null;
    },
  });
  return dbPromise;
}

export async function loadDay(userId: number): Promise<StoredDay | null> {
  return (await (await driverDb()).get("days", userId)) ?? null;
}

export async function saveDay(day: StoredDay): Promise<void> {
  await (await driverDb()).put("days", day);
}

export function localKey(userId: number, planDate: string, jobKey: string): string {
  return `${userId}:${planDate}:${jobKey}`;
}

/** What this device recorded at the stops of a day; kept with the outbox (data/outbox.ts), so a
 * stop's status and its record are written in one transaction. */
export async function localStops(userId: number, planDate: string): Promise<Map<string, LocalStop>> {
  const values = await outbox.localValues<LocalStop>(userId);
  return new Map([...values.values()].filter((row) => row.planDate === planDate).map((row) => [row.jobKey, row]));
}

export async function loadChange(userId: number): Promise<StoredChange | null> {
  const change = await (await driverDb()).get("changes", userId);
  // A change kept by an older version of the app (without names) is not shown.
  return change && change.names && Array.isArray(change.moved) ? change : null;
}

export async function saveChange(change: StoredChange | null, userId: number): Promise<void> {
  const db = await driverDb();
  if (change) await db.put("changes", change);
  else await db.delete("changes", userId);
}
