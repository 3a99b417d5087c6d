"""Server-side pushes. Safe to call from request handlers, worker threads and RQ workers
(with REDIS_URL, Flask-SocketIO sends through the Redis message queue)."""

from __future__ import annotations

from typing import Any

from samlast.extensions import socketio
from samlast.realtime.coordinator import COORDINATORS_ROOM


def to_coordinators(event: str, payload: dict[str, Any]) -> None:
    socketio.emit(event, payload, namespace="/coordinator", to=COORDINATORS_ROOM)


def plan_updated(plan) -> None:
    to_coordinators(
        "plan_updated",
        {
            "plan_id": plan.id,
            "plan_date": plan.plan_date.isoformat(),
            "version": plan.version,
            "routes": len(plan.routes),
            "unassigned": len(plan.unassigned),
        },
    )
