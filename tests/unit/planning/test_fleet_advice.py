"""Fleet advice on synthetic days whose answer is known by construction.

Planar metres at 10 m/s (EuclideanTravelModel), so 15 km is 25 minutes of driving.
"""

from __future__ import annotations

import math

from samlast.planning import Capacity, EuclideanTravelModel, Job, Load, Location, Problem, TimeWindow, Vehicle
from samlast.planning.fleet import AdviceCallbacks, VehicleType, advise, capacity_lower_bound

H = 3600
TRAVEL = EuclideanTravelModel(speed=10.0)
TERMINAL = Location(0.0, 0.0)
WHOLE_DAY = (TimeWindow(6 * H, 16 * H),)
SEVEN = (TimeWindow(7 * H, 7 * H + 10 * 60),)


def van(id: str, pallets: float = 10.0, kg: float = 1000.0) -> Vehicle:
    return Vehicle(
        id=id,
        shift_start=6 * H,
        shift_end=16 * H,
        capacities={"ambient": Capacity(kg=kg, pallets=pallets)},
        cost_per_km=10.0,
        cost_per_hour=300.0,
    )


def stop(id: str, x: float, y: float, pallets: float = 1.0, windows=WHOLE_DAY, kg: float = 50.0) -> Job:
    return Job.delivery_job(id, Location(x, y), {"ambient": Load(kg=kg, pallets=pallets)}, windows,
                            service_fixed_s=300)


VAN = VehicleType("van", "Skåpbil", van("template"))


def test_a_day_whose_goods_fill_exactly_three_vans_needs_three():
    # 12 stops of 2.5 pallets: 30 pallets, three vans of 10 (one trip each), windows wide open.
    jobs = tuple(stop(f"s{i}", 2000 * math.cos(i), 2000 * math.sin(i), pallets=2.5) for i in range(12))
    problem = Problem(TERMINAL, tuple(van(f"v{i}") for i in range(5)), jobs)
    advice = advise(problem, travel=TRAVEL)
    assert advice.lower_bound == 3
    assert advice.needed == 3
    assert advice.enough is not None and advice.enough.serves_all and advice.enough.vehicle_ids == ("v0", "v1", "v2")
    # Two vans carry 8 of the 12 stops; the other 4 are the binding ones.
    assert advice.fewer is not None and advice.fewer.size == 2 and len(advice.fewer.unassigned) == 4
    assert set(s.job_id for s in advice.binding) == set(s.job_id for s in advice.fewer.unassigned)
    assert advice.more is not None and advice.more.size == 4 and advice.more.serves_all
    assert advice.current == 5 and not advice.unservable


def test_three_stops_due_at_seven_in_three_directions_need_three_vehicles_added_from_a_type():
    # 15 km out = 25 min; between two of them 26-30 km, so no vehicle serves two by 07:10.
    narrow = [stop("north", 0, 15000, windows=SEVEN), stop("east", 15000, 0, windows=SEVEN),
              stop("west", -15000, 0, windows=SEVEN)]
    fillers = [stop(f"f{i}", 1000 * (i + 1), 500, windows=WHOLE_DAY) for i in range(4)]
    problem = Problem(TERMINAL, (van("own"),), tuple(narrow + fillers))
    seen = []

    class Recorder(AdviceCallbacks):
        def on_solve(self, size, solves):
            seen.append(size)

    advice = advise(problem, [VAN], travel=TRAVEL, callbacks=Recorder())
    assert advice.needed == 3
    assert advice.enough is not None and advice.enough.added == ("van", "van")
    assert advice.enough.vehicle_ids == ("own", "van+1", "van+2")
    # One vehicle fewer: exactly one of the stops due at seven is left, with its window.
    [binding] = advice.binding
    assert binding.job_id in {"north", "east", "west"} and binding.windows == SEVEN
    assert advice.lower_bound == 1 and seen[0] == 1 and advice.solves == len(seen)


def test_removing_one_vehicle_from_a_feasible_day_names_the_binding_stops():
    # Two vehicles serve the day; with one, a stop due at seven on the far side is left out.
    jobs = (stop("east", 15000, 0, windows=SEVEN), stop("west", -15000, 0, windows=SEVEN),
            stop("near1", 800, 300), stop("near2", -600, 900))
    problem = Problem(TERMINAL, (van("a"), van("b"), van("c")), jobs)
    advice = advise(problem, travel=TRAVEL)
    assert advice.needed == 2
    assert advice.fewer is not None and advice.fewer.vehicle_ids == ("a",)
    assert [s.job_id for s in advice.binding] in (["east"], ["west"])
    assert advice.binding[0].windows == SEVEN
    # The flexible stops near the terminal are never binding.
    assert advice.enough is not None and advice.enough.distance_m > 60_000 and advice.enough.cost > 0


def test_a_stop_no_vehicle_can_carry_is_reported_apart_and_does_not_count():
    jobs = (stop("east", 15000, 0, windows=SEVEN), stop("west", -15000, 0, windows=SEVEN),
            stop("piano", 500, 500, kg=5000.0))
    problem = Problem(TERMINAL, (van("a"), van("b")), jobs)
    advice = advise(problem, [VAN], travel=TRAVEL)
    assert [s.job_id for s in advice.unservable] == ["piano"]
    assert advice.needed == 2 and advice.enough is not None and advice.enough.serves_all


def test_no_answer_when_even_the_largest_fleet_leaves_stops():
    narrow = (stop("east", 15000, 0, windows=SEVEN), stop("west", -15000, 0, windows=SEVEN))
    advice = advise(Problem(TERMINAL, (van("a"),), narrow), travel=TRAVEL)
    assert advice.needed is None and advice.enough is None and advice.binding == ()
    assert advice.largest is not None and advice.largest.size == 1 and len(advice.largest.unassigned) == 1
    # With a type to add, one added vehicle is enough.
    advice = advise(Problem(TERMINAL, (van("a"),), narrow), [VAN], travel=TRAVEL, max_added=1)
    assert advice.needed == 2 and advice.more is None


def test_the_advice_is_the_same_on_every_run():
    jobs = tuple(stop(f"s{i}", (i * 7919) % 20000 - 10000, (i * 104729) % 20000 - 10000, pallets=2.0,
                      windows=(TimeWindow(7 * H + (i % 3) * H, 9 * H + (i % 3) * H),)) for i in range(14))
    problem = Problem(TERMINAL, tuple(van(f"v{i}") for i in range(4)), jobs)
    first, second = advise(problem, [VAN], travel=TRAVEL), advise(problem, [VAN], travel=TRAVEL)
    assert first.options == second.options and first.needed == second.needed


def test_capacity_lower_bound_counts_trips_and_the_roomiest_type():
    jobs = [stop(f"s{i}", 0, 0, pallets=5.0) for i in range(6)]  # 30 pallets
    two_trips = Vehicle("t", 6 * H, 16 * H, {"ambient": Capacity(1000, 10)}, max_trips=2)
    assert capacity_lower_bound(jobs, [two_trips], []) == 1  # 20 pallets: not enough, but nothing to add
    assert capacity_lower_bound(jobs, [two_trips], [van("x", pallets=5.0)]) == 3  # 20 + 5 + 5
    assert capacity_lower_bound(jobs, [], [van("x")]) == 3
    assert capacity_lower_bound([], [van("a")], []) == 0


def test_the_advice_never_makes_more_planner_runs_than_max_solves_says():
    """An impact analysis gives a worker's fleet-advice job max_solves x the time limit: the
    bound must hold for vehicles at hand only, and when vehicles are added up to the limit."""
    from samlast.planning.fleet import max_solves

    vans = tuple(van(f"v{i}") for i in range(9))
    full = tuple(stop(f"s{i}", 2000 * math.cos(i), 2000 * math.sin(i), pallets=2.5) for i in range(20))
    at_hand = advise(Problem(TERMINAL, vans, full), travel=TRAVEL)
    assert at_hand.needed == 5 and at_hand.solves <= max_solves(9, 0)
    narrow = tuple(stop(f"n{i}", 15000 * math.cos(2 * i), 15000 * math.sin(2 * i), windows=SEVEN) for i in range(3))
    two_types = [VAN, VehicleType("small", "Liten", van("small", pallets=2.0))]
    added = advise(Problem(TERMINAL, (van("own"),), narrow), two_types, travel=TRAVEL)
    assert added.needed == 3 and added.solves <= max_solves(1, 2)
    never = advise(Problem(TERMINAL, (van("own"),), narrow), two_types, travel=TRAVEL, max_added=1)
    assert never.needed is None and never.solves <= max_solves(1, 2, max_added=1)
    assert max_solves(9, 0) < max_solves(9, 2) < max_solves(38, 2)
