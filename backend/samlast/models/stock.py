"""Emergency stock (beredskapslager) held at a terminal: articles in batches by best-before date,
minimum levels in days of supply per kind of delivery point, and every issue from stock.

An issue becomes an ordinary order line of the terminal's own supplier "Beredskapslager"
(Supplier.terminal_stock_of), so planning, loading lists, labels, proofs and the timeline carry
it unchanged; the StockIssue row says which batch it came from and why (rotation or crisis)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, TemperatureClass, Timestamped, UTCDateTime, enum_column, utcnow
from samlast.models.cluster import Terminal
from samlast.models.delivery_point import DeliveryPointKind
from samlast.models.order import OrderLine
from samlast.models.user import User


class StockIssueReason(enum.StrEnum):
    ROTATION = "rotation"  # near its best-before date: used in an ordinary delivery
    CRISIS = "crisis"  # a supplier did not deliver: stock covers what is missing


class StockArticle(Timestamped, Base):
    __tablename__ = "stock_article"
    __table_args__ = (sa.UniqueConstraint("terminal_id", "article", name="stock_article_per_terminal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"), index=True)
    #: As the kitchens order it (matched without regard to case against order lines).
    article: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(16))
    temperature_class: Mapped[TemperatureClass] = mapped_column(enum_column(TemperatureClass, "temperature_class"))
    weight_kg_per_unit: Mapped[float] = mapped_column(default=1.0)

    terminal: Mapped[Terminal] = relationship()
    batches: Mapped[list[StockBatch]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="StockBatch.best_before"
    )

    @property
    def quantity(self) -> float:
        return round(sum(batch.quantity for batch in self.batches), 6)


class StockBatch(Timestamped, Base):
    __tablename__ = "stock_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_article.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[float]  # what is left
    best_before: Mapped[date]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    article: Mapped[StockArticle] = relationship(back_populates="batches")


class StockMinimum(Base):
    """The least stock to hold, as days of the points' usual use, per kind of delivery point."""

    __tablename__ = "stock_minimum"
    __table_args__ = (sa.UniqueConstraint("terminal_id", "kind", name="stock_minimum_per_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(sa.ForeignKey("terminal.id", ondelete="CASCADE"))
    kind: Mapped[DeliveryPointKind] = mapped_column(enum_column(DeliveryPointKind, "delivery_point_kind"))
    days: Mapped[float]


class StockIssue(Base):
    """Stock taken from a batch into an order line: a fact, never changed afterwards."""

    __tablename__ = "stock_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_batch.id", ondelete="SET NULL"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[float]
    best_before: Mapped[date]
    reason: Mapped[StockIssueReason] = mapped_column(enum_column(StockIssueReason, "stock_issue_reason"))
    #: The supplier whose missing goods a crisis issue covers.
    covers_supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The client id of the request that made it: a replayed request answers what it made then.
    request_id: Mapped[str] = mapped_column(sa.String(64), default="", index=True)

    batch: Mapped[StockBatch | None] = relationship()
    order_line: Mapped[OrderLine] = relationship()
    created_by: Mapped[User | None] = relationship()


class StockRequest(Base):
    """One write to the stock from a client (an issue or a crisis cover), by its client id: the
    unique key makes two copies of the same request, even at the same moment, take stock once."""

    __tablename__ = "stock_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
