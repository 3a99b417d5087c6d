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


def vehicle_position(user_id: int, position: dict[str, Any]) -> None:
    """`position`: a stored position as plain data (services.delivery.record_positions)."""
    to_coordinators(
        "vehicle_position",
        {
            "driver_id": user_id,
            "route_id": position.get("route_id"),
            "lat": position["lat"],
            "lon": position["lon"],
            "recorded_at": position["recorded_at"].isoformat(),
        },
    )


def stop_event(event) -> None:
    to_coordinators("stop_event", event.response)


def routes_changed(changes: list[dict[str, Any]]) -> None:
    """Push each changed route to its driver's room (see services.route_changes)."""
    from samlast.realtime.driver import driver_room

    for change in changes:
        socketio.emit(change["event"], change["payload"], namespace="/driver", to=driver_room(change["driver_id"]))


def progress_after(event) -> None:
    """After a driver event: new ETAs to kitchens and coordinators, and "near" to the next stop."""
    from samlast.realtime.recipient import point_room
    from samlast.services import eta, push

    here = event.stop
    if here is not None and here.delivery_point_id and not event.flagged:
        # The kitchen being served sees the hand-over at once (to confirm receipt).
        socketio.emit(
            "stop_status",
            {
                "stop_id": here.id,
                "job_key": here.job_key,
                "delivery_point_id": here.delivery_point_id,
                "plan_date": event.plan_date.isoformat(),
                "status": here.status.value,
                "proof_id": event.proof.id if event.proof else None,
            },
            namespace="/recipient",
            to=point_room(here.delivery_point_id),
        )
    ahead, next_stop = eta.update_after(event)
    for stop in ahead:
        payload = eta.eta_payload(stop)
        to_coordinators("eta", payload)
        if stop.delivery_point_id:
            socketio.emit("eta", payload, namespace="/recipient", to=point_room(stop.delivery_point_id))
    if next_stop is not None and next_stop.delivery_point_id:
        payload = eta.eta_payload(next_stop)
        socketio.emit("vehicle_near", payload, namespace="/recipient", to=point_room(next_stop.delivery_point_id))
        push.notify_delivery_point(next_stop.delivery_point_id, {"type": "vehicle_near", **payload})
