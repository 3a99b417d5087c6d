"""First solutions for the OR-Tools model: a previous plan, or PyVRP's routes.

Helpers of :class:`samlast.planning.solver._Model`. Routes are lists of
OR-Tools indices, one list per OR-Tools vehicle (= trip). OR-Tools checks
them against the whole model (``ReadAssignmentFromRoutes``), so nothing
here decides feasibility.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from .dimensions import cap, qty, trip_gap_s
from .model import Plan
from .params import SolveCallbacks

if TYPE_CHECKING:  # pragma: no cover
    from .solver import _Model

logger = logging.getLogger(__name__)


def from_plan(m: _Model, initial: Plan) -> list[list[int]]:
    """The routes of ``initial`` (stops of jobs no longer plannable are skipped)."""
    routes: list[list[int]] = [[] for _ in m.trips]
    for route in initial.routes:
        v = m.trip_index.get(route.key)
        if v is None:
            continue
        for stop in route.stops:
            node = m.node_of.get((stop.job_id, stop.action))
            if node is not None:
                routes[v].append(m.manager.NodeToIndex(node))
    return routes


def from_pyvrp(m: _Model, callbacks: SolveCallbacks, started: float) -> list[list[int]] | None:
    """PyVRP's routes as OR-Tools routes, or None (PyVRP missing or not applicable).

    PyVRP gets the trip gap of each vehicle (reload, and the driver's break
    for break-rule vehicles) as the service time of its reload depot, so
    its trips leave as late as the OR-Tools model requires. The per-trip
    driving limit is not given to PyVRP; a municipal trip rarely comes
    close, and a vehicle with a trip that exceeds it is repaired by
    :func:`read`.
    """
    try:
        from . import pyvrp_start  # lazily: pyvrp is a warm-start helper only
    except ImportError:
        logger.warning("warm_start='pyvrp' but PyVRP is not installed; cold start")
        return None
    p = m.params
    jobs = [n.job for n in m.visits]
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
    rule = m.problem.break_rule
    vehicles = [dataclasses.replace(v, reload_s=trip_gap_s(v, rule)) for v in m.problem.vehicles]

    def on_feasible(cost: int) -> None:
        fraction = min(1.0, (time.monotonic() - started) / p.time_limit_s)
        callbacks.on_progress(fraction, cost)

    budget = p.time_limit_s * p.warm_start_share - (time.monotonic() - started)
    result = pyvrp_start.solve_warm_start(
        [pyvrp_start.WarmNode(n.job, n.action, n.visit, n.service_s) for n in m.visits],
        vehicles,
        m.dist,
        m.dur,
        dimensions=dims,
        quantity=qty,
        capacity=cap,
        arc_cost_per_m=[max(1, round(m.arc_cost_per_m(v))) for v in vehicles],
        span_cost_per_s=[m.span_cost_per_s(v) for v in vehicles],
        drop_penalty=p.drop_penalty,
        seed=p.seed,
        max_iterations=p.warm_start_iterations or 2**62,
        max_runtime_s=max(0.05, budget),
        on_feasible=on_feasible,
        should_stop=callbacks.should_stop,
        optional_fallback=p.warm_start_fallback == "optional",
    )
    logger.info(
        "pyvrp warm start: feasible %s, cost %d, %d iterations, %.2f s",
        result.feasible,
        result.cost,
        result.iterations,
        result.wall_s,
    )
    m.warm_stats = result
    if not result.feasible and p.warm_start_fallback == "ortools":
        return None
    routes: list[list[int]] = [[] for _ in m.trips]
    for (vi, trip), nodes in result.routes.items():
        v = m.trip_index[(vehicles[vi].id, trip)]
        routes[v] = [m.manager.NodeToIndex(node) for node in nodes]
    return routes


def _trim_driving(m: _Model, routes: list[list[int]]) -> int:
    """Cut the last stops of trips that drive longer than the break rule allows.

    Only for break-rule vehicles (per-trip limit of the ``driving``
    dimension). Removing the last stop never makes a trip later, so the
    rest of it stays feasible. Changes ``routes`` in place; returns the
    number of stops cut.
    """
    if m.driving is None:
        return 0
    rule = m.problem.break_rule
    limit = min(rule.max_driving_s, rule.max_daily_driving_s)
    cut = 0
    for v, (vehicle, _) in enumerate(m.trips):
        nodes = [m.manager.IndexToNode(i) for i in routes[v]]
        while vehicle.break_rule and nodes:
            path = [0, *nodes, 0]
            if sum(m.dur[a][b] for a, b in zip(path, path[1:], strict=False)) <= limit:
                break
            nodes.pop()
            routes[v].pop()
            cut += 1
    return cut


def read(m: _Model, routes: list[list[int]]):
    """Assignment from routes, repairing what OR-Tools rejects.

    Trips driving longer than the break rule allows lose their last stops
    first. If the routes still fail together, each vehicle is checked on its
    own (vehicles are independent) and the trips of a failing vehicle are
    left out. Jobs cut either way start unperformed and the local search
    re-inserts them. Returns (assignment or None, stops left out).
    """
    r = m.routing
    routes = [list(route) for route in routes]
    cut = _trim_driving(m, routes)
    assignment = r.ReadAssignmentFromRoutes(routes, True)
    if assignment is not None:
        return assignment, cut
    kept: list[list[int]] = [[] for _ in m.trips]
    first = 0
    for vehicle in m.problem.vehicles:
        trips = list(range(first, first + vehicle.max_trips))
        first += vehicle.max_trips
        if not any(routes[v] for v in trips):
            continue
        alone: list[list[int]] = [[] for _ in m.trips]
        for v in trips:
            alone[v] = routes[v]
        if r.ReadAssignmentFromRoutes(alone, True) is not None:
            for v in trips:
                kept[v] = routes[v]
        else:
            cut += sum(len(routes[v]) for v in trips)
    return r.ReadAssignmentFromRoutes(kept, True), cut
