"""Kitchen staff's live channel: ETA changes and "vehicle near" for their delivery points."""

from __future__ import annotations

from flask_socketio import Namespace, join_room

from samlast.models import Role
from samlast.realtime.auth import accept, forget, user_from_auth


def point_room(delivery_point_id: int) -> str:
    return f"dp:{delivery_point_id}"


class RecipientNamespace(Namespace):
    def on_connect(self, auth=None):
        user = user_from_auth(auth)
        if user is None or user.role != Role.RECIPIENT:
            raise ConnectionRefusedError("unauthorized")
        accept(user, auth)
        for point_id in user.delivery_point_ids:
            join_room(point_room(point_id))

    def on_disconnect(self, reason=None):
        forget()
