"""The impact analysis says how many vehicles each weekday needs to serve every delivery inside
its window: three points in three directions that all receive between 07:00 and 07:15 need three
vehicles when the terminal has one; the busiest day stands for its weekday."""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.impact.test_impact_scenarios import MONDAY, TRAVEL, T, fleet_vehicle

from samlast import planning as pl
from samlast.impact import AS_ORDERED, ImpactInput, ImpactOrder, ImpactParams, ImpactPoint, ImpactSupplier, analyse
from samlast.impact.fleetneed import busiest_days

EARLY = (pl.TimeWindow(7 * 3600, 7 * 3600 + 15 * 60),)


def spread_out(days: list[date]) -> ImpactInput:
    points = tuple(
        ImpactPoint(f"p{i}", f"P{i}", "A", "school_kitchen", location, windows={d.weekday(): EARLY for d in days})
        for i, location in enumerate([pl.Location(8000.0, 0.0), pl.Location(-8000.0, 0.0), pl.Location(0.0, 8000.0)])
    )
    supplier = ImpactSupplier("w", "Wholesaler", "wholesaler", pl.Location(-10000.0, 0.0))
    load = {"chilled": pl.Load(50.0, 0.2)}
    orders = tuple(
        ImpactOrder(f"o{i}-{day}", point.id, "w", day, load)
        for day in days
        for i, point in enumerate(points)
        if day == days[0] or i == 0  # the first day has all three, later days one stop
    )
    return ImpactInput(T, points, (supplier,), orders, (fleet_vehicle(),), min(days), max(days))


PARAMS = ImpactParams(time_limit_s=0.5, shapley=False, patterns=(AS_ORDERED,), primary_pattern="as_ordered")


def test_three_far_apart_early_windows_need_three_vehicles():
    report = analyse(spread_out([MONDAY]), PARAMS, travel=TRAVEL)
    [monday] = report["fleet_need"]
    assert (monday["weekday"], monday["date"], monday["stops"]) == (0, MONDAY.isoformat(), 3)
    assert (monday["vehicles_at_hand"], monday["vehicles_needed"]) == (1, 3)
    # With one vehicle fewer than needed one stop is left: it is the binding one.
    assert monday["binding_stops"] == 1 and monday["unservable_stops"] == 0
    assert monday["km"] > 0 and monday["trips"] == 3


def test_the_busiest_day_stands_for_its_weekday():
    next_monday = MONDAY + timedelta(days=7)
    report = analyse(spread_out([next_monday, MONDAY + timedelta(days=1), MONDAY]), PARAMS, travel=TRAVEL)
    by_weekday = {row["weekday"]: row for row in report["fleet_need"]}
    assert sorted(by_weekday) == [0, 1]
    # Three stops on the later Monday beat one on the earlier one.
    assert by_weekday[0]["date"] == next_monday.isoformat() and by_weekday[0]["vehicles_needed"] == 3
    assert by_weekday[1]["vehicles_needed"] == 1


def test_it_can_be_left_out():
    report = analyse(spread_out([MONDAY]), ImpactParams(time_limit_s=0.5, shapley=False, patterns=(AS_ORDERED,),
                                                         primary_pattern="as_ordered", fleet_need=False), travel=TRAVEL)
    assert report["fleet_need"] == []


def test_busiest_days_prefers_the_earliest_among_equals():
    class Plan:
        def dates(self):
            return [MONDAY + timedelta(days=7), MONDAY]

    assert busiest_days(Plan(), lambda day: 2) == {0: MONDAY}  # type: ignore[arg-type]
