"""Re-plan when a driver falls behind: an arrival much later than planned."""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import current_app

from samlast.models import DriverEvent, EventKind
from samlast.services import replan


def check(event: DriverEvent) -> bool:
    """Start a re-plan of the day if this arrival is later than the tolerance; True if started."""

    stop = event.stop
    if event.kind != EventKind.ARRIVE or stop is None or event.flagged:
        return False
    planned = stop.planned_arrival
    if planned.tzinfo is None:
        planned = planned.replace(tzinfo=UTC)
    # The server's time of the arrival: a phone whose clock is off never makes a driver "late".
    actual = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
    late = actual - planned
    if late <= timedelta(minutes=current_app.config["REPLAN_WHEN_LATE_MIN"]):
        return False
    remaining = [s for s in stop.route.stops if s.sequence > stop.sequence]
    if not remaining:
        return False
    return bool(replan.replan_dates([event.plan_date], f"driver {int(late.total_seconds() // 60)} min behind"))
