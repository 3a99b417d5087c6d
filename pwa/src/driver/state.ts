// The driver app's state and its live parts: the day's routes (API, socket, IndexedDB), what
// was done at each stop on this device, route changes, the outbox, and position reports.
import type { ApiSchema } from "../api/types";
import type { Loaded } from "../data/fetch";
import { isDriverStop, outbox, startOutbox, STREAMS, type OutboxRecord, type OutboxState } from "../data/outbox";
import { routeSource, storeDay, type DriverDay } from "../data/route";
import { ackRoute, connectDriverSocket, disconnectDriverSocket, sendPosition, socketConnected } from "../data/socket";
import { onConnectivityChange } from "../state/connectivity";
import { onSessionChange, getSession } from "../state/session";
import { dayChange, isEmptyChange } from "./changes";
import { loadChange, loadDay, localKey, localStops, saveChange, type LocalStop, type StoredChange } from "./db";
import { flagReason, type HandOver } from "./present";
import type { ProofDraft } from "./proofdata";
import {
  NOBODY_SIGNS,
  newClientId,
  nowWithOffset,
  type DriverEventBody,
  type DriverEventResult,
  type DriverRoute,
  type DriverStop,
  type EventKind,
  type ProofInput,
  type StopStatus,
} from "./types";

const POSITION_EVERY_MS = 30_000;
const POSITION_MAX_AGE_MS = 6 * 60 * 60 * 1000;
const POSITION_EVERY_M = 200;
const RANK: Record<StopStatus, number> = { planned: 0, arrived: 1, skipped: 2, done: 2 };

/**
 * Is the phone's position being sent? "on" while a route is under way (arrived at a stop, not
 * all stops done) and the phone gives positions; "denied" when the phone refuses them.
 */
export type Sharing = "on" | "off" | "denied" | "unsupported";

export interface DriverState {
  userId: number;
  day: DriverDay | null;
  local: Map<string, LocalStop>;
  outbox: OutboxState;
  change: StoredChange | null;
  live: boolean;
  sharing: Sharing;
  draft: ProofDraft | null;
  draftStop: DriverStop | null;
  flash: string | null;
}

export const state: DriverState = {
  userId: 0,
  day: null,
  local: new Map(),
  outbox: outbox.current(),
  change: null,
  live: false,
  sharing: "off",
  draft: null,
  draftStop: null,
  flash: null,
};

export type Redraw = (what: "status" | "change" | "body" | "all") => void;
let redraw: Redraw = () => {};
export function setRedraw(fn: Redraw): void {
  redraw = fn;
}

export function effectiveStatus(stop: DriverStop): StopStatus {
  const local = state.local.get(stop.job_key);
  const mine: StopStatus | null = local
    ? local.skipped
      ? "skipped"
      : local.doneAt || local.leftAt
        ? "done"
        : local.arrivedAt
          ? "arrived"
          : null
    : null;
  return mine && RANK[mine] > RANK[stop.status] ? mine : stop.status;
}

export function allStops(): { route: DriverRoute; stop: DriverStop }[] {
  return (state.day?.routes ?? []).flatMap((route) => route.stops.map((stop) => ({ route, stop })));
}

export function findStop(jobKey: string): { route: DriverRoute; stop: DriverStop } | null {
  return allStops().find((entry) => entry.stop.job_key === jobKey) ?? null;
}

// --- route changes --------------------------------------------------------------------------

/** What changed from `before` to `after` (same day), merged into the banner not yet dismissed. */
function noteChange(before: DriverDay | null, after: DriverDay, removedRoutes: DriverRoute[] = []): void {
  if (!before || before.planDate !== after.planDate) return;
  const merged = dayChange(before.routes, after.routes, state.change, removedRoutes);
  if (!merged) return;
  state.change = isEmptyChange(merged) ? null : { ...merged, userId: state.userId, at: Date.now() };
  void saveChange(state.change, state.userId).catch(() => {});
}

export function dismissChange(): void {
  state.change = null;
  void saveChange(null, state.userId).catch(() => {});
  redraw("change");
}

async function setDay(day: DriverDay, removedRoutes: DriverRoute[] = []): Promise<void> {
  const before = state.day;
  const stored = await storeDay(state.userId, day.planDate, day.routes);
  noteChange(before, stored, removedRoutes);
  if (!before || before.planDate !== stored.planDate) {
    state.local = await loadLocal(state.userId, stored.planDate);
  }
  state.day = { planDate: stored.planDate, routes: stored.routes };
  for (const route of stored.routes) void ackRoute(route.id, route.version).catch(() => {});
  updateTracking();
  redraw(state.draft ? "change" : "all");
}

function sameRoute(a: DriverRoute, b: DriverRoute): boolean {
  return a.id === b.id || (a.vehicle_name === b.vehicle_name && a.trip === b.trip);
}

// --- live: socket, outbox, positions -------------------------------------------------------

let startedFor: number | null = null;
let listening = false;

function startLive(userId: number): void {
  void startOutbox(userId); // idempotent; also restarts it after a new login
  if (startedFor === userId) return;
  startedFor = userId;
  if (!listening) listen();
  startSocket();
}

function listen(): void {
  listening = true;
  outbox.onChange((current) => {
    state.outbox = current;
    redraw("status");
  });
  outbox.onSent((record: OutboxRecord, answer) => {
    if (!isDriverStop(record.stream)) return;
    const body = record.body as DriverEventBody;
    const result = answer as DriverEventResult;
    const patch: Partial<LocalStop> = {};
    if (body.kind === "deliver" || body.kind === "pickup") patch.proofSentAt = new Date().toISOString();
    if (result?.flagged) patch.flagReason = flagReason(result.flag_reason);
    if (result?.photos_refused && result.photo_notice) patch.photoNotice = result.photo_notice;
    if (result?.receipt_url) patch.receiptPath = result.receipt_url.replace(/^\/api\/v1/, "");
    if (Object.keys(patch).length) void patchLocal(record.userId, body, patch);
  });
  onConnectivityChange((online) => {
    if (online) outbox.flushSoon();
  });
  onSessionChange(() => {
    if (!getSession()) stopLive();
  });
}

function startSocket(): void {
  connectDriverSocket({
    connected() {
      state.live = true;
      outbox.flushSoon();
      redraw("status");
    },
    disconnected() {
      state.live = false;
      redraw("status");
    },
    routes(payload) {
      void setDay({ planDate: payload.plan_date, routes: payload.routes });
    },
    routeUpdated({ route }) {
      const day = state.day;
      if (day && day.planDate !== route.plan_date) return;
      const routes = day ? day.routes.filter((r) => !sameRoute(r, route)) : [];
      void setDay({ planDate: route.plan_date, routes: [...routes, route] });
    },
    routeRemoved({ route_id, plan_date }) {
      const day = state.day;
      if (!day || day.planDate !== plan_date) return;
      const gone = day.routes.filter((r) => r.id === route_id);
      void setDay({ planDate: plan_date, routes: day.routes.filter((r) => r.id !== route_id) }, gone);
    },
  });
}

function stopLive(): void {
  disconnectDriverSocket();
  stopTracking();
  startedFor = null;
  state.live = false;
}

let watchId: number | null = null;
let lastFix: GeolocationPosition | null = null;
let lastSent: { at: number; lat: number; lon: number } | null = null;

function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(s));
}

function routeInProgress(): DriverRoute | null {
  return (
    state.day?.routes.find((route) =>
      route.stops.some((stop) => state.local.get(stop.job_key)?.arrivedAt) &&
      route.stops.some((stop) => RANK[effectiveStatus(stop)] < 2),
    ) ?? null
  );
}

async function onPosition(fix: GeolocationPosition): Promise<void> {
  lastFix = fix;
  const route = routeInProgress();
  if (!route) return;
  const here = { lat: fix.coords.latitude, lon: fix.coords.longitude };
  const now = Date.now();
  if (lastSent && now - lastSent.at < POSITION_EVERY_MS && metres(lastSent, here) < POSITION_EVERY_M) return;
  lastSent = { at: now, ...here };
  const body = {
    ...here,
    accuracy_m: fix.coords.accuracy ?? null,
    speed_mps: fix.coords.speed !== null && fix.coords.speed >= 0 ? fix.coords.speed : null,
    heading: fix.coords.heading !== null && !Number.isNaN(fix.coords.heading) ? fix.coords.heading % 360 : null,
    recorded_at: nowWithOffset(new Date(fix.timestamp || now)),
    route_id: route.id,
  };
  if (!(socketConnected() && (await sendPosition(body)))) {
    // A position hours old is of no use, and a refused one is not worth keeping.
    await outbox.add(state.userId, {
      stream: STREAMS.driverPositions,
      path: "/driver/positions",
      body: { positions: [body] } satisfies ApiSchema<"PositionBatch">,
      label: "position",
      maxAgeMs: POSITION_MAX_AGE_MS,
      dropIfRefused: true,
    });
  }
}

let denied = false;

function setSharing(): void {
  const sharing: Sharing = !("geolocation" in navigator) ? "unsupported" : denied ? "denied" : watchId !== null ? "on" : "off";
  if (sharing === state.sharing) return;
  state.sharing = sharing;
  redraw("status");
}

function startTracking(): void {
  if (watchId !== null || !("geolocation" in navigator)) return;
  // Refused once: the indicator says so until a position comes (the driver may allow it later).
  watchId = navigator.geolocation.watchPosition(
    (fix) => {
      if (denied) {
        denied = false;
        setSharing();
      }
      void onPosition(fix);
    },
    (error) => {
      // Refused by the driver or the phone: nothing is sent (the route works without positions).
      // Unavailable for a while (tunnel, indoors): keep watching.
      if (error.code !== error.PERMISSION_DENIED) return;
      denied = true;
      stopTracking();
    },
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
  setSharing();
}

function stopTracking(): void {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  lastSent = null;
  setSharing();
}

/** Share the position while a route is under way, and only then. */
function updateTracking(): void {
  if (routeInProgress()) startTracking();
  else stopTracking();
}

// --- loading and recording -----------------------------------------------------------------

/**
 * What the server answered for a stop's record, kept with the stop (IndexedDB and memory). The
 * outbox may deliver an answer while the stops are being read at app start: the patch is kept
 * until then too (loadLocal), so "sent" is never lost and the stop never says "waiting" wrongly.
 */
const answered = new Map<string, Partial<LocalStop>>();

async function patchLocal(userId: number, body: DriverEventBody, patch: Partial<LocalStop>): Promise<void> {
  const key = localKey(userId, body.plan_date, body.job_key);
  answered.set(key, { ...answered.get(key), ...patch });
  try {
    await outbox.patchLocal(key, patch);
  } catch (error) {
    console.warn("Could not keep the server's answer with the stop", error);
  }
  const current = state.local.get(body.job_key);
  if (current?.key === key) state.local.set(body.job_key, { ...current, ...patch });
  redraw("body");
}

async function loadLocal(userId: number, planDate: string): Promise<Map<string, LocalStop>> {
  const local = await localStops(userId, planDate).catch(() => new Map<string, LocalStop>());
  for (const [jobKey, stop] of local) {
    const patch = answered.get(stop.key);
    if (patch) local.set(jobKey, { ...stop, ...patch });
  }
  return local;
}

export async function loadDriverDay(userId: number): Promise<Loaded<DriverDay>> {
  if (state.userId !== userId) {
    state.userId = userId;
    state.day = null;
    state.draft = null;
    state.change = await loadChange(userId).catch(() => null);
  }
  const before = state.day ?? (await loadDay(userId).catch(() => null));
  startLive(userId);
  const loaded = await routeSource.routeFor(null);
  if (loaded.savedAt === null) noteChange(before, loaded.data);
  state.local = await loadLocal(userId, loaded.data.planDate);
  state.day = loaded.data;
  if (loaded.savedAt === null) for (const route of loaded.data.routes) void ackRoute(route.id, route.version).catch(() => {});
  updateTracking();
  return loaded;
}

/** What the proof says was handed over, kept with the stop to show after the proof. */
function handOver(proof?: ProofInput): HandOver | undefined {
  if (!proof) return undefined;
  return {
    deviation: proof.deviation ?? null,
    lines: proof.lines.map((line) => ({
      order_line_id: line.order_line_id,
      delivered_quantity: line.delivered_quantity,
      deviation: line.deviation ?? null,
    })),
  };
}

const proofPatch = (at: string, proof?: ProofInput): Partial<LocalStop> => ({
  doneAt: at,
  skipped: !!proof?.deviation && NOBODY_SIGNS.includes(proof.deviation),
  handOver: handOver(proof),
  proofSentAt: undefined,
});

const KIND_PATCH: Record<EventKind, (at: string, proof?: ProofInput) => Partial<LocalStop>> = {
  arrive: (at) => ({ arrivedAt: at }),
  deliver: proofPatch,
  pickup: proofPatch,
  leave: (at) => ({ leftAt: at }),
};

/** Record an action at a stop: local status at once, the record into the outbox. */
export async function record(stop: DriverStop, kind: EventKind, label: string, proof?: ProofInput): Promise<void> {
  const day = state.day;
  if (!day) return;
  const recordedAt = nowWithOffset();
  const body: DriverEventBody = {
    client_id: newClientId(),
    kind,
    plan_date: day.planDate,
    job_key: stop.job_key,
    stop_id: stop.id,
    recorded_at: recordedAt,
    lat: lastFix?.coords.latitude ?? null,
    lon: lastFix?.coords.longitude ?? null,
  };
  if (proof) body.proof = proof;
  const patch = KIND_PATCH[kind](recordedAt, proof);
  const key = localKey(state.userId, day.planDate, stop.job_key);
  const before = state.local.get(stop.job_key) ?? { key, userId: state.userId, planDate: day.planDate, jobKey: stop.job_key };
  state.local.set(stop.job_key, { ...before, ...patch }); // optimistic, before the write finishes
  redraw("all");
  try {
    // The record and the stop's new status in one transaction: the screen never shows what is not queued.
    await outbox.add(state.userId, { stream: STREAMS.driverStop(day.planDate, stop.job_key), path: "/driver/events", body, label }, [
      { key, value: { ...before, ...patch } },
    ]);
  } catch (error) {
    state.local.set(stop.job_key, before);
    redraw("all");
    throw error;
  }
  updateTracking();
}
