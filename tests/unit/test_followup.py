"""The monthly follow-up's pure figures: a month is the sum of its days; the settlement keeps its total."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from samlast import planning as pl
from samlast.impact import followup as fu

DEPOT = pl.Location(55.83, 13.30)
TOWNS = {"Eslöv": pl.Location(55.84, 13.31), "Hörby": pl.Location(55.85, 13.66), "Höör": pl.Location(55.94, 13.54)}


def _records(days: int = 5):
    """A small month: each day one route through all three towns and one through Eslöv only."""
    stops, routes, baseline = [], [], []
    for i in range(days):
        day = date(2026, 11, 2) + timedelta(days=i)
        visits = []
        for j, (town, place) in enumerate(TOWNS.items()):
            on_time = None if j == 2 else (i + j) % 3 != 0
            stops.append(fu.DeliveredStop(day, f"p{j}", f"Skola {j}", town, on_time,
                                          {"Mejeri": 100.0 + i, "": 20.0}, {"Mejeri": 30.0 if j == 1 else 0.0},
                                          deviations=int(i == j)))  # fmt: skip
            visits.append((town, place))
        km = fu.skip_stop_km(DEPOT, [p for _, p in visits])
        routes.append(fu.DrivenRoute(day, "Bil 1", km, gps=i % 2 == 0, cost=km * 20 + 3000, co2e_kg=km * 0.8,
                                     coalition_km=fu.coalition_km(DEPOT, visits)))  # fmt: skip
        stops.append(fu.DeliveredStop(day, "p3", "Förskola", "Eslöv", True, {"Bröd": 40.0}, {"Bröd": 40.0}))
        near = [("Eslöv", pl.Location(55.835, 13.32))]
        routes.append(fu.DrivenRoute(day, "Bil 2", 3.0, gps=False, cost=900.0, co2e_kg=0.5,
                                     coalition_km=fu.coalition_km(DEPOT, near)))  # fmt: skip
        baseline.append(fu.BaselineDay(day, 9, 300.0 + i, 250.0, 9000.0, {"p0": 3, "p1": 3, "p2": 2, "p3": 1}))
    return stops, routes, baseline


def test_the_month_equals_the_sum_of_its_days():
    stops, routes, baseline = _records()
    month = fu.follow_up(stops, routes, baseline)
    days = sorted({s.day for s in stops})
    daily = [
        fu.follow_up([s for s in stops if s.day == d], [r for r in routes if r.day == d],
                     [b for b in baseline if b.day == d])
        for d in days
    ]  # fmt: skip
    summed = fu.add_up(daily)
    # Each day's figure is rounded to 0.1 (km, kg) or 0.01 (SEK): at most half a unit per day apart.
    rounding = 0.05 * len(days) + 1e-9
    for group, keys in fu.ADDITIVE.items():
        for key in keys:
            assert month["totals"][group][key] == pytest.approx(summed[group][key], abs=rounding), (group, key)
    # The per-day rows of the month are those days' own totals.
    assert [d["coordinated"] for d in month["days"]] == [d["totals"]["coordinated"] for d in daily]
    assert month["totals"]["coordinated"]["deliveries"] == 4 * 5
    assert month["totals"]["baseline"]["deliveries"] == 9 * 5
    # Shares come from the summed numerators, not an average of the days' shares.
    c = month["totals"]["coordinated"]
    assert month["totals"]["punctuality"] == round(c["on_time"] / c["stops_with_window"], 4)
    assert month["totals"]["local_share"] == round(c["local_kg"] / c["kg"], 4)
    assert month["totals"]["change"]["deliveries"] == round(20 / 45 - 1, 4)
    assert sum(p["deliveries"] for p in month["points"]) == 20
    assert {p["point"]: p["baseline_deliveries"] for p in month["points"]} == {"p0": 15, "p1": 15, "p2": 10, "p3": 5}
    assert sum(p["deviations"] for p in month["points"]) == c["deviations"] == 3


def test_gps_km_and_local_share_per_area():
    stops, routes, baseline = _records(2)
    result = fu.follow_up(stops, routes, baseline)
    assert result["totals"]["coordinated"]["gps_km"] == pytest.approx(routes[0].km, abs=0.05)
    horby = {r["area"]: r for r in result["local_by_area"] if r["municipality"] == "Hörby"}
    assert horby["Mejeri"]["local_share"] == round(60 / (100 + 101), 4)
    assert horby[""]["local_share"] == 0.0


def test_a_coalition_never_drives_more_than_the_route():
    visits = list(TOWNS.items())
    km = fu.coalition_km(DEPOT, visits)
    everyone = frozenset(TOWNS)
    assert len(km) == 7
    for members, value in km.items():
        assert 0 < value <= km[everyone] + 1e-9
        for other, bigger in km.items():
            if members < other:
                assert value <= bigger + 1e-9


@pytest.mark.parametrize("rule", fu.RULES)
def test_every_rule_splits_the_whole_cost(rule):
    stops, routes, _ = _records()
    split = fu.settlement(stops, routes, rule)
    assert split["rule"] == rule
    assert sum(r["amount"] for r in split["rows"]) == pytest.approx(split["total_cost"], abs=0.05)
    assert split["total_cost"] == pytest.approx(sum(r.cost for r in routes), abs=0.01)


def test_the_rule_chosen_changes_the_settlement_and_flags_who_pays_more_than_alone():
    stops, routes, _ = _records()
    amounts = {rule: [r["amount"] for r in fu.settlement(stops, routes, rule)["rows"]] for rule in fu.RULES}
    assert amounts["shapley"] != amounts["per_delivery"]
    assert amounts["per_kg"] != amounts["per_delivery"]
    split = fu.settlement(stops, routes, "per_delivery")
    for row, full in zip(split["rows"], split["table"], strict=True):
        assert row["pays_more_than_alone"] == ("per_delivery" in full["pays_more_than_alone"])
        assert row["pays_more_than_alone"] == (row["amount"] > row["standalone_cost"] + 1e-6)
    # Eslöv has a route of its own and few km on the shared one: a split per delivery charges it
    # more than it pays alone, and the table says so; Shapley never does here (the game is convex).
    eslov = next(r for r in split["rows"] if r["municipality"] == "Eslöv")
    assert eslov["pays_more_than_alone"]
    assert not any(r["pays_more_than_alone"] for r in fu.settlement(stops, routes, "shapley")["rows"])


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        fu.settlement([], [], "by_population")


def test_the_rq_cron_schedule_queues_last_months_follow_up_on_the_first_of_each_month():
    from redis import Redis
    from rq.cron import CronScheduler

    from samlast.services.followup import QUEUE_NAME
    from samlast.tasks import monthly_followup_task

    scheduler = CronScheduler(connection=Redis())  # not contacted: loading the schedule only
    scheduler.load_config_from_file("samlast.cron_config")
    [job] = scheduler.get_jobs()
    assert job.func is monthly_followup_task and job.queue_name == QUEUE_NAME == "followup"
    assert job.cron == "0 5 1 * *"
    following = job.get_next_enqueue_time().astimezone()  # cron fields are the host's local time
    assert (following.day, following.hour, following.minute) == (1, 5, 0)


def test_month_bounds_and_the_month_the_schedule_reports_on():
    from samlast.services.followup import month_range, previous_month

    assert month_range(date(2026, 11, 17)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month_range(date(2028, 2, 1)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_range(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    assert previous_month(date(2026, 3, 31)) == date(2026, 2, 1)
