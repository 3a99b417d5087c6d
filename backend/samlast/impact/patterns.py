"""Delivery-day patterns: which weekdays each delivery point is served on.

Given how often a point should be served (1, 2 or 3 days a week), its days
are chosen so that (a) points close to each other share days, which keeps the
day's routes short, and (b) every weekday gets about the same number of stops
and kg, which keeps vehicle use level:

1. Points are grouped geographically with k-means (planar, longitude scaled
   by cos(latitude)), ``5 * clusters_per_day`` clusters, deterministic start.
2. Each (cluster, frequency) group gets one weekday combination, groups with
   most stops first (longest-processing-time greedy), choosing the
   combination that minimises the squared relative load of the days plus a
   penalty for days close together, minus a bonus for days the same cluster
   already uses.

An order is then delivered on the point's latest delivery day on or before
its requested date (goods arrive early, never late).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from samlast import planning as pl
from samlast.impact.model import ImpactPoint

#: Allowed weekday combinations (0 = Monday) per deliveries a week, best spread first.
WEEKDAY_COMBOS: dict[int, tuple[tuple[int, ...], ...]] = {
    1: ((0,), (1,), (2,), (3,), (4,)),
    2: ((0, 3), (1, 4), (0, 2), (1, 3), (2, 4)),
    3: ((0, 2, 4), (0, 1, 3), (1, 2, 4), (0, 2, 3), (1, 3, 4)),
}
SAME_AREA_BONUS = 0.5
CLOSE_DAYS_PENALTY = 0.05


def _xy(loc: pl.Location, lat0: float) -> tuple[float, float]:
    return loc.lon * math.cos(math.radians(lat0)), loc.lat


def kmeans(locations: Sequence[pl.Location], k: int, iterations: int = 25) -> list[int]:
    """Cluster index of each location (deterministic k-means, farthest-point start).

    Parameters
    ----------
    locations : sequence of Location
        WGS84 degrees.
    k : int
        Number of clusters (at most the number of distinct locations).

    Returns
    -------
    list of int
    """
    if not locations:
        return []
    lat0 = sum(loc.lat for loc in locations) / len(locations)
    pts = [_xy(loc, lat0) for loc in locations]
    k = max(1, min(k, len(set(pts))))
    centres = [pts[0]]
    while len(centres) < k:
        far = max(pts, key=lambda p: min(math.dist(p, c) for c in centres))
        centres.append(far)
    labels = [0] * len(pts)
    for _ in range(iterations):
        labels = [min(range(k), key=lambda c: math.dist(p, centres[c])) for p in pts]
        moved = False
        for c in range(k):
            members = [p for p, lab in zip(pts, labels, strict=True) if lab == c]
            if members:
                new = (
                    sum(p[0] for p in members) / len(members),
                    sum(p[1] for p in members) / len(members),
                )
                moved |= new != centres[c]
                centres[c] = new
        if not moved:
            break
    return labels


def choose_days(
    points: Sequence[ImpactPoint],
    frequency: Mapping[str, int],
    weekly_kg: Mapping[str, float],
    clusters_per_day: int = 3,
) -> dict[str, tuple[int, ...]]:
    """Weekdays (0 = Monday) on which each point is served.

    Parameters
    ----------
    points : sequence of ImpactPoint
        Points to schedule (those with ``frequency``).
    frequency : mapping str -> int
        Deliveries per week (1, 2 or 3) per point id.
    weekly_kg : mapping str -> float
        Average kg per week per point id (for load balancing).
    clusters_per_day : int
        Geographic clusters per weekday.

    Returns
    -------
    dict str -> tuple of int
    """
    points = [p for p in points if p.id in frequency]
    for p in points:
        if frequency[p.id] not in WEEKDAY_COMBOS:
            raise ValueError(f"{p.id}: frequency must be 1, 2 or 3, not {frequency[p.id]}")
    labels = kmeans([p.location for p in points], 5 * clusters_per_day)
    groups: dict[tuple[int, int], list[ImpactPoint]] = defaultdict(list)
    for p, label in zip(points, labels, strict=True):
        groups[(label, frequency[p.id])].append(p)
    total_stops = sum(frequency[p.id] for p in points) or 1
    total_kg = sum(weekly_kg.get(p.id, 0.0) for p in points) or 1.0
    stops, kg = [0.0] * 5, [0.0] * 5
    used: dict[int, set[int]] = defaultdict(set)
    chosen: dict[str, tuple[int, ...]] = {}
    order = sorted(groups, key=lambda key: (-len(groups[key]) * key[1], key))
    for key in order:
        label, freq = key
        members = groups[key]
        add_kg = sum(weekly_kg.get(p.id, 0.0) for p in members) / freq

        def score(combo: tuple[int, ...], members=members, add_kg=add_kg, label=label) -> float:
            s = [x + (len(members) if d in combo else 0) for d, x in enumerate(stops)]
            w = [x + (add_kg if d in combo else 0) for d, x in enumerate(kg)]
            balance = sum((x * 5 / total_stops) ** 2 for x in s)
            balance += sum((x * 5 / total_kg) ** 2 for x in w)
            close = sum(1 for a, b in zip(combo, combo[1:], strict=False) if b - a == 1)
            overlap = len(used[label] & set(combo)) / len(combo)
            return balance + CLOSE_DAYS_PENALTY * close - SAME_AREA_BONUS * overlap

        combo = min(WEEKDAY_COMBOS[freq], key=score)
        for d in combo:
            stops[d] += len(members)
            kg[d] += add_kg
        used[label] |= set(combo)
        for p in members:
            chosen[p.id] = combo
    return chosen


def delivery_date(requested: date, weekdays: Sequence[int]) -> date:
    """The date an order requested for `requested` is delivered under a pattern.

    The point's latest delivery day on or before the requested date, so goods
    arrive early, never late. Near the start of the analysed period this may
    be a day before it: in steady state a Monday order under a
    Tuesday/Friday pattern comes the Friday before.

    Parameters
    ----------
    requested : date
    weekdays : sequence of int
        The point's delivery weekdays (0 = Monday).

    Returns
    -------
    date
    """
    for back in range(7):
        day = requested - timedelta(days=back)
        if day.weekday() in weekdays:
            return day
    raise ValueError("a pattern needs at least one weekday")
