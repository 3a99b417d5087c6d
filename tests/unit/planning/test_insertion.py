"""Instant insertion of a new delivery: seeded random days, every constraint checked independently."""

import math
import random

import pytest

from samlast.planning.insertion import cheapest_insertion
from samlast.planning.model import BreakRule, Job, Load, Location, Route, StopAction, TimeWindow, Vehicle
from samlast.planning.travel import EuclideanTravelModel

TERMINAL = Location(0.0, 0.0)
TRAVEL = EuclideanTravelModel(speed=1.0)  # metres = seconds: easy to check by hand
RULE = BreakRule(max_driving_s=6000, break_s=900, max_daily_driving_s=10000)
CLASSES = ("ambient", "chilled", "frozen")


def leg(a: Location, b: Location) -> int:
    return math.ceil(math.hypot(a.lat - b.lat, a.lon - b.lon) - 1e-9)


def random_day(rng: random.Random):
    vehicles = {}
    routes = []
    for v in range(rng.randint(2, 4)):
        classes = rng.sample(CLASSES, rng.randint(1, 3))
        vehicle = Vehicle(
            f"v{v}",
            shift_start=0,
            shift_end=rng.choice([30000, 40000]),
            capacities={c: Load(rng.choice([300.0, 800.0]), rng.choice([2.0, 6.0])) for c in classes},
            cost_per_km=rng.choice([5.0, 10.0]),
            cost_per_hour=rng.choice([0.0, 300.0]),
            max_route_duration=rng.choice([None, 25000]),
            break_rule=rng.random() < 0.5,
            max_trips=2,
            reload_s=rng.choice([0, 600]),
        )
        vehicles[vehicle.id] = vehicle
        for trip, start in enumerate((1000, 16000)):
            routes.append(Route(vehicle.id, trip, start, start, (), (), 0.0, 0, 0.0))
    return vehicles, routes


def random_job(rng: random.Random, i: int) -> Job:
    start = rng.randint(0, 30000)
    windows = () if rng.random() < 0.3 else (TimeWindow(start, start + rng.randint(600, 9000)),)
    cls = rng.choice(CLASSES)
    return Job.delivery_job(
        f"j{i}",
        Location(rng.uniform(-2500, 2500), rng.uniform(-2500, 2500)),
        {cls: Load(rng.uniform(10, 250), rng.choice([0.5, 1.0, 2.0]))},
        windows,
        service_fixed_s=rng.choice([0, 120, 300]),
        service_per_pallet_s=rng.choice([0, 60]),
    )


def check_day(routes, jobs, vehicles):
    """Every constraint, recomputed without the module under test."""
    seen = [s.job_id for r in routes for s in r.stops]
    assert len(seen) == len(set(seen)), "a job twice"
    by_vehicle = {}
    for r in routes:
        by_vehicle.setdefault(r.vehicle_id, []).append(r)
    for vid, trips in by_vehicle.items():
        vehicle = vehicles[vid]
        trips.sort(key=lambda r: r.start)
        day_driving = 0
        for k, r in enumerate(trips):
            if not r.stops:
                continue
            on_board = {}
            for s in r.stops:
                for c, load in jobs[s.job_id].demand.items():
                    kg, pal = on_board.get(c, (0.0, 0.0))
                    on_board[c] = (kg + load.kg, pal + load.pallets)
            for c, (kg, pal) in on_board.items():
                cap = vehicle.capacities.get(c)
                assert cap is not None, f"{vid} has no {c} compartment"
                assert kg <= cap.kg + 1e-6 and pal <= cap.pallets + 1e-6, f"{vid} over capacity in {c}"
            here, t, driving = TERMINAL, r.start, 0
            for s in r.stops:
                job = jobs[s.job_id]
                assert s.action is StopAction.DELIVERY
                d = leg(here, s.location)
                driving += d
                assert s.arrival == t + d
                assert s.service_start >= s.arrival
                windows = job.delivery.time_windows
                if windows:
                    assert any(w.start <= s.service_start <= w.end for w in windows), (s, windows)
                assert s.departure == s.service_start + job.delivery.service_s(job.pallets)
                here, t = s.location, s.departure
            d = leg(here, TERMINAL)
            driving += d
            assert r.end == t + d
            assert r.end <= vehicle.shift_end
            if k + 1 < len(trips):
                gap = max(vehicle.reload_s, RULE.break_s) if vehicle.break_rule else vehicle.reload_s
                assert r.end + gap <= trips[k + 1].start
            if vehicle.max_route_duration is not None:
                assert r.end - trips[0].start <= vehicle.max_route_duration
            if vehicle.break_rule:
                assert driving <= RULE.max_driving_s
            day_driving += driving
        if vehicle.break_rule:
            assert day_driving <= RULE.max_daily_driving_s


def insert(job, routes, jobs, vehicles, now):
    found = cheapest_insertion(job, routes, jobs, vehicles, TERMINAL, TRAVEL, now=now, break_rule=RULE)
    if found is None:
        return routes, None
    assert [s.job_id for s in found.route.stops].count(job.id) == 1
    jobs[job.id] = job
    return [found.route if r.key == found.route.key else r for r in routes], found


@pytest.mark.parametrize("seed", range(40))
def test_insertion_respects_every_constraint_and_never_touches_a_departed_trip(seed):
    rng = random.Random(seed)
    vehicles, routes = random_day(rng)
    jobs = {}
    for i in range(15):
        routes, _ = insert(random_job(rng, i), routes, jobs, vehicles, now=0)
        check_day(routes, jobs, vehicles)
    # Morning trips have left: later orders may only go to the afternoon trips, and
    # the stops already planned keep their order.
    departed = {r.key: r for r in routes if r.start <= 5000}
    before = {r.key: [s.job_id for s in r.stops] for r in routes}
    inserted = 0
    for i in range(15, 30):
        routes, found = insert(random_job(rng, i), routes, jobs, vehicles, now=5000)
        check_day(routes, jobs, vehicles)
        if found is not None:
            inserted += 1
            assert found.route.start > 5000
            order = [s.job_id for s in found.route.stops if s.job_id != f"j{i}"]
            assert order == before[found.route.key]
            before[found.route.key] = [s.job_id for s in found.route.stops]
    for key, route in departed.items():
        assert next(r for r in routes if r.key == key) == route
    assert sum(len(r.stops) for r in routes) == len(jobs)


def test_cheapest_position_is_chosen_and_infeasible_is_refused():
    vehicle = Vehicle("v", 0, 20000, {"ambient": Load(1000.0, 10.0)}, cost_per_km=10.0)
    near = Job.delivery_job("near", Location(1000.0, 0.0), {"ambient": Load(10.0, 1.0)})
    far = Job.delivery_job("far", Location(3000.0, 0.0), {"ambient": Load(10.0, 1.0)})
    empty = Route("v", 0, 100, 100, (), (), 0.0, 0, 0.0)
    jobs = {}
    routes, _ = insert(near, [empty], jobs, {"v": vehicle}, now=0)
    routes, _ = insert(far, routes, jobs, {"v": vehicle}, now=0)
    middle = Job.delivery_job("mid", Location(2000.0, 0.0), {"ambient": Load(10.0, 1.0)})
    found = cheapest_insertion(middle, routes, jobs, {"v": vehicle}, TERMINAL, TRAVEL, now=0)
    # On a line every order that goes out and comes back drives 6 km; "mid" lies on the way.
    assert found.added_cost == pytest.approx(0.0, abs=1e-6)
    assert found.route.distance_m == pytest.approx(6000.0)
    assert [s.job_id for s in found.route.stops if s.job_id != "mid"] == [s.job_id for s in routes[0].stops]
    detour = Job.delivery_job("side", Location(2000.0, 1000.0), {"ambient": Load(10.0, 1.0)})
    side = cheapest_insertion(detour, routes, jobs, {"v": vehicle}, TERMINAL, TRAVEL, now=0)
    # Best detour: on the way out, 0 -> (2, 1) -> (3, 0) km is sqrt(5) + sqrt(2) instead of 3 km.
    assert side.added_cost == pytest.approx(10.0 * (math.sqrt(5) + math.sqrt(2) - 3), abs=0.02)
    frozen = Job.delivery_job("ice", Location(10.0, 0.0), {"frozen": Load(1.0, 0.1)})
    assert cheapest_insertion(frozen, routes, jobs, {"v": vehicle}, TERMINAL, TRAVEL, now=0) is None
    late = Job.delivery_job("late", Location(500.0, 0.0), {"ambient": Load(1.0, 0.1)}, (TimeWindow(0, 50),))
    assert cheapest_insertion(late, routes, jobs, {"v": vehicle}, TERMINAL, TRAVEL, now=0) is None
    # The trip has left: nothing goes on it.
    assert cheapest_insertion(middle, routes, jobs, {"v": vehicle}, TERMINAL, TRAVEL, now=100) is None
