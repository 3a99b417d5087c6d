"""Ride-along insertion (planning/ride_along.py): residents' consignments on planned routes."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from samlast.planning.model import Location, TimeWindow
from samlast.planning.ride_along import Place, PlannedRoute, RideAlong, RouteStop, insert

MONDAY = date(2026, 12, 7)
TERMINAL = Location(0.0, 0.0)


def planar(a: Location, b: Location) -> tuple[float, float]:
    """Planar: 1 unit of lat/lon = 1 km, driven at 60 km/h."""
    metres = math.hypot(a.lat - b.lat, a.lon - b.lon) * 1000
    return metres, metres / 1000 * 60


def route(
    day: date,
    points: list[tuple[float, float]],
    slack: int,
    route_id: str = "r1",
    space: int = 10,
    start: int = 7 * 3600,
    window_width: int = 3600,
    latest_end: int = 16 * 3600,
) -> PlannedRoute:
    """A route driven through `points` with `slack` seconds of waiting before each stop's window
    ends (its window starts where the plan starts the service)."""
    time, here, stops = start, TERMINAL, []
    for index, (lat, lon) in enumerate(points):
        location = Location(lat, lon)
        arrival = time + round(planar(here, location)[1])
        stops.append(
            RouteStop(
                f"dp:{index}",
                location,
                arrival,
                arrival,
                arrival + 600,
                (TimeWindow(arrival - window_width, arrival + slack),),
            )
        )
        time, here = arrival + 600, location
    end = time + round(planar(here, TERMINAL)[1])
    return PlannedRoute(route_id, day, TERMINAL, start, end, latest_end, tuple(stops), space)


def village(name: str, lat: float, lon: float, opening=None) -> Place:
    return Place(name, Location(lat, lon), opening or {})


def parcel(
    item_id: str, destination: Place, pickup: Place | None = None, units: int = 1, start: date = MONDAY, days: int = 6
) -> RideAlong:
    return RideAlong(item_id, pickup, destination, units, start, start + timedelta(days=days))


def test_a_consignment_goes_on_the_route_that_passes_its_village():
    routes = [route(MONDAY, [(10, 0), (20, 0)], slack=3600)]
    plan = insert(routes, [parcel("p1", village("Byn", 20, 1))], planar)
    assert plan.unplaced == ()
    (placed,) = plan.insertions
    assert (placed.route_id, placed.day, placed.pickup_after, placed.drop_after) == ("r1", MONDAY, -1, 1)
    assert placed.drop_at > routes[0].stops[1].departure
    assert round(placed.extra_m) == 1025  # 1 km on from the last stop, and a little longer home


def test_it_waits_for_the_next_day_a_route_has_room_and_no_later():
    tight = route(MONDAY, [(10, 0)], slack=0, latest_end=route(MONDAY, [(10, 0)], 0).end)
    roomy = route(MONDAY + timedelta(days=2), [(10, 0)], slack=3600, route_id="r2")
    later = route(MONDAY + timedelta(days=3), [(10, 0)], slack=3600, route_id="r3")
    plan = insert([later, tight, roomy], [parcel("p1", village("Byn", 11, 0))], planar)
    assert [(i.route_id, i.day) for i in plan.insertions] == [("r2", MONDAY + timedelta(days=2))]


def test_no_route_before_the_wait_limit_is_reported_with_village_and_date():
    routes = [route(MONDAY + timedelta(days=5), [(10, 0)], slack=3600)]
    plan = insert(routes, [parcel("p1", village("Kärrby", 11, 0), days=3)], planar)
    assert plan.insertions == ()
    (unplaced,) = plan.unplaced
    assert unplaced.reason == ("rural.no_room", {"village": "Kärrby", "date": "2026-12-10"})


def test_a_municipal_stop_is_never_pushed_out_of_its_window():
    # No slack at all: any detour before the stop would make it late, so the drop goes after it.
    routes = [route(MONDAY, [(10, 0), (20, 0)], slack=0)]
    plan = insert(routes, [parcel("p1", village("Byn", 10, 1))], planar)
    (placed,) = plan.insertions
    assert placed.drop_after == 1
    assert [stop.service_start for stop in plan.timelines["r1"] if stop.key.startswith("dp:")] == [
        stop.service_start for stop in routes[0].stops
    ]


def test_space_and_opening_hours_are_respected():
    shop = village("Affären", 5, 0, {MONDAY.weekday(): (TimeWindow(8 * 3600, 8 * 3600 + 300),)})
    routes = [route(MONDAY, [(10, 0)], slack=7200, space=3)]
    items = [
        parcel("big", village("Byn", 11, 0), pickup=shop, units=2),
        parcel("big2", village("Byn", 11, 0), pickup=shop, units=2),
    ]
    plan = insert(routes, items, planar)
    assert [i.consignment_id for i in plan.insertions] == ["big"]
    (placed,) = plan.insertions
    assert 8 * 3600 <= placed.pickup_at <= 8 * 3600 + 300
    closed = village("Stängt", 5, 0, {1: (TimeWindow(8 * 3600, 9 * 3600),)})  # open Tuesdays only
    assert insert(routes, [parcel("p", village("Byn", 11, 0), pickup=closed, days=0)], planar).insertions == ()


points = st.lists(st.tuples(st.integers(-30, 30), st.integers(-30, 30)), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    days=st.lists(
        st.tuples(st.integers(0, 6), points, st.integers(0, 2400), st.integers(1, 8)), min_size=1, max_size=5
    ),
    items=st.lists(
        st.tuples(st.integers(-30, 30), st.integers(-30, 30), st.booleans(), st.integers(1, 4), st.integers(0, 6)),
        max_size=12,
    ),  # fmt: skip
)
def test_property_no_municipal_stop_leaves_its_window_or_is_dropped(days, items):
    routes = [route(MONDAY + timedelta(days=day), stops, slack, route_id=f"r{n}", space=space)
              for n, (day, stops, slack, space) in enumerate(days)]  # fmt: skip
    agent = village("Ombudet", 1, 1, {wd: (TimeWindow(9 * 3600, 17 * 3600),) for wd in range(5)})
    consignments = [parcel(f"c{n}", village(f"By {n}", lat, lon), pickup=agent if from_agent else None, units=units,
                           start=MONDAY + timedelta(days=offset), days=2)
                    for n, (lat, lon, from_agent, units, offset) in enumerate(items)]  # fmt: skip
    plan = insert(routes, consignments, planar)
    assert len(plan.insertions) + len(plan.unplaced) == len(consignments)
    for planned in routes:
        timeline = plan.timelines[planned.id]
        own = [stop for stop in timeline if stop.key.startswith("dp:")]
        # Every municipal stop is still there, once, in the planned order...
        assert [stop.key for stop in own] == [stop.key for stop in planned.stops]
        for before, after in zip(planned.stops, own, strict=True):
            # ...and starts inside its window.
            assert any(w.start <= after.service_start <= w.end for w in before.time_windows)
        on_board = sum(c.size_units for c in consignments for i in plan.insertions
                       if i.consignment_id == c.id and i.route_id == planned.id and c.pickup is None)  # fmt: skip
        for stop in timeline:
            change = {"pickup": 1, "drop": -1}.get(stop.key.split(":")[0], 0)
            if change:
                units = next(c.size_units for c in consignments if c.id == stop.key.split(":")[1])
                on_board += change * units
            assert on_board <= planned.space_units
    for placed in plan.insertions:
        item = next(c for c in consignments if c.id == placed.consignment_id)
        assert item.available_from <= placed.day <= item.latest_date


def test_a_parcel_changes_vehicles_at_the_terminal_when_no_route_passes_both_places():
    """The agent is in town on route A (north), the village on route B (east): no one route
    passes both. A brings the parcel back to the terminal; the next route out to the village,
    B on Tuesday, loads it at its start."""
    agent = village("Ombudet", 10.0, 0.0)
    locker = village("Byns skåp", 0.0, 10.0)
    north = route(MONDAY, [(10.0, 0.5)], slack=1800, route_id="north")
    east = route(MONDAY + timedelta(days=1), [(0.5, 10.0)], slack=1800, route_id="east")
    plan = insert([north, east], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=20 * 60)
    assert plan.unplaced == ()
    [placed] = plan.insertions
    assert (placed.route_id, placed.day, placed.hub) == ("north", MONDAY, None)
    assert placed.pickup_after in (-1, 0) and placed.drop_after == 0  # back at the terminal at the end
    assert placed.drop_at >= north.end
    onward = placed.onward
    assert (onward.route_id, onward.day, onward.pickup_after) == ("east", MONDAY + timedelta(days=1), -1)
    assert placed.arrival_day == MONDAY + timedelta(days=1)
    assert placed.extra_s + onward.extra_s <= 2 * 20 * 60
    # Each route keeps its own stops in their windows, in their order.
    for route_id, own in (("north", north), ("east", east)):
        kept = [t for t in plan.timelines[route_id] if t.key.startswith("dp:")]
        assert [t.key for t in kept] == [s.key for s in own.stops]
        for timed, stop in zip(kept, own.stops, strict=True):
            assert any(w.start <= timed.service_start <= w.end for w in stop.time_windows)


def test_the_same_day_onward_route_leaves_after_the_first_is_back():
    agent = village("Ombudet", 10.0, 0.0)
    locker = village("Byns skåp", 0.0, 10.0)
    north = route(MONDAY, [(10.0, 0.5)], slack=1800, route_id="north", start=6 * 3600)
    early_east = route(MONDAY, [(0.5, 10.0)], slack=1800, route_id="early-east", start=6 * 3600)
    late_east = route(MONDAY, [(0.5, 10.0)], slack=1800, route_id="late-east", start=north.end + 30 * 60)
    plan = insert([north, early_east, late_east], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=20 * 60)
    [placed] = plan.insertions
    assert placed.route_id == "north" and placed.onward.route_id == "late-east"
    assert placed.onward.pickup_at >= placed.drop_at + 15 * 60


def test_a_village_hub_links_two_routes_and_a_direct_route_is_preferred_when_as_early():
    agent = village("Ombudet", 10.0, 0.0)
    hub = village("Bygdegården", 5.0, 5.0)
    locker = village("Byns skåp", 0.0, 14.0)
    a = route(MONDAY, [(10.0, 0.5), (5.2, 5.0)], slack=3600, route_id="a")
    # b leaves before a is back at the terminal, but passes the hub after a has been there.
    b = route(MONDAY, [(5.0, 5.2), (0.5, 14.0)], slack=3600, route_id="b", start=8 * 3600)
    plan = insert([a, b], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=8 * 60, hubs=[hub])
    [placed] = plan.insertions
    assert (placed.route_id, placed.hub, placed.onward.route_id) == ("a", hub, "b")
    assert placed.onward.day == MONDAY and placed.onward.pickup_at >= placed.drop_at + 15 * 60
    # Without the hub the two routes do not meet: it waits.
    assert insert([a, b], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=8 * 60).insertions == ()
    # A route passing both places the same day: no change of vehicles.
    both = route(MONDAY, [(10.0, 0.5), (0.5, 14.0)], slack=3600, route_id="both")
    plan = insert([a, b, both], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=8 * 60, hubs=[hub])
    [placed] = plan.insertions
    assert placed.route_id == "both" and placed.onward is None


def test_no_onward_route_before_the_wait_limit_leaves_it_unplaced():
    agent = village("Ombudet", 10.0, 0.0)
    locker = village("Byns skåp", 0.0, 10.0)
    north = route(MONDAY, [(10.0, 0.5)], slack=1800, route_id="north")
    plan = insert([north], [parcel("p1", locker, pickup=agent)], planar, max_detour_s=20 * 60)
    assert plan.insertions == () and [u.village for u in plan.unplaced] == ["Byns skåp"]
