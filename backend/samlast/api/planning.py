"""Planning: start a job, follow its progress, read the resulting plan."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.models import FleetAdviceRun, Plan, PlanningJob
from samlast.schemas.planning import (
    FleetAdviceRequestSchema,
    FleetAdviceSchema,
    PlanningJobSchema,
    PlanQuerySchema,
    PlanRequestSchema,
    PlanSchema,
    PlanSummarySchema,
)
from samlast.services import fleet_advice, jobs, planning
from samlast.services.lookups import get_or_404, terminal_or_default

blp = Blueprint(
    "planning",
    __name__,
    url_prefix="/api/v1",
    description="Plan a day's consolidated routes (runs in the background; progress is also "
    "pushed on the Socket.IO namespace /coordinator as `planning_job` and `plan_updated`).",
)


@blp.route("/planning/jobs")
class PlanningJobs(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanRequestSchema)
    @blp.response(202, PlanningJobSchema)
    def post(self, data):
        """Plan (or re-plan) a date; answers at once with the job to follow."""
        return jobs.enqueue_planning(
            terminal_or_default(data.get("terminal_id")),
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
        return get_or_404(PlanningJob, job_id, "planning.job_not_found")


@blp.route("/plans/")
class Plans(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSummarySchema(many=True))
    def get(self, args):
        """Every stored version of the plan for a date, newest first."""
        return planning.plan_versions(terminal_or_default(args.get("terminal_id")), args["date"])


@blp.route("/plans/current")
class CurrentPlan(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSchema)
    def get(self, args):
        """The newest plan for a date with its routes, stops and unassigned jobs."""
        return planning.current_plan_or_404(terminal_or_default(args.get("terminal_id")), args["date"])


@blp.route("/plans/<int:plan_id>")
class PlanItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        return get_or_404(Plan, plan_id, "planning.plan_not_found", id=plan_id)


@blp.route("/planning/fleet-advice")
class FleetAdvice(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, FleetAdviceSchema)
    def get(self, args):
        """The newest fleet advice for a date: how many vehicles serve every stop in its window."""
        return fleet_advice.latest(terminal_or_default(args.get("terminal_id")), args["date"])

    @require_roles(*COORDINATOR)
    @blp.arguments(FleetAdviceRequestSchema)
    @blp.response(202, FleetAdviceSchema)
    def post(self, data):
        """Work out the fleet advice for the date's current plan (in the background; the run
        already asked for that plan version is answered instead of a new one)."""
        return fleet_advice.request_advice(terminal_or_default(data.get("terminal_id")), data["date"], current_user())


@blp.route("/planning/fleet-advice/<advice_id>")
class FleetAdviceItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, FleetAdviceSchema)
    def get(self, advice_id):
        return get_or_404(FleetAdviceRun, advice_id, "planning.fleet_advice_not_found")
