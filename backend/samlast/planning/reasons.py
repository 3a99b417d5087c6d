"""Why a job cannot be planned, decided without the solver.

The solver only says "dropped"; these checks give the planner a reason to act
on (buy a freezer box, move a time window, add a vehicle). The checks are
necessary conditions per job in isolation, so a job that passes them and is
still dropped competes with other jobs for capacity or time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .model import BreakRule, Job, Problem, UnassignedReason, Vehicle, Visit


def has_compartments(vehicle: Vehicle, job: Job) -> bool:
    """True if the vehicle has a non-empty compartment for every class the job needs."""
    return all(
        load.is_empty() or not vehicle.capacity(cls).is_empty() for cls, load in job.demand.items()
    )


def fits(vehicle: Vehicle, job: Job) -> bool:
    """True if the job alone fits in the vehicle's compartments."""
    return all(load.fits_in(vehicle.capacity(cls)) for cls, load in job.demand.items())


def _earliest_start(visit: Visit, arrival: float) -> float | None:
    """Earliest service start at or after ``arrival`` inside a window, or None."""
    if not visit.time_windows:
        return arrival
    starts = [max(arrival, w.start) for w in visit.time_windows if max(arrival, w.start) <= w.end]
    return min(starts) if starts else None


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
        start = _earliest_start(visit, t + durations_s[here][node])
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
    vehicles = [v for v in problem.vehicles if has_compartments(v, job)]
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
