"""Socket.IO namespaces: /coordinator now; /driver and /recipient join with their issues."""

from __future__ import annotations

from flask_socketio import SocketIO


def register_namespaces(socketio: SocketIO) -> None:
    from samlast.realtime.coordinator import CoordinatorNamespace
    from samlast.realtime.driver import DriverNamespace

    socketio.on_namespace(CoordinatorNamespace("/coordinator"))
    socketio.on_namespace(DriverNamespace("/driver"))
