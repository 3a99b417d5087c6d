// Calendar dates as the API writes them (YYYY-MM-DD); today is the cluster's today (util/time).
import { zoneDate } from "./time";

export function isoDate(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

export function addDays(date: Date, days: number): Date {
  const copy = new Date(date);
  copy.setDate(copy.getDate() + days);
  return copy;
}

/** Today (in the cluster's zone) and the following days: nextDays(7) is today plus six more. */
export function nextDays(count: number, from = parseIsoDate(zoneDate())): string[] {
  return Array.from({ length: count }, (_, i) => isoDate(addDays(from, i)));
}

export function parseIsoDate(value: string): Date {
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** 0 = Monday ... 6 = Sunday, as in the API's receiving windows. */
export function mondayWeekday(date: Date): number {
  return (date.getDay() + 6) % 7;
}
