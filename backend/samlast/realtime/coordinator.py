"""The coordinator's live feed: planning progress and plan changes."""

from __future__ import annotations

from flask_socketio import Namespace, join_room

from samlast.models import Role
from samlast.realtime.auth import accept, forget, user_from_auth

COORDINATORS_ROOM = "coordinators"


class CoordinatorNamespace(Namespace):
    def on_connect(self, auth=None):
        user = user_from_auth(auth)
        if user is None or user.role != Role.COORDINATOR:
            raise ConnectionRefusedError("unauthorized")
        accept(user, auth)
        join_room(COORDINATORS_ROOM)

    def on_disconnect(self, reason=None):
        forget()
