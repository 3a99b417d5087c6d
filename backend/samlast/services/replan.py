"""Re-plan automatically when the day's facts change: an order added, changed or
cancelled, a vehicle dropping out. Only days that already have a plan, today or
later, are re-planned; a job already waiting for the same day covers the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from samlast import clock
from samlast.extensions import db
from samlast.models import JobStatus, Plan, PlanningJob, Route, Terminal
from samlast.services import jobs


def planned_terminals(plan_date: date) -> list[Terminal]:
    ids = db.session.scalars(
        sa.select(Plan.terminal_id).where(Plan.plan_date == plan_date).distinct()
    ).all()
    return [db.session.get_one(Terminal, terminal_id) for terminal_id in ids]


def _already_waiting(terminal: Terminal, plan_date: date) -> bool:
    return (
        db.session.scalar(
            sa.select(PlanningJob.id).where(
                PlanningJob.terminal_id == terminal.id,
                PlanningJob.plan_date == plan_date,
                PlanningJob.status == JobStatus.QUEUED,
            )
        )
        is not None
    )


def replan_dates(dates: Iterable[date], reason: str) -> list[PlanningJob]:
    started = []
    for plan_date in sorted(dates):
        if plan_date < clock.today():
            continue
        for terminal in planned_terminals(plan_date):
            if not _already_waiting(terminal, plan_date):
                started.append(jobs.enqueue_planning(terminal, plan_date, reason=reason))
    return started


def replan_vehicle_dropout(vehicle_id: int | None, reason: str) -> list[PlanningJob]:
    if vehicle_id is None:
        return []
    dates = db.session.scalars(
        sa.select(Plan.plan_date)
        .join(Route, Route.plan_id == Plan.id)
        .where(Route.vehicle_id == vehicle_id, Plan.plan_date >= clock.today())
        .distinct()
    ).all()
    return replan_dates(dates, reason)
