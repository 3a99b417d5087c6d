"""Turn solver routes (node sequences and times) into a :class:`~.model.Plan`.

Kept apart from the OR-Tools code so the derived figures (arrival, load,
distance, cost) are computed from the problem data, not from the solver's
scaled integers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .model import (
    TEMPERATURE_CLASSES,
    Job,
    JobKind,
    Load,
    Plan,
    PlannedBreak,
    Route,
    Stop,
    StopAction,
    UnassignedJob,
    Vehicle,
    Visit,
)
from .params import SolveParams
from .travel import TravelMatrix


@dataclass(frozen=True)
class RawStop:
    node: int
    job: Job
    action: StopAction
    visit: Visit
    service_s: int
    service_start: int


@dataclass(frozen=True)
class RawRoute:
    vehicle: Vehicle
    trip: int
    start: int
    end: int
    stops: Sequence[RawStop]
    breaks: Sequence[tuple[int, int]]


def _add(loads: dict[str, list[float]], job: Job, sign: int) -> None:
    for cls, load in job.demand.items():
        loads[cls][0] += sign * load.kg
        loads[cls][1] += sign * load.pallets


def _snapshot(loads: dict[str, list[float]]) -> dict[str, Load]:
    return {
        cls: Load(max(0.0, round(kg, 6)), max(0.0, round(pallets, 6)))
        for cls, (kg, pallets) in loads.items()
        if kg > 1e-9 or pallets > 1e-9
    }


def build_route(raw: RawRoute, loc: Sequence[int], matrix: TravelMatrix) -> Route:
    """Compute arrivals, loads, distance and cost of one trip.

    Parameters
    ----------
    loc : sequence of int
        Matrix row of each solver node (node 0 = terminal = row 0).
    """
    # Keyed like Job.demand (str): [kg, pallets] on board.
    loads: dict[str, list[float]] = {cls: [0.0, 0.0] for cls in TEMPERATURE_CLASSES}
    for s in raw.stops:
        if s.job.kind is JobKind.DELIVERY:
            _add(loads, s.job, +1)
    stops, distance = [], 0.0
    here, departure = 0, raw.start
    for s in raw.stops:
        row = loc[s.node]
        distance += matrix.distances_m[here][row]
        arrival = departure + math.ceil(matrix.durations_s[here][row] - 1e-9)
        arrival += sum(d for b, d in raw.breaks if departure <= b < s.service_start)
        arrival = min(arrival, s.service_start)
        _add(loads, s.job, -1 if s.action is StopAction.DELIVERY else +1)
        departure = s.service_start + s.service_s
        stops.append(
            Stop(
                s.job.id,
                s.job.kind,
                s.action,
                s.visit.location,
                arrival,
                s.service_start,
                departure,
                _snapshot(loads),
            )
        )
        here = row
    distance += matrix.distances_m[here][0]
    duration = raw.end - raw.start
    v = raw.vehicle
    cost = v.cost_per_km * distance / 1000.0 + v.cost_per_hour * duration / 3600.0
    return Route(
        vehicle_id=v.id,
        trip=raw.trip,
        start=raw.start,
        end=raw.end,
        stops=tuple(stops),
        breaks=tuple(PlannedBreak(b, d) for b, d in sorted(raw.breaks)),
        distance_m=distance,
        duration_s=duration,
        cost=cost,
    )


def build_plan(
    raw_routes: Sequence[RawRoute],
    loc: Sequence[int],
    matrix: TravelMatrix,
    unassigned: Sequence[UnassignedJob],
    objective: int,
    status: str,
    wall_time_s: float,
    params: SolveParams,
    warm_started: bool,
    first_solution_source: str = "ortools",
) -> Plan:
    routes = tuple(build_route(raw, loc, matrix) for raw in raw_routes)
    return Plan(
        routes=routes,
        unassigned=tuple(unassigned),
        objective=objective,
        total_distance_m=sum(r.distance_m for r in routes),
        total_cost=sum(r.cost for r in routes),
        status=status,
        wall_time_s=wall_time_s,
        params=params,
        warm_started=warm_started,
        first_solution_source=first_solution_source,
    )
