"""Solver behaviour on small hand-checkable problems.

Coordinates are planar metres (EuclideanTravelModel at 10 m/s = 36 km/h),
so 6 km is 600 s of driving.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from samlast.planning import (
    BreakRule,
    Capacity,
    EuclideanTravelModel,
    Job,
    JobKind,
    Load,
    Location,
    Plan,
    Problem,
    SolveCallbacks,
    SolveParams,
    StopAction,
    TimeWindow,
    UnassignedReason,
    Vehicle,
    Visit,
    solve,
)

H = 3600
TRAVEL = EuclideanTravelModel(speed=10.0)
FAST = SolveParams(time_limit_s=1.0, solution_limit=200)
TERMINAL = Location(0.0, 0.0)


def van(id="v1", *, frozen=0.0, chilled=0.0, ambient=10.0, kg=1000.0, **kw) -> Vehicle:
    caps = {
        cls: Capacity(kg=kg, pallets=pallets)
        for cls, pallets in (("frozen", frozen), ("chilled", chilled), ("ambient", ambient))
        if pallets
    }
    kw.setdefault("shift_start", 6 * H)
    kw.setdefault("shift_end", 16 * H)
    return Vehicle(id=id, capacities=caps, cost_per_km=10.0, cost_per_hour=300.0, **kw)


def delivery(id, x, y, *, cls="ambient", pallets=1.0, kg=100.0, windows=(), service=300):
    return Job.delivery_job(
        id,
        Location(x, y),
        {cls: Load(kg=kg, pallets=pallets)},
        tuple(windows),
        service_fixed_s=service,
    )


def run(problem: Problem, params: SolveParams = FAST, **kw) -> Plan:
    return solve(problem, params, travel=TRAVEL, **kw)


def served(plan: Plan) -> set[str]:
    return {s.job_id for r in plan.routes for s in r.stops}


def check_loads(plan: Plan, problem: Problem) -> None:
    vehicles = {v.id: v for v in problem.vehicles}
    for route in plan.routes:
        for stop in route.stops:
            for cls, load in stop.load_after.items():
                assert load.fits_in(vehicles[route.vehicle_id].capacity(cls)), (route, stop)


def check_windows(plan: Plan, problem: Problem) -> None:
    """Every stop is served within its job's one window."""
    jobs = {j.id: j for j in problem.jobs}
    for route in plan.routes:
        for stop in route.stops:
            (w,) = jobs[stop.job_id].delivery.time_windows
            assert w.start <= stop.service_start <= w.end, (route.key, stop)


def test_time_windows_respected_including_second_window():
    jobs = (
        delivery("a", 6000, 0, windows=[TimeWindow(8 * H, 9 * H)]),
        delivery("b", 6000, 3000, windows=[TimeWindow(7 * H, 7 * H + 900)]),
        delivery("c", 0, 6000, windows=[TimeWindow(10 * H, 11 * H)]),
        # First window closes before anyone can get there: must use the second.
        delivery(
            "d", 30000, 0, windows=[TimeWindow(6 * H, 6 * H + 600), TimeWindow(12 * H, 13 * H)]
        ),
    )
    problem = Problem(TERMINAL, (van(),), jobs)
    plan = run(problem)
    assert served(plan) == {"a", "b", "c", "d"}
    windows = {j.id: j.delivery.time_windows for j in jobs}
    for route in plan.routes:
        assert route.start >= 6 * H and route.end <= 16 * H
        for stop in route.stops:
            assert stop.arrival <= stop.service_start
            assert any(w.start <= stop.service_start <= w.end for w in windows[stop.job_id])
            assert stop.departure == stop.service_start + 300
    d = next(s for r in plan.routes for s in r.stops if s.job_id == "d")
    assert d.service_start >= 12 * H


def _soft(id, x, soft_latest_s=None):
    return Job.delivery_job(
        id, Location(x, 0.0), {"ambient": Load(kg=100.0, pallets=1.0)}, (TimeWindow(7 * H, 9 * H),),
        service_fixed_s=300, soft_latest_s=soft_latest_s,
    )


@pytest.mark.parametrize("warm_start", ["pyvrp", "none"])
def test_soft_latest_start_orders_the_stops_and_never_drops_a_job(warm_start):
    # a and b lie 6 km either side of the terminal: whichever comes second starts at 07:25.
    params = SolveParams(time_limit_s=1.0, solution_limit=200, warm_start=warm_start)
    for early, other in (("a", "b"), ("b", "a")):
        jobs = (_soft("a", 6000, 7 * H + 600 if early == "a" else None),
                _soft("b", -6000, 7 * H + 600 if early == "b" else None))
        plan = run(Problem(TERMINAL, (van(),), jobs), params)
        starts = {s.job_id: s.service_start for r in plan.routes for s in r.stops}
        assert starts[early] <= 7 * H + 600 < starts[other] <= 9 * H
    # Both want 07:10, only one can have it: the other is late for its margin, but served in its window.
    both = (_soft("a", 6000, 7 * H + 600), _soft("b", -6000, 7 * H + 600))
    plan = run(Problem(TERMINAL, (van(),), both), params)
    assert not plan.unassigned
    assert sorted(s.service_start for r in plan.routes for s in r.stops) == [7 * H, 7 * H + 1500]


def test_compartments_and_capacity_per_class():
    chilled_van = van("chilled_van", chilled=4, ambient=4)
    freezer = van("freezer", frozen=2, ambient=4)
    jobs = tuple(delivery(f"f{i}", 1000 * i, 500, cls="frozen") for i in range(1, 4)) + tuple(
        delivery(f"c{i}", 500, 1000 * i, cls="chilled") for i in range(1, 4)
    )
    problem = Problem(TERMINAL, (chilled_van, freezer), jobs)
    plan = run(problem)
    for route in plan.routes:
        kinds = {s.job_id[0] for s in route.stops}
        if route.vehicle_id == "chilled_van":
            assert "f" not in kinds
        else:
            assert "c" not in kinds
    # Freezer has 2 frozen pallet places and a single trip: one frozen job left over.
    assert served(plan) == {"f1", "f2", "f3", "c1", "c2", "c3"} - {plan.unassigned[0].job_id}
    assert [u.reason for u in plan.unassigned] == [UnassignedReason.NO_CAPACITY_OR_TIME_LEFT]
    assert plan.unassigned[0].job_id.startswith("f")
    check_loads(plan, problem)
    freezer_route = plan.route("freezer")
    assert freezer_route.stops[0].load_after["frozen"].pallets == 1.0  # 2 loaded, 1 delivered


def test_pickup_before_delivery_on_same_vehicle():
    producer = Visit(Location(20000, 0), (TimeWindow(7 * H, 9 * H),), service_fixed_s=600)
    kitchen = Visit(Location(20000, 5000), (TimeWindow(8 * H, 12 * H),), service_fixed_s=600)
    jobs = (
        Job.pickup_delivery_job("pd", producer, kitchen, {"chilled": Load(kg=200, pallets=2)}),
        delivery("x", 3000, 3000, cls="chilled"),
    )
    problem = Problem(TERMINAL, (van("a", chilled=4), van("b", chilled=4)), jobs)
    plan = run(problem)
    assert not plan.unassigned
    (route,) = [r for r in plan.routes if any(s.job_id == "pd" for s in r.stops)]
    actions = [(s.job_id, s.action) for s in route.stops if s.job_id == "pd"]
    assert actions == [("pd", StopAction.PICKUP), ("pd", StopAction.DELIVERY)]
    pick, drop = [s for s in route.stops if s.job_id == "pd"]
    assert pick.departure <= drop.arrival
    assert pick.load_after["chilled"].pallets >= 2.0
    assert pick.job_kind is JobKind.PICKUP_DELIVERY


def test_mixed_deliveries_and_pickups_track_real_load():
    # 6 pallets out and 6 pallets in with 8 places: only "deliver first" fits.
    jobs = (
        delivery("d1", 5000, 0, pallets=3),
        delivery("d2", 5000, 1000, pallets=3),
        Job.pickup_job(
            "p1", Location(6000, 0), {"ambient": Load(kg=100, pallets=3)}, service_fixed_s=300
        ),
        Job.pickup_job(
            "p2", Location(6000, 1000), {"ambient": Load(kg=100, pallets=3)}, service_fixed_s=300
        ),
    )
    problem = Problem(TERMINAL, (van(ambient=8),), jobs)
    plan = run(problem)
    assert not plan.unassigned
    (route,) = plan.routes
    check_loads(plan, problem)
    assert route.stops[-1].load_after["ambient"].pallets == 6.0
    first_pickup = min(i for i, s in enumerate(route.stops) if s.action is StopAction.PICKUP)
    assert all(s.action is StopAction.DELIVERY for s in route.stops[:first_pickup])
    assert first_pickup == 2


def trip_driving_s(route) -> float:
    """Driving time of a trip, recomputed from the travel model (not the solver)."""
    places = [TERMINAL] + [s.location for s in route.stops] + [TERMINAL]
    matrix = TRAVEL.matrix(places).durations_s
    return sum(matrix[k][k + 1] for k in range(len(places) - 1))


def check_break_rule(plan: Plan, problem: Problem) -> None:
    """Independent check of the EU 561 model: driving per trip/day, breaks in trip gaps."""
    rule = problem.break_rule
    vehicles = {v.id: v for v in problem.vehicles}
    by_vehicle = {}
    for route in plan.routes:
        by_vehicle.setdefault(route.vehicle_id, []).append(route)
    for vid, trips in by_vehicle.items():
        vehicle = vehicles[vid]
        trips.sort(key=lambda r: r.trip)
        assert sum(trip_driving_s(r) for r in trips) <= rule.max_daily_driving_s
        for route in trips:
            assert trip_driving_s(route) <= rule.max_driving_s, route.key
        assert not trips[0].breaks
        for before, after in zip(trips, trips[1:], strict=False):
            gap = max(vehicle.reload_s, rule.break_s)
            assert after.start >= before.end + gap
            assert [(b.start, b.duration_s) for b in after.breaks] == [(before.end, rule.break_s)]


def test_break_rule_long_day_two_trips_with_break_at_terminal():
    # Two clusters 60 km out: one trip through both drives ~17 500 s > 4.5 h,
    # so the driver must come back in between (a longer total distance).
    rule = BreakRule()
    east = [(60000, 0), (60000, 1000), (61000, 0)]
    north_east = [(60000, 40000), (60000, 41000), (61000, 40000)]
    jobs = tuple(delivery(f"a{i}", x, y) for i, (x, y) in enumerate(east)) + tuple(
        delivery(f"b{i}", x, y) for i, (x, y) in enumerate(north_east)
    )
    # 90 km out: 18 000 s of driving there and back, more than any trip may drive.
    far = delivery("far", 90000, 0)
    truck = van(break_rule=True, shift_end=20 * H, max_trips=2, reload_s=1200)
    problem = Problem(TERMINAL, (truck,), jobs + (far,), rule)
    plan = run(problem)
    assert served(plan) == {j.id for j in jobs}
    assert [(u.job_id, u.reason) for u in plan.unassigned] == [
        ("far", UnassignedReason.DRIVING_TIME_LIMIT)
    ]
    trips = sorted(plan.routes, key=lambda r: r.trip)
    assert len(trips) == 2
    assert {s.job_id[0] for s in trips[0].stops} != {s.job_id[0] for s in trips[1].stops}
    assert trips[1].start - trips[0].end >= rule.break_s
    assert trips[1].breaks[0].start == trips[0].end
    check_break_rule(plan, problem)

    # Without the rule one trip through both clusters is cheaper (the limit binds),
    # and the far job is served.
    free = Problem(TERMINAL, (van(shift_end=20 * H, max_trips=2, reload_s=1200),), jobs + (far,))
    unrestricted = run(free)
    assert not unrestricted.unassigned
    assert max(trip_driving_s(r) for r in unrestricted.routes) > rule.max_driving_s
    assert all(not r.breaks for r in unrestricted.routes)


def test_daily_driving_limit_across_trips():
    # Three jobs 30 km out in different directions: one trip each (2 h of
    # driving per trip allowed), 3.5 h per day allows only two of them.
    rule = BreakRule(max_driving_s=2 * H, break_s=45 * 60, max_daily_driving_s=int(3.5 * H))
    jobs = (
        delivery("e", 30000, 0),
        delivery("nw", -15000, 25981),
        delivery("sw", -15000, -25981),
    )
    truck = van(break_rule=True, shift_end=20 * H, max_trips=3, reload_s=600)
    problem = Problem(TERMINAL, (truck,), jobs, rule)
    plan = run(problem)
    assert len(plan.routes) == 2 and all(len(r.stops) == 1 for r in plan.routes)
    assert [u.reason for u in plan.unassigned] == [UnassignedReason.NO_CAPACITY_OR_TIME_LEFT]
    check_break_rule(plan, problem)


def test_short_shift_needs_no_break_between_trips():
    # A 4 h shift can never drive 4.5 h: trips are only separated by the reload.
    jobs = tuple(delivery(f"j{i}", 4000, 1000 * i, pallets=4) for i in range(4))
    truck = van(ambient=10, break_rule=True, shift_end=10 * H, max_trips=2, reload_s=600)
    plan = run(Problem(TERMINAL, (truck,), jobs))
    assert not plan.unassigned
    trips = sorted(plan.routes, key=lambda r: r.trip)
    assert len(trips) == 2 and all(not r.breaks for r in trips)
    assert trips[1].start >= trips[0].end + 600


def test_unassigned_jobs_have_reasons():
    jobs = (
        delivery("ok", 3000, 0),
        delivery("heavy", 3000, 0, kg=5000),
        delivery("frozen", 3000, 0, cls="frozen"),
        delivery("far", 100000, 0, windows=[TimeWindow(6 * H, 6 * H + 600)]),
    )
    problem = Problem(TERMINAL, (van(kg=1000, chilled=2),), jobs)
    plan = run(problem)
    assert served(plan) == {"ok"}
    assert {u.job_id: u.reason for u in plan.unassigned} == {
        "heavy": UnassignedReason.TOO_HEAVY_FOR_ANY_VEHICLE,
        "frozen": UnassignedReason.NO_VEHICLE_COMPARTMENT,
        "far": UnassignedReason.TIME_WINDOW_UNREACHABLE,
    }


def test_multi_trip_when_one_trip_cannot_carry_everything():
    jobs = tuple(delivery(f"j{i}", 4000, 1000 * i, pallets=4) for i in range(4))
    one_trip = Problem(TERMINAL, (van(ambient=10),), jobs)
    assert len(run(one_trip).unassigned) == 2

    truck = van(ambient=10, max_trips=3, reload_s=1800)
    plan = run(Problem(TERMINAL, (truck,), jobs))
    assert not plan.unassigned
    trips = sorted(plan.routes, key=lambda r: r.trip)
    assert len(trips) == 2 and {r.vehicle_id for r in trips} == {"v1"}
    assert all(
        sum(s.load_after.get("ambient", Load()).pallets for s in r.stops[:1]) <= 10 for r in trips
    )
    assert trips[1].start >= trips[0].end + 1800


def _replanning_problem(extra=()):
    jobs = tuple(
        delivery(f"j{i}", 2000 * i, 1000 * (i % 2), windows=[TimeWindow(7 * H, 14 * H)])
        for i in range(1, 7)
    )
    return Problem(TERMINAL, (van("a", ambient=20), van("b", ambient=20)), jobs + tuple(extra))


def test_warm_start_keeps_completed_stops_fixed():
    first = run(_replanning_problem())
    route = max(first.routes, key=lambda r: len(r.stops))
    assert len(route.stops) >= 2
    done = route.stops[:2]
    # An urgent new job close to the terminal would naturally go first.
    urgent = delivery("urgent", 500, 0, windows=[TimeWindow(7 * H, 15 * H)])
    plan = run(_replanning_problem([urgent]), initial_plan=first, fixed={route.key: 2})
    assert plan.warm_started
    again = plan.route(*route.key)
    assert [(s.job_id, s.service_start) for s in again.stops[:2]] == [
        (s.job_id, s.service_start) for s in done
    ]
    assert again.start == route.start
    assert "urgent" in served(plan) and not plan.unassigned


@pytest.mark.parametrize("after_s", [90 * 60, 1], ids=["90 min late", "faster than the model drives"])
def test_fixed_stops_served_late_or_out_of_their_window_stay_and_the_trip_continues_after_them(after_s):
    first = run(_replanning_problem())
    route = max(first.routes, key=lambda r: len(r.stops))
    done = route.stops[:2]
    # The driver took them in the other order, the second one `after_s` after leaving the first
    # (late, or sooner than the model's travel time), and its window has since been moved to the
    # afternoon: they happened, so they stay, and the trip goes on from them.
    late = done[1].departure + after_s
    driven = replace(first, routes=tuple(
        replace(r, stops=(done[1], replace(done[0], service_start=late), *r.stops[2:])) if r.key == route.key else r
        for r in first.routes
    ))  # fmt: skip
    moved = tuple(
        replace(job, delivery=replace(job.delivery, time_windows=(TimeWindow(13 * H, 14 * H),)))
        if job.id == done[0].job_id else job
        for job in _replanning_problem().jobs
    )  # fmt: skip
    problem = replace(_replanning_problem(), jobs=moved)
    plan = run(problem, initial_plan=driven, fixed={route.key: 2}, warm_start=False)
    again = plan.route(*route.key)
    assert [s.job_id for s in again.stops[:2]] == [done[1].job_id, done[0].job_id]
    assert again.stops[1].service_start >= late
    assert all(s.service_start >= again.stops[1].departure for s in again.stops[2:])
    assert not plan.warm_started and not plan.unassigned


def test_fixed_requires_initial_plan():
    with pytest.raises(ValueError):
        solve(_replanning_problem(), FAST, travel=TRAVEL, fixed={("a", 0): 1})


def test_deterministic_with_seed():
    jobs = tuple(
        delivery(
            f"j{i}",
            (i * 7919) % 20000,
            (i * 104729) % 20000,
            windows=[TimeWindow(7 * H + (i % 4) * H, 10 * H + (i % 4) * H)],
        )
        for i in range(15)
    )
    problem = Problem(TERMINAL, (van("a"), van("b"), van("c")), jobs)
    params = SolveParams(time_limit_s=30, seed=7, solution_limit=50, warm_start_iterations=300)
    a, b = run(problem, params), run(problem, params)

    def signature(plan):
        return [(r.key, [(s.job_id, s.service_start) for s in r.stops]) for r in plan.routes]

    assert signature(a) == signature(b)
    assert a.objective == b.objective and a.params.seed == 7


def test_progress_callback_and_plan_metadata():
    seen = []

    phases = []

    class Recorder(SolveCallbacks):
        def on_progress(self, fraction, best_cost):
            seen.append((fraction, best_cost))

        def on_phase(self, phase):
            phases.append(phase)

    jobs = tuple(delivery(f"j{i}", 1000 * i, 0) for i in range(1, 5))
    plan = solve(Problem(TERMINAL, (van(),), jobs), FAST, travel=TRAVEL, callbacks=Recorder())
    assert seen and all(0.0 <= f <= 1.0 for f, _ in seen)
    assert seen[-1][1] == plan.objective
    assert phases == ["pyvrp", "ortools"]
    (route,) = plan.routes
    assert route.distance_m == pytest.approx(2 * 4000)
    assert route.cost == pytest.approx(10.0 * 8 + 300.0 * route.duration_s / H)
    assert plan.status.startswith("ROUTING_")
    assert plan.wall_time_s > 0


def _small_vrptw() -> Problem:
    """Solomon-like: 24 customers in 4 clusters, tight windows, 4 small vans."""
    jobs = []
    for i in range(24):
        cx, cy = [(8000, 0), (0, 8000), (-8000, 0), (0, -8000)][i % 4]
        x, y = cx + (i * 7919) % 3000 - 1500, cy + (i * 104729) % 3000 - 1500
        start = 7 * H + ((i * 37) % 6) * H
        jobs.append(delivery(f"j{i}", x, y, pallets=2, windows=[TimeWindow(start, start + H)]))
    vans = tuple(van(f"v{k}", ambient=12) for k in range(4))
    return Problem(TERMINAL, vans, tuple(jobs))


def test_pyvrp_warm_start_feasible_and_not_worse():
    # Stopped by counts (PyVRP iterations, OR-Tools solutions), not seconds: the same plans on
    # any machine and load; the time limit is only a safety net.
    problem = _small_vrptw()
    cold = run(problem, SolveParams(time_limit_s=60.0, warm_start="none", solution_limit=300))
    params = SolveParams(time_limit_s=60.0, seed=3, warm_start_iterations=2000, solution_limit=300)
    warm = run(problem, params)
    assert warm.first_solution_source == "pyvrp"
    assert cold.first_solution_source == "ortools"
    assert not warm.unassigned and not cold.unassigned
    assert warm.total_cost <= cold.total_cost + 1e-6
    check_loads(warm, problem)
    jobs = {j.id: j for j in problem.jobs}
    for route in warm.routes:
        assert len(route.stops) * 2 <= 12  # 2 pallets each, 12 places
        for stop in route.stops:
            (w,) = jobs[stop.job_id].delivery.time_windows
            assert w.start <= stop.service_start <= w.end
            assert stop.arrival <= stop.service_start
        assert route.start >= 6 * H and route.end <= 16 * H


def test_pyvrp_warm_start_is_deterministic_with_iteration_cap():
    problem = _small_vrptw()
    params = SolveParams(time_limit_s=30, seed=5, solution_limit=20, warm_start_iterations=500)
    a, b = run(problem, params), run(problem, params)
    assert a.first_solution_source == b.first_solution_source == "pyvrp"
    assert [(r.key, [s.job_id for s in r.stops]) for r in a.routes] == [
        (r.key, [s.job_id for s in r.stops]) for r in b.routes
    ]


@pytest.mark.parametrize(
    ("fallback", "phases_run", "source"),
    [("ortools", [True], "ortools"), ("optional", [True, False], "pyvrp")],
)
def test_when_not_every_job_fits_pyvrp_hands_over_to_ortools_or_goes_on_with_optional_jobs(
    monkeypatch, fallback, phases_run, source
):
    # Four 2-pallet jobs, one van with 6 places and one trip: the all-required search
    # cannot be feasible. By default OR-Tools then plans from scratch with the rest of the
    # budget (it inserts more jobs than it can add to PyVRP's prize-collecting routes on
    # overloaded days); "optional" lets PyVRP go on with optional jobs. Either way one is dropped.
    from samlast.planning import pyvrp_start

    phases = []
    real_solve = pyvrp_start.pyvrp.solve

    def recording_solve(data, **kw):
        phases.append(all(client.required for client in data.clients()))
        return real_solve(data, **kw)

    monkeypatch.setattr(pyvrp_start.pyvrp, "solve", recording_solve)
    jobs = tuple(delivery(f"j{i}", 4000 * (i + 1), 0, pallets=2) for i in range(4))
    problem = Problem(TERMINAL, (van(ambient=6),), jobs)
    params = SolveParams(time_limit_s=2.0, warm_start_iterations=400, warm_start_fallback=fallback)
    plan = run(problem, params)
    assert phases == phases_run
    assert plan.first_solution_source.startswith(source)
    assert len(served(plan)) == 3 and len(plan.unassigned) == 1


def test_pyvrp_warm_start_needs_one_phase_when_every_job_fits(monkeypatch):
    from samlast.planning import pyvrp_start

    phases = []
    real_solve = pyvrp_start.pyvrp.solve

    def recording_solve(data, **kw):
        phases.append(all(client.required for client in data.clients()))
        return real_solve(data, **kw)

    monkeypatch.setattr(pyvrp_start.pyvrp, "solve", recording_solve)
    plan = run(_small_vrptw(), SolveParams(time_limit_s=2.0, warm_start_iterations=400))
    assert phases == [True]
    assert plan.first_solution_source == "pyvrp" and not plan.unassigned


def test_pyvrp_warm_start_used_for_break_rule_fleet():
    # 24 pallets on a 12-place truck: two trips. PyVRP gets the trip gap
    # (max(reload, break)) as its reload time, so OR-Tools accepts its routes.
    rule = BreakRule()
    jobs = tuple(
        delivery(f"j{i}", 3000 * (i % 3 + 1), 3000 * (i // 3), pallets=3, service=2400)
        for i in range(8)
    )
    truck = van(ambient=12, break_rule=True, shift_end=20 * H, max_trips=2, reload_s=1800)
    problem = Problem(TERMINAL, (truck,), jobs, rule)
    plan = run(problem, SolveParams(time_limit_s=2.0, warm_start_iterations=500))
    assert plan.first_solution_source == "pyvrp"
    assert not plan.unassigned
    trips = sorted(plan.routes, key=lambda r: r.trip)
    assert len(trips) == 2 and trips[1].start >= trips[0].end + rule.break_s
    # Work (service included) exceeds 4.5 h, driving does not: no break inside a trip.
    assert trips[0].end - trips[0].start + trips[1].end - trips[1].start > rule.max_driving_s
    check_break_rule(plan, problem)


def test_pyvrp_trip_driving_too_long_is_repaired():
    # PyVRP knows no driving limit and plans one trip through both clusters;
    # the solver cuts the trip's end and OR-Tools moves those jobs to trip 2.
    east = [(60000, 0), (60000, 1000)]
    north_east = [(60000, 40000), (60000, 41000)]
    jobs = tuple(delivery(f"j{i}", x, y) for i, (x, y) in enumerate(east + north_east))
    truck = van(break_rule=True, shift_end=20 * H, max_trips=2, reload_s=1200)
    problem = Problem(TERMINAL, (truck,), jobs)
    plan = run(problem, SolveParams(time_limit_s=2.0, warm_start_iterations=300))
    assert plan.first_solution_source.startswith("pyvrp_repaired:")
    assert not plan.unassigned and len(plan.routes) == 2
    check_break_rule(plan, problem)


def test_warm_start_fallback_is_validated():
    with pytest.raises(ValueError, match="warm_start_fallback"):
        SolveParams(warm_start_fallback="greedy")


def test_warm_start_option_is_validated():
    with pytest.raises(ValueError):
        SolveParams(warm_start="lkh")
    with pytest.raises(ValueError):
        SolveParams(warm_start_share=1.0)


@pytest.mark.parametrize("infeasible", [2**63 - 1, float("inf")], ids=["int64 max (PyVRP 0.14)", "+inf"])
def test_pyvrp_search_gives_up_when_nothing_feasible_turns_up(infeasible):
    """The all-jobs-required search stops after its share of iterations when no solution is
    feasible, and reports nothing as a feasible cost."""
    from samlast.planning.pyvrp_start import _Stop

    reported: list[int] = []
    stop = _Stop(1000, 60.0, reported.append, lambda: False, give_up=(3, 60.0))
    assert [stop(infeasible) for _ in range(4)] == [False, False, False, True]
    assert reported == []
    feasible = _Stop(1000, 60.0, reported.append, lambda: False, give_up=(3, 60.0))
    assert [feasible(500) for _ in range(4)] == [False] * 4 and reported == [500]


def test_large_days_start_from_the_nearest_neighbour_plan_then_search_with_a_small_neighbourhood(monkeypatch):
    """From LARGE_SEARCH_FROM clients on (lowered here to the 24-job problem), PyVRP's first
    search starts from the nearest-neighbour plan, which keeps every window and load, and ends
    at the first feasible plan; the second goes on from that plan with LARGE_SEARCH: a smaller
    neighbourhood, no exhaustive search of each new best plan, a shorter acceptance history."""
    from samlast.planning import pyvrp_start

    calls = []
    starts = []
    real_solve = pyvrp_start.pyvrp.solve
    real_start = pyvrp_start._nearest_start

    def recording_start(data):
        solution = real_start(data)
        starts.append(solution)
        return solution

    def recording_solve(data, **kw):
        calls.append((kw["params"], kw["initial_solution"]))
        result = real_solve(data, **kw)
        calls[-1] += (result.best.is_feasible(),)
        return result

    monkeypatch.setattr(pyvrp_start, "LARGE_SEARCH_FROM", 10)
    monkeypatch.setattr(pyvrp_start, "_nearest_start", recording_start)
    monkeypatch.setattr(pyvrp_start.pyvrp, "solve", recording_solve)
    problem = _small_vrptw()
    plan = run(problem, SolveParams(time_limit_s=10.0, seed=3, warm_start_iterations=600, solution_limit=50))

    (start,) = starts
    assert start.time_warp() == 0 and not start.has_excess_load()
    assert start.num_clients() >= 20  # the greedy plan leaves few out; the search inserts them
    (first_params, first_start, first_feasible), (second_params, second_start, second_feasible) = calls
    assert first_start is start and first_params.neighbourhood.num_neighbours == 50
    assert first_feasible and second_start is not None and second_start.is_feasible()
    assert second_params is pyvrp_start.LARGE_SEARCH and second_params.neighbourhood.num_neighbours == 20
    assert not second_params.ils.exhaustive_on_best and first_params.ils.exhaustive_on_best
    assert second_params.ils.history_length == pyvrp_start.LARGE_HISTORY < first_params.ils.history_length
    assert second_feasible
    assert plan.first_solution_source == "pyvrp" and not plan.unassigned
    check_loads(plan, problem)
    check_windows(plan, problem)


def _start_with_one_route_only(monkeypatch):
    """Cut the nearest-neighbour plan to its first route: infeasible while every job is required."""
    from samlast.planning import pyvrp_start

    real_start = pyvrp_start._nearest_start
    monkeypatch.setattr(
        pyvrp_start, "_nearest_start", lambda data: pyvrp_start.pyvrp.Solution(data, real_start(data).routes()[:1])
    )


def test_large_days_restart_from_the_same_plan_with_the_next_seed_until_one_is_feasible(monkeypatch):
    """At city size a seed can need very long to a feasible plan (a long tail): the first search
    restarts from the same nearest-neighbour plan with the next seed. Here that plan keeps one
    route only and the first attempt is made to give up at once; the second, with seed + 1,
    finds the feasible plan that is used."""
    from samlast.planning import pyvrp_start

    calls = []
    real_solve = pyvrp_start.pyvrp.solve
    _start_with_one_route_only(monkeypatch)

    def first_attempt_gives_up(data, **kw):
        calls.append((kw["seed"], kw["initial_solution"], kw["params"]))
        if len(calls) == 1:
            kw["stop"] = lambda best_cost: True
        result = real_solve(data, **kw)
        calls[-1] += (result.best.is_feasible(),)
        return result

    monkeypatch.setattr(pyvrp_start, "LARGE_SEARCH_FROM", 10)
    monkeypatch.setattr(pyvrp_start.pyvrp, "solve", first_attempt_gives_up)
    problem = _small_vrptw()
    plan = run(problem, SolveParams(time_limit_s=10.0, seed=3, warm_start_iterations=600, solution_limit=50))

    (seed1, start1, _, feasible1), (seed2, start2, _, feasible2), (seed3, start3, params3, feasible3) = calls
    assert not feasible1 and start1 is not None and start2 is start1  # the same greedy plan again
    assert (seed1, seed2) == (3, 4) and feasible2
    assert start3 is not None and start3.is_feasible() and params3 is pyvrp_start.LARGE_SEARCH and feasible3
    assert plan.first_solution_source == "pyvrp" and not plan.unassigned
    check_loads(plan, problem)


def test_large_days_without_a_feasible_plan_go_on_with_optional_jobs_from_the_nearest_neighbour_plan(
    monkeypatch,
):
    """If no seed reaches a feasible plan in time, a large day does not fall back to OR-Tools alone
    (at city size that left ~745 of 962 stops unplanned): PyVRP goes on with optional jobs from the
    nearest-neighbour plan, and OR-Tools gets its routes, even with the default
    warm_start_fallback="ortools"."""
    from samlast.planning import pyvrp_start

    calls = []
    real_solve = pyvrp_start.pyvrp.solve
    _start_with_one_route_only(monkeypatch)

    def required_never_feasible(data, **kw):
        required = all(client.required for client in data.clients())
        calls.append((required, kw["initial_solution"], kw["params"]))
        if required:
            kw["stop"] = lambda best_cost: True  # every attempt gives up at once
        return real_solve(data, **kw)

    monkeypatch.setattr(pyvrp_start, "LARGE_SEARCH_FROM", 10)
    monkeypatch.setattr(pyvrp_start.pyvrp, "solve", required_never_feasible)
    problem = _small_vrptw()
    params = SolveParams(time_limit_s=3.0, seed=3, solution_limit=200)
    assert params.warm_start_fallback == "ortools"
    plan = run(problem, params)

    *attempts, (required, start, search) = calls
    assert len(attempts) >= 2 and all(r for r, _, _ in attempts)  # restarted until the deadline
    assert not required and search is pyvrp_start.LARGE_SEARCH
    assert start.is_feasible() and start.num_routes() == 1  # the optional plan starts where NN left
    assert plan.first_solution_source == "pyvrp"
    assert not plan.unassigned  # OR-Tools inserted what the one route left out
    check_loads(plan, problem)


def test_pyvrp_settles_after_iterations_without_a_better_plan():
    from samlast.planning.pyvrp_start import INFEASIBLE_COST, _Stop

    stop = _Stop(1000, 60.0, lambda cost: None, lambda: False, settle_after=3)
    # Nothing feasible yet counts for nothing; a better plan starts the count again.
    costs = [INFEASIBLE_COST, INFEASIBLE_COST, 100, 100, 100, 90, 90, 90, 90]
    assert [stop(c) for c in costs] == [False] * 8 + [True]
    assert stop.settled
    unsettled = _Stop(1000, 60.0, lambda cost: None, lambda: False)
    assert not any(unsettled(100) for _ in range(50)) and not unsettled.settled


def _small_day() -> Problem:
    """Eight stops with windows around the terminal, two vans."""
    jobs = [
        delivery(f"j{i}", x, y, windows=[TimeWindow(start, start + 2 * H)])
        for i, (x, y, start) in enumerate(
            [(4000, 0, 7 * H), (4000, 3000, 7 * H), (0, 5000, 8 * H), (-3000, 4000, 8 * H),
             (-5000, 0, 9 * H), (-2000, -4000, 9 * H), (2000, -5000, 10 * H), (5000, -2000, 10 * H)]
        )
    ]  # fmt: skip
    return Problem(TERMINAL, (van("v1", ambient=4), van("v2", ambient=4)), tuple(jobs))


def test_a_small_day_ends_when_the_search_settles_and_costs_what_the_whole_limit_gives(monkeypatch):
    from samlast.planning import pyvrp_start

    problem = _small_day()
    settled = run(problem, SolveParams(time_limit_s=30.0))
    assert settled.wall_time_s < 5.0, settled.wall_time_s
    assert settled.first_solution_source == "pyvrp" and not settled.unassigned
    check_loads(settled, problem)
    check_windows(settled, problem)
    # Without the rule both searches run for the whole limit, and find no cheaper plan.
    monkeypatch.setattr(pyvrp_start, "SETTLE_UP_TO", -1)
    whole = run(problem, SolveParams(time_limit_s=2.0))
    assert whole.wall_time_s >= 1.9
    assert settled.total_cost <= whole.total_cost * 1.001, (settled.total_cost, whole.total_cost)
