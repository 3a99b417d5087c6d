"""Socket.IO connections authenticate with the same bearer token as the API.

Each accepted connection remembers its token: every later message re-checks it, so a
revoked or expired token (a lost phone) stops working on an open socket too, and
revoking cuts this process's sockets of that token/user at once.
"""

from __future__ import annotations

from typing import Any

from flask import request

from samlast.extensions import socketio
from samlast.models import User
from samlast.services import auth as auth_service

# (namespace, sid) -> (user id, token) of the connections accepted by this process.
_sessions: dict[tuple[str, str], tuple[int, str]] = {}


def _token(auth: Any) -> str | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
    return token if isinstance(token, str) and token else None


def user_from_auth(auth: Any) -> User | None:
    """The user of the token in the connect `auth` payload ({"token": ...}) or the header."""
    token = _token(auth)
    return auth_service.user_for_token(token) if token else None


def accept(user: User, auth: Any) -> None:
    """Call when a namespace accepts a connection."""
    _sessions[(request.namespace, request.sid)] = (user.id, _token(auth) or "")


def forget() -> None:
    """Call on disconnect."""
    _sessions.pop((request.namespace, request.sid), None)


def session_user() -> User | None:
    """The connection's user while its token is still valid; otherwise cut the connection
    (just after this message's "unauthorized" answer has gone out)."""

    key = (request.namespace, request.sid)
    user_id, token = _sessions.get(key, (None, ""))
    user = auth_service.user_for_token(token) if token else None
    if user is None or user.id != user_id:
        _sessions.pop(key, None)

        def cut(sid: str = request.sid, namespace: str = request.namespace) -> None:
            socketio.sleep(0.2)
            socketio.server.disconnect(sid, namespace=namespace)

        socketio.start_background_task(cut)
        return None
    return user


def disconnect_sessions(*, user_id: int | None = None, token: str | None = None) -> int:
    """Cut this process's connections of a user or of one token; returns how many."""

    cut = 0
    for (namespace, sid), (uid, tok) in list(_sessions.items()):
        if (user_id is not None and uid == user_id) or (token is not None and tok == token):
            _sessions.pop((namespace, sid), None)
            socketio.server.disconnect(sid, namespace=namespace)
            cut += 1
    return cut
