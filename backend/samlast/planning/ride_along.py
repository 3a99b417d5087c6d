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
that can take it: it waits for the next route that passes its destination. When no one route
passes both its pickup place and its destination, it may change vehicles at a hub: the terminal
(the first route brings it back there at its end, a later route loads it at its start) or a
village hub (``hubs``: the first route leaves it there, a later one takes it on). The arrival
day decides, then the extra time. One that no route can take before its wait limit is returned
unplaced, with the village and the date for the reason ("no room on a route to <village> before
<date>").

Times are seconds since midnight of the route's day, as in planning/model.py. Legs between two
stops that were next to each other in the plan keep the plan's own times (driving, breaks and
all); only legs to and from an inserted stop are estimated with ``travel``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

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
    key: str = ""  # the caller's id of the place (a hub is told back by it)

    def windows(self, day: date) -> tuple[TimeWindow, ...] | None:
        """The day's opening hours; () when it is closed that day, None when always open."""
        if not self.opening:
            return None
        return self.opening.get(day.weekday(), ())


@dataclass(frozen=True)
class RideAlong:
    id: str
    pickup: Place | None  # None: at the terminal, loaded when the route starts
    destination: Place | None  # None: to the terminal, unloaded when the route ends (a hub leg)
    size_units: int
    available_from: date
    latest_date: date
    may_transfer: bool = True  # False: one route only (it is already at a hub)


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
    drop_at: int  # service start at the destination (the route's end for the terminal)
    extra_m: float
    extra_s: int
    #: A change of vehicles: this insertion takes it to the hub (its drop), ``onward`` from the
    #: hub to the destination; ``hub`` is the hub place, None for the terminal.
    onward: Insertion | None = None
    hub: Place | None = None

    @property
    def arrival_day(self) -> date:
        return self.onward.day if self.onward else self.day

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
    hubs: Sequence[Place] = (),
    transfer_s: int = 15 * 60,
) -> RideAlongPlan:
    """Insert each consignment (the earliest wait limit first) into the first day's route that
    can take it at the least extra time, or into two routes that meet at a hub (the terminal or
    one of `hubs`, with `transfer_s` between them); see the module's docstring for the rules."""
    travel = travel or geodesic_travel()
    state = _State(routes, travel, max_detour_s)
    insertions, unplaced = [], []
    for item in sorted(consignments, key=lambda c: (c.latest_date, c.available_from, c.id)):
        direct = state.first_day(item)
        transfer = None
        if item.pickup is not None and item.may_transfer:
            arrives = direct[4].day if direct else None
            transfer = state.transfer(item, hubs, transfer_s, before=arrives)
        if direct is None and transfer is None:
            unplaced.append(Unplaced(item.id, item.destination.name if item.destination else "", item.latest_date))
            continue
        if transfer is not None:
            insertions.append(transfer)
            continue
        insertions.append(state.take(item, direct))
    return RideAlongPlan(tuple(insertions), tuple(unplaced), state.timelines)


class _State:
    """The routes with the ride-along stops inserted so far."""

    def __init__(self, routes: Sequence[PlannedRoute], travel: Travel, max_detour_s: int):
        self.travel, self.max_detour_s = travel, max_detour_s
        self.nodes = {route.id: _nodes(route) for route in routes}
        self.loaded = dict.fromkeys(self.nodes, 0)
        self.timelines = {route.id: _simulate(route, self.nodes[route.id], travel, 0) or () for route in routes}
        self.by_day: dict[date, list[PlannedRoute]] = {}
        for route in sorted(routes, key=lambda r: (r.day, r.start, r.id)):
            self.by_day.setdefault(route.day, []).append(route)

    def days(self, first: date, last: date) -> list[date]:
        return sorted(d for d in self.by_day if first <= d <= last)

    def best_on(self, day: date, item: RideAlong, not_before: int | None = None, after_route: str | None = None):
        """(extra s, extra m, nodes, timeline, route) of the cheapest insertion on `day`'s routes."""
        best = None
        for route in self.by_day.get(day, []):
            if route.id == after_route:
                continue
            if item.pickup is None and not_before is not None and route.start < not_before:
                continue  # loaded at the terminal at the start: only after it got there
            found = _best_insertion(route, self.nodes[route.id], self.loaded[route.id], item, self.travel,
                                    self.max_detour_s, not_before)  # fmt: skip
            if found is not None and (best is None or found[0] < best[0]):
                best = (*found, route)
        return best

    def first_day(self, item: RideAlong):
        for day in self.days(item.available_from, item.latest_date):
            best = self.best_on(day, item)
            if best is not None:
                return best  # the next route that passes: a later day is not tried
        return None

    def take(self, item: RideAlong, found) -> Insertion:
        extra_s, extra_m, new_nodes, timed, route = found
        self.nodes[route.id] = new_nodes
        if item.pickup is None:
            self.loaded[route.id] += item.size_units
        self.timelines[route.id] = timed
        return _describe(item, route, new_nodes, timed, extra_m, extra_s)

    def transfer(self, item: RideAlong, hubs: Sequence[Place], transfer_s: int, before: date | None):
        """The cheapest change of vehicles arriving earlier than `before` (None: any day up to the
        wait limit): the first leg to a hub, the onward leg from it on the same or a later day."""
        last = item.latest_date if before is None else min(item.latest_date, before - timedelta(days=1))
        if last < item.available_from:
            return None  # the direct route comes on the first day there is: nothing can be earlier
        ends = {place.location for place in (item.pickup, item.destination) if place is not None}
        best = None
        for hub in (None, *(hub for hub in hubs if hub.location not in ends)):  # None: the terminal
            first_leg = replace(item, destination=hub)
            for day in self.days(item.available_from, last):
                leg1 = self.best_on(day, first_leg)
                if leg1 is None:
                    continue
                arrives = _hub_time(item, leg1, hub)
                onward = replace(item, pickup=hub, available_from=day)
                for later in self.days(day, last):
                    same_day = later == day
                    leg2 = self.best_on(later, onward, arrives + transfer_s if same_day else None,
                                        after_route=leg1[4].id if same_day else None)  # fmt: skip
                    if leg2 is None:
                        continue
                    key = (later, leg1[0] + leg2[0])
                    if best is None or key < best[0]:
                        best = (key, first_leg, leg1, onward, leg2, hub)
                    break  # the next route from the hub
                break  # the first day a route takes it to this hub
        if best is None:
            return None
        _, first_leg, leg1, onward, leg2, hub = best
        # Two different routes: taking the first leg leaves the onward leg's route as searched.
        taken = self.take(first_leg, leg1)
        return replace(taken, onward=self.take(onward, leg2), hub=hub)


def _hub_time(item: RideAlong, leg, hub: Place | None) -> int:
    """When the first leg leaves the consignment at the hub: the route's end at the terminal."""
    extra_s, extra_m, nodes, timed, route = leg
    if hub is None:
        return route.end + extra_s
    return next(t.service_start for t in timed if t.key == f"drop:{item.id}")


def _best_insertion(route, nodes, loaded, item, travel, max_detour_s, not_before=None):
    """(extra seconds, extra metres, nodes, timeline) of the cheapest feasible insertion; with
    `not_before`, the pickup starts no earlier (a hub leg waits for the first one)."""
    drop = None
    if item.destination is not None:  # else unloaded at the terminal when the route ends
        drop = _Node(f"drop:{item.id}", item.destination.location, item.destination.windows(route.day),
                     item.destination.service_s, None, -item.size_units)  # fmt: skip
    pickup = None
    if item.pickup is not None:
        pickup = _Node(f"pickup:{item.id}", item.pickup.location, item.pickup.windows(route.day),
                       item.pickup.service_s, None, item.size_units)  # fmt: skip
    if () in (drop.windows if drop else None, pickup.windows if pickup else None):
        return None  # closed that day
    base_m, base_s = _driving(route, nodes, travel)
    start_loaded = loaded + (item.size_units if pickup is None else 0)
    best = None
    pickup_positions = range(len(nodes) + 1) if pickup is not None else [0]
    for p in pickup_positions:
        with_pickup = [*nodes[:p], pickup, *nodes[p:]] if pickup is not None else list(nodes)
        first_drop = p + 1 if pickup is not None else 0
        drops = range(first_drop, len(with_pickup) + 1) if drop is not None else [None]
        for d in drops:
            candidate = [*with_pickup[:d], drop, *with_pickup[d:]] if d is not None else with_pickup
            metres, seconds = _driving(route, candidate, travel)
            extra_s = round(seconds - base_s)
            if extra_s > max_detour_s or (best is not None and extra_s >= best[0]):
                continue
            timed = _simulate(route, candidate, travel, start_loaded)
            if timed is not None and not _too_early(timed, pickup, not_before):
                best = (extra_s, metres - base_m, candidate, timed)
    return best


def _too_early(timed: Sequence[TimedStop], pickup: _Node | None, not_before: int | None) -> bool:
    """Whether the pickup is served before `not_before` (at a hub: before the first leg got there)."""
    if pickup is None or not_before is None:
        return False
    return next(t.service_start for t in timed if t.key == pickup.key) < not_before


def _describe(item, route, nodes, timed, extra_m, extra_s) -> Insertion:
    """Where the pair sits among the route's own stops, and when."""
    last_original = -1
    pickup_after = -1
    # To the terminal (a hub leg): unloaded after the route's last stop, when it is back.
    drop_after = len(route.stops) - 1 if item.destination is None else -1
    pickup_at = route.start
    drop_at = route.end + extra_s if item.destination is None else route.start
    for node, times in zip(nodes, timed, strict=True):
        if node.original is not None:
            last_original = node.original
        elif node.key == f"pickup:{item.id}":
            pickup_after, pickup_at = last_original, times.service_start
        elif node.key == f"drop:{item.id}":
            drop_after, drop_at = last_original, times.service_start
    return Insertion(item.id, route.id, route.day, pickup_after, drop_after, pickup_at, drop_at,
                     round(extra_m, 1), extra_s)  # fmt: skip
