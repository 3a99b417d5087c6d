"""Baseline "free delivery": every supplier drives its own orders from its own location.

For each supplier and day, the supplier's orders to each delivery point are
one delivery (one stop), and the stops are routed with the same planner as
the coordinated scenario, from the supplier's location, with the supplier's
typical vehicle (:mod:`samlast.impact.factors`).

Known bias, stated in the report: a wholesaler's truck in reality also serves
customers outside the cluster on the same trip, so charging the whole trip
from the depot to the cluster overstates the baseline km for far-away
wholesalers. :func:`run_baseline` therefore also reports the share of the
baseline km driven by trips starting more than 30 km from the terminal.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from functools import partial

from samlast import planning as pl
from samlast.i18n import Message
from samlast.impact.factors import VehicleProfile
from samlast.impact.model import ImpactInput, ImpactParams, ImpactSupplier
from samlast.impact.routing import (
    SINGLE_CLASS,
    DayRequest,
    DayRouter,
    DeliveryRecord,
    PrecomputedTravel,
    TripRecord,
    trip_records,
    vehicle_count,
)

#: Supplier vehicles may work from 05:00 to 18:00 (assumption).
SUPPLIER_SHIFT = (time(5, 0), time(18, 0))
#: Suppliers farther from the terminal than this are named in the note on the baseline's bias.
FAR_SUPPLIER_KM = 30


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60


@dataclass
class ScenarioRun:
    """Records of one scenario."""

    deliveries: list[DeliveryRecord] = field(default_factory=list)
    trips: list[TripRecord] = field(default_factory=list)
    #: supplier id -> longest transport time on one day, hours
    supplier_hours: dict[str, float] = field(default_factory=dict)
    #: What a reader must know about these figures, in the reader's language later.
    notes: list[Message] = field(default_factory=list)


def supplier_days(data: ImpactInput) -> dict[tuple[str, date], list]:
    """Orders grouped by (supplier id, day) within the analysed dates."""
    groups: dict[tuple[str, date], list] = defaultdict(list)
    for order in data.orders:
        if data.start <= order.day <= data.end:
            groups[(order.supplier, order.day)].append(order)
    return dict(sorted(groups.items()))


def _vehicles(supplier: ImpactSupplier, jobs: list[pl.Job]) -> list[pl.Vehicle]:
    p = supplier.profile
    # The cluster's goods may take only `fill_rate` of the truck, but a single
    # delivery always fits (it is carried, not left behind).
    largest_kg = max((sum(load.kg for load in j.demand.values()) for j in jobs), default=0.0)
    largest_pallets = max((j.pallets for j in jobs), default=0.0)
    capacity_kg = min(p.capacity_kg, max(p.capacity_kg * supplier.fill_rate, largest_kg))
    capacity_pallets = min(p.capacity_pallets, max(p.capacity_pallets * supplier.fill_rate, largest_pallets))
    count = vehicle_count(jobs, capacity_kg, capacity_pallets)
    return [
        pl.Vehicle(
            id=f"{supplier.id}#{i + 1}",
            shift_start=_seconds(SUPPLIER_SHIFT[0]),
            shift_end=_seconds(SUPPLIER_SHIFT[1]),
            capacities={SINGLE_CLASS: pl.Capacity(capacity_kg, capacity_pallets)},
            cost_per_km=p.cost_per_km,
            cost_per_hour=p.cost_per_hour,
            max_trips=2,
            reload_s=30 * 60,
        )
        for i in range(count)
    ]


def _profile_of(profile: VehicleProfile, _vehicle_id: str) -> tuple[float, bool]:
    """A supplier's trips all run on its one vehicle profile: kg CO2e per km, heavy or not."""
    return profile.co2e_kg_per_km, profile.heavy


def run_baseline(
    data: ImpactInput,
    params: ImpactParams,
    travel: PrecomputedTravel,
    step: Callable[[Message], None] = lambda message: None,
    router: DayRouter | None = None,
) -> ScenarioRun:
    """Route every supplier's deliveries of every day from the supplier's location.

    Parameters
    ----------
    data : ImpactInput
    params : ImpactParams
        ``time_limit_s`` seconds per supplier-day.
    travel : PrecomputedTravel
    step : callable
        Called once per supplier-day (progress).
    router : DayRouter, optional
        Runs the supplier-days (default: one after the other, here).

    Returns
    -------
    ScenarioRun
    """
    points = {p.id: p for p in data.points}
    suppliers = {s.id: s for s in data.suppliers}
    run = ScenarioRun()
    far_km = 0.0
    days = []  # (supplier, day, jobs, municipality of each job, delivery records)
    for (supplier_id, day), orders in supplier_days(data).items():
        supplier = suppliers[supplier_id]
        per_point: dict[str, list] = defaultdict(list)
        for order in orders:
            per_point[order.point].append(order)
        jobs, municipality_of, deliveries = [], {}, []
        for point_id, point_orders in per_point.items():
            point = points[point_id]
            kg = sum(o.kg for o in point_orders)
            pallets = sum(o.pallets for o in point_orders)
            job_id = f"{supplier_id}>{point_id}"
            jobs.append(
                pl.Job.delivery_job(
                    job_id,
                    point.location,
                    {SINGLE_CLASS: pl.Load(kg, pallets)},
                    time_windows=point.windows_on(day.weekday()) or (),
                    service_fixed_s=point.service_s,
                    service_per_pallet_s=params.service_per_pallet_s,
                )
            )
            municipality_of[job_id] = point.municipality
            deliveries.append(
                DeliveryRecord(
                    day,
                    point_id,
                    point.municipality,
                    point.kind,
                    supplier.profile.heavy,
                    kg,
                    kg if supplier.local else 0.0,
                )
            )
        days.append((supplier, day, jobs, municipality_of, deliveries))
    requests = [
        DayRequest(supplier.location, tuple(_vehicles(supplier, jobs)), tuple(jobs),
                   params.solve_params(params.time_limit_s))
        for supplier, day, jobs, _, _ in days
    ]  # fmt: skip

    def done(index: int) -> None:
        supplier, day = days[index][:2]
        step(Message("progress.impact.baseline", supplier=supplier.name, date=day.isoformat()))

    results = (router or DayRouter()).route_days(requests, travel, done)
    for (supplier, day, jobs, municipality_of, deliveries), result in zip(days, results, strict=True):
        first = len(run.deliveries)
        run.deliveries += deliveries
        profile = supplier.profile
        records = trip_records(
            day,
            "supplier_route",
            result.trips,
            municipality_of,
            partial(_profile_of, profile),
            jobs,
        )
        if supplier.cluster_share < 1.0:
            records = [_cluster_part(r, supplier.cluster_share) for r in records]
        run.trips += records
        if travel.distance_m(supplier.location, data.terminal) > FAR_SUPPLIER_KM * 1000:
            far_km += sum(r.km for r in records)
        hours = sum(t.duration_s for t in result.trips) / 3600.0
        run.supplier_hours[supplier.id] = max(run.supplier_hours.get(supplier.id, 0.0), hours)
        _mark_outside(run.deliveries, first, supplier.id, result.outside_window)
    total_km = sum(t.km for t in run.trips)
    if total_km:
        run.notes.append(
            Message("impact.note.far_suppliers", percent=round(100 * far_km / total_km), km=FAR_SUPPLIER_KM)
        )
    return run


def _cluster_part(record: TripRecord, share: float) -> TripRecord:
    """The part of a supplier's trip that belongs to the cluster (its load is all the cluster's)."""
    return dataclasses.replace(
        record,
        km=record.km * share,
        hours=record.hours * share,
        cost=record.cost * share,
        co2e_kg=record.co2e_kg * share,
    )


def _mark_outside(records: list[DeliveryRecord], first: int, supplier_id: str, outside: set[str]):
    for i in range(first, len(records) if outside else first):
        record = records[i]
        if f"{supplier_id}>{record.point}" in outside:
            records[i] = DeliveryRecord(
                record.day,
                record.point,
                record.municipality,
                record.kind,
                record.heavy,
                record.kg,
                record.local_kg,
                outside_window=True,
            )
