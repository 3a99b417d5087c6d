"""Versioned parameters learned from driven routes (service and travel times).

Every re-learning or reset stores a new :class:`LearnedParameters` row; the
newest is the current one. The payload is plain JSON (see
:mod:`samlast.services.feedback` for its layout) with the per-point service
estimates inside. Each plan records the version it was built with in
``plan.learned_parameters_id`` (nullable: plans made before any learning).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, UTCDateTime, utcnow


class LearnedParameters(Base):
    __tablename__ = "learned_parameters"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    # "learn" or "reset:<delivery point id>"
    reason: Mapped[str] = mapped_column(sa.String(80), default="learn")
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

