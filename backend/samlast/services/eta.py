"""Expected arrival times for the rest of a route, from the driver's progress and the learned model.

After each driver event the rest of the route is forecast forward from the
event: an arrival adds the learned service time at that stop (service starts
no earlier than the time window), a proof of delivery or departure starts
the next leg at once. Each leg takes the base travel time times the learned
travel factors for its departure time and area; planned breaks are taken on
leaving the stop they follow in the plan; a vehicle early at a window waits.
Stops whose expected arrival is after their last time window are reported to
the coordinator as a ``late_risk``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from samlast import planning as pl
from samlast.clock import at, aware, seconds_of
from samlast.models import DriverEvent, EventKind, Route, Stop, StopStatus
from samlast.planning.learning import service_start_s
from samlast.services import notify, planning
from samlast.services.feedback import current_model, stop_pallets, stop_windows


def breaks_before(route: Route) -> dict[int, int]:
    """Planned break seconds per stop sequence number, taken on leaving the stop before it."""
    day = route.plan.plan_date
    out: dict[int, int] = {}
    previous_departure = seconds_of(day, route.planned_start)
    for stop in route.stops:
        start = seconds_of(day, stop.planned_service_start)
        for item in route.breaks:
            at = seconds_of(day, datetime.fromisoformat(item["start"]))
            if previous_departure <= at < start:
                out[stop.sequence] = out.get(stop.sequence, 0) + int(item["duration_s"])
        previous_departure = seconds_of(day, stop.planned_departure)
    return out


def service_s(stop: Stop, model) -> int:
    """Learned service seconds at `stop` (the point's defaults if nothing is learned)."""
    from flask import current_app


    per_pallet = current_app.config["PLANNING_SERVICE_PER_PALLET_S"]
    fixed = stop.delivery_point.service_time_min * 60 if stop.delivery_point else 10 * 60
    return model.service_s(stop.delivery_point_id, stop_pallets(stop), fixed, per_pallet)


def forecast(route: Route, after: Stop, clock_s: int, model) -> list[tuple[Stop, int]]:
    """Expected arrival (seconds since midnight) at each planned stop after `after`.

    `clock_s` is when the vehicle leaves `after`.
    """

    ahead = [s for s in route.stops if s.sequence > after.sequence and s.status == StopStatus.PLANNED]
    if not ahead:
        return []
    places = [pl.Location(after.lat, after.lon)] + [pl.Location(s.lat, s.lon) for s in ahead]
    base = pl.GeodesicTravelModel().matrix(places).durations_s
    pauses = breaks_before(route)
    out = []
    for i, stop in enumerate(ahead):
        clock_s += pauses.get(stop.sequence, 0)
        clock_s += int(round(model.leg_s(places[i], places[i + 1], base[i][i + 1], clock_s)))
        out.append((stop, clock_s))
        clock_s = service_start_s(clock_s, stop_windows(stop)) + service_s(stop, model)
    return out


def update_after(event: DriverEvent) -> tuple[list[Stop], Stop | None]:
    """Recompute ETAs after `event` in the event's transaction; returns (stops whose ETA was set,
    the next stop). A late risk is published when that transaction commits."""
    stop = event.stop
    if stop is None or event.flagged:
        return [], None
    route = stop.route
    day = route.plan.plan_date
    model = current_model()
    now = seconds_of(day, aware(event.occurred_at))  # the server's time, not the phone's clock
    if event.kind == EventKind.ARRIVE:
        leaving = service_start_s(now, stop_windows(stop)) + service_s(stop, model)
    else:
        leaving = now
    expected = forecast(route, stop, leaving, model)
    for later, arrival in expected:
        later.eta = at(day, arrival)
    ahead = [s for s, _ in expected]
    risky = stops_at_risk(route)
    if risky:
        notify.after_commit(notify.Event("late_risk", late_risk_payload(route, risky)))
    finished_here = event.kind in (EventKind.DELIVER, EventKind.PICKUP, EventKind.LEAVE)
    return ahead, (ahead[0] if ahead and finished_here else None)


def stops_at_risk(route: Route) -> list[tuple[Stop, int]]:
    """Planned stops expected after the end of their last window, with the lateness in seconds."""

    out = []
    for stop in route.stops:
        windows = stop_windows(stop)
        if stop.status != StopStatus.PLANNED or not windows:
            continue
        expected = seconds_of(route.plan.plan_date, aware(stop.eta or stop.planned_arrival))
        late = expected - max(end for _, end in windows)
        if late > 0:
            out.append((stop, late))
    return out


def late_risk_payload(route: Route, risky: list[tuple[Stop, int]]) -> dict[str, Any]:
    return {
        "route_id": route.id,
        "plan_date": route.plan.plan_date.isoformat(),
        "vehicle_id": route.vehicle_id,
        "driver_id": route.driver_id,
        "stops": [
            {
                "stop_id": stop.id,
                "job_key": stop.job_key,
                "delivery_point_id": stop.delivery_point_id,
                "eta": aware(stop.eta or stop.planned_arrival).astimezone(UTC).isoformat(),
                "window_end": stop.time_windows[-1][1] if stop.time_windows else None,
                "late_by_min": round(late / 60, 1),
            }
            for stop, late in risky
        ],
    }


def eta_payload(stop: Stop) -> dict[str, Any]:
    eta = stop.eta or stop.planned_arrival
    return {
        "stop_id": stop.id,
        "job_key": stop.job_key,
        "delivery_point_id": stop.delivery_point_id,
        "plan_date": stop.route.plan.plan_date.isoformat(),
        "planned_arrival": aware(stop.planned_arrival).astimezone(UTC).isoformat(),
        "eta": aware(eta).astimezone(UTC).isoformat(),
        "status": stop.status.value,
        "stops_before": sum(
            1 for s in stop.route.stops if s.sequence < stop.sequence and s.status == StopStatus.PLANNED
        ),
    }


def late_risks(plan_date: date) -> list[dict[str, Any]]:
    """Stops of the current plans whose expected arrival is after their last time window."""
    out = []
    for plan in planning.current_plans(plan_date):
        for route in plan.routes:
            risky = stops_at_risk(route)
            if risky:
                out.append(late_risk_payload(route, risky))
    return out
