"""Region planning: candidate terminal sites, and region analyses (run in the background)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.schemas.region import (
    RegionListQuerySchema,
    RegionRequestSchema,
    RegionRunSchema,
    RegionRunSummarySchema,
    RegionSiteInSchema,
    RegionSiteSchema,
)
from samlast.services import region, region_export

blp = Blueprint(
    "region",
    __name__,
    url_prefix="/api/v1/region",
    description="Region planning: which municipalities share a terminal, and where it stands.",
)


@blp.route("/sites")
class RegionSites(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, RegionSiteSchema(many=True))
    def get(self):
        """Candidate terminal sites, by name."""
        return region.list_sites()

    @require_roles(*COORDINATOR)
    @blp.arguments(RegionSiteInSchema)
    @blp.response(201, RegionSiteSchema)
    def post(self, data):
        """Add a candidate site (name, place, fixed yearly cost, handling per pallet)."""
        return region.create_site(data)


@blp.route("/sites/<int:site_id>")
class RegionSiteItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(204)
    def delete(self, site_id):
        """Remove a candidate site (stored analyses keep their copy)."""
        region.delete_site(site_id)


@blp.route("/runs")
class RegionRuns(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(RegionRequestSchema)
    @blp.response(202, RegionRunSchema)
    def post(self, data):
        """Start a region analysis; answers at once with the run (its progress is polled)."""
        return region.create_run(data, current_user())

    @require_roles(*COORDINATOR)
    @blp.arguments(RegionListQuerySchema, location="query")
    @blp.response(200, RegionRunSummarySchema(many=True))
    def get(self, args):
        """Stored region analyses, newest first (without the answer)."""
        return region.list_runs(args["limit"], args["offset"])


@blp.route("/runs/<run_id>")
class RegionRunItem(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, RegionRunSchema)
    def get(self, run_id):
        """One region analysis with its progress and, when done, its answer."""
        return region.get_run(run_id)


def _file_name(run, locale: str) -> str:
    return text("region.fileName", {"id": str(run.id)[:8]}, locale)


@blp.route("/runs/<run_id>/report.pdf")
class RegionRunPdf(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(
        200,
        description="The options as PDF for the councils, in the Accept-Language's language",
        content_type="application/pdf",
    )
    def get(self, run_id):
        run = region.finished_run(run_id)
        locale = request_locale()
        return file_response(
            region_export.region_pdf(run.name, run.result, locale), "application/pdf", f"{_file_name(run, locale)}.pdf"
        )


@blp.route("/runs/<run_id>/report.csv")
class RegionRunCsv(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(
        200,
        description="One row per option and municipality (Swedish: semicolons, decimal commas)",
        content_type="text/csv",
    )
    def get(self, run_id):
        run = region.finished_run(run_id)
        locale = request_locale()
        return file_response(
            region_export.region_csv(run.result, locale), "text/csv; charset=utf-8", f"{_file_name(run, locale)}.csv"
        )
