"""The city-size day (samlast.demo.city, issue 20): deterministic, synthetic, and split between
terminals without losing or doubling a stop or a vehicle; the city's weeks of purchasing from
300 suppliers."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from samlast.demo import catalog
from samlast.demo.city import (
    CITY_POINTS,
    CITY_SUPPLIERS,
    CITY_WEEKS,
    _km,
    generate_city,
    generate_city_weeks,
    split_by_terminal,
)
from samlast.demo.generator import generate_cluster


def test_the_city_day_is_about_nine_hundred_stops_of_eleven_hundred_points_and_the_same_every_time():
    city, day = generate_city()
    again, same_day = generate_city()
    assert (city, day) == (again, same_day)
    assert len(city.delivery_points) == CITY_POINTS and day.weekday() == 1
    stops = {o.delivery_point for o in city.orders}
    assert 850 <= len(stops) <= 1000
    assert {o.requested_date for o in city.orders} == {day}
    assert "syntetisk" in city.name


def test_two_terminals_share_the_stops_and_the_vehicles():
    city, _ = generate_city()
    parts = split_by_terminal(city, 2)
    assert [p.terminal for p in parts][0] == city.terminal and "syntetisk" in parts[1].terminal.name
    stops = [o.delivery_point for p in parts for o in p.orders]
    assert Counter(stops) == Counter(o.delivery_point for o in city.orders)  # each order once
    assert sorted(v.external_id for p in parts for v in p.vehicles) == sorted(v.external_id for v in city.vehicles)
    # Each terminal's points are nearer to it than to the other.
    for own, other in ((parts[0], parts[1]), (parts[1], parts[0])):
        here, there = (own.terminal.lat, own.terminal.lon), (other.terminal.lat, other.terminal.lon)
        assert own.delivery_points and all(
            _km((p.lat, p.lon), here) <= _km((p.lat, p.lon), there) for p in own.delivery_points
        )
    # The vehicle mix (compartments) is dealt out to both.
    kinds = [Counter(len(v.compartments) for v in p.vehicles) for p in parts]
    assert all(len(k) == len(kinds[0]) for k in kinds)


def test_the_citys_weeks_come_from_three_hundred_suppliers_each_point_keeping_its_supplier_of_a_kind():
    city = generate_city_weeks()
    assert len(city.delivery_points) == CITY_POINTS and len(city.suppliers) == CITY_SUPPLIERS
    assert "syntetisk" in city.name and all("syntetisk" in s.name for s in city.suppliers)
    assert len({s.external_id for s in city.suppliers}) == CITY_SUPPLIERS
    days = {o.requested_date for o in city.orders}
    assert min(days) == city.start and max(days) <= city.start + timedelta(weeks=CITY_WEEKS, days=-1)
    # Orders in every week, the second two weeks drawn anew (not a copy of the first two).
    assert {(d - city.start).days // 7 for d in days} == set(range(CITY_WEEKS))
    first = Counter((o.delivery_point, (o.requested_date - city.start).days) for o in city.orders
                    if o.requested_date < city.start + timedelta(weeks=2))  # fmt: skip
    later = Counter((o.delivery_point, (o.requested_date - city.start).days - 14) for o in city.orders
                    if o.requested_date >= city.start + timedelta(weeks=2))  # fmt: skip
    assert first != later
    # Every supplier has orders; a point buys each kind of goods from one supplier of that kind's group.
    ordered_from = Counter(o.supplier for o in city.orders)
    assert set(ordered_from) == {s.external_id for s in city.suppliers}
    group_of = {s.external_id: s.external_id.rsplit("-", 1)[0] for s in city.suppliers}
    chosen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for o in city.orders:
        chosen[o.delivery_point, group_of[o.supplier]].add(o.supplier)
    assert all(len(s) == 1 for s in chosen.values())


def test_the_citys_weeks_are_the_same_every_time_and_refuse_what_cannot_be_drawn():
    city = generate_city_weeks(points=120, suppliers=40)
    assert city == generate_city_weeks(points=120, suppliers=40)
    # The orders are the demo cluster's for the first two weeks, only the supplier changes.
    demo = generate_cluster(scale=120 / catalog.POINTS_AT_SCALE_1)
    assert [(o.delivery_point, o.requested_date, o.lines) for o in demo.orders] == [
        (o.delivery_point, o.requested_date, o.lines) for o in city.orders[: len(demo.orders)]
    ]
    with pytest.raises(ValueError, match="multiple"):
        generate_city_weeks(points=120, weeks=3)
    with pytest.raises(ValueError, match="at least"):
        generate_city_weeks(points=120, suppliers=10)
