// "Effekter": free delivery (today) against coordinated distribution for a period. Starts the
// analysis (progress bar), then shows the headline figures (per average week WITH orders),
// what to know about the period (weeks without orders, deliveries a fixed pattern moved
// before it), charts per week and per municipality, the delivery-day patterns, the cost split
// between municipalities with every rule explained in a sentence, the notes, and exports as
// CSV or print / PDF. Every name in words from the word tables, never a code.
import { hasKey, intlLocale, message, t, type KeyedMessage, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, loading, runProgressBlock } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { addDays, isoDate } from "../util/dates";
import * as api from "./api";
import type { FigureKey, Figures, ImpactReport, ImpactRequest, ImpactResult } from "./api";
import { barChart, BASELINE_COLOUR, COORDINATED_COLOUR, tornadoChart, waterfallChart, waterfallSteps, type TornadoBar } from "./charts";
import { openPdf } from "../data/download";
import { downloadCsv, isoWeek, patternName, reportCsv, rulesOf, weekBeforePeriod } from "./export";
import { zoneDate } from "../util/time";
import { parseDecimal } from "../util/numbers";

type Pattern = NonNullable<ImpactRequest["primary_pattern"]>;
type Preset = NonNullable<ImpactRequest["preset"]>;
/** The scenario presets (samlast.impact.presets): synthetic clusters reproducing published outcomes. */
const PRESETS = ["vaxjo", "sodertorn", "borlange"] as const satisfies readonly Preset[];
/** The cost rates of the decomposition the coordinator may set; empty sends none and the server
 * uses its default (`standard`, shown as the placeholder; samlast.impact.model.ImpactParams). */
const RATES = [
  { name: "terminal_handling_sek_per_kg", id: "impact-rate-terminal", label: "coordinator.impact.rate.terminal", max: 100, example: 0.4, standard: 0.4 },
  { name: "admin_sek_per_delivery", id: "impact-rate-admin", label: "coordinator.impact.rate.admin", max: 10_000, example: 100, standard: 100 },
  { name: "coordination_admin_sek_per_week", id: "impact-rate-fixed", label: "coordinator.impact.rate.fixed", max: 10_000_000, example: 5000, standard: 0 },
] as const satisfies readonly { name: keyof ImpactRequest; id: string; label: MessageKey; max: number; example: number; standard: number }[];
type RateName = (typeof RATES)[number]["name"];

/** The delivery-day patterns the coordinator can choose for the headline and the cost split. */
const PATTERNS = ["fixed_2_per_week", "by_kind_3_2_1", "as_ordered"] as const satisfies readonly Pattern[];

const state = {
  reports: undefined as ImpactReport[] | undefined,
  listError: null as unknown,
  current: null as ImpactReport | null,
  startError: null as string | null,
  timeLimitError: null as string | null,
  form: {
    name: "",
    from: isoDate(addDays(new Date(), -6)),
    to: zoneDate(),
    timeLimit: "2",
    shapley: true,
    pattern: PATTERNS[0] as Pattern,
    preset: "" as Preset | "",
    rates: {} as Partial<Record<RateName, string>>,
  },
  rateErrors: {} as Partial<Record<RateName, string>>,
  // The cost assumptions stay open over a redraw (the report list arriving, a language switch).
  ratesOpen: false,
  // The field a refused start put the cursor in: it keeps it over a redraw until typed in.
  refocus: null as string | null,
};

/** The time limit per planning run the server accepts, seconds. */
const TIME_LIMIT = { min: 0.1, max: 120 };
/** Notes that say how to read the period's figures; shown next to the figures, not at the end. */
const PERIOD_NOTES = ["impact.note.empty_weeks", "impact.note.before_period"];

let container: HTMLElement | null = null;
let pollTimer: number | undefined;
let chartCleanups: (() => void)[] = [];

const HEADLINE: { key: FigureKey; label: MessageKey; unit: string; digits: number; share?: boolean }[] = [
  { key: "deliveries", label: "coordinator.fig.deliveries", unit: "", digits: 0 },
  { key: "vehicle_km", label: "impact.pdf.stat.km", unit: "km", digits: 0 },
  { key: "co2e_kg", label: "coordinator.fig.co2", unit: "kg", digits: 0 },
  { key: "cost_sek", label: "coordinator.fig.cost", unit: "kr", digits: 0 },
  { key: "heavy_vehicle_visits_schools_preschools", label: "coordinator.fig.heavy", unit: "", digits: 1 },
  { key: "local_share", label: "coordinator.fig.localShare", unit: "%", digits: 1, share: true },
];

export const fmt = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value)
    ? t("common.none")
    : new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);

const pct = (change: number | null) => (change === null ? t("common.none") : `${change > 0 ? "+" : ""}${fmt(change * 100, 0)} %`);

// --- data ----------------------------------------------------------------------------------

async function loadReports(): Promise<void> {
  try {
    state.reports = await api.impactReports();
    state.listError = null;
    if (!state.current) {
      const latest = state.reports.find((r) => r.status === "succeeded") ?? state.reports[0];
      if (latest) await open(latest.id, false);
    }
  } catch (error) {
    state.reports = [];
    state.listError = error;
  }
  draw();
}

async function open(id: string, redraw = true): Promise<void> {
  try {
    state.current = await api.impactReport(id);
  } catch (error) {
    state.listError = error;
  }
  if (state.current && (state.current.status === "queued" || state.current.status === "running")) poll(state.current.id);
  if (redraw) draw();
}

function poll(id: string): void {
  window.clearTimeout(pollTimer);
  pollTimer = window.setTimeout(async () => {
    if (state.current?.id !== id) return;
    try {
      const report = await api.impactReport(id);
      if (state.current?.id !== id) return;
      state.current = report;
    } catch {
      // try again
    }
    const running = state.current?.status === "queued" || state.current?.status === "running";
    if (running) {
      drawProgress();
      poll(id);
    } else {
      void loadReports();
    }
  }, 1_000);
}

function remember(form: HTMLFormElement): void {
  const data = new FormData(form);
  state.form = {
    name: String(data.get("name") ?? ""),
    from: String(data.get("date_from") ?? ""),
    to: String(data.get("date_to") ?? ""),
    timeLimit: String(data.get("time_limit_s") ?? "2"),
    shapley: data.get("shapley") === "on",
    pattern: PATTERNS.find((code) => code === data.get("primary_pattern")) ?? PATTERNS[0],
    preset: PRESETS.find((code) => code === data.get("preset")) ?? "",
    rates: Object.fromEntries(RATES.map((r) => [r.name, String(data.get(r.name) ?? "")])),
  };
}

/** The typed cost rates: the numbers to send (empty ones left out) or the message per field. */
function readRates(typed: Partial<Record<RateName, string>>): { values: Partial<Record<RateName, number>>; errors: Partial<Record<RateName, string>> } {
  const values: Partial<Record<RateName, number>> = {};
  const errors: Partial<Record<RateName, string>> = {};
  for (const rate of RATES) {
    const text = (typed[rate.name] ?? "").trim();
    if (!text) continue;
    const value = parseDecimal(text);
    if (value === null || value < 0 || value > rate.max) errors[rate.name] = t("coordinator.impact.rateInvalid", { max: fmt(rate.max), example: fmt(rate.example, 2) });
    else values[rate.name] = value;
  }
  return { values, errors };
}

/** The typed time limit in seconds, or the message to show next to the field. */
function readTimeLimit(typed: string): { value: number } | { error: string } {
  const value = parseDecimal(typed);
  if (value === null) return { error: t("coordinator.impact.timeLimitInvalid") };
  if (value < TIME_LIMIT.min || value > TIME_LIMIT.max) return { error: t("coordinator.impact.timeLimitRange", TIME_LIMIT) };
  return { value };
}

async function start(form: HTMLFormElement): Promise<void> {
  remember(form);
  state.startError = null;
  // A value that is not a number is refused where it was typed, never replaced by the default.
  const limit = readTimeLimit(state.form.timeLimit);
  if ("error" in limit) {
    state.timeLimitError = limit.error;
    state.refocus = "impact-limit";
    draw();
    return;
  }
  state.timeLimitError = null;
  const rates = readRates(state.form.rates);
  state.rateErrors = rates.errors;
  const wrong = RATES.find((r) => rates.errors[r.name]);
  if (wrong) {
    state.refocus = wrong.id;
    draw();
    return;
  }
  state.refocus = null;
  try {
    const report = await api.startImpact({
      name: state.form.name,
      date_from: state.form.from,
      date_to: state.form.to,
      shapley: state.form.shapley,
      primary_pattern: state.form.pattern,
      time_limit_s: limit.value,
      shapley_time_limit_s: Math.max(TIME_LIMIT.min, Math.min(limit.value / 2, 60)),
      ...(state.form.preset ? { preset: state.form.preset } : {}),
      ...rates.values,
    });
    state.current = report;
    poll(report.id);
  } catch (error) {
    state.startError = errorMessage(error);
  }
  draw();
}

// --- drawing -------------------------------------------------------------------------------

function startForm(): HTMLElement {
  const running = state.current?.status === "queued" || state.current?.status === "running";
  const field = (id: string, label: MessageKey, input: HTMLElement) =>
    h("div", { class: "field field-inline" }, h("label", { for: id }, t(label)), input);
  return h(
    "form",
    {
      class: "card cimpact-form no-print",
      "data-testid": "impact-form",
      // keep what was typed when the section redraws (a finished report, a language switch)
      oninput: (event: Event) => {
        state.refocus = null;
        remember(event.currentTarget as HTMLFormElement);
      },
      onchange: (event: Event) => remember(event.currentTarget as HTMLFormElement),
      onsubmit: (event: Event) => {
        event.preventDefault();
        void start(event.target as HTMLFormElement);
      },
    },
    h("h3", {}, t("coordinator.impact.start")),
    h("p", {}, t("coordinator.impact.hint")),
    h(
      "div",
      { class: "cform-row" },
      field("impact-name", "coordinator.impact.name", h("input", { id: "impact-name", name: "name", type: "text", value: state.form.name, maxlength: 160 })),
      field("impact-from", "coordinator.impact.from", h("input", { id: "impact-from", name: "date_from", type: "date", value: state.form.from, required: true, "data-testid": "impact-from" })),
      field("impact-to", "coordinator.impact.to", h("input", { id: "impact-to", name: "date_to", type: "date", value: state.form.to, required: true, "data-testid": "impact-to" })),
      h(
        "div",
        { class: "field field-inline" },
        h("label", { for: "impact-limit" }, t("coordinator.impact.timeLimit")),
        h("input", {
          id: "impact-limit",
          name: "time_limit_s",
          type: "text",
          inputmode: "decimal",
          value: state.form.timeLimit,
          "aria-invalid": state.timeLimitError ? "true" : null,
          "aria-describedby": state.timeLimitError ? "impact-limit-error" : null,
          "data-testid": "impact-limit",
        }),
        state.timeLimitError
          ? h("p", { class: "field-error", id: "impact-limit-error", role: "alert", "data-testid": "impact-limit-error" }, state.timeLimitError)
          : null,
      ),
      field(
        "impact-pattern",
        "coordinator.impact.pattern",
        h(
          "select",
          { id: "impact-pattern", name: "primary_pattern", "data-testid": "impact-pattern" },
          PATTERNS.map((code) => h("option", { value: code, selected: code === state.form.pattern }, patternName(code))),
        ),
      ),
      field(
        "impact-preset",
        "coordinator.impact.preset",
        h(
          "select",
          {
            id: "impact-preset",
            name: "preset",
            "data-testid": "impact-preset",
            // the explanation below follows the choice
            onchange: (event: Event) => {
              remember((event.target as HTMLSelectElement).form!);
              draw();
            },
          },
          h("option", { value: "", selected: !state.form.preset }, t("coordinator.impact.presetNone")),
          PRESETS.map((code) => h("option", { value: code, selected: code === state.form.preset }, t(`impact.preset.${code}.name`))),
        ),
      ),
    ),
    h(
      "p",
      { class: "muted small", "data-testid": "impact-preset-why" },
      state.form.preset ? `${t(`impact.preset.${state.form.preset}.why`)} ${t("coordinator.impact.presetHint")}` : t("coordinator.impact.presetHint"),
    ),
    h(
      "label",
      { class: "checkbox" },
      h("input", { type: "checkbox", name: "shapley", checked: state.form.shapley }),
      t("coordinator.impact.shapley"),
    ),
    h("p", { class: "muted small" }, t("impact.explain.shapley")),
    h(
      "details",
      {
        class: "cimpact-rates",
        open: state.ratesOpen || RATES.some((r) => state.rateErrors[r.name]) || null,
        "data-testid": "impact-rates",
        ontoggle: (event: Event) => (state.ratesOpen = (event.currentTarget as HTMLDetailsElement).open),
      },
      h("summary", {}, t("coordinator.impact.rates")),
      h("p", { class: "muted small" }, t("coordinator.impact.ratesHint")),
      h(
        "div",
        { class: "cform-row" },
        RATES.map((rate) => {
          const error = state.rateErrors[rate.name];
          return h(
            "div",
            { class: "field field-inline" },
            h("label", { for: rate.id }, t(rate.label)),
            h("input", {
              id: rate.id,
              name: rate.name,
              type: "text",
              inputmode: "decimal",
              value: state.form.rates[rate.name] ?? "",
              placeholder: fmt(rate.standard, 2),
              "aria-invalid": error ? "true" : null,
              "aria-describedby": error ? `${rate.id}-error` : null,
              "data-testid": rate.id,
            }),
            error ? h("p", { class: "field-error", id: `${rate.id}-error`, role: "alert", "data-testid": `${rate.id}-error` }, error) : null,
          );
        }),
      ),
    ),
    h("button", { type: "submit", class: "button button-primary", disabled: running, "data-testid": "impact-start" }, t("coordinator.impact.run")),
    state.startError ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "impact-error" }, state.startError) : null,
  );
}

function progressBlock(): HTMLElement | null {
  return runProgressBlock(state.current, { id: "impact-progress-bar", testId: "impact-progress", statusKey: (status) => `coordinator.job.${status}` as MessageKey });
}

function drawProgress(): void {
  const slot = container?.querySelector(".impact-progress-slot");
  if (slot) slot.replaceChildren(...[progressBlock()].filter((x): x is HTMLElement => x !== null));
}

function reportPicker(): HTMLElement | null {
  const reports = state.reports ?? [];
  if (!reports.length) return null;
  return h(
    "div",
    { class: "field field-inline no-print" },
    h("label", { for: "impact-report" }, t("coordinator.impact.reports")),
    h(
      "select",
      {
        id: "impact-report",
        "data-testid": "impact-report-picker",
        onchange: (event: Event) => void open((event.target as HTMLSelectElement).value),
      },
      reports.map((r) =>
        h(
          "option",
          { value: r.id, selected: r.id === state.current?.id },
          `${r.name || t("coordinator.impact.unnamed")} · ${r.date_from}–${r.date_to} · ${t(`coordinator.job.${r.status}`)}`,
        ),
      ),
    ),
  );
}

function headline(result: ImpactResult): HTMLElement {
  return h(
    "section",
    { class: "cheadline", "data-testid": "impact-headline" },
    HEADLINE.map((item) => {
      const row = result.comparison[item.key];
      if (!row) return null;
      const scale = item.share ? 100 : 1;
      return h(
        "div",
        { class: "stat" },
        h("p", { class: "stat-label" }, t(item.label)),
        h("p", { class: "stat-value" }, pct(row.change)),
        h(
          "p",
          { class: "stat-detail" },
          t("coordinator.impact.fromTo", {
            before: `${fmt(row.free_delivery * scale, item.digits)} ${item.unit}`.trim(),
            after: `${fmt(row.coordinated * scale, item.digits)} ${item.unit}`.trim(),
          }),
        ),
      );
    }),
  );
}

interface ChartSpec {
  id: string;
  title: MessageKey;
  unit: string;
  labels: string[];
  baseline: number[];
  coordinated: number[];
}

/** "v. 49"; a week before the period (deliveries a fixed pattern brought forward) "v. 48*". */
function weekLabel(monday: string, result: ImpactResult): string {
  return t(weekBeforePeriod(monday, result) ? "impact.weekBefore" : "coordinator.impact.week", { n: isoWeek(monday) });
}

function chartWeeks(result: ImpactResult): string[] {
  return [...new Set([...Object.keys(result.baseline.by_week), ...Object.keys(result.coordinated.by_week)])].sort();
}

function chartSpecs(result: ImpactResult): ChartSpec[] {
  const weeks = chartWeeks(result);
  const perWeek = (key: FigureKey, scenario: "baseline" | "coordinated") => weeks.map((w) => result[scenario].by_week[w]?.[key] ?? 0);
  const towns = result.inputs.municipalities;
  const perTown = (key: FigureKey, scenario: "baseline" | "coordinated") => towns.map((m) => result[scenario].by_municipality[m]?.[key] ?? 0);
  const labels = weeks.map((w) => weekLabel(w, result));
  return [
    { id: "deliveries", title: "coordinator.chart.deliveries", unit: "", labels, baseline: perWeek("deliveries", "baseline"), coordinated: perWeek("deliveries", "coordinated") },
    { id: "km", title: "coordinator.chart.km", unit: "km", labels, baseline: perWeek("vehicle_km", "baseline"), coordinated: perWeek("vehicle_km", "coordinated") },
    { id: "co2", title: "coordinator.chart.co2", unit: "kg CO2e", labels, baseline: perWeek("co2e_kg", "baseline"), coordinated: perWeek("co2e_kg", "coordinated") },
    { id: "cost", title: "coordinator.chart.cost", unit: "kr", labels, baseline: perWeek("cost_sek", "baseline"), coordinated: perWeek("cost_sek", "coordinated") },
    { id: "municipality-deliveries", title: "coordinator.chart.townDeliveries", unit: "", labels: towns, baseline: perTown("deliveries", "baseline"), coordinated: perTown("deliveries", "coordinated") },
    { id: "municipality-co2", title: "coordinator.chart.townCo2", unit: "kg CO2e", labels: towns, baseline: perTown("co2e_kg", "baseline"), coordinated: perTown("co2e_kg", "coordinated") },
  ];
}

function charts(result: ImpactResult): HTMLElement[] {
  const before = chartWeeks(result).some((w) => weekBeforePeriod(w, result));
  const grid = h(
    "section",
    { class: "ccharts" },
    chartSpecs(result).map((spec) => {
      const canvas = h("canvas", {
        role: "img",
        "aria-label": `${t(spec.title)}: ${spec.labels.map((l, i) => `${l} ${fmt(spec.baseline[i], 0)} → ${fmt(spec.coordinated[i], 0)}`).join("; ")}`,
        "data-testid": `chart-${spec.id}`,
      });
      queueMicrotask(() => {
        if (!canvas.isConnected) return;
        void barChart(
          canvas,
          spec.labels,
          [
            { label: t("coordinator.impact.baseline"), values: spec.baseline, colour: BASELINE_COLOUR },
            { label: t("coordinator.impact.coordinated"), values: spec.coordinated, colour: COORDINATED_COLOUR },
          ],
          spec.unit,
          (v) => fmt(v, 0),
        ).then((cleanup) => chartCleanups.push(cleanup));
      });
      return h("figure", { class: "card cchart", "data-testid": "impact-chart" }, h("figcaption", {}, t(spec.title)), h("div", { class: "cchart-box" }, canvas));
    }),
  );
  return [grid, before ? h("p", { class: "muted small", "data-testid": "chart-week-before" }, t("impact.pdf.chart.weekBefore")) : null].filter(
    (x): x is HTMLElement => x !== null,
  );
}

const CO2E_TERMS = ["km", "fill_rate", "cleaner"] as const;
const COST_TERMS = ["transport", "terminal_handling", "administration"] as const;

/** One waterfall: today, each cause floating on the running total, coordinated; the numbers also as a list. */
function waterfall(
  id: string,
  title: MessageKey,
  part: { free_delivery: number; coordinated: number; terms: object },
  terms: readonly string[],
  unit: string,
): HTMLElement {
  const label = (term: string) => t(`impact.decomp.term.${term}` as MessageKey);
  const steps = waterfallSteps(
    part.free_delivery,
    terms.map((term) => [label(term), (part.terms as Record<string, number | undefined>)[term] ?? 0]),
    part.coordinated,
    t("impact.decomp.start"),
    t("impact.decomp.end"),
  );
  const signed = (value: number) => `${value > 0 ? "+" : ""}${fmt(value, 0)} ${unit}`;
  const lines = steps.map((s) => [s.label, s.kind === "start" || s.kind === "end" ? `${fmt(s.to, 0)} ${unit}` : signed(s.to - s.from)] as const);
  const canvas = h("canvas", { role: "img", "aria-label": `${t(title)}: ${lines.map(([l, v]) => `${l} ${v}`).join("; ")}`, "data-testid": `waterfall-${id}` });
  queueMicrotask(() => {
    if (!canvas.isConnected) return;
    void waterfallChart(canvas, steps, unit, (v) => fmt(v, 0)).then((cleanup) => chartCleanups.push(cleanup));
  });
  return h(
    "figure",
    { class: "card cchart", "data-testid": "impact-waterfall" },
    h("figcaption", {}, t(title)),
    h("div", { class: "cchart-box cwaterfall-box" }, canvas),
    h(
      "dl",
      { class: "cwaterfall-values", "data-testid": `waterfall-${id}-values` },
      lines.flatMap(([l, v]) => [h("dt", {}, l), h("dd", {}, v)]),
    ),
  );
}

function decomposition(result: ImpactResult): HTMLElement | null {
  const part = result.decomposition;
  if (!part?.co2e_kg?.terms || !part.cost_sek?.terms) return null; // a report stored before it was
  const co2 = part.co2e_kg;
  const cost = part.cost_sek;
  const f0 = co2.factors?.free_delivery;
  const f1 = co2.factors?.coordinated;
  const rates: Record<string, number | undefined> = cost.rates ?? {};
  return h(
    "section",
    { class: "card", "data-testid": "impact-decomposition" },
    h("h3", {}, t("impact.decomp.title")),
    h("p", {}, t("impact.decomp.intro")),
    h(
      "div",
      { class: "ccharts" },
      waterfall("co2", "impact.decomp.co2Title", co2, CO2E_TERMS, "kg"),
      waterfall("cost", "impact.decomp.costTitle", cost, COST_TERMS, "kr"),
    ),
    h("p", { class: "muted small" }, t("impact.decomp.costNote")),
    h(
      "ul",
      { class: "muted", "data-testid": "decomposition-explained" },
      explained(t("impact.explain.decomp.km")),
      explained(t("impact.explain.decomp.fill_rate", { before: fmt(f0?.kg_per_trip ?? null, 0), after: fmt(f1?.kg_per_trip ?? null, 0) })),
      explained(t("impact.explain.decomp.cleaner", { before: fmt(f0?.co2e_kg_per_km ?? null, 2), after: fmt(f1?.co2e_kg_per_km ?? null, 2) })),
      explained(t("impact.explain.decomp.transport")),
      explained(t("impact.explain.decomp.terminal_handling", { rate: fmt(rates.terminal_handling_sek_per_kg ?? null, 2) })),
      explained(t("impact.explain.decomp.administration", { rate: fmt(rates.admin_sek_per_delivery ?? null, 0), fixed: fmt(rates.coordination_admin_sek_per_week ?? null, 0) })),
    ),
    h("p", { class: "muted small" }, t("impact.explain.decomp.method")),
  );
}

const TORNADO_INPUTS = ["cluster_share", "supplier_fuel", "fleet_energy", "trunk_km", "distribution_km"] as const;

/** An input's low or high value as words: a share or factor as a number, an energy by its name. */
function swingValue(value: unknown): string {
  return typeof value === "number" ? fmt(value, 2) : hasKey(`impact.energy.${String(value)}`) ? t(`impact.energy.${String(value)}` as MessageKey) : String(value);
}

/** The tornado: the CO2e change with each uncertain input at its low and high value (samlast.impact.sensitivity). */
function tornado(result: ImpactResult): HTMLElement | null {
  const part = result.tornado;
  if (!part?.rows?.length) return null; // a report stored before it was
  const rows = part.rows.filter(
    (row) => row.at_low !== null && row.at_high !== null && (TORNADO_INPUTS as readonly string[]).includes(row.input),
  );
  const input = (row: (typeof rows)[number]) => row.input as (typeof TORNADO_INPUTS)[number];
  // Short names on the chart (a phone has room for little beside the bars); in full, with the values, below it.
  const bars: TornadoBar[] = rows.map((row) => ({ label: t(`impact.tornado.short.${input(row)}`), atLow: (row.at_low ?? 0) * 100, atHigh: (row.at_high ?? 0) * 100 }));
  const signed = (value: number) => `${value > 0 ? "+" : ""}${fmt(value, 0)}\u00a0%`;
  const lowHigh = (bar: TornadoBar) => t("impact.tornado.lowHigh", { low: signed(bar.atLow), high: signed(bar.atHigh) });
  const canvas = h("canvas", { role: "img", "aria-label": `${t("impact.tornado.title")}: ${bars.map((b) => `${b.label} ${lowHigh(b)}`).join("; ")}`, "data-testid": "tornado-chart" });
  queueMicrotask(() => {
    if (!canvas.isConnected) return;
    void tornadoChart(canvas, bars, t("impact.tornado.unit"), (v) => fmt(v, 0), lowHigh).then((cleanup) => chartCleanups.push(cleanup));
  });
  return h(
    "section",
    { class: "card", "data-testid": "impact-tornado" },
    h("h3", {}, t("impact.tornado.title")),
    h("p", {}, t("impact.tornado.intro", { base: part.base === null || part.base === undefined ? t("common.none") : signed(part.base * 100) })),
    h("figure", { class: "cchart" }, h("div", { class: "cchart-box cwaterfall-box" }, canvas)),
    h(
      "ul",
      { class: "muted", "data-testid": "tornado-values" },
      rows.map((row, i) => explained(`${t(`impact.tornado.input.${input(row)}`, { low: swingValue(row.low), high: swingValue(row.high) })}: ${lowHigh(bars[i]!)}`)),
    ),
  );
}

/** Which preset the report ran on, and what in it produces the outcome. */
function presetNote(result: ImpactResult): HTMLElement | null {
  const code = PRESETS.find((p) => p === result.preset);
  if (!code) return null;
  return h(
    "section",
    { class: "card", "data-testid": "impact-preset-note" },
    h("h3", {}, t("impact.preset.shown", { name: t(`impact.preset.${code}.name`) })),
    h("p", {}, t(`impact.preset.${code}.why`)),
  );
}

function costSplit(result: ImpactResult): HTMLElement {
  const split = result.cost_split;
  const shown = rulesOf(result);
  const RULES = shown.filter((r) => r.key !== "standalone_cost");
  return h(
    "section",
    { class: "card", "data-testid": "cost-split" },
    h("h3", {}, t("coordinator.split.title")),
    h("p", {}, t("coordinator.split.intro", { total: fmt(split.total_cost), alone: fmt(split.sum_of_standalone_costs) })),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "ctable csplit", "data-testid": "cost-split-table" },
        h("caption", { class: "visually-hidden" }, t("coordinator.split.title")),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, t("coordinator.col.municipality")), h("th", { scope: "col" }, t("coordinator.split.alone")), RULES.map((r) => h("th", { scope: "col" }, t(r.label)))),
        ),
        h(
          "tbody",
          {},
          split.table.map((row) =>
            h(
              "tr",
              { "data-testid": "cost-split-row", "data-municipality": row.municipality },
              h("th", { scope: "row" }, row.municipality),
              h("td", {}, `${fmt(row.standalone_cost)} kr`),
              RULES.map((rule) => {
                const value = (row[rule.key] ?? null) as number | null;
                const worse = row.pays_more_than_alone.includes(rule.key);
                return h(
                  "td",
                  { class: worse ? "pays-more" : null, "data-testid": worse ? "pays-more" : null },
                  value === null ? t("common.none") : `${fmt(value)} kr`,
                  worse ? h("span", { class: "flag" }, ` ${t("coordinator.split.paysMore")}`) : null,
                );
              }),
            ),
          ),
        ),
      ),
    ),
    split.shapley_skipped_reason
      ? h("p", { class: "muted" }, t("coordinator.split.shapleySkipped", { reason: split.shapley_skipped_reason }))
      : null,
    split.core && split.core.core_nonempty !== null
      ? h("p", { class: "muted" }, t(split.core.core_nonempty ? "coordinator.split.coreYes" : "coordinator.split.coreNo"))
      : null,
    split.core && split.core.allocation_in_core === true ? h("p", { class: "muted" }, t("impact.core.shapley_inside")) : null,
    // The jargon of the table, each word in one plain sentence.
    h("h4", {}, t("impact.pdf.split.methods")),
    h(
      "ul",
      { class: "muted", "data-testid": "cost-split-explained" },
      shown.map((r) => explained(t(r.explain))),
      split.core ? explained(t("impact.explain.core")) : null,
    ),
    h("p", { class: "muted small" }, t("coordinator.split.note")),
  );
}

/** "Per kg: the cost is split ..." with the term before the colon in bold. */
function explained(sentence: string): HTMLElement {
  const colon = sentence.indexOf(": ");
  if (colon < 0) return h("li", {}, sentence);
  return h("li", {}, h("strong", {}, sentence.slice(0, colon + 1)), sentence.slice(colon + 1));
}

/** The notes of a result in the reader's language (a report from before they were messages has none). */
function notes(result: ImpactResult, period: boolean): string[] {
  return (result.notes ?? [])
    .filter((n): n is KeyedMessage => typeof n === "object" && n !== null && hasKey(n.key))
    .filter((n) => PERIOD_NOTES.includes(n.key) === period)
    .map((n) => message(n));
}

function periodNotes(result: ImpactResult): HTMLElement | null {
  const lines = notes(result, true);
  if (!lines.length) return null;
  return h(
    "section",
    { class: "card", "data-testid": "impact-period-notes" },
    h("h3", {}, t("impact.pdf.about")),
    lines.map((line) => h("p", {}, line)),
  );
}

function otherNotes(result: ImpactResult): HTMLElement | null {
  const lines = notes(result, false);
  if (!lines.length) return null;
  return h("section", { class: "card", "data-testid": "impact-notes" }, h("h3", {}, t("impact.pdf.notes")), h("ul", {}, lines.map((line) => h("li", {}, line))));
}

function patternTable(result: ImpactResult): HTMLElement | null {
  const table = result.pattern_comparison ?? {};
  const names = Object.keys(table);
  if (names.length < 2) return null;
  const columns: { key: string; label: MessageKey; digits: number }[] = [
    { key: "deliveries", label: "coordinator.fig.deliveries", digits: 0 },
    { key: "vehicle_km", label: "coordinator.fig.km", digits: 0 },
    { key: "co2e_kg", label: "impact.figure.co2e_kg", digits: 0 },
    { key: "cost_sek", label: "impact.figure.cost_sek", digits: 0 },
    { key: "mean_days_early", label: "impact.pdf.col.daysEarly", digits: 1 },
    { key: "deliveries_before_period", label: "impact.pdf.col.beforePeriod", digits: 0 },
  ];
  return h(
    "section",
    { class: "card" },
    h("h3", {}, t("impact.pdf.patterns")),
    h("p", { class: "muted" }, t("coordinator.impact.patternsIntro")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "ctable cpatterns", "data-testid": "pattern-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [t("impact.pdf.col.pattern"), ...columns.map((c) => t(c.label))].map((label) => h("th", { scope: "col" }, label)),
          ),
        ),
        h(
          "tbody",
          {},
          names.map((name) =>
            h(
              "tr",
              { class: name === result.primary_pattern ? "primary" : null },
              h("th", { scope: "row" }, patternName(name)),
              columns.map((c) => h("td", {}, fmt(table[name]?.[c.key], c.digits))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The vehicles each weekday needs to serve every delivery inside its window (older reports have none). */
function fleetNeedTable(result: ImpactResult): HTMLElement | null {
  const rows = result.fleet_need ?? [];
  if (!rows.length) return null;
  const columns = ["weekday", "date", "stops", "needed", "trips", "km", "binding"] as const;
  const needed = (row: (typeof rows)[number]) =>
    row.vehicles_needed === null || row.vehicles_needed === undefined
      ? t("impact.fleetNeed.more", { count: row.vehicles_tried })
      : fmt(row.vehicles_needed);
  const short = rows.filter((row) => (row.vehicles_needed ?? Infinity) > row.vehicles_at_hand);
  return h(
    "section",
    { class: "card", "data-testid": "fleet-need" },
    h("h3", {}, t("impact.fleetNeed.title")),
    h("p", { class: "muted" }, t("impact.fleetNeed.intro", { vehicles: rows[0].vehicles_at_hand })),
    ...short.map((row) =>
      h("p", { class: "alert alert-warn" }, t("impact.fleetNeed.short", {
        weekday: t(`weekday.${row.weekday}` as MessageKey), needed: needed(row), vehicles: row.vehicles_at_hand,
      })),
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "ctable" },
        h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, t(`impact.fleetNeed.col.${c}`))))),
        h(
          "tbody",
          {},
          rows.map((row) =>
            h(
              "tr",
              { class: short.includes(row) ? "primary" : null },
              h("th", { scope: "row" }, t(`weekday.${row.weekday}` as MessageKey)),
              h("td", {}, row.date),
              h("td", {}, fmt(row.stops)),
              h("td", {}, needed(row)),
              h("td", {}, row.trips === null || row.trips === undefined ? "–" : fmt(row.trips)),
              h("td", {}, row.km === null || row.km === undefined ? "–" : fmt(row.km, 1)),
              h("td", {}, fmt(row.binding_stops)),
            ),
          ),
        ),
      ),
    ),
    ...rows
      .filter((row) => row.unservable_stops > 0)
      .map((row) =>
        h("p", { class: "muted" }, t("impact.fleetNeed.unservable", {
          count: row.unservable_stops, weekday: t(`weekday.${row.weekday}` as MessageKey).toLowerCase(),
        })),
      ),
  );
}

function comparisonTable(result: ImpactResult): HTMLElement {
  return h(
    "section",
    { class: "card" },
    h("h3", {}, t("coordinator.impact.perTown")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "ctable", "data-testid": "municipality-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("coordinator.col.municipality")),
            h("th", { scope: "col" }, t("coordinator.fig.deliveries")),
            h("th", { scope: "col" }, t("coordinator.fig.km")),
            h("th", { scope: "col" }, t("coordinator.fig.co2")),
            h("th", { scope: "col" }, t("coordinator.fig.cost")),
          ),
        ),
        h(
          "tbody",
          {},
          result.inputs.municipalities.map((m) => {
            const b: Partial<Figures> = result.baseline.by_municipality[m] ?? {};
            const c: Partial<Figures> = result.coordinated.by_municipality[m] ?? {};
            const cell = (key: FigureKey) => `${fmt(b[key])} → ${fmt(c[key])}`;
            return h("tr", {}, h("th", { scope: "row" }, m), h("td", {}, cell("deliveries")), h("td", {}, cell("vehicle_km")), h("td", {}, cell("co2e_kg")), h("td", {}, cell("cost_sek")));
          }),
        ),
      ),
    ),
  );
}

function exports(report: ImpactReport, result: ImpactResult): HTMLElement {
  return h(
    "div",
    { class: "button-row no-print" },
    h(
      "button",
      { type: "button", class: "button", "data-testid": "export-csv", onclick: () => downloadCsv(`samlast-effekter-${report.date_from}-${report.date_to}.csv`, reportCsv(report, result)) },
      t("coordinator.impact.csv"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button",
        "data-testid": "export-pdf-server",
        onclick: () => void openPdf(`/impact/reports/${report.id}/report.pdf`, `samlast-effekter-${report.id}.pdf`),
      },
      t("coordinator.impact.pdf"),
    ),
    h("button", { type: "button", class: "button button-secondary", "data-testid": "export-pdf", onclick: () => window.print() }, t("coordinator.impact.print")),
  );
}

function resultView(report: ImpactReport): HTMLElement {
  const result = report.result;
  if (!result) return empty(t("coordinator.impact.noResult"));
  return h(
    "article",
    { class: "cimpact-result", "data-testid": "impact-result" },
    h(
      "header",
      { class: "cimpact-head" },
      h("h3", {}, report.name || t("coordinator.impact.unnamed")),
      h(
        "p",
        {},
        t("coordinator.impact.period", {
          from: result.horizon.start,
          to: result.horizon.end,
          orders: String(result.inputs.orders ?? ""),
          points: String(result.inputs.delivery_points ?? ""),
        }),
      ),
      patternName(result.primary_pattern) ? h("p", { "data-testid": "impact-pattern-name" }, t("impact.pdf.pattern", { pattern: patternName(result.primary_pattern) })) : null,
      h(
        "p",
        { "data-testid": "impact-weeks" },
        t("coordinator.impact.weeks", {
          with_orders: (result.horizon.weeks_with_orders ?? result.horizon.weeks).length,
          total: result.horizon.weeks.length,
        }),
      ),
      h("p", { class: "muted" }, t("coordinator.impact.perWeekNote")),
      exports(report, result),
    ),
    periodNotes(result),
    presetNote(result),
    headline(result),
    ...charts(result),
    decomposition(result),
    tornado(result),
    patternTable(result),
    fleetNeedTable(result),
    costSplit(result),
    comparisonTable(result),
    otherNotes(result),
  );
}

function draw(): void {
  if (!container) return;
  chartCleanups.forEach((cleanup) => cleanup());
  chartCleanups = [];
  const current = state.current;
  drawInto(
    container,
    h(
      "div",
      { class: "cimpact", "data-testid": "impact" },
      startForm(),
      reportPicker(),
      h("div", { class: "impact-progress-slot" }, progressBlock()),
      state.listError ? errorBox(state.listError, () => void loadReports()) : null,
      state.reports === undefined
        ? loading()
        : current?.status === "succeeded"
          ? resultView(current)
          : !current
            ? empty(t("coordinator.impact.none"), t("coordinator.impact.noneHint"))
            : null,
    ),
  );
  if (state.refocus) container.querySelector<HTMLInputElement>(`#${state.refocus}`)?.focus();
}

export function impactSection(): HTMLElement {
  container = h("div", {});
  queueMicrotask(() => {
    draw();
    void loadReports();
  });
  return container;
}
