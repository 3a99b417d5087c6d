"""Free delivery vs coordinated on a hand-computable line (planar metres, exact distances).

    W (wholesaler) ---10 km--- T (terminal) -2 km- P1 -2 km- P2 -2 km- P3
                                                   |
                                                 3 km
                                                   |
                                                   L (local producer, at (2 km, 3 km))

P1 and P2 are in municipality A, P3 in B. On one Monday W delivers to all three
points and L to P1.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from samlast import planning as pl
from samlast.impact import (
    AS_ORDERED,
    FIXED_2,
    PRODUCER_VAN,
    WHOLESALER_TRUCK,
    FleetVehicle,
    ImpactInput,
    ImpactOrder,
    ImpactParams,
    ImpactPoint,
    ImpactSupplier,
    analyse,
)
from samlast.impact.routing import PrecomputedTravel, route_day

MONDAY = date(2026, 11, 30)
TRAVEL = pl.EuclideanTravelModel(speed=10.0)
T = pl.Location(0.0, 0.0)
L_TO_T_KM = math.hypot(2.0, 3.0)  # 3.6056 km


def fleet_vehicle(kg: float = 1000.0) -> FleetVehicle:
    vehicle = pl.Vehicle(
        id="truck",
        shift_start=6 * 3600,
        shift_end=16 * 3600,
        capacities={"chilled": pl.Capacity(kg, 5.0)},
        cost_per_km=10.0,
        cost_per_hour=0.0,
    )
    return FleetVehicle(vehicle, co2e_kg_per_km=0.2, heavy=True, energy="hvo100")


def cluster() -> ImpactInput:
    points = (
        ImpactPoint("p1", "P1", "A", "school_kitchen", pl.Location(2000.0, 0.0)),
        ImpactPoint("p2", "P2", "A", "preschool", pl.Location(4000.0, 0.0)),
        ImpactPoint("p3", "P3", "B", "care_home", pl.Location(6000.0, 0.0)),
    )
    suppliers = (
        ImpactSupplier("w", "Wholesaler", "wholesaler", pl.Location(-10000.0, 0.0)),
        ImpactSupplier("l", "Farm", "local_producer", pl.Location(2000.0, 3000.0)),
    )
    load = {"chilled": pl.Load(100.0, 0.5)}
    orders = tuple(
        ImpactOrder(f"o{i}", point, supplier, MONDAY, load)
        for i, (point, supplier) in enumerate([("p1", "w"), ("p2", "w"), ("p3", "w"), ("p1", "l")])
    )
    return ImpactInput(T, points, suppliers, orders, (fleet_vehicle(),), MONDAY, MONDAY)


PARAMS = ImpactParams(
    time_limit_s=0.5, shapley_time_limit_s=0.5, patterns=(AS_ORDERED,), primary_pattern="as_ordered"
)


@pytest.fixture(scope="module")
def report() -> dict:
    return analyse(cluster(), PARAMS, travel=TRAVEL)


def test_free_delivery_counts_one_delivery_per_supplier_and_point(report):
    base = report["baseline"]["total"]
    assert base["deliveries"] == 4
    assert base["buildings"] == 3
    # W: -10 -> 2 -> 4 -> 6 -> -10 km = 32 km; L: to P1 and back = 6 km.
    assert base["vehicle_km"] == pytest.approx(38.0)
    assert base["co2e_kg"] == pytest.approx(
        32.0 * WHOLESALER_TRUCK.co2e_kg_per_km + 6.0 * PRODUCER_VAN.co2e_kg_per_km, rel=1e-4
    )
    # Heavy visits at the school and the preschool: W's truck twice; L's van is light.
    assert base["heavy_vehicle_visits_schools_preschools"] == 2
    assert base["local_share"] == pytest.approx(0.25)


def test_coordinated_has_fewer_deliveries_and_adds_trunk_trips(report):
    coord = report["coordinated"]["total"]
    assert coord["deliveries"] == 3
    assert coord["km_by_trip_kind"]["distribution"] == pytest.approx(12.0)
    assert coord["km_by_trip_kind"]["trunk"] == pytest.approx(20.0 + 2 * L_TO_T_KM, rel=1e-4)
    assert coord["co2e_kg"] == pytest.approx(
        12.0 * 0.2
        + 20.0 * WHOLESALER_TRUCK.co2e_kg_per_km
        + 2 * L_TO_T_KM * PRODUCER_VAN.co2e_kg_per_km,
        rel=1e-4,
    )
    assert coord["local_share"] == pytest.approx(0.25)
    assert report["comparison"]["deliveries"]["change"] == pytest.approx(-0.25)


def test_per_municipality_figures_add_up(report):
    for scenario in ("baseline", "coordinated"):
        fig = report[scenario]
        for key in ("deliveries", "vehicle_km", "co2e_kg", "cost_sek"):
            parts = sum(m[key] for m in fig["by_municipality"].values())
            assert parts == pytest.approx(fig["total"][key], rel=1e-3), (scenario, key)
    assert report["coordinated"]["by_municipality"]["A"]["deliveries"] == 2


def test_shapley_split_from_coalition_runs(report):
    split = report["cost_split"]
    # Alone: A = T-P1-P2-T 8 km, B = T-P3-T 12 km, together 12 km; 10 SEK/km.
    costs = {tuple(c["coalition"]): c["cost"] for c in split["coalition_costs"]}
    assert costs == {
        ("A",): pytest.approx(80.0),
        ("B",): pytest.approx(120.0),
        ("A", "B"): pytest.approx(120.0),
    }
    rows = {r["municipality"]: r for r in split["table"]}
    assert rows["A"]["shapley"] == pytest.approx(40.0)
    assert rows["B"]["shapley"] == pytest.approx(80.0)
    assert rows["A"]["per_delivery"] == pytest.approx(80.0)
    assert rows["A"]["per_kg"] == pytest.approx(90.0)  # 300 of 400 kg
    assert rows["A"]["pays_more_than_alone"] == ["per_kg"]
    assert split["core"]["core_nonempty"] is True
    assert split["core"]["allocation_in_core"] is True


def test_progress_reaches_one_and_fixed_pattern_runs():
    seen = []
    params = ImpactParams(time_limit_s=0.5, shapley=False, patterns=(AS_ORDERED, FIXED_2))
    result = analyse(cluster(), params, travel=TRAVEL, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)
    assert seen == sorted(seen)
    assert set(result["pattern_comparison"]) == {"as_ordered", "fixed_2_per_week"}
    assert result["cost_split"]["shapley_skipped"] == "disabled"
    assert all(r["shapley"] is None for r in result["cost_split"]["table"])


def test_a_load_no_vehicle_can_carry_is_driven_out_and_back():
    job = pl.Job.delivery_job("big", pl.Location(3000.0, 4000.0), {"chilled": pl.Load(2500.0, 1.0)})
    travel = PrecomputedTravel(TRAVEL, [T, job.delivery.location])
    result = route_day(
        T, [fleet_vehicle().vehicle], [job], travel, pl.SolveParams(time_limit_s=0.5)
    )
    (trip,) = result.trips
    assert trip.fallback and trip.distance_m == pytest.approx(10000.0)


def test_a_period_without_orders_gives_an_empty_report():
    data = cluster()
    empty = ImpactInput(data.terminal, data.points, data.suppliers, (), data.fleet, MONDAY, MONDAY)
    result = analyse(empty, PARAMS, travel=TRAVEL)
    assert result["baseline"]["total"]["deliveries"] == 0
    assert result["comparison"]["deliveries"]["change"] is None
    assert result["cost_split"]["table"] == []


def test_weeks_without_orders_are_named_in_the_notes_and_do_not_dilute_the_averages(report):
    assert not any(note["key"] == "impact.note.empty_weeks" for note in report["notes"])
    data = cluster()
    longer = ImpactInput(
        data.terminal,
        data.points,
        data.suppliers,
        data.orders,
        data.fleet,
        MONDAY,
        date(2026, 12, 13),
    )
    result = analyse(longer, ImpactParams(time_limit_s=0.5, shapley=False), travel=TRAVEL)
    assert result["horizon"]["weeks"] == ["2026-11-30", "2026-12-07"]
    assert result["horizon"]["weeks_with_orders"] == ["2026-11-30"]
    assert result["horizon"]["empty_weeks"] == ["2026-12-07"]
    note = next(n for n in result["notes"] if n["key"] == "impact.note.empty_weeks")
    assert note["params"] == {"weeks": "2026-12-07", "with_orders": 1, "total": 2}
    # 4 deliveries in the one week with orders: the empty week does not halve the average.
    assert result["baseline"]["per_week"]["deliveries"] == 4
    assert result["comparison"]["deliveries"]["free_delivery"] == 4
    assert result["baseline"]["weeks_averaged"] == 1


def test_the_decomposition_explains_the_headline_change(report):
    part = report["decomposition"]["co2e_kg"]
    headline = report["comparison"]["co2e_kg"]
    assert part["free_delivery"] == pytest.approx(headline["free_delivery"], abs=0.01)
    assert part["coordinated"] == pytest.approx(headline["coordinated"], abs=0.01)
    assert round(sum(part["terms"].values()), 2) == part["change"]
    assert part["method"] == "lmdi"
    # Trips leave with a known load in both scenarios.
    assert part["factors"]["free_delivery"]["kg_per_trip"] > 0 < part["factors"]["coordinated"]["kg_per_trip"]
    cost = report["decomposition"]["cost_sek"]
    transport = report["comparison"]["cost_sek"]["free_delivery"]
    assert cost["parts"]["free_delivery"]["transport"] == pytest.approx(transport, abs=0.01)
    assert cost["parts"]["free_delivery"]["terminal_handling"] == 0
    assert round(sum(cost["terms"].values()), 2) == cost["change"]


def test_above_max_shapley_players_the_split_is_sampled_with_intervals():
    params = ImpactParams(
        time_limit_s=0.5,
        shapley_time_limit_s=0.5,
        patterns=(AS_ORDERED,),
        primary_pattern="as_ordered",
        max_shapley_players=1,
    )
    split = analyse(cluster(), params, travel=TRAVEL)["cost_split"]
    assert "shapley_skipped" not in split and "core" not in split
    sampled = split["shapley_sampled"]
    # Two municipalities: a joining order and its reverse are all there is, so the
    # estimate is the exact Shapley value with no spread.
    rows = {r["municipality"]: r for r in split["table"]}
    assert rows["A"]["shapley"] == pytest.approx(40.0)
    assert rows["B"]["shapley"] == pytest.approx(80.0)
    assert sampled["converged"] is True and sampled["stopped_by"] == "precision"
    assert sampled["half_width"] == {"A": pytest.approx(0.0), "B": pytest.approx(0.0)}
    assert sampled["note"]["key"] == "impact.shapley_sampled"
    assert split["coalition_runs"] == 2  # the two stand-alone runs; A+B is the main run
