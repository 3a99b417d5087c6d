// The driver's route for a day. The route/stop API does not exist yet, so the only
// source is one that honestly answers "no route". When the API arrives, add an
// ApiRouteSource (GET the driver's route for `date` via cachedGet) and switch
// `routeSource` to it; the driver view renders whatever a RouteSource returns.
import type { Loaded } from "./fetch";

export interface RouteStop {
  sequence: number;
  deliveryPointId: number;
  name: string;
  address: string | null;
  plannedArrival: string | null; // "HH:MM"
  orderIds: number[];
}

export interface Route {
  id: number;
  date: string; // YYYY-MM-DD
  vehicleName: string | null;
  stops: RouteStop[];
}

export interface RouteSource {
  /** The route the logged-in driver drives on `date`, or null if none is planned. */
  routeFor(date: string): Promise<Loaded<Route | null>>;
}

export const noRouteSource: RouteSource = {
  async routeFor() {
    return { data: null, savedAt: null };
  },
};

export let routeSource: RouteSource = noRouteSource;

export function setRouteSource(source: RouteSource): void {
  routeSource = source;
}
