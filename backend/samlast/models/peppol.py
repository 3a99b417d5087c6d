"""How the identifiers in Peppol documents (a GLN, an organisation number, the municipality's own
id) map to Samlast's delivery points and suppliers, as the coordinator set them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samlast.models.base import Base, UTCDateTime, utcnow
from samlast.models.delivery_point import DeliveryPoint
from samlast.models.supplier import Supplier

PARTY_KINDS = ("delivery_point", "supplier")


class PartyMapping(Base):
    __tablename__ = "party_mapping"
    __table_args__ = (sa.UniqueConstraint("kind", "scheme", "identifier", name="party_mapping_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # delivery_point, supplier
    #: The identifier's scheme as the document gives it (0088 GLN, 0007 organisation number, ...).
    scheme: Mapped[str] = mapped_column(sa.String(16), default="")
    identifier: Mapped[str] = mapped_column(sa.String(64))
    delivery_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delivery_point.id", ondelete="CASCADE"))
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delivery_point: Mapped[DeliveryPoint | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()
