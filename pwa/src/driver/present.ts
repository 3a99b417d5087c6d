// How the driver's screens say things: trip numbers, labelled times, what was handed over at a
// stop after a proof, numbers put back into an input. Pure (no DOM), so vitest covers it.
import { intlLocale, t } from "../i18n";
import { formatClock } from "../util/time";
import type { Deviation, DriverLine, DriverRoute, DriverStop } from "./types";

/** Trips are counted from 0 by the planner and from 1 for people (as the coordinator sees them). */
export function tripNumber(route: Pick<DriverRoute, "trip">): number {
  return route.trip + 1;
}

/** The stop's place name; never its job key (a code). */
export function stopName(stop: Pick<DriverStop, "place" | "sequence">): string {
  return stop.place.name?.trim() || t("driver.stopN", { n: stop.sequence });
}

/** "kvitto-Bergaskolan-kok.pdf": the place's name, not the stop's job key ("dp:12" is no file name). */
export function receiptFileName(stop: Pick<DriverStop, "place" | "sequence">): string {
  const name = stopName(stop).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${t("driver.receiptFile")}-${name || stop.sequence}.pdf`;
}

/** "07:00–11:00" or "07:00–09:00, 13:00–14:00"; "" without a window. */
export function windowsText(stop: Pick<DriverStop, "time_windows">): string {
  return stop.time_windows.map(([from, to]) => `${from}–${to}`).join(", ");
}

/**
 * "Planerad 07:13 · Fönster 07:00–10:30": every time says what it is, in the cluster's zone.
 * `long` names the arrival ("Planerad ankomst") where there is room for it.
 */
export function stopTimes(stop: Pick<DriverStop, "planned_arrival" | "time_windows">, long = false): string {
  return stopTimeParts(stop, long).join(" · ");
}

export function stopTimeParts(stop: Pick<DriverStop, "planned_arrival" | "time_windows">, long = false): string[] {
  const parts: string[] = [];
  if (stop.planned_arrival) {
    parts.push(t(long ? "driver.time.plannedArrival" : "driver.time.planned", { time: formatClock(stop.planned_arrival) }));
  }
  const windows = windowsText(stop);
  parts.push(windows ? t("driver.time.window", { windows }) : t("driver.time.noWindow"));
  return parts;
}

/** ["Start 06:47", "Åter 11:44"] for a route (back at the terminal). */
export function routeTimes(route: Pick<DriverRoute, "planned_start" | "planned_end">): string[] {
  return [
    route.planned_start ? t("driver.time.start", { time: formatClock(route.planned_start) }) : "",
    route.planned_end ? t("driver.time.back", { time: formatClock(route.planned_end) }) : "",
  ].filter(Boolean);
}

/**
 * A quantity as the driver would type it: "6,5" in Swedish, no thousands separator and no
 * rounding (what parseDecimal reads back must be the same number).
 */
export function inputNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 6, useGrouping: false }).format(value);
}

/** What this device sent in a proof, kept with the stop (no photos, no signature). */
export interface HandOver {
  deviation: Deviation | null;
  lines: { order_line_id: number; delivered_quantity: number; deviation: Deviation | null }[];
}

export interface HandedLine {
  line: DriverLine;
  ordered: number;
  delivered: number;
  /** ordered − delivered when less was left, else 0 */
  short: number;
  /** delivered − ordered when more was left, else 0 */
  extra: number;
  /** the deviation chosen for the line, "missing" only when it says more than `short` does */
  deviation: Deviation | null;
}

/** The stop's lines as they were actually handed over (or collected), from the proof sent. */
export function handedLines(stop: Pick<DriverStop, "lines">, handOver: HandOver): HandedLine[] {
  const sent = new Map(handOver.lines.map((line) => [line.order_line_id, line]));
  return stop.lines.map((line) => {
    const record = sent.get(line.order_line_id);
    const delivered = record ? record.delivered_quantity : 0;
    const difference = Math.round((delivered - line.quantity) * 1e6) / 1e6;
    const short = difference < 0 ? -difference : 0;
    const deviation = record?.deviation ?? null;
    return {
      line,
      ordered: line.quantity,
      delivered,
      short,
      extra: difference > 0 ? difference : 0,
      deviation: deviation === "missing" && short > 0 ? null : deviation,
    };
  });
}

/**
 * Why the server flagged a record (a code such as "flag.not_in_plan", services/delivery.py), as
 * the driver's word-table key: "notInPlan", "otherDriver" or "other".
 */
export function flagReason(reason: string): "notInPlan" | "otherDriver" | "other" {
  // A table key since the server stores codes; the English sentence of older records too.
  if (reason === "notInPlan" || reason === "flag.not_in_plan" || /no longer in the current plan/i.test(reason)) return "notInPlan";
  if (reason === "otherDriver" || reason === "flag.other_driver" || /another driver/i.test(reason)) return "otherDriver";
  return "other";
}
