"""OR-Tools routing model. The only module of the package that imports ortools.

Modelling choices
-----------------
* Node 0 is the terminal; every job visit is one node (a pickup-and-delivery
  job has two, tied by ``AddPickupAndDelivery`` + same vehicle + precedence).
* Multiple trips: each vehicle becomes ``max_trips`` consecutive *trips*
  (OR-Tools vehicles sharing one shift). Trip k+1 may only leave the
  terminal ``reload_s`` after trip k returned, if it is used at all.
* Compartments: one capacity dimension per (temperature class, kg|pallets)
  that some job needs (:func:`.dimensions.add_capacities`). Jobs are
  restricted to vehicles having the needed compartments.
* Driver breaks (EU 561/2006, :class:`~.model.BreakRule`): a driving-time
  dimension (travel time only) caps every trip of a break-rule vehicle at
  4.5 h of driving, and the break is taken *at the terminal between trips*:
  the gap before trip k+1 is at least ``max(reload_s, break_s)`` and the plan
  reports a 45-min :class:`~.model.PlannedBreak` at its start. No driver
  therefore drives more than 4.5 h without a 45-min break, which is what the
  regulation asks; the daily 9 h is a constraint across trips when needed.
  Unlike break intervals inside routes, this adds one ordinary dimension, so
  OR-Tools checks foreign (PyVRP) routes and searches as fast as without
  breaks.
* Every visit has a disjunction with ``drop_penalty``; dropped jobs get a
  reason from :mod:`.reasons`.
* First solution: a previous plan, PyVRP's routes (:mod:`.initial_routes`)
  or the OR-Tools ``first_solution`` heuristic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2

from . import dimensions, initial_routes
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
from .reasons import compartments_key, diagnose, fits, has_compartments
from .travel import GeodesicTravelModel, TravelMatrix, TravelMatrixProvider

if TYPE_CHECKING:  # pragma: no cover
    from .pyvrp_start import WarmStartResult

logger = logging.getLogger(__name__)

#: Least time, in seconds, for reading a starting solution (see ``_Model.solve``).
READ_FLOOR_S = 1.0


@dataclass(frozen=True)
class _Node:
    job: Job
    action: StopAction
    visit: Visit
    service_s: int


class _Model:
    """Builds and solves one routing model; holds the index bookkeeping.

    Routing node 0 is the terminal; node ``i >= 1`` is the job visit ``visits[i - 1]``
    (:meth:`node`).
    """

    # Set while building (``_build`` and the helpers of :mod:`.dimensions`).
    dist: list[list[int]]
    dur: list[list[int]]
    horizon: int
    time: pywrapcp.RoutingDimension
    #: None if no vehicle has the break rule (:func:`.dimensions.add_driving`).
    driving: pywrapcp.RoutingDimension | None
    # Set while solving.
    source: str
    #: PyVRP's answer when it gave the first solution (:func:`.initial_routes.from_pyvrp`).
    warm_stats: WarmStartResult

    def __init__(
        self,
        problem: Problem,
        matrix: TravelMatrix,
        params: SolveParams,
        initial: Plan | None = None,
        fixed: Mapping[tuple[str, int], int] | None = None,
    ):
        self.problem, self.matrix, self.params = problem, matrix, params
        # A pinned stop already happened: its job is modelled even if it would not be planned today.
        pinned_jobs = {
            stop.job_id
            for key, count in (fixed or {}).items()
            if initial is not None and (route := initial.route(*key)) is not None
            for stop in route.stops[:count]
        }
        self.trips: list[tuple[Vehicle, int]] = [
            (v, k) for v in problem.vehicles for k in range(v.max_trips)
        ]
        self.trip_index = {(v.id, k): i for i, (v, k) in enumerate(self.trips)}
        self.visits: list[_Node] = []
        self.node_of: dict[tuple[str, StopAction], int] = {}
        self.unassigned: dict[str, UnassignedReason] = {}
        self._job_nodes: dict[str, list[int]] = {}
        n_loc = 1
        for job in problem.jobs:
            ids = list(range(n_loc, n_loc + len(job.visits())))
            n_loc += len(ids)
            self._job_nodes[job.id] = ids
            reason = None if job.id in pinned_jobs else diagnose(problem, job, matrix.durations_s, ids)
            if reason is not None:
                self.unassigned[job.id] = reason
                continue
            for action, visit in job.visits():
                self.node_of[(job.id, action)] = self.node_count
                self.visits.append(_Node(job, action, visit, visit.service_s(job.pallets)))
        # Matrix rows of the nodes actually modelled (excluded jobs keep their rows unused).
        self.loc = [0] + [
            self._job_nodes[n.job.id][0 if n.action is StopAction.PICKUP else -1]
            for n in self.visits
        ]
        self.manager = pywrapcp.RoutingIndexManager(self.node_count, len(self.trips), 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.solver = self.routing.solver()
        self.pins = self._pins(initial, fixed or {})
        self.pinned = {node for _, _, stops in self.pins for node, _ in stops}
        self._build()
        self._apply_pins()

    @property
    def node_count(self) -> int:
        """Routing nodes: the terminal and every modelled job visit."""
        return 1 + len(self.visits)

    def node(self, i: int) -> _Node:
        """The job visit at routing node ``i`` (not the terminal, node 0)."""
        if i < 1:
            raise IndexError(f"node {i} is the terminal, not a job visit")
        return self.visits[i - 1]

    # ------------------------------------------------------------ construction

    def _int_matrix(self, source: Sequence[Sequence[float]], conv) -> list[list[int]]:
        # numpy: the same IEEE arithmetic as int(round(d)) / math.ceil per element (rint rounds
        # half to even like round()), about 30 times faster on a 900-stop day.
        rows = np.asarray(source, dtype=np.float64)[np.ix_(self.loc, self.loc)]
        return conv(rows).astype(np.int64).tolist()

    def _build(self) -> None:
        r = self.routing
        self.dist = self._int_matrix(self.matrix.distances_m, np.rint)
        self.dur = self._int_matrix(self.matrix.durations_s, lambda d: np.ceil(d - 1e-9))
        cost_cb: dict[float, int] = {}
        # numpy's rint rounds half to even as round() does, on the same float products: the same
        # integers, without 900 000 Python calls per vehicle cost at city size.
        metres = np.asarray(self.dist, dtype=np.float64)
        for v, (vehicle, _) in enumerate(self.trips):
            coef = self.arc_cost_per_m(vehicle)
            if coef not in cost_cb:
                cost = np.rint(metres * coef).astype(np.int64).tolist()
                cost_cb[coef] = r.RegisterTransitMatrix(cost)
            r.SetArcCostEvaluatorOfVehicle(cost_cb[coef], v)
        dimensions.add_time(self)
        dimensions.add_capacities(self)
        dimensions.add_driving(self)
        self._build_jobs()

    def _build_jobs(self) -> None:
        r = self.routing
        # Whether a job can go on a trip depends only on the vehicle's compartments: check each
        # distinct set of them once per job, not every trip of every vehicle.
        shapes = [compartments_key(vehicle) for vehicle, _ in self.trips]
        example = {shape: vehicle for shape, (vehicle, _) in zip(shapes, self.trips, strict=True)}
        for i, node in enumerate(self.visits, start=1):
            index = self.manager.NodeToIndex(i)
            allowed = {shape: has_compartments(v, node.job) and fits(v, node.job) for shape, v in example.items()}
            banned = [v for v, shape in enumerate(shapes) if not allowed[shape]]
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
        """Keep done/under-way stops: same trip, same order (windows not applied).

        A pinned stop's service start is a lower bound, not a value: it is when the stop was
        actually served, which the model's travel times may not reproduce exactly (a driver
        faster than the model, stops taken out of the planned order); the rest of the trip
        then starts from there.
        """
        r = self.routing
        for v, start, stops in self.pins:
            self.time.CumulVar(r.Start(v)).SetValue(start)
            prev = r.Start(v)
            for node, service_start in stops:
                index = self.manager.NodeToIndex(node)
                self.solver.Add(r.NextVar(prev) == index)
                r.VehicleVar(index).SetValue(v)
                self.time.CumulVar(index).SetMin(service_start)
                prev = index

    # ------------------------------------------------------------------ solve

    def search_parameters(self, started: float | None = None, floor_s: float = 0.0, settled: bool = False):
        """Search parameters; the time limit is what is left since ``started`` (>= ``floor_s``).

        ``settled``: the first solution comes from a PyVRP search that stopped improving on a small
        day (``pyvrp_start.SETTLE_UP_TO``); a descent to the nearest local optimum of this model,
        with every product constraint, ends the search instead of the metaheuristic."""
        p = self.params
        sp = pywrapcp.DefaultRoutingSearchParameters()
        sp.first_solution_strategy = getattr(
            routing_enums_pb2.FirstSolutionStrategy, p.first_solution.upper()
        )
        if settled:
            sp.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        elif p.metaheuristic == "iterated_local_search":
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
        left = max(left, floor_s)
        sp.time_limit.FromMilliseconds(max(1, int(left * 1000)))
        if p.solution_limit is not None:
            sp.solution_limit = p.solution_limit
        sp.sat_parameters.random_seed = p.seed
        sp.sat_parameters.num_workers = 1
        sp.log_search = p.log_search
        return sp

    def arc_cost_per_m(self, vehicle: Vehicle) -> float:
        per_km = vehicle.cost_per_km
        if per_km == 0 and vehicle.cost_per_hour == 0:
            per_km = 1.0  # a cost-free fleet still gets sensible (short) routes
        return per_km / 1000.0 * self.params.cost_scale

    def span_cost_per_s(self, vehicle: Vehicle) -> int:
        return int(round(vehicle.cost_per_hour / 3600.0 * self.params.cost_scale))

    def release(self) -> None:
        """Drop every reference to the OR-Tools objects once the answer is read (see solve())."""
        getattr(self, "_live", {}).clear()
        self.__dict__.clear()

    def solve(self, callbacks: SolveCallbacks, initial: Plan | None, started: float, warm_start: bool = True):
        r, p = self.routing, self.params
        # What the callback needs, in a holder release() empties: OR-Tools keeps the callback for
        # as long as the routing model lives, so it must not keep that model alive itself.
        self._live = live = {"routing": r, "solver": self.solver}

        def at_solution() -> None:
            routing, solver = live.get("routing"), live.get("solver")
            if routing is None or solver is None:
                return
            fraction = min(1.0, (time.monotonic() - started) / p.time_limit_s)
            callbacks.on_progress(fraction, routing.CostVar().Value())
            if callbacks.should_stop():
                solver.FinishCurrentSearch()

        r.AddAtSolutionCallback(at_solution)
        # The close-time limit also bounds ReadAssignmentFromRoutes. When matrix
        # and model building used up the limit (re-planning ~600 stops in 2 s on
        # a loaded machine), still allow READ_FLOOR_S to load the previous plan
        # or PyVRP's routes: the wall time then exceeds the limit a little,
        # but the answer is that plan instead of none.
        r.CloseModelWithParameters(self.search_parameters(started, READ_FLOOR_S))
        warm = False
        solution = None
        self.source = "ortools"
        if initial is not None and warm_start:
            callbacks.on_phase("ortools")
            routes = initial_routes.from_plan(self, initial)
            assignment = r.ReadAssignmentFromRoutes(routes, True)
            if assignment is None:
                logger.warning("initial plan is not feasible for the new problem; cold start")
            else:
                warm = True
                self.source = "initial_plan"
                solution = r.SolveFromAssignmentWithParameters(
                    assignment, self.search_parameters(started)
                )
                solution = solution or assignment  # no time left to improve it
        elif p.warm_start == "pyvrp" and not self.pins:
            callbacks.on_phase("pyvrp")
            pyvrp_routes = initial_routes.from_pyvrp(self, callbacks, started)
            if pyvrp_routes is not None and not callbacks.should_stop():
                callbacks.on_phase("ortools")
                assignment, cut = initial_routes.read(self, pyvrp_routes)
                if assignment is None:
                    logger.warning("pyvrp routes rejected by the model; cold start")
                else:
                    self.source = "pyvrp" if cut == 0 else f"pyvrp_repaired:{cut}"
                    settled = cut == 0 and self.warm_stats.settled
                    solution = r.SolveFromAssignmentWithParameters(
                        assignment, self.search_parameters(started, settled=settled)
                    )
                    solution = solution or assignment
        if solution is None and not warm:
            self.source = "ortools"
            callbacks.on_phase("ortools")
            solution = r.SolveWithParameters(self.search_parameters(started))
        return solution, warm

    def raw_routes(self, solution) -> list[RawRoute]:
        """Used trips with service starts; a break-rule driver's break opens each trip gap."""
        r, out = self.routing, []
        rule = self.problem.break_rule
        returned: dict[str, int] = {}  # vehicle id -> end of its last used trip so far
        for v, (vehicle, trip) in enumerate(self.trips):
            index = solution.Value(r.NextVar(r.Start(v)))
            if r.IsEnd(index):
                continue
            stops = []
            while not r.IsEnd(index):
                node = self.manager.IndexToNode(index)
                n = self.node(node)
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
            start = solution.Value(self.time.CumulVar(r.Start(v)))
            end = solution.Value(self.time.CumulVar(r.End(v)))
            breaks = []
            if vehicle.id in returned and dimensions.takes_breaks(vehicle, rule):
                breaks.append((returned[vehicle.id], rule.break_s))
            returned[vehicle.id] = end
            out.append(RawRoute(vehicle, trip, start, end, stops, breaks))
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
    warm_start: bool = True,
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
        ``initial_plan`` (done or under way) keep their vehicle, trip and
        order, are served no earlier than their ``service_start`` (when they
        were actually served), and are modelled even if the problem would
        not plan them now (windows, capacity checks before solving).
    warm_start : bool
        Load ``initial_plan`` as the first solution (default). False plans
        from scratch and uses ``initial_plan`` only for the ``fixed`` stops.

    Returns
    -------
    Plan

    Notes
    -----
    Determinism: the model is built in problem order, OR-Tools routing runs
    single-threaded and its local search uses no random numbers, so two runs
    explore the same sequence of solutions. They stop at the same one when
    the search ends by ``solution_limit`` (or the local optimum, with
    ``greedy_descent``, or on a small day whose PyVRP search settled, see
    ``pyvrp_start.SETTLE_UP_TO``); with only ``time_limit_s`` the stopping
    point, and thus the plan, depends on machine speed and load.
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
    try:
        solution, warm = model.solve(callbacks, initial_plan, started, warm_start)
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
        loc, source = model.loc, model.source
    finally:
        # The transit callbacks registered with OR-Tools close over the model, and OR-Tools'
        # C++ side keeps them alive: a cycle Python's collector cannot see, so every solve kept
        # its routing model (about 5 MB on a 54-stop day) until the process ended. Dropping
        # the model's references to the OR-Tools objects lets the C++ model and callbacks go.
        model.release()
    logger.info(
        "solved %d jobs: %d routes, %d unassigned, status %s, %.2f s",
        len(problem.jobs),
        len(raw),
        len(unassigned),
        status,
        wall,
    )
    return build_plan(raw, loc, matrix, unassigned, objective, status, wall, params, warm, source)
