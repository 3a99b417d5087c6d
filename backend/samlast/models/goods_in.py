"""Goods in at the terminal: a supplier's delivery received, line by line. The record is the
hand-over (responsibility passes from the supplier to the terminal at `recorded_at`) and a fact:
never edited; a correction is a new record."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, UTCDateTime, enum_column, utcnow
from samlast.models.cluster import Terminal
from samlast.models.order import OrderLine
from samlast.models.supplier import Supplier
from samlast.models.user import User


class GoodsInDeviation(enum.StrEnum):
    SHORT = "short"
    DAMAGED = "damaged"
    WRONG_TEMPERATURE = "wrong_temperature"
    NOT_ORDERED = "not_ordered"
    WRONG_ARTICLE = "wrong_article"


class GoodsReceipt(Base):
    __tablename__ = "goods_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="RESTRICT"), index=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id", ondelete="RESTRICT"), index=True)
    plan_date: Mapped[date] = mapped_column(index=True)
    supplier_driver_name: Mapped[str] = mapped_column(sa.String(120))
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the device's clock, as reported
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # the server's
    # The answer given the first time, returned unchanged to every replay.
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    terminal: Mapped[Terminal] = relationship()
    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[GoodsReceiptLine]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="GoodsReceiptLine.id"
    )


class GoodsReceiptLine(Base):
    __tablename__ = "goods_receipt_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("goods_receipt.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_line.id", ondelete="SET NULL"), index=True
    )
    article: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(16))
    temperature_class: Mapped[TemperatureClass] = mapped_column(enum_column(TemperatureClass, "temperature_class"))
    ordered_quantity: Mapped[float]
    received_quantity: Mapped[float]
    temperature_c: Mapped[float | None]
    deviation: Mapped[GoodsInDeviation | None] = mapped_column(enum_column(GoodsInDeviation, "goods_in_deviation"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    photo_jpeg: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine | None] = relationship()


class DespatchAdvice(Base):
    """What a supplier says it has shipped (Peppol BIS Despatch Advice 3), before the goods come:
    goods in expects what it names, and a line shipped short is known before the truck arrives.
    A newer advice of the same document id replaces the lines of the older one."""

    __tablename__ = "despatch_advice"
    __table_args__ = (sa.UniqueConstraint("supplier_id", "document_id", name="despatch_advice_per_supplier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[str] = mapped_column(sa.String(64))
    issue_date: Mapped[date]
    #: When the supplier says the goods reach the terminal (the advice's delivery period), if given.
    expected_date: Mapped[date | None]
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[DespatchLine]] = relationship(
        back_populates="advice", cascade="all, delete-orphan", order_by="DespatchLine.id"
    )


class DespatchLine(Base):
    __tablename__ = "despatch_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    advice_id: Mapped[int] = mapped_column(sa.ForeignKey("despatch_advice.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id", ondelete="CASCADE"), index=True)
    line_ref: Mapped[str] = mapped_column(sa.String(32))  # the advice's own line id
    shipped_quantity: Mapped[float]
    unit_code: Mapped[str] = mapped_column(sa.String(8), default="")

    advice: Mapped[DespatchAdvice] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()
