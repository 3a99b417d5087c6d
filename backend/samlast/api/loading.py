"""Loading at the terminal: loading lists, labels, load scans and the driver's hand-over."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast import clock
from samlast.api.downloads import file_response
from samlast.api.security import current_user, require_roles
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.loading import (
    LabelsQuerySchema,
    LoadHandoverInputSchema,
    LoadHandoverResultSchema,
    LoadingListSchema,
    LoadingQuerySchema,
    LoadingRouteSchema,
    LoadScanInputSchema,
    LoadScanResultSchema,
    UnitCheckQuerySchema,
    UnitCheckSchema,
)
from samlast.services import labels, loading

blp = Blueprint(
    "loading",
    __name__,
    url_prefix="/api/v1/loading",
    description="Cross-dock and loading: package units per stop and compartment, loading lists in "
    "reverse stop order, labels (PDF with QR codes), load scans and the driver's signature for the "
    "load (idempotent by client_id). Terminal staff see their own terminal only.",
)


@blp.route("/routes")
class LoadingRoutes(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(LoadingQuerySchema, location="query")
    @blp.response(200, LoadingRouteSchema(many=True))
    def get(self, args):
        """The routes to load on a date (default today), with how much is loaded and signed for."""
        return loading.routes_for(current_user(), args.get("date") or clock.today())


@blp.route("/routes/<int:route_id>")
class LoadingList(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.response(200, LoadingListSchema)
    def get(self, route_id):
        """The route's loading list per compartment, stops in reverse order, unit counts per stop."""
        return loading.loading_list(current_user(), route_id)


@blp.route("/routes/<int:route_id>/labels.pdf")
class Labels(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(LabelsQuerySchema, location="query")
    @blp.response(200, description="The labels as PDF", content_type="application/pdf")
    def get(self, args, route_id):
        route, route_labels = loading.labels_of(current_user(), route_id)
        name = f"etiketter-{route.plan.plan_date.isoformat()}-{route.vehicle.name}-{route.trip + 1}-{args['format']}"
        return file_response(
            labels.labels_pdf(route_labels, args["format"], request_locale(), title=name),
            "application/pdf",
            f"{name}.pdf",
            inline=True,
        )


@blp.route("/scans")
class Scans(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(LoadScanInputSchema)
    @blp.response(201, LoadScanResultSchema)
    @blp.alt_response(200, schema=LoadScanResultSchema, description="A replay, or a unit scanned before")
    def post(self, data):
        """A unit put on a route's vehicle. A unit of another vehicle is refused (409) and nothing is recorded."""
        answer, replay = loading.record_scan(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/handovers")
class Handovers(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(LoadHandoverInputSchema)
    @blp.response(201, LoadHandoverResultSchema)
    @blp.alt_response(200, schema=LoadHandoverResultSchema, description="A replay of a stored hand-over")
    def post(self, data):
        """The driver's name and signature take responsibility for the route's load. Never edited."""
        answer, replay = loading.record_handover(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/unit-check")
class UnitCheck(MethodView):
    @require_roles(Role.DRIVER, Role.COORDINATOR)
    @blp.arguments(UnitCheckQuerySchema, location="query")
    @blp.response(200, UnitCheckSchema)
    def get(self, args):
        """At a stop: is this unit for this stop? Records nothing (the proof of delivery is the record)."""
        return loading.check_at_stop(
            current_user(), args["code"], args.get("date") or clock.today(), args["job_key"], request_locale()
        )
