"""Geocoding results cached in the database, so a re-import does not ask again."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, Timestamped


class GeocodeCache(Timestamped, Base):
    __tablename__ = "geocode_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(sa.String(400), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]
