// Chart.js, registered with only what the impact charts use (bar charts), loaded on demand.
import type { Chart as ChartType } from "chart.js";
import { intlLocale } from "../i18n";

let loaded: Promise<typeof ChartType> | null = null;

async function chartJs(): Promise<typeof ChartType> {
  loaded ??= import("chart.js").then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, Title }) => {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, Title);
    return Chart;
  });
  return loaded;
}

export const BASELINE_COLOUR = "#8a4b00";
export const COORDINATED_COLOUR = "#0a3a7a";

export interface BarSeries {
  label: string;
  values: number[];
  colour: string;
}

/** An axis tick: whole numbers as the caller writes them, a step of 0,5 with its decimal (not "1, 1, 2"). */
export function tick(value: number, format: (value: number) => string): string {
  return Number.isInteger(value) ? format(value) : new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(value);
}

/** A grouped bar chart in `canvas`; returns a function that frees it. */
export async function barChart(
  canvas: HTMLCanvasElement,
  labels: string[],
  series: BarSeries[],
  unit: string,
  format: (value: number) => string,
): Promise<() => void> {
  const Chart = await chartJs();
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.colour, borderColor: "#111111", borderWidth: 1 })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: "#111111",
      scales: {
        x: { ticks: { color: "#111111" }, grid: { color: "#c5cad3" } },
        y: { beginAtZero: true, ticks: { color: "#111111", callback: (v) => tick(Number(v), format) }, title: { display: !!unit, text: unit, color: "#111111" }, grid: { color: "#c5cad3" } },
      },
      plugins: {
        legend: { labels: { color: "#111111" } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))} ${unit}` } },
      },
    },
  });
  return () => chart.destroy();
}
