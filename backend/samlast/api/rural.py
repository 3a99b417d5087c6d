"""Rural service: residents' consignments on the municipal routes (agents and the coordinator),
their hand-overs (drivers and agents, idempotent by client_id), figures for the coordinator, and
the public tracking page's answer (no login, rate-limited)."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.ranges import date_range
from samlast.api.security import current_user, require_roles
from samlast.errors import ValidationFailed
from samlast.i18n import Message
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.imports import ImportFileSchema
from samlast.schemas.recipient import PushSubscriptionSchema, VapidKeySchema
from samlast.schemas.rural import (
    CollectInputSchema,
    ConsignmentInputSchema,
    ConsignmentQuerySchema,
    ConsignmentSchema,
    FiguresQuerySchema,
    HandoverInputSchema,
    HandoverResultSchema,
    ImportedConsignmentsSchema,
    PlaceSchema,
    PlanRideAlongSchema,
    RuralFiguresSchema,
    TrackingSchema,
)
from samlast.security import limiter
from samlast.services import planning, push, rural, rural_csv

blp = Blueprint("rural", __name__, url_prefix="/api/v1/rural",
                description="Rural service: residents' consignments ride along on the municipal routes")  # fmt: skip


def tracking_limit() -> str:
    return current_app.config.get("TRACKING_RATE_LIMIT", "30 per minute")


@blp.route("/consignments")
class Consignments(MethodView):
    @require_roles(Role.AGENT, Role.COORDINATOR)
    @blp.arguments(ConsignmentQuerySchema, location="query")
    @blp.response(200, ConsignmentSchema(many=True))
    def get(self, args):
        """Consignments: an agent's at its own points, the coordinator's all (newest first)."""
        return rural.consignments(current_user(), args.get("status"))

    @require_roles(Role.AGENT, Role.COORDINATOR)
    @blp.arguments(ConsignmentInputSchema)
    @blp.response(201, ConsignmentSchema)
    def post(self, data):
        """Register a consignment; it is planned onto the next route that passes its destination."""
        return rural.register(current_user(), data)


@blp.route("/consignments/<int:consignment_id>")
class ConsignmentOne(MethodView):
    @require_roles(Role.AGENT, Role.COORDINATOR)
    @blp.response(200, ConsignmentSchema)
    def get(self, consignment_id):
        return rural.consignment(current_user(), consignment_id)


@blp.route("/consignments.csv")
class ConsignmentsCsv(MethodView):
    @require_roles(Role.AGENT, Role.COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, ImportedConsignmentsSchema)
    def post(self, files):
        """Register consignments from CSV (multipart `file` or the body). All or nothing; every
        error names its row, column and value."""
        upload = files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        if not data:
            raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
        made = rural_csv.register_csv(current_user(), data)
        return {"created": len(made), "consignments": made}


@blp.route("/places")
class Places(MethodView):
    @require_roles(Role.AGENT, Role.COORDINATOR)
    @blp.response(200, PlaceSchema(many=True))
    def get(self):
        """Service points and parcel lockers: where a consignment can go."""
        return rural.places(current_user())


@blp.route("/plan")
class PlanRideAlong(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, PlanRideAlongSchema)
    def post(self):
        """Plan the waiting consignments onto the current plans again (after a re-plan, say)."""
        return rural.plan(planning.default_terminal().id)


@blp.route("/handovers")
class Handovers(MethodView):
    @require_roles(Role.DRIVER, Role.AGENT, Role.COORDINATOR)
    @blp.arguments(HandoverInputSchema)
    @blp.response(201, HandoverResultSchema)
    @blp.alt_response(200, schema=HandoverResultSchema, description="A replay of a stored hand-over")
    def post(self, data):
        """Record a hand-over (agent to driver, driver to service point or locker, to the resident).
        Sending the same client_id again is safe."""
        answer, replay = rural.hand_over(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/figures")
class Figures(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, RuralFiguresSchema(many=True))
    def get(self, args):
        """Per village and ISO week: consignments carried, the km and minutes the ride-along added,
        residents' trips to the pickup place avoided, and the CO2e of both (default: 8 weeks)."""
        start, end = date_range(args, 56, past=True)
        return rural.figures(start, end)


@blp.route("/track/<code>")
class Track(MethodView):
    decorators = [limiter.limit(tracking_limit)]

    @blp.response(200, TrackingSchema)
    def get(self, code):
        """Public, without login: a consignment's status, expected day, where to collect it, and the
        pickup code once it is in the locker. Rate-limited per client address."""
        return rural.track(code)


@blp.route("/track/<code>/collect")
class TrackCollect(MethodView):
    decorators = [limiter.limit(tracking_limit)]

    @blp.arguments(CollectInputSchema)
    @blp.response(201, HandoverResultSchema)
    @blp.alt_response(200, schema=HandoverResultSchema, description="A replay of a stored hand-over")
    def post(self, data, code):
        """Public, without login: the resident took the consignment out of the locker. The pickup
        code is the proof; a wrong one changes nothing. Sending the same client_id again is safe."""
        answer, replay = rural.collect(code, data)
        return (answer, 200) if replay else answer


@blp.route("/track/<code>/push")
class TrackPush(MethodView):
    decorators = [limiter.limit(tracking_limit)]

    @blp.response(200, VapidKeySchema)
    def get(self, code):
        """Public: the key a browser subscribes with to follow this consignment."""
        rural.track(code)  # an unknown code is told as such
        return {"public_key": push.public_key()}

    @blp.arguments(PushSubscriptionSchema)
    @blp.response(204)
    def post(self, data, code):
        """Public: this browser gets a Web Push notice when the consignment gets its day and when it
        can be collected, in the page's language."""
        rural.follow(code, data, request_locale())
