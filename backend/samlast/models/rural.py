"""Rural service: residents' consignments (parcels, grocery and pharmacy bags, library books,
returns) that ride along on the municipal routes, and the hand-overs that pass responsibility
for them from one party to the next.

A hand-over is a fact: never edited; a later hand-over is a new record. The consignment's
`status` follows the latest hand-over (and the planning), it is never set back.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, UTCDateTime, enum_column, utcnow
from samlast.models.cluster import Terminal
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.route import Route
from samlast.models.user import User


class SizeClass(enum.StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class ConsignmentKind(enum.StrEnum):
    PARCEL = "parcel"
    GROCERY = "grocery"
    PHARMACY = "pharmacy"
    LIBRARY = "library"
    RETURN = "return"


class ConsignmentStatus(enum.StrEnum):
    """In the order a consignment goes through them (a hand-over never moves it back)."""

    REGISTERED = "registered"  # waiting for a route that passes its destination
    PLANNED = "planned"  # on a planned route, expected on `planned_date`
    PICKED_UP = "picked_up"  # the driver has it (signed over by the agent)
    AT_HUB = "at_hub"  # left at the hub (the terminal or a village hub) for the onward route
    ONWARD = "onward"  # the onward route's driver has it (signed over at the hub)
    READY = "ready"  # at the service point or in the locker: the resident can collect it
    COLLECTED = "collected"


class HandoverKind(enum.StrEnum):
    AGENT_TO_DRIVER = "agent_to_driver"
    DRIVER_TO_HUB = "driver_to_hub"  # the first route leaves it at the hub (signature of who takes it)
    HUB_TO_DRIVER = "hub_to_driver"  # the onward route takes it at the hub (signature of who hands it)
    DRIVER_TO_POINT = "driver_to_point"  # handed to staff at a service point (signature)
    DRIVER_TO_LOCKER = "driver_to_locker"  # left in a locker compartment (a pickup code is made)
    TO_RESIDENT = "to_resident"


#: Where each hand-over leaves the consignment.
HANDOVER_STATUS = {
    HandoverKind.AGENT_TO_DRIVER: ConsignmentStatus.PICKED_UP,
    HandoverKind.DRIVER_TO_HUB: ConsignmentStatus.AT_HUB,
    HandoverKind.HUB_TO_DRIVER: ConsignmentStatus.ONWARD,
    HandoverKind.DRIVER_TO_POINT: ConsignmentStatus.READY,
    HandoverKind.DRIVER_TO_LOCKER: ConsignmentStatus.READY,
    HandoverKind.TO_RESIDENT: ConsignmentStatus.COLLECTED,
}
STATUS_RANK = {status: rank for rank, status in enumerate(ConsignmentStatus)}


class LockerCompartment(Base):
    """One compartment of a parcel locker; a consignment fits a compartment of its size or larger."""

    __tablename__ = "locker_compartment"
    __table_args__ = (sa.UniqueConstraint("delivery_point_id", "number", name="compartment_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_point_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    size_class: Mapped[SizeClass] = mapped_column(enum_column(SizeClass, "size_class"))

    delivery_point: Mapped[DeliveryPoint] = relationship()


class Consignment(Base):
    __tablename__ = "consignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    kind: Mapped[ConsignmentKind] = mapped_column(enum_column(ConsignmentKind, "consignment_kind"))
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="RESTRICT"), index=True)
    # Where the driver collects it; None: at the terminal.
    pickup_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"), index=True
    )
    destination_point_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"), index=True
    )
    size_class: Mapped[SizeClass] = mapped_column(enum_column(SizeClass, "size_class"))
    temperature_class: Mapped[TemperatureClass | None] = mapped_column(
        enum_column(TemperatureClass, "temperature_class")
    )
    resident_name: Mapped[str] = mapped_column(sa.String(120))
    resident_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    resident_email: Mapped[str] = mapped_column(sa.String(160), default="")
    reference: Mapped[str] = mapped_column(sa.String(80), default="")  # e.g. the carrier's parcel number
    available_from: Mapped[date]
    latest_date: Mapped[date]  # the wait limit: not carried after this day, the agent keeps it
    status: Mapped[ConsignmentStatus] = mapped_column(
        enum_column(ConsignmentStatus, "consignment_status"), default=ConsignmentStatus.REGISTERED
    )
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The planning (services/rural.py): the route it rides along on, after which of the route's
    # stops (their sequence; -1: at the start, from the terminal) it is picked up and dropped.
    planned_route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"), index=True)
    planned_date: Mapped[date | None]
    pickup_after_sequence: Mapped[int | None]
    drop_after_sequence: Mapped[int | None]
    planned_pickup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_drop_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What carrying it added to the route (the coordinator's figures), as planned.
    extra_m: Mapped[float | None]
    extra_s: Mapped[int | None]
    # Why it is not planned: a table key (samlast/i18n) and its parameters, or None.
    unplanned_reason: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    compartment_number: Mapped[int | None]
    pickup_code: Mapped[str | None] = mapped_column(sa.String(8))
    # A change of vehicles: the route above takes it to the hub (its drop), the onward route from
    # the hub to the destination. The hub is a village service point, or None: the terminal.
    transfer_route_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route.id", ondelete="SET NULL"))
    hub_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="RESTRICT"))
    transfer_date: Mapped[date | None]
    transfer_pickup_after_sequence: Mapped[int | None]
    transfer_drop_after_sequence: Mapped[int | None]
    transfer_pickup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    transfer_drop_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    terminal: Mapped[Terminal] = relationship()
    pickup_point: Mapped[DeliveryPoint | None] = relationship(foreign_keys=[pickup_point_id])
    destination_point: Mapped[DeliveryPoint] = relationship(foreign_keys=[destination_point_id])
    planned_route: Mapped[Route | None] = relationship(foreign_keys=[planned_route_id])
    transfer_route: Mapped[Route | None] = relationship(foreign_keys=[transfer_route_id])
    hub_point: Mapped[DeliveryPoint | None] = relationship(foreign_keys=[hub_point_id])
    registered_by: Mapped[User | None] = relationship()
    handovers: Mapped[list[ConsignmentHandover]] = relationship(
        back_populates="consignment", order_by="ConsignmentHandover.id"
    )

    @property
    def arrival_date(self) -> date | None:
        """The day it reaches its destination (the onward route's day after a change of vehicles);
        None while it waits at a hub for an onward route."""
        if self.transfer_route_id is not None:
            return self.transfer_date
        return None if self.status == ConsignmentStatus.AT_HUB else self.planned_date

    @property
    def final_route(self) -> Route | None:
        """The route that brings it to its destination."""
        return self.transfer_route if self.transfer_route_id is not None else self.planned_route


class ConsignmentHandover(Base):
    """Responsibility for a consignment passes at `recorded_at` (idempotent by client id)."""

    __tablename__ = "consignment_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    consignment_id: Mapped[int] = mapped_column(sa.ForeignKey("consignment.id", ondelete="RESTRICT"), index=True)
    # None: the resident, who has no account, took it out of the locker with the pickup code.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    kind: Mapped[HandoverKind] = mapped_column(enum_column(HandoverKind, "handover_kind"))
    signed_by_name: Mapped[str] = mapped_column(sa.String(120), default="")
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    compartment_number: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the device's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    consignment: Mapped[Consignment] = relationship(back_populates="handovers")
    user: Mapped[User | None] = relationship()


class TrackingSubscription(Base):
    """A resident's browser asking for Web Push notices about one consignment (no account: the
    tracking code is the key). Deleted with the consignment's personal data."""

    __tablename__ = "tracking_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(sa.ForeignKey("consignment.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
