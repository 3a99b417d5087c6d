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

export const DOWN_COLOUR = "#1b6e3a";
export const UP_COLOUR = "#a3281d";

/** One bar of a waterfall: from `from` to `to`; a total starts at 0. */
export interface WaterfallStep {
  label: string;
  from: number;
  to: number;
  kind: "start" | "end" | "down" | "up";
}

/** The steps from today through each term (in order) to coordinated: each term floats on the running total. */
export function waterfallSteps(start: number, terms: [string, number][], end: number, startLabel: string, endLabel: string): WaterfallStep[] {
  const steps: WaterfallStep[] = [{ label: startLabel, from: 0, to: start, kind: "start" }];
  let level = start;
  for (const [label, value] of terms) {
    steps.push({ label, from: level, to: level + value, kind: value < 0 ? "down" : "up" });
    level += value;
  }
  steps.push({ label: endLabel, from: 0, to: end, kind: "end" });
  return steps;
}

/** A label in lines of at most `width` characters (whole words), so a long one is not cut on a phone. */
export function wrapLabel(label: string, width = 14): string[] {
  const lines: string[] = [];
  for (const word of label.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Horizontal floating bars (one row per label, labels on the left: readable on a phone); returns a function that frees them. */
async function floatingBars(
  canvas: HTMLCanvasElement,
  labels: string[],
  ranges: [number, number][],
  colours: string[],
  unit: string,
  format: (value: number) => string,
  tooltip: (index: number) => string,
): Promise<() => void> {
  const Chart = await chartJs();
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: labels.map((label) => wrapLabel(label)),
      datasets: [
        {
          label: unit,
          data: ranges.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
          backgroundColor: colours,
          borderColor: "#111111",
          borderWidth: 1,
          borderSkipped: false,
          minBarLength: 2,
        },
      ],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: "#111111",
      scales: {
        x: { ticks: { color: "#111111", callback: (v) => tick(Number(v), format) }, title: { display: !!unit, text: unit, color: "#111111" }, grid: { color: "#c5cad3" } },
        y: { ticks: { color: "#111111", autoSkip: false }, grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => tooltip(item.dataIndex) } },
      },
    },
  });
  return () => chart.destroy();
}

/** A horizontal waterfall: each step a floating bar from where the last one ended. */
export async function waterfallChart(canvas: HTMLCanvasElement, steps: WaterfallStep[], unit: string, format: (value: number) => string): Promise<() => void> {
  const colour = { start: BASELINE_COLOUR, end: COORDINATED_COLOUR, down: DOWN_COLOUR, up: UP_COLOUR };
  return floatingBars(
    canvas,
    steps.map((s) => s.label),
    steps.map((s) => [s.from, s.to]),
    steps.map((s) => colour[s.kind]),
    unit,
    format,
    (index) => {
      const step = steps[index]!;
      const value = step.kind === "start" || step.kind === "end" ? step.to : step.to - step.from;
      return `${step.kind === "up" ? "+" : ""}${format(value)} ${unit}`;
    },
  );
}

/** One bar of a tornado: the headline with the input at its low and at its high value. */
export interface TornadoBar {
  label: string;
  atLow: number;
  atHigh: number;
}

/** A tornado: one floating bar per input from its low-value to its high-value result, widest first. */
export async function tornadoChart(canvas: HTMLCanvasElement, bars: TornadoBar[], unit: string, format: (value: number) => string, lowHigh: (bar: TornadoBar) => string): Promise<() => void> {
  return floatingBars(
    canvas,
    bars.map((b) => b.label),
    bars.map((b) => [b.atLow, b.atHigh]),
    // green where the high value gives the larger saving, red where it gives the smaller
    bars.map((b) => (b.atHigh < b.atLow ? DOWN_COLOUR : UP_COLOUR)),
    unit,
    format,
    (index) => lowHigh(bars[index]!),
  );
}
