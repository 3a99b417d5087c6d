// The driver API's shapes (backend/samlast/schemas/driver.py), generated from the OpenAPI
// document (see api/types.ts); the app receives DriverRoute and sends DriverEventInput.
import type { ApiSchema } from "../api/types";

export type DriverLine = ApiSchema<"DriverLine">;
export type DriverPlace = ApiSchema<"DriverPlace">;
export type DriverStop = ApiSchema<"DriverStop">;
export type DriverRoute = ApiSchema<"DriverRoute">;
export type StopKind = DriverStop["kind"];
export type StopStatus = DriverStop["status"];

export type ProofLineInput = ApiSchema<"ProofLineInput">;
export type ProofInput = ApiSchema<"ProofInput">;
export type DriverEventBody = ApiSchema<"DriverEventInput">;
export type EventKind = DriverEventBody["kind"];
export type Deviation = NonNullable<ProofLineInput["deviation"]>;
export type DriverEventResult = ApiSchema<"DriverEventResult">;
export type PositionBody = ApiSchema<"PositionInput">;

/** In the order the driver chooses from. */
export const DEVIATIONS = [
  "missing",
  "damaged",
  "wrong_temperature",
  "wrong_article",
  "refused",
  "nobody_there",
] as const satisfies readonly Deviation[];
/** A stop-level deviation for which nobody signs. */
export const NOBODY_SIGNS: readonly Deviation[] = ["refused", "nobody_there"];

/** The `route_changed` push of the driver's live channel (not part of the REST API). */
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
