"""Impact analysis: start a report (runs in the background), list reports, read one."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import ImpactReport
from samlast.schemas.impact import (
    ImpactListQuerySchema,
    ImpactReportSchema,
    ImpactReportSummarySchema,
    ImpactRequestSchema,
)
from samlast.services import impact, impact_export
from samlast.services.lookups import get_or_404, terminal_or_default

blp = Blueprint(
    "impact",
    __name__,
    url_prefix="/api/v1/impact",
    description="Free delivery vs coordinated distribution: deliveries, km, CO2e, cost, local "
    "share, delivery-day patterns and the cost split between municipalities.",
)


@blp.route("/reports")
class ImpactReports(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ImpactRequestSchema)
    @blp.response(202, ImpactReportSchema)
    def post(self, data):
        """Start an analysis of the orders between two dates; answers at once with the report."""
        terminal = terminal_or_default(data.get("terminal_id"))
        parameters = {k: data.get(k) for k in impact.PARAMETERS}
        report = impact.create_report(
            terminal,
            data["date_from"],
            data["date_to"],
            name=data["name"],
            parameters=parameters,
            user=current_user(),
        )
        return impact.start_report(report)

    @require_roles(*COORDINATOR)
    @blp.arguments(ImpactListQuerySchema, location="query")
    @blp.response(200, ImpactReportSummarySchema(many=True))
    def get(self, args):
        """Stored reports, newest first (without the full result)."""
        return impact.list_reports(args["limit"], args["offset"])


@blp.route("/reports/<report_id>")
class ImpactReportItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, ImpactReportSchema)
    def get(self, report_id):
        """One report with its progress and, when done, the full result."""
        return get_or_404(ImpactReport, report_id, "impact.report_not_found")


def _file_name(report: ImpactReport, locale: str) -> str:
    return text("impact.fileName", {"id": str(report.id)}, locale)


@blp.route("/reports/<report_id>/report.pdf")
class ImpactReportPdf(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(
        200,
        description="The report as PDF for the council, in the Accept-Language's language",
        content_type="application/pdf",
    )
    def get(self, report_id):
        report = impact.finished_report(report_id)
        locale = request_locale()
        return file_response(
            impact_export.report_pdf(report.name or report.id, report.result, locale),
            "application/pdf",
            f"{_file_name(report, locale)}.pdf",
        )


@blp.route("/reports/<report_id>/report.csv")
class ImpactReportCsv(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(
        200, description="Every headline figure as CSV (Swedish: semicolons, decimal commas)", content_type="text/csv"
    )
    def get(self, report_id):
        report = impact.finished_report(report_id)
        locale = request_locale()
        return file_response(
            impact_export.report_csv(report.result, locale, report.name or ""),
            "text/csv; charset=utf-8",
            f"{_file_name(report, locale)}.csv",
        )
