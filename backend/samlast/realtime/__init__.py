"""Socket.IO namespaces: /coordinator, /driver and /recipient."""

from __future__ import annotations

from flask_socketio import SocketIO


def register_namespaces(socketio: SocketIO) -> None:
    from samlast.realtime.coordinator import CoordinatorNamespace
    from samlast.realtime.driver import DriverNamespace
    from samlast.realtime.recipient import RecipientNamespace

    socketio.on_namespace(CoordinatorNamespace("/coordinator"))
    socketio.on_namespace(DriverNamespace("/driver"))
    socketio.on_namespace(RecipientNamespace("/recipient"))
