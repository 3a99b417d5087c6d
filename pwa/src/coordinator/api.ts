// The coordinator's reads and writes: plans and planning jobs, master-data lists, CSV
// imports, deviations to resolve, impact reports and learned times. Shapes follow /api/openapi.json.
import { API_BASE, ApiError, apiHeaders, get, NetworkError, post } from "../api/client";
import type { KeyedMessage, Param } from "../i18n";
import { reportFetchFailed, reportFetchOk } from "../state/connectivity";

export type StopStatus = "planned" | "arrived" | "done" | "skipped";
export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export interface PlanStop {
  id: number;
  sequence: number;
  job_key: string;
  kind: "delivery" | "pickup";
  status: StopStatus;
  delivery_point_id: number | null;
  supplier_id: number | null;
  name: string;
  address: string | null;
  lat: number;
  lon: number;
  planned_arrival: string;
  planned_service_start?: string;
  planned_departure?: string;
  time_windows: string[][];
  load: Record<string, { kg: number; pallets: number }>;
  order_ids: number[];
  /** Not in the plan's StopSchema yet; filled from `eta` pushes. */
  eta?: string | null;
}

export interface PlanRoute {
  id: number;
  plan_id: number;
  vehicle_id: number;
  vehicle_name: string;
  driver_id: number | null;
  trip: number;
  version: number;
  planned_start: string;
  planned_end: string;
  distance_m: number;
  duration_s: number;
  cost: number;
  co2e_kg: number;
  stops: PlanStop[];
}

export interface Unassigned {
  job_key: string;
  /** Stable code, e.g. "too_heavy_for_any_vehicle" (also the fallback text's key). */
  reason: string;
  label: string;
  /** The table text that says the reason in numbers and what to do, with its numbers. */
  message_key?: string;
  params?: Record<string, Param | Param[]>;
  /** The same, as the server wrote it in the language asked for. */
  message?: string;
}

export interface Plan {
  id: number;
  terminal_id: number;
  plan_date: string;
  version: number;
  solver_status: string;
  wall_time_s: number;
  total_distance_m: number;
  total_cost: number;
  unassigned: Unassigned[];
  created_at: string;
  route_count: number;
  stop_count: number;
  routes: PlanRoute[];
}

export interface PlanningJob {
  id: string;
  plan_date?: string;
  status: JobStatus;
  progress: number;
  /** The server's text in the language asked for; message_key/params render it in the current one. */
  message: string;
  message_key?: string;
  message_params?: Record<string, Param>;
  plan_id?: number | null;
}

export interface Terminal {
  id: number;
  name: string;
  lat: number;
  lon: number;
}

export interface Municipality {
  id: number;
  name: string;
}

export interface FlaggedEvent {
  id: number;
  kind: string;
  plan_date: string;
  job_key: string;
  driver: string;
  recorded_at: string;
  flag_reason: string;
  resolved: boolean;
  proof_id: number | null;
}

/** A deviation to handle: its facts and words (the shape lives with its rendering, ui/deviation.ts). */
export type Deviation = import("../ui/deviation").DeviationRecord;

export interface LateRisk {
  route_id?: number;
  vehicle_name?: string;
  plan_date?: string;
  stops?: { stop_id?: number; job_key?: string; name?: string; eta?: string; window_end?: string; late_min?: number }[];
  [key: string]: unknown;
}

/** The newest plan of a date, or null when the date has not been planned. */
export async function currentPlan(day: string): Promise<Plan | null> {
  try {
    return await get<Plan>(`/plans/current?date=${day}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function startPlanning(day: string, fresh: boolean): Promise<PlanningJob> {
  return post<PlanningJob>("/planning/jobs", { date: day, fresh, reason: "requested by coordinator" });
}

export const planningJob = (id: string) => get<PlanningJob>(`/planning/jobs/${encodeURIComponent(id)}`);

/** One fleet of the advice: the day planned with `size` vehicles (services/fleet_advice.py). */
export interface FleetOption {
  size: number;
  /** The vehicles at hand by name (`like` null), then those added, named after the vehicle they are like. */
  vehicles: { name: string; like: string | null; start: string; end: string }[];
  unassigned: number;
  km: number;
  cost: number;
  trips: number;
  vehicles_used: number;
}

export interface AdviceStop {
  job_key: string;
  label: string;
  windows: string[][];
}

export interface FleetAdviceResult {
  current: number;
  /** Fewest vehicles that serve every stop; null: not even `max_size`. */
  needed: number | null;
  max_size: number;
  lower_bound: number;
  solves: number;
  learned: boolean;
  fewer: number | null;
  enough: number | null;
  more: number | null;
  options: FleetOption[];
  binding: AdviceStop[];
  unservable: AdviceStop[];
}

export interface FleetAdviceRun {
  id: string;
  plan_date: string;
  plan_id: number | null;
  status: JobStatus;
  progress: number;
  message: string;
  message_key?: string;
  message_params?: Record<string, Param>;
  result: FleetAdviceResult | null;
}

/** The newest fleet advice asked for a date, or null when none was. */
export async function latestFleetAdvice(day: string): Promise<FleetAdviceRun | null> {
  try {
    return await get<FleetAdviceRun>(`/planning/fleet-advice?date=${day}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Asks for the advice on the date's current plan (the server answers with the run already asked for it). */
export const requestFleetAdvice = (day: string) => post<FleetAdviceRun>("/planning/fleet-advice", { date: day });
export const fleetAdvice = (id: string) => get<FleetAdviceRun>(`/planning/fleet-advice/${encodeURIComponent(id)}`);
export const terminals = () => get<Terminal[]>("/terminals/");
export const municipalities = () => get<Municipality[]>("/municipalities/");
export const flaggedEvents = () => get<FlaggedEvent[]>("/driver-events/flagged");
export const resolveFlagged = (id: number) => post<FlaggedEvent>(`/driver-events/${id}/resolve`);
export const deviations = () => get<Deviation[]>("/deviations/");
export const handledDeviations = () => get<Deviation[]>("/deviations/?status=resolved");
/** `note`: who handled it and how (required by the server). */
export const resolveDeviation = (id: number, note: string) => post<Deviation>(`/deviations/${id}/resolve`, { note });
export const reopenDeviation = (id: number) => post<Deviation>(`/deviations/${id}/reopen`, {});

// --- lists and CSV import -------------------------------------------------------------

export type ListKind = "orders" | "delivery_points" | "suppliers" | "vehicles" | "slot_templates";
export const LIST_KINDS: readonly ListKind[] = ["orders", "delivery_points", "suppliers", "vehicles", "slot_templates"];
export const IMPORTABLE: ReadonlySet<ListKind> = new Set(["orders", "delivery_points", "suppliers", "vehicles"]);

export type Row = Record<string, unknown>;

export function listRows(kind: ListKind, q: string, extra: Record<string, string> = {}): Promise<Row[]> {
  return get<Row[]>(listPath(kind, q, extra));
}

function listPath(kind: ListKind, q: string, extra: Record<string, string | number>): string {
  const params = new URLSearchParams();
  if (q.trim()) params.set("q", q.trim());
  for (const [k, v] of Object.entries(extra)) if (v !== "") params.set(k, String(v));
  const query = params.toString();
  return `/${kind.replace(/_/g, "-")}/${query ? `?${query}` : ""}`;
}

/** One page of a list and how many rows all pages hold (the X-Total-Count header). */
export interface ListPage {
  rows: Row[];
  total: number;
}

export async function listPage(
  kind: ListKind,
  q: string,
  extra: Record<string, string>,
  limit: number,
  offset: number,
): Promise<ListPage> {
  const path = listPath(kind, q, { ...extra, limit, offset });
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { headers: apiHeaders(), cache: "no-store" });
  } catch (error) {
    reportFetchFailed();
    throw new NetworkError(error);
  }
  reportFetchOk();
  const total = Number(response.headers.get("X-Total-Count"));
  if (!response.ok || !Number.isFinite(total)) {
    // Let the shared client read the error (it also ends an expired session) and throw it.
    const rows = await get<Row[]>(path);
    return { rows, total: offset + rows.length };
  }
  return { rows: (await response.json()) as Row[], total };
}

/** Every row of a list, page by page (names for the ids in other lists). */
export async function listAll(kind: ListKind): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const page = await listPage(kind, "", {}, 2000, rows.length);
    rows.push(...page.rows);
    if (!page.rows.length || rows.length >= page.total) return rows;
  }
}

export interface ImportResult {
  kind: string;
  created: number;
  updated: number;
  message: string;
}

export interface ImportRowError {
  row: number;
  column: string;
  /** The cell as written in the file ("" when empty or when the error is not about one cell). */
  value?: string;
  code?: string;
  message: string;
}

/** POST the file as multipart `file`; an ApiError's fields.rows lists what was wrong. */
export async function importCsv(kind: ListKind, file: Blob, filename: string): Promise<ImportResult> {
  const body = new FormData();
  body.append("file", file, filename);
  const headers = apiHeaders();
  let response: Response;
  try {
    response = await fetch(`${API_BASE}/imports/${kind}`, { method: "POST", headers, body, cache: "no-store" });
  } catch (error) {
    reportFetchFailed();
    throw new NetworkError(error);
  }
  reportFetchOk();
  const payload = (await response.json().catch(() => null)) as
    | (ImportResult & { error?: { code: string; message: string; fields?: Record<string, unknown> } })
    | null;
  if (response.ok && payload) return payload;
  const error = payload?.error ?? { code: "http_error", message: `HTTP ${response.status}`, fields: {} };
  throw new ApiError(response.status, error.code, error.message, error.fields ?? {});
}

export function importErrors(error: unknown): ImportRowError[] {
  if (!(error instanceof ApiError)) return [];
  const rows = error.fields.rows;
  return Array.isArray(rows) ? (rows as ImportRowError[]) : [];
}

// --- impact ------------------------------------------------------------------------------

export type Figures = Record<string, number> & { km_by_trip_kind?: Record<string, number> };

export interface ScenarioFigures {
  total: Figures;
  per_week: Figures;
  by_week: Record<string, Figures>;
  by_municipality: Record<string, Figures>;
  by_municipality_per_week: Record<string, Figures>;
}

export interface CostSplitRow {
  municipality: string;
  standalone_cost: number | null;
  per_delivery: number;
  per_kg: number;
  per_standalone_km: number;
  shapley: number | null;
  pays_more_than_alone: string[];
}

export interface ImpactResult {
  horizon: { start: string; end: string; weeks: string[]; weeks_with_orders?: string[]; empty_weeks?: string[] };
  inputs: Record<string, unknown> & { municipalities: string[] };
  primary_pattern: string;
  comparison: Record<string, { free_delivery: number; coordinated: number; change: number | null }>;
  baseline: ScenarioFigures;
  coordinated: ScenarioFigures;
  pattern_comparison?: Record<string, Record<string, number>>;
  /** Coordinated deliveries a fixed-day pattern brings forward to before the period. */
  moved_before_period?: { deliveries: number; orders: number; kg: number; dates: string[] };
  cost_split: {
    pattern: string;
    players: string[];
    total_cost: number;
    sum_of_standalone_costs: number;
    table: CostSplitRow[];
    core?: { core_nonempty: boolean | null; allocation_in_core?: boolean };
    shapley_skipped?: string;
    shapley_skipped_reason?: KeyedMessage;
  };
  /** Messages of the word tables; a report from before they were has English strings. */
  notes?: (KeyedMessage | string)[];
  wall_time_s?: number;
}

export interface ImpactReport {
  id: string;
  name: string;
  date_from: string;
  date_to: string;
  status: JobStatus;
  progress: number;
  message: string;
  message_key?: string;
  message_params?: Record<string, Param>;
  created_at: string;
  finished_at?: string | null;
  parameters?: Record<string, unknown>;
  result?: ImpactResult | null;
}

export interface ImpactRequest {
  name: string;
  date_from: string;
  date_to: string;
  time_limit_s?: number;
  shapley_time_limit_s?: number;
  shapley?: boolean;
  primary_pattern?: string;
}

export const startImpact = (body: ImpactRequest) => post<ImpactReport>("/impact/reports", body);
export const impactReports = () => get<ImpactReport[]>("/impact/reports?limit=20");
export const impactReport = (id: string) => get<ImpactReport>(`/impact/reports/${encodeURIComponent(id)}`);

// --- learned times (the feedback loop) ---------------------------------------------------

export interface LearnedFactor {
  factor: number;
  n: number;
  /** Below minimums.travel_legs: shown, not used by the planner yet. */
  provisional?: boolean;
}

/** Observations each kind of learned value needs before the planner uses it. */
export interface LearnedMinimums {
  travel_legs: number;
  point_visits: number;
  margin_stops: number;
  excess_visits: number;
}

export interface LearnedTravel {
  default: LearnedFactor;
  time_bands: (LearnedFactor & { start_s: number; end_s: number })[];
  areas?: (LearnedFactor & { name: string })[];
  n?: number;
}

export interface LearnedMargin {
  fixed_s: number;
  per_hour_s: number;
  max_s: number;
  n: number;
  quantile?: number | null;
  days?: string[];
  provisional?: boolean;
}

export interface LearnedPoint {
  delivery_point_id: number;
  name: string | null;
  fixed_s: number;
  per_pallet_s: number;
  n: number;
  outliers: number;
  default_fixed_s: number | null;
  default_per_pallet_s: number;
  provisional?: boolean;
}

/** GET /feedback/parameters; `version` null: nothing learned yet. */
export interface LearnedParameters {
  id: number | null;
  version: number | null;
  created_at: string | null;
  reason: string | null;
  travel: LearnedTravel | null;
  arrival_margin: LearnedMargin | null;
  excess: { service_s: number; leg_s: number; n: number; provisional?: boolean } | null;
  observations: { services?: number; legs?: number; routes?: number };
  points: LearnedPoint[];
  minimums?: LearnedMinimums;
}

export const learnedParameters = () => get<LearnedParameters>("/feedback/parameters");
export const relearn = () => post<LearnedParameters>("/feedback/learn");
export const resetLearnedPoint = (id: number) => post<LearnedParameters>(`/feedback/points/${id}/reset`);
