// "I dag": the day's routes on a map and as tables, live vehicle positions, late-risk warnings,
// deviations to resolve, the plan / re-plan button with its progress (a re-plan first says
// which stops stay as they are), the jobs that could not be planned with the reason in
// numbers and what to do about it, and then how many vehicles the day needs (./fleet.ts).
import { hasKey, intlLocale, message, serverText, t, type Param } from "../i18n";
import { empty, errorBox, errorMessage, formatNumber, loading } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { parseIsoDate } from "../util/dates";
import * as api from "./api";
import type { FlaggedEvent, Deviation, Plan, PlanningJob, PlanRoute, PlanStop, Terminal, Unassigned } from "./api";
import { drawRoutesMap, routeClass, TRUCK_SVG, type RoutesMap } from "./map";
import { coordinatorLive, on, type VehiclePosition } from "./socket";
import { formatClock, zoneDate, zoneStamp } from "../util/time";
import { deviationList, type DeviationActions } from "../ui/deviation";
import { FleetAdviceView } from "./fleet";

interface LateRiskItem {
  key: string;
  name: string;
  vehicle: string;
  eta: string | null;
  windowEnd: string | null;
}

const state = {
  day: zoneDate(),
  plan: undefined as Plan | null | undefined,
  planError: null as unknown,
  job: null as PlanningJob | null,
  jobError: null as string | null,
  flagged: [] as FlaggedEvent[],
  deviations: [] as Deviation[],
  alertsError: null as unknown,
  pushedRisks: new Map<string, LateRiskItem>(),
  positions: new Map<string, VehiclePosition>(),
  terminal: null as Terminal | null,
  live: false,
  /** The re-plan question is open (a plan exists; the coordinator pressed "Planera om"). */
  confirming: false,
};

let container: HTMLElement | null = null;
let map: RoutesMap | null = null;
let mapToken = 0;
let pollTimer: number | undefined;
let reloadTimer: number | undefined;
let started = false;
// How many vehicles the day needs, shown when the plan leaves stops without a vehicle.
const fleetAdvice = new FleetAdviceView(() => redraw({ keepMap: true }));

const clock = (iso: string | null | undefined) => (iso ? formatClock(iso) : t("common.none"));

/** A parameter of a server message as the reader writes it: 9 000, "frysvaror", "måndagar, tisdagar". */
function readable(value: Param): string {
  if (Array.isArray(value)) return value.map(readable).join(", ");
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "object") return message(value);
  return value;
}

/** Why a job is not in the plan, in numbers and with what to do (plans stored earlier: without numbers). */
export function unassignedText(job: Unassigned): string {
  if (job.message_key && hasKey(job.message_key)) {
    const params = Object.fromEntries(Object.entries(job.params ?? {}).map(([name, value]) => [name, readable(value)]));
    return t(job.message_key, params);
  }
  const key = `coordinator.reason.${job.reason}`;
  return hasKey(key) ? t(key) : job.message || t("coordinator.reason.unknown");
}

/** "fredag 4 december" in the reader's language. */
function longDay(day: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { weekday: "long", day: "numeric", month: "long" }).format(parseIsoDate(day));
}

/** Stops the driver has reached (arrived, done, skipped) stay as they are on a re-plan; the rest are planned again. */
export function replanCounts(plan: Plan): { fixed: number; replanned: number } {
  const stops = plan.routes.flatMap((route) => route.stops);
  const fixed = stops.filter((stop) => stop.status !== "planned").length;
  return { fixed, replanned: stops.length - fixed };
}

function flagReason(event: FlaggedEvent): string {
  // The server stores these two reasons as English sentences; say them in the reader's language.
  if (event.flag_reason === "The stop is no longer in the current plan.") return t("coordinator.flag.notInPlan");
  if (event.flag_reason === "The stop is on another driver's route in the current plan.") return t("coordinator.flag.otherDriver");
  return hasKey(event.flag_reason) ? t(event.flag_reason) : event.flag_reason;
}

function eventKind(kind: string): string {
  const key = `driver.event.${kind}`;
  return hasKey(key) ? t(key) : kind;
}

// --- data -----------------------------------------------------------------------------------

async function loadPlan(): Promise<void> {
  const day = state.day;
  try {
    const plan = await api.currentPlan(day);
    if (day !== state.day) return;
    state.plan = plan;
    state.planError = null;
    void fleetAdvice.follow(day, plan);
  } catch (error) {
    if (day !== state.day) return;
    state.plan = null;
    state.planError = error;
  }
  redraw();
}

async function loadAlerts(): Promise<void> {
  try {
    const [flagged, deviations] = await Promise.all([api.flaggedEvents(), api.deviations()]);
    state.flagged = flagged;
    state.deviations = deviations;
    state.alertsError = null;
  } catch (error) {
    state.alertsError = error;
  }
  redraw();
}

async function loadTerminal(): Promise<void> {
  try {
    state.terminal = (await api.terminals())[0] ?? null;
  } catch {
    state.terminal = null;
  }
}

function scheduleReload(): void {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => void loadPlan(), 700);
}

/** Whether a planning job is still to finish (queued or running). */
function underWay(job: Pick<PlanningJob, "status"> | null | undefined): boolean {
  return job?.status === "queued" || job?.status === "running";
}

function jobEnded(job: PlanningJob): void {
  window.clearTimeout(pollTimer);
  pollTimer = undefined;
  if (job.status === "succeeded") void loadPlan();
  else redraw();
}

function applyJob(update: Partial<PlanningJob> & { id: string }): void {
  if (!state.job || state.job.id !== update.id) return;
  const wasRunning = underWay(state.job);
  state.job = { ...state.job, ...update };
  if (wasRunning && (state.job.status === "succeeded" || state.job.status === "failed")) jobEnded(state.job);
  else drawProgress();
}

/** Polling is the fallback when the socket is down; it stops when the job has ended. */
function poll(id: string): void {
  window.clearTimeout(pollTimer);
  pollTimer = window.setTimeout(async () => {
    try {
      applyJob(await api.planningJob(id));
    } catch {
      // offline for a moment: try again
    }
    if (state.job?.id === id && underWay(state.job)) poll(id);
  }, 1_000);
}

async function plan(fresh = !state.plan): Promise<void> {
  state.jobError = null;
  state.confirming = false;
  try {
    state.job = await api.startPlanning(state.day, fresh);
    redraw();
    if (state.job.status === "succeeded" || state.job.status === "failed") jobEnded(state.job);
    else poll(state.job.id);
  } catch (error) {
    state.jobError = errorMessage(error);
    redraw();
  }
}

async function resolve(_kind: "flagged", id: number): Promise<void> {
  try {
    await api.resolveFlagged(id);
    state.flagged = state.flagged.filter((e) => e.id !== id);
    state.alertsError = null;
  } catch (error) {
    state.alertsError = error;
  }
  redraw();
}

// A deviation is marked as handled with a note and can be opened again (ui/deviation.ts shows
// the note's field and its errors, so these let the server's error through).
const deviationActions: DeviationActions = {
  async resolve(id, note) {
    const handled = await api.resolveDeviation(id, note);
    state.deviations = state.deviations.filter((d) => d.id !== id);
    return handled;
  },
  async reopen(id) {
    const opened = await api.reopenDeviation(id);
    state.deviations = [...state.deviations.filter((d) => d.id !== id), opened].sort((a, b) => a.id - b.id);
    return opened;
  },
  handled: () => api.handledDeviations(),
  redraw: () => redraw({ keepMap: true }),
};

function startLive(): void {
  if (started) return;
  started = true;
  on("connection", (live) => {
    state.live = live;
    const badge = container?.querySelector(".live");
    if (badge) badge.replaceWith(liveBadge());
  });
  on("planning_job", (job) => {
    const update = job as unknown as PlanningJob;
    if (state.job && update.id === state.job.id) applyJob(update);
    else if (update.plan_date === state.day && underWay(update)) {
      // a re-plan started elsewhere (an order changed, a vehicle dropped out): follow it too
      state.job = update;
      redraw();
      poll(update.id);
    }
  });
  on("plan_updated", (payload) => {
    if (payload.plan_date === state.day) scheduleReload();
  });
  on("stop_event", () => {
    if (state.day === zoneDate()) scheduleReload();
  });
  on("eta", (payload) => {
    if (payload.plan_date !== state.day || !state.plan) return;
    for (const route of state.plan.routes) {
      const stop = route.stops.find((s) => s.id === payload.stop_id || s.job_key === payload.job_key);
      if (stop) {
        stop.eta = payload.eta;
        if (payload.status === "planned" || payload.status === "arrived" || payload.status === "done" || payload.status === "skipped") stop.status = payload.status;
      }
    }
    redraw({ keepMap: true });
  });
  on("late_risk", (risk) => {
    if (risk.plan_date !== state.day) return;
    const route = state.plan?.routes.find((r) => r.id === risk.route_id);
    for (const s of risk.stops) {
      const stop = route?.stops.find((candidate) => candidate.id === s.stop_id);
      state.pushedRisks.set(s.job_key, {
        key: s.job_key,
        name: stop?.name ?? s.job_key,
        vehicle: route?.vehicle_name ?? "",
        eta: s.eta,
        windowEnd: s.window_end,
      });
    }
    redraw({ keepMap: true });
  });
  on("vehicle_position", (position) => {
    state.positions.set(String(position.driver_id), position);
    map?.update(state.positions, state.plan?.routes ?? []);
  });
}

/** Stops whose expected arrival (ETA, else planned) is after the end of their last window. */
function lateRisks(): LateRiskItem[] {
  const items = new Map(state.pushedRisks);
  for (const route of state.plan?.routes ?? []) {
    for (const stop of route.stops) {
      if (stop.status !== "planned") continue;
      const last = stop.time_windows.at(-1)?.[1];
      const expected = stop.eta ?? stop.planned_arrival;
      if (!last || !expected) continue;
      // Window ends are clock times of the cluster's zone; compare in that zone, not the device's.
      if (zoneStamp(expected) > `${state.day} ${last}`) {
        items.set(stop.job_key, { key: stop.job_key, name: stop.name, vehicle: route.vehicle_name, eta: expected, windowEnd: last });
      }
    }
  }
  return [...items.values()];
}

// --- drawing --------------------------------------------------------------------------------

function liveBadge(): HTMLElement {
  state.live = coordinatorLive();
  return h("span", { class: `live live-${state.live ? "on" : "off"}`, "data-testid": "coordinator-live" }, t(state.live ? "coordinator.live" : "coordinator.notLive"));
}

function progressBlock(): HTMLElement | null {
  const job = state.job;
  if (!job) return null;
  const pct = Math.round((job.status === "succeeded" ? 1 : job.progress || 0) * 100);
  const status = t(`coordinator.job.${job.status}`);
  return h(
    "div",
    { class: `progress-block job-${job.status}`, "data-testid": "plan-progress", role: "status" },
    h("label", { for: "plan-progress-bar" }, `${status} – ${pct} %`),
    h("progress", { id: "plan-progress-bar", max: 100, value: pct }),
    job.message && job.status !== "succeeded" ? h("p", { class: "small" }, serverText(job)) : null,
  );
}

function drawProgress(): void {
  const slot = container?.querySelector(".progress-slot");
  if (slot) slot.replaceChildren(...[progressBlock()].filter((x): x is HTMLElement => x !== null));
}

function toolbar(): HTMLElement {
  const running = underWay(state.job);
  return h(
    "div",
    { class: "ctoolbar" },
    h(
      "div",
      { class: "field field-inline" },
      h("label", { for: "plan-date" }, t("coordinator.date")),
      h("input", {
        id: "plan-date",
        type: "date",
        value: state.day,
        "data-testid": "plan-date",
        onchange: (event: Event) => {
          const value = (event.target as HTMLInputElement).value;
          if (!value || value === state.day) return;
          state.day = value;
          state.plan = undefined;
          state.job = null;
          state.confirming = false;
          state.pushedRisks.clear();
          redraw();
          void loadPlan();
        },
      }),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button button-primary",
        disabled: running || state.confirming,
        "data-testid": "plan-button",
        onclick: () => {
          if (!state.plan) return void plan();
          state.confirming = true;
          redraw({ keepMap: true });
          container?.querySelector<HTMLElement>("[data-testid=replan-yes]")?.focus();
        },
      },
      t(state.plan ? "coordinator.replan" : "coordinator.plan"),
    ),
    liveBadge(),
  );
}

/** Before a re-plan: what stays as it is and what is planned again, then re-plan, from scratch, or not. */
function replanQuestion(current: Plan): HTMLElement {
  const { fixed, replanned } = replanCounts(current);
  const summary =
    fixed === 0
      ? t("coordinator.replan.nothingStarted", { replanned })
      : fixed === 1
        ? t("coordinator.replan.keepsOne", { replanned })
        : t("coordinator.replan.keeps", { fixed, replanned });
  const cancel = () => {
    state.confirming = false;
    redraw({ keepMap: true });
    container?.querySelector<HTMLElement>("[data-testid=plan-button]")?.focus();
  };
  return h(
    "div",
    {
      class: "alert creplan",
      role: "group",
      "aria-labelledby": "replan-title",
      "data-testid": "replan-confirm",
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === "Escape") cancel();
      },
    },
    h("p", { class: "alert-title", id: "replan-title" }, t("coordinator.replan.title", { date: longDay(state.day) })),
    h("p", { "data-testid": "replan-summary" }, summary),
    h("p", {}, t("coordinator.replan.more")),
    h("p", { class: "small" }, t("coordinator.replan.freshHint")),
    h(
      "div",
      { class: "button-row" },
      h("button", { type: "button", class: "button button-primary", "data-testid": "replan-yes", onclick: () => void plan(false) }, t("coordinator.replan.confirm")),
      h("button", { type: "button", class: "button", "data-testid": "replan-fresh", onclick: () => void plan(true) }, t("coordinator.replan.fresh")),
      h("button", { type: "button", class: "button button-secondary", "data-testid": "replan-no", onclick: cancel }, t("coordinator.replan.cancel")),
    ),
  );
}

function summary(plan: Plan): HTMLElement {
  const co2 = plan.routes.reduce((sum, r) => sum + (r.co2e_kg || 0), 0);
  const item = (label: string, value: string, id: string) =>
    h("div", { class: "csum-item", "data-testid": `plan-${id}` }, h("dt", {}, label), h("dd", {}, value));
  return h(
    "dl",
    { class: "csummary" },
    item(t("coordinator.version"), String(plan.version), "version"),
    item(t("coordinator.routes"), String(plan.routes.length), "routes"),
    item(t("coordinator.stops"), String(plan.stop_count), "stops"),
    item(t("coordinator.km"), formatNumber(Math.round(plan.total_distance_m / 100) / 10), "km"),
    item(t("coordinator.cost"), `${formatNumber(Math.round(plan.total_cost))} kr`, "cost"),
    item(t("coordinator.co2"), `${formatNumber(Math.round(co2 * 10) / 10)} kg`, "co2"),
    item(t("coordinator.unassignedCount"), String(plan.unassigned.length), "unassigned-count"),
  );
}

function statusChip(stop: PlanStop): HTMLElement {
  return h("span", { class: `chip cchip-${stop.status}`, "data-testid": "stop-status" }, t(`coordinator.status.${stop.status}`));
}

function routeCard(route: PlanRoute, index: number): HTMLElement {
  const done = route.stops.filter((s) => s.status === "done" || s.status === "skipped").length;
  return h(
    "section",
    { class: `card croute ${routeClass(index)}`, "data-testid": "route", "data-route-id": route.id },
    h(
      "header",
      { class: "croute-head" },
      h("span", { class: "swatch", "aria-hidden": "true" }),
      h("h4", {}, t("coordinator.routeTitle", { vehicle: route.vehicle_name, trip: route.trip + 1 })),
      h(
        "p",
        { class: "muted" },
        t("coordinator.routeSummary", {
          start: clock(route.planned_start),
          end: clock(route.planned_end),
          km: formatNumber(Math.round(route.distance_m / 100) / 10),
          done,
          n: route.stops.length,
        }),
      ),
      h("button", { type: "button", class: "button button-small", onclick: () => map?.focus(route.id) }, t("coordinator.showOnMap")),
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "ctable cstops" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "#"),
            h("th", { scope: "col" }, t("coordinator.stop")),
            h("th", { scope: "col" }, t("coordinator.window")),
            h("th", { scope: "col" }, t("coordinator.plannedArrival")),
            h("th", { scope: "col" }, t("coordinator.eta")),
            h("th", { scope: "col" }, t("coordinator.statusCol")),
          ),
        ),
        h(
          "tbody",
          {},
          route.stops.map((stop) =>
            h(
              "tr",
              { "data-testid": "route-stop" },
              // data-label: the column's name beside the value when a narrow card stacks the row.
              h("td", { class: "cstop-seq" }, String(stop.sequence)),
              h("td", { class: "cstop-name" }, stop.name, stop.kind === "pickup" ? h("span", { class: "muted" }, ` (${t("coordinator.pickup")})`) : null),
              h("td", { class: "cstop-window", "data-label": t("coordinator.window") }, stop.time_windows.map(([a, b]) => `${a}–${b}`).join(", ") || t("common.none")),
              h("td", { class: "cstop-time", "data-label": t("coordinator.plannedArrival") }, clock(stop.planned_arrival)),
              h("td", { class: "cstop-time", "data-label": t("coordinator.eta") }, clock(stop.eta ?? null)),
              h("td", { class: "cstop-status" }, statusChip(stop)),
            ),
          ),
        ),
      ),
    ),
  );
}

function unassignedList(plan: Plan): HTMLElement {
  return h(
    "section",
    { class: "card", "data-testid": "unassigned" },
    h("h3", {}, t("coordinator.unassigned", { n: plan.unassigned.length })),
    plan.unassigned.length
      ? h(
          "ul",
          { class: "clist" },
          plan.unassigned.map((job) =>
            h(
              "li",
              { "data-testid": "unassigned-job", "data-reason": job.reason },
              h("strong", {}, job.label || job.job_key),
              h("span", {}, unassignedText(job)),
            ),
          ),
        )
      : h("p", {}, t("coordinator.allAssigned")),
  );
}

function alerts(): HTMLElement {
  const risks = lateRisks();
  return h(
    "section",
    { class: "card calerts", "data-testid": "alerts", "aria-live": "polite" },
    h("h3", {}, t("coordinator.alerts")),
    state.alertsError ? errorBox(state.alertsError, () => void loadAlerts()) : null,
    risks.length
      ? h(
          "ul",
          { class: "clist" },
          risks.map((risk) =>
            h(
              "li",
              { class: "risk", "data-testid": "late-risk" },
              h("strong", {}, t("coordinator.lateRisk", { name: risk.name })),
              h("span", {}, t("coordinator.lateRiskDetail", { vehicle: risk.vehicle, eta: clock(risk.eta), end: risk.windowEnd ?? t("common.none") })),
            ),
          ),
        )
      : null,
    state.flagged.length
      ? h(
          "ul",
          { class: "clist" },
          state.flagged.map((event) =>
            h(
              "li",
              { "data-testid": "flagged-event" },
              h("strong", {}, t("coordinator.flagged", { driver: event.driver, kind: eventKind(event.kind), date: event.plan_date })),
              h("span", {}, flagReason(event)),
              h("button", { type: "button", class: "button button-small", onclick: () => void resolve("flagged", event.id) }, t("coordinator.resolve")),
            ),
          ),
        )
      : null,
    deviationList(state.deviations, deviationActions),
    !risks.length && !state.flagged.length && !state.deviations.length && !state.alertsError
      ? h("p", { "data-testid": "no-alerts" }, t("coordinator.noAlerts"))
      : null,
  );
}

function legendTruck(): HTMLElement {
  const span = h("span", { class: "rc-0" });
  span.innerHTML = TRUCK_SVG;
  return span;
}

function legend(): HTMLElement {
  return h(
    "ul",
    { class: "clegend", "aria-label": t("coordinator.legend") },
    (["planned", "arrived", "done", "skipped"] as const).map((status) =>
      h("li", {}, h("span", { class: `cmap-marker cmap-stop cmap-${status} legend-dot`, "aria-hidden": "true" }, h("span", { class: "rc-0" }, status === "planned" ? "1" : status === "arrived" ? "1●" : status === "done" ? "1✓" : "1✕")), t(`coordinator.status.${status}`)),
    ),
    h("li", {}, h("span", { class: "cmap-marker cmap-vehicle legend-dot", "aria-hidden": "true" }, legendTruck()), t("coordinator.vehicle")),
  );
}

function body(): HTMLElement {
  const plan = state.plan;
  const parts: (HTMLElement | null)[] = [
    toolbar(),
    state.confirming && plan ? replanQuestion(plan) : null,
    h("div", { class: "progress-slot" }, progressBlock()),
    state.jobError ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "plan-error" }, state.jobError) : null,
  ];
  if (plan === undefined) {
    parts.push(loading());
  } else if (state.planError) {
    parts.push(errorBox(state.planError, () => void loadPlan()));
  } else if (plan === null) {
    // While the day is being planned, "press Plan the day" would ask for what is already under way.
    parts.push(
      underWay(state.job)
        ? empty(t("coordinator.noPlanYetPlanning"), t("coordinator.noPlanYetPlanningHint"))
        : empty(t("coordinator.noPlan"), t("coordinator.noPlanHint")),
      alerts(),
    );
  } else {
    parts.push(
      summary(plan),
      plan.road_times_estimated
        ? h("p", { class: "alert alert-warn", role: "status", "data-testid": "road-times-estimated" }, t("coordinator.roadTimesEstimated"))
        : null,
      h(
        "div",
        { class: "ctoday-grid" },
        h(
          "div",
          { class: "cmap-col" },
          h("div", { class: "cmap", "data-testid": "coordinator-map", role: "region", "aria-label": t("coordinator.mapLabel") }),
          legend(),
        ),
        h("div", { class: "cside-col" }, alerts(), fleetAdvice.render(plan), unassignedList(plan)),
      ),
      h("h3", { class: "section-title" }, t("coordinator.routesTitle")),
      plan.routes.length
        ? h("div", { class: "croutes" }, plan.routes.map(routeCard))
        : empty(t("coordinator.noRoutes")),
    );
  }
  return h("div", { class: "ctoday", "data-testid": "today" }, parts);
}

function redraw(options: { keepMap?: boolean } = {}): void {
  if (!container?.isConnected) return;
  const oldMap = container.querySelector<HTMLElement>(".cmap");
  const next = body();
  // The map keeps its place (and the coordinator's pan and zoom) when only the rest changed.
  const keep = Boolean(options.keepMap && oldMap && map);
  if (keep) next.querySelector<HTMLElement>(".cmap")?.replaceWith(oldMap as HTMLElement);
  drawInto(container, next);
  if (!keep) void attachMap();
}

async function attachMap(): Promise<void> {
  const token = ++mapToken;
  map?.destroy();
  map = null;
  const element = container?.querySelector<HTMLElement>(".cmap");
  const plan = state.plan;
  if (!element || !plan) return;
  try {
    if (!state.terminal) await loadTerminal();
    const drawn = await drawRoutesMap(element, plan.routes, state.terminal);
    if (token !== mapToken || !element.isConnected) {
      drawn.destroy();
      return;
    }
    map = drawn;
    map.update(state.positions, plan.routes);
  } catch (error) {
    console.warn("map failed", error);
    element.replaceChildren(h("p", { class: "alert alert-error" }, t("coordinator.mapFailed")));
  }
}

/** The Today section; data is (re)loaded each time the section is shown. */
export function todaySection(): HTMLElement {
  startLive();
  container = h("div", {});
  const first = state.plan === undefined;
  queueMicrotask(() => {
    redraw();
    if (first) void loadPlan();
    else void loadPlan();
    void loadAlerts();
  });
  return container;
}
