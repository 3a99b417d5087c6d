// The kitchen view's state and its live parts: deliveries (API, then `eta` / `vehicle_near`
// over the /recipient socket), confirmations waiting in the device outbox (data/outbox.ts), the
// "vehicle is near" notice, and the names of staff who confirmed on this (shared) device.
import { get } from "../api/client";
import { outbox, startOutbox, STREAMS, type OutboxRecord, type OutboxState } from "../data/outbox";
import { saveResponse } from "../data/cache";
import { onConnectivityChange } from "../state/connectivity";
import { getSession, onSessionChange } from "../state/session";
import { connectRecipientSocket, disconnectRecipientSocket, type EtaPayload } from "./socket";
import { deliveryKey, type ConfirmationBody, type Delivery } from "./types";

export const CONFIRMATION_PATH = "/recipient/confirmations";
const NAMES_KEY = "samlast.kitchen.names";
const MAX_NAMES = 5;
const POLL_MS = 60_000;

export interface NearNotice {
  key: string;
  pointName: string;
  eta: string;
}

export interface RecipientState {
  userId: number;
  deliveries: Delivery[];
  live: boolean;
  near: NearNotice | null;
  outbox: OutboxState;
  tab: "upcoming" | "history";
  confirming: string | null; // delivery key with the form open
  flash: string | null;
}

export const recipient: RecipientState = {
  userId: 0,
  deliveries: [],
  live: false,
  near: null,
  outbox: outbox.current(),
  tab: "upcoming",
  confirming: null,
  flash: null,
};

export type Redraw = (what: "status" | "body" | "all") => void;
let redraw: Redraw = () => {};
export function setRecipientRedraw(fn: Redraw): void {
  redraw = fn;
}

/** A confirmation on this device not yet accepted by the server (waiting or set aside), by delivery key. */
export function queuedConfirmation(key: string): OutboxRecord | undefined {
  return [...recipient.outbox.waiting, ...recipient.outbox.setAside].find((record) => {
    const body = record.body as { delivery_point_id?: number; plan_date?: string };
    return record.stream === STREAMS.recipientConfirmations && deliveryKey({ delivery_point_id: Number(body.delivery_point_id), date: String(body.plan_date) }) === key;
  });
}

export function setDeliveries(deliveries: Delivery[]): void {
  const before = new Map(recipient.deliveries.map((d) => [deliveryKey(d), d]));
  recipient.deliveries = deliveries.map((d) => ({ ...d, stops_before: before.get(deliveryKey(d))?.stops_before }));
}

/** Fetch the deliveries again (after a push, a sent confirmation, or "refresh"). */
export async function refreshDeliveries(): Promise<void> {
  try {
    const deliveries = await get<Delivery[]>("/recipient/deliveries");
    void saveResponse(recipient.userId, "/recipient/deliveries", deliveries);
    setDeliveries(deliveries);
    redraw("body");
  } catch {
    // offline: keep what is shown
  }
}

function applyEta(payload: EtaPayload): Delivery | null {
  const found = recipient.deliveries.find(
    (d) => (d.stop_id !== null && d.stop_id === payload.stop_id) ||
      (d.delivery_point_id === payload.delivery_point_id && d.date === payload.plan_date),
  );
  if (!found) return null;
  found.eta = payload.eta;
  found.planned_arrival = payload.planned_arrival;
  found.stop_id = payload.stop_id;
  found.job_key = payload.job_key;
  if (payload.status) found.status = payload.status;
  found.stops_before = payload.stops_before;
  return found;
}

// --- names of who confirmed, on this device -------------------------------------------------

export function recentNames(): string[] {
  try {
    const names = JSON.parse(localStorage.getItem(NAMES_KEY) ?? "[]") as unknown;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string").slice(0, MAX_NAMES) : [];
  } catch {
    return [];
  }
}

export function rememberName(name: string): void {
  const clean = name.trim();
  if (!clean) return;
  const names = [clean, ...recentNames().filter((n) => n.toLocaleLowerCase() !== clean.toLocaleLowerCase())].slice(0, MAX_NAMES);
  try {
    localStorage.setItem(NAMES_KEY, JSON.stringify(names));
  } catch {
    // storage unavailable: nothing remembered
  }
}

// --- start / stop --------------------------------------------------------------------------

let started: number | null = null;
let pollTimer: ReturnType<typeof setInterval> | null = null;
let hooked = false;

export function startRecipient(userId: number): void {
  recipient.userId = userId;
  if (started === userId) return;
  started = userId;
  connectRecipientSocket({
    connected() {
      const wasLive = recipient.live;
      recipient.live = true;
      redraw("status");
      if (!wasLive) void refreshDeliveries(); // caught up after being out of coverage
      outbox.flushSoon();
    },
    disconnected() {
      recipient.live = false;
      redraw("status");
    },
    eta(payload) {
      if (applyEta(payload)) redraw(recipient.confirming ? "status" : "body");
    },
    vehicleNear(payload) {
      const found = applyEta(payload);
      recipient.near = {
        key: found ? deliveryKey(found) : `${payload.delivery_point_id}:${payload.plan_date}`,
        pointName: found?.delivery_point_name ?? "",
        eta: payload.eta,
      };
      redraw("all");
    },
    stopStatus() {
      // Our stop was reached or served: fetch the delivery so the confirm button appears now.
      void refreshDeliveries();
    },
  });
  recipient.outbox = outbox.current();
  void startOutbox(userId);
  pollTimer = setInterval(() => {
    if (document.visibilityState === "visible") void refreshDeliveries();
  }, POLL_MS);
  if (hooked) return;
  hooked = true;
  outbox.onChange((current) => {
    recipient.outbox = current;
    redraw("all");
  });
  outbox.onSent((record) => {
    if (record.stream === STREAMS.recipientConfirmations) void refreshDeliveries();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && started !== null) void refreshDeliveries();
  });
  onConnectivityChange((online) => {
    if (online && started !== null) outbox.flushSoon();
  });
  onSessionChange(() => {
    if (started !== null && getSession()?.user.id !== started) stopRecipient();
  });
}

export function stopRecipient(): void {
  disconnectRecipientSocket();
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  started = null;
  recipient.live = false;
  recipient.near = null;
  recipient.confirming = null;
}

export function dismissNear(): void {
  recipient.near = null;
  redraw("status");
}

export type { ConfirmationBody };
