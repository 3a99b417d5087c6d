// "Inlärda tider": what the planner has learned from the drivers' actual times (feedback loop).
// Version and observation counts, travel-time factors per time band and area, the margin kept
// before a window closes, the time lost per visit to lunches and detours, and the learned
// service times per delivery point against their defaults, with reset per point and re-learn.
// A value resting on fewer observations than its minimum is marked provisional ("preliminär"),
// with the minimum and the count: the planner keeps the default for it until then.
import { intlLocale, t, type MessageKey } from "../i18n";
import { empty, errorBox, loading } from "../ui/components";
import { h } from "../ui/dom";
import * as api from "./api";
import type { LearnedFactor, LearnedMargin, LearnedMinimums, LearnedParameters, LearnedPoint } from "./api";
import { fmt } from "./impact";
import { formatDateTime } from "../util/time";

const state = {
  data: undefined as LearnedParameters | undefined,
  error: null as unknown,
  actionError: null as unknown,
  busy: null as "learn" | number | null,
  notice: null as string | null,
};

/** Names of points seen so far, for "reset:<id>" versions whose point is no longer listed. */
const names = new Map<number, string>();

let container: HTMLElement | null = null;

const minutes = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? t("common.none") : fmt(seconds / 60, 1));
const factor = (f: LearnedFactor) =>
  t("coordinator.learned.factor", {
    factor: new Intl.NumberFormat(intlLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(f.factor),
    n: f.n,
  });
/** The server's minimums; these only if an older server sent none (same values as the backend). */
const FALLBACK_MINIMUMS: LearnedMinimums = { travel_legs: 30, point_visits: 10, margin_stops: 30, excess_visits: 100 };
const minimumsOf = (data: LearnedParameters) => data.minimums ?? FALLBACK_MINIMUMS;

/** "Preliminär" and what it takes to be used: shown next to a value the planner does not use yet. */
function provisionalNote(key: MessageKey, min: number, n: number, id = "provisional"): HTMLElement {
  return h(
    "span",
    { class: "cprovisional", "data-testid": id },
    h("span", { class: "chip cchip-arrived" }, t("coordinator.learned.provisional")),
    h("span", { class: "visually-hidden" }, ":"),
    " ",
    t(key, { min, n }),
  );
}

const clockOf = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
const pointName = (id: number, name?: string | null) => name ?? names.get(id) ?? t("coordinator.learned.unknownPoint", { id });

function remember(data: LearnedParameters): void {
  for (const point of data.points) if (point.name) names.set(point.delivery_point_id, point.name);
}

function reasonText(reason: string | null): string {
  if (!reason || reason === "learn") return t("coordinator.learned.reason.learn");
  const reset = /^reset:(\d+)$/.exec(reason);
  if (reset) return t("coordinator.learned.reason.reset", { name: pointName(Number(reset[1])) });
  return reason;
}

// --- data ----------------------------------------------------------------------------------

async function load(): Promise<void> {
  try {
    state.data = await api.learnedParameters();
    remember(state.data);
    state.error = null;
  } catch (error) {
    state.error = error;
  }
  draw();
}

async function act(busy: "learn" | number, call: () => Promise<LearnedParameters>, notice: (data: LearnedParameters) => string): Promise<void> {
  state.busy = busy;
  state.notice = null;
  state.actionError = null;
  draw();
  try {
    const data = await call();
    remember(data);
    state.data = data;
    state.notice = notice(data);
  } catch (error) {
    state.actionError = error;
  }
  state.busy = null;
  draw();
}

function relearn(): void {
  void act("learn", api.relearn, (data) => t("coordinator.learned.relearned", { version: data.version ?? 0 }));
}

function reset(point: LearnedPoint): void {
  const name = pointName(point.delivery_point_id, point.name);
  if (!confirm(t("coordinator.learned.resetConfirm", { name }))) return;
  void act(point.delivery_point_id, () => api.resetLearnedPoint(point.delivery_point_id), (data) =>
    t("coordinator.learned.resetDone", { name, version: data.version ?? 0 }),
  );
}

// --- drawing -------------------------------------------------------------------------------

function toolbar(): HTMLElement {
  return h(
    "div",
    { class: "ctoolbar" },
    h(
      "button",
      { type: "button", class: "button button-primary", disabled: state.busy !== null, "data-testid": "learned-relearn", onclick: relearn },
      t(state.busy === "learn" ? "coordinator.learned.relearning" : "coordinator.learned.relearn"),
    ),
    h("p", { class: "muted small" }, t("coordinator.learned.relearnHint")),
  );
}

function summary(data: LearnedParameters): HTMLElement {
  const item = (label: string, value: string, id: string) =>
    h("div", { class: "csum-item", "data-testid": `learned-${id}` }, h("dt", {}, label), h("dd", {}, value));
  const created = data.created_at
    ? formatDateTime(data.created_at)
    : t("common.none");
  const count = (n: number | undefined) => String(n ?? 0);
  return h(
    "dl",
    { class: "csummary" },
    item(t("coordinator.learned.version"), String(data.version), "version"),
    item(t("coordinator.learned.created"), created, "created"),
    item(t("coordinator.learned.reason"), reasonText(data.reason), "reason"),
    item(t("coordinator.learned.visits"), count(data.observations.services), "services"),
    item(t("coordinator.learned.legs"), count(data.observations.legs), "legs"),
    item(t("coordinator.learned.routes"), count(data.observations.routes), "routes"),
  );
}

function factorList(title: MessageKey, id: string, items: (string | HTMLElement)[][]): HTMLElement[] {
  if (!items.length) return [];
  return [h("h4", {}, t(title)), h("ul", { class: "clist" }, items.map((item) => h("li", { "data-testid": id }, item)))];
}

/** A factor and, while it rests on too few legs, the note that the planner does not use it yet. */
function factorWithNote(label: string | null, f: LearnedFactor, minimums: LearnedMinimums): (string | HTMLElement)[] {
  const text = label ? `${label} ${factor(f)}` : factor(f);
  return f.provisional ? [text, " ", provisionalNote("coordinator.learned.provisional.legs", minimums.travel_legs, f.n)] : [text];
}

function travel(data: LearnedParameters): HTMLElement {
  const travel = data.travel;
  const bands = travel?.time_bands ?? [];
  const areas = travel?.areas ?? [];
  const minimums = minimumsOf(data);
  const parts: HTMLElement[] = [h("h3", {}, t("coordinator.learned.travelTitle"))];
  if (!travel || (travel.default.n === 0 && !bands.length && !areas.length)) {
    parts.push(h("p", {}, t("coordinator.learned.noTravel")));
  } else {
    parts.push(
      h("p", { class: "muted" }, t("coordinator.learned.travelHint")),
      h("p", { "data-testid": "learned-travel-default" }, h("strong", {}, t("coordinator.learned.allDay")), " ", factorWithNote(null, travel.default, minimums)),
      ...factorList(
        "coordinator.learned.timeBands",
        "learned-band",
        bands.map((b) => factorWithNote(`${clockOf(b.start_s)}–${clockOf(b.end_s)}`, b, minimums)),
      ),
      ...factorList("coordinator.learned.areas", "learned-area", areas.map((a) => factorWithNote(a.name, a, minimums))),
    );
  }
  return h("section", { class: "card", "data-testid": "learned-travel" }, parts);
}

function marginText(margin: LearnedMargin | null): string {
  if (!margin || !margin.n) return t("coordinator.learned.noMargin");
  if (!margin.max_s) return t("coordinator.learned.marginNone", { n: margin.n });
  // While provisional the planner keeps no margin: say what was learned, not what plans do.
  return t(margin.provisional ? "coordinator.learned.marginProvisional" : "coordinator.learned.margin", {
    fixed: minutes(margin.fixed_s),
    perHour: minutes(margin.per_hour_s),
    max: minutes(margin.max_s),
    quantile: fmt((margin.quantile ?? 0.9) * 100, 0),
    n: margin.n,
  });
}

function margins(data: LearnedParameters): HTMLElement {
  const margin = data.arrival_margin;
  const days = margin?.days ?? [];
  const excess = data.excess;
  const minimums = minimumsOf(data);
  return h(
    "section",
    { class: "card", "data-testid": "learned-margins" },
    h("h3", {}, t("coordinator.learned.marginTitle")),
    h("p", { "data-testid": "learned-margin" }, marginText(margin)),
    margin && margin.n && margin.provisional
      ? h("p", {}, provisionalNote("coordinator.learned.provisional.margin", minimums.margin_stops, margin.n, "learned-margin-provisional"))
      : null,
    days.length
      ? h("p", { class: "muted small" }, t("coordinator.learned.marginDays", { n: days.length, first: days[0] ?? "", last: days.at(-1) ?? "" }))
      : null,
    h("h3", {}, t("coordinator.learned.excessTitle")),
    h(
      "p",
      { "data-testid": "learned-excess" },
      excess && excess.n
        ? t(excess.provisional ? "coordinator.learned.excessProvisional" : "coordinator.learned.excess", {
            total: minutes(Math.max(0, excess.service_s + excess.leg_s)),
            service: minutes(excess.service_s),
            leg: minutes(excess.leg_s),
            n: excess.n,
          })
        : t("coordinator.learned.noExcess"),
    ),
    excess && excess.n && excess.provisional
      ? h("p", {}, provisionalNote("coordinator.learned.provisional.excess", minimums.excess_visits, excess.n, "learned-excess-provisional"))
      : null,
  );
}

function pointRow(point: LearnedPoint, minimums: LearnedMinimums): HTMLElement {
  const name = pointName(point.delivery_point_id, point.name);
  return h(
    "tr",
    { "data-testid": "learned-point", "data-point-id": point.delivery_point_id },
    h("td", {}, name),
    h("td", { "data-testid": "learned-point-fixed" }, minutes(point.fixed_s)),
    h("td", {}, minutes(point.default_fixed_s)),
    h("td", { "data-testid": "learned-point-pallet" }, fmt(point.per_pallet_s, 0)),
    h("td", {}, fmt(point.default_per_pallet_s, 0)),
    h("td", {}, String(point.n)),
    h("td", {}, String(point.outliers)),
    h(
      "td",
      { "data-testid": "learned-point-status" },
      point.provisional ? provisionalNote("coordinator.learned.provisional.point", minimums.point_visits, point.n) : t("coordinator.learned.inUse"),
    ),
    h(
      "td",
      {},
      h(
        "button",
        {
          type: "button",
          class: "button button-small",
          disabled: state.busy !== null,
          "data-testid": "learned-reset",
          "aria-label": t("coordinator.learned.resetLabel", { name }),
          onclick: () => reset(point),
        },
        t(state.busy === point.delivery_point_id ? "coordinator.learned.resetting" : "coordinator.learned.reset"),
      ),
    ),
  );
}

function points(data: LearnedParameters): HTMLElement {
  const rows = [...data.points].sort((a, b) =>
    pointName(a.delivery_point_id, a.name).localeCompare(pointName(b.delivery_point_id, b.name), intlLocale()),
  );
  const th = (key: MessageKey) => h("th", { scope: "col" }, t(key));
  return h(
    "section",
    { class: "card", "data-testid": "learned-points" },
    h("h3", {}, t("coordinator.learned.pointsTitle", { n: rows.length })),
    h("p", { class: "muted" }, t("coordinator.learned.pointsHint")),
    rows.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "ctable" },
            h("caption", { class: "visually-hidden" }, t("coordinator.learned.pointsTitle", { n: rows.length })),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                th("coordinator.learned.col.point"),
                th("coordinator.learned.col.fixed"),
                th("coordinator.learned.col.defaultFixed"),
                th("coordinator.learned.col.pallet"),
                th("coordinator.learned.col.defaultPallet"),
                th("coordinator.learned.col.n"),
                th("coordinator.learned.col.outliers"),
                th("coordinator.learned.col.status"),
                h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("coordinator.learned.col.action"))),
              ),
            ),
            h("tbody", {}, rows.map((point) => pointRow(point, minimumsOf(data)))),
          ),
        )
      : h("p", { "data-testid": "learned-no-points" }, t("coordinator.learned.noPoints")),
  );
}

function body(): HTMLElement {
  const data = state.data;
  const parts: (HTMLElement | null)[] = [h("h2", { class: "visually-hidden" }, t("coordinator.learned.title")), toolbar()];
  if (state.notice) parts.push(h("div", { class: "alert alert-ok", role: "status", "data-testid": "learned-notice" }, state.notice));
  if (state.actionError) parts.push(errorBox(state.actionError));
  if (state.error) parts.push(errorBox(state.error, () => void load()));
  else if (data === undefined) parts.push(loading());
  else if (data.version === null) parts.push(empty(t("coordinator.learned.empty"), t("coordinator.learned.emptyHint")));
  else
    parts.push(
      summary(data),
      h("p", { class: "muted", "data-testid": "learned-minimums" }, t("coordinator.learned.minimumsHint")),
      h("div", { class: "clearned-grid" }, travel(data), margins(data)),
      points(data),
    );
  return h("div", { class: "clearned", "data-testid": "learned" }, parts);
}

function draw(): void {
  if (container?.isConnected) container.replaceChildren(body());
}

/** The learned-times section; the parameters are (re)loaded each time it is shown. */
export function learnedSection(): HTMLElement {
  container = h("div", {});
  state.notice = null;
  state.actionError = null;
  queueMicrotask(() => {
    draw();
    void load();
  });
  return container;
}
