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


# What a deviation for the coordinator is about (Deviation.code), besides a kitchen's own
# DeviationCode: the kitchen received another quantity than the driver left.
RECEIPT_MISMATCH = "receipt_mismatch"
# Only on rows written before the kitchen's side was stored as reported: less was left than
# ordered, and the kitchen itself reported nothing (see migration kitchen01).
SHORT_DELIVERY = "short"


class Deviation(Base):
    """Something for the coordinator to resolve about one order line at one delivery.

    Stored as facts (article, the three quantities, each side's own deviation code, the
    kitchen's note) and written in the reader's language when shown. `description` is only
    the English sentence of rows from before the facts were stored.
    """

    __tablename__ = "deviation"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_point_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="CASCADE"), index=True)
    plan_date: Mapped[date]
    confirmation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipt_confirmation.id", ondelete="CASCADE"))
    # Found at goods in (the terminal): then `terminal_quantity` is what arrived from the supplier.
    goods_receipt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("goods_receipt.id", ondelete="CASCADE"))
    terminal_quantity: Mapped[float | None]
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="SET NULL"))
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_line.id", ondelete="SET NULL"))
    # RECEIPT_MISMATCH, a DeviationCode the kitchen reported, or SHORT_DELIVERY (old rows).
    code: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    article: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    unit: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    ordered_quantity: Mapped[float | None]
    delivered_quantity: Mapped[float | None]  # left by the driver (the proof); None: no proof
    received_quantity: Mapped[float | None]  # received by the kitchen (the confirmation)
    driver_code: Mapped[str | None] = mapped_column(sa.String(40))  # as the driver reported it
    kitchen_code: Mapped[str | None] = mapped_column(sa.String(40))  # as the kitchen reported it
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # the kitchen's note
    status: Mapped[DeviationStatus] = mapped_column(
        enum_column(DeviationStatus, "deviation_status"), default=DeviationStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delivery_point: Mapped[DeliveryPoint] = relationship()
    confirmation: Mapped[ReceiptConfirmation | None] = relationship()
    actions: Mapped[list[DeviationAction]] = relationship(
        back_populates="deviation", cascade="all, delete-orphan", order_by="DeviationAction.id"
    )

    @property
    def structured(self) -> bool:
        return bool(self.article)

    @property
    def last_resolution(self) -> DeviationAction | None:
        if self.status != DeviationStatus.RESOLVED:
            return None
        return next((a for a in reversed(self.actions) if a.action == DeviationActionKind.RESOLVED), None)


class DeviationActionKind(enum.StrEnum):
    RESOLVED = "resolved"
    REOPENED = "reopened"


class DeviationAction(Base):
    """Who marked a deviation as handled (and how), or opened it again, and when. Kept for good."""

    __tablename__ = "deviation_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    deviation_id: Mapped[int] = mapped_column(sa.ForeignKey("deviation.id", ondelete="CASCADE"), index=True)
    action: Mapped[DeviationActionKind] = mapped_column(enum_column(DeviationActionKind, "deviation_action_kind"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # The name as it was then: the record stays readable if the account is removed.
    user_name: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deviation: Mapped[Deviation] = relationship(back_populates="actions")


class PushSubscription(Base):
    """A browser's Web Push subscription (endpoint + keys), per user and device."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
