"""The audit trail for the coordinator: who changed what and when, as a list and as CSV."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.crud import _TOTAL_DOC, TOTAL_HEADER
from samlast.api.downloads import file_response
from samlast.api.security import COORDINATOR, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.schemas.audit import AuditEntrySchema, AuditExportQuerySchema, AuditQuerySchema
from samlast.services import audit

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1",
    description="The audit trail: every change of master data, orders, bookings, plans, corrections, "
    "roles and tokens, with who made it and when. Append-only.",
)


@blp.route("/audit")
class AuditEntries(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True), headers=_TOTAL_DOC)
    def get(self, args):
        """Entries matching the filters, newest first, one page (limit/offset)."""
        rows, total = audit.entries_page(args, current_app.config["TIMEZONE"])
        return rows, {TOTAL_HEADER: str(total)}


@blp.route("/audit.csv")
class AuditCsv(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(AuditExportQuerySchema, location="query")
    @blp.response(200, description="CSV export", content_type="text/csv")
    def get(self, args):
        """The entries for Excel in the reader's language: semicolons and a byte order mark in Swedish,
        local times, actions and records in words."""
        timezone = current_app.config["TIMEZONE"]
        locale = request_locale()
        rows = audit.entries(args, timezone, limit=args["limit"])
        return file_response(
            audit.entries_csv(rows, locale, timezone), "text/csv", text("csv.audit.filename", None, locale)
        )
