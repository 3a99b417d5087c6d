"""The audit trail: who changed what and when. Append-only (the migration adds triggers that
refuse UPDATE and DELETE on the table); written by samlast.services.audit in the same
transaction as the change it records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base, UTCDateTime, utcnow

AUDIT_ACTIONS = ("create", "update", "delete")
#: How a change came: a web request, a background job, a command line, the system itself.
AUDIT_SOURCES = ("api", "job", "cli", "system")


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # No foreign key: an entry outlives the account (its name is kept as text).
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(120), default="")
    source: Mapped[str] = mapped_column(sa.String(16), default="system")  # api, job, cli, system
    action: Mapped[str] = mapped_column(sa.String(16))  # create, update, delete
    entity: Mapped[str] = mapped_column(sa.String(64))  # the table's name
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    # update: {field: [old, new]}; create and delete: {field: value}. Secrets are masked.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
