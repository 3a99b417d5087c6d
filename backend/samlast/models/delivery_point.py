"""Delivery points (school kitchens, preschools, care homes) and their receiving windows."""

from __future__ import annotations

import enum
from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, Timestamped, enum_column
from samlast.models.cluster import Municipality


class DeliveryPointKind(enum.StrEnum):
    SCHOOL_KITCHEN = "school_kitchen"
    PRESCHOOL = "preschool"
    CARE_HOME = "care_home"
    OTHER = "other"
    # Rural service: a village shop, library or meeting place that hands out residents' parcels,
    # and an operator-neutral parcel locker (its compartments: models/rural.py).
    SERVICE_POINT = "service_point"
    PARCEL_LOCKER = "parcel_locker"


class DeliveryPoint(Timestamped, Base):
    __tablename__ = "delivery_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[DeliveryPointKind] = mapped_column(enum_column(DeliveryPointKind, "dp_kind"))
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    service_time_min: Mapped[int] = mapped_column(default=10)
    access_notes: Mapped[str] = mapped_column(sa.Text, default="")
    max_vehicle_length_m: Mapped[float | None]
    unloading_place: Mapped[str] = mapped_column(sa.String(255), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(160), default="")

    municipality: Mapped[Municipality] = relationship()
    receiving_windows: Mapped[list[ReceivingWindow]] = relationship(
        back_populates="delivery_point",
        cascade="all, delete-orphan",
        order_by="(ReceivingWindow.weekday, ReceivingWindow.start)",
    )


class ReceivingWindow(Base):
    """When a delivery point receives goods; several windows per weekday are allowed."""

    __tablename__ = "receiving_window"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("start < \"end\"", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_point_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]  # 0 = Monday, as datetime.date.weekday()
    start: Mapped[time]
    end: Mapped[time]

    delivery_point: Mapped[DeliveryPoint] = relationship(back_populates="receiving_windows")
