"""The period of an impact analysis: averages over the weeks that have orders, and the
coordinated deliveries a fixed-day pattern brings forward to before the period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.unit.impact.test_impact_scenarios import MONDAY, TRAVEL, cluster

from samlast import planning as pl
from samlast.impact import FIXED_2, ImpactOrder, ImpactParams, analyse
from samlast.impact.coordinated import Schedule, moved_before, schedule
from samlast.impact.figures import scenario_figures, weeks_with_orders
from samlast.impact.patterns import delivery_date
from samlast.impact.routing import DeliveryRecord, TripRecord

WEEK_1, WEEK_2 = MONDAY.isoformat(), (MONDAY + timedelta(days=7)).isoformat()
LOAD = {"chilled": pl.Load(100.0, 0.5)}


def _delivery(day: date, point: str = "p1", municipality: str = "A", kind: str = "school_kitchen", heavy=True):
    return DeliveryRecord(day, point, municipality, kind, heavy, 100.0, 0.0)


def _trip(day: date, km: float) -> TripRecord:
    return TripRecord(day, "distribution", "truck", km, 1.0, 10.0 * km, 0.2 * km, True, {"A": 1.0})


def test_weeks_with_orders_are_the_mondays_of_the_order_days():
    days = [MONDAY + timedelta(days=2), MONDAY + timedelta(days=4), MONDAY + timedelta(days=15)]
    assert weeks_with_orders(days) == [WEEK_1, (MONDAY + timedelta(days=14)).isoformat()]
    assert weeks_with_orders([]) == []


def test_the_weekly_average_divides_by_the_weeks_with_orders_only():
    deliveries = [_delivery(MONDAY), _delivery(MONDAY + timedelta(days=2), point="p2")]
    trips = [_trip(MONDAY, 30.0), _trip(MONDAY + timedelta(days=2), 10.0)]
    figures = scenario_figures(deliveries, trips, ["A"], [WEEK_1, WEEK_2], [WEEK_1])
    # Two weeks in the period, orders in one: the average week is that week, not half of it.
    assert figures["weeks_averaged"] == 1
    assert figures["per_week"]["deliveries"] == 2
    assert figures["per_week"]["vehicle_km"] == pytest.approx(40.0)
    assert figures["by_municipality_per_week"]["A"]["cost_sek"] == pytest.approx(400.0)
    assert figures["per_week"]["deliveries_per_building"] == pytest.approx(1.0)
    # The empty week is still shown week by week, as empty.
    assert figures["by_week"][WEEK_2]["deliveries"] == 0
    # Without the weeks with orders, every week of the period counts.
    diluted = scenario_figures(deliveries, trips, ["A"], [WEEK_1, WEEK_2])
    assert diluted["per_week"]["deliveries"] == 1


def test_figures_per_kind_of_building_say_what_a_school_receives():
    deliveries = [
        _delivery(MONDAY),
        _delivery(MONDAY + timedelta(days=1), heavy=False),
        _delivery(MONDAY, point="p2"),
        _delivery(MONDAY, point="p3", kind="care_home"),
    ]
    figures = scenario_figures(deliveries, [], ["A"], [WEEK_1, WEEK_2], [WEEK_1])
    school = figures["by_kind_per_week"]["school_kitchen"]
    assert school["buildings"] == 2
    assert school["deliveries_per_building"] == pytest.approx(1.5)
    assert school["heavy_visits_per_building"] == pytest.approx(1.0)
    assert figures["by_kind_per_week"]["care_home"]["deliveries"] == 1


def test_records_before_the_period_are_summed_apart_and_kept_in_the_totals():
    friday_before = MONDAY - timedelta(days=3)
    deliveries = [_delivery(friday_before), _delivery(MONDAY + timedelta(days=3))]
    trips = [_trip(friday_before, 12.0), _trip(MONDAY + timedelta(days=3), 8.0)]
    figures = scenario_figures(deliveries, trips, ["A"], [WEEK_1], [WEEK_1], MONDAY)
    assert figures["before_period"]["deliveries"] == 1
    assert figures["before_period"]["vehicle_km"] == pytest.approx(12.0)
    assert figures["total"]["deliveries"] == 2
    assert figures["per_week"]["vehicle_km"] == pytest.approx(20.0)
    assert (MONDAY - timedelta(days=7)).isoformat() in figures["by_week"]


def test_moved_before_counts_the_deliveries_a_fixed_pattern_brings_before_the_period():
    tuesday_friday = (1, 4)
    orders = [
        ImpactOrder("o1", "p1", "w", MONDAY, LOAD),  # Monday -> the Friday before the period
        ImpactOrder("o2", "p1", "l", MONDAY, LOAD),  # same point, same day: the same delivery
        ImpactOrder("o3", "p2", "w", MONDAY, LOAD),  # another point: another delivery
        ImpactOrder("o4", "p1", "w", MONDAY + timedelta(days=1), LOAD),  # Tuesday: on its day
    ]
    loads: dict = {}
    for order in orders:
        loads.setdefault((order.point, delivery_date(order.day, tuesday_friday)), []).append(order)
    plan = Schedule("fixed_2_per_week", loads, {"p1": tuesday_friday, "p2": tuesday_friday}, 0.0)
    early = moved_before(plan, MONDAY)
    friday = (MONDAY - timedelta(days=3)).isoformat()
    assert early == {"deliveries": 2, "orders": 3, "kg": 300.0, "dates": [friday]}
    assert moved_before(plan, MONDAY - timedelta(days=3))["deliveries"] == 0


def test_the_analysis_counts_labels_and_keeps_the_deliveries_moved_before_the_period():
    data = cluster()
    plan = schedule(data, FIXED_2, ImpactParams())
    expected = sum(1 for (_, day) in plan.loads if day < data.start)
    assert expected > 0, "the cluster's Monday orders fall on a pattern day for every point"
    params = ImpactParams(time_limit_s=0.5, shapley=False, patterns=(FIXED_2,), primary_pattern=FIXED_2.name)
    result = analyse(data, params, travel=TRAVEL)
    early = result["moved_before_period"]
    assert early["deliveries"] == expected
    assert result["coordinated"]["before_period"]["deliveries"] == expected
    assert result["pattern_comparison"][FIXED_2.name]["deliveries_before_period"] == expected
    # Still counted: every order of the period is delivered once.
    assert result["coordinated"]["total"]["deliveries"] == 3
    note = next(n for n in result["notes"] if n["key"] == "impact.note.before_period")
    assert note["params"]["deliveries"] == expected
    assert note["params"]["pattern"] == {"key": "impact.pattern.fixed_2_per_week", "params": {}}
