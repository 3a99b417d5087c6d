"""Stored impact analyses (free delivery vs coordinated), so runs can be compared."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, UTCDateTime, enum_column, utcnow
from samlast.models.route import JobStatus


class ImpactReport(Base):
    """One run of the impact analysis: parameters in, progress, then the full report."""

    __tablename__ = "impact_report"

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=lambda: uuid.uuid4().hex
    )
    name: Mapped[str] = mapped_column(sa.String(160), default="")
    date_from: Mapped[date]
    date_to: Mapped[date]
    terminal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terminal.id", ondelete="SET NULL")
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "impact_status"), default=JobStatus.QUEUED
    )
    progress: Mapped[float] = mapped_column(default=0.0)
    # A table key (samlast/i18n) and its parameters: shown in each reader's language.
    message: Mapped[str] = mapped_column(sa.Text, default="")
    message_params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
