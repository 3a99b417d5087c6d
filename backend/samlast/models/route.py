"""Planning jobs, versioned plans, and the routes and stops they consist of.

A plan is stored per terminal and date as a new version each time the day is
(re)planned; the newest successful version is the current one. Each route
keeps a `version` that only increases when its stops change, so a driver's
app can tell a real change from a re-plan that left their route as it was.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from samlast.models.base import Base, UTCDateTime, enum_column, utcnow
from samlast.models.cluster import Terminal
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.order import Order
from samlast.models.supplier import Supplier
from samlast.models.user import User
from samlast.models.vehicle import Vehicle


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class StopKind(enum.StrEnum):
    DELIVERY = "delivery"
    PICKUP = "pickup"


class StopStatus(enum.StrEnum):
    PLANNED = "planned"
    ARRIVED = "arrived"
    DONE = "done"
    SKIPPED = "skipped"


class BackgroundRun:
    """The columns of every piece of work done off the request path (planning jobs, impact
    reports, fleet advice): queued, running with progress, then done or failed. `message` is a
    table key (samlast/i18n) with `message_params`, shown in each reader's language."""

    #: The name of the status column's enum type (one per table, as the migrations made them).
    status_type: ClassVar[str]

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=lambda: uuid.uuid4().hex)
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    message_params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written every few seconds while the run runs (services.background.heartbeat): a running
    # run whose heartbeat stopped lost its process and is marked failed (sweep_stale_runs).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @declared_attr
    def status(cls) -> Mapped[JobStatus]:
        return mapped_column(enum_column(JobStatus, cls.status_type), default=JobStatus.QUEUED)


class PlanningJob(BackgroundRun, Base):
    """A request to plan one date; runs off the request path and reports progress."""

    __tablename__ = "planning_job"
    status_type = "job_status"

    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"))
    plan_date: Mapped[date] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    fresh: Mapped[bool] = mapped_column(default=False)
    time_limit_s: Mapped[float]
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan.id", ondelete="SET NULL"))

    terminal: Mapped[Terminal] = relationship()


class FleetAdviceRun(BackgroundRun, Base):
    """How many vehicles a date needs (planning/fleet.py), worked out off the request path.

    Advised on the plan version `plan_id` (its orders and fleet at the time); `result` holds the
    figures once done (services/fleet_advice.py documents its shape).
    """

    __tablename__ = "fleet_advice"
    status_type = "fleet_advice_status"

    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"))
    plan_date: Mapped[date] = mapped_column(index=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan.id", ondelete="SET NULL"))
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    terminal: Mapped[Terminal] = relationship()


class Plan(Base):
    __tablename__ = "plan"
    __table_args__ = (sa.UniqueConstraint("terminal_id", "plan_date", "version", name="plan_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"))
    plan_date: Mapped[date] = mapped_column(index=True)
    version: Mapped[int]
    solver_status: Mapped[str] = mapped_column(sa.String(80))
    warm_started: Mapped[bool] = mapped_column(default=False)
    wall_time_s: Mapped[float]
    total_distance_m: Mapped[float]
    total_cost: Mapped[float]
    unassigned: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The learned parameters the plan used (samlast.models.learning); None before any learning.
    learned_parameters_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("learned_parameters.id", ondelete="SET NULL")
    )

    terminal: Mapped[Terminal] = relationship()
    routes: Mapped[list[Route]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(Route.vehicle_id, Route.trip)"
    )


class Route(Base):
    __tablename__ = "route"
    __table_args__ = (sa.UniqueConstraint("plan_id", "vehicle_id", "trip", name="route_trip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[int] = mapped_column(sa.ForeignKey("vehicle.id", ondelete="RESTRICT"))
    driver_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    trip: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    # The newest version the driver's app has confirmed it shows.
    acknowledged_version: Mapped[int] = mapped_column(default=0, server_default="0")
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_end: Mapped[datetime] = mapped_column(UTCDateTime())
    distance_m: Mapped[float]
    duration_s: Mapped[int]
    cost: Mapped[float]
    co2e_kg: Mapped[float]
    breaks: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="routes")
    vehicle: Mapped[Vehicle] = relationship()
    driver: Mapped[User | None] = relationship()
    stops: Mapped[list[Stop]] = relationship(
        back_populates="route", cascade="all, delete-orphan", order_by="Stop.sequence"
    )


stop_order = sa.Table(
    "stop_order",
    Base.metadata,
    sa.Column("stop_id", sa.ForeignKey("stop.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("order_id", sa.ForeignKey("purchase_order.id", ondelete="CASCADE"), primary_key=True),
)


class Stop(Base):
    """A visit on a route. `job_key` names the job across plan versions (e.g. "dp:17")."""

    __tablename__ = "stop"
    __table_args__ = (sa.UniqueConstraint("route_id", "sequence", name="stop_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("route.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]
    job_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[StopKind] = mapped_column(enum_column(StopKind, "stop_kind"))
    status: Mapped[StopStatus] = mapped_column(
        enum_column(StopStatus, "stop_status"), default=StopStatus.PLANNED
    )
    delivery_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_point.id", ondelete="RESTRICT")
    )
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id", ondelete="RESTRICT"))
    lat: Mapped[float]
    lon: Mapped[float]
    planned_arrival: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_service_start: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_departure: Mapped[datetime] = mapped_column(UTCDateTime())
    time_windows: Mapped[list[list[str]]] = mapped_column(sa.JSON, default=list)
    load: Mapped[dict[str, dict[str, float]]] = mapped_column(sa.JSON, default=dict)
    load_after: Mapped[dict[str, dict[str, float]]] = mapped_column(sa.JSON, default=dict)
    # Expected arrival from the driver's actual progress; None until the route starts.
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id", ondelete="SET NULL"))

    route: Mapped[Route] = relationship(back_populates="stops")
    delivery_point: Mapped[DeliveryPoint | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()
    orders: Mapped[list[Order]] = relationship(secondary=stop_order, order_by="Order.id")
