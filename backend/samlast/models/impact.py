"""Stored impact analyses (free delivery vs coordinated), so runs can be compared."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base
from samlast.models.route import BackgroundRun


class ImpactReport(BackgroundRun, Base):
    """One run of the impact analysis: parameters in, progress, then the full report."""

    __tablename__ = "impact_report"
    status_type = "impact_status"

    name: Mapped[str] = mapped_column(sa.String(160), default="")
    date_from: Mapped[date]
    date_to: Mapped[date]
    terminal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terminal.id", ondelete="SET NULL")
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
