"""How services tell the world what happened, without knowing who listens.

A use case publishes an :class:`Event` (a name, a plain payload, an audience) through
:func:`after_commit`: it is handed to the app's :class:`Notifier` once the transaction
that made it true has committed, and dropped if it rolls back, so nobody is told about
a record that was not stored. :func:`now` is for news with no transaction (progress).

The web layer installs the notifier (``samlast.realtime.notifier.SocketIONotifier``:
Socket.IO rooms, through Redis between processes); tests install a
:class:`RecordingNotifier`. Nothing here imports the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from samlast.extensions import db

_PENDING = "samlast.pending_events"


@dataclass(frozen=True)
class Audience:
    """Who an event is for: the coordinators, one driver, one delivery point's staff, or one
    user's (or token's) open connections."""

    kind: str  # "coordinators" | "driver" | "delivery_point" | "user" | "token"
    key: Any = None


COORDINATORS = Audience("coordinators")


def driver(user_id: int) -> Audience:
    return Audience("driver", user_id)


def delivery_point(point_id: int) -> Audience:
    return Audience("delivery_point", point_id)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)
    to: Audience = COORDINATORS


class Notifier(Protocol):
    def publish(self, event: Event) -> None: ...


class NullNotifier:
    """Tells nobody (the CLI, a worker without the web layer installed)."""

    def publish(self, event: Event) -> None:
        pass


class RecordingNotifier:
    """Keeps what was published, for tests."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)

    def named(self, name: str) -> list[Event]:
        return [e for e in self.events if e.name == name]


def install(app: Flask, notifier: Notifier) -> None:
    app.extensions["samlast.notifier"] = notifier


def notifier() -> Notifier:
    return current_app.extensions.get("samlast.notifier") or NullNotifier()


def now(event: Event) -> None:
    """Publish at once: news that is not a stored fact (progress, a position passed on)."""
    notifier().publish(event)


def after_commit(event: Event) -> None:
    """Publish when the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(_PENDING, []).append(event)


def _publish_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending:
        target = notifier()
        for item in pending:
            target.publish(item)


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Hook the session: pending events go out after a commit and are dropped on a rollback."""
    if not getattr(init_app, "_hooked", False):
        sa_event.listen(Session, "after_commit", _publish_pending)
        sa_event.listen(Session, "after_soft_rollback", lambda session, previous: _drop_pending(session))
        init_app._hooked = True  # type: ignore[attr-defined]
    app.extensions.setdefault("samlast.notifier", NullNotifier())
