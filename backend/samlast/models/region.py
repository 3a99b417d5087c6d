"""Region planning: candidate terminal sites and stored region analyses (which municipalities
share a terminal, and where it stands)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, Timestamped
from samlast.models.route import BackgroundRun


class RegionSite(Timestamped, Base):
    """A place a consolidation terminal could stand (an existing warehouse, industrial land)."""

    __tablename__ = "region_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]
    #: Rent or capital cost and staff that do not depend on volume, SEK a year.
    fixed_sek_per_year: Mapped[float]
    #: Cross-docking cost per pallet place through the terminal, SEK.
    handling_sek_per_pallet: Mapped[float]
    note: Mapped[str] = mapped_column(sa.String(255), default="")


class RegionRun(BackgroundRun, Base):
    """One region analysis: its question (period, municipalities, clusters, sites), progress, answer."""

    __tablename__ = "region_run"
    status_type = "region_run_status"

    name: Mapped[str] = mapped_column(sa.String(160), default="")
    date_from: Mapped[date]
    date_to: Mapped[date]
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
