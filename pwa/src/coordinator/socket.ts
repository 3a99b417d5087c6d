// The coordinator's live feed: Socket.IO namespace /coordinator, authenticated with the API
// token. Planning progress, plan changes, stop events, vehicle positions, ETAs, late risks.
import type { ApiSchema } from "../api/types";
import { openLive, type LiveChannel } from "../data/live";
import { getSession } from "../state/session";

export interface VehiclePosition {
  driver_id: number;
  route_id: number | null;
  lat: number;
  lon: number;
  recorded_at: string;
}

export type CoordinatorEvents = {
  planning_job: (job: Record<string, unknown>) => void;
  plan_updated: (payload: { plan_id: number; plan_date: string; version: number }) => void;
  stop_event: (payload: Record<string, unknown>) => void;
  vehicle_position: (payload: VehiclePosition) => void;
  eta: (payload: { stop_id: number; job_key: string; plan_date: string; eta: string; status: string }) => void;
  /** As GET /feedback/late-risks lists them. */
  late_risk: (payload: ApiSchema<"LateRisk">) => void;
  connection: (live: boolean) => void;
};

const handlers: { [K in keyof CoordinatorEvents]?: Set<CoordinatorEvents[K]> } = {};
let channel: LiveChannel | null = null;
let socketToken = "";

export function on<K extends keyof CoordinatorEvents>(event: K, handler: CoordinatorEvents[K]): () => void {
  const set = (handlers[event] ??= new Set() as never) as Set<CoordinatorEvents[K]>;
  set.add(handler);
  return () => set.delete(handler);
}

function fire<K extends keyof CoordinatorEvents>(event: K, ...args: Parameters<CoordinatorEvents[K]>): void {
  const set = handlers[event] as Set<(...a: unknown[]) => void> | undefined;
  set?.forEach((handler) => {
    try {
      handler(...args);
    } catch (error) {
      console.warn(`coordinator socket handler for ${event} failed`, error);
    }
  });
}

/** Connect once per session (idempotent); socket.io-client reconnects by itself. */
export function connectCoordinatorSocket(): void {
  const token = getSession()?.token ?? "";
  if (channel && token === socketToken) return;
  disconnectCoordinatorSocket();
  socketToken = token;
  const events: Record<string, (payload: never) => void> = {};
  for (const name of ["planning_job", "plan_updated", "stop_event", "vehicle_position", "eta", "late_risk"] as const) {
    events[name] = (payload: never) => fire(name, payload);
  }
  channel = openLive("/coordinator", events, (live) => fire("connection", live));
}

export function disconnectCoordinatorSocket(): void {
  channel?.close();
  channel = null;
}

export const coordinatorLive = () => channel?.connected() ?? false;
