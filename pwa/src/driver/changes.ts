// What changed in the driver's day between two versions of the plan, said with the stops' names:
// stops added, stops removed, stops that moved in the driving order, trips taken away.
// Pure, so vitest covers it; state.ts keeps the result until the driver has read it.
import { t } from "../i18n";
import { stopName, tripNumber } from "./present";
import type { DriverRoute } from "./types";

export interface DayChange {
  added: string[]; // job keys
  removed: string[];
  moved: string[]; // kept stops that changed place in the order (the fewest that explain it)
  names: Record<string, string>; // job key -> place name, also for stops no longer on the day
  removedTrips: string[]; // "Lastbil 1, tur 2"
}

function stopsInOrder(routes: DriverRoute[]): { key: string; name: string }[] {
  return routes.flatMap((route) =>
    [...route.stops].sort((a, b) => a.sequence - b.sequence).map((stop) => ({ key: stop.job_key, name: stopName(stop) })),
  );
}

/** Positions in `sequence` not on one longest increasing run: the fewest elements that moved. */
function outOfOrder(sequence: number[]): Set<number> {
  const length = sequence.map(() => 1);
  const previous = sequence.map(() => -1);
  for (let i = 0; i < sequence.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sequence[j]! < sequence[i]! && length[j]! + 1 > length[i]!) {
        length[i] = length[j]! + 1;
        previous[i] = j;
      }
    }
  }
  let end = length.indexOf(Math.max(0, ...length));
  const kept = new Set<number>();
  while (end >= 0) {
    kept.add(end);
    end = previous[end]!;
  }
  return new Set(sequence.map((_, index) => index).filter((index) => !kept.has(index)));
}

export function tripName(route: Pick<DriverRoute, "vehicle_name" | "trip">): string {
  return t("driver.routeTitle", { vehicle: route.vehicle_name, trip: tripNumber(route) });
}

/**
 * The change from `before` to `after` merged into `pending` (a change the driver has not yet
 * dismissed); null when nothing the driver needs to know changed between the two (keep
 * `pending` then). `removedRoutes` are trips taken away from the driver.
 */
export function dayChange(
  before: DriverRoute[],
  after: DriverRoute[],
  pending: DayChange | null,
  removedRoutes: DriverRoute[] = [],
): DayChange | null {
  const old = stopsInOrder(before);
  const now = stopsInOrder(after);
  const oldKeys = new Set(old.map((stop) => stop.key));
  const newKeys = new Set(now.map((stop) => stop.key));
  const added = now.filter((stop) => !oldKeys.has(stop.key)).map((stop) => stop.key);
  const removed = old.filter((stop) => !newKeys.has(stop.key)).map((stop) => stop.key);
  const oldIndex = new Map(old.filter((stop) => newKeys.has(stop.key)).map((stop, index) => [stop.key, index]));
  const kept = now.filter((stop) => oldIndex.has(stop.key));
  const movedNow = [...outOfOrder(kept.map((stop) => oldIndex.get(stop.key)!))].map((index) => kept[index]!.key);
  const trips = removedRoutes.map(tripName);
  if (!added.length && !removed.length && !movedNow.length && !trips.length) return null;

  const names: Record<string, string> = { ...(pending?.names ?? {}) };
  for (const stop of [...old, ...now]) names[stop.key] = stop.name;
  // Merged with what the driver has not read yet: a stop added then removed again is no news.
  const wasAdded = new Set(pending?.added ?? []);
  const wasRemoved = new Set(pending?.removed ?? []);
  const allAdded = [...(pending?.added ?? []).filter((key) => !removed.includes(key)), ...added.filter((key) => !wasRemoved.has(key))];
  const allRemoved = [...(pending?.removed ?? []).filter((key) => !added.includes(key)), ...removed.filter((key) => !wasAdded.has(key))];
  const moved = [...new Set([...(pending?.moved ?? []), ...movedNow])].filter((key) => newKeys.has(key) && !allAdded.includes(key));
  const result: DayChange = {
    added: [...new Set(allAdded)],
    removed: [...new Set(allRemoved)],
    moved,
    names,
    removedTrips: [...new Set([...(pending?.removedTrips ?? []), ...trips])],
  };
  return result;
}

/** True when a merged change has nothing left to tell (e.g. a stop added, then taken away again). */
export function isEmptyChange(change: DayChange): boolean {
  return !change.added.length && !change.removed.length && !change.moved.length && !change.removedTrips.length;
}
