// The coordinator's reads and writes: plans and planning jobs, master-data lists, CSV
// imports, deviations to resolve, impact reports and learned times. Shapes are generated from the
// OpenAPI document (see api/types.ts).
import { API_BASE, ApiError, apiHeaders, get, NetworkError, post, postFile, request } from "../api/client";
import type { ApiSchema } from "../api/types";
import { reportFetchFailed, reportFetchOk } from "../state/connectivity";

export type Plan = ApiSchema<"Plan">;
export type PlanRoute = ApiSchema<"Route">;
export type PlanStop = ApiSchema<"Stop">;
export type StopStatus = PlanStop["status"];
export type Unassigned = ApiSchema<"Unassigned">;
export type PlanningJob = ApiSchema<"PlanningJob">;
export type JobStatus = PlanningJob["status"];
export type Terminal = ApiSchema<"TerminalOut">;
export type Municipality = ApiSchema<"MunicipalityOut">;
export type FlaggedEvent = ApiSchema<"FlaggedEvent">;
/** A deviation to handle: its facts and words. */
export type Deviation = ApiSchema<"Deviation">;

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
  const body: ApiSchema<"PlanRequest"> = { date: day, fresh, reason: "requested by coordinator" };
  return post<PlanningJob>("/planning/jobs", body);
}

export const planningJob = (id: string) => get<PlanningJob>(`/planning/jobs/${encodeURIComponent(id)}`);

/** One fleet of the advice: the day planned with `size` vehicles (services/fleet_advice.py). */
export type FleetOption = ApiSchema<"FleetOption">;
export type AdviceStop = ApiSchema<"AdviceStop">;
export type FleetAdviceResult = ApiSchema<"FleetAdviceResult">;
export type FleetAdviceRun = ApiSchema<"FleetAdvice">;

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
export const resolveDeviation = (id: number, note: string) =>
  post<Deviation>(`/deviations/${id}/resolve`, { note } satisfies ApiSchema<"ResolveDeviation">);
export const reopenDeviation = (id: number) =>
  post<Deviation>(`/deviations/${id}/reopen`, {} satisfies Partial<ApiSchema<"ReopenDeviation">>);

// --- lists and CSV import -------------------------------------------------------------

export type ListKind = "orders" | "delivery_points" | "suppliers" | "vehicles" | "slot_templates" | "audit";
export const LIST_KINDS: readonly ListKind[] = ["orders", "delivery_points", "suppliers", "vehicles", "slot_templates", "audit"];
export const IMPORTABLE: ReadonlySet<ListKind> = new Set(["orders", "delivery_points", "suppliers", "vehicles"]);

export type Row = Record<string, unknown>;

export function listRows(kind: ListKind, q: string, extra: Record<string, string> = {}): Promise<Row[]> {
  return get<Row[]>(listPath(kind, q, extra));
}

function listPath(kind: ListKind, q: string, extra: Record<string, string | number>): string {
  const params = new URLSearchParams();
  // The change log is searched by who made the change; the other lists by name or number.
  if (q.trim()) params.set(kind === "audit" ? "actor" : "q", q.trim());
  for (const [k, v] of Object.entries(extra)) if (v !== "") params.set(k, String(v));
  const query = params.toString();
  const base = kind === "audit" ? "/audit" : `/${kind.replace(/_/g, "-")}/`;
  return `${base}${query ? `?${query}` : ""}`;
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


/** A row of an import's 422 answer, in error.fields.rows (the error's fields are not typed by the API). */
export interface ImportRowError {
  row: number;
  column: string;
  /** The cell as written in the file ("" when empty or when the error is not about one cell). */
  value?: string;
  code?: string;
  message: string;
}

export type ImportRun = ApiSchema<"ImportRun">;

/** POST the file as multipart `file` to start an import run (the addresses are looked up off the
 * request, with progress); an ApiError (422) names what makes the file unreadable. */
export async function startImport(kind: ListKind, file: Blob, filename: string): Promise<ImportRun> {
  return postFile<ImportRun>(`/imports/${kind}/runs`, file, filename);
}

export type PeppolImport = ApiSchema<"PeppolImport">;

/** Orders as Peppol BIS documents: one XML (422 names every error) or a zip (each listed). */
export async function importPeppol(file: Blob, filename: string): Promise<PeppolImport> {
  return postFile<PeppolImport>("/imports/peppol", file, filename);
}

export function importRun(id: string): Promise<ImportRun> {
  return get<ImportRun>(`/imports/runs/${encodeURIComponent(id)}`);
}

export type RegisterSource = "skolverket" | "preschools";
export type RegisterPreview = ApiSchema<"RegisterPreview">;
export type RegisterUnit = ApiSchema<"RegisterUnit">;
export type RegisterImportResult = ApiSchema<"RegisterImportResult">;

/** An open register's file read for the cluster (nothing written; 422 names every error). */
export function previewRegister(source: RegisterSource, file: Blob, filename: string): Promise<RegisterPreview> {
  return postFile<RegisterPreview>(`/imports/registers/${source}/preview`, file, filename);
}

/** A municipality's code (Skolverket's register names municipalities by code). */
export const setMunicipalityCode = (id: number, code: string) => request<Municipality>("PATCH", `/municipalities/${id}`, { code });

/** The picked units of the same file made delivery points, all or nothing. */
export function importRegister(source: RegisterSource, file: Blob, filename: string, selected: string[]): Promise<RegisterImportResult> {
  return postFile<RegisterImportResult>(`/imports/registers/${source}`, file, filename, { selected: selected.join(",") });
}


export function importErrors(error: unknown): ImportRowError[] {
  if (!(error instanceof ApiError)) return [];
  const rows = error.fields.rows;
  return Array.isArray(rows) ? (rows as ImportRowError[]) : [];
}

// --- impact ------------------------------------------------------------------------------

export type Figures = ApiSchema<"Figures">;
/** A figure of a scenario (km_by_trip_kind, a breakdown, is not one). */
export type FigureKey = Exclude<keyof Figures, "km_by_trip_kind">;
export type ScenarioFigures = ApiSchema<"ScenarioFigures">;
export type CostSplitRow = ApiSchema<"CostSplitRow">;
export type ImpactResult = ApiSchema<"ImpactResult">;
export type ImpactReport = ApiSchema<"ImpactReport">;
export type ImpactRequest = ApiSchema<"ImpactRequest">;

export const startImpact = (body: ImpactRequest) => post<ImpactReport>("/impact/reports", body);
export const impactReports = () => get<ImpactReport[]>("/impact/reports?limit=20");
export const impactReport = (id: string) => get<ImpactReport>(`/impact/reports/${encodeURIComponent(id)}`);

// --- learned times (the feedback loop) ---------------------------------------------------

export type LearnedFactor = ApiSchema<"LearnedFactor">;
/** Observations each kind of learned value needs before the planner uses it. */
export type LearnedMinimums = ApiSchema<"Minimums">;
export type LearnedTravel = ApiSchema<"LearnedTravel">;
export type LearnedMargin = ApiSchema<"LearnedMargin">;
export type LearnedPoint = ApiSchema<"PointEstimate">;
/** GET /feedback/parameters; `version` null: nothing learned yet. */
export type LearnedParameters = ApiSchema<"Parameters">;

export const learnedParameters = () => get<LearnedParameters>("/feedback/parameters");
export const relearn = () => post<LearnedParameters>("/feedback/learn");
export const resetLearnedPoint = (id: number) => post<LearnedParameters>(`/feedback/points/${id}/reset`);

// --- emergency stock ------------------------------------------------------------------------

export type StockOverview = ApiSchema<"StockOverview">;
export type StockArticle = ApiSchema<"StockArticle">;
export type StockProposal = ApiSchema<"Proposal">;
export type Crisis = ApiSchema<"Crisis">;
export type StockIssue = ApiSchema<"StockIssue">;

/** The query of a stock read: the window of the proposals and the terminal, each when chosen. */
function stockQuery(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== null && value !== undefined) params.set(name, String(value));
  const query = params.toString();
  return query ? `?${query}` : "";
}

export const stockOverview = (rotationDays?: number | null, terminalId?: number | null) =>
  get<StockOverview>(`/stock/${stockQuery({ rotation_days: rotationDays, terminal_id: terminalId })}`);
export const addStockArticle = (body: ApiSchema<"ArticleInput">) => post<{ id: number }>("/stock/articles", body);
export const addStockBatch = (articleId: number, body: ApiSchema<"BatchInput">) =>
  post<{ id: number }>(`/stock/articles/${articleId}/batches`, body);
export const updateStockArticle = (articleId: number, body: ApiSchema<"ArticleUpdate">) =>
  request<{ id: number }>("PATCH", `/stock/articles/${articleId}`, body);
export const deleteStockArticle = (articleId: number) => request<null>("DELETE", `/stock/articles/${articleId}`);
export const updateStockBatch = (batchId: number, body: ApiSchema<"BatchUpdate">) =>
  request<{ id: number }>("PATCH", `/stock/batches/${batchId}`, body);
export const deleteStockBatch = (batchId: number) => request<null>("DELETE", `/stock/batches/${batchId}`);
export const saveStockMinimums = (body: ApiSchema<"MinimumsInput">) => request<StockOverview>("PUT", "/stock/minimums", body);
export const addToDelivery = (body: ApiSchema<"AddToDelivery">) => post<StockIssue>("/stock/issues", body);
export const crisisPreview = (date: string, supplierId: number, terminalId?: number | null) =>
  get<Crisis>(`/stock/crisis${stockQuery({ date, supplier_id: supplierId, terminal_id: terminalId })}`);
export const crisisCover = (body: ApiSchema<"CrisisInput">) => post<Crisis>("/stock/crisis", body);

// --- identifiers of Peppol documents mapped to delivery points and suppliers ----------------
export type PartyMapping = ApiSchema<"PartyMapping">;
export type PartyMappingInput = ApiSchema<"PartyMappingInput">;
export const partyMappings = () => get<PartyMapping[]>("/imports/peppol/mappings");
export const addPartyMapping = (input: PartyMappingInput) => post<PartyMapping>("/imports/peppol/mappings", input);
