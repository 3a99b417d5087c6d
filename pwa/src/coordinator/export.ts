// The impact report as CSV, built in the browser from the stored result, every label in words
// from the word tables (never a figure key or a scenario code). Swedish: semicolons, decimal
// commas and a byte-order mark (what Excel expects with Swedish settings); English: commas and
// points.
import { getLocale, hasKey, t, type MessageKey } from "../i18n";
import type { FigureKey, Figures, ImpactReport, ImpactResult } from "./api";

/** The figures of the CSV and their names; a share is written in per cent. */
export const FIGURES: { key: FigureKey; label: MessageKey; percent?: boolean }[] = [
  { key: "deliveries", label: "impact.figure.deliveries" },
  { key: "deliveries_per_building", label: "impact.figure.deliveries_per_building" },
  { key: "vehicle_km", label: "impact.figure.vehicle_km" },
  { key: "heavy_vehicle_visits_schools_preschools", label: "impact.figure.heavy_vehicle_visits_schools_preschools" },
  { key: "co2e_kg", label: "impact.figure.co2e_kg" },
  { key: "cost_sek", label: "impact.figure.cost_sek" },
  { key: "vehicle_hours", label: "impact.figure.vehicle_hours" },
  { key: "kg", label: "impact.figure.kg" },
  { key: "local_kg", label: "impact.figure.local_kg" },
  { key: "local_share", label: "impact.figure.local_share_percent", percent: true },
  { key: "deliveries_outside_window", label: "impact.figure.deliveries_outside_window" },
];

/** The cost-split rules, in the order of the tables, with their names. */
export type SplitRuleKey = "standalone_cost" | "per_delivery" | "per_kg" | "per_standalone_km" | "shapley" | "nucleolus" | "equal_profit";
export const SPLIT_RULES: { key: SplitRuleKey; label: MessageKey; explain: MessageKey }[] = [
  { key: "standalone_cost", label: "coordinator.split.alone", explain: "impact.explain.standalone_cost" },
  { key: "per_delivery", label: "coordinator.split.perDelivery", explain: "impact.explain.per_delivery" },
  { key: "per_kg", label: "coordinator.split.perKg", explain: "impact.explain.per_kg" },
  { key: "per_standalone_km", label: "coordinator.split.perKm", explain: "impact.explain.per_standalone_km" },
  { key: "shapley", label: "coordinator.split.shapley", explain: "impact.explain.shapley" },
  { key: "nucleolus", label: "coordinator.split.nucleolus", explain: "impact.explain.nucleolus" },
  { key: "equal_profit", label: "coordinator.split.equalProfit", explain: "impact.explain.equal_profit" },
];

/** The rules computed from every coalition's cost: none of them when those runs were skipped. */
export const GAME_RULES: readonly SplitRuleKey[] = ["shapley", "nucleolus", "equal_profit"];

/** The rules a result has figures for (a report stored before a rule existed has none for it). */
export function rulesOf(result: ImpactResult): typeof SPLIT_RULES {
  return SPLIT_RULES.filter((r) => !GAME_RULES.includes(r.key) || result.cost_split.table.some((row) => row[r.key] !== null && row[r.key] !== undefined));
}

/** A delivery-day pattern in words ("två fasta leveransdagar i veckan"); "" for an unknown one. */
export function patternName(code: string): string {
  const key = `impact.pattern.${code}`;
  return hasKey(key) ? t(key) : "";
}

/** A cost-split rule's name ("Per km ensam"); "" for an unknown one. */
export function ruleName(code: string): string {
  const rule = SPLIT_RULES.find((r) => r.key === code);
  return rule ? t(rule.label) : "";
}

/** ISO 8601 week number of a date given as YYYY-MM-DD. */
export function isoWeek(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  const thursday = new Date(Date.UTC(y!, m! - 1, d!));
  thursday.setUTCDate(thursday.getUTCDate() - ((thursday.getUTCDay() + 6) % 7) + 3);
  // Week 1 is the week with the year's first Thursday (the one of 4 January's week).
  const first = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7) + 3);
  return 1 + Math.round((thursday.getTime() - first.getTime()) / (7 * 86_400_000));
}

/** The Monday (YYYY-MM-DD) of the week of a date given as YYYY-MM-DD. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** True for a week (its Monday) before the period: deliveries a fixed pattern brought forward. */
export const weekBeforePeriod = (monday: string, result: ImpactResult) => monday < mondayOf(result.horizon.start);

export function reportCsv(report: ImpactReport, result: ImpactResult): string {
  const sv = getLocale() === "sv";
  const sep = sv ? ";" : ",";
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      const rounded = Math.round(value * 100) / 100;
      const text = String(Object.is(rounded, -0) ? 0 : rounded);
      return sv ? text.replace(".", ",") : text;
    }
    const text = String(value);
    return text.includes(sep) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines: string[] = [];
  const row = (...cells: unknown[]) => lines.push(cells.map(cell).join(sep));
  const figure = (f: (typeof FIGURES)[number], value: number | undefined) =>
    value === undefined ? null : f.percent ? Math.round(value * 1000) / 10 : value;
  const scenarioName = (scenario: "baseline" | "coordinated") => t(scenario === "baseline" ? "coordinator.impact.baseline" : "coordinator.impact.coordinated");
  const weekName = (monday: string) =>
    t(weekBeforePeriod(monday, result) ? "impact.weekBeforeOf" : "impact.weekOf", { n: isoWeek(monday), date: monday });

  row(t("coordinator.csv.report"), report.name || t("coordinator.impact.unnamed"));
  row(t("coordinator.csv.period"), result.horizon.start, result.horizon.end);
  row(t("coordinator.impact.pattern"), patternName(result.primary_pattern));
  row();
  row(t("coordinator.csv.perWeek"), scenarioName("baseline"), scenarioName("coordinated"), `${t("coordinator.csv.change")} (%)`);
  for (const f of FIGURES) {
    const c = result.comparison[f.key];
    if (!c) continue;
    const change = f.percent || c.change === null ? null : Math.round(c.change * 1000) / 10;
    row(t(f.label), figure(f, c.free_delivery), figure(f, c.coordinated), change);
  }
  if (result.moved_before_period) row(t("impact.figure.deliveries_before_period"), null, result.moved_before_period.deliveries, null);
  row();
  row(`${t("coordinator.col.municipality")} (${t("coordinator.csv.perWeek").toLowerCase()})`, t("coordinator.csv.scenario"), ...FIGURES.map((f) => t(f.label)));
  for (const town of result.inputs.municipalities) {
    for (const scenario of ["baseline", "coordinated"] as const) {
      const figures: Partial<Figures> = result[scenario].by_municipality_per_week[town] ?? {};
      row(town, scenarioName(scenario), ...FIGURES.map((f) => figure(f, figures[f.key])));
    }
  }
  row();
  row(t("coordinator.csv.byWeek"), t("coordinator.csv.scenario"), ...FIGURES.map((f) => t(f.label)));
  for (const scenario of ["baseline", "coordinated"] as const) {
    for (const [week, figures] of Object.entries(result[scenario].by_week).sort(([a], [b]) => a.localeCompare(b))) {
      row(weekName(week), scenarioName(scenario), ...FIGURES.map((f) => figure(f, figures[f.key])));
    }
  }
  row();
  // The rules the report has figures for (one stored before the nucleolus was has no column for it).
  const rules = rulesOf(result);
  row(t("coordinator.col.municipality"), ...rules.map((r) => t(r.label)), t("coordinator.split.paysMoreCol"));
  for (const r of result.cost_split.table) {
    row(r.municipality, ...rules.map((rule) => r[rule.key]), r.pays_more_than_alone.map(ruleName).filter(Boolean).join(", "));
  }
  return "\ufeff" + lines.join("\r\n") + "\r\n";
}

export function downloadCsv(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
