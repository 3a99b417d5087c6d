"""Coordinated distribution: suppliers bring goods to the terminal, the terminal delivers.

* Trunk: one trip per supplier and order day, terminal distance x 2 with
  the supplier's own vehicle (:mod:`samlast.impact.factors`), plus
  ``terminal_handling_s`` for unloading.
* Distribution: the terminal's fleet delivers one consolidated load per
  delivery point and delivery day, on routes planned by the same planner as
  the baseline. Delivery days follow a :class:`~samlast.impact.model.PatternSpec`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date

from samlast import planning as pl
from samlast.i18n import Message
from samlast.impact.baseline import ScenarioRun, supplier_days
from samlast.impact.model import ImpactInput, ImpactOrder, ImpactParams, PatternSpec
from samlast.impact.patterns import choose_days, delivery_date
from samlast.impact.routing import (
    DayRequest,
    DayRouter,
    DeliveryRecord,
    PrecomputedTravel,
    TripRecord,
    trip_records,
)


@dataclass(frozen=True)
class Schedule:
    """Orders placed on delivery dates under one pattern.

    ``loads[(point id, date)]`` lists the orders delivered together there;
    ``weekdays`` the chosen days per point (empty for "as ordered");
    ``mean_days_early`` how many days before its requested date an order
    arrives on average (kg-weighted).
    """

    pattern: str
    loads: dict[tuple[str, date], list[ImpactOrder]]
    weekdays: dict[str, tuple[int, ...]]
    mean_days_early: float

    def dates(self) -> list[date]:
        return sorted({day for _, day in self.loads})


def moved_before(plan: Schedule, start: date) -> dict:
    """The deliveries `plan` brings forward to before the period that starts on `start`.

    A fixed-day pattern delivers an order on its point's latest delivery day on
    or before the requested date, so an order for the period's first days may
    come on a day before the period. Those deliveries serve the period's orders
    and are counted in its figures; this says how many there are.

    Returns
    -------
    dict
        ``deliveries`` (point-days before `start`), ``orders`` (orders in them),
        ``kg`` and ``dates`` (ISO, sorted).
    """
    early = {key: orders for key, orders in plan.loads.items() if key[1] < start}
    return {
        "deliveries": len(early),
        "orders": sum(len(orders) for orders in early.values()),
        "kg": round(sum(o.kg for orders in early.values() for o in orders), 2),
        "dates": sorted({day.isoformat() for _, day in early}),
    }


def _orders(data: ImpactInput) -> list[ImpactOrder]:
    return [o for o in data.orders if data.start <= o.day <= data.end]


def schedule(data: ImpactInput, pattern: PatternSpec, params: ImpactParams) -> Schedule:
    """Place every order of the horizon on a delivery date of its point.

    Parameters
    ----------
    data : ImpactInput
    pattern : PatternSpec
    params : ImpactParams
        ``clusters_per_day`` for choosing days.

    Returns
    -------
    Schedule
    """
    orders = _orders(data)
    loads: dict[tuple[str, date], list[ImpactOrder]] = defaultdict(list)
    if pattern.frequency_by_kind is None:
        for order in orders:
            loads[(order.point, order.day)].append(order)
        return Schedule(pattern.name, dict(loads), {}, 0.0)
    points = {p.id: p for p in data.points}
    active = sorted({o.point for o in orders})
    weeks = max(1, ((data.end - data.start).days + 1) / 7)
    weekly_kg: dict[str, float] = defaultdict(float)
    for order in orders:
        weekly_kg[order.point] += order.kg / weeks
    frequency = {pid: pattern.frequency(points[pid].kind) or 1 for pid in active}
    weekdays = choose_days(
        [points[pid] for pid in active], frequency, weekly_kg, params.clusters_per_day
    )
    early_kg = 0.0
    for order in orders:
        day = delivery_date(order.day, weekdays[order.point])
        early_kg += (order.day - day).days * order.kg
        loads[(order.point, day)].append(order)
    total_kg = sum(o.kg for o in orders) or 1.0
    return Schedule(pattern.name, dict(loads), weekdays, round(early_kg / total_kg, 3))


def run_trunk(data: ImpactInput, travel: PrecomputedTravel, params: ImpactParams) -> ScenarioRun:
    """One trip per supplier and order day: supplier -> terminal -> supplier.

    Returns
    -------
    ScenarioRun
        Trips only (``kind="trunk"``, split between municipalities by kg) and
        each supplier's longest transport time per day in hours.
    """
    points = {p.id: p for p in data.points}
    suppliers = {s.id: s for s in data.suppliers}
    run = ScenarioRun()
    for (supplier_id, day), orders in supplier_days(data).items():
        supplier = suppliers[supplier_id]
        profile = supplier.profile
        metres = travel.distance_m(supplier.location, data.terminal) + travel.distance_m(
            data.terminal, supplier.location
        )
        seconds = (
            travel.duration_s(supplier.location, data.terminal)
            + travel.duration_s(data.terminal, supplier.location)
            + params.terminal_handling_s
        )
        kg_by_municipality: dict[str, float] = defaultdict(float)
        for order in orders:
            kg_by_municipality[points[order.point].municipality] += order.kg
        total = sum(kg_by_municipality.values()) or 1.0
        km, hours = metres / 1000.0, seconds / 3600.0
        run.trips.append(
            TripRecord(
                day,
                "trunk",
                supplier_id,
                km,
                hours,
                km * profile.cost_per_km + hours * profile.cost_per_hour,
                km * profile.co2e_kg_per_km,
                profile.heavy,
                {m: kg / total for m, kg in kg_by_municipality.items()},
                kg=sum(kg_by_municipality.values()),
            )
        )
        run.supplier_hours[supplier_id] = max(run.supplier_hours.get(supplier_id, 0.0), hours)
    return run


def fleet_vehicles(data: ImpactInput, params: ImpactParams) -> list[pl.Vehicle]:
    """The terminal's vehicles with the analysis' trip settings."""
    return [
        dataclasses.replace(
            f.vehicle,
            max_trips=params.fleet_max_trips,
            reload_s=max(f.vehicle.reload_s, 30 * 60),
            break_rule=False,
        )
        for f in data.fleet
    ]


def jobs_of_day(
    data: ImpactInput,
    plan: Schedule,
    day: date,
    params: ImpactParams,
    municipalities: Collection[str] | None,
) -> tuple[list[pl.Job], dict[str, str], dict[str, list[ImpactOrder]]]:
    points = {p.id: p for p in data.points}
    jobs, municipality_of, orders_of = [], {}, {}
    for (point_id, when), orders in sorted(plan.loads.items()):
        point = points[point_id]
        if when != day or (municipalities is not None and point.municipality not in municipalities):
            continue
        demand: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for order in orders:
            for cls, load in order.loads.items():
                demand[cls][0] += load.kg
                demand[cls][1] += load.pallets
        job_id = f"{point_id}@{day.isoformat()}"
        jobs.append(
            pl.Job.delivery_job(
                job_id,
                point.location,
                {cls: pl.Load(kg, pallets) for cls, (kg, pallets) in demand.items()},
                time_windows=point.receiving_windows(day.weekday(), params.delivery_window),
                service_fixed_s=point.service_s,
                service_per_pallet_s=params.service_per_pallet_s,
            )
        )
        municipality_of[job_id] = point.municipality
        orders_of[job_id] = orders
    return jobs, municipality_of, orders_of


def run_distribution(
    data: ImpactInput,
    plan: Schedule,
    params: ImpactParams,
    travel: PrecomputedTravel,
    *,
    time_limit_s: float,
    municipalities: Collection[str] | None = None,
    step: Callable[[Message], None] = lambda message: None,
    router: DayRouter | None = None,
) -> ScenarioRun:
    """Route the terminal's deliveries of every delivery date of `plan`.

    Parameters
    ----------
    data : ImpactInput
    plan : Schedule
    params : ImpactParams
    travel : PrecomputedTravel
    time_limit_s : float
        Solver limit per day, seconds.
    municipalities : collection of str, optional
        Serve only these municipalities' points (coalition runs).
    step : callable
        Called once per day (progress).
    router : DayRouter, optional
        Runs the days (default: one after the other, here).

    Returns
    -------
    ScenarioRun
    """
    return distribution_runs(data, plan, params, travel, [municipalities], time_limit_s=time_limit_s,
                             step=step, router=router)[0]  # fmt: skip


def distribution_runs(
    data: ImpactInput,
    plan: Schedule,
    params: ImpactParams,
    travel: PrecomputedTravel,
    groups: Sequence[Collection[str] | None],
    *,
    time_limit_s: float,
    step: Callable[[Message], None] = lambda message: None,
    router: DayRouter | None = None,
) -> list[ScenarioRun]:
    """:func:`run_distribution` for each group of municipalities (None: all), the days of all
    groups handed to the router at once (so workers can take them side by side)."""
    local = {s.id for s in data.suppliers if s.local}
    points = {p.id: p for p in data.points}
    fleet = {f.vehicle.id: f for f in data.fleet}
    vehicles = tuple(fleet_vehicles(data, params))
    days = []  # (group index, day, jobs, municipality of each job, orders of each job)
    for index, municipalities in enumerate(groups):
        for day in plan.dates():
            jobs, municipality_of, orders_of = jobs_of_day(data, plan, day, params, municipalities)
            if jobs:
                days.append((index, day, jobs, municipality_of, orders_of))
    requests = [DayRequest(data.terminal, vehicles, tuple(jobs), params.solve_params(time_limit_s))
                for _, _, jobs, _, _ in days]  # fmt: skip

    def done(index: int) -> None:
        day = days[index][1]
        step(
            Message(
                "progress.impact.coordinated", pattern=Message(f"impact.pattern.{plan.pattern}"), date=day.isoformat()
            )
        )

    results = (router or DayRouter()).route_days(requests, travel, done)
    runs = [ScenarioRun() for _ in groups]
    for (index, day, jobs, municipality_of, orders_of), result in zip(days, results, strict=True):
        run = runs[index]
        run.trips += trip_records(
            day,
            "distribution",
            result.trips,
            municipality_of,
            lambda vid: (fleet[vid].co2e_kg_per_km, fleet[vid].heavy),
            jobs,
        )
        heavy_of = {j: fleet[t.vehicle_id].heavy for t in result.trips for j in t.job_ids}
        for job in jobs:
            point = points[job.id.rsplit("@", 1)[0]]
            orders = orders_of[job.id]
            kg = sum(o.kg for o in orders)
            run.deliveries.append(
                DeliveryRecord(
                    day,
                    point.id,
                    point.municipality,
                    point.kind,
                    heavy_of[job.id],
                    kg,
                    sum(o.kg for o in orders if o.supplier in local),
                    outside_window=job.id in result.outside_window,
                )
            )
    return runs
