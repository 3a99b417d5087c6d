"""The city-size day (samlast.demo.city, issue 20): deterministic, synthetic, and split between
terminals without losing or doubling a stop or a vehicle."""

from __future__ import annotations

from collections import Counter

from samlast.demo.city import CITY_POINTS, _km, generate_city, split_by_terminal


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
