// The app's one device outbox (data/device-outbox.ts) for every role: the driver's stop events
// and positions, the kitchen's confirmations, and the views to come (terminal, agent). Records
// go to the API with the user's token and language (api/client.ts) when they are sent.
import { post } from "../api/client";
import { Outbox, type OutboxRecord } from "./device-outbox";
import { moveLegacyRecords } from "./legacy-outbox";

export type { NewRecord, OutboxRecord, OutboxState } from "./device-outbox";

/**
 * The streams of records: each is sent in order, streams do not wait for each other. A stop's
 * events form one stream (arrive before deliver before leave), so a record the server keeps
 * failing at one stop never holds up the proofs of the next stops.
 */
export const STREAMS = {
  driverStop: (planDate: string, jobKey: string) => `driver-stop:${planDate}:${jobKey}`,
  driverPositions: "driver-positions",
  recipientConfirmations: "kitchen-confirmations",
} as const;

export const isDriverStop = (stream: string) => stream.startsWith("driver-stop:");

export const outbox = new Outbox({ send: (record: OutboxRecord) => post<unknown>(record.path, record.body) });

let migrated: Promise<void> | null = null;
let listening = false;

/** Start sending the records of `userId` (app start, login); idempotent. */
export async function startOutbox(userId: number): Promise<void> {
  // Records an older version of the app left in its own databases are moved here first.
  migrated ??= moveLegacyRecords(outbox).catch((error) => console.warn("Could not move older records", error));
  await migrated;
  if (!listening) {
    listening = true;
    window.addEventListener("online", () => outbox.flushSoon());
    navigator.serviceWorker?.addEventListener("message", (event: MessageEvent) => {
      if (event.data?.type === "samlast-outbox-sync") outbox.flushSoon(); // Background Sync woke the worker
    });
  }
  await outbox.start(userId);
}
