"""The feedback loop for coordinators: learned service and travel times, re-learning, late risks."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast import clock
from samlast.api.security import require_roles
from samlast.models import Role
from samlast.schemas.feedback import LateRiskQuerySchema, LateRiskSchema, ParametersSchema
from samlast.services import eta, feedback

blp = Blueprint(
    "feedback",
    __name__,
    url_prefix="/api/v1",
    description="Service and travel times learned from driver events, used by the next plan and "
    "the live ETAs. Routes expected to miss a time window are also pushed on /coordinator as "
    "`late_risk`.",
)


@blp.route("/feedback/parameters")
class Parameters(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, ParametersSchema)
    def get(self):
        """The latest learned parameters, per delivery point with sample sizes."""
        return feedback.parameters_view(feedback.latest())


@blp.route("/feedback/learn")
class Learn(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(201, ParametersSchema)
    def post(self):
        """Re-learn from every recorded route; stores and returns a new version."""
        return feedback.parameters_view(feedback.learn())


@blp.route("/feedback/points/<int:point_id>/reset")
class ResetPoint(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(201, ParametersSchema)
    def post(self, point_id):
        """Forget one delivery point's estimate (new version); its earlier visits stay ignored."""
        return feedback.parameters_view(feedback.reset_point(point_id))


@blp.route("/feedback/late-risks")
class LateRisks(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(LateRiskQuerySchema, location="query")
    @blp.response(200, LateRiskSchema(many=True))
    def get(self, args):
        """Routes of a date with stops expected after the end of their time window."""

        return eta.late_risks(args.get("date") or clock.today())
