"""The register of the personal data Samlast keeps, and the retention job that applies it.

Each kind says where it lives, how long it is kept (a setting the municipality chooses by its
records rules; 0 keeps it for good) and what happens past that: positions are deleted; a drawn
signature's and a photo's bytes are removed and an empty value is left as the marker that there
was one; a name is replaced by ERASED_NAME. The delivery facts stay: the proof, its lines and
quantities, times, deviation codes, the stop's status and the order's delivered time.

The job works with bulk statements, one transaction per kind. They do not pass through the
ORM's flush, so the audit trail (which does not record proofs or positions anyway) sees nothing.
Running it again changes nothing: every kind only matches what still holds the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from samlast import clock
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import DriverEvent, ProofOfDelivery, ProofPhoto, ReceiptConfirmation, VehiclePosition

# What a removed name reads as (stored, so the same for every reader).
ERASED_NAME = "(raderat)"

DELETE = "delete"  # the rows go
REMOVE_BYTES = "remove_bytes"  # the image's bytes go, an empty value marks that there was one
CLEAR_POSITION = "clear_position"  # the coordinates of a row go, the row stays
REPLACE_NAME = "replace_name"  # the name becomes ERASED_NAME
ON_REQUEST = "on_request"  # kept while current; erased on a person's request only


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: where it lives and what retention does with it."""

    key: str
    where: str
    action: str
    # The config key of its retention in days; None: no automatic retention (master data).
    setting: str | None = None
    # The rows past retention that still hold the data (None for ON_REQUEST kinds).
    pending: Callable[[datetime], sa.Select[Any]] | None = None
    # The statement that removes it from those rows.
    apply: Callable[[datetime], sa.Executable] | None = None

    @property
    def label(self) -> Message:
        return Message(f"retention.kind.{self.key}")

    def retention_days(self) -> int | None:
        if self.setting is None:
            return None
        days = int(current_app.config[self.setting])
        return days if days > 0 else None


def _has_bytes(column: Any) -> sa.ColumnElement[bool]:
    return sa.and_(column.is_not(None), sa.func.length(column) > 0)


def _proof_ids_before(cutoff: datetime) -> sa.Select[Any]:
    return sa.select(ProofOfDelivery.id).where(ProofOfDelivery.created_at < cutoff)


def _count(query: sa.Select[Any]) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(query.subquery())


REGISTER: tuple[Kind, ...] = (
    Kind(
        "positions", "vehicle_position (lat, lon, speed, heading)", DELETE, "RETENTION_POSITIONS_DAYS",
        pending=lambda cutoff: sa.select(VehiclePosition.id).where(VehiclePosition.recorded_at < cutoff),
        apply=lambda cutoff: sa.delete(VehiclePosition).where(VehiclePosition.recorded_at < cutoff),
    ),
    Kind(
        "event_positions", "driver_event.lat, driver_event.lon", CLEAR_POSITION, "RETENTION_POSITIONS_DAYS",
        pending=lambda cutoff: sa.select(DriverEvent.id).where(
            DriverEvent.recorded_at < cutoff, sa.or_(DriverEvent.lat.is_not(None), DriverEvent.lon.is_not(None))
        ),
        apply=lambda cutoff: sa.update(DriverEvent).where(
            DriverEvent.recorded_at < cutoff, sa.or_(DriverEvent.lat.is_not(None), DriverEvent.lon.is_not(None))
        ).values(lat=None, lon=None),
    ),
    Kind(
        # The PDF receipt shows the signature: it goes too and is rendered again without it.
        "signatures", "proof_of_delivery.signature_png (and receipt_pdf)", REMOVE_BYTES, "RETENTION_SIGNATURES_DAYS",
        pending=lambda cutoff: sa.select(ProofOfDelivery.id).where(
            ProofOfDelivery.created_at < cutoff, _has_bytes(ProofOfDelivery.signature_png)
        ),
        apply=lambda cutoff: sa.update(ProofOfDelivery).where(
            ProofOfDelivery.created_at < cutoff, _has_bytes(ProofOfDelivery.signature_png)
        ).values(signature_png=b"", receipt_pdf=None),
    ),
    Kind(
        "photos", "proof_photo.data", REMOVE_BYTES, "RETENTION_PHOTOS_DAYS",
        pending=lambda cutoff: sa.select(ProofPhoto.id).where(
            ProofPhoto.proof_id.in_(_proof_ids_before(cutoff)), _has_bytes(ProofPhoto.data)
        ),
        apply=lambda cutoff: sa.update(ProofPhoto).where(
            ProofPhoto.proof_id.in_(_proof_ids_before(cutoff)), _has_bytes(ProofPhoto.data)
        ).values(data=b""),
    ),
    Kind(
        "receiver_names", "proof_of_delivery.receiver_name (and receipt_pdf)", REPLACE_NAME, "RETENTION_NAMES_DAYS",
        pending=lambda cutoff: sa.select(ProofOfDelivery.id).where(
            ProofOfDelivery.created_at < cutoff, ProofOfDelivery.receiver_name.not_in(["", ERASED_NAME])
        ),
        apply=lambda cutoff: sa.update(ProofOfDelivery).where(
            ProofOfDelivery.created_at < cutoff, ProofOfDelivery.receiver_name.not_in(["", ERASED_NAME])
        ).values(receiver_name=ERASED_NAME, receipt_pdf=None),
    ),
    Kind(
        "confirmer_names", "receipt_confirmation.confirmed_by_name", REPLACE_NAME, "RETENTION_NAMES_DAYS",
        pending=lambda cutoff: sa.select(ReceiptConfirmation.id).where(
            ReceiptConfirmation.created_at < cutoff,
            ReceiptConfirmation.confirmed_by_name.not_in(["", ERASED_NAME]),
        ),
        apply=lambda cutoff: sa.update(ReceiptConfirmation).where(
            ReceiptConfirmation.created_at < cutoff,
            ReceiptConfirmation.confirmed_by_name.not_in(["", ERASED_NAME]),
        ).values(confirmed_by_name=ERASED_NAME),
    ),
    # Master data: kept while the person has the account or is the contact; erased on request.
    Kind("user_names", "user_account.username, display_name", ON_REQUEST),
    Kind("point_contacts", "delivery_point.contact_name, contact_phone, contact_email", ON_REQUEST),
    Kind("supplier_contacts", "supplier.contact_name, contact_phone", ON_REQUEST),
)


@dataclass(frozen=True)
class RetentionCount:
    kind: Kind
    days: int
    count: int


def apply_retention(dry_run: bool = False, now: datetime | None = None) -> list[RetentionCount]:
    """Remove what is past its retention, one transaction per kind; or only count it (dry run)."""
    now = now or clock.now()
    counts = []
    for kind in REGISTER:
        days = kind.retention_days()
        if days is None or kind.pending is None or kind.apply is None:
            continue
        cutoff = now - timedelta(days=days)
        count = db.session.scalar(_count(kind.pending(cutoff))) or 0
        if dry_run:
            db.session.rollback()
        else:
            if count:
                result = db.session.execute(kind.apply(cutoff), execution_options={"synchronize_session": False})
                count = result.rowcount  # type: ignore[attr-defined]
            db.session.commit()
        counts.append(RetentionCount(kind, days, count))
    db.session.expire_all()
    return counts


def retention_report(counts: list[RetentionCount], dry_run: bool) -> list[Message]:
    lines = [Message("retention.report.dry_run" if dry_run else "retention.report.done")]
    lines += [Message("retention.report.line", kind=c.kind.label, days=c.days, count=c.count) for c in counts]
    return lines
