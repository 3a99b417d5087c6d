"""A city-size delivery day for the benchmarks (issue 20): 1 100 delivery points, about 950 stops.

SYNTHETIC DATA, drawn by the demo cluster's generator at a larger scale (same kinds, windows,
suppliers, vehicle types). A city the size of Oslo's municipal purchasing (about 1 100 points)
delivers to most of its points every day; the demo cluster's points order about every second
day. So the city day is the generated Monday's and Tuesday's orders delivered together on the
Tuesday: each point's goods of two days in one stop, as a city distributor consolidates them.
One terminal and the demo's vehicle mix, scaled with the points.

Pure (no Flask, no database): `bench/municipal.py --city` plans it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from samlast.demo import DemoCluster, catalog
from samlast.demo.generator import DEFAULT_SEED, DEFAULT_START, generate_cluster

CITY_NAME = "Storstad (syntetisk demo)"
CITY_POINTS = 1100


def generate_city(seed: int = DEFAULT_SEED, points: int = CITY_POINTS) -> tuple[DemoCluster, object]:
    """The city cluster (its orders are those of the city day only) and the city day (a Tuesday)."""
    cluster = generate_cluster(seed=seed, scale=points / catalog.POINTS_AT_SCALE_1, start=DEFAULT_START)
    monday = cluster.start
    tuesday = monday + timedelta(days=1)
    orders = tuple(
        replace(order, requested_date=tuesday) for order in cluster.orders if order.requested_date in (monday, tuesday)
    )
    return replace(cluster, name=CITY_NAME, orders=orders), tuesday
