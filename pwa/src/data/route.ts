// The driver's routes for a day: from the API when it answers, else the copy in IndexedDB,
// so a driver who opens the app in a dead zone still has the whole route.
// The day is the server's "today" (its TIMEZONE), the same day the /driver socket pushes.
import { get, NetworkError } from "../api/client";
import { loadDay, saveDay, type StoredDay } from "../driver/db";
import type { DriverRoute } from "../driver/types";
import { getSession } from "../state/session";
import type { Loaded } from "./fetch";
import { zoneDate } from "../util/time";

export type { DriverRoute as Route, DriverStop as RouteStop } from "../driver/types";

export interface DriverDay {
  planDate: string;
  routes: DriverRoute[];
}

export interface RouteSource {
  /** The logged-in driver's routes on `date` (null: the server's today), in driving order. */
  routeFor(date: string | null): Promise<Loaded<DriverDay>>;
}

export const noRouteSource: RouteSource = {
  async routeFor(date) {
    return { data: { planDate: date ?? zoneDate(), routes: [] }, savedAt: null };
  },
};

/** Keep the day on this device; answers what was stored. */
export async function storeDay(userId: number, planDate: string, routes: DriverRoute[]): Promise<StoredDay> {
  const day = { userId, planDate, routes: sortRoutes(routes), savedAt: Date.now() };
  try {
    await saveDay(day);
  } catch (error) {
    console.warn("Could not keep the route on this device", error);
  }
  return day;
}

function sortRoutes(routes: DriverRoute[]): DriverRoute[] {
  return [...routes]
    .sort((a, b) => (a.planned_start ?? "").localeCompare(b.planned_start ?? "") || a.trip - b.trip)
    .map((route) => ({ ...route, stops: [...route.stops].sort((a, b) => a.sequence - b.sequence) }));
}

export const apiRouteSource: RouteSource = {
  async routeFor(date) {
    const userId = getSession()?.user.id ?? 0;
    try {
      const routes = await get<DriverRoute[]>(`/driver/routes${date ? `?date=${date}` : ""}`);
      const stored = await loadDay(userId).catch(() => null);
      const planDate = routes[0]?.plan_date ?? date ?? stored?.planDate ?? zoneDate();
      const day = await storeDay(userId, planDate, routes);
      return { data: { planDate: day.planDate, routes: day.routes }, savedAt: null };
    } catch (error) {
      if (error instanceof NetworkError) {
        const saved = await loadDay(userId).catch(() => null);
        if (saved && (date === null || saved.planDate === date)) {
          return { data: { planDate: saved.planDate, routes: saved.routes }, savedAt: saved.savedAt };
        }
      }
      throw error;
    }
  },
};

export let routeSource: RouteSource = apiRouteSource;

export function setRouteSource(source: RouteSource): void {
  routeSource = source;
}
