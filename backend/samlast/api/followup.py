"""Monthly follow-up: run one for a month (in the background), list them, read one, download PDF/CSV."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import FollowupReport
from samlast.schemas.followup import (
    FollowupListQuerySchema,
    FollowupReportSchema,
    FollowupReportSummarySchema,
    FollowupRequestSchema,
    FollowupRuleQuerySchema,
)
from samlast.services import followup, followup_export
from samlast.services.lookups import get_or_404, terminal_or_default

blp = Blueprint(
    "followup",
    __name__,
    url_prefix="/api/v1/followup",
    description="The monthly follow-up from what was delivered (proofs, GPS km, vehicle energy) against free "
    "delivery of the same orders, with the settlement per municipality under the council's split rule.",
)


@blp.route("/reports")
class FollowupReports(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(FollowupRequestSchema)
    @blp.response(202, FollowupReportSchema)
    def post(self, data):
        """Run the follow-up of a month; answers at once (the run goes on in the background)."""
        report = followup.create_report(terminal_or_default(data.get("terminal_id")), data["month"], data["rule"],
                                        user=current_user())  # fmt: skip
        return followup.view(followup.start_report(report), None)

    @require_roles(*COORDINATOR)
    @blp.arguments(FollowupListQuerySchema, location="query")
    @blp.response(200, FollowupReportSummarySchema(many=True))
    def get(self, args):
        """Stored follow-ups, newest month first (without the figures)."""
        return followup.list_reports(args["limit"], args["offset"])


@blp.route("/reports/<report_id>")
class FollowupReportItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(FollowupRuleQuerySchema, location="query")
    @blp.response(200, FollowupReportSchema)
    def get(self, args, report_id):
        """One follow-up with its figures; `rule` shows the settlement under another rule."""
        return followup.view(get_or_404(FollowupReport, report_id, "followup.report_not_found"), args.get("rule"))


def _file_name(report: FollowupReport, locale: str) -> str:
    return text("followup.fileName", {"month": report.month.strftime("%Y-%m")}, locale)


@blp.route("/reports/<report_id>/report.pdf")
class FollowupReportPdf(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(FollowupRuleQuerySchema, location="query")
    @blp.response(200, description="The follow-up as PDF for the council", content_type="application/pdf")
    def get(self, args, report_id):
        report = followup.finished_report(report_id)
        locale = request_locale()
        result = followup.with_rule(report, args.get("rule") or report.rule)
        body = followup_export.report_pdf(report.month, result, followup.local_trend(report), locale)
        return file_response(body, "application/pdf", f"{_file_name(report, locale)}.pdf")


@blp.route("/reports/<report_id>/report.csv")
class FollowupReportCsv(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(FollowupRuleQuerySchema, location="query")
    @blp.response(200, description="Every figure as CSV (Swedish: semicolons, decimal commas)", content_type="text/csv")
    def get(self, args, report_id):
        report = followup.finished_report(report_id)
        locale = request_locale()
        result = followup.with_rule(report, args.get("rule") or report.rule)
        return file_response(followup_export.report_csv(report.month, result, locale), "text/csv; charset=utf-8",
                             f"{_file_name(report, locale)}.csv")  # fmt: skip
