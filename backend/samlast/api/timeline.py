"""Following an item: one order line from the order to the kitchen (coordinator: any line;
kitchen staff: their own points' lines), as JSON, CSV and PDF."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.security import current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.timeline import TimelineSchema
from samlast.services import timeline

blp = Blueprint("timeline", __name__, url_prefix="/api/v1/order-lines", description="Following an item")


@blp.route("/<int:order_line_id>/timeline")
class Timeline(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT)
    @blp.response(200, TimelineSchema)
    def get(self, order_line_id):
        """Every step of the line: ordered, received at the terminal, loaded, delivered, confirmed."""
        data = timeline.timeline(current_user(), order_line_id)
        locale = request_locale()
        for step in data["steps"]:
            step["name"], step["details"] = timeline.describe(step, locale)
        return data


@blp.route("/<int:order_line_id>/timeline.csv")
class TimelineCsv(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT)
    @blp.response(200, description="CSV export", content_type="text/csv")
    def get(self, order_line_id):
        """The timeline for Excel in the reader's language."""
        data = timeline.timeline(current_user(), order_line_id)
        locale = request_locale()
        body = timeline.timeline_csv(data, locale, current_app.config["TIMEZONE"],
                                     lambda step: timeline.describe(step, locale))  # fmt: skip
        filename = text("csv.timeline.filename", {"id": order_line_id}, locale)
        return file_response(body, "text/csv", filename)


@blp.route("/<int:order_line_id>/timeline.pdf")
class TimelinePdf(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT)
    @blp.response(200, description="PDF", content_type="application/pdf")
    def get(self, order_line_id):
        """The timeline on paper, in the reader's language."""
        data = timeline.timeline(current_user(), order_line_id)
        pdf = timeline.timeline_pdf(data, request_locale(), current_app.config["TIMEZONE"])
        return file_response(pdf, "application/pdf", f"samlast-vag-{order_line_id}.pdf", inline=True)
