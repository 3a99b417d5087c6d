"""Why a job cannot be planned, decided without the solver.

The solver only says "dropped"; these checks give the planner a reason to act
on (buy a freezer box, move a time window, add a vehicle). The checks are
necessary conditions per job in isolation, so a job that passes them and is
still dropped competes with other jobs for capacity or time.

:func:`explain` gives the numbers behind a reason (the load against the largest
compartment, the earliest arrival against the window, ...) so the planner reads
what to change, not only that something is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import (
    TEMPERATURE_CLASSES,
    BreakRule,
    Job,
    Plan,
    Problem,
    UnassignedReason,
    Vehicle,
    Visit,
    earliest_start,
)


def has_compartments(vehicle: Vehicle, job: Job) -> bool:
    """True if the vehicle has a non-empty compartment for every class the job needs."""
    return all(
        load.is_empty() or not vehicle.capacity(cls).is_empty() for cls, load in job.demand.items()
    )


def fits(vehicle: Vehicle, job: Job) -> bool:
    """True if the job alone fits in the vehicle's compartments."""
    return all(load.fits_in(vehicle.capacity(cls)) for cls, load in job.demand.items())


def reachable(
    vehicle: Vehicle,
    job: Job,
    durations_s: Sequence[Sequence[float]],
    node_of_visit: Sequence[int],
) -> bool:
    """True if the vehicle can serve the job alone within windows and shift.

    Parameters
    ----------
    durations_s : matrix of float
        Travel times in seconds; row/column 0 is the terminal.
    node_of_visit : sequence of int
        Matrix index of each of ``job.visits()``, in order.
    """
    t = float(vehicle.shift_start)
    here = 0
    for (_, visit), node in zip(job.visits(), node_of_visit, strict=True):
        start = earliest_start(t + durations_s[here][node], visit.time_windows)
        if start is None:
            return False
        t = start + visit.service_s(job.pallets)
        here = node
    return t + durations_s[here][0] <= vehicle.shift_end


def drivable(
    vehicle: Vehicle,
    rule: BreakRule,
    job: Job,
    durations_s: Sequence[Sequence[float]],
    node_of_visit: Sequence[int],
) -> bool:
    """True if terminal -> job visits -> terminal fits the vehicle's driving limit per trip.

    Travel times are rounded up per arc, as in the solver. Vehicles without
    the break rule have no driving limit.
    """
    if not vehicle.break_rule:
        return True
    path = [0, *node_of_visit, 0]
    driving = sum(math.ceil(durations_s[a][b] - 1e-9) for a, b in zip(path, path[1:], strict=False))
    return driving <= rule.max_driving_s


def compartments_key(vehicle: Vehicle) -> tuple:
    """What `has_compartments` and `fits` look at: the vehicle's compartments."""
    return tuple(sorted(vehicle.capacities.items()))


def distinct_vehicles(vehicles: Sequence[Vehicle]) -> list[Vehicle]:
    """One vehicle of each kind the checks below tell apart (compartments, shift, break rule):
    a fleet of 38 is 3 kinds, so a 900-stop day's diagnosis walks 3 vehicles per job, not 38."""
    kinds: dict[tuple, Vehicle] = {}
    for v in vehicles:
        kinds.setdefault((compartments_key(v), v.shift_start, v.shift_end, v.break_rule), v)
    return list(kinds.values())


def diagnose(
    problem: Problem,
    job: Job,
    durations_s: Sequence[Sequence[float]],
    node_of_visit: Sequence[int],
) -> UnassignedReason | None:
    """Return a reason the job can never be served, or None if it could be.

    The checks run from the most to the least structural, so the reason is
    the first obstacle a planner would have to remove.
    """
    vehicles = [v for v in distinct_vehicles(problem.vehicles) if has_compartments(v, job)]
    if not vehicles:
        return UnassignedReason.NO_VEHICLE_COMPARTMENT
    vehicles = [v for v in vehicles if fits(v, job)]
    if not vehicles:
        return UnassignedReason.TOO_HEAVY_FOR_ANY_VEHICLE
    vehicles = [v for v in vehicles if reachable(v, job, durations_s, node_of_visit)]
    if not vehicles:
        return UnassignedReason.TIME_WINDOW_UNREACHABLE
    rule = problem.break_rule
    if not any(drivable(v, rule, job, durations_s, node_of_visit) for v in vehicles):
        return UnassignedReason.DRIVING_TIME_LIMIT
    return None


# --------------------------------------------------------------------------- the numbers


@dataclass(frozen=True)
class ReasonDetail:
    """Which obstacle stopped a job and its numbers, for the planner to read.

    ``variant`` names the obstacle (``too_heavy``, ``window``, ...); ``values`` are
    plain numbers and words: kilograms and pallet places, clock times as "HH:MM"
    (seconds since midnight of the planning day), minutes and hours, temperature
    classes by name.
    """

    variant: str
    values: dict[str, float | int | str | list[str]] = field(default_factory=dict)


def clock(seconds: float, *, up: bool = False) -> str:
    """Seconds since midnight as "HH:MM" (after midnight as 24:10 and on).

    ``up`` rounds up to the minute: an arrival half a minute after a window closes must not
    read as the minute it closes.
    """
    minutes = math.ceil(seconds / 60 - 1e-9) if up else int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _windows_text(visit: Visit) -> str:
    return ", ".join(f"{clock(w.start)}–{clock(w.end)}" for w in visit.time_windows)


def _classes(job: Job) -> list[str]:
    """The job's temperature classes with goods, in the usual order (frozen first)."""
    return [cls for cls in TEMPERATURE_CLASSES if cls in job.demand and not job.demand[cls].is_empty()]


def _compartment_detail(problem: Problem, job: Job) -> ReasonDetail:
    needed = _classes(job)
    missing = [cls for cls in needed if all(v.capacity(cls).is_empty() for v in problem.vehicles)]
    if missing:
        cls = missing[0]
        load = job.demand[cls]
        return ReasonDetail("compartment", {"temperature": cls, "kg": load.kg, "pallets": load.pallets})
    # Every class exists on some vehicle, but no vehicle has all of them.
    return ReasonDetail("compartments_together", {"temperatures": needed})


def _too_heavy_detail(vehicles: Sequence[Vehicle], job: Job) -> ReasonDetail:
    for cls in _classes(job):
        load = job.demand[cls]
        largest_kg = max(v.capacity(cls).kg for v in vehicles)
        if load.kg > largest_kg:
            return ReasonDetail("too_heavy", {"temperature": cls, "amount": load.kg, "capacity": largest_kg})
        largest_pallets = max(v.capacity(cls).pallets for v in vehicles)
        if load.pallets > largest_pallets:
            return ReasonDetail(
                "too_bulky", {"temperature": cls, "amount": load.pallets, "capacity": largest_pallets}
            )
    # Each class fits some vehicle's compartment, but no vehicle takes all of it at once.
    kg = sum(load.kg for load in job.demand.values())
    return ReasonDetail("too_heavy_together", {"kg": kg, "pallets": job.pallets})


def _window_detail(
    vehicles: Sequence[Vehicle], job: Job, durations_s: Sequence[Sequence[float]], node_of_visit: Sequence[int]
) -> ReasonDetail | None:
    """Replays :func:`reachable` per vehicle and reports the obstacle closest to being met."""
    late: list[tuple[float, Vehicle, Visit, float]] = []  # (arrival, vehicle, visit, drive)
    back: list[tuple[float, Vehicle]] = []  # (return to the terminal, vehicle)
    for vehicle in vehicles:
        t = float(vehicle.shift_start)
        here = 0
        failed = False
        for (_, visit), node in zip(job.visits(), node_of_visit, strict=True):
            arrival = t + durations_s[here][node]
            start = earliest_start(arrival, visit.time_windows)
            if start is None:
                late.append((arrival, vehicle, visit, durations_s[here][node]))
                failed = True
                break
            t = start + visit.service_s(job.pallets)
            here = node
        if not failed:
            back.append((t + durations_s[here][0], vehicle))
    if back:
        returned, vehicle = min(back, key=lambda item: item[0] - item[1].shift_end)
        if returned > vehicle.shift_end:
            return ReasonDetail("shift_end", {"back": clock(returned, up=True), "shift_end": clock(vehicle.shift_end)})
        return None
    if late:
        arrival, vehicle, visit, drive = min(late, key=lambda item: item[0])
        return ReasonDetail(
            "window",
            {
                "window": _windows_text(visit),
                "arrival": clock(arrival, up=True),
                "shift_start": clock(vehicle.shift_start),
                "drive_min": math.ceil(drive / 60),
            },
        )
    return None


def explain(
    problem: Problem,
    job: Job,
    reason: UnassignedReason,
    durations_s: Sequence[Sequence[float]],
    node_of_visit: Sequence[int],
) -> ReasonDetail | None:
    """The numbers behind `reason` for `job`, or None when they cannot be told apart.

    Follows :func:`diagnose`'s order of checks, so the numbers are about the same
    obstacle. ``NO_CAPACITY_OR_TIME_LEFT`` depends on the whole plan: see
    :func:`explain_left_out`.
    """
    vehicles = [v for v in problem.vehicles if has_compartments(v, job)]
    if reason is UnassignedReason.NO_VEHICLE_COMPARTMENT:
        return _compartment_detail(problem, job) if problem.vehicles else None
    if not vehicles:
        return None
    if reason is UnassignedReason.TOO_HEAVY_FOR_ANY_VEHICLE:
        return _too_heavy_detail(vehicles, job)
    vehicles = [v for v in vehicles if fits(v, job)]
    if reason is UnassignedReason.TIME_WINDOW_UNREACHABLE and vehicles:
        return _window_detail(vehicles, job, durations_s, node_of_visit)
    if reason is UnassignedReason.DRIVING_TIME_LIMIT:
        path = [0, *node_of_visit, 0]
        driving = sum(math.ceil(durations_s[a][b] - 1e-9) for a, b in zip(path, path[1:], strict=False))
        return ReasonDetail(
            "driving",
            {"hours": round(driving / 3600, 1), "max_hours": round(problem.break_rule.max_driving_s / 3600, 1)},
        )
    return None


def explain_left_out(problem: Problem, plan: Plan) -> ReasonDetail:
    """Why jobs that could each be served were left out: the day's goods against the fleet's
    room on all its trips, else the fleet's time (how many stops the routes hold)."""
    planned_stops = sum(len(route.stops) for route in plan.routes)
    for unit in ("kg", "pallets"):
        goods = sum(getattr(load, unit) for job in problem.jobs for load in job.demand.values())
        room = sum(
            getattr(capacity, unit) * vehicle.max_trips
            for vehicle in problem.vehicles
            for capacity in vehicle.capacities.values()
        )
        if goods > room:
            variant = "capacity_day" if unit == "kg" else "capacity_day_pallets"
            return ReasonDetail(variant, {"amount": goods, "capacity": room})
    return ReasonDetail("time_day", {"stops": planned_stops, "routes": len(plan.routes)})
