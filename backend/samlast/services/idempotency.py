"""Writes from devices carry a client-generated id: the first answer is stored with the row and
returned unchanged to every replay, so an outbox can resend safely."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from samlast.errors import Conflict
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import ConsignmentHandover, DriverEvent, GoodsReceipt, ReceiptConfirmation, User

#: The rows written from devices: each has a unique ``client_id``, the ``user_id`` who sent it
#: and the ``response`` first given.
_DeviceWrite = TypeVar("_DeviceWrite", DriverEvent, ReceiptConfirmation, GoodsReceipt, ConsignmentHandover)


def replayed_answer(model: type[_DeviceWrite], client_id: str, user: User | None = None) -> dict[str, Any] | None:
    """The stored answer for `client_id` marked as a replay, or None if it is new.

    With `user`, an id already used by another user is a conflict rather than a replay.
    """
    stored = db.session.scalar(sa.select(model).where(model.client_id == client_id))
    if stored is None:
        return None
    if user is not None and stored.user_id != user.id:
        raise Conflict("client_id_taken", {}, {"client_id": [Message("field.client_id_taken")]})
    return {**stored.response, "replay": True}


def after_race(model: type[_DeviceWrite], client_id: str) -> dict[str, Any]:
    """After a unique-key failure: the row the other request stored first, or re-raise."""
    db.session.rollback()
    answer = replayed_answer(model, client_id)
    if answer is None:
        raise
    return answer
