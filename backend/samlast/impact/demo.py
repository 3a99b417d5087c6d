"""Build an :class:`~samlast.impact.model.ImpactInput` straight from the pure demo generator.

Lets benchmarks run the analysis on the synthetic cluster without an app or a
database; :mod:`samlast.services.impact` builds the same input from the DB.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from samlast import planning as pl
from samlast.impact.factors import is_heavy
from samlast.impact.model import (
    FleetVehicle,
    ImpactInput,
    ImpactOrder,
    ImpactPoint,
    ImpactSupplier,
)

if TYPE_CHECKING:  # the demo package is still moving; only its shape matters here
    from samlast.demo import DemoCluster


def _s(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60


def from_demo_cluster(
    cluster: DemoCluster, start: date | None = None, end: date | None = None
) -> ImpactInput:
    """The demo cluster's two weeks (or `start`-`end`) as impact input.

    Parameters
    ----------
    cluster : DemoCluster
        From :func:`samlast.demo.generate_cluster`.
    start, end : date, optional
        Inclusive; default the cluster's first Monday and the Sunday two weeks on.

    Returns
    -------
    ImpactInput
    """
    start = start or cluster.start
    end = end or cluster.start + timedelta(days=13)
    points = []
    for p in cluster.delivery_points:
        windows: dict[int, list[pl.TimeWindow]] = defaultdict(list)
        for w in p.windows:
            windows[w.weekday].append(pl.TimeWindow(_s(w.start), _s(w.end)))
        points.append(
            ImpactPoint(
                p.external_id,
                p.name,
                p.municipality,
                p.kind,
                pl.Location(p.lat, p.lon),
                {d: tuple(ws) for d, ws in windows.items()},
                p.service_time_min * 60,
            )
        )
    suppliers = tuple(
        ImpactSupplier(s.external_id, s.name, s.kind, pl.Location(s.lat, s.lon))
        for s in cluster.suppliers
    )
    orders = []
    for o in cluster.orders:
        loads: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for line in o.lines:
            loads[line.temperature_class][0] += line.weight_kg
            loads[line.temperature_class][1] += line.pallet_places
        orders.append(
            ImpactOrder(
                o.external_id,
                o.delivery_point,
                o.supplier,
                o.requested_date,
                {k: pl.Load(kg, pal) for k, (kg, pal) in loads.items()},
            )
        )
    fleet = tuple(
        FleetVehicle(
            pl.Vehicle(
                id=v.external_id,
                shift_start=_s(v.shift_start),
                shift_end=_s(v.shift_end),
                capacities={
                    c.temperature_class: pl.Capacity(c.capacity_kg, c.capacity_pallets)
                    for c in v.compartments
                },
                cost_per_km=v.cost_per_km,
                cost_per_hour=v.cost_per_hour,
            ),
            co2e_kg_per_km=v.co2e_kg_per_km,
            heavy=is_heavy(v.capacity_kg, v.length_m),
            energy=v.energy_type,
            name=v.name,
        )
        for v in cluster.vehicles
    )
    return ImpactInput(
        terminal=pl.Location(cluster.terminal.lat, cluster.terminal.lon),
        points=tuple(points),
        suppliers=suppliers,
        orders=tuple(orders),
        fleet=fleet,
        start=start,
        end=end,
        municipalities=tuple(m.name for m in cluster.municipalities),
    )
