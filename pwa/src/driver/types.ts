// The driver API's shapes (backend/samlast/schemas/driver.py), as the app receives and sends them.
import type { TemperatureClass } from "../api/types";

export type StopKind = "delivery" | "pickup";
export type StopStatus = "planned" | "arrived" | "done" | "skipped";
export type EventKind = "arrive" | "deliver" | "pickup" | "leave";
export type Deviation =
  | "missing"
  | "damaged"
  | "wrong_temperature"
  | "refused"
  | "nobody_there"
  | "wrong_article";

export const DEVIATIONS: readonly Deviation[] = [
  "missing",
  "damaged",
  "wrong_temperature",
  "wrong_article",
  "refused",
  "nobody_there",
];
/** A stop-level deviation for which nobody signs. */
export const NOBODY_SIGNS: readonly Deviation[] = ["refused", "nobody_there"];

export interface DriverLine {
  order_line_id: number;
  order_id: number;
  order_external_id: string;
  supplier_name: string;
  article: string;
  quantity: number;
  unit: string;
  weight_kg: number;
  pallet_places: number;
  temperature_class: TemperatureClass;
}

export interface DriverPlace {
  name?: string;
  address?: string;
  access_notes?: string;
  unloading_place?: string;
  max_vehicle_length_m?: number | null;
  contact_name?: string;
  contact_phone?: string;
}

export interface DriverStop {
  id: number;
  sequence: number;
  job_key: string;
  kind: StopKind;
  status: StopStatus;
  lat: number;
  lon: number;
  planned_arrival: string | null; // ISO date-time
  planned_departure: string | null;
  time_windows: [string, string][];
  place: DriverPlace;
  lines: DriverLine[];
}

export interface DriverRoute {
  id: number;
  plan_date: string;
  plan_version: number;
  version: number;
  vehicle_name: string;
  trip: number;
  planned_start: string | null;
  planned_end: string | null;
  distance_m: number;
  terminal: { name: string; lat: number; lon: number };
  breaks: Record<string, unknown>[];
  stops: DriverStop[];
}

export interface ProofLineInput {
  order_line_id: number;
  delivered_quantity: number;
  temperature_c?: number | null;
  deviation?: Deviation | null;
  note?: string;
}

export interface ProofInput {
  receiver_name: string;
  signature: string | null; // data:image/png;base64,...
  photos: string[]; // data:image/jpeg;base64,...
  deviation?: Deviation | null;
  note: string;
  lines: ProofLineInput[];
  returns: { crates: number; roll_cages: number; pallets: number };
}

export interface DriverEventBody {
  client_id: string;
  kind: EventKind;
  plan_date: string;
  job_key: string;
  stop_id: number | null;
  recorded_at: string;
  lat?: number | null;
  lon?: number | null;
  proof?: ProofInput;
}

export interface DriverEventResult {
  event_id: number;
  client_id: string;
  kind: string;
  stop_id: number | null;
  stop_status: string | null;
  flagged: boolean;
  flag_reason: string;
  proof_id: number | null;
  receipt_url: string | null;
  replay: boolean;
}

export interface PositionBody {
  lat: number;
  lon: number;
  accuracy_m?: number | null;
  speed_mps?: number | null;
  heading?: number | null;
  recorded_at: string;
  route_id?: number | null;
}

export interface RouteChanges {
  added: string[];
  removed: string[];
  reordered: boolean;
}

/** Local time with the device's offset, e.g. 2026-05-04T08:12:00.000+02:00 (the API wants an offset). */
export function nowWithOffset(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** crypto.randomUUID() where available (secure contexts), else a v4 UUID from getRandomValues. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
