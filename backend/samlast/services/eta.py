"""Expected arrival times for the rest of a route, from the driver's actual progress.

The delay observed at the latest event (actual minus planned) is carried to
every stop still ahead; a stop cannot be expected before now. The feedback
issue replaces this with learned service and travel times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from samlast.extensions import db
from samlast.models import DriverEvent, EventKind, Stop, StopStatus


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def update_after(event: DriverEvent) -> tuple[list[Stop], Stop | None]:
    """Recompute ETAs after `event`; returns (stops whose ETA was set, the next stop)."""
    stop = event.stop
    if stop is None or event.flagged:
        return [], None
    actual = _aware(event.recorded_at)
    planned = stop.planned_arrival if event.kind == EventKind.ARRIVE else stop.planned_departure
    delay: timedelta = actual - _aware(planned)
    ahead = [s for s in stop.route.stops if s.sequence > stop.sequence and s.status == StopStatus.PLANNED]
    for later in ahead:
        later.eta = max(_aware(later.planned_arrival) + delay, actual)
    db.session.commit()
    finished_here = event.kind in (EventKind.DELIVER, EventKind.PICKUP, EventKind.LEAVE)
    return ahead, (ahead[0] if ahead and finished_here else None)


def eta_payload(stop: Stop) -> dict[str, Any]:
    eta = stop.eta or stop.planned_arrival
    return {
        "stop_id": stop.id,
        "job_key": stop.job_key,
        "delivery_point_id": stop.delivery_point_id,
        "plan_date": stop.route.plan.plan_date.isoformat(),
        "planned_arrival": _aware(stop.planned_arrival).isoformat(),
        "eta": _aware(eta).isoformat(),
        "status": stop.status.value,
        "stops_before": sum(
            1 for s in stop.route.stops if s.sequence < stop.sequence and s.status == StopStatus.PLANNED
        ),
    }
