"""Cross-dock and loading at the terminal: package units, their load scans and the hand-over.

A package unit (a crate, a roll cage or a pallet of one temperature class for one stop) is
made from the current plan of a date (services/loading.py). Its `code` is short and stable: it
is printed on the label as a QR code and as text to type. A unit is known by its stop's
`job_key` (which survives re-planning) and its place in the stop's units, so a re-plan moves
it to the stop's new route instead of making a new one.

A load scan (the unit put on a vehicle) and a load hand-over (the driver's signature taking
responsibility for a route's load) are facts: written once, never edited, idempotent by the
device's client id like driver events.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, UTCDateTime, enum_column, utcnow
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.route import Route, Stop
from samlast.models.user import User


class UnitKind(enum.StrEnum):
    CRATE = "crate"
    ROLL_CAGE = "roll_cage"
    PALLET = "pallet"


class PackageUnit(Base):
    __tablename__ = "package_unit"
    __table_args__ = (
        sa.UniqueConstraint(
            "terminal_id", "plan_date", "job_key", "temperature_class", "kind", "number", name="package_unit_place"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"))
    plan_date: Mapped[date] = mapped_column(index=True)
    job_key: Mapped[str] = mapped_column(sa.String(64))
    delivery_point_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"))
    temperature_class: Mapped[TemperatureClass] = mapped_column(enum_column(TemperatureClass, "temperature_class"))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    # 1..n among the units of one kind and class for the stop.
    number: Mapped[int]
    # Where the current plan has it; None when its stop was planned away (kept if loaded).
    route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"), index=True)
    stop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stop.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delivery_point: Mapped[DeliveryPoint] = relationship()
    route: Mapped[Route | None] = relationship()
    stop: Mapped[Stop | None] = relationship()
    scan: Mapped[LoadScan | None] = relationship(back_populates="unit", uselist=False)


class LoadScan(Base):
    """A unit put on a route's vehicle, scanned by terminal staff."""

    __tablename__ = "load_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("package_unit.id", ondelete="RESTRICT"), unique=True)
    route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The answer given the first time, returned unchanged to every replay.
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    unit: Mapped[PackageUnit] = relationship(back_populates="scan")
    route: Mapped[Route | None] = relationship()


class LoadHandover(Base):
    """The driver's signature for a route's load: responsibility passes from terminal to driver."""

    __tablename__ = "load_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Terminal staff who recorded it (on their device, signed by the driver).
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"), unique=True)
    driver_name: Mapped[str] = mapped_column(sa.String(120))
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    units_loaded: Mapped[int]
    units_total: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()
    route: Mapped[Route | None] = relationship()
