// Times of a plan in the cluster's time zone, whatever the device's clock is set to: a phone
// set to UTC must still show 07:00 for a stop planned at 07:00 in Sweden. The zone comes with
// the user (GET /auth/me, login) from the server's TIMEZONE setting.
import { intlLocale } from "../i18n";
import { getSession } from "../state/session";

const FALLBACK_ZONE = "Europe/Stockholm";

export function clusterZone(): string {
  return getSession()?.user.time_zone ?? FALLBACK_ZONE;
}

function format(iso: string | number | Date, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: clusterZone(), ...options }).format(new Date(iso));
}

/** "07:05" */
export function formatClock(iso: string | number | Date): string {
  return format(iso, { hour: "2-digit", minute: "2-digit" });
}

/** "2026-12-04 07:05" style, short date and time. */
export function formatDateTime(iso: string | number | Date): string {
  return format(iso, { dateStyle: "short", timeStyle: "short" });
}

/** "fre 4 dec. 07:05" */
export function formatDayTime(iso: string | number | Date): string {
  return format(iso, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

/** The calendar date (YYYY-MM-DD) of a moment in the cluster's zone; today by default. */
export function zoneDate(moment: string | number | Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: clusterZone(),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(moment));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "YYYY-MM-DD HH:MM" of a moment in the cluster's zone: compares with a window end as text. */
export function zoneStamp(moment: string | number | Date): string {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: clusterZone(),
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(moment));
  return `${zoneDate(moment)} ${time}`;
}
