// "Uppföljning": the monthly follow-up from what was delivered (proofs, GPS km, vehicle CO2e)
// against free delivery of the same orders. Pick a month and the settlement's split rule, produce
// it (it runs in the background; the 1st of every month it is produced by itself), read the
// figures, the settlement per municipality and the local share over the months, and download
// the council's PDF or the CSV; and, for procurement, a product area's annual volume as lots a
// small producer can bid on (a zip of CSV files). Changing the rule of a finished report shows its settlement
// under that rule at once (the stored report keeps the rule it was produced with).
import { get, post } from "../api/client";
import type { ApiSchema } from "../api/types";
import { downloadFile, openPdf } from "../data/download";
import { t, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, loading } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import "./followup.css";
import { parseDecimal } from "../util/numbers";
import { fmt } from "./impact";

type FollowupReport = ApiSchema<"FollowupReport">;
type FollowupSummary = ApiSchema<"FollowupReportSummary">;
type Rule = ApiSchema<"FollowupRequest">["rule"];
type ProductArea = ApiSchema<"ProductAreaOut">;

const RULES: { key: NonNullable<Rule>; label: MessageKey }[] = [
  { key: "shapley", label: "coordinator.split.shapley" },
  { key: "nucleolus", label: "coordinator.split.nucleolus" },
  { key: "equal_profit", label: "coordinator.split.equalProfit" },
  { key: "per_delivery", label: "coordinator.split.perDelivery" },
  { key: "per_kg", label: "coordinator.split.perKg" },
  { key: "per_standalone_km", label: "coordinator.split.perKm" },
];

/** The month before this one, "YYYY-MM" (what the monthly schedule reports on). */
function lastMonth(): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

const state = {
  reports: undefined as FollowupSummary[] | undefined,
  current: null as FollowupReport | null,
  month: lastMonth(),
  rule: "shapley" as NonNullable<Rule>,
  error: null as unknown,
  startError: null as string | null,
  areas: [] as ProductArea[],
  area: null as number | null,
  maxKg: "20000",
  lotsError: null as string | null,
};
let container: HTMLElement | null = null;
let pollTimer: number | undefined;

const monthName = (month: string) => {
  const [year, number] = month.split("-");
  return t(`followup.month.${Number(number)}` as MessageKey, { year });
};
const percent = (share: number | null | undefined) => (share === null || share === undefined ? t("common.none") : `${fmt(share * 100, 0)} %`);
const change = (value: number | null | undefined) =>
  value === null || value === undefined ? t("common.none") : `${value > 0 ? "+" : value < 0 ? "−" : ""}${fmt(Math.abs(value) * 100, 0)} %`;
const running = (r: { status: string } | null) => r?.status === "queued" || r?.status === "running";

// --- data ----------------------------------------------------------------------------------

const path = (id: string, suffix = "", rule?: string) =>
  `/followup/reports/${encodeURIComponent(id)}${suffix}${rule ? `?rule=${encodeURIComponent(rule)}` : ""}`;

async function loadReports(): Promise<void> {
  try {
    state.reports = await get<FollowupSummary[]>("/followup/reports?limit=24");
    state.error = null;
    if (!state.current) {
      const latest = state.reports.find((r) => r.status === "succeeded") ?? state.reports[0];
      if (latest) await open(latest.id, latest.rule);
    }
  } catch (error) {
    state.reports = [];
    state.error = error;
  }
  draw();
}

async function open(id: string, rule?: string): Promise<void> {
  try {
    state.current = await get<FollowupReport>(path(id, "", rule));
    state.month = state.current.month.slice(0, 7);
    if (rule) state.rule = rule as NonNullable<Rule>;
  } catch (error) {
    state.error = error;
  }
  if (running(state.current)) poll(state.current!.id);
}

function poll(id: string): void {
  window.clearTimeout(pollTimer);
  pollTimer = window.setTimeout(async () => {
    if (state.current?.id !== id) return;
    try {
      state.current = await get<FollowupReport>(path(id, "", state.rule));
    } catch {
      // try again
    }
    if (running(state.current)) {
      draw();
      poll(id);
    } else {
      state.current = null;
      void loadReports();
    }
  }, 1_000);
}

async function start(): Promise<void> {
  state.startError = null;
  try {
    state.current = await post<FollowupReport>("/followup/reports", { month: state.month, rule: state.rule });
    if (running(state.current)) poll(state.current.id);
    else {
      state.current = null;
      await loadReports();
      return;
    }
  } catch (error) {
    state.startError = errorMessage(error);
  }
  draw();
}

async function pickRule(rule: NonNullable<Rule>): Promise<void> {
  state.rule = rule;
  if (state.current?.status === "succeeded") await open(state.current.id, rule);
  draw();
}

// --- drawing -------------------------------------------------------------------------------

function form(): HTMLElement {
  return h(
    "form",
    {
      class: "card cimpact-form no-print",
      "data-testid": "followup-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void start();
      },
    },
    h("h3", {}, t("coordinator.followup.title")),
    h("p", {}, t("coordinator.followup.intro")),
    h(
      "div",
      { class: "cform-row" },
      h(
        "div",
        { class: "field field-inline" },
        h("label", { for: "followup-month" }, t("coordinator.followup.month")),
        h("input", {
          id: "followup-month",
          type: "month",
          value: state.month,
          required: true,
          "data-testid": "followup-month",
          onchange: (event: Event) => (state.month = (event.target as HTMLInputElement).value),
        }),
      ),
      h(
        "div",
        { class: "field field-inline" },
        h("label", { for: "followup-rule" }, t("coordinator.followup.rule")),
        h(
          "select",
          {
            id: "followup-rule",
            "data-testid": "followup-rule",
            onchange: (event: Event) => void pickRule((event.target as HTMLSelectElement).value as NonNullable<Rule>),
          },
          RULES.map((r) => h("option", { value: r.key, selected: r.key === state.rule }, t(r.label))),
        ),
      ),
    ),
    h(
      "button",
      { type: "submit", class: "button button-primary", disabled: running(state.current), "data-testid": "followup-run" },
      running(state.current) ? t("coordinator.followup.running") : t("coordinator.followup.run"),
    ),
    running(state.current) ? h("p", { class: "muted", role: "status" }, state.current!.message) : null,
    state.startError ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "followup-error" }, state.startError) : null,
  );
}

/** A table: the first column names the row, the others are numbers (right-aligned); `cellClass`
 * marks a cell (the settlement's "pays more than alone"). */
function table(
  testid: string,
  head: string[],
  rows: (string | HTMLElement)[][],
  { cellClass = (_r: number, _c: number): string | null => null, extraClass = "" } = {},
): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `ctable ${extraClass}`.trim(), "data-testid": testid },
      h("thead", {}, h("tr", {}, head.map((label, c) => h("th", { scope: "col", class: c > 0 ? "num" : null }, label)))),
      h(
        "tbody",
        {},
        rows.map((row, r) =>
          h(
            "tr",
            {},
            row.map((cell, c) =>
              c === 0 ? h("th", { scope: "row" }, cell) : h("td", { class: ["num", cellClass(r, c) ?? ""].join(" ").trim() }, cell),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Free delivery, outcome and change per figure: each figure's name on a row of its own above its
 * three numbers, so the numbers fit side by side on a phone. */
function figuresTable(figures: [MessageKey, number, number, number | null | undefined][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable cfollowup-figures", "data-testid": "followup-figures" },
      h("thead", {}, h("tr", {}, [t("followup.col.baseline"), t("followup.col.actual"), t("impact.pdf.col.change")].map((label) => h("th", { scope: "col", class: "num" }, label)))),
      h(
        "tbody",
        {},
        figures.flatMap(([label, before, after, ch]) => [
          h("tr", { class: "cfollowup-name" }, h("th", { scope: "rowgroup", colspan: 3 }, t(label))),
          h("tr", {}, [fmt(before), fmt(after), change(ch)].map((value) => h("td", { class: "num" }, value))),
        ]),
      ),
    ),
  );
}

/** The local share per municipality and product area, month by month (a month's name on a row of
 * its own above its rows). */
function localTable(rows: FollowupReport["local_trend"]): HTMLElement {
  const body: HTMLElement[] = [];
  let month = "";
  for (const row of rows) {
    if (row.month !== month) {
      month = row.month;
      body.push(h("tr", { class: "cfollowup-name" }, h("th", { scope: "rowgroup", colspan: 3 }, monthName(month))));
    }
    body.push(h("tr", {}, h("td", {}, row.municipality), h("td", {}, row.area || t("followup.noArea")), h("td", { class: "num" }, percent(row.local_share))));
  }
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable", "data-testid": "followup-local" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("coordinator.col.municipality")), h("th", { scope: "col" }, t("followup.col.area")), h("th", { scope: "col", class: "num" }, t("followup.col.localShort")))),
      h("tbody", {}, body),
    ),
  );
}

function result(report: FollowupReport): HTMLElement | null {
  const r = report.result;
  if (!r) return null;
  const { coordinated: c, baseline: b } = r.totals;
  const figures: [MessageKey, number, number, number | null | undefined][] = [
    ["followup.figure.deliveries", b.deliveries, c.deliveries, r.totals.change.deliveries],
    ["followup.figure.km", b.km, c.km, r.totals.change.km],
    ["followup.figure.co2e", b.co2e_kg, c.co2e_kg, r.totals.change.co2e_kg],
    ["followup.figure.cost", b.cost_sek, c.cost_sek, r.totals.change.cost_sek],
  ];
  const settlement = r.settlement;
  const rule = RULES.find((x) => x.key === settlement.rule);
  return h(
    "div",
    { "data-testid": "followup-result" },
    h(
      "section",
      { class: "card" },
      h("h3", {}, t("followup.pdf.title", { month: monthName(report.month.slice(0, 7)) })),
      h(
        "div",
        { class: "button-row no-print" },
        h("button", { type: "button", class: "button", "data-testid": "followup-pdf", onclick: () => void openPdf(path(report.id, "/report.pdf", state.rule), `samlast-uppfoljning-${report.month.slice(0, 7)}.pdf`) }, t("coordinator.followup.pdf")),
        h("button", { type: "button", class: "button button-secondary", "data-testid": "followup-csv", onclick: () => void downloadFile(path(report.id, "/report.csv", state.rule), `samlast-uppfoljning-${report.month.slice(0, 7)}.csv`) }, t("coordinator.followup.csv")),
      ),
      figuresTable(figures),
      table(
        "followup-quality",
        [t("followup.col.figure"), t("followup.col.value")],
        [
          [t("followup.figure.punctuality"), percent(r.totals.punctuality)],
          [t("followup.figure.localShare"), percent(r.totals.local_share)],
          [t("followup.figure.deviations"), fmt(c.deviations)],
          [t("followup.figure.gpsKm"), fmt(c.gps_km)],
        ],
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h3", {}, t("followup.pdf.settlement")),
      h("p", {}, t("followup.pdf.settlementIntro", { total: fmt(settlement.total_cost), rule: rule ? t(rule.label) : settlement.rule })),
      table(
        "followup-settlement",
        [t("coordinator.col.municipality"), t("followup.col.amount"), t("coordinator.split.alone")],
        settlement.rows.map((row) => [
          row.municipality,
          row.pays_more_than_alone
            ? h("span", { "data-testid": "pays-more" }, fmt(row.amount), h("span", { class: "cfollowup-flag" }, t("followup.paysMore")))
            : fmt(row.amount),
          fmt(row.standalone_cost),
        ]),
        { extraClass: "csplit", cellClass: (r, c) => (c === 1 && settlement.rows[r].pays_more_than_alone ? "pays-more" : null) },
      ),
      settlement.rows.some((row) => row.pays_more_than_alone) ? h("p", { class: "muted small" }, t("followup.pdf.paysMoreNote")) : null,
    ),
    h(
      "section",
      { class: "card" },
      h("h3", {}, t("followup.pdf.local")),
      localTable(report.local_trend),
    ),
  );
}

// --- lots for small producers (the lot planner's tender data pack) ----------------------------

async function loadAreas(): Promise<void> {
  try {
    state.areas = await get<ProductArea[]>("/product-areas/?limit=500");
    state.area ??= state.areas[0]?.id ?? null;
  } catch {
    state.areas = [];
  }
  draw();
}

/** The smallest and largest lot a coordinator may ask for, kg a year (as services/tender_lots.py). */
const LOT_KG = { min: 100, max: 10_000_000 };

async function downloadLots(): Promise<void> {
  state.lotsError = null;
  const maxKg = parseDecimal(state.maxKg);
  if (maxKg === null || maxKg < LOT_KG.min || maxKg > LOT_KG.max) {
    // Named where it was typed, in words: the server's answer would only say "1 field is wrong".
    state.lotsError = `${t("coordinator.lots.maxKg")}: ${t("field.between", { min: fmt(LOT_KG.min), max: fmt(LOT_KG.max) })}`;
    draw();
    container?.querySelector<HTMLInputElement>("#lots-max")?.focus();
    return;
  }
  try {
    const query = `product_area_id=${state.area}&max_kg=${maxKg}`;
    await downloadFile(`/lots/tender-pack.zip?${query}`, `samlast-anbudsunderlag-${state.area}.zip`);
  } catch (error) {
    state.lotsError = errorMessage(error);
    draw();
  }
}

function lotsCard(): HTMLElement {
  return h(
    "form",
    {
      class: "card cimpact-form no-print",
      "data-testid": "lots-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void downloadLots();
      },
    },
    h("h3", {}, t("coordinator.lots.title")),
    h("p", {}, t("coordinator.lots.intro")),
    state.areas.length
      ? h(
          "div",
          { class: "cform-row" },
          h(
            "div",
            { class: "field field-inline" },
            h("label", { for: "lots-area" }, t("coordinator.lots.area")),
            h(
              "select",
              { id: "lots-area", "data-testid": "lots-area", onchange: (event: Event) => (state.area = Number((event.target as HTMLSelectElement).value)) },
              state.areas.map((area) => h("option", { value: String(area.id), selected: area.id === state.area }, area.name)),
            ),
          ),
          h(
            "div",
            { class: "field field-inline" },
            h("label", { for: "lots-max" }, t("coordinator.lots.maxKg")),
            h("input", {
              id: "lots-max",
              type: "text",
              inputmode: "decimal",
              value: state.maxKg,
              "data-testid": "lots-max",
              "aria-invalid": state.lotsError ? "true" : null,
              oninput: (event: Event) => (state.maxKg = (event.target as HTMLInputElement).value),
            }),
          ),
        )
      : h("p", { class: "muted" }, t("coordinator.lots.noAreas")),
    h("button", { type: "submit", class: "button", disabled: !state.areas.length, "data-testid": "lots-download" }, t("coordinator.lots.download")),
    state.lotsError ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "lots-error" }, state.lotsError) : null,
  );
}

/** The tender data for procuring the distributor: volumes, stops, windows, km and throughput. */
function distributorPackCard(): HTMLElement {
  const note = h("p", { "aria-live": "polite", "data-testid": "distributor-pack-error" });
  const download = async () => {
    note.textContent = "";
    try {
      await downloadFile("/lots/distributor-pack.zip", "samlast-anbudsunderlag-distributor.zip");
    } catch (error) {
      note.textContent = errorMessage(error);
    }
  };
  return h(
    "section",
    { class: "card no-print", "data-testid": "distributor-pack" },
    h("h3", {}, t("coordinator.distributorPack.title")),
    h("p", {}, t("coordinator.distributorPack.intro")),
    h("button", { type: "button", class: "button", "data-testid": "distributor-pack-download", onclick: () => void download() }, t("coordinator.distributorPack.download")),
    note,
  );
}

function history(): HTMLElement | null {
  if (!state.reports?.length) return null;
  return h(
    "section",
    { class: "card no-print" },
    h("h3", {}, t("coordinator.followup.history")),
    h(
      "ul",
      { class: "cfollowup-history", "data-testid": "followup-history" },
      state.reports.map((r) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "button button-small", "aria-current": r.id === state.current?.id ? "true" : null, onclick: () => void open(r.id, r.rule).then(draw) },
            `${monthName(r.month.slice(0, 7))} · ${t(r.scheduled ? "coordinator.followup.scheduled" : "coordinator.followup.onDemand")} · ${r.message}`,
          ),
        ),
      ),
    ),
  );
}

function draw(): void {
  if (!container) return;
  drawInto(
    container,
    h(
      "div",
      { class: "cimpact cfollowup", "data-testid": "followup" },
      form(),
      state.error ? errorBox(state.error, () => void loadReports()) : null,
      state.reports === undefined
        ? loading()
        : state.current?.status === "succeeded"
          ? result(state.current)
          : !state.current && !state.reports.length
            ? empty(t("coordinator.followup.none"))
            : null,
      history(),
      lotsCard(),
      distributorPackCard(),
    ),
  );
}

export function followupSection(): HTMLElement {
  container = h("div", {});
  queueMicrotask(() => {
    draw();
    void loadReports();
    void loadAreas();
  });
  return container;
}
