"""PyVRP warm start for the OR-Tools model. The only module that imports pyvrp.

PyVRP's iterated local search finds much better VRPTW routes than OR-Tools'
first-solution heuristics plus guided local search in the same time (see
``bench/RESULTS.md``). It is used here as a *helper*: its routes become the
initial assignment of the OR-Tools model, which checks every constraint of
the product (compartments, shifts, driving limits, multiple trips, windows), repairs
what PyVRP did not model and keeps improving. PyVRP never decides alone.

What is mapped
--------------
* Each solver node (one per job visit) becomes a PyVRP client on the same
  integer distance/duration matrices as the OR-Tools model.
* Capacity: one PyVRP load dimension per (temperature class, kg|pallets)
  with positive demand; a vehicle without a compartment has capacity 0 in
  that dimension. Deliveries load at the terminal, pickups unload there.
* Time windows: PyVRP has one window per client, so a job with several
  windows gets its widest one (a restriction: PyVRP routes stay feasible).
* Shifts: vehicle ``tw_early``/``tw_late``; ``max_route_duration`` is the
  shift duration.
* Multiple trips: ``max_reloads = max_trips - 1`` at a reload depot at the
  terminal whose service duration is ``reload_s``; PyVRP trip *k* becomes
  OR-Tools trip *k* of the same vehicle.
* Driver breaks are taken at the terminal between trips (see
  :class:`~.model.BreakRule`): the caller passes vehicles whose ``reload_s``
  is already the trip gap ``max(reload_s, break_s)``, so nothing else is
  needed. The per-trip driving limit (4.5 h) is not mapped; OR-Tools
  checks it and the caller repairs the rare vehicle that exceeds it.
* Costs: the OR-Tools arc and span costs, in the same integer units; a job
  is optional with a prize worth ten dedicated routes (at most
  ``drop_penalty``).

Not mapped: pickup-and-delivery jobs (the caller skips the warm start).
Whatever PyVRP gets wrong for the product model, OR-Tools rejects; the
caller repairs (cuts trip ends) or starts cold.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import pyvrp
from pyvrp import IteratedLocalSearchParams
from pyvrp.search import NeighbourhoodParams, PerturbationParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from .model import Job, JobKind, StopAction, Vehicle, Visit
from .params import LARGE_DAY_JOBS

#: PyVRP's "unconstrained" value; kept well below int64 so sums cannot overflow.
_BIG = 2**40
#: Share of the budget the all-jobs-required search gets to find a feasible plan before the
#: jobs become optional (prize-collecting).
REQUIRED_FIRST_SHARE = 0.25

#: Up to this many clients, PyVRP's search ends once it has gone ``SETTLE_ITERATIONS`` iterations
#: without a better feasible plan, and OR-Tools then only checks its routes and descends to the
#: nearest local optimum (``WarmStartResult.settled``) instead of searching the rest of the limit.
#: A small day (a school's kitchen and a care home) used to take the whole limit, 10 s in the
#: product; now 2-15 stops take 0.04-0.68 s at the same cost. Measured in bench/RESULTS.md, "Small
#: days stop when settled" (the impact analysis is not faster: its time is in larger runs).
SETTLE_UP_TO = 20
SETTLE_ITERATIONS = 500

#: From this many clients on, PyVRP starts from a time-aware nearest-neighbour plan
#: (:func:`_nearest_start`) instead of its random one, and goes on from its first feasible plan
#: with a smaller neighbourhood (20 nearest instead of 50) and lighter perturbations (at most 10
#: instead of 25): each iteration is cheaper, and at city size a minute is too short for the
#: defaults. Measured on the 962-stop city day (bench/RESULTS.md, "City-size day"):
#: * PyVRP's random start needed 445 iterations (about 37 s on this machine) to a first feasible
#:   plan, more than the quarter of the budget it gets before the planner gives up on PyVRP
#:   (and OR-Tools alone then left 731 stops unplanned); from the nearest-neighbour plan
#:   (0.5 s) it needs 114 iterations (5 s);
#: * 30 s from the same feasible plan: 2 173 km with the defaults, 2 079 km with these.
#: The first feasible plan is still searched with the defaults: from the random start the small
#: neighbourhood did not reach one in 2 000 iterations. Below the threshold nothing changes (the
#: Solomon figures, and the 623-stop day, where the random start is feasible within 3 s and the
#: defaults reached 1 451 km at 60 s against 1 512 km with this path: bench/municipal.py
#: --scale 4.35). Where between 623 and 962 stops the path starts to pay is not measured.
#: The same size as a city-size day of the planning service (``params.LARGE_DAY_JOBS``).
LARGE_SEARCH_FROM = LARGE_DAY_JOBS
#: At city size the number of iterations PyVRP needs from the nearest-neighbour plan to a
#: feasible one depends on the seed and has a long tail. On the city day, seeds 0-13 needed 49,
#: 79, 105, 115, 116, 231, 249, 360, 494, 575, 710 and 1 050 iterations, and two were not
#: feasible after 1 074 and 1 260 (3 s to over 40 s here); the planner gave up at a quarter of
#: its time, so about half of the seeds left most of the day unplanned. A long tail asks for
#: restarts: the search starts again from the same plan with the next seed every
#: ``RESTART_AFTER`` iterations (5 of the 14 seeds are feasible within 130), for at most
#: ``LARGE_FEASIBLE_SHARE`` of its time. A feasible plan with little search after it is worth
#: more than giving up on PyVRP: OR-Tools alone then leaves about 730 of the 962 stops unplanned.
RESTART_AFTER = 130
LARGE_FEASIBLE_SHARE = 0.9
#: After its first feasible plan, a large day's search also skips PyVRP's exhaustive local search
#: of every new best plan, and accepts by a late-acceptance history of ``LARGE_HISTORY`` iterations
#: instead of 300. Early in a city day's search nearly every iteration finds a new best plan, and
#: the exhaustive search of each slows the descent that a minute has room for. On the city day's
#: PyVRP model from the same feasible plan (bench/city_search.py; bench/RESULTS.md, "A faster
#: descent"), mean of solver seeds 1 and 2 after 30 s: 2 243 km with PyVRP's acceptance, 2 217 km
#: without the exhaustive search, 2 167 km with a history of 50 as well (a history of 20: 2 151
#: km). After 420 s, seed 1 only: 1 976, 2 009 and 1 955 km (a history of 20: 2 030 km, so not
#: 20). The whole planner's 60 s city day: 2 086-2 161 km over six seeds, was 2 190-2 337 km.
LARGE_HISTORY = 50
LARGE_SEARCH = pyvrp.SolveParams(
    ils=IteratedLocalSearchParams(history_length=LARGE_HISTORY, exhaustive_on_best=False),
    neighbourhood=NeighbourhoodParams(num_neighbours=20),
    perturbation=PerturbationParams(min_perturbations=1, max_perturbations=10),
)

#: What makes vehicles one PyVRP vehicle type: shift start, shift end, capacities, cost per
#: metre, cost per second, max route duration, trips, reload time.
_TypeKey = tuple[int, int, tuple[int, ...], int, int, int | None, int, int]


class _Reloads(TypedDict, total=False):
    """Reload arguments of ``pyvrp.VehicleType`` (only for vehicles with several trips)."""

    reload_depots: list[int]
    max_reloads: int


@dataclass(frozen=True)
class WarmNode:
    """One solver node (a job visit) as the warm start sees it."""

    job: Job
    action: StopAction
    visit: Visit
    service_s: int


@dataclass(frozen=True)
class WarmStartResult:
    """PyVRP's routes in solver nodes, keyed by (vehicle index, trip)."""

    routes: dict[tuple[int, int], list[int]]
    cost: int
    feasible: bool
    iterations: int
    wall_s: float
    #: The search ended because it stopped improving (``SETTLE_UP_TO``), not at its limit.
    settled: bool = False


def supports(jobs: Sequence[Job]) -> bool:
    """True if PyVRP can represent these jobs (no pickup-and-delivery pairs)."""
    return all(job.kind is not JobKind.PICKUP_DELIVERY for job in jobs)


INFEASIBLE_COST = int(np.iinfo(np.int64).max)


class _Stop:
    """Stopping criterion: iteration cap, runtime cap, caller's cancel and progress."""

    def __init__(
        self,
        max_iterations: int,
        max_runtime_s: float,
        on_feasible: Callable[[int], None],
        should_stop: Callable[[], bool],
        give_up: tuple[int, float] | None = None,
        until_feasible: bool = False,
        settle_after: int | None = None,
    ):
        self.iterations = 0
        # Stop once this many iterations in a row found no better feasible plan (see SETTLE_UP_TO).
        self._settle_after = settle_after
        self._since_better = 0
        self.settled = False
        self._cap = MultipleCriteria([MaxIterations(max_iterations), MaxRuntime(max_runtime_s)])
        # (iterations, seconds): stop at whichever comes first if nothing feasible was found.
        self._give_up = give_up
        self._until_feasible = until_feasible
        self._started = time.monotonic()
        self._best: int | None = None
        self._on_feasible, self._should_stop = on_feasible, should_stop

    def __call__(self, best_cost: int) -> bool:
        # PyVRP passes cost(best): an int for a feasible solution; while none is feasible, the
        # largest int64 (PyVRP 0.14; earlier versions +inf), as its own FirstFeasible reads it.
        feasible = best_cost < INFEASIBLE_COST
        if feasible and (self._best is None or best_cost < self._best):
            self._best = best_cost
            self._since_better = 0
            self._on_feasible(int(best_cost))
        elif self._best is not None:
            self._since_better += 1
        if self._settle_after is not None and self._since_better >= self._settle_after:
            self.settled = True
            return True
        if self._should_stop() or (self._until_feasible and self._best is not None):
            return True
        if self._give_up is not None and self._best is None:
            iterations, seconds = self._give_up
            if self.iterations >= iterations or time.monotonic() - self._started >= seconds:
                return True
        done = self._cap(best_cost)
        if not done:
            self.iterations += 1
        return done


def _nearest_start(data: pyvrp.ProblemData) -> pyvrp.Solution:
    """A first plan that keeps every window: each vehicle in turn takes the client it can
    begin serving soonest (travel and waiting) that still fits its load, its window and the way
    home, and reloads for another trip while it has trips left and something fits. Clients no
    vehicle can take are left out; PyVRP's search inserts them. (Giving every vehicle its first
    trip before any second one left 36 clients out instead of 26 on the city day, and PyVRP
    needed 892 iterations instead of 114 to a feasible plan.)"""
    dur = np.asarray(data.duration_matrix(0), dtype=np.int64)
    clients = data.clients()
    n = len(clients)
    loc = np.array([c.location for c in clients], dtype=np.int64)
    early = np.array([c.tw_early for c in clients], dtype=np.int64)
    late = np.array([c.tw_late for c in clients], dtype=np.int64)
    service = np.array([c.service_duration for c in clients], dtype=np.int64)
    delivery = np.array([list(c.delivery) for c in clients], dtype=np.int64).reshape(n, -1)
    pickup = np.array([list(c.pickup) for c in clients], dtype=np.int64).reshape(n, -1)
    left = np.ones(n, dtype=bool)

    @dataclass
    class Vehicle:
        type_index: int
        type: pyvrp.VehicleType
        now: int
        here: int
        reloads: int
        activities: list[pyvrp.Activity]

    def drive(v: Vehicle) -> None:
        """One trip from where the vehicle is: nearest in time first, while anything fits."""
        capacity = np.array(list(v.type.capacity), dtype=np.int64)
        end = data.depot(v.type.end_depot).location
        delivered, picked = np.zeros_like(capacity), np.zeros_like(capacity)
        while left.any():
            begin = np.maximum(v.now + dur[v.here, loc], early)
            back = begin + service + dur[loc, end]
            fits = left & (begin <= late) & (back <= v.type.tw_late)
            fits &= back - v.type.tw_early <= v.type.max_duration
            fits &= ((delivered + delivery) <= capacity).all(axis=1)
            fits &= ((picked + pickup) <= capacity).all(axis=1)
            if not fits.any():
                return
            j = int(np.argmin(np.where(fits, begin - v.now, np.iinfo(np.int64).max)))
            v.activities.append(pyvrp.Activity(pyvrp.ActivityType.CLIENT, j))
            left[j] = False
            v.now, v.here = int(begin[j] + service[j]), int(loc[j])
            delivered, picked = delivered + delivery[j], picked + pickup[j]

    fleet = []
    for type_index, vehicle_type in enumerate(data.vehicle_types()):
        home = data.depot(vehicle_type.start_depot).location
        reloads = vehicle_type.max_reloads if len(vehicle_type.reload_depots) else 0
        for _ in range(vehicle_type.num_available):
            v = Vehicle(type_index, vehicle_type, vehicle_type.tw_early, home, reloads, [])
            drive(v)
            fleet.append(v)
            while left.any() and v.reloads and v.activities:
                reload_depot = list(v.type.reload_depots)[0]
                depot = data.depot(reload_depot)
                before = (v.now, v.here, len(v.activities))
                v.now = int(v.now + dur[v.here, depot.location] + depot.service_duration)
                v.here = depot.location
                v.activities.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, reload_depot))
                drive(v)
                if len(v.activities) == before[2] + 1:  # nothing fits after a reload
                    v.now, v.here = before[0], before[1]
                    v.activities.pop()
                    break
                v.reloads -= 1
    routes = [pyvrp.Route(data, v.activities, v.type_index) for v in fleet if v.activities]
    return pyvrp.Solution(data, routes)


def solve_warm_start(
    nodes: Sequence[WarmNode],
    vehicles: Sequence[Vehicle],
    dist: Sequence[Sequence[int]],
    dur: Sequence[Sequence[int]],
    *,
    dimensions: Sequence[tuple[str, str]],
    quantity: Callable[[float], int],
    capacity: Callable[[float], int],
    arc_cost_per_m: Sequence[int],
    span_cost_per_s: Sequence[int],
    drop_penalty: int,
    seed: int,
    max_iterations: int,
    max_runtime_s: float,
    on_feasible: Callable[[int], None] = lambda cost: None,
    should_stop: Callable[[], bool] = lambda: False,
    optional_fallback: bool = True,
) -> WarmStartResult:
    """Solve the routing problem with PyVRP.

    Parameters
    ----------
    nodes : sequence of WarmNode
        Solver nodes 1..n (node 0 is the terminal).
    vehicles : sequence of Vehicle
        The fleet. A missing compartment is a zero capacity, so PyVRP keeps
        jobs off vehicles that cannot carry them.
    dist, dur : integer matrices over nodes 0..n
        Exactly those of the OR-Tools model (metres rounded, seconds rounded up).
    dimensions : sequence of (class, unit)
        Load dimensions, in order.
    quantity, capacity : callables
        Convert a demand or capacity to the model's integers.
    arc_cost_per_m, span_cost_per_s : per vehicle
        The OR-Tools cost coefficients.
    max_iterations, max_runtime_s :
        The search stops at whichever comes first. With the iteration cap
        binding, the result depends only on the input and ``seed``.
    optional_fallback :
        Go on with optional (prize-collecting) jobs when the all-required
        search finds nothing feasible; if False, return that result.

    Returns
    -------
    WarmStartResult
        ``routes`` keys are (index into ``vehicles``, trip).
    """
    started = time.monotonic()
    n = len(nodes)
    locations = [pyvrp.Location(0, 0)] + [pyvrp.Location(0, 0) for _ in range(n)]
    depots = [pyvrp.Depot(0)]
    reload_s = sorted({v.reload_s for v in vehicles if v.max_trips > 1})
    reload_depot = {}
    for r in reload_s:
        reload_depot[r] = len(depots)
        depots.append(pyvrp.Depot(0, service_duration=r))

    # A prize worth more than a dedicated route for the client, capped by the
    # OR-Tools drop penalty: large enough that PyVRP drops only what it must,
    # small enough not to swamp its penalty scaling.
    longest_shift = max((v.shift_end - v.shift_start for v in vehicles), default=0)
    max_arc = int(np.max(np.asarray(dist, dtype=np.int64))) if n else 0
    dedicated = 2 * max_arc * max(arc_cost_per_m, default=1) + longest_shift * max(
        span_cost_per_s, default=0
    )
    prize = int(min(drop_penalty, 10 * dedicated + 1000))

    def make_clients(required: bool) -> list:
        return [_client(node, i + 1, required) for i, node in enumerate(nodes)]

    def _client(node: WarmNode, location: int, required: bool):
        amounts = [quantity(getattr(node.job.demand.get(c), u, 0.0)) for c, u in dimensions]
        zero = [0] * len(dimensions)
        pickup = node.action is StopAction.PICKUP
        windows = node.visit.time_windows
        widest = max(windows, key=lambda w: (w.end - w.start, -w.start)) if windows else None
        late = widest.end if widest else _BIG
        soft = node.visit.soft_latest_s
        if widest and soft is not None and widest.end == max(w.end for w in windows):
            # PyVRP has no soft windows: it keeps the margin as a hard end. If not every job fits
            # that way, OR-Tools (which prices the margin) plans instead, see warm_start_fallback.
            late = max(widest.start, min(late, soft))
        return pyvrp.Client(
            location=location,
            delivery=zero if pickup else amounts,
            pickup=amounts if pickup else zero,
            service_duration=node.service_s,
            tw_early=widest.start if widest else 0,
            tw_late=late,
            prize=prize,
            required=required,
        )

    # Identical vehicles share a PyVRP vehicle type (less symmetry for the search).
    types: dict[_TypeKey, list[int]] = {}
    for i, v in enumerate(vehicles):
        caps = tuple(capacity(getattr(v.capacity(c), u)) for c, u in dimensions)
        key: _TypeKey = (
            v.shift_start,
            v.shift_end,
            caps,
            arc_cost_per_m[i],
            span_cost_per_s[i],
            v.max_route_duration,
            v.max_trips,
            v.reload_s,
        )
        types.setdefault(key, []).append(i)
    vehicle_types = []
    for key, members in types.items():
        shift_start, shift_end, caps, per_m, per_s, max_duration, trips, reload = key
        extra: _Reloads = {}
        if trips > 1:
            extra = {"reload_depots": [reload_depot[reload]], "max_reloads": trips - 1}
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=list(caps),
                start_depot=0,
                end_depot=0,
                tw_early=shift_start,
                tw_late=shift_end,
                shift_duration=max_duration if max_duration is not None else _BIG,
                unit_distance_cost=per_m,
                unit_duration_cost=per_s,
                **extra,
            )
        )

    def problem(required: bool) -> pyvrp.ProblemData:
        return pyvrp.ProblemData(
            locations=locations,
            clients=make_clients(required),
            depots=depots,
            vehicle_types=vehicle_types,
            # PyVRP's stub says np.ndarray[int], not a valid ndarray type (its first parameter
            # is the shape); the matrices are 2-D int64 arrays as PyVRP documents.
            distance_matrices=[np.asarray(dist, dtype=np.int64)],  # type: ignore[list-item]
            duration_matrices=[np.asarray(dur, dtype=np.int64)],  # type: ignore[list-item]
        )

    def run(
        data: pyvrp.ProblemData,
        stop: _Stop,
        params: pyvrp.SolveParams | None = None,
        start: pyvrp.Solution | None = None,
        attempt: int = 0,
    ):
        with warnings.catch_warnings():
            # PyVRP warns when its penalties saturate (e.g. a job that fits no
            # vehicle); OR-Tools decides feasibility, so this is not our concern.
            warnings.simplefilter("ignore", pyvrp.exceptions.PenaltyBoundWarning)
            return pyvrp.solve(
                data,
                stop=stop,
                seed=seed + attempt,
                collect_stats=False,
                display=False,
                params=params or pyvrp.SolveParams(),
                initial_solution=start,
            )

    def remaining_s() -> float:
        return max(0.05, max_runtime_s - (time.monotonic() - started))

    def first_feasible(data: pyvrp.ProblemData):
        """From the nearest-neighbour plan to a feasible one, restarting with the next seed every
        ``RESTART_AFTER`` iterations (see there); the last attempt's result if none is feasible."""
        start = _nearest_start(data)
        deadline = started + max_runtime_s * LARGE_FEASIBLE_SHARE
        iterations, attempt = 0, 0
        while True:
            stop = _Stop(
                max_iterations - iterations,
                remaining_s(),
                on_feasible,
                should_stop,
                give_up=(RESTART_AFTER, max(0.0, deadline - time.monotonic())),
                until_feasible=True,
            )
            result = run(data, stop, start=start, attempt=attempt)
            iterations += stop.iterations
            attempt += 1
            if (
                result.best.is_feasible()
                or should_stop()
                or iterations >= max_iterations
                or time.monotonic() >= deadline
            ):
                return result, iterations

    # Every job required first: PyVRP searches a fixed client set much better than a
    # prize-collecting one (Solomon RC103 at 5 s: 4.0 % -> 2.5 % above the optimum). If
    # that finds nothing feasible early (more work than the fleet can do), jobs become
    # optional with a prize for the rest of the budget, or (``optional_fallback=False``)
    # the infeasible result goes back and the caller plans without PyVRP.
    large = n >= LARGE_SEARCH_FROM
    settled = False
    required = problem(True)
    if large:
        result, iterations = first_feasible(required)
    else:
        required_stop = _Stop(
            max_iterations,
            max_runtime_s,
            on_feasible,
            should_stop,
            give_up=(max(1, int(max_iterations * REQUIRED_FIRST_SHARE)), max_runtime_s * REQUIRED_FIRST_SHARE),
            settle_after=SETTLE_ITERATIONS if n <= SETTLE_UP_TO else None,
        )
        result = run(required, required_stop)
        iterations = required_stop.iterations
        settled = required_stop.settled
    feasible = result.best.is_feasible()
    if large and feasible and iterations < max_iterations and not should_stop():
        stop = _Stop(max_iterations - iterations, remaining_s(), on_feasible, should_stop)
        result = run(required, stop, LARGE_SEARCH, result.best)
        iterations += stop.iterations
    if not feasible and large and not should_stop():
        # Whatever ``optional_fallback`` says: at this size OR-Tools without PyVRP's routes leaves
        # most of the day unplanned (731-962 of 962 stops, bench/RESULTS.md "Every seed"). The
        # nearest-neighbour plan
        # is feasible once jobs are optional; the search goes on from it and OR-Tools gets routes
        # for nearly every job, and tries to insert the rest.
        optional = problem(False)
        stop = _Stop(max(1, max_iterations - iterations), remaining_s(), on_feasible, should_stop)
        result = run(optional, stop, LARGE_SEARCH, _nearest_start(optional))
        iterations += stop.iterations
    elif not feasible and optional_fallback and not should_stop():
        optional = problem(False)
        stop = _Stop(max(1, max_iterations - iterations), remaining_s(), on_feasible, should_stop)
        result = run(optional, stop)
        iterations += stop.iterations
    best = result.best

    routes: dict[tuple[int, int], list[int]] = {}
    used = {t: 0 for t in range(len(vehicle_types))}
    type_members = list(types.values())
    for route in best.routes():
        t = route.vehicle_type()
        vehicle = type_members[t][used[t]]
        used[t] += 1
        for activity in route.schedule():
            if activity.is_client():
                routes.setdefault((vehicle, activity.trip), []).append(activity.idx + 1)
    cost = int(result.cost()) if best.is_feasible() else -1
    return WarmStartResult(
        routes=routes,
        cost=cost,
        feasible=best.is_feasible(),
        iterations=iterations,
        wall_s=time.monotonic() - started,
        settled=settled and best.is_feasible(),
    )
