"""What happens on the road: driver events, proofs of delivery, returns and positions.

Every driver action carries a client-generated id, so a replayed outbox is
stored once. Events refer to stops by plan date and `job_key`, which survive
re-planning; an event whose stop was planned away is kept and flagged.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, UTCDateTime, enum_column, utcnow
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.order import OrderLine
from samlast.models.route import Route, Stop
from samlast.models.supplier import Supplier
from samlast.models.user import User


class EventKind(enum.StrEnum):
    ARRIVE = "arrive"
    DELIVER = "deliver"
    PICKUP = "pickup"
    LEAVE = "leave"


class DeviationCode(enum.StrEnum):
    MISSING = "missing"
    DAMAGED = "damaged"
    WRONG_TEMPERATURE = "wrong_temperature"
    REFUSED = "refused"
    NOBODY_THERE = "nobody_there"
    WRONG_ARTICLE = "wrong_article"


class DriverEvent(Base):
    __tablename__ = "driver_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"))
    plan_date: Mapped[date] = mapped_column(index=True)
    job_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    stop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stop.id", ondelete="SET NULL"))
    route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"))
    # The phone's clock, as reported (kept; shown as the driver's own time).
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The server's clock when the event arrived (a replay from an outbox arrives late).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When it happened by the server's clock, which orders events: recorded_at corrected by the
    # phone's clock offset (its X-Client-Time against the server's time), never after
    # received_at. A phone two hours off neither reorders a route nor makes a driver "late".
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    resolved: Mapped[bool] = mapped_column(default=False)
    # The answer given the first time, returned unchanged to every replay.
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    stop: Mapped[Stop | None] = relationship()
    route: Mapped[Route | None] = relationship()
    proof: Mapped[ProofOfDelivery | None] = relationship(back_populates="event", uselist=False)


class ProofOfDelivery(Base):
    """The signed hand-over at a stop (or what was collected at a producer)."""

    __tablename__ = "proof_of_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("driver_event.id", ondelete="CASCADE"), unique=True)
    delivery_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"), index=True
    )
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id", ondelete="RESTRICT"))
    receiver_name: Mapped[str] = mapped_column(sa.String(120), default="")
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The stop-level deviation the driver chose (a DeviationCode value: nobody there, refused).
    deviation: Mapped[str | None] = mapped_column(sa.String(40))
    crates_returned: Mapped[int] = mapped_column(default=0)
    roll_cages_returned: Mapped[int] = mapped_column(default=0)
    pallets_returned: Mapped[int] = mapped_column(default=0)
    receipt_pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    # False while signature_png and the photos are the checked uploads as sent; the worker
    # (services.receipts.finish_proof) re-encodes them. Nothing serves them before that.
    images_sanitized: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[DriverEvent] = relationship(back_populates="proof")
    delivery_point: Mapped[DeliveryPoint | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()
    lines: Mapped[list[ProofLine]] = relationship(
        back_populates="proof", cascade="all, delete-orphan", order_by="ProofLine.id"
    )
    photos: Mapped[list[ProofPhoto]] = relationship(
        back_populates="proof", cascade="all, delete-orphan", order_by="ProofPhoto.id"
    )


class ProofLine(Base):
    __tablename__ = "proof_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_line.id", ondelete="SET NULL"))
    article: Mapped[str] = mapped_column(sa.String(200))
    ordered_quantity: Mapped[float]
    delivered_quantity: Mapped[float]
    unit: Mapped[str] = mapped_column(sa.String(16))
    temperature_c: Mapped[float | None]
    deviation: Mapped[DeviationCode | None] = mapped_column(enum_column(DeviationCode, "deviation_code"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    proof: Mapped[ProofOfDelivery] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine | None] = relationship()


class ProofPhoto(Base):
    __tablename__ = "proof_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    proof: Mapped[ProofOfDelivery] = relationship(back_populates="photos")


class VehiclePosition(Base):
    __tablename__ = "vehicle_position"
    __table_args__ = (sa.UniqueConstraint("user_id", "recorded_at", name="position_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[float | None]
    speed_mps: Mapped[float | None]
    heading: Mapped[float | None]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
