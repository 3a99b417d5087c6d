"""Planning: start a job, follow its progress, read the resulting plan."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import Plan, PlanningJob, Terminal
from samlast.schemas.planning import (
    PlanningJobSchema,
    PlanQuerySchema,
    PlanRequestSchema,
    PlanSchema,
    PlanSummarySchema,
)
from samlast.services import jobs, planning

blp = Blueprint(
    "planning",
    __name__,
    url_prefix="/api/v1",
    description="Plan a day's consolidated routes (runs in the background; progress is also "
    "pushed on the Socket.IO namespace /coordinator as `planning_job` and `plan_updated`).",
)


def _terminal(terminal_id: int | None) -> Terminal:
    if terminal_id is None:
        return planning.default_terminal()
    terminal = db.session.get(Terminal, terminal_id)
    if terminal is None:
        raise NotFound("record.not_found", {"what": Message("noun.terminal"), "id": terminal_id})
    return terminal


@blp.route("/planning/jobs")
class PlanningJobs(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanRequestSchema)
    @blp.response(202, PlanningJobSchema)
    def post(self, data):
        """Plan (or re-plan) a date; answers at once with the job to follow."""
        return jobs.enqueue_planning(
            _terminal(data.get("terminal_id")),
            data["date"],
            reason=data["reason"] or "requested by coordinator",
            fresh=data["fresh"],
            time_limit_s=data.get("time_limit_s"),
            user=current_user(),
        )


@blp.route("/planning/jobs/<job_id>")
class PlanningJobItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, PlanningJobSchema)
    def get(self, job_id):
        job = db.session.get(PlanningJob, job_id)
        if job is None:
            raise NotFound("planning.job_not_found")
        return job


@blp.route("/plans/")
class Plans(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSummarySchema(many=True))
    def get(self, args):
        """Every stored version of the plan for a date, newest first."""
        terminal = _terminal(args.get("terminal_id"))
        return db.session.scalars(
            sa.select(Plan)
            .where(Plan.terminal_id == terminal.id, Plan.plan_date == args["date"])
            .order_by(Plan.version.desc())
        ).all()


@blp.route("/plans/current")
class CurrentPlan(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSchema)
    def get(self, args):
        """The newest plan for a date with its routes, stops and unassigned jobs."""
        terminal = _terminal(args.get("terminal_id"))
        plan = planning.current_plan(terminal.id, args["date"])
        if plan is None:
            raise NotFound("planning.no_plan", {"date": args["date"].isoformat()})
        return plan


@blp.route("/plans/<int:plan_id>")
class PlanItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("planning.plan_not_found", {"id": plan_id})
        return plan
