"""Kitchen staff (the recipient role): deliveries with live ETA, confirmation of receipt, history."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.ranges import date_range
from samlast.api.security import current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.recipient import (
    ConfirmationInputSchema,
    ConfirmationResultSchema,
    DateRangeSchema,
    HistoryRowSchema,
    UpcomingDeliverySchema,
)
from samlast.services import recipient

blp = Blueprint(
    "recipient",
    __name__,
    url_prefix="/api/v1",
    description="Kitchen staff: upcoming deliveries with live ETA (Socket.IO namespace /recipient: `eta`, "
    "`vehicle_near`), confirmation of receipt line by line, history and its CSV.",
)


@blp.route("/recipient/deliveries")
class RecipientDeliveries(MethodView):
    @require_roles(Role.RECIPIENT)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, UpcomingDeliverySchema(many=True))
    def get(self, args):
        """Deliveries to the caller's points (default: today and the next 7 days)."""
        start, end = date_range(args, 7)
        return recipient.upcoming(current_user(), start, end, args.get("delivery_point_id"))


@blp.route("/recipient/confirmations")
class RecipientConfirmations(MethodView):
    @require_roles(Role.RECIPIENT)
    @blp.arguments(ConfirmationInputSchema)
    @blp.response(201, ConfirmationResultSchema)
    @blp.alt_response(200, schema=ConfirmationResultSchema, description="A replay of a stored confirmation")
    def post(self, data):
        """Confirm receipt: accept all, or per line the quantity received and any deviation."""
        answer, replay = recipient.confirm(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/recipient/history")
class RecipientHistory(MethodView):
    @require_roles(Role.RECIPIENT, Role.COORDINATOR)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, HistoryRowSchema(many=True))
    def get(self, args):
        """Delivered lines: ordered, left by the driver and received by the kitchen, each side's own
        deviation, and who confirmed in the kitchen (default: last 30 days)."""
        start, end = date_range(args, 30, past=True)
        return recipient.history(current_user(), start, end, args.get("delivery_point_id"))


@blp.route("/recipient/history.csv")
class RecipientHistoryCsv(MethodView):
    @require_roles(Role.RECIPIENT, Role.COORDINATOR)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, description="CSV export", content_type="text/csv")
    def get(self, args):
        """The history for Excel in the reader's language: semicolons, decimal commas and a byte order
        mark in Swedish (commas and decimal points in English), local times, deviations in words."""
        start, end = date_range(args, 30, past=True)
        rows = recipient.history(current_user(), start, end, args.get("delivery_point_id"))
        locale = request_locale()
        filename = text("csv.history.filename", {"start": start.isoformat(), "end": end.isoformat()}, locale)
        return file_response(recipient.history_csv(rows, locale, current_app.config["TIMEZONE"]), "text/csv", filename)
