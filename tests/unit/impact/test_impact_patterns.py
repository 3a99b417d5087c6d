"""Choosing delivery weekdays and placing orders on them."""

from __future__ import annotations

from datetime import date

from samlast.impact.model import ImpactPoint
from samlast.impact.patterns import WEEKDAY_COMBOS, choose_days, delivery_date, kmeans
from samlast.planning import Location

MONDAY = date(2026, 11, 30)


def point(i: int, lat: float, lon: float) -> ImpactPoint:
    return ImpactPoint(f"p{i}", f"P{i}", "M", "preschool", Location(lat, lon))


def test_kmeans_separates_two_towns():
    locs = [Location(55.80 + 0.001 * i, 13.10) for i in range(5)]
    locs += [Location(55.95 + 0.001 * i, 13.60) for i in range(5)]
    labels = kmeans(locs, 2)
    assert len(set(labels[:5])) == 1 and len(set(labels[5:])) == 1
    assert labels[0] != labels[5]


def test_days_follow_the_frequency_and_level_the_week():
    points = [point(i, 55.7 + 0.03 * (i % 6), 13.0 + 0.05 * (i // 6)) for i in range(30)]
    freq = {p.id: (1, 2, 3)[i % 3] for i, p in enumerate(points)}
    days = choose_days(points, freq, {p.id: 100.0 for p in points}, clusters_per_day=2)
    assert set(days) == {p.id for p in points}
    for p in points:
        assert days[p.id] in WEEKDAY_COMBOS[freq[p.id]]
    stops = [sum(d in days[p.id] for p in points) for d in range(5)]
    assert sum(stops) == sum(freq.values()) == 60
    assert max(stops) - min(stops) <= 4, stops


def test_neighbours_share_days():
    # Two sites far apart with four units each, all served twice a week: a geographic
    # cluster gets one combination, and the two sites are served on different days.
    points = [point(i, 55.80, 13.10) for i in range(4)]
    points += [point(10 + i, 55.95, 13.60) for i in range(4)]
    days = choose_days(points, {p.id: 2 for p in points}, {}, clusters_per_day=1)
    assert len({days[p.id] for p in points[:4]}) == 1
    assert len({days[p.id] for p in points[4:]}) == 1
    assert not set(days["p0"]) & set(days["p10"])


def test_orders_arrive_on_the_latest_delivery_day_not_after_the_request():
    wednesday, friday = date(2026, 12, 2), date(2026, 12, 4)
    assert delivery_date(friday, (0, 3)) == date(2026, 12, 3)  # Thursday
    assert delivery_date(wednesday, (0, 3)) == MONDAY
    assert delivery_date(MONDAY, (0, 3)) == MONDAY
    # A Monday order under Tuesday/Friday comes the Friday before.
    assert delivery_date(MONDAY, (1, 4)) == date(2026, 11, 27)
