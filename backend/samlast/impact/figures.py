"""Sum delivery and trip records into the figures politicians ask for.

Units: km, kg CO2e, SEK, hours, kg. A trip shared by several municipalities
is split by its ``shares`` (stops on a route; kg on a trunk trip).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from samlast.impact.model import CHILD_KINDS
from samlast.impact.routing import DeliveryRecord, TripRecord

FIGURE_KEYS = (
    "deliveries",
    "buildings",
    "deliveries_per_building",
    "vehicle_km",
    "heavy_vehicle_visits_schools_preschools",
    "co2e_kg",
    "cost_sek",
    "vehicle_hours",
    "kg",
    "local_kg",
    "local_share",
    "deliveries_outside_window",
    "fallback_trips",
)


def week_of(day: date) -> str:
    """ISO date of the Monday of `day`'s week."""
    return (day - timedelta(days=day.weekday())).isoformat()


def weeks_with_orders(days: Iterable[date]) -> list[str]:
    """The weeks (Mondays, ISO) in which one of `days` (requested order dates) falls."""
    return sorted({week_of(day) for day in days})


def aggregate(
    deliveries: Iterable[DeliveryRecord],
    trips: Iterable[TripRecord],
    *,
    municipality: str | None = None,
    week: str | None = None,
    divide_by: float = 1.0,
) -> dict[str, float]:
    """Figures over the records, optionally for one municipality and/or one week.

    Parameters
    ----------
    deliveries, trips : iterables of records
    municipality : str, optional
    week : str, optional
        Monday of the week (ISO date).
    divide_by : float
        Divide sums by this (e.g. the number of weeks for a weekly average).

    Returns
    -------
    dict
        See :data:`FIGURE_KEYS`; km, kg CO2e, SEK, hours, kg, shares 0-1.
    """
    ds = [
        d
        for d in deliveries
        if (municipality is None or d.municipality == municipality)
        and (week is None or week_of(d.day) == week)
    ]
    km = co2 = cost = hours = 0.0
    fallback = 0.0
    km_by_kind: dict[str, float] = {}
    for t in trips:
        if week is not None and week_of(t.day) != week:
            continue
        share = 1.0 if municipality is None else t.shares.get(municipality, 0.0)
        if not share:
            continue
        km += t.km * share
        co2 += t.co2e_kg * share
        cost += t.cost * share
        hours += t.hours * share
        fallback += share if t.fallback else 0.0
        km_by_kind[t.kind] = km_by_kind.get(t.kind, 0.0) + t.km * share
    kg = sum(d.kg for d in ds)
    local = sum(d.local_kg for d in ds)
    buildings = len({d.point for d in ds})
    n = len(ds)
    out: dict[str, Any] = {
        "deliveries": n / divide_by,
        "buildings": buildings,
        "deliveries_per_building": n / buildings / divide_by if buildings else 0.0,
        "vehicle_km": km / divide_by,
        "heavy_vehicle_visits_schools_preschools": sum(
            1 for d in ds if d.heavy and d.kind in CHILD_KINDS
        )
        / divide_by,
        "co2e_kg": co2 / divide_by,
        "cost_sek": cost / divide_by,
        "vehicle_hours": hours / divide_by,
        "kg": kg / divide_by,
        "local_kg": local / divide_by,
        "local_share": local / kg if kg else 0.0,
        "deliveries_outside_window": sum(1 for d in ds if d.outside_window) / divide_by,
        "fallback_trips": fallback / divide_by,
    }
    out["km_by_trip_kind"] = {k: v / divide_by for k, v in sorted(km_by_kind.items())}
    return {k: _round(v) for k, v in out.items()}


def _round(value):
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 4)
    return value


def by_kind(deliveries: Iterable[DeliveryRecord], divide_by: float = 1.0) -> dict[str, dict]:
    """What a building of each kind receives: deliveries and heavy-vehicle visits per building.

    Returns
    -------
    dict
        {kind: ``buildings``, ``deliveries``, ``deliveries_per_building``,
        ``heavy_visits``, ``heavy_visits_per_building``}, sums divided by `divide_by`.
    """
    points: dict[str, set[str]] = {}
    counts: dict[str, list[int]] = {}
    for d in deliveries:
        points.setdefault(d.kind, set()).add(d.point)
        row = counts.setdefault(d.kind, [0, 0])
        row[0] += 1
        row[1] += d.heavy
    out = {}
    for kind in sorted(points):
        buildings = len(points[kind])
        n, heavy = counts[kind]
        out[kind] = {
            "buildings": buildings,
            "deliveries": _round(n / divide_by),
            "deliveries_per_building": _round(n / buildings / divide_by),
            "heavy_visits": _round(heavy / divide_by),
            "heavy_visits_per_building": _round(heavy / buildings / divide_by),
        }
    return out


def scenario_figures(
    deliveries: Sequence[DeliveryRecord],
    trips: Sequence[TripRecord],
    municipalities: Sequence[str],
    weeks: Sequence[str],
    ordered_weeks: Sequence[str] | None = None,
    period_start: date | None = None,
) -> dict:
    """Totals, weekly averages, per week and per municipality for one scenario.

    Parameters
    ----------
    deliveries, trips : sequences of records
    municipalities : sequence of str
    weeks : sequence of str
        The period's weeks (Mondays, ISO dates); each has a row in ``by_week``.
    ordered_weeks : sequence of str, optional
        The weeks among them that have orders (default: all). Averages divide by
        their number: a week without orders would dilute them.
    period_start : date, optional
        Records dated before it (a fixed pattern delivers some of the period's
        first orders on a delivery day before the period) are summed apart in
        ``before_period``; they stay in the totals and averages, as they serve
        the period's orders.

    Returns
    -------
    dict
        ``total`` (whole horizon), ``per_week`` (average week with orders),
        ``weeks_averaged`` (the divisor), ``by_week`` {week: figures},
        ``by_municipality`` {name: figures over the horizon},
        ``by_municipality_per_week`` {name: average week}, ``by_kind_per_week``
        {delivery point kind: per building, see :func:`by_kind`} and
        ``before_period`` (figures of the records before ``period_start``).
    """
    n_weeks = max(1, len(weeks if ordered_weeks is None else ordered_weeks))
    all_weeks = sorted(
        set(weeks) | {week_of(d.day) for d in deliveries} | {week_of(t.day) for t in trips}
    )
    early_deliveries = [d for d in deliveries if period_start is not None and d.day < period_start]
    early_trips = [t for t in trips if period_start is not None and t.day < period_start]
    return {
        "total": aggregate(deliveries, trips),
        "per_week": aggregate(deliveries, trips, divide_by=n_weeks),
        "weeks_averaged": n_weeks,
        "by_week": {w: aggregate(deliveries, trips, week=w) for w in all_weeks},
        "by_municipality": {
            m: aggregate(deliveries, trips, municipality=m) for m in municipalities
        },
        "by_municipality_per_week": {
            m: aggregate(deliveries, trips, municipality=m, divide_by=n_weeks)
            for m in municipalities
        },
        "by_kind_per_week": by_kind(deliveries, divide_by=n_weeks),
        "before_period": aggregate(early_deliveries, early_trips),
    }


def change(before: float, after: float) -> float | None:
    """Relative change from `before` to `after` (-0.9 = 90 % fewer); None if before is 0."""
    return round((after - before) / before, 4) if before else None
