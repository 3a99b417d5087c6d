"""Pickup capacity for local producers (slot templates, dated slots) and their bookings."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, Timestamped, UTCDateTime, enum_column
from samlast.models.cluster import Terminal
from samlast.models.supplier import ProductArea, Supplier


class SlotKind(enum.StrEnum):
    FARM_PICKUP = "farm_pickup"  # the distributor collects at the producer
    TERMINAL_DROPOFF = "terminal_dropoff"  # the producer brings the goods to the terminal


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class SlotTemplate(Timestamped, Base):
    """A weekly recurring slot the coordinator offers, e.g. pickup Tuesdays 09-12."""

    __tablename__ = "slot_template"
    __table_args__ = (sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[SlotKind] = mapped_column(enum_column(SlotKind, "slot_kind"))
    weekday: Mapped[int]
    start: Mapped[time]
    end: Mapped[time]
    capacity_kg: Mapped[float]
    capacity_pallets: Mapped[float]
    cutoff_days_before: Mapped[int] = mapped_column(default=1)
    cutoff_time: Mapped[time] = mapped_column(default=time(14, 0))
    active: Mapped[bool] = mapped_column(default=True)

    terminal: Mapped[Terminal] = relationship()


class PickupSlot(Base):
    """A template on one date, created on first use; keeps the running totals booked."""

    __tablename__ = "pickup_slot"
    __table_args__ = (
        sa.UniqueConstraint("template_id", "slot_date", name="template_date"),
        sa.CheckConstraint("booked_kg <= capacity_kg + 0.0001", name="kg_within_capacity"),
        sa.CheckConstraint("booked_pallets <= capacity_pallets + 0.0001", name="pallets_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("slot_template.id", ondelete="CASCADE"))
    slot_date: Mapped[date] = mapped_column(index=True)
    capacity_kg: Mapped[float]
    capacity_pallets: Mapped[float]
    booked_kg: Mapped[float] = mapped_column(default=0.0)
    booked_pallets: Mapped[float] = mapped_column(default=0.0)

    template: Mapped[SlotTemplate] = relationship()


class Booking(Timestamped, Base):
    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("pickup_slot.id", ondelete="RESTRICT"), index=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[BookingStatus] = mapped_column(
        enum_column(BookingStatus, "booking_status"), default=BookingStatus.BOOKED
    )
    product_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_area.id", ondelete="SET NULL"))
    temperature_class: Mapped[TemperatureClass] = mapped_column(enum_column(TemperatureClass, "temperature_class"))
    kg: Mapped[float]
    pallets: Mapped[float]
    order_refs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    confirmed_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    slot: Mapped[PickupSlot] = relationship()
    supplier: Mapped[Supplier] = relationship()
    product_area: Mapped[ProductArea | None] = relationship()


