"""Cluster of municipalities sharing a terminal, and the terminal itself."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, Timestamped


class Cluster(Timestamped, Base):
    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)

    municipalities: Mapped[list[Municipality]] = relationship(back_populates="cluster")
    terminals: Mapped[list[Terminal]] = relationship(back_populates="cluster")


class Municipality(Timestamped, Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("cluster.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    population: Mapped[int | None]
    code: Mapped[str | None] = mapped_column(sa.String(16))

    cluster: Mapped[Cluster] = relationship(back_populates="municipalities")


class Terminal(Timestamped, Base):
    """Consolidation centre: start and end of every route."""

    __tablename__ = "terminal"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("cluster.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    opens_at: Mapped[time] = mapped_column(default=time(5, 0))
    closes_at: Mapped[time] = mapped_column(default=time(18, 0))

    cluster: Mapped[Cluster] = relationship(back_populates="terminals")
