"""Orders from delivery points to suppliers, and their lines."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, Timestamped, UTCDateTime, enum_column
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.supplier import ProductArea, Supplier

if TYPE_CHECKING:
    from samlast.models.goods_in import GoodsReceiptLine


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class Order(Timestamped, Base):
    __tablename__ = "purchase_order"  # "order" is an SQL keyword

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    delivery_point_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="RESTRICT"), index=True
    )
    requested_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status"), default=OrderStatus.OPEN
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # When goods of the order were first handed over (a proof of delivery naming its lines): a fact,
    # after which the order can no longer be changed or removed.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delivery_point: Mapped[DeliveryPoint] = relationship()
    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no"
    )


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (sa.UniqueConstraint("order_id", "line_no", name="order_line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int]
    article: Mapped[str] = mapped_column(sa.String(200))
    product_area_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_area.id", ondelete="SET NULL")
    )
    quantity: Mapped[float]
    unit: Mapped[str] = mapped_column(sa.String(16))
    weight_kg: Mapped[float]
    pallet_places: Mapped[float] = mapped_column(default=0.0)
    volume_m3: Mapped[float | None]
    temperature_class: Mapped[TemperatureClass] = mapped_column(
        enum_column(TemperatureClass, "temperature_class")
    )

    order: Mapped[Order] = relationship(back_populates="lines")
    product_area: Mapped[ProductArea | None] = relationship()
    # The goods-in records of this line (a correction is a newer record); read-only here: the
    # goods-in aggregate owns them.
    terminal_records: Mapped[list[GoodsReceiptLine]] = relationship(viewonly=True, order_by="GoodsReceiptLine.id")

    @property
    def terminal_quantity(self) -> float | None:
        """What arrived from the supplier at the terminal by the latest goods-in record (None
        until the line is received): short of `quantity`, the rest never reaches the truck."""
        if not self.terminal_records:
            return None
        return max(self.terminal_records, key=lambda r: (r.receipt.received_at, r.id)).received_quantity
