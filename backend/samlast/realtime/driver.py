"""The driver's live channel: current routes on connect, pushed changes, acks, positions."""

from __future__ import annotations

from flask import request
from flask_socketio import Namespace, emit, join_room
from marshmallow import ValidationError

from samlast import clock
from samlast.models import Role, User
from samlast.realtime.auth import accept, forget, session_user, user_from_auth
from samlast.schemas.driver import DriverRouteSchema, PositionInputSchema
from samlast.services import delivery

# Socket id -> user id of the drivers connected to this process.
_connected: dict[str, int] = {}


def driver_room(user_id: int) -> str:
    return f"driver:{user_id}"


class DriverNamespace(Namespace):
    def on_connect(self, auth=None):
        user = user_from_auth(auth)
        if user is None or user.role != Role.DRIVER:
            raise ConnectionRefusedError("unauthorized")
        _connected[request.sid] = user.id
        accept(user, auth)
        join_room(driver_room(user.id))
        # A driver who was away gets the current version at once.
        emit("routes", _routes_payload(user))

    def on_disconnect(self, reason=None):
        _connected.pop(request.sid, None)
        forget()

    def _user(self) -> User | None:
        # Re-checks the token: a revoked or expired one cuts the connection.
        return session_user()

    def on_route_ack(self, data):
        user = self._user()
        if user is None or not isinstance(data, dict):
            return {"ok": False, "error": "unauthorized" if user is None else "bad_request"}

        acknowledged = delivery.acknowledge_route(user, data.get("route_id") or 0, data.get("version"))
        if acknowledged is None:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "acknowledged_version": acknowledged}

    def on_get_routes(self, data=None):
        user = self._user()
        if user is None:
            return {"ok": False, "error": "unauthorized"}
        return {"ok": True, **_routes_payload(user)}

    def on_position(self, data):

        user = self._user()
        if user is None:
            return {"ok": False, "error": "unauthorized"}
        try:
            position = PositionInputSchema().load(data if isinstance(data, dict) else {})
        except ValidationError as exc:
            return {"ok": False, "error": "validation_error", "fields": exc.messages}
        return {"ok": True, "stored": len(delivery.record_positions(user, [position]))}


def _routes_payload(user: User) -> dict:

    day = clock.today()
    return {
        "plan_date": day.isoformat(),
        "routes": DriverRouteSchema(many=True).dump(delivery.routes_of_driver(user, day)),
    }
