"""The services' notifier over Socket.IO: each audience is a room of a namespace.

Safe from request handlers, worker threads and RQ workers: with REDIS_URL, Flask-SocketIO
sends through the Redis message queue, so every web process reaches its own sockets.
"""

from __future__ import annotations

from samlast.extensions import socketio
from samlast.realtime.auth import disconnect_sessions
from samlast.realtime.coordinator import COORDINATORS_ROOM
from samlast.realtime.driver import driver_room
from samlast.realtime.recipient import point_room
from samlast.services.notify import Event


class SocketIONotifier:
    def publish(self, event: Event) -> None:
        audience = event.to
        if audience.kind == "coordinators":
            socketio.emit(event.name, event.payload, namespace="/coordinator", to=COORDINATORS_ROOM)
        elif audience.kind == "driver":
            socketio.emit(event.name, event.payload, namespace="/driver", to=driver_room(audience.key))
        elif audience.kind == "delivery_point":
            socketio.emit(event.name, event.payload, namespace="/recipient", to=point_room(audience.key))
        elif event.name == "sessions_revoked":
            # A lost phone: cut its sockets in this process; the others cut them on their next
            # message (their token check), and the driver's room is closed everywhere.
            disconnect_sessions(**{"user_id" if audience.kind == "user" else "token": audience.key})
            if audience.kind == "user":
                socketio.close_room(driver_room(audience.key), namespace="/driver")
        else:
            raise ValueError(f"no room for {audience}")
