// The driver app's state and its live parts: the day's routes (API, socket, IndexedDB), what
// was done at each stop on this device, route changes, the outbox, and position reports.
import type { Loaded } from "../data/fetch";
import { flushSoon, onOutboxChange, onOutboxSent, outboxState, queuePosition, recordEvent, startOutbox, type OutboxState } from "../data/outbox";
import { routeSource, storeDay, type DriverDay } from "../data/route";
import { ackRoute, connectDriverSocket, disconnectDriverSocket, sendPosition, socketConnected } from "../data/socket";
import { onConnectivityChange } from "../state/connectivity";
import { onSessionChange, getSession } from "../state/session";
import { driverDb, loadChange, loadDay, localKey, localStops, saveChange, type LocalStop, type StoredChange } from "./db";
import type { ProofDraft } from "./proof";
import {
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
const POSITION_EVERY_M = 200;
const RANK: Record<StopStatus, number> = { planned: 0, arrived: 1, skipped: 2, done: 2 };

export interface DriverState {
  userId: number;
  day: DriverDay | null;
  local: Map<string, LocalStop>;
  outbox: OutboxState;
  change: StoredChange | null;
  live: boolean;
  draft: ProofDraft | null;
  draftStop: DriverStop | null;
  flash: string | null;
}

export const state: DriverState = {
  userId: 0,
  day: null,
  local: new Map(),
  outbox: outboxState(),
  change: null,
  live: false,
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

function names(day: DriverDay | null): Map<string, string> {
  return new Map(
    (day?.routes ?? []).flatMap((route) => route.stops.map((stop) => [stop.job_key, stop.place.name ?? stop.job_key] as const)),
  );
}

/** What changed from `before` to `after` (same day), merged into the banner not yet dismissed. */
function noteChange(before: DriverDay | null, after: DriverDay, removedRoute = false): void {
  if (!before || before.planDate !== after.planDate) return;
  const old = names(before);
  const now = names(after);
  const added = [...now.keys()].filter((key) => !old.has(key));
  const removed = [...old.keys()].filter((key) => !now.has(key));
  const keptOld = [...old.keys()].filter((key) => now.has(key));
  const keptNew = [...now.keys()].filter((key) => old.has(key));
  const reordered = keptOld.join("|") !== keptNew.join("|");
  if (!added.length && !removed.length && !reordered && !removedRoute) return;
  const previous = state.change;
  const addedKeys = new Set([...(previous?.changes.added ?? []).filter((k) => !removed.includes(k)), ...added]);
  const removedKeys = new Set([...(previous?.changes.removed ?? []).filter((k) => !added.includes(k)), ...removed]);
  const allNames = new Map([...old, ...now, ...(previous ? zip(previous) : [])]);
  const change: StoredChange = {
    userId: state.userId,
    routeId: after.routes[0]?.id ?? 0,
    version: after.routes[0]?.version ?? 0,
    changes: { added: [...addedKeys], removed: [...removedKeys], reordered: reordered || (previous?.changes.reordered ?? false) },
    added: [...addedKeys].map((key) => allNames.get(key) ?? key),
    removed: [...removedKeys].map((key) => allNames.get(key) ?? key),
    removedRoute: removedRoute || (previous?.removedRoute ?? false),
    at: Date.now(),
  };
  state.change = change;
  void saveChange(change, state.userId).catch(() => {});
}

function zip(change: StoredChange): [string, string][] {
  return [
    ...change.changes.added.map((key, i): [string, string] => [key, change.added[i] ?? key]),
    ...change.changes.removed.map((key, i): [string, string] => [key, change.removed[i] ?? key]),
  ];
}

export function dismissChange(): void {
  state.change = null;
  void saveChange(null, state.userId).catch(() => {});
  redraw("change");
}

async function setDay(day: DriverDay, removedRoute = false): Promise<void> {
  const before = state.day;
  const stored = await storeDay(state.userId, day.planDate, day.routes);
  noteChange(before, stored, removedRoute);
  if (!before || before.planDate !== stored.planDate) {
    state.local = await localStops(state.userId, stored.planDate).catch(() => new Map());
  }
  state.day = { planDate: stored.planDate, routes: stored.routes };
  for (const route of stored.routes) void ackRoute(route.id, route.version).catch(() => {});
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
  onOutboxChange((outbox) => {
    state.outbox = outbox;
    redraw("status");
  });
  onOutboxSent((item, answer) => {
    if (item.type !== "event") return;
    const result = answer as DriverEventResult;
    const local = state.local.get(item.body.job_key);
    if (!local || !(result?.flagged || result?.receipt_url)) return;
    if (result.flagged) local.flagReason = result.flag_reason;
    if (result.receipt_url) local.receiptPath = result.receipt_url.replace(/^\/api\/v1/, "");
    void driverDb().then((db) => db.put("local", local));
    redraw("body");
  });
  onConnectivityChange((online) => {
    if (online) flushSoon();
  });
  onSessionChange(() => {
    if (!getSession()) stopLive();
  });
}

function startSocket(): void {
  connectDriverSocket({
    connected() {
      state.live = true;
      flushSoon();
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
      void setDay({ planDate: plan_date, routes: day.routes.filter((r) => r.id !== route_id) }, true);
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
  if (!(socketConnected() && (await sendPosition(body)))) await queuePosition(state.userId, body);
}

function startTracking(): void {
  if (watchId !== null || !("geolocation" in navigator) || !routeInProgress()) return;
  watchId = navigator.geolocation.watchPosition(
    (fix) => void onPosition(fix),
    () => {}, // denied or unavailable: the route works without positions
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
}

function stopTracking(): void {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
}

// --- loading and recording -----------------------------------------------------------------

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
  state.local = await localStops(userId, loaded.data.planDate).catch(() => new Map());
  state.day = loaded.data;
  if (loaded.savedAt === null) for (const route of loaded.data.routes) void ackRoute(route.id, route.version).catch(() => {});
  startTracking();
  return loaded;
}

const KIND_PATCH: Record<EventKind, (at: string, proof?: ProofInput) => Partial<LocalStop>> = {
  arrive: (at) => ({ arrivedAt: at }),
  deliver: (at, proof) => ({ doneAt: at, skipped: !!proof?.deviation && ["nobody_there", "refused"].includes(proof.deviation) }),
  pickup: (at, proof) => ({ doneAt: at, skipped: !!proof?.deviation && ["nobody_there", "refused"].includes(proof.deviation) }),
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
    await recordEvent(state.userId, body, label, patch);
  } catch (error) {
    state.local.set(stop.job_key, before);
    redraw("all");
    throw error;
  }
  if (kind === "arrive") startTracking();
}
