"""Municipal planning benchmark: one day of the synthetic demo cluster (not a test).

Builds the planner problem from the pure demo generator the same way
``samlast.services.planning.build_day_problem`` builds it from the database
(one consolidated delivery job per delivery point and day, demand per
temperature class, that weekday's receiving windows, service = the point's
minutes + 90 s per pallet place, every vehicle with its compartments, the
break rule, two trips, 20 min reload), geodesic travel model, then:

1. a full solve at ``--time-limit`` (time to first solution from the progress
   callback, objective at the limit),
2. a short solve at ``--first-limit`` (is a complete feasible plan available
   that early?),
3. re-planning after one added order, warm-started from plan 1, at
   ``--replan-limit``.

    .venv/bin/python bench/municipal.py                      # demo day, scale 1
    .venv/bin/python bench/municipal.py --scale 4.35 --time-limit 60 --first-limit 30
    .venv/bin/python bench/municipal.py --city --time-limit 600 --first-limit 60   # city-size day
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from datetime import time as dtime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from samlast import planning as pl  # noqa: E402
from samlast.demo import DemoCluster  # noqa: E402
from samlast.demo.city import generate_city  # noqa: E402
from samlast.demo.generator import generate_cluster  # noqa: E402

#: Defaults of samlast.config (PLANNING_SERVICE_PER_PALLET_S, _MAX_TRIPS, _RELOAD_MIN).
SERVICE_PER_PALLET_S = 90
MAX_TRIPS = 2
RELOAD_MIN = 20


def _seconds(t: dtime) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def busiest_day(cluster: DemoCluster) -> date:
    points = defaultdict(set)
    for order in cluster.orders:
        points[order.requested_date].add(order.delivery_point)
    return max(sorted(points), key=lambda d: len(points[d]))


def day_problem(cluster: DemoCluster, day: date) -> tuple[pl.Problem, list[str]]:
    """The planner problem of ``day`` and the points with no window that weekday."""
    points = {p.external_id: p for p in cluster.delivery_points}
    load: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for order in cluster.orders:
        if order.requested_date != day:
            continue
        for line in order.lines:
            acc = load[order.delivery_point][line.temperature_class]
            acc[0] += line.weight_kg
            acc[1] += line.pallet_places
    jobs, no_window = [], []
    for point_id in sorted(load):
        point = points[point_id]
        windows = tuple(
            pl.TimeWindow(_seconds(w.start), _seconds(w.end))
            for w in point.windows
            if w.weekday == day.weekday()
        )
        if point.windows and not windows:
            no_window.append(point_id)
            continue
        jobs.append(
            pl.Job.delivery_job(
                f"dp:{point_id}",
                pl.Location(point.lat, point.lon),
                {cls: pl.Load(kg, pallets) for cls, (kg, pallets) in load[point_id].items()},
                time_windows=windows,
                service_fixed_s=point.service_time_min * 60,
                service_per_pallet_s=SERVICE_PER_PALLET_S,
            )
        )
    vehicles = tuple(
        pl.Vehicle(
            id=v.external_id,
            shift_start=_seconds(v.shift_start),
            shift_end=_seconds(v.shift_end),
            capacities={
                c.temperature_class: pl.Capacity(c.capacity_kg, c.capacity_pallets)
                for c in v.compartments
            },
            cost_per_km=v.cost_per_km,
            cost_per_hour=v.cost_per_hour,
            break_rule=True,
            max_trips=MAX_TRIPS,
            reload_s=RELOAD_MIN * 60,
        )
        for v in cluster.vehicles
    )
    terminal = pl.Location(cluster.terminal.lat, cluster.terminal.lon)
    return pl.Problem(terminal, vehicles, tuple(jobs)), no_window


class Timer(pl.SolveCallbacks):
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.events: list[tuple[float, int, str]] = []
        self.phase = "ortools"

    def on_phase(self, phase: str) -> None:
        self.phase = phase

    def on_progress(self, fraction: float, best_cost: int) -> None:
        self.events.append((time.monotonic() - self.started, best_cost, self.phase))


def run(problem, params, travel, **kw) -> tuple[pl.Plan, Timer]:
    timer = Timer()
    plan = pl.solve(problem, params, callbacks=timer, travel=travel, **kw)
    return plan, timer


def summary(name: str, problem: pl.Problem, plan: pl.Plan, timer: Timer, checked: dict) -> dict:
    """Print and return one run's figures.

    ``first_solution_s`` is the first progress callback (PyVRP's first
    feasible solution when warm-started); ``ortools_first_s`` the first
    solution of the OR-Tools model itself (routes accepted or built), i.e.
    the first *checked* plan.
    """
    first = timer.events[0][0] if timer.events else None
    ortools_first = next((t for t, _, src in timer.events if src == "ortools"), None)
    record = {
        "run": name,
        "stops": len(problem.jobs),
        "vehicles_available": len(problem.vehicles),
        "vehicles_used": len({r.vehicle_id for r in plan.routes}),
        "trips": len(plan.routes),
        "km": round(plan.total_distance_m / 1000, 1),
        "cost": round(plan.total_cost, 1),
        "objective": plan.objective,
        "unassigned": len(plan.unassigned),
        "unassigned_reasons": dict(Counter(u.reason.value for u in plan.unassigned)),
        "first_solution_s": None if first is None else round(first, 2),
        "ortools_first_s": None if ortools_first is None else round(ortools_first, 2),
        "improving_solutions": len(timer.events),
        "wall_s": round(plan.wall_time_s, 2),
        "source": plan.first_solution_source,
        "warm_started": plan.warm_started,
        "load_avg_1min": round(os.getloadavg()[0], 2),
        **checked,
    }
    print(
        f"{name:10} stops {record['stops']:4d}  vehicles {record['vehicles_used']}/"
        f"{record['vehicles_available']} ({record['trips']} trips)  km {record['km']:8.1f}  "
        f"unassigned {record['unassigned']} {record['unassigned_reasons'] or ''}  "
        f"first {record['first_solution_s']} s (checked {record['ortools_first_s']} s)  "
        f"objective {plan.objective}  wall {record['wall_s']} s  "
        f"start {plan.first_solution_source}  driving max trip/day "
        f"{checked['max_trip_driving_h']}/{checked['max_day_driving_h']} h  "
        f"breaks {checked['breaks']}  load {record['load_avg_1min']}",
        flush=True,
    )
    return record


def trip_driving_s(problem: pl.Problem, route: pl.Route, travel) -> float:
    """Driving time of a trip recomputed from the travel model (independent of the solver)."""
    places = [problem.terminal] + [s.location for s in route.stops] + [problem.terminal]
    durations = travel.matrix(places).durations_s
    return sum(durations[k][k + 1] for k in range(len(places) - 1))


def check(problem: pl.Problem, plan: pl.Plan, travel) -> dict:
    """Independent checks: windows, compartments, shifts, trips, EU 561 driving and breaks.

    Driving per trip <= ``max_driving_s`` and per day <= ``max_daily_driving_s``
    (recomputed from the travel model); between two trips of a vehicle the
    gap covers the reload and the 45-min break, which is reported on the
    later trip. Returns the longest trip driving and longest day driving (h).
    """
    jobs = {j.id: j for j in problem.jobs}
    vehicles = {v.id: v for v in problem.vehicles}
    rule = problem.break_rule
    by_vehicle = defaultdict(list)
    longest_trip = longest_day = 0.0
    for route in plan.routes:
        v = vehicles[route.vehicle_id]
        by_vehicle[v.id].append(route)
        assert v.shift_start <= route.start and route.end <= v.shift_end, route.key
        for stop in route.stops:
            windows = jobs[stop.job_id].delivery.time_windows
            assert not windows or any(w.start <= stop.service_start <= w.end for w in windows), stop
            for cls, load in stop.load_after.items():
                assert load.fits_in(v.capacity(cls)), (route.key, cls)
        driving = trip_driving_s(problem, route, travel)
        longest_trip = max(longest_trip, driving)
        if v.break_rule:
            assert driving <= rule.max_driving_s, (route.key, driving)
    for vid, routes in by_vehicle.items():
        v = vehicles[vid]
        routes.sort(key=lambda r: r.trip)
        day = sum(trip_driving_s(problem, r, travel) for r in routes)
        longest_day = max(longest_day, day)
        assert not v.break_rule or day <= rule.max_daily_driving_s, vid
        assert not routes[0].breaks, vid
        for a, b in zip(routes, routes[1:], strict=False):
            if v.break_rule:
                assert b.start >= a.end + max(v.reload_s, rule.break_s), vid
                assert [(x.start, x.duration_s) for x in b.breaks] == [(a.end, rule.break_s)], vid
            else:
                assert b.start >= a.end + v.reload_s, vid
    return {
        "max_trip_driving_h": round(longest_trip / 3600, 2),
        "max_day_driving_h": round(longest_day / 3600, 2),
        "breaks": sum(len(r.breaks) for r in plan.routes),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="generator scale (4.35: ~1000 points)")
    ap.add_argument("--seed", type=int, default=2026, help="generator seed")
    ap.add_argument("--date", type=date.fromisoformat, help="plan date (default: busiest day)")
    ap.add_argument("--time-limit", type=float, default=10.0, help="full solve, seconds")
    ap.add_argument("--first-limit", type=float, default=2.0, help="short solve, seconds")
    ap.add_argument("--replan-limit", type=float, default=2.0, help="re-plan, seconds")
    ap.add_argument("--warm-start", default=None, help="SolveParams.warm_start (pyvrp|none)")
    ap.add_argument("--solver-seed", type=int, default=1)
    ap.add_argument(
        "--vehicles", type=int, help="use only the first N vehicles (long days: 2 trips, breaks)"
    )
    ap.add_argument("--json", type=Path, help="write the records here")
    ap.add_argument("--city", action="store_true",
                    help="the city-size day instead (samlast.demo.city: 1 100 points, ~950 stops)")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    if args.city:
        cluster, city_day = generate_city(seed=args.seed)
        args.scale = cluster.scale
    else:
        cluster, city_day = generate_cluster(seed=args.seed, scale=args.scale), None
    day = args.date or city_day or busiest_day(cluster)
    problem, no_window = day_problem(cluster, day)
    if args.vehicles:
        problem = pl.Problem(problem.terminal, problem.vehicles[: args.vehicles], problem.jobs)
    print(
        f"scale {args.scale}: {len(cluster.delivery_points)} points, {len(problem.vehicles)} "
        f"vehicles; {day} ({day:%A}): {len(problem.jobs)} stops, "
        f"{sum(j.pallets for j in problem.jobs):.1f} pallets, {len(no_window)} without a "
        f"window that day; generated in {time.monotonic() - t0:.1f} s",
        flush=True,
    )
    travel = pl.GeodesicTravelModel()
    extra = {"warm_start": args.warm_start} if args.warm_start else {}
    records = []

    def params(limit: float) -> pl.SolveParams:
        return pl.SolveParams(time_limit_s=limit, seed=args.solver_seed, **extra)

    full, timer = run(problem, params(args.time_limit), travel)
    records.append(summary("full", problem, full, timer, check(problem, full, travel)))

    short, timer = run(problem, params(args.first_limit), travel)
    records.append(summary("short", problem, short, timer, check(problem, short, travel)))

    # One more order: a point not in today's plan (or the first one, doubled).
    planned = {j.id for j in problem.jobs}
    extra_point = next(
        (
            p
            for p in cluster.delivery_points
            if f"dp:{p.external_id}" not in planned
            and any(w.weekday == day.weekday() for w in p.windows)
        ),
        None,
    )
    if extra_point is not None:
        windows = tuple(
            pl.TimeWindow(_seconds(w.start), _seconds(w.end))
            for w in extra_point.windows
            if w.weekday == day.weekday()
        )
        new_job = pl.Job.delivery_job(
            f"dp:{extra_point.external_id}",
            pl.Location(extra_point.lat, extra_point.lon),
            {"chilled": pl.Load(120.0, 0.5), "ambient": pl.Load(80.0, 0.3)},
            time_windows=windows,
            service_fixed_s=extra_point.service_time_min * 60,
            service_per_pallet_s=SERVICE_PER_PALLET_S,
        )
        bigger = pl.Problem(problem.terminal, problem.vehicles, problem.jobs + (new_job,))
        replan, timer = run(bigger, params(args.replan_limit), travel, initial_plan=full)
        rec = summary("replan", bigger, replan, timer, check(bigger, replan, travel))
        rec["new_job_served"] = new_job.id not in {u.job_id for u in replan.unassigned}
        print(f"{'':10} new order {new_job.id} served: {rec['new_job_served']}")
        records.append(rec)

    for rec in records:
        rec.update(scale=args.scale, seed=args.seed, date=day.isoformat())
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
