"""Kitchen staff's confirmation of receipt, deviations for the coordinator, push subscriptions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, UTCDateTime, enum_column, utcnow
from samlast.models.delivery import DeviationCode, ProofOfDelivery
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.order import OrderLine
from samlast.models.user import User


class ReceiptConfirmation(Base):
    __tablename__ = "receipt_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    delivery_point_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"), index=True)
    plan_date: Mapped[date] = mapped_column(index=True)
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="SET NULL"))
    accepted_all: Mapped[bool] = mapped_column(default=False)
    confirmed_by_name: Mapped[str] = mapped_column(sa.String(120), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    delivery_point: Mapped[DeliveryPoint] = relationship()
    proof: Mapped[ProofOfDelivery | None] = relationship()
    lines: Mapped[list[ReceiptLine]] = relationship(
        back_populates="confirmation", cascade="all, delete-orphan", order_by="ReceiptLine.id"
    )
    photo_count: Mapped[int] = mapped_column(default=0)


class ReceiptLine(Base):
    __tablename__ = "receipt_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    confirmation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("receipt_confirmation.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id", ondelete="RESTRICT"))
    received_quantity: Mapped[float]
    deviation: Mapped[DeviationCode | None] = mapped_column(enum_column(DeviationCode, "deviation_code"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    confirmation: Mapped[ReceiptConfirmation] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class DeviationStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Deviation(Base):
    """Something for the coordinator to resolve, e.g. kitchen and driver disagree on a line."""

    __tablename__ = "deviation"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_point_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="CASCADE"), index=True)
    plan_date: Mapped[date]
    confirmation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipt_confirmation.id", ondelete="CASCADE"))
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="SET NULL"))
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_line.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeviationStatus] = mapped_column(
        enum_column(DeviationStatus, "deviation_status"), default=DeviationStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delivery_point: Mapped[DeliveryPoint] = relationship()


class PushSubscription(Base):
    """A browser's Web Push subscription (endpoint + keys), per user and device."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
