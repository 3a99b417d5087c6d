"""Monthly follow-ups: what coordinated distribution did in a month against free delivery of the same orders."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from samlast.models.base import Base
from samlast.models.route import BackgroundRun


class FollowupReport(BackgroundRun, Base):
    """One run of the follow-up of `month` (its first day) at a terminal; a re-run is a new row.

    `rule` is the cost-split rule the council chose for the settlement (impact.followup.RULES);
    `result` is :func:`samlast.impact.followup.follow_up`'s dict once done.
    """

    __tablename__ = "followup_report"
    status_type = "followup_status"

    month: Mapped[date] = mapped_column(index=True)
    terminal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("terminal.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(sa.String(40), default="shapley")
    # True when the monthly schedule (not a person) asked for it.
    scheduled: Mapped[bool] = mapped_column(default=False)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
