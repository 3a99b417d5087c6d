"""The driver's API: today's routes, events with proof of delivery, positions; and receipts."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast import clock
from samlast.api.downloads import file_response
from samlast.api.security import current_user, require_roles
from samlast.models import Role
from samlast.schemas.driver import (
    AcceptedSchema,
    DriverEventInputSchema,
    DriverEventResultSchema,
    DriverRouteSchema,
    FlaggedEventSchema,
    PositionBatchSchema,
    ProofOutSchema,
    ProofQuerySchema,
    ReturnBalanceSchema,
    RouteQuerySchema,
)
from samlast.services import delivery, receipts

blp = Blueprint(
    "driver",
    __name__,
    url_prefix="/api/v1",
    description="For drivers: routes, stop events with proof of delivery (idempotent by "
    "client_id), positions. Routes are also pushed on the Socket.IO namespace /driver.",
)


def client_time() -> datetime | None:
    """The phone's clock when it sent this request (the PWA's X-Client-Time header), for the
    server to order events by its own time; None when absent or unreadable."""
    value = request.headers.get("X-Client-Time", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@blp.route("/driver/routes")
class DriverRoutes(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(RouteQuerySchema, location="query")
    @blp.response(200, DriverRouteSchema(many=True))
    def get(self, args):
        """The caller's routes in the current plan of a date (default today)."""
        return delivery.routes_of_driver(current_user(), args.get("date") or clock.today())


@blp.route("/driver/events")
class DriverEvents(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(DriverEventInputSchema)
    @blp.response(201, DriverEventResultSchema)
    @blp.alt_response(200, schema=DriverEventResultSchema, description="A replay of a stored event")
    def post(self, data):
        """Record arrive / deliver / pickup / leave. Sending the same client_id again is safe."""
        answer, replay = delivery.record_event(current_user(), data, client_time())
        return (answer, 200) if replay else answer


@blp.route("/driver/positions")
class DriverPositions(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(PositionBatchSchema)
    @blp.response(200, AcceptedSchema)
    def post(self, data):
        return {"stored": len(delivery.record_positions(current_user(), data["positions"]))}


@blp.route("/proofs/")
class Proofs(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.arguments(ProofQuerySchema, location="query")
    @blp.response(200, ProofOutSchema(many=True))
    def get(self, args):
        """Proofs of delivery the caller may see, newest first."""
        return delivery.proofs_visible(current_user(), args.get("date"), args.get("delivery_point_id"))


@blp.route("/proofs/<int:proof_id>")
class ProofItem(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.response(200, ProofOutSchema)
    def get(self, proof_id):
        return delivery.proof_visible(current_user(), proof_id)


@blp.route("/proofs/<int:proof_id>/receipt.pdf")
class ProofReceipt(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.response(200, description="The PDF receipt", content_type="application/pdf")
    def get(self, proof_id):
        proof = delivery.proof_visible(current_user(), proof_id)
        return file_response(receipts.receipt_pdf(proof), "application/pdf", f"kvitto-{proof.id}.pdf", inline=True)


@blp.route("/driver-events/flagged")
class FlaggedEvents(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, FlaggedEventSchema(many=True))
    def get(self):
        """Events kept although their stop was re-planned away: for the coordinator to resolve."""
        return delivery.flagged_events()


@blp.route("/driver-events/<int:event_id>/resolve")
class ResolveEvent(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, FlaggedEventSchema)
    def post(self, event_id):
        return delivery.resolve_flagged(event_id)


@blp.route("/returns/balance")
class ReturnBalance(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, ReturnBalanceSchema(many=True))
    def get(self):
        """Crates, roll cages and pallets taken back per delivery point (all time)."""
        return delivery.return_balance()
