"""Dimensions of the OR-Tools routing model: time, compartments, driving time.

Helpers of :class:`samlast.planning.solver._Model`; each function reads the
model's bookkeeping (``trips``, ``nodes``, ``dur``, ``routing``, ...) and adds
its dimension and constraints. The model is built once, in this order:
time, capacities, driving (``solver._Model._build``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .model import BreakRule, JobKind, StopAction, Vehicle

if TYPE_CHECKING:  # pragma: no cover
    from .solver import _Model, _Node

#: Quantities are scaled to integers with this factor (0.01 kg / 0.01 pallet).
QTY_SCALE = 100


def qty(value: float) -> int:
    return int(round(value * QTY_SCALE))


def cap(value: float) -> int:
    return int(math.floor(value * QTY_SCALE + 1e-9))


def takes_breaks(vehicle: Vehicle, rule: BreakRule) -> bool:
    """True if the driver of this vehicle must break between trips.

    Only break-rule vehicles whose shift is long enough to drive more than
    ``max_driving_s`` in a day (otherwise no break can ever be due).
    """
    return (
        vehicle.break_rule
        and vehicle.max_trips > 1
        and vehicle.shift_end - vehicle.shift_start > rule.max_driving_s
    )


def trip_gap_s(vehicle: Vehicle, rule: BreakRule) -> int:
    """Least time at the terminal between two trips: reload, and the break if one is due."""
    if takes_breaks(vehicle, rule):
        return max(vehicle.reload_s, rule.break_s)
    return vehicle.reload_s


def add_time(m: _Model) -> None:
    """Time dimension (travel + service, waiting as slack), shifts, trip order, windows.

    Trip k+1 of a vehicle leaves at least :func:`trip_gap_s` after trip k
    returned, if it is used at all (the break of a break-rule driver is taken
    in that gap).
    """
    r = m.routing
    service = [0] + [n.service_s for n in m.visits]
    transit = [[m.dur[a][b] + service[a] for b in range(m.node_count)] for a in range(m.node_count)]
    m.horizon = max(v.shift_end for v, _ in m.trips) + 1
    cb = r.RegisterTransitMatrix(transit)
    r.AddDimension(cb, m.horizon, m.horizon, False, "time")
    m.time = time = r.GetDimensionOrDie("time")
    rule = m.problem.break_rule
    for v, (vehicle, trip) in enumerate(m.trips):
        time.CumulVar(r.Start(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
        time.CumulVar(r.End(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
        time.SetSpanCostCoefficientForVehicle(m.span_cost_per_s(vehicle), v)
        if vehicle.max_route_duration is not None and vehicle.max_trips == 1:
            time.SetSpanUpperBoundForVehicle(vehicle.max_route_duration, v)
        if trip > 0:
            gap = trip_gap_s(vehicle, rule)
            m.solver.Add(
                time.CumulVar(r.Start(v))
                >= time.CumulVar(r.End(v - 1)) + gap * r.ActiveVehicleVar(v)
            )
        if trip == vehicle.max_trips - 1 and vehicle.max_trips > 1:
            first = v - trip
            if vehicle.max_route_duration is not None:
                m.solver.Add(
                    time.CumulVar(r.End(v)) - time.CumulVar(r.Start(first))
                    <= vehicle.max_route_duration
                )
    for i, node in enumerate(m.visits, start=1):
        windows = sorted(node.visit.time_windows, key=lambda w: w.start)
        if not windows or i in m.pinned:
            continue
        index = m.manager.NodeToIndex(i)
        var = time.CumulVar(index)
        var.SetRange(windows[0].start, windows[-1].end)
        for a, b in zip(windows, windows[1:], strict=False):
            if b.start - a.end > 1:
                var.RemoveInterval(a.end + 1, b.start - 1)
        soft = node.visit.soft_latest_s
        if soft is not None and soft < windows[-1].end:
            time.SetCumulVarSoftUpperBound(index, soft, m.params.soft_latest_cost_per_s)


def add_capacities(m: _Model) -> None:
    """One capacity dimension per (temperature class, kg|pallets) that some job needs.

    Pure-delivery classes accumulate the delivered amount; otherwise the
    dimension tracks the real on-board load (deliveries negative, pickups
    positive) with a free start load forced to equal the route's deliveries.
    """
    r = m.routing
    keys = sorted(
        {
            (cls, unit)
            for n in m.visits
            for cls, load in n.job.demand.items()
            for unit in ("kg", "pallets")
            if getattr(load, unit) > 0
        }
    )
    for cls, unit in keys:
        kinds = {n.job.kind for n in m.visits if getattr(n.job.demand.get(cls), unit, 0)}
        caps = [cap(getattr(v.capacity(cls), unit)) for v, _ in m.trips]
        name = f"load_{cls}_{unit}"

        def amount(n: _Node, cls=cls, unit=unit) -> int:
            return qty(getattr(n.job.demand.get(cls), unit, 0.0))

        if kinds == {JobKind.DELIVERY}:
            demand = [0] + [amount(n) for n in m.visits]
            cb = r.RegisterUnaryTransitVector(demand)
            r.AddDimensionWithVehicleCapacity(cb, 0, caps, True, name)
            continue
        net = [0] + [
            -amount(n) if n.action is StopAction.DELIVERY else amount(n) for n in m.visits
        ]
        net_cb = r.RegisterUnaryTransitVector(net)
        r.AddDimensionWithVehicleCapacity(net_cb, 0, caps, False, name)
        dim = r.GetDimensionOrDie(name)
        # The start load must equal what is delivered from the terminal:
        # end load = start - deliveries + terminal pickups = terminal pickups.
        picked = [0] + [amount(n) if n.job.kind is JobKind.PICKUP else 0 for n in m.visits]
        if any(picked):
            pname = f"picked_{cls}_{unit}"
            big = [sum(picked)] * len(m.trips)
            cb = r.RegisterUnaryTransitVector(picked)
            r.AddDimensionWithVehicleCapacity(cb, 0, big, True, pname)
            pdim = r.GetDimensionOrDie(pname)
            for v in range(len(m.trips)):
                m.solver.Add(dim.CumulVar(r.End(v)) == pdim.CumulVar(r.End(v)))
        else:
            for v in range(len(m.trips)):
                dim.CumulVar(r.End(v)).SetValue(0)


def add_driving(m: _Model) -> None:
    """Driving-time dimension for break-rule vehicles (see :class:`~.model.BreakRule`).

    Transit is the travel time only (no service, no waiting; slack 0), so the
    end cumul of a trip is its driving time; its capacity is the rule's
    ``max_driving_s`` per trip. The daily limit is a linear constraint on the
    end cumuls of the vehicle's trips, added only when the per-trip limit
    does not already imply it (``max_trips * max_driving_s`` above
    ``max_daily_driving_s``). Sets ``m.driving`` (None if no vehicle has the
    rule: the model is then exactly the one without breaks).
    """
    m.driving = None
    rule = m.problem.break_rule
    if not any(vehicle.break_rule for vehicle, _ in m.trips):
        return
    r = m.routing
    per_trip = min(rule.max_driving_s, rule.max_daily_driving_s)
    caps = [per_trip if vehicle.break_rule else m.horizon for vehicle, _ in m.trips]
    cb = r.RegisterTransitMatrix(m.dur)
    r.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "driving")
    m.driving = driving = r.GetDimensionOrDie("driving")
    first = 0
    for vehicle in m.problem.vehicles:
        trips = range(first, first + vehicle.max_trips)
        first += vehicle.max_trips
        if vehicle.break_rule and vehicle.max_trips * per_trip > rule.max_daily_driving_s:
            total = m.solver.Sum([driving.CumulVar(r.End(v)) for v in trips])
            m.solver.Add(total <= rule.max_daily_driving_s)
