"""Fleet advice: the fewest vehicles (and their trips) that serve every stop of a day in its window.

Pure, like the rest of the package: a :class:`~.model.Problem` (the day as the planner sees it,
with the learned service and travel times already in its jobs and travel model) and the kinds of
vehicle that could be added in, a :class:`FleetAdvice` out.

How the number is found
-----------------------
The fleet of size *n* is the first *n* vehicles of ``problem.vehicles`` (the order the caller
gives, e.g. the vehicles in service first) and, beyond them, vehicles added one at a time: for
each added vehicle every :class:`VehicleType` is tried and the one that leaves the fewest stops
unserved (then the cheapest) is kept. The search starts at a capacity lower bound (the day's
goods per compartment against the fleet's room on all its trips) and solves with one more
vehicle each time until every stop that some vehicle could serve is in a route. Each solve is
the real planner (:func:`~.solver.solve`) with a small budget bounded by iterations and
solutions, not seconds (:data:`ADVICE_PARAMS`), so the advice is the same on any machine.

What is reported
----------------
For *N* (the fewest that serve every stop), *N - 1* and *N + 1*: the stops left unserved, the
kilometres, the cost and the trips. The *binding stops* are those left unserved with *N - 1*
vehicles, with their windows: the stops whose windows (or goods) force the *N*-th vehicle.
Stops that no vehicle of the fleet or of the types could serve at all (no compartment, too
heavy, a window nobody reaches) are listed apart (:attr:`FleetAdvice.unservable`); more vehicles
do not help them and they do not count against a fleet.

The heuristic search is not exact: a fleet reported as too small might serve every stop with a
longer search. The search is the planner's own, with a budget that is a fraction of a planning
run's, so the advice errs on the side of one vehicle more, never fewer than the planner needs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Job, Plan, Problem, TimeWindow, Vehicle
from .params import SolveCallbacks, SolveParams
from .reasons import diagnose
from .solver import solve
from .travel import GeodesicTravelModel, MatrixTravelModel, TravelMatrixProvider

#: The budget of one solve of the advice: PyVRP stops after 400 iterations, OR-Tools after 60
#: solutions; the time limit is only a safety net (a loaded machine must not change the answer).
#: A fleet too small to serve every stop goes on with PyVRP's prize-collecting search
#: (``warm_start_fallback="optional"``). With OR-Tools alone from its own first solution, such a
#: run ran to the time limit (97-120 s on the city's 400-stop days against 37-44 s now), so
#: the stops it left out depended on the machine's speed; on the city's busiest Monday it left 23
#: out with 15 vehicles where the prize-collecting search leaves 27 (bench/RESULTS.md, "The fleet
#: need at city size").
ADVICE_PARAMS = SolveParams(
    time_limit_s=120.0, seed=0, warm_start_iterations=400, solution_limit=60, warm_start_fallback="optional"
)
#: Vehicles added beyond ``problem.vehicles`` before the advice gives up.
MAX_ADDED = 4


def make_up(vehicle: Vehicle) -> tuple:
    """What makes two vehicles the same kind to add: shift, room, costs and trips."""
    capacities = tuple(sorted((cls, c.kg, c.pallets) for cls, c in vehicle.capacities.items()))
    return (vehicle.shift_start, vehicle.shift_end, capacities, vehicle.cost_per_km, vehicle.cost_per_hour,
            vehicle.max_trips, vehicle.reload_s)  # fmt: skip


@dataclass(frozen=True)
class VehicleType:
    """A kind of vehicle that could be added: ``template``'s shift, compartments, costs and trips.

    ``id`` names the type in the advice (vehicles added are ``"<id>+<k>"``); ``label`` is what
    the caller shows (e.g. the name of the vehicle it was modelled on).
    """

    id: str
    label: str
    template: Vehicle


@dataclass(frozen=True)
class AdviceStop:
    """A stop of the day with its windows (seconds since midnight)."""

    job_id: str
    windows: tuple[TimeWindow, ...]


@dataclass(frozen=True)
class FleetOption:
    """The day planned with ``size`` vehicles.

    ``vehicle_ids`` are the fleet's vehicles in order; ``added`` the type ids of those beyond
    ``problem.vehicles``. ``unassigned`` are the stops left out that some vehicle could serve
    (the unservable ones are not counted). ``trips`` is the number of trips driven,
    ``vehicles_used`` how many vehicles drive at least one. Distance in metres, cost in the
    currency of the vehicles' rates.
    """

    size: int
    vehicle_ids: tuple[str, ...]
    added: tuple[str, ...]
    unassigned: tuple[AdviceStop, ...]
    distance_m: float
    cost: float
    trips: int
    vehicles_used: int

    @property
    def serves_all(self) -> bool:
        return not self.unassigned


@dataclass(frozen=True)
class FleetAdvice:
    """The fewest vehicles that serve every stop, and what one fewer or one more would do.

    ``needed`` is None when even ``len(problem.vehicles) + max_added`` vehicles leave stops
    unserved (``largest`` is then that fleet). ``fewer``/``enough``/``more`` are the options with
    ``needed - 1``, ``needed`` and ``needed + 1`` vehicles (``fewer`` is None when one vehicle is
    enough, ``more`` when no type can be added). ``binding`` are the stops ``fewer`` leaves out.
    ``options`` holds every fleet solved, by size (the vehicles at hand, ``current``, among
    them). ``solves`` counts the planner runs; ``limit`` is the largest fleet the search would
    try.
    """

    current: int
    needed: int | None
    lower_bound: int
    fewer: FleetOption | None
    enough: FleetOption | None
    more: FleetOption | None
    binding: tuple[AdviceStop, ...]
    unservable: tuple[AdviceStop, ...]
    options: tuple[FleetOption, ...]
    types: tuple[VehicleType, ...]
    solves: int
    limit: int

    def option(self, size: int) -> FleetOption | None:
        return next((o for o in self.options if o.size == size), None)

    @property
    def largest(self) -> FleetOption | None:
        return max(self.options, key=lambda o: o.size, default=None)

    def vehicle_type(self, type_id: str) -> VehicleType | None:
        return next((t for t in self.types if t.id == type_id), None)


class AdviceCallbacks:
    """Progress of the advice; subclass and override what you need."""

    def on_solve(self, size: int, solves: int) -> None:
        """A fleet of `size` vehicles is about to be planned; `solves` planner runs are done."""

    def should_stop(self) -> bool:
        """Return True to stop after the current planner run (the advice then has what was found)."""
        return False


def _stop(job: Job) -> AdviceStop:
    visits = job.visits()
    # A delivery's window is its recipient's; a pickup's the producer's.
    return AdviceStop(job.id, visits[-1][1].time_windows if visits else ())


def added_vehicle(vehicle_type: VehicleType, number: int) -> Vehicle:
    """The `number`-th (1-based) vehicle of `vehicle_type` added to a fleet."""
    return dataclasses.replace(vehicle_type.template, id=f"{vehicle_type.id}+{number}")


def capacity_lower_bound(jobs: Sequence[Job], fleet: Sequence[Vehicle], extra: Sequence[Vehicle]) -> int:
    """Fewest vehicles whose room on all their trips holds the goods of `jobs`, per compartment.

    The fleet is `fleet` in order, then as many as needed of the roomiest of `extra` in each
    compartment (an optimistic mix, so the bound stays a bound). 0 when there is nothing to carry.
    """
    demand: dict[tuple[str, str], float] = {}
    for job in jobs:
        for cls, load in job.demand.items():
            for unit in ("kg", "pallets"):
                demand[(cls, unit)] = demand.get((cls, unit), 0.0) + getattr(load, unit)

    def room(vehicle: Vehicle, cls: str, unit: str) -> float:
        return float(getattr(vehicle.capacity(cls), unit)) * vehicle.max_trips

    need = 0
    for (cls, unit), amount in demand.items():
        if amount <= 1e-9:
            continue
        held, count = 0.0, 0
        for vehicle in fleet:
            if held >= amount - 1e-9:
                break
            held += room(vehicle, cls, unit)
            count += 1
        best = max((room(v, cls, unit) for v in extra), default=0.0)
        if held < amount - 1e-9:
            if best <= 0:
                continue  # no vehicle carries it: the jobs are unservable, not a fleet question
            count += math.ceil((amount - held) / best - 1e-9)
        need = max(need, count)
    return need


class _Search:
    """Solves fleets of growing size; remembers every option (keyed by the vehicles added)."""

    def __init__(
        self,
        problem: Problem,
        types: Sequence[VehicleType],
        params: SolveParams,
        travel: TravelMatrixProvider,
        callbacks: AdviceCallbacks,
        unservable: set[str],
    ):
        self.problem, self.types, self.params = problem, tuple(types), params
        self.travel, self.callbacks, self.unservable = travel, callbacks, unservable
        self.jobs = {job.id: job for job in problem.jobs}
        self.added: list[str] = []  # type ids of the vehicles added so far, in order
        self.by_size: dict[int, FleetOption] = {}
        self.solves = 0

    @property
    def base(self) -> int:
        return len(self.problem.vehicles)

    def _fleet(self, size: int, added: Sequence[str]) -> tuple[Vehicle, ...]:
        if size <= self.base:
            return self.problem.vehicles[:size]
        vehicles = list(self.problem.vehicles)
        counts: dict[str, int] = {}
        for type_id in added:
            counts[type_id] = counts.get(type_id, 0) + 1
            vehicle_type = next(t for t in self.types if t.id == type_id)
            vehicles.append(added_vehicle(vehicle_type, counts[type_id]))
        return tuple(vehicles)

    def _run(self, size: int, added: tuple[str, ...]) -> FleetOption:
        self.callbacks.on_solve(size, self.solves)
        fleet = self._fleet(size, added)
        self.solves += 1
        if fleet:
            plan = solve(dataclasses.replace(self.problem, vehicles=fleet), self.params, travel=self.travel,
                         callbacks=_Stopper(self.callbacks))
        else:
            plan = Plan((), (), 0, 0.0, 0.0, "NO_VEHICLES", 0.0, None)
        left = tuple(_stop(self.jobs[u.job_id]) for u in plan.unassigned if u.job_id not in self.unservable)
        if not fleet:
            left = tuple(_stop(job) for job in self.problem.jobs if job.id not in self.unservable)
        return FleetOption(
            size=size,
            vehicle_ids=tuple(v.id for v in fleet),
            added=added,
            unassigned=left,
            distance_m=plan.total_distance_m,
            cost=plan.total_cost,
            trips=len(plan.routes),
            vehicles_used=len({r.vehicle_id for r in plan.routes}),
        )

    def option(self, size: int, greedy: bool = True) -> FleetOption | None:
        """The fleet of `size` solved (once); None if it would need a type and there is none.

        Beyond the vehicles at hand each added vehicle is the best of the types (`greedy`), or
        one more of the type added last (the first type if none was) to save the solves.
        """
        if size in self.by_size:
            return self.by_size[size]
        if size <= self.base:
            found = self._run(size, ())
        else:
            if not self.types:
                return None
            if size - 1 > self.base and size - 1 not in self.by_size:
                self.option(size - 1, greedy)
            prefix = tuple(self.added[: size - self.base - 1])
            candidates = self.types if greedy else [self._type(prefix[-1] if prefix else self.types[0].id)]
            tried = [self._run(size, (*prefix, t.id)) for t in candidates]
            # Fewest stops left out, then cheapest; ties go to the first type given.
            found = min(tried, key=lambda o: (len(o.unassigned), o.cost))
            self.added = list(found.added)
        self.by_size[size] = found
        return found

    def _type(self, type_id: str) -> VehicleType:
        return next(t for t in self.types if t.id == type_id)


class _Stopper(SolveCallbacks):
    def __init__(self, callbacks: AdviceCallbacks):
        self.callbacks = callbacks

    def should_stop(self) -> bool:
        return self.callbacks.should_stop()


def _cached(problem: Problem, travel: TravelMatrixProvider) -> MatrixTravelModel:
    """One matrix for every solve (an OSRM table is asked once, not once per fleet)."""
    locations = tuple([problem.terminal] + [visit.location for job in problem.jobs for _, visit in job.visits()])
    return MatrixTravelModel(locations, travel.matrix(locations))


def _unservable(problem: Problem, types: Sequence[VehicleType], travel: MatrixTravelModel) -> list[Job]:
    """Jobs that no vehicle of the fleet nor of the types could serve, alone (planning/reasons.py)."""
    everyone = (*problem.vehicles, *(added_vehicle(t, 1) for t in types))
    whole = dataclasses.replace(problem, vehicles=everyone)
    durations = travel.travel.durations_s
    out, node = [], 1
    for job in problem.jobs:
        nodes = list(range(node, node + len(job.visits())))
        node += len(nodes)
        if diagnose(whole, job, durations, nodes) is not None:
            out.append(job)
    return out


def advise(
    problem: Problem,
    types: Sequence[VehicleType] = (),
    *,
    params: SolveParams = ADVICE_PARAMS,
    travel: TravelMatrixProvider | None = None,
    max_added: int = MAX_ADDED,
    callbacks: AdviceCallbacks | None = None,
) -> FleetAdvice:
    """The fewest vehicles that serve every stop of `problem`, with one fewer and one more.

    Parameters
    ----------
    problem : Problem
        The day; ``problem.vehicles`` are the vehicles at hand, in the order they are taken
        (a fleet of *n* <= their number is the first *n*).
    types : sequence of VehicleType
        What may be added beyond them (at most `max_added` vehicles); none: only the vehicles
        at hand are counted.
    params : SolveParams
        The budget of each planner run (:data:`ADVICE_PARAMS`: iteration-bound, deterministic).
    travel : TravelMatrixProvider
        As for :func:`~.solver.solve` (default geodesic); its matrix is built once.
    callbacks : AdviceCallbacks
        Progress (before each fleet is planned) and cancellation.
    """
    callbacks = callbacks or AdviceCallbacks()
    matrix = _cached(problem, travel or GeodesicTravelModel())
    unservable_jobs = _unservable(problem, types, matrix)
    unservable = {job.id for job in unservable_jobs}
    servable = [job for job in problem.jobs if job.id not in unservable]
    extra = [added_vehicle(t, 1) for t in types]
    bound = capacity_lower_bound(servable, problem.vehicles, extra)
    search = _Search(problem, types, params, matrix, callbacks, unservable)
    limit = search.base + (max_added if types else 0)
    needed = _search_needed(search, bound, limit, callbacks) if servable else 0
    enough = fewer = more = None
    if needed is not None:
        enough = search.option(needed) if needed > 0 else None
        if needed >= 1 and not callbacks.should_stop():
            fewer = search.option(needed - 1)
        if needed + 1 <= limit and not callbacks.should_stop():
            more = search.option(needed + 1, greedy=False)
    if search.base >= 1 and not callbacks.should_stop():
        search.option(search.base)  # what the vehicles at hand do, to compare with
    options = tuple(search.by_size[k] for k in sorted(search.by_size))
    return FleetAdvice(
        current=search.base,
        needed=needed,
        lower_bound=bound,
        fewer=fewer,
        enough=enough,
        more=more,
        binding=fewer.unassigned if fewer is not None else (),
        unservable=tuple(_stop(job) for job in unservable_jobs),
        options=options,
        types=tuple(types),
        solves=search.solves,
        limit=limit,
    )


def max_solves(current: int, types: int, max_added: int = MAX_ADDED) -> int:
    """Most planner runs :func:`advise` makes for `current` vehicles at hand and `types` kinds to
    add: halving the vehicles at hand, each added vehicle once per kind, then one fewer, one
    more and the vehicles at hand (a caller's bound on its time: runs x the time limit)."""
    halving = math.ceil(math.log2(current + 1)) + 1 if current else 0
    return halving + (max_added * types if types else 0) + 3 * max(1, types)


def _search_needed(search: _Search, bound: int, limit: int, callbacks: AdviceCallbacks) -> int | None:
    """Fewest vehicles that leave no servable stop out, or None up to `limit`.

    Fewer than `bound` cannot carry the goods. Among the vehicles at hand the search halves the
    range once all of them serve the day (a fleet of 8 is settled in 3 or 4 runs); beyond them it
    adds one vehicle at a time.
    """
    low = max(1, bound) - 1  # the largest size known (or bound) to leave stops out
    if low + 1 <= search.base:
        full = search.option(search.base)
        if full is not None and full.serves_all:
            high = search.base
            while high - low > 1 and not callbacks.should_stop():
                middle = (low + high) // 2
                option = search.option(middle)
                if option is not None and option.serves_all:
                    high = middle
                else:
                    low = middle
            return high if high - low == 1 else None
        low = search.base
    size = low + 1
    while size <= limit and not callbacks.should_stop():
        option = search.option(size)
        if option is None:
            return None
        if option.serves_all:
            return size
        size += 1
    return None


__all__ = [
    "ADVICE_PARAMS",
    "MAX_ADDED",
    "AdviceCallbacks",
    "AdviceStop",
    "FleetAdvice",
    "FleetOption",
    "VehicleType",
    "added_vehicle",
    "advise",
    "capacity_lower_bound",
    "max_solves",
]
