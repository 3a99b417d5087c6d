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
from samlast.models import (
    Consignment,
    ConsignmentHandover,
    DriverEvent,
    ProofOfDelivery,
    ProofPhoto,
    ReceiptConfirmation,
    TrackingSubscription,
    VehiclePosition,
)

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
    # Rural service: residents' contact on their consignments, and signatures at hand-overs.
    Kind(
        "resident_contacts", "consignment.resident_name, resident_phone, resident_email", REPLACE_NAME,
        "RETENTION_NAMES_DAYS",
        pending=lambda cutoff: sa.select(Consignment.id).where(
            Consignment.created_at < cutoff, Consignment.resident_name.not_in(["", ERASED_NAME])
        ),
        apply=lambda cutoff: sa.update(Consignment).where(
            Consignment.created_at < cutoff, Consignment.resident_name.not_in(["", ERASED_NAME])
        ).values(resident_name=ERASED_NAME, resident_phone="", resident_email=""),
    ),
    Kind(
        "handover_signatures", "consignment_handover.signature_png", REMOVE_BYTES, "RETENTION_SIGNATURES_DAYS",
        pending=lambda cutoff: sa.select(ConsignmentHandover.id).where(
            ConsignmentHandover.recorded_at < cutoff, _has_bytes(ConsignmentHandover.signature_png)
        ),
        apply=lambda cutoff: sa.update(ConsignmentHandover).where(
            ConsignmentHandover.recorded_at < cutoff, _has_bytes(ConsignmentHandover.signature_png)
        ).values(signature_png=b""),
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


# --- One person's data, on request (export and erasure) -----------------------------------------
#
# A person is found by the name they gave (a receiver on a proof, a kitchen confirmer, a contact
# of a delivery point or supplier) and/or by their user account. Names are compared trimmed and
# case-folded in Python: SQLite's lower() leaves "Ö" as it is.
#
# Erasure works like retention: bulk statements (names become ERASED_NAME, signatures emptied as
# the marker that there was one, positions cleared), so the audit trail does not copy the name it
# removes into a new entry. The audit trail keeps what it recorded before (who changed master
# data, and the old values): it is a public record kept by its own rules; the README says so.


def _same(name: str | None, wanted: str) -> bool:
    return bool(name) and name.strip().casefold() == wanted  # type: ignore[union-attr]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class Person:
    """Who a request is about: a name as written on records, a user account, or both."""

    name: str | None = None
    username: str | None = None

    @property
    def folded(self) -> str | None:
        return self.name.strip().casefold() if self.name and self.name.strip() else None


def _user(person: Person) -> Any:
    from samlast.models import User

    if not person.username:
        return None
    return db.session.scalar(sa.select(User).where(User.username == person.username.strip()))


def _named(model: Any, column: Any, person: Person) -> list[Any]:
    if person.folded is None:
        return []
    rows = db.session.scalars(sa.select(model).where(column.not_in(["", ERASED_NAME]))).all()
    return [row for row in rows if _same(getattr(row, column.key), person.folded)]


def person_records(person: Person) -> dict[str, Any]:
    """Everything Samlast keeps that names this person, as plain data (the export)."""
    from samlast.models import AuditEntry, AuthToken, DeliveryPoint, Supplier

    user = _user(person)
    records: dict[str, Any] = {"name": person.name, "username": person.username, "user": None}
    if user is not None:
        tokens = db.session.scalars(sa.select(AuthToken).where(AuthToken.user_id == user.id)).all()
        records["user"] = {
            "username": user.username, "display_name": user.display_name, "role": user.role.value,
            "active": user.active, "locale": user.locale, "created_at": _iso(user.created_at),
            "devices": [{"device": t.device, "created_at": _iso(t.created_at), "last_used_at": _iso(t.last_used_at)}
                        for t in tokens],
        }  # fmt: skip
        records["positions"] = [
            {"recorded_at": _iso(p.recorded_at), "lat": p.lat, "lon": p.lon}
            for p in db.session.scalars(sa.select(VehiclePosition).where(VehiclePosition.user_id == user.id)
                                        .order_by(VehiclePosition.recorded_at))
        ]  # fmt: skip
        records["driver_events"] = [
            {"kind": e.kind.value, "plan_date": e.plan_date.isoformat(), "recorded_at": _iso(e.recorded_at),
             "lat": e.lat, "lon": e.lon}
            for e in db.session.scalars(sa.select(DriverEvent).where(DriverEvent.user_id == user.id)
                                        .order_by(DriverEvent.recorded_at))
        ]  # fmt: skip
        records["changes_made"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.actor_user_id == user.id)
        )
    records["proofs_received"] = [
        {"proof_id": p.id, "recorded_at": _iso(p.event.recorded_at), "delivery_point": p.delivery_point_id,
         "receiver_name": p.receiver_name, "signature": bool(p.signature_png)}
        for p in _named(ProofOfDelivery, ProofOfDelivery.receiver_name, person)
    ]  # fmt: skip
    records["confirmations"] = [
        {"confirmation_id": c.id, "plan_date": c.plan_date.isoformat(), "delivery_point": c.delivery_point_id,
         "confirmed_by_name": c.confirmed_by_name, "recorded_at": _iso(c.recorded_at)}
        for c in _named(ReceiptConfirmation, ReceiptConfirmation.confirmed_by_name, person)
    ]  # fmt: skip
    records["contact_of_delivery_points"] = [
        {"delivery_point": p.name, "contact_name": p.contact_name, "phone": p.contact_phone, "email": p.contact_email}
        for p in _named(DeliveryPoint, DeliveryPoint.contact_name, person)
    ]  # fmt: skip
    records["consignments"] = [
        {"tracking_code": c.tracking_code, "resident_name": c.resident_name, "phone": c.resident_phone,
         "email": c.resident_email, "created_at": _iso(c.created_at), "status": c.status.value}
        for c in _named(Consignment, Consignment.resident_name, person)
    ]  # fmt: skip
    records["contact_of_suppliers"] = [
        {"supplier": s.name, "contact_name": s.contact_name, "phone": s.contact_phone}
        for s in _named(Supplier, Supplier.contact_name, person)
    ]  # fmt: skip
    return records


def erase_person(person: Person) -> dict[str, int]:
    """Remove this person's name, signatures and positions, keeping the delivery facts; one
    transaction. Returns how many rows of each kind were changed."""
    from samlast.models import AuthToken, DeliveryPoint, Supplier, User

    counts: dict[str, int] = {}

    def run(key: str, statement: sa.Executable) -> None:
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
        counts[key] = result.rowcount  # type: ignore[attr-defined]

    proofs = [p.id for p in _named(ProofOfDelivery, ProofOfDelivery.receiver_name, person)]
    confirmations = [c.id for c in _named(ReceiptConfirmation, ReceiptConfirmation.confirmed_by_name, person)]
    points = [p.id for p in _named(DeliveryPoint, DeliveryPoint.contact_name, person)]
    suppliers = [s.id for s in _named(Supplier, Supplier.contact_name, person)]
    consignments = [c.id for c in _named(Consignment, Consignment.resident_name, person)]
    run("proofs_received", sa.update(ProofOfDelivery).where(ProofOfDelivery.id.in_(proofs)).values(
        receiver_name=ERASED_NAME, signature_png=sa.case((_has_bytes(ProofOfDelivery.signature_png), b""),
                                                         else_=ProofOfDelivery.signature_png),
        receipt_pdf=None))  # fmt: skip
    run("confirmations", sa.update(ReceiptConfirmation).where(ReceiptConfirmation.id.in_(confirmations))
        .values(confirmed_by_name=ERASED_NAME))  # fmt: skip
    run("contact_of_delivery_points", sa.update(DeliveryPoint).where(DeliveryPoint.id.in_(points))
        .values(contact_name="", contact_phone="", contact_email=""))  # fmt: skip
    run("contact_of_suppliers", sa.update(Supplier).where(Supplier.id.in_(suppliers))
        .values(contact_name="", contact_phone=""))  # fmt: skip
    run("consignments", sa.update(Consignment).where(Consignment.id.in_(consignments))
        .values(resident_name=ERASED_NAME, resident_phone="", resident_email=""))  # fmt: skip
    # The browsers following those consignments (their push addresses) go with the names.
    db.session.execute(sa.delete(TrackingSubscription).where(TrackingSubscription.consignment_id.in_(consignments)))
    user = _user(person)
    if user is not None:
        # The account stays (records point at it) but no longer names anyone or signs anyone in.
        run("user", sa.update(User).where(User.id == user.id).values(
            username=f"raderad-{user.id}", display_name=ERASED_NAME, active=False))  # fmt: skip
        run("devices", sa.update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=clock.now()))  # fmt: skip
        run("positions", sa.delete(VehiclePosition).where(VehiclePosition.user_id == user.id))
        run("driver_events", sa.update(DriverEvent).where(
            DriverEvent.user_id == user.id, sa.or_(DriverEvent.lat.is_not(None), DriverEvent.lon.is_not(None))
        ).values(lat=None, lon=None))  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    return counts
