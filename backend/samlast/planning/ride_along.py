"""Residents' consignments ride along on routes that are already planned (rural service).

The municipal routes are planned first (planning/solver.py); this module only inserts
pickup-and-delivery pairs into them, cheapest place first, and only where

- every stop already on the route still starts its service inside one of its time windows
  (municipal stops keep priority: never moved out of their window, never dropped, never
  reordered),
- the pickup place and the destination are open when the driver gets there,
- the ride-along space of the vehicle is not exceeded at any point,
- the route is back at the terminal before it must be (shift end, working time), and
- the detour is one a driver passing by would make (``max_detour_s``).

A consignment takes the first day (from ``available_from`` to ``latest_date``) with a route
that can take it: it waits for the next route that passes its destination. One that no route
can take before its wait limit is returned unplaced, with the village and the date for the
reason ("no room on a route to <village> before <date>").

Times are seconds since midnight of the route's day, as in planning/model.py. Legs between two
stops that were next to each other in the plan keep the plan's own times (driving, breaks and
all); only legs to and from an inserted stop are estimated with ``travel``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import Location, TimeWindow, earliest_start
from .travel import GeodesicTravelModel

#: (from, to) -> (metres, seconds) on the road.
Travel = Callable[[Location, Location], tuple[float, float]]

#: Ride-along space taken per size class, in units (a small parcel is one unit).
SIZE_UNITS = {"small": 1, "medium": 2, "large": 4}


def geodesic_travel(model: GeodesicTravelModel | None = None) -> Travel:
    """Road estimates from straight-line distances (the planner's own default model)."""
    chosen = model or GeodesicTravelModel()

    def travel(a: Location, b: Location) -> tuple[float, float]:
        matrix = chosen.matrix([a, b])
        return matrix.distances_m[0][1], matrix.durations_s[0][1]

    return travel


@dataclass(frozen=True)
class RouteStop:
    """A stop already on a planned route (a municipal delivery or a supplier pickup)."""

    key: str
    location: Location
    arrival: int
    service_start: int
    departure: int
    time_windows: tuple[TimeWindow, ...] = ()


@dataclass(frozen=True)
class PlannedRoute:
    id: str
    day: date
    terminal: Location
    start: int  # leaves the terminal
    end: int  # back at the terminal
    latest_end: int  # the driver's shift or working time ends: back by then
    stops: tuple[RouteStop, ...]
    space_units: int  # room for ride-along consignments (see SIZE_UNITS)


@dataclass(frozen=True)
class Place:
    """A pickup place or destination; ``opening`` by weekday (0 = Monday), none: always open."""

    name: str
    location: Location
    opening: Mapping[int, tuple[TimeWindow, ...]] = field(default_factory=dict)
    service_s: int = 180

    def windows(self, day: date) -> tuple[TimeWindow, ...] | None:
        """The day's opening hours; () when it is closed that day, None when always open."""
        if not self.opening:
            return None
        return self.opening.get(day.weekday(), ())


@dataclass(frozen=True)
class RideAlong:
    id: str
    pickup: Place | None  # None: at the terminal, loaded when the route starts
    destination: Place
    size_units: int
    available_from: date
    latest_date: date


@dataclass(frozen=True)
class TimedStop:
    """A stop of a route with ride-along stops inserted, and its new times."""

    key: str  # the RouteStop's key, or "pickup:<id>" / "drop:<id>"
    arrival: int
    service_start: int
    departure: int


@dataclass(frozen=True)
class Insertion:
    consignment_id: str
    route_id: str
    day: date
    #: Index of the route's own stop after which it is picked up / dropped; -1: before the first
    #: one (a pickup at the terminal is always -1: it is loaded at the start).
    pickup_after: int
    drop_after: int
    pickup_at: int  # service start at the pickup place (the route's start for the terminal)
    drop_at: int
    extra_m: float
    extra_s: int


@dataclass(frozen=True)
class Unplaced:
    consignment_id: str
    village: str
    latest_date: date

    @property
    def reason(self) -> tuple[str, dict[str, str]]:
        """The i18n key and parameters of why (samlast/i18n)."""
        return "rural.no_room", {"village": self.village, "date": self.latest_date.isoformat()}


@dataclass(frozen=True)
class RideAlongPlan:
    insertions: tuple[Insertion, ...]
    unplaced: tuple[Unplaced, ...]
    #: Route id -> its stops with the ride-along stops in, in driving order with their times.
    timelines: Mapping[str, tuple[TimedStop, ...]]


@dataclass(frozen=True)
class _Node:
    key: str
    location: Location
    windows: tuple[TimeWindow, ...] | None  # None: any time
    service_s: int
    original: int | None  # index in PlannedRoute.stops, None for a ride-along stop
    units: int = 0  # ride-along units loaded (+) or unloaded (-) here


def _nodes(route: PlannedRoute) -> list[_Node]:
    return [
        _Node(stop.key, stop.location, stop.time_windows or None, stop.departure - stop.service_start, index)
        for index, stop in enumerate(route.stops)
    ]


def _simulate(
    route: PlannedRoute, nodes: Sequence[_Node], travel: Travel, loaded_at_start: int
) -> tuple[TimedStop, ...] | None:
    """The times of `nodes` driven from the route's start, or None if a window, the space or
    the route's end does not hold."""
    time = route.start
    load = loaded_at_start
    if load > route.space_units:
        return None
    previous: _Node | None = None
    timed = []
    for node in nodes:
        load += node.units
        if load > route.space_units:
            return None
        if node.original is not None and (previous.original if previous else -1) == node.original - 1:
            # Next to each other in the plan: the plan's own leg (waiting and breaks included).
            before = route.stops[node.original - 1].departure if node.original else route.start
            leg = route.stops[node.original].arrival - before
        else:
            leg = round(travel(previous.location if previous else route.terminal, node.location)[1])
        arrival = time + leg
        # None: any time; (): closed that day.
        start = arrival if node.windows is None else earliest_start(arrival, node.windows) if node.windows else None
        if start is None:
            return None
        time = start + node.service_s
        timed.append(TimedStop(node.key, arrival, start, time))
        previous = node
    last = len(route.stops) - 1
    if previous is not None and previous.original == last:
        time += route.end - route.stops[last].departure
    else:
        time += round(travel(previous.location if previous else route.terminal, route.terminal)[1])
    return tuple(timed) if time <= route.latest_end else None


def _driving(route: PlannedRoute, nodes: Sequence[_Node], travel: Travel) -> tuple[float, float]:
    """Metres and seconds (driving plus service) of the whole route, all legs estimated alike."""
    metres = seconds = 0.0
    here = route.terminal
    for node in [*nodes, None]:
        there = node.location if node else route.terminal
        leg_m, leg_s = travel(here, there)
        metres += leg_m
        seconds += leg_s + (node.service_s if node else 0)
        here = there
    return metres, seconds


def insert(
    routes: Sequence[PlannedRoute],
    consignments: Sequence[RideAlong],
    travel: Travel | None = None,
    max_detour_s: int = 45 * 60,
) -> RideAlongPlan:
    """Insert each consignment (the earliest wait limit first) into the first day's route that
    can take it at the least extra time; see the module's docstring for the rules."""
    travel = travel or geodesic_travel()
    nodes = {route.id: _nodes(route) for route in routes}
    loaded = dict.fromkeys(nodes, 0)
    timelines = {route.id: _simulate(route, nodes[route.id], travel, 0) or () for route in routes}
    by_day: dict[date, list[PlannedRoute]] = {}
    for route in sorted(routes, key=lambda r: (r.day, r.start, r.id)):
        by_day.setdefault(route.day, []).append(route)
    insertions, unplaced = [], []
    for item in sorted(consignments, key=lambda c: (c.latest_date, c.available_from, c.id)):
        best = None
        for day in sorted(d for d in by_day if item.available_from <= d <= item.latest_date):
            for route in by_day[day]:
                found = _best_insertion(route, nodes[route.id], loaded[route.id], item, travel, max_detour_s)
                if found is not None and (best is None or found[0] < best[0]):
                    best = (*found, route)
            if best is not None:
                break  # the next route that passes: a later day is not tried
        if best is None:
            unplaced.append(Unplaced(item.id, item.destination.name, item.latest_date))
            continue
        extra_s, extra_m, new_nodes, timed, route = best
        nodes[route.id] = new_nodes
        if item.pickup is None:
            loaded[route.id] += item.size_units
        timelines[route.id] = timed
        insertions.append(_describe(item, route, new_nodes, timed, extra_m, extra_s))
    return RideAlongPlan(tuple(insertions), tuple(unplaced), timelines)


def _best_insertion(route, nodes, loaded, item, travel, max_detour_s):
    """(extra seconds, extra metres, nodes, timeline) of the cheapest feasible insertion."""
    drop = _Node(f"drop:{item.id}", item.destination.location, item.destination.windows(route.day),
                 item.destination.service_s, None, -item.size_units)  # fmt: skip
    pickup = None
    if item.pickup is not None:
        pickup = _Node(f"pickup:{item.id}", item.pickup.location, item.pickup.windows(route.day),
                       item.pickup.service_s, None, item.size_units)  # fmt: skip
    if () in (drop.windows, pickup.windows if pickup else None):
        return None  # closed that day
    base_m, base_s = _driving(route, nodes, travel)
    start_loaded = loaded + (item.size_units if pickup is None else 0)
    best = None
    pickup_positions = range(len(nodes) + 1) if pickup is not None else [0]
    for p in pickup_positions:
        with_pickup = [*nodes[:p], pickup, *nodes[p:]] if pickup is not None else list(nodes)
        first_drop = p + 1 if pickup is not None else 0
        for d in range(first_drop, len(with_pickup) + 1):
            candidate = [*with_pickup[:d], drop, *with_pickup[d:]]
            metres, seconds = _driving(route, candidate, travel)
            extra_s = round(seconds - base_s)
            if extra_s > max_detour_s or (best is not None and extra_s >= best[0]):
                continue
            timed = _simulate(route, candidate, travel, start_loaded)
            if timed is not None:
                best = (extra_s, metres - base_m, candidate, timed)
    return best


def _describe(item, route, nodes, timed, extra_m, extra_s) -> Insertion:
    """Where the pair sits among the route's own stops, and when."""
    last_original = -1
    pickup_after = drop_after = -1
    pickup_at = route.start
    drop_at = route.start
    for node, times in zip(nodes, timed, strict=True):
        if node.original is not None:
            last_original = node.original
        elif node.key == f"pickup:{item.id}":
            pickup_after, pickup_at = last_original, times.service_start
        elif node.key == f"drop:{item.id}":
            drop_after, drop_at = last_original, times.service_start
    return Insertion(item.id, route.id, route.day, pickup_after, drop_after, pickup_at, drop_at,
                     round(extra_m, 1), extra_s)  # fmt: skip
