"""Deviations for the coordinator: made from a kitchen's confirmation, written in the reader's
language, marked as handled with a note and opened again, every step kept with who and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from samlast.errors import Conflict, NotFound
from samlast.extensions import db
from samlast.i18n import DEFAULT_LOCALE, has, text
from samlast.models import (
    Deviation,
    DeviationAction,
    DeviationActionKind,
    DeviationStatus,
    GoodsReceipt,
    ProofOfDelivery,
    User,
)
from samlast.models.base import utcnow

QUANTITY_TOLERANCE = 1e-9
RESOLVED_LIST_LIMIT = 200


def disagree(left: float | None, received: float | None) -> bool:
    """The kitchen received another quantity than the driver left (both known)."""
    return left is not None and received is not None and abs(left - received) > QUANTITY_TOLERANCE


def code_text(code: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """A deviation code in words; no code: a dash ("Köket: –")."""
    if not code:
        return text("deviation.none", None, locale)
    key = f"deviation.code.{code}"
    return text(key, None, locale) if has(key) else text("deviation.code.unknown", None, locale)


def local_time(moment: datetime | None, timezone: str | None = None) -> str:
    """"2026-11-30 09:12" in the cluster's zone (config TIMEZONE)."""
    if moment is None:
        return ""
    zone = ZoneInfo(timezone or current_app.config["TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def quantities_text(deviation: Deviation, locale: str = DEFAULT_LOCALE) -> str:
    params = {
        "ordered": deviation.ordered_quantity,
        "delivered": deviation.delivered_quantity,
        "received": deviation.received_quantity,
        "unit": deviation.unit,
    }
    # Floats, so that 1.5 is written 1,5 in Swedish (ints would be written as they are).
    params = {k: float(v) if isinstance(v, int | float) else v for k, v in params.items()}
    key = "deviation.quantities" if deviation.delivered_quantity is not None else "deviation.quantities_no_proof"
    return text(key, params, locale)


def describe(deviation: Deviation, locale: str = DEFAULT_LOCALE) -> str:
    """The deviation in one paragraph of the reader's language; an old row's stored sentence
    only when it has no facts stored."""
    if not deviation.structured:
        return deviation.description
    if deviation.goods_receipt_id is not None:  # found at goods in, before any truck left
        params = {"ordered": float(deviation.ordered_quantity or 0), "arrived": float(deviation.terminal_quantity or 0),
                  "unit": deviation.unit}  # fmt: skip
        parts = [f"{deviation.article}: {code_text(deviation.code, locale)}",
                 text("deviation.quantities_terminal", params, locale)]  # fmt: skip
        if deviation.note:
            parts.append(text("deviation.terminal_note", {"note": deviation.note}, locale))
        return ". ".join(part.rstrip(".") for part in parts) + "."
    parts = [
        f"{deviation.article}: {code_text(deviation.code, locale)}",
        quantities_text(deviation, locale),
        " · ".join(
            [
                text("deviation.driver_side", {"code": code_text(deviation.driver_code, locale)}, locale),
                text("deviation.kitchen_side", {"code": code_text(deviation.kitchen_code, locale)}, locale),
            ]
        ),
    ]
    if deviation.note:
        parts.append(text("deviation.kitchen_note", {"note": deviation.note}, locale))
    return ". ".join(part.rstrip(".") for part in parts) + "."


def _get(deviation_id: int) -> Deviation:
    deviation = db.session.get(Deviation, deviation_id)
    if deviation is None:
        raise NotFound("deviation.not_found", {"id": deviation_id})
    return deviation


def listed(status: str = "open") -> Sequence[Deviation]:
    """Open deviations (oldest first), handled ones (latest handled first), or all."""
    query = sa.select(Deviation)
    if status == "open":
        return db.session.scalars(query.where(Deviation.status == DeviationStatus.OPEN).order_by(Deviation.id)).all()
    if status == "resolved":
        query = query.where(Deviation.status == DeviationStatus.RESOLVED)
    return db.session.scalars(
        query.order_by(Deviation.resolved_at.desc(), Deviation.id.desc()).limit(RESOLVED_LIST_LIMIT)
    ).all()


def _record(deviation: Deviation, user: User, action: DeviationActionKind, note: str) -> None:
    deviation.actions.append(
        DeviationAction(
            action=action, user_id=user.id, user_name=user.display_name or user.username, note=note, at=utcnow()
        )
    )


def resolve(user: User, deviation_id: int, note: str) -> Deviation:
    """Mark as handled, saying how; the deviation and its earlier steps stay."""
    deviation = _get(deviation_id)
    if deviation.status == DeviationStatus.RESOLVED:
        raise Conflict("deviation.already_resolved", {"id": deviation_id})
    _record(deviation, user, DeviationActionKind.RESOLVED, note.strip())
    deviation.status, deviation.resolved_at = DeviationStatus.RESOLVED, utcnow()
    db.session.commit()
    return deviation


def reopen(user: User, deviation_id: int, note: str = "") -> Deviation:
    """Undo "handled": open again; the earlier resolution stays in the deviation's steps."""
    deviation = _get(deviation_id)
    if deviation.status != DeviationStatus.RESOLVED:
        raise Conflict("deviation.not_resolved", {"id": deviation_id})
    _record(deviation, user, DeviationActionKind.REOPENED, note.strip())
    deviation.status, deviation.resolved_at = DeviationStatus.OPEN, None
    db.session.commit()
    return deviation


def _reporter(deviation: Deviation) -> dict[str, Any] | None:
    """Who reported it: in the kitchen, the name typed on the shared tablet and the account; on
    the road, the driver who recorded the proof."""
    if deviation.goods_receipt_id is not None:
        receipt = db.session.get(GoodsReceipt, deviation.goods_receipt_id)
        if receipt is not None:
            return {"name": receipt.user.display_name or receipt.user.username, "account": receipt.user.username,
                    "at": receipt.recorded_at}  # fmt: skip
    confirmation = deviation.confirmation
    if confirmation is not None:
        return {"name": confirmation.confirmed_by_name, "account": confirmation.user.username,
                "at": confirmation.recorded_at}  # fmt: skip
    proof = db.session.get(ProofOfDelivery, deviation.proof_id) if deviation.proof_id else None
    if proof is None:
        return None
    driver = proof.event.user
    return {"name": driver.display_name or driver.username, "account": driver.username, "at": proof.event.occurred_at}


def view(deviation: Deviation, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
    """The deviation as the API shows it: its facts, and its words in `locale`."""
    resolution = deviation.last_resolution
    return {
        "id": deviation.id,
        "delivery_point_id": deviation.delivery_point_id,
        "delivery_point_name": deviation.delivery_point.name,
        "plan_date": deviation.plan_date,
        "proof_id": deviation.proof_id,
        "confirmation_id": deviation.confirmation_id,
        "order_line_id": deviation.order_line_id,
        "code": deviation.code,
        "code_text": code_text(deviation.code, locale),
        "structured": deviation.structured,
        "article": deviation.article,
        "unit": deviation.unit,
        "ordered": deviation.ordered_quantity,
        "delivered": deviation.delivered_quantity,
        "received": deviation.received_quantity,
        "found_at_terminal": deviation.goods_receipt_id is not None,
        "terminal_quantity": deviation.terminal_quantity,
        "driver_code": deviation.driver_code,
        "kitchen_code": deviation.kitchen_code,
        "note": deviation.note,
        "description": describe(deviation, locale),
        "reported_by": _reporter(deviation),
        "status": deviation.status.value,
        "created_at": deviation.created_at,
        "resolved_at": deviation.resolved_at,
        "resolved_by_name": resolution.user_name if resolution else None,
        "resolution_note": resolution.note if resolution else None,
        "actions": [
            {"action": a.action.value, "by_name": a.user_name, "note": a.note, "at": a.at} for a in deviation.actions
        ],
    }
