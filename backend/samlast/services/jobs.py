"""Planning jobs run off the request path: inline, in a worker thread, or on an RQ queue.

`PLANNING_RUNNER` chooses: "thread" (default without Redis; one in-process
worker so plans run one at a time), "rq" (default when REDIS_URL is set; run
`flask samlast worker`), or "inline" (synchronous, for the CLI and tests).
Progress is written to the job row and pushed to coordinators over Socket.IO.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app

from samlast import planning as pl
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import JobStatus, PlanningJob, Terminal, User
from samlast.models.base import utcnow
from samlast.schemas.planning import PlanningJobSchema
from samlast.services import audit, notify, planning, rural
from samlast.services.background import (
    Worker,
    dispatch,
    fail_run,
    heartbeat,
    on_swept,
    progress_writer,
    succeed_run,
)

log = logging.getLogger(__name__)

QUEUE_NAME = "planning"
#: The reason of the re-plan queued when an order changes (the instant insertion pushed it already).
ORDER_CHANGED = "order changed"
# One planning run at a time: the solver uses a whole core.
_planner = Worker("planner")


def job_payload(job: PlanningJob) -> dict:

    return PlanningJobSchema().dump(job)


def enqueue_planning(
    terminal: Terminal,
    plan_date: date,
    *,
    reason: str = "",
    fresh: bool = False,
    time_limit_s: float | None = None,
    user: User | None = None,
) -> PlanningJob:
    job = PlanningJob(
        terminal_id=terminal.id,
        plan_date=plan_date,
        reason=reason[:200],
        fresh=fresh,
        time_limit_s=time_limit_s or current_app.config["PLANNING_TIME_LIMIT_S"],
        requested_by_id=user.id if user else None,
        message="progress.planning.waiting",
    )
    db.session.add(job)
    db.session.flush()
    notify.after_commit(notify.Event("planning_job", job_payload(job)))
    db.session.commit()
    # A city-size day gets a longer limit than asked (planning.least_time_limit_s), known only once
    # the day is read: the worker's timeout allows for it.
    longest = max(job.time_limit_s, pl.LARGE_DAY_TIME_LIMIT_S)
    dispatch(_planner, run_planning_job, job.id, queue=QUEUE_NAME, task_path="samlast.tasks.run_planning_job_task",
             timeout_s=int(longest * 4 + 120))  # fmt: skip
    db.session.refresh(job)
    return job


def _announce_swept(job_id: str) -> None:
    """A job marked failed because its worker went away: the coordinators hear of it."""
    job = db.session.get(PlanningJob, job_id)
    if job is not None:
        db.session.refresh(job)
        notify.now(notify.Event("planning_job", job_payload(job)))


on_swept(PlanningJob, _announce_swept)


def drain(timeout_s: float = 120.0) -> None:
    """Wait until the in-process worker has finished what was queued (tests, shutdown)."""
    _planner.drain(timeout_s)


def run_planning_job(job_id: str) -> None:
    """Run one queued job to the end; never raises, the job row records failures."""
    job = db.session.get(PlanningJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        log.warning("Planning job %s is missing or already started", job_id)
        return
    job.status = JobStatus.RUNNING
    job.started_at = job.heartbeat_at = utcnow()
    job.message, job.message_params = "progress.started", {}
    notify.after_commit(notify.Event("planning_job", job_payload(job)))
    db.session.commit()
    write_progress = progress_writer(PlanningJob, job_id)

    def progress(fraction: float, message: Message) -> None:
        if not write_progress(fraction, message):
            return
        notify.now(
            notify.Event(
                "planning_job",
                {
                    "id": job_id,
                    "status": "running",
                    "progress": round(fraction, 3),
                    "message": message.render(),
                    "message_key": message.key,
                    "message_params": message.json_params,
                },
            )
        )

    try:
        # The plan version is recorded as made by whoever asked for it (the system for a re-plan).
        requester = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
        before = planning.current_plan(job.terminal_id, job.plan_date)
        # The improvement after an order was inserted at once only replaces the routes the drivers
        # have if it is clearly better; any other re-plan (a late driver, a vehicle gone, one a
        # coordinator asks for) stores its result.
        improving = requester is None and job.reason == ORDER_CHANGED
        min_gain = current_app.config["REPLAN_MIN_GAIN_PCT"] / 100 if improving else 0.0
        with heartbeat(PlanningJob, job_id), audit.acting_as(requester, source="job"):
            plan = planning.plan_day(
                job.terminal, job.plan_date, time_limit_s=job.time_limit_s, fresh=job.fresh, progress=progress,
                min_gain=min_gain,
            )  # fmt: skip
    except Exception as exc:  # the job must end in a recorded state whatever went wrong
        log.exception("Planning job %s failed", job_id)
        db.session.rollback()
        fail_run(PlanningJob, job_id, exc, "progress.planning.failed")
    else:
        unassigned = len(plan.unassigned)
        done = Message("progress.planning.done", version=plan.version, routes=len(plan.routes), unassigned=unassigned)
        if before is not None and plan.id == before.id:
            done = Message("progress.planning.kept", version=plan.version, gain=round(min_gain * 100, 1))
        succeed_run(PlanningJob, job_id, done, plan_id=plan.id)
        # Residents' consignments ride along on the new routes (rural service); a failure there
        # never fails the municipal plan.
        try:
            rural.plan(job.terminal_id)
        except Exception:
            db.session.rollback()
            log.exception("Planning residents' consignments after job %s failed", job_id)
    db.session.expire_all()
    job = db.session.get_one(PlanningJob, job_id)
    # The job row was finished in its own short transaction (update_run): its news goes now.
    notify.now(notify.Event("planning_job", job_payload(job)))
