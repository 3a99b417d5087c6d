"""Vehicles of the distributor, with one compartment per temperature class they carry."""

from __future__ import annotations

import enum
from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, Timestamped, enum_column
from samlast.models.cluster import Terminal


class EnergyType(enum.StrEnum):
    DIESEL = "diesel"
    HVO100 = "hvo100"
    ELECTRIC = "electric"
    BIOGAS = "biogas"


class Vehicle(Timestamped, Base):
    __tablename__ = "vehicle"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="RESTRICT"))
    energy_type: Mapped[EnergyType] = mapped_column(enum_column(EnergyType, "energy_type"))
    co2e_kg_per_km: Mapped[float]
    cost_per_km: Mapped[float]
    cost_per_hour: Mapped[float]
    shift_start: Mapped[time]
    shift_end: Mapped[time]
    length_m: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    # The driver who gets this vehicle's routes unless the coordinator assigns another.
    driver_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    terminal: Mapped[Terminal] = relationship()
    compartments: Mapped[list[VehicleCompartment]] = relationship(
        back_populates="vehicle", cascade="all, delete-orphan", order_by="VehicleCompartment.id"
    )


class VehicleCompartment(Base):
    __tablename__ = "vehicle_compartment"
    __table_args__ = (
        sa.UniqueConstraint("vehicle_id", "temperature_class", name="vehicle_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(sa.ForeignKey("vehicle.id", ondelete="CASCADE"))
    temperature_class: Mapped[TemperatureClass] = mapped_column(
        enum_column(TemperatureClass, "temperature_class")
    )
    capacity_kg: Mapped[float]
    capacity_pallets: Mapped[float]

    vehicle: Mapped[Vehicle] = relationship(back_populates="compartments")
