"""OR-Tools routing model. The only module of the package that imports ortools.

Modelling choices
-----------------
* Node 0 is the terminal; every job visit is one node (a pickup-and-delivery
  job has two, tied by ``AddPickupAndDelivery`` + same vehicle + precedence).
* Multiple trips: each vehicle becomes ``max_trips`` consecutive *trips*
  (OR-Tools vehicles sharing one shift). Trip k+1 may only leave the
  terminal ``reload_s`` after trip k returned, if it is used at all.
* Compartments: one capacity dimension per (temperature class, kg|pallets)
  that some job needs. Pure-delivery classes accumulate the delivered amount;
  otherwise the dimension tracks the real on-board load (deliveries
  negative, pickups positive) with a free start load forced to equal the
  route's deliveries. Jobs are restricted to vehicles having the needed
  compartments.
* Breaks: optional 45-minute break intervals per trip and
  ``SetBreakDistanceDurationOfVehicle`` so that no stretch of working time
  (driving, service and waiting) exceeds ``BreakRule.max_driving_s``.
* Every visit has a disjunction with ``drop_penalty``; dropped jobs get a
  reason from :mod:`.reasons`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2

from .model import (
    Job,
    JobKind,
    Plan,
    Problem,
    StopAction,
    UnassignedJob,
    UnassignedReason,
    Vehicle,
    Visit,
)
from .params import SolveCallbacks, SolveParams
from .plan_builder import RawRoute, RawStop, build_plan
from .reasons import diagnose, fits, has_compartments
from .travel import GeodesicTravelModel, TravelMatrix, TravelMatrixProvider

logger = logging.getLogger(__name__)

#: Quantities are scaled to integers with this factor (0.01 kg / 0.01 pallet).
QTY_SCALE = 100


@dataclass(frozen=True)
class _Node:
    job: Job
    action: StopAction
    visit: Visit
    service_s: int


def _qty(value: float) -> int:
    return int(round(value * QTY_SCALE))


def _cap(value: float) -> int:
    return int(math.floor(value * QTY_SCALE + 1e-9))


class _Model:
    """Builds and solves one routing model; holds the index bookkeeping."""

    def __init__(
        self,
        problem: Problem,
        matrix: TravelMatrix,
        params: SolveParams,
        initial: Plan | None = None,
        fixed: Mapping[tuple[str, int], int] | None = None,
    ):
        self.problem, self.matrix, self.params = problem, matrix, params
        self.trips: list[tuple[Vehicle, int]] = [
            (v, k) for v in problem.vehicles for k in range(v.max_trips)
        ]
        self.trip_index = {(v.id, k): i for i, (v, k) in enumerate(self.trips)}
        self.nodes: list[_Node | None] = [None]
        self.node_of: dict[tuple[str, StopAction], int] = {}
        self.unassigned: dict[str, UnassignedReason] = {}
        self._job_nodes: dict[str, list[int]] = {}
        n_loc = 1
        for job in problem.jobs:
            ids = list(range(n_loc, n_loc + len(job.visits())))
            n_loc += len(ids)
            self._job_nodes[job.id] = ids
            reason = diagnose(problem, job, matrix.durations_s, ids)
            if reason is not None:
                self.unassigned[job.id] = reason
                continue
            for action, visit in job.visits():
                self.node_of[(job.id, action)] = len(self.nodes)
                self.nodes.append(_Node(job, action, visit, visit.service_s(job.pallets)))
        # Matrix rows of the nodes actually modelled (excluded jobs keep their rows unused).
        self.loc = [0] + [
            self._job_nodes[n.job.id][0 if n.action is StopAction.PICKUP else -1]
            for n in self.nodes[1:]
        ]
        self.manager = pywrapcp.RoutingIndexManager(len(self.nodes), len(self.trips), 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.solver = self.routing.solver()
        self.breaks: dict[int, list] = {}
        self.pins = self._pins(initial, fixed or {})
        self.pinned = {node for _, _, stops in self.pins for node, _ in stops}
        self._build()
        self._apply_pins()

    # ------------------------------------------------------------ construction

    def _int_matrix(self, source: Sequence[Sequence[float]], conv) -> list[list[int]]:
        return [[conv(source[a][b]) for b in self.loc] for a in self.loc]

    def _build(self) -> None:
        r = self.routing
        self.dist = self._int_matrix(self.matrix.distances_m, lambda d: int(round(d)))
        self.dur = self._int_matrix(self.matrix.durations_s, lambda d: int(math.ceil(d - 1e-9)))
        cost_cb: dict[float, int] = {}
        for v, (vehicle, _) in enumerate(self.trips):
            coef = self._arc_cost_per_m(vehicle)
            if coef not in cost_cb:
                cost = [[int(round(d * coef)) for d in row] for row in self.dist]
                cost_cb[coef] = r.RegisterTransitMatrix(cost)
            r.SetArcCostEvaluatorOfVehicle(cost_cb[coef], v)
        self._build_time()
        self._build_capacities()
        self._build_jobs()
        self._build_breaks()

    def _build_time(self) -> None:
        r = self.routing
        service = [0] + [n.service_s for n in self.nodes[1:]]
        transit = [
            [self.dur[a][b] + service[a] for b in range(len(self.nodes))]
            for a in range(len(self.nodes))
        ]
        self.horizon = max(v.shift_end for v, _ in self.trips) + 1
        cb = r.RegisterTransitMatrix(transit)
        r.AddDimension(cb, self.horizon, self.horizon, False, "time")
        self.time = r.GetDimensionOrDie("time")
        for v, (vehicle, trip) in enumerate(self.trips):
            self.time.CumulVar(r.Start(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
            self.time.CumulVar(r.End(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
            self.time.SetSpanCostCoefficientForVehicle(self._span_cost_per_s(vehicle), v)
            if vehicle.max_route_duration is not None and vehicle.max_trips == 1:
                self.time.SetSpanUpperBoundForVehicle(vehicle.max_route_duration, v)
            if trip > 0:
                prev = v - 1
                self.solver.Add(
                    self.time.CumulVar(r.Start(v))
                    >= self.time.CumulVar(r.End(prev)) + vehicle.reload_s * r.ActiveVehicleVar(v)
                )
            if trip == vehicle.max_trips - 1 and vehicle.max_trips > 1:
                first = v - trip
                if vehicle.max_route_duration is not None:
                    self.solver.Add(
                        self.time.CumulVar(r.End(v)) - self.time.CumulVar(r.Start(first))
                        <= vehicle.max_route_duration
                    )
        for i, node in enumerate(self.nodes[1:], start=1):
            windows = sorted(node.visit.time_windows, key=lambda w: w.start)
            if not windows or i in self.pinned:
                continue
            var = self.time.CumulVar(self.manager.NodeToIndex(i))
            var.SetRange(windows[0].start, windows[-1].end)
            for a, b in zip(windows, windows[1:], strict=False):
                if b.start - a.end > 1:
                    var.RemoveInterval(a.end + 1, b.start - 1)

    def _build_capacities(self) -> None:
        r = self.routing
        keys = sorted(
            {
                (cls, unit)
                for n in self.nodes[1:]
                for cls, load in n.job.demand.items()
                for unit in ("kg", "pallets")
                if getattr(load, unit) > 0
            }
        )
        self.capacity_dims = []
        for cls, unit in keys:
            kinds = {n.job.kind for n in self.nodes[1:] if getattr(n.job.demand.get(cls), unit, 0)}
            caps = [_cap(getattr(v.capacity(cls), unit)) for v, _ in self.trips]
            name = f"load_{cls}_{unit}"

            def amount(n: _Node, cls=cls, unit=unit) -> int:
                return _qty(getattr(n.job.demand.get(cls), unit, 0.0))

            if kinds == {JobKind.DELIVERY}:
                demand = [0] + [amount(n) for n in self.nodes[1:]]
                cb = r.RegisterUnaryTransitVector(demand)
                r.AddDimensionWithVehicleCapacity(cb, 0, caps, True, name)
                continue
            net = [0] + [
                -amount(n) if n.action is StopAction.DELIVERY else amount(n) for n in self.nodes[1:]
            ]
            net_cb = r.RegisterUnaryTransitVector(net)
            r.AddDimensionWithVehicleCapacity(net_cb, 0, caps, False, name)
            dim = r.GetDimensionOrDie(name)
            # The start load must equal what is delivered from the terminal:
            # end load = start - deliveries + terminal pickups = terminal pickups.
            picked = [0] + [
                amount(n) if n.job.kind is JobKind.PICKUP else 0 for n in self.nodes[1:]
            ]
            if any(picked):
                pname = f"picked_{cls}_{unit}"
                big = [sum(picked)] * len(self.trips)
                cb = r.RegisterUnaryTransitVector(picked)
                r.AddDimensionWithVehicleCapacity(cb, 0, big, True, pname)
                pdim = r.GetDimensionOrDie(pname)
                for v in range(len(self.trips)):
                    self.solver.Add(dim.CumulVar(r.End(v)) == pdim.CumulVar(r.End(v)))
            else:
                for v in range(len(self.trips)):
                    dim.CumulVar(r.End(v)).SetValue(0)

    def _build_jobs(self) -> None:
        r = self.routing
        for i, node in enumerate(self.nodes[1:], start=1):
            index = self.manager.NodeToIndex(i)
            banned = [
                v
                for v, (vehicle, _) in enumerate(self.trips)
                if not (has_compartments(vehicle, node.job) and fits(vehicle, node.job))
            ]
            if banned:
                r.VehicleVar(index).RemoveValues(banned)
            r.AddDisjunction([index], self.params.drop_penalty)
        for job in self.problem.jobs:
            if job.kind is not JobKind.PICKUP_DELIVERY or job.id in self.unassigned:
                continue
            p = self.manager.NodeToIndex(self.node_of[(job.id, StopAction.PICKUP)])
            d = self.manager.NodeToIndex(self.node_of[(job.id, StopAction.DELIVERY)])
            r.AddPickupAndDelivery(p, d)
            self.solver.Add(r.VehicleVar(p) == r.VehicleVar(d))
            self.solver.Add(r.ActiveVar(p) == r.ActiveVar(d))
            self.solver.Add(self.time.CumulVar(p) <= self.time.CumulVar(d))

    def _build_breaks(self) -> None:
        rule = self.problem.break_rule
        visit_transits = [0] * self.routing.Size()
        for i, node in enumerate(self.nodes[1:], start=1):
            visit_transits[self.manager.NodeToIndex(i)] = node.service_s
        for v, (vehicle, _) in enumerate(self.trips):
            shift = vehicle.shift_end - vehicle.shift_start
            count = min(rule.max_breaks, shift // rule.max_driving_s) if vehicle.break_rule else 0
            if count == 0:
                continue
            intervals = [
                self.solver.FixedDurationIntervalVar(
                    vehicle.shift_start,
                    vehicle.shift_end - rule.break_s,
                    rule.break_s,
                    True,
                    f"break_{v}_{k}",
                )
                for k in range(count)
            ]
            self.time.SetBreakIntervalsOfVehicle(intervals, v, visit_transits)
            self.time.SetBreakDistanceDurationOfVehicle(rule.max_driving_s, rule.break_s, v)
            self.breaks[v] = intervals

    # ------------------------------------------------------------ re-planning

    def _pins(
        self, initial: Plan | None, fixed: Mapping[tuple[str, int], int]
    ) -> list[tuple[int, int, list[tuple[int, int]]]]:
        """(trip, route start, [(node, service start)]) for each fixed route prefix."""
        pins = []
        for key, count in fixed.items():
            route = initial.route(*key) if initial is not None else None
            if route is None or key not in self.trip_index:
                raise ValueError(f"fixed route {key} is not in the initial plan/problem")
            if count > len(route.stops):
                raise ValueError(f"route {key} has fewer than {count} stops")
            stops = []
            for stop in route.stops[:count]:
                node = self.node_of.get((stop.job_id, stop.action))
                if node is None:
                    raise ValueError(f"fixed stop {stop.job_id} is not plannable in the problem")
                stops.append((node, stop.service_start))
            pins.append((self.trip_index[key], route.start, stops))
        return pins

    def _apply_pins(self) -> None:
        """Keep done/under-way stops: same trip, same order, same times (windows not applied)."""
        r = self.routing
        for v, start, stops in self.pins:
            self.time.CumulVar(r.Start(v)).SetValue(start)
            prev = r.Start(v)
            for node, service_start in stops:
                index = self.manager.NodeToIndex(node)
                self.solver.Add(r.NextVar(prev) == index)
                r.VehicleVar(index).SetValue(v)
                self.time.CumulVar(index).SetValue(service_start)
                prev = index

    def initial_routes(self, initial: Plan) -> list[list[int]]:
        routes: list[list[int]] = [[] for _ in self.trips]
        for route in initial.routes:
            v = self.trip_index.get(route.key)
            if v is None:
                continue
            for stop in route.stops:
                node = self.node_of.get((stop.job_id, stop.action))
                if node is not None:
                    routes[v].append(self.manager.NodeToIndex(node))
        return routes

    # ------------------------------------------------------------------ solve

    def search_parameters(self, started: float | None = None):
        """Search parameters; the time limit is what is left since ``started``."""
        p = self.params
        sp = pywrapcp.DefaultRoutingSearchParameters()
        sp.first_solution_strategy = getattr(
            routing_enums_pb2.FirstSolutionStrategy, p.first_solution.upper()
        )
        if p.metaheuristic == "iterated_local_search":
            sp.use_iterated_local_search = True
            rr = sp.iterated_local_search_parameters.ruin_recreate_parameters
            # SISR (Christiaens & Vanden Berghe) ruin; the default list is empty = invalid.
            sisr = rr.ruin_strategies.add().sisr
            sisr.max_removed_sequence_size = 10
            sisr.avg_num_removed_visits = 10
            sisr.bypass_factor = 0.01
            rr.ruin_composition_strategy = routing_ils_pb2.RuinCompositionStrategy.RUN_ONE_RANDOMLY
            sa = sp.iterated_local_search_parameters.reference_solution_acceptance_strategy
            # Fixed temperatures would be in our scaled cost units; let OR-Tools derive them.
            sa.simulated_annealing.automatic_temperatures = True
        else:
            sp.local_search_metaheuristic = getattr(
                routing_enums_pb2.LocalSearchMetaheuristic, p.metaheuristic.upper()
            )
        if p.gls_lambda is not None:
            sp.guided_local_search_lambda_coefficient = p.gls_lambda
        left = p.time_limit_s
        if started is not None:
            left -= time.monotonic() - started
        sp.time_limit.FromMilliseconds(max(1, int(left * 1000)))
        if p.solution_limit is not None:
            sp.solution_limit = p.solution_limit
        sp.sat_parameters.random_seed = p.seed
        sp.sat_parameters.num_workers = 1
        sp.log_search = p.log_search
        return sp

    def _arc_cost_per_m(self, vehicle: Vehicle) -> float:
        per_km = vehicle.cost_per_km
        if per_km == 0 and vehicle.cost_per_hour == 0:
            per_km = 1.0  # a cost-free fleet still gets sensible (short) routes
        return per_km / 1000.0 * self.params.cost_scale

    def _span_cost_per_s(self, vehicle: Vehicle) -> int:
        return int(round(vehicle.cost_per_hour / 3600.0 * self.params.cost_scale))

    def _break_s(self, vehicle: Vehicle) -> int:
        """Break time a trip of this vehicle may need (0 if never)."""
        rule = self.problem.break_rule
        needs = vehicle.break_rule and vehicle.shift_end - vehicle.shift_start > rule.max_driving_s
        return rule.break_s * min(rule.max_breaks, 1) if needs else 0

    def _needs_breaks(self) -> bool:
        """True if some vehicle may need a break: then PyVRP is not used.

        Measured on the demo cluster: OR-Tools' check of foreign routes
        (ReadAssignmentFromRoutes) searches break positions second by second
        and often runs into the time limit even for feasible routes, and a
        shorter close-time limit also cripples the cold first-solution search.
        """
        return any(self._break_s(v) for v in self.problem.vehicles)

    def pyvrp_routes(self, callbacks: SolveCallbacks, started: float) -> list[list[int]] | None:
        """PyVRP's routes as OR-Tools routes (one index list per trip), or None."""
        try:
            from . import pyvrp_start  # lazily: pyvrp is a warm-start helper only
        except ImportError:
            logger.warning("warm_start='pyvrp' but PyVRP is not installed; cold start")
            return None
        p = self.params
        jobs = [n.job for n in self.nodes[1:]]
        if not jobs or not pyvrp_start.supports(jobs):
            return None
        dims = sorted(
            {
                (cls, unit)
                for job in jobs
                for cls, load in job.demand.items()
                for unit in ("kg", "pallets")
                if getattr(load, unit) > 0
            }
        )
        vehicles = list(self.problem.vehicles)

        def on_feasible(cost: int) -> None:
            fraction = min(1.0, (time.monotonic() - started) / p.time_limit_s)
            callbacks.on_progress(fraction, cost)

        budget = p.time_limit_s * p.warm_start_share - (time.monotonic() - started)
        result = pyvrp_start.solve_warm_start(
            [pyvrp_start.WarmNode(n.job, n.action, n.visit, n.service_s) for n in self.nodes[1:]],
            vehicles,
            self.dist,
            self.dur,
            dimensions=dims,
            quantity=_qty,
            capacity=_cap,
            arc_cost_per_m=[max(1, round(self._arc_cost_per_m(v))) for v in vehicles],
            span_cost_per_s=[self._span_cost_per_s(v) for v in vehicles],
            drop_penalty=p.drop_penalty,
            break_s=[self._break_s(v) for v in vehicles],
            seed=p.seed,
            max_iterations=p.warm_start_iterations or 2**62,
            max_runtime_s=max(0.05, budget),
            on_feasible=on_feasible,
            should_stop=callbacks.should_stop,
        )
        logger.info(
            "pyvrp warm start: feasible %s, cost %d, %d iterations, %.2f s",
            result.feasible,
            result.cost,
            result.iterations,
            result.wall_s,
        )
        self.warm_stats = result
        routes: list[list[int]] = [[] for _ in self.trips]
        for (vi, trip), nodes in result.routes.items():
            v = self.trip_index[(vehicles[vi].id, trip)]
            routes[v] = [self.manager.NodeToIndex(node) for node in nodes]
        return routes

    def read_routes(self, routes: list[list[int]]):
        """Assignment from routes, repairing what OR-Tools rejects.

        OR-Tools checks the routes against the whole model (breaks included;
        each read is bounded by the close-time limit, see :meth:`solve`). If
        they fail together, each vehicle is checked on its own (vehicles are
        independent) and the trips of a failing vehicle are left out: their
        jobs start unperformed and the local search re-inserts them.
        Returns (assignment or None, stops left out).
        """
        r = self.routing
        assignment = r.ReadAssignmentFromRoutes(routes, True)
        if assignment is not None:
            return assignment, 0
        kept: list[list[int]] = [[] for _ in self.trips]
        cut = 0
        first = 0
        for vehicle in self.problem.vehicles:
            trips = list(range(first, first + vehicle.max_trips))
            first += vehicle.max_trips
            if not any(routes[v] for v in trips):
                continue
            alone: list[list[int]] = [[] for _ in self.trips]
            for v in trips:
                alone[v] = routes[v]
            if r.ReadAssignmentFromRoutes(alone, True) is not None:
                for v in trips:
                    kept[v] = routes[v]
            else:
                cut += sum(len(routes[v]) for v in trips)
        return r.ReadAssignmentFromRoutes(kept, True), cut

    def solve(self, callbacks: SolveCallbacks, initial: Plan | None, started: float):
        r, p = self.routing, self.params

        def at_solution() -> None:
            fraction = min(1.0, (time.monotonic() - started) / p.time_limit_s)
            callbacks.on_progress(fraction, r.CostVar().Value())
            if callbacks.should_stop():
                self.solver.FinishCurrentSearch()

        r.AddAtSolutionCallback(at_solution)
        r.CloseModelWithParameters(self.search_parameters(started))
        warm = False
        solution = None
        self.source = "ortools"
        if initial is not None:
            assignment = r.ReadAssignmentFromRoutes(self.initial_routes(initial), True)
            if assignment is None:
                logger.warning("initial plan is not feasible for the new problem; cold start")
            else:
                warm = True
                self.source = "initial_plan"
                solution = r.SolveFromAssignmentWithParameters(
                    assignment, self.search_parameters(started)
                )
                solution = solution or assignment  # no time left to improve it
        elif p.warm_start == "pyvrp" and not self.pins and not self._needs_breaks():
            routes = self.pyvrp_routes(callbacks, started)
            if routes is not None and not callbacks.should_stop():
                assignment, cut = self.read_routes(routes)
                if assignment is None:
                    logger.warning("pyvrp routes rejected by the model; cold start")
                else:
                    self.source = "pyvrp" if cut == 0 else f"pyvrp_repaired:{cut}"
                    solution = r.SolveFromAssignmentWithParameters(
                        assignment, self.search_parameters(started)
                    )
                    solution = solution or assignment
        if solution is None and not warm:
            self.source = "ortools"
            solution = r.SolveWithParameters(self.search_parameters(started))
        return solution, warm

    def raw_routes(self, solution) -> list[RawRoute]:
        r, out = self.routing, []
        for v, (vehicle, trip) in enumerate(self.trips):
            index = solution.Value(r.NextVar(r.Start(v)))
            if r.IsEnd(index):
                continue
            stops = []
            while not r.IsEnd(index):
                node = self.manager.IndexToNode(index)
                n = self.nodes[node]
                stops.append(
                    RawStop(
                        node,
                        n.job,
                        n.action,
                        n.visit,
                        n.service_s,
                        solution.Value(self.time.CumulVar(index)),
                    )
                )
                index = solution.Value(r.NextVar(index))
            breaks = [
                (solution.StartValue(iv), solution.DurationValue(iv))
                for iv in self.breaks.get(v, [])
                if solution.PerformedValue(iv)
            ]
            out.append(
                RawRoute(
                    vehicle,
                    trip,
                    solution.Value(self.time.CumulVar(r.Start(v))),
                    solution.Value(self.time.CumulVar(r.End(v))),
                    stops,
                    breaks,
                )
            )
        return out


_STATUS = {v: k for k, v in routing_enums_pb2.RoutingSearchStatus.Value.items()}


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    callbacks: SolveCallbacks | None = None,
    travel: TravelMatrixProvider | None = None,
    initial_plan: Plan | None = None,
    fixed: Mapping[tuple[str, int], int] | None = None,
) -> Plan:
    """Plan routes for a day.

    Parameters
    ----------
    problem : Problem
    params : SolveParams, optional
    callbacks : SolveCallbacks, optional
        Progress reporting / cancellation.
    travel : TravelMatrixProvider, optional
        Defaults to :class:`~.travel.GeodesicTravelModel`. The matrix is built
        over ``[terminal] + every job visit`` in problem order.
    initial_plan : Plan, optional
        Warm start: its routes are loaded as the first solution (stops of
        jobs no longer in the problem are skipped). If it is infeasible for
        the new problem the search starts cold and ``Plan.warm_started`` is
        False.
    fixed : mapping (vehicle_id, trip) -> int, optional
        Re-planning during the day: the first *n* stops of that route of
        ``initial_plan`` (done or under way) keep their vehicle, order and
        service start times; windows are not re-checked for them.

    Returns
    -------
    Plan

    Notes
    -----
    Determinism: the model is built in problem order, OR-Tools routing runs
    single-threaded and its local search uses no random numbers, so two runs
    explore the same sequence of solutions. They stop at the same one when
    the search ends by ``solution_limit`` (or the local optimum, with
    ``greedy_descent``); with only ``time_limit_s`` the stopping point, and
    thus the plan, depends on machine speed and load.
    """
    params = params or SolveParams()
    callbacks = callbacks or SolveCallbacks()
    if fixed and initial_plan is None:
        raise ValueError("fixed prefixes need the initial_plan they refer to")
    travel = travel or GeodesicTravelModel()
    locations = [problem.terminal] + [
        visit.location for job in problem.jobs for _, visit in job.visits()
    ]
    started = time.monotonic()
    matrix = travel.matrix(locations)
    model = _Model(problem, matrix, params, initial_plan, fixed)
    solution, warm = model.solve(callbacks, initial_plan, started)
    status = _STATUS.get(model.routing.status(), str(model.routing.status()))
    wall = time.monotonic() - started
    if solution is None:
        logger.warning("no solution found (status %s)", status)
        raw, objective = [], 0
    else:
        raw, objective = model.raw_routes(solution), solution.ObjectiveValue()
    planned = {s.job.id for route in raw for s in route.stops}
    unassigned = [
        UnassignedJob(
            job.id, model.unassigned.get(job.id, UnassignedReason.NO_CAPACITY_OR_TIME_LEFT)
        )
        for job in problem.jobs
        if job.id not in planned
    ]
    logger.info(
        "solved %d jobs: %d routes, %d unassigned, status %s, %.2f s",
        len(problem.jobs),
        len(raw),
        len(unassigned),
        status,
        wall,
    )
    return build_plan(
        raw, model.loc, matrix, unassigned, objective, status, wall, params, warm, model.source
    )
