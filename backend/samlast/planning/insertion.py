"""Cheapest feasible insertion of one new delivery into a day's planned trips.

When an order arrives for a day that is already planned, the coordinator and the
drivers should see it in the plan at once; the full re-plan (seconds to minutes
on a 600-stop day) may improve it afterwards. This module places the new job in
the position that adds the least cost without breaking anything the plan
promises:

* trips that have left the terminal are never touched: their stops are done,
  in progress or the one a driver is heading to, and a delivery's goods are
  loaded at the terminal anyway (``now`` says which trips have left);
* other stops keep their order; every stop after the new one is re-timed and
  must still start inside one of its time windows;
* every compartment (temperature class, kg and pallet places) holds the load
  at every point of the trip; a vehicle without the class never gets the job;
* the trip still ends within the shift, before the vehicle's next trip must
  leave (its reload time kept), within ``max_route_duration`` over the day, and
  a break-rule vehicle keeps to the driving limits per trip and per day.

Pure: plain data in (routes, jobs, vehicles, a travel model) and out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from samlast.planning.model import (
    BreakRule,
    Job,
    JobKind,
    Load,
    Location,
    Route,
    Stop,
    StopAction,
    Vehicle,
    Visit,
    earliest_start,
)
from samlast.planning.travel import TravelMatrix, TravelMatrixProvider


@dataclass(frozen=True)
class Insertion:
    """Where the job went: the trip re-timed with it, and what it added."""

    vehicle_id: str
    trip: int
    position: int
    route: Route
    added_cost: float


def _visit_of(job: Job, action: StopAction) -> Visit:
    visit = job.pickup if action is StopAction.PICKUP else job.delivery
    assert visit is not None
    return visit


def _service_start(arrival: int, visit: Visit, shift_end: int) -> int | None:
    if not visit.time_windows:
        return arrival if arrival <= shift_end else None
    return earliest_start(arrival, visit.time_windows)


class _Rows:
    """Matrix rows of the terminal (row 0) and every location involved."""

    def __init__(self, terminal: Location, locations: Sequence[Location], travel: TravelMatrixProvider):
        unique = list(dict.fromkeys([terminal, *locations]))
        self.index = {loc: i for i, loc in enumerate(unique)}
        self.matrix: TravelMatrix = travel.matrix(unique)

    def leg(self, a: Location, b: Location) -> tuple[float, int]:
        i, j = self.index[a], self.index[b]
        return self.matrix.distances_m[i][j], math.ceil(self.matrix.durations_s[i][j] - 1e-9)


def _timed_trip(
    route: Route,
    sequence: Sequence[tuple[Job, StopAction]],
    vehicle: Vehicle,
    terminal: Location,
    rows: _Rows,
) -> tuple[Route, int] | None:
    """The trip with ``sequence`` as its stops, re-timed from its start; None if infeasible.

    Returns the route and its driving seconds.
    """
    loads: dict[str, list[float]] = {}
    for job, _action in sequence:
        if job.kind is JobKind.DELIVERY:
            for cls, load in job.demand.items():
                acc = loads.setdefault(cls, [0.0, 0.0])
                acc[0] += load.kg
                acc[1] += load.pallets

    def fits() -> bool:
        for cls, (kg, pallets) in loads.items():
            on_board = Load(max(0.0, kg), max(0.0, pallets))  # sums of floats: -1e-16 is nothing
            if not on_board.is_empty() and not on_board.fits_in(vehicle.capacity(cls)):
                return False
        return True

    if not fits():
        return None
    here, departure, distance, driving = terminal, route.start, 0.0, 0
    stops: list[Stop] = []
    for job, action in sequence:
        visit = _visit_of(job, action)
        metres, seconds = rows.leg(here, visit.location)
        distance += metres
        driving += seconds
        arrival = departure + seconds
        start = _service_start(arrival, visit, vehicle.shift_end)
        if start is None:
            return None
        sign = -1 if action is StopAction.DELIVERY else +1
        for cls, load in job.demand.items():
            acc = loads.setdefault(cls, [0.0, 0.0])
            acc[0] += sign * load.kg
            acc[1] += sign * load.pallets
        if not fits():
            return None
        departure = start + visit.service_s(job.pallets)
        snapshot = {
            cls: Load(max(0.0, round(kg, 6)), max(0.0, round(p, 6)))
            for cls, (kg, p) in loads.items()
            if kg > 1e-9 or p > 1e-9
        }
        stops.append(Stop(job.id, job.kind, action, visit.location, arrival, start, departure, snapshot))
        here = visit.location
    metres, seconds = rows.leg(here, terminal)
    distance += metres
    driving += seconds
    end = departure + seconds
    duration = end - route.start
    cost = vehicle.cost_per_km * distance / 1000.0 + vehicle.cost_per_hour * duration / 3600.0
    timed = replace(route, end=end, stops=tuple(stops), distance_m=distance, duration_s=duration, cost=cost)
    return timed, driving


def _driving_s(route: Route, terminal: Location, rows: _Rows) -> int:
    here, total = terminal, 0
    for stop in route.stops:
        total += rows.leg(here, stop.location)[1]
        here = stop.location
    return total + rows.leg(here, terminal)[1]


def cheapest_insertion(
    job: Job,
    routes: Sequence[Route],
    jobs: Mapping[str, Job],
    vehicles: Mapping[str, Vehicle],
    terminal: Location,
    travel: TravelMatrixProvider,
    *,
    now: int,
    break_rule: BreakRule | None = None,
) -> Insertion | None:
    """Insert a delivery job where it adds the least cost; None if no trip can take it.

    Parameters
    ----------
    job : Job
        The new (or changed, already removed from ``routes``) delivery.
    routes : sequence of Route
        The day's planned trips.
    jobs : mapping job id -> Job
        Every job on ``routes`` (for its windows, service times and loads).
    vehicles : mapping vehicle id -> Vehicle
    terminal : Location
    travel : TravelMatrixProvider
    now : int
        Seconds since midnight; a trip whose ``start`` is not after ``now`` has
        left (or is being loaded) and is not changed.
    break_rule : BreakRule, optional
        The day's driving limits for vehicles with ``break_rule=True``.

    Returns
    -------
    Insertion or None
    """
    if job.kind is not JobKind.DELIVERY:
        raise ValueError(f"job {job.id}: only deliveries are inserted at once (kind {job.kind})")
    assert job.delivery is not None
    locations = [job.delivery.location]
    for route in routes:
        locations.extend(stop.location for stop in route.stops)
    rows = _Rows(terminal, locations, travel)
    by_vehicle: dict[str, list[Route]] = {}
    for route in routes:
        by_vehicle.setdefault(route.vehicle_id, []).append(route)
    best: Insertion | None = None
    for vehicle_id, trips in by_vehicle.items():
        vehicle = vehicles[vehicle_id]
        if any(vehicle.capacity(cls).is_empty() for cls in job.demand):
            continue
        trips.sort(key=lambda r: r.start)
        day_driving = sum(_driving_s(r, terminal, rows) for r in trips) if vehicle.break_rule and break_rule else 0
        for k, route in enumerate(trips):
            if route.start <= now:
                continue
            latest_end = vehicle.shift_end
            if k + 1 < len(trips):
                # The next trip keeps its start: the terminal stop before it stays as long.
                gap = vehicle.reload_s
                if vehicle.break_rule and break_rule:
                    gap = max(gap, break_rule.break_s)
                latest_end = min(latest_end, trips[k + 1].start - gap)
            if vehicle.max_route_duration is not None:
                last_end = trips[-1].end if k + 1 < len(trips) else None
                first_start = trips[0].start
                if last_end is not None and last_end - first_start > vehicle.max_route_duration:
                    continue
                latest_end = min(latest_end, first_start + vehicle.max_route_duration)
            current = [(jobs[s.job_id], s.action) for s in route.stops]
            old_driving = _driving_s(route, terminal, rows) if vehicle.break_rule and break_rule else 0
            for position in range(len(current) + 1):
                sequence = [*current[:position], (job, StopAction.DELIVERY), *current[position:]]
                timed = _timed_trip(route, sequence, vehicle, terminal, rows)
                if timed is None:
                    continue
                candidate, driving = timed
                if candidate.end > latest_end:
                    continue
                if vehicle.break_rule and break_rule:
                    if driving > break_rule.max_driving_s:
                        continue
                    if day_driving - old_driving + driving > break_rule.max_daily_driving_s:
                        continue
                added = candidate.cost - route.cost
                if best is None or added < best.added_cost - 1e-9:
                    best = Insertion(vehicle_id, route.trip, position, candidate, added)
    return best
