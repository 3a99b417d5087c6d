"""Suppliers (wholesalers and local producers) and the product areas they sell."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, Timestamped, enum_column


class SupplierKind(enum.StrEnum):
    WHOLESALER = "wholesaler"
    LOCAL_PRODUCER = "local_producer"


supplier_product_area = sa.Table(
    "supplier_product_area",
    Base.metadata,
    sa.Column("supplier_id", sa.ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "product_area_id", sa.ForeignKey("product_area.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ProductArea(Timestamped, Base):
    __tablename__ = "product_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    temperature_class: Mapped[TemperatureClass] = mapped_column(
        enum_column(TemperatureClass, "temperature_class")
    )


class Supplier(Timestamped, Base):
    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[SupplierKind] = mapped_column(enum_column(SupplierKind, "supplier_kind"))
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")

    #: Set on a terminal's own "Beredskapslager" (emergency stock): its goods are at the terminal
    #: already, so goods in never expects them.
    terminal_stock_of: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terminal.id", ondelete="CASCADE"), unique=True
    )
    product_areas: Mapped[list[ProductArea]] = relationship(
        secondary=supplier_product_area, order_by="ProductArea.name"
    )
