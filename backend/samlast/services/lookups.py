"""Finding one row by id for a use case: the row, or the "not found" answer in the reader's words."""

from __future__ import annotations

from typing import Any, TypeVar

from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import JobStatus, Terminal
from samlast.models.route import BackgroundRun
from samlast.services import planning

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any, code: str = "record.not_found", **params: Any) -> T:
    """The row of `model` with primary key `ident`, or NotFound(`code`) (default: "<noun> with id
    <ident> does not exist", the noun given as `what`)."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(code, {"id": ident, **params} if code == "record.not_found" else params)
    if isinstance(row, BackgroundRun) and row.status == JobStatus.RUNNING:
        # A run watched while its process is gone is marked failed now, not "running" forever.
        from samlast.services.background import sweep_if_due

        sweep_if_due()
        db.session.refresh(row)
    return row


def terminal_or_default(terminal_id: int | None):
    """The terminal asked for, or the cluster's first one when none is named."""

    if terminal_id is None:
        return planning.default_terminal()
    return get_or_404(Terminal, terminal_id, what=Message("noun.terminal"))
