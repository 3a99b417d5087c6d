"""E-mail to a delivery point's contact (the proof-of-delivery receipt, the kitchen's confirmation),
kept until it is sent: written in the same transaction as the record it carries, sent afterwards
by the background worker, retried with back-off, so a mail server that is down loses nothing and
never holds up the driver."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, UTCDateTime, utcnow

MAIL_KINDS = ("receipt", "confirmation")
MAIL_STATUSES = ("queued", "sent", "failed")


class OutgoingMail(Base):
    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.Index("ix_outgoing_mail_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # receipt, confirmation
    # The record it carries; no foreign key needed beyond these (a mail outlives nothing it names).
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proof_of_delivery.id", ondelete="CASCADE"))
    confirmation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipt_confirmation.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(sa.String(160))
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")  # queued, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
