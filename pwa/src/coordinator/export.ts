// The impact report as CSV, built in the browser from the stored result. Swedish: semicolons
// and decimal commas (what Excel expects with Swedish settings); English: commas and points.
import { getLocale, t } from "../i18n";
import type { ImpactReport, ImpactResult } from "./api";

const FIGURES = ["deliveries", "deliveries_per_building", "vehicle_km", "heavy_vehicle_visits_schools_preschools", "co2e_kg", "cost_sek", "vehicle_hours", "kg", "local_kg", "local_share"];

export function reportCsv(report: ImpactReport, result: ImpactResult): string {
  const sv = getLocale() === "sv";
  const sep = sv ? ";" : ",";
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      const text = String(Math.round(value * 100) / 100);
      return sv ? text.replace(".", ",") : text;
    }
    const text = String(value);
    return /[";,\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines: string[] = [];
  const row = (...cells: unknown[]) => lines.push(cells.map(cell).join(sep));
  row(t("coordinator.csv.report"), report.name || report.id);
  row(t("coordinator.csv.period"), result.horizon.start, result.horizon.end);
  row();
  row(t("coordinator.csv.perWeek"), t("coordinator.impact.baseline"), t("coordinator.impact.coordinated"), t("coordinator.csv.change"));
  for (const key of FIGURES) {
    const c = result.comparison[key];
    if (c) row(key, c.free_delivery, c.coordinated, c.change);
  }
  row();
  row(t("coordinator.csv.byWeek"), t("coordinator.csv.scenario"), ...FIGURES);
  for (const scenario of ["baseline", "coordinated"] as const) {
    for (const [week, figures] of Object.entries(result[scenario].by_week)) {
      row(week, scenario === "baseline" ? t("coordinator.impact.baseline") : t("coordinator.impact.coordinated"), ...FIGURES.map((k) => figures[k]));
    }
  }
  row();
  row(t("coordinator.col.municipality"), t("coordinator.csv.scenario"), ...FIGURES);
  for (const town of result.inputs.municipalities) {
    for (const scenario of ["baseline", "coordinated"] as const) {
      const figures = result[scenario].by_municipality[town] ?? {};
      row(town, scenario === "baseline" ? t("coordinator.impact.baseline") : t("coordinator.impact.coordinated"), ...FIGURES.map((k) => figures[k]));
    }
  }
  row();
  row(t("coordinator.col.municipality"), t("coordinator.split.alone"), t("coordinator.split.perDelivery"), t("coordinator.split.perKg"), t("coordinator.split.perKm"), t("coordinator.split.shapley"), t("coordinator.split.paysMoreCol"));
  for (const r of result.cost_split.table) {
    row(r.municipality, r.standalone_cost, r.per_delivery, r.per_kg, r.per_standalone_km, r.shapley, r.pays_more_than_alone.join(" "));
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
