"""A city-size delivery day for the benchmarks (issue 20): 1 100 delivery points, about 950 stops.

SYNTHETIC DATA, drawn by the demo cluster's generator at a larger scale (same kinds, windows,
suppliers, vehicle types). A city the size of Oslo's municipal purchasing (about 1 100 points)
delivers to most of its points every day; the demo cluster's points order about every second
day. So the city day is the generated Monday's and Tuesday's orders delivered together on the
Tuesday: each point's goods of two days in one stop, as a city distributor consolidates them.
One terminal and the demo's vehicle mix, scaled with the points.

A city that size would run more than one depot: `split_by_terminal` gives each of N terminals
the points nearest to it and a share of the vehicles in proportion to its stops (the second
terminal is placed where the points far from the first one are, by a few rounds of k-means with
the first one fixed). Each terminal's day is then planned on its own, as the product plans a day
per terminal.

Pure (no Flask, no database): `bench/municipal.py --city [--terminals 2]` plans it.

`generate_city_weeks` is the city's purchasing over several weeks for the impact analysis: the
same 1 100 points ordering as the demo's points do, from 300 suppliers. A city buys each kind of
goods from several suppliers (framework agreements split by area, many small producers), so each
of the demo's 15 suppliers becomes a group of suppliers of its kind, in proportion to its orders,
placed around it; each point buys each kind from one of the group, as under a framework agreement.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

from samlast.demo import WEEKS, DemoCluster, DemoSupplier, DemoTerminal, catalog
from samlast.demo.generator import DEFAULT_SEED, DEFAULT_START, _orders, _rng, _scatter, allocate, generate_cluster

CITY_NAME = "Storstad (syntetisk demo)"
CITY_POINTS = 1100
CITY_SUPPLIERS = 300
CITY_WEEKS = 4
# How far a group's suppliers lie from the demo supplier they are drawn around, km: wholesalers'
# depots around the same city, producers' farms over the countryside.
SUPPLIER_SPREAD_KM = {"wholesaler": (0.0, 15.0), "local_producer": (0.0, 25.0)}


def generate_city(seed: int = DEFAULT_SEED, points: int = CITY_POINTS) -> tuple[DemoCluster, date]:
    """The city cluster (its orders are those of the city day only) and the city day (a Tuesday)."""
    cluster = generate_cluster(seed=seed, scale=points / catalog.POINTS_AT_SCALE_1, start=DEFAULT_START)
    monday = cluster.start
    tuesday = monday + timedelta(days=1)
    orders = tuple(
        replace(order, requested_date=tuesday) for order in cluster.orders if order.requested_date in (monday, tuesday)
    )
    return replace(cluster, name=CITY_NAME, orders=orders), tuesday


def generate_city_weeks(
    seed: int = DEFAULT_SEED, points: int = CITY_POINTS, suppliers: int = CITY_SUPPLIERS, weeks: int = CITY_WEEKS
) -> DemoCluster:
    """The city's points, vehicles and `weeks` weeks of orders (from the demo start, a Monday)
    from `suppliers` suppliers. Deterministic for a seed; every block of two weeks has its own
    draw of orders."""
    if weeks < 1 or weeks % WEEKS:
        raise ValueError(f"weeks must be a positive multiple of {WEEKS}")
    if suppliers < len(catalog.SUPPLIERS):
        raise ValueError(f"at least {len(catalog.SUPPLIERS)} suppliers (one per kind of goods)")
    city = generate_cluster(seed=seed, scale=points / catalog.POINTS_AT_SCALE_1, start=DEFAULT_START)
    areas = {a.name: a for a in city.product_areas}
    orders = list(city.orders)
    for block in range(1, weeks // WEEKS):
        start = city.start + timedelta(weeks=WEEKS * block)
        orders += _orders(_rng(seed, f"orders:{block}"), city.delivery_points, areas, start)
    rng = _rng(seed, "city-suppliers")
    # Each demo supplier's group: as many suppliers as its share of the orders (at least one).
    per_demo = {s.external_id: 0 for s in city.suppliers}
    for order in orders:
        per_demo[order.supplier] += 1
    sizes = [max(1, n) for n in allocate(suppliers, list(per_demo.values()))]
    while sum(sizes) > suppliers:  # a group lifted to one is paid for by the largest
        sizes[sizes.index(max(sizes))] -= 1
    groups: dict[str, list[DemoSupplier]] = {}
    for demo, size in zip(city.suppliers, sizes, strict=True):
        groups[demo.external_id] = [
            replace(demo, key=f"{demo.key}-{n}", external_id=f"{demo.external_id}-{n:03d}",
                    name=f"{demo.name} {n} (syntetisk)",
                    **dict(zip(("lat", "lon"), _scatter(rng, demo.lat, demo.lon, SUPPLIER_SPREAD_KM[demo.kind],
                                                          (0.0, 360.0)), strict=True)))
            for n in range(1, size + 1)
        ]  # fmt: skip
    # Each point buys each kind from one supplier of the group, the points dealt out in turn.
    buyers: dict[str, list[str]] = {demo: sorted({o.delivery_point for o in orders if o.supplier == demo})
                                    for demo in groups}  # fmt: skip
    supplier_of: dict[tuple[str, str], str] = {}
    for demo, group in groups.items():
        rng.shuffle(buyers[demo])
        for i, point in enumerate(buyers[demo]):
            supplier_of[point, demo] = group[i % len(group)].external_id
    return replace(
        city,
        name=CITY_NAME,
        suppliers=tuple(s for group in groups.values() for s in group),
        orders=tuple(
            replace(o, external_id=f"CITY-O-{i:07d}", supplier=supplier_of[o.delivery_point, o.supplier])
            for i, o in enumerate(orders, start=1)
        ),
    )


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on a flat map around 56° N, enough to say which terminal is nearer."""
    return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(math.radians(56)))


def split_by_terminal(city: DemoCluster, terminals: int = 2, rounds: int = 20) -> list[DemoCluster]:
    """The city as `terminals` clusters: the first keeps the city's terminal, the others are placed
    by k-means over the points that have orders (the first centre fixed); each point goes to its
    nearest terminal, the vehicles are shared in proportion to the stops."""
    ordered = {o.delivery_point for o in city.orders}
    where = {p.external_id: (p.lat, p.lon) for p in city.delivery_points if p.external_id in ordered}
    centres = [(city.terminal.lat, city.terminal.lon)]
    while len(centres) < terminals:  # the point farthest from every centre so far starts the next one
        centres.append(max(sorted(where.values()), key=lambda x: min(_km(x, c) for c in centres)))
    for _ in range(rounds):
        groups: list[list[tuple[float, float]]] = [[] for _ in centres]
        for place in where.values():
            groups[min(range(len(centres)), key=lambda i: _km(place, centres[i]))].append(place)
        centres = [centres[0]] + [
            (sum(p[0] for p in g) / len(g), sum(p[1] for p in g) / len(g)) if g else c
            for c, g in zip(centres[1:], groups[1:], strict=True)
        ]
    nearest = {pid: min(range(len(centres)), key=lambda i: _km(place, centres[i])) for pid, place in where.items()}
    counts = [sum(1 for i in nearest.values() if i == k) for k in range(len(centres))]
    # The vehicles dealt out in turn to the terminal furthest below its share of the stops, so
    # each gets the same mix of vehicle types (compartments) as the city.
    fleets: list[list] = [[] for _ in centres]
    for vehicle in city.vehicles:
        k = max(range(len(centres)), key=lambda i: counts[i] / len(nearest) - len(fleets[i]) / len(city.vehicles))
        fleets[k].append(vehicle)
    out = []
    for k, (lat, lon) in enumerate(centres):
        terminal = city.terminal if k == 0 else DemoTerminal(
            f"Terminal {k + 1} (syntetisk)", "", round(lat, 5), round(lon, 5), city.terminal.opens_at,
            city.terminal.closes_at)  # fmt: skip
        mine = {pid for pid, i in nearest.items() if i == k}
        out.append(replace(
            city, name=f"{city.name}, terminal {k + 1}", terminal=terminal,
            delivery_points=tuple(p for p in city.delivery_points if p.external_id in mine),
            vehicles=tuple(fleets[k]),
            orders=tuple(o for o in city.orders if o.delivery_point in mine),
        ))  # fmt: skip
    return out
