"""Monthly follow-up: what coordinated distribution actually did against free delivery of the same orders.

Pure: plain records in, a JSON-ready dict out (no app, no database). The service
(:mod:`samlast.services.followup`) reads the records from what happened: every delivered stop
(a proof of delivery), every driven route (GPS kilometres where the phone sent positions, the
planned kilometres otherwise) and the vehicle's CO2e per km; the baseline is free delivery of
the *same* orders, routed by :func:`samlast.impact.baseline.run_baseline`.

Every figure is a sum over days, so a month's report equals the sum of its days' reports
(:func:`follow_up` on all records, or on each day's and added up). Shares (punctuality, local
share) are kept as their numerator and denominator for the same reason.

The settlement: the month's shared route cost is split between the municipalities by a rule the
council chose. The rules need what a coalition of municipalities would have paid alone; for
driven routes that is estimated per route by skipping the other municipalities' stops in the
driven order (:func:`skip_stop_km`): the route's cost times the share of its km left. By the
triangle inequality no coalition pays more than the route did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from geopy.distance import distance

from samlast import planning as pl
from samlast.impact.costsplit import equal_profit, nucleolus, shapley, split_table

#: The rules a council may pick for the settlement (keys of :func:`costsplit.split_table`'s rows).
RULES = ("shapley", "nucleolus", "equal_profit", "per_delivery", "per_kg", "per_standalone_km")
#: Above this many municipalities the coalition-based rules are not computed (2^n coalitions).
MAX_COALITION_PLAYERS = 8


@dataclass(frozen=True)
class DeliveredStop:
    """One delivery to a municipal building, as the proof of delivery recorded it.

    ``on_time`` is None when the stop had no receiving window. ``kg_by_area`` and
    ``local_kg_by_area`` are the delivered kg per product area (its name, "" when none).
    """

    day: date
    point: str
    point_name: str
    municipality: str
    on_time: bool | None
    kg_by_area: Mapping[str, float] = field(default_factory=dict)
    local_kg_by_area: Mapping[str, float] = field(default_factory=dict)
    deviations: int = 0

    @property
    def kg(self) -> float:
        return sum(self.kg_by_area.values())

    @property
    def local_kg(self) -> float:
        return sum(self.local_kg_by_area.values())


@dataclass(frozen=True)
class DrivenRoute:
    """One driven route: km (``gps`` True when measured from positions), cost SEK, CO2e kg.

    ``coalition_km`` holds, for every set of the route's municipalities, the km the route would
    have driven for that set alone (:func:`coalition_km`).
    """

    day: date
    vehicle: str
    km: float
    gps: bool
    cost: float
    co2e_kg: float
    coalition_km: Mapping[frozenset[str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class BaselineDay:
    """Free delivery of the same orders on one day: deliveries (stops), km, CO2e kg, cost SEK."""

    day: date
    deliveries: int
    km: float
    co2e_kg: float
    cost: float
    deliveries_by_point: Mapping[str, int] = field(default_factory=dict)


def track_km(positions: Sequence[pl.Location]) -> float:
    """Kilometres along a GPS track (consecutive positions, geodesic)."""
    return sum(distance((a.lat, a.lon), (b.lat, b.lon)).km for a, b in zip(positions, positions[1:], strict=False))


def skip_stop_km(depot: pl.Location, stops: Sequence[pl.Location]) -> float:
    """Kilometres from the depot through ``stops`` in order and back (0 without stops)."""
    if not stops:
        return 0.0
    return track_km([depot, *stops, depot])


def coalition_km(depot: pl.Location, stops: Sequence[tuple[str, pl.Location]]) -> dict[frozenset[str], float]:
    """For each non-empty set of the municipalities on a route (stops in driven order), its km alone."""
    players = sorted({m for m, _ in stops})
    out: dict[frozenset[str], float] = {}
    if len(players) > MAX_COALITION_PLAYERS:
        return {frozenset([p]): skip_stop_km(depot, [loc for m, loc in stops if m == p]) for p in players}
    for size in range(1, len(players) + 1):
        for group in combinations(players, size):
            members = frozenset(group)
            out[members] = skip_stop_km(depot, [loc for m, loc in stops if m in members])
    return out


def _round(value: float, digits: int = 2) -> float:
    return round(value + 0.0, digits)


def _share(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def _change(after: float, before: float) -> float | None:
    return None if not before else round(after / before - 1, 4)


def _coalition_costs(routes: Iterable[DrivenRoute], players: Sequence[str]) -> tuple[dict, dict]:
    """Summed over routes: what each coalition would have paid and driven alone."""
    cost: dict[frozenset[str], float] = defaultdict(float)
    km: dict[frozenset[str], float] = defaultdict(float)
    everyone = frozenset(players)
    wanted = (
        [frozenset(g) for n in range(1, len(players) + 1) for g in combinations(players, n)]
        if len(players) <= MAX_COALITION_PLAYERS
        else [frozenset([p]) for p in players]
    )
    for route in routes:
        route_players = frozenset(m for s in route.coalition_km for m in s)
        full = route.coalition_km.get(route_players, 0.0)
        for s in wanted:
            inside = s & route_players
            if not inside:
                continue
            alone = route.coalition_km.get(inside)
            if alone is None:  # too many municipalities on one route to enumerate: charge it whole
                alone = full
            fraction = alone / full if full else 1.0
            cost[s] += route.cost * fraction
            km[s] += route.km * fraction
    cost[everyone] = sum(r.cost for r in routes)
    return dict(cost), dict(km)


def settlement(stops: Sequence[DeliveredStop], routes: Sequence[DrivenRoute], rule: str) -> dict:
    """The shared route cost per municipality under every rule, and the chosen ``rule``'s amounts.

    Returns ``{"rule", "total_cost", "table" (costsplit.split_table rows), "rows"}`` where each of
    ``rows`` is ``{"municipality", "amount", "standalone_cost", "pays_more_than_alone"}`` for the
    chosen rule, and the table keeps every rule's ``pays_more_than_alone`` flags.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}")
    players = sorted({s.municipality for s in stops})
    total = sum(r.cost for r in routes)
    if not players:
        return {"rule": rule, "total_cost": _round(total), "table": [], "rows": []}
    cost, km = _coalition_costs(routes, players)
    for p in players:
        cost.setdefault(frozenset([p]), 0.0)
    deliveries: dict[str, float] = defaultdict(float)
    kg: dict[str, float] = defaultdict(float)
    for s in stops:
        deliveries[s.municipality] += 1
        kg[s.municipality] += s.kg
    full = len(players) <= MAX_COALITION_PLAYERS
    if full:
        for n in range(1, len(players)):
            for g in combinations(players, n):
                cost.setdefault(frozenset(g), 0.0)
    values: dict[str, Mapping[str, float] | None] = {"shapley": None, "nucleolus": None, "equal_profit": None}
    if full:
        values["shapley"] = shapley(players, cost)
        try:
            values["nucleolus"] = nucleolus(players, cost)
            values["equal_profit"] = equal_profit(players, cost)
        except (ArithmeticError, ImportError):  # pragma: no cover - no LP solver, or it gave up
            pass
    table = split_table(
        players,
        total,
        deliveries,
        kg,
        {p: km.get(frozenset([p]), 0.0) for p in players},
        {p: cost[frozenset([p])] for p in players},
        values["shapley"],
        nucleolus_value=values["nucleolus"],
        equal_profit_value=values["equal_profit"],
    )
    chosen = rule if table[0].get(rule) is not None else "per_delivery"
    rows = [
        {
            "municipality": row["municipality"],
            "amount": row[chosen],
            "standalone_cost": row["standalone_cost"],
            "pays_more_than_alone": chosen in row["pays_more_than_alone"],
        }
        for row in table
    ]
    return {"rule": chosen, "asked_rule": rule, "total_cost": _round(total), "table": table, "rows": rows}


def _figures(stops: Sequence[DeliveredStop], routes: Sequence[DrivenRoute], baseline: Sequence[BaselineDay]) -> dict:
    with_window = [s for s in stops if s.on_time is not None]
    on_time = sum(1 for s in with_window if s.on_time)
    kg = sum(s.kg for s in stops)
    local_kg = sum(s.local_kg for s in stops)
    coordinated = {
        "deliveries": len(stops),
        "km": _round(sum(r.km for r in routes), 1),
        "gps_km": _round(sum(r.km for r in routes if r.gps), 1),
        "routes": len(routes),
        "co2e_kg": _round(sum(r.co2e_kg for r in routes), 1),
        "cost_sek": _round(sum(r.cost for r in routes)),
        "kg": _round(kg, 1),
        "local_kg": _round(local_kg, 1),
        "stops_with_window": len(with_window),
        "on_time": on_time,
        "deviations": sum(s.deviations for s in stops),
    }
    before = {
        "deliveries": sum(b.deliveries for b in baseline),
        "km": _round(sum(b.km for b in baseline), 1),
        "co2e_kg": _round(sum(b.co2e_kg for b in baseline), 1),
        "cost_sek": _round(sum(b.cost for b in baseline)),
    }
    return {
        "coordinated": coordinated,
        "baseline": before,
        "punctuality": _share(on_time, len(with_window)),
        "local_share": _share(local_kg, kg),
        "change": {k: _change(coordinated[k], before[k]) for k in ("deliveries", "km", "co2e_kg", "cost_sek")},
    }


def _per_point(stops: Sequence[DeliveredStop], baseline: Sequence[BaselineDay]) -> list[dict]:
    rows: dict[str, dict] = {}
    for s in stops:
        row = rows.setdefault(
            s.point,
            {"point": s.point, "name": s.point_name, "municipality": s.municipality, "deliveries": 0,
             "baseline_deliveries": 0, "on_time": 0, "with_window": 0, "deviations": 0},
        )  # fmt: skip
        row["deliveries"] += 1
        row["deviations"] += s.deviations
        if s.on_time is not None:
            row["with_window"] += 1
            row["on_time"] += int(s.on_time)
    for b in baseline:
        for point, n in b.deliveries_by_point.items():
            if point in rows:
                rows[point]["baseline_deliveries"] += n
    return sorted(rows.values(), key=lambda r: (r["municipality"], r["name"]))


def _local_by_area(stops: Sequence[DeliveredStop]) -> list[dict]:
    kg: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for s in stops:
        for area, value in s.kg_by_area.items():
            kg[(s.municipality, area)][0] += value
        for area, value in s.local_kg_by_area.items():
            kg[(s.municipality, area)][1] += value
    return [
        {"municipality": m, "area": a, "kg": _round(total, 1), "local_kg": _round(local, 1),
         "local_share": _share(local, total)}
        for (m, a), (total, local) in sorted(kg.items())
    ]  # fmt: skip


def follow_up(
    stops: Sequence[DeliveredStop],
    routes: Sequence[DrivenRoute],
    baseline: Sequence[BaselineDay],
    rule: str = "shapley",
) -> dict:
    """The follow-up of whatever period the records cover (a month, or one day).

    Returns
    -------
    dict
        ``totals`` (coordinated and baseline figures, punctuality, local share, change),
        ``days`` (the same figures per day), ``points`` (deliveries per building against the
        baseline, punctuality, deviations), ``municipalities`` (deliveries, kg, local kg),
        ``local_by_area`` (per municipality and product area) and ``settlement``.
        Units: km, kg CO2e, SEK, kg.
    """
    days = sorted({s.day for s in stops} | {r.day for r in routes} | {b.day for b in baseline})
    per_day = []
    for day in days:
        figures = _figures(
            [s for s in stops if s.day == day],
            [r for r in routes if r.day == day],
            [b for b in baseline if b.day == day],
        )
        per_day.append({"date": day.isoformat(), **figures})
    municipalities: dict[str, dict] = {}
    for s in stops:
        row = municipalities.setdefault(s.municipality, {"municipality": s.municipality, "deliveries": 0, "kg": 0.0,
                                                         "local_kg": 0.0})  # fmt: skip
        row["deliveries"] += 1
        row["kg"] += s.kg
        row["local_kg"] += s.local_kg
    for row in municipalities.values():
        row["local_share"] = _share(row["local_kg"], row["kg"])
        row["kg"], row["local_kg"] = _round(row["kg"], 1), _round(row["local_kg"], 1)
    return {
        "totals": _figures(stops, routes, baseline),
        "days": per_day,
        "points": _per_point(stops, baseline),
        "municipalities": sorted(municipalities.values(), key=lambda r: r["municipality"]),
        "local_by_area": _local_by_area(stops),
        "settlement": settlement(stops, routes, rule),
    }


#: The totals that add up over days (shares are derived from them).
ADDITIVE = {
    "coordinated": ("deliveries", "km", "gps_km", "routes", "co2e_kg", "cost_sek", "kg", "local_kg",
                    "stops_with_window", "on_time", "deviations"),
    "baseline": ("deliveries", "km", "co2e_kg", "cost_sek"),
}  # fmt: skip


def add_up(reports: Iterable[dict]) -> dict:
    """The additive totals of several follow-ups added together (a month from its days)."""
    out = {group: dict.fromkeys(keys, 0.0) for group, keys in ADDITIVE.items()}
    for report in reports:
        for group, keys in ADDITIVE.items():
            for key in keys:
                out[group][key] += report["totals"][group][key]
    return out


def baseline_days(deliveries: Iterable, trips: Iterable) -> list[BaselineDay]:
    """Per-day baseline figures from free delivery's records (:class:`impact.routing.DeliveryRecord`
    and ``TripRecord`` as :func:`impact.baseline.run_baseline` returns them)."""
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d in deliveries:
        counts[d.day][d.point] += 1
    sums: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for t in trips:
        sums[t.day][0] += t.km
        sums[t.day][1] += t.co2e_kg
        sums[t.day][2] += t.cost
    return [
        BaselineDay(day, sum(counts[day].values()), sums[day][0], sums[day][1], sums[day][2], dict(counts[day]))
        for day in sorted(set(counts) | set(sums))
    ]
