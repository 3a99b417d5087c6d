"""The driver's API: today's routes, events with proof of delivery, positions; and receipts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from samlast.api.security import current_user, require_roles
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.models import DriverEvent, ProofOfDelivery, Role
from samlast.schemas.common import BaseSchema, TextOf
from samlast.schemas.driver import (
    AcceptedSchema,
    DriverEventInputSchema,
    DriverEventResultSchema,
    DriverRouteSchema,
    PositionBatchSchema,
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


@blp.route("/driver/routes")
class DriverRoutes(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(RouteQuerySchema, location="query")
    @blp.response(200, DriverRouteSchema(many=True))
    def get(self, args):
        """The caller's routes in the current plan of a date (default today)."""
        return delivery.routes_of_driver(current_user(), args.get("date") or delivery.today())


@blp.route("/driver/events")
class DriverEvents(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(DriverEventInputSchema)
    @blp.response(201, DriverEventResultSchema)
    @blp.alt_response(200, schema=DriverEventResultSchema, description="A replay of a stored event")
    def post(self, data):
        """Record arrive / deliver / pickup / leave. Sending the same client_id again is safe."""
        answer, replay = delivery.record_event(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/driver/positions")
class DriverPositions(MethodView):
    @require_roles(Role.DRIVER)
    @blp.arguments(PositionBatchSchema)
    @blp.response(200, AcceptedSchema)
    def post(self, data):
        return {"stored": len(delivery.record_positions(current_user(), data["positions"]))}


class ProofLineOutSchema(BaseSchema):
    article = fields.String()
    ordered_quantity = fields.Float()
    delivered_quantity = fields.Float()
    unit = fields.String()
    temperature_c = fields.Float(allow_none=True)
    deviation = fields.Function(lambda line: line.deviation.value if line.deviation else None)
    note = fields.String()


class ProofOutSchema(BaseSchema):
    id = fields.Integer()
    event_client_id = fields.Function(lambda proof: proof.event.client_id)
    kind = fields.Function(lambda proof: proof.event.kind.value)
    job_key = fields.Function(lambda proof: proof.event.job_key)
    plan_date = fields.Function(lambda proof: proof.event.plan_date.isoformat())
    recorded_at = fields.Function(lambda proof: proof.event.recorded_at.isoformat())
    flagged = fields.Function(lambda proof: proof.event.flagged)
    delivery_point_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    receiver_name = fields.String()
    note = fields.String()
    deviation = fields.String(allow_none=True, metadata={"description": "nobody_there, refused, ... or null"})
    has_signature = fields.Function(lambda proof: proof.signature_png is not None)
    photo_count = fields.Function(lambda proof: len(proof.photos))
    crates_returned = fields.Integer()
    roll_cages_returned = fields.Integer()
    pallets_returned = fields.Integer()
    lines = fields.List(fields.Nested(ProofLineOutSchema))
    receipt_url = fields.Function(lambda proof: f"/api/v1/proofs/{proof.id}/receipt.pdf")


class ProofQuerySchema(BaseSchema):
    date = fields.Date()
    delivery_point_id = fields.Integer()


def _scoped_proofs(query: sa.Select) -> sa.Select:
    user = current_user()
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.RECIPIENT:
        return query.where(ProofOfDelivery.delivery_point_id.in_(user.delivery_point_ids))
    if user.role == Role.DRIVER:
        return query.where(DriverEvent.user_id == user.id)
    return query.where(sa.false())


def _proof_or_404(proof_id: int) -> ProofOfDelivery:
    proof = db.session.scalar(
        _scoped_proofs(sa.select(ProofOfDelivery).join(DriverEvent).where(ProofOfDelivery.id == proof_id))
    )
    if proof is None:
        raise NotFound("proof.not_found", {"id": proof_id})
    return proof


@blp.route("/proofs/")
class Proofs(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.arguments(ProofQuerySchema, location="query")
    @blp.response(200, ProofOutSchema(many=True))
    def get(self, args):
        """Proofs of delivery the caller may see, newest first."""
        query = sa.select(ProofOfDelivery).join(DriverEvent)
        if "date" in args:
            query = query.where(DriverEvent.plan_date == args["date"])
        if "delivery_point_id" in args:
            query = query.where(ProofOfDelivery.delivery_point_id == args["delivery_point_id"])
        return db.session.scalars(_scoped_proofs(query).order_by(ProofOfDelivery.id.desc()).limit(500)).all()


@blp.route("/proofs/<int:proof_id>")
class ProofItem(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.response(200, ProofOutSchema)
    def get(self, proof_id):
        return _proof_or_404(proof_id)


@blp.route("/proofs/<int:proof_id>/receipt.pdf")
class ProofReceipt(MethodView):
    @require_roles(Role.COORDINATOR, Role.RECIPIENT, Role.DRIVER)
    @blp.response(200, description="The PDF receipt", content_type="application/pdf")
    def get(self, proof_id):
        proof = _proof_or_404(proof_id)
        return Response(
            receipts.receipt_pdf(proof),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="kvitto-{proof.id}.pdf"'},
        )


class FlaggedEventSchema(BaseSchema):
    id = fields.Integer()
    client_id = fields.String()
    kind = fields.Function(lambda e: e.kind.value)
    plan_date = fields.Date()
    job_key = fields.String()
    driver = fields.Function(lambda e: e.user.username)
    recorded_at = fields.DateTime()
    flag_code = fields.String(attribute="flag_reason")
    flag_reason = TextOf("flag_params")
    resolved = fields.Boolean()
    proof_id = fields.Function(lambda e: e.proof.id if e.proof else None)


@blp.route("/driver-events/flagged")
class FlaggedEvents(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, FlaggedEventSchema(many=True))
    def get(self):
        """Events kept although their stop was re-planned away: for the coordinator to resolve."""
        return db.session.scalars(
            sa.select(DriverEvent).where(DriverEvent.flagged.is_(True), DriverEvent.resolved.is_(False))
            .order_by(DriverEvent.id)
        ).all()


@blp.route("/driver-events/<int:event_id>/resolve")
class ResolveEvent(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, FlaggedEventSchema)
    def post(self, event_id):
        event = db.session.get(DriverEvent, event_id)
        if event is None:
            raise NotFound("driver_event.not_found", {"id": event_id})
        event.resolved = True
        db.session.commit()
        return event


class ReturnBalanceSchema(BaseSchema):
    delivery_point_id = fields.Integer()
    name = fields.String()
    crates = fields.Integer()
    roll_cages = fields.Integer()
    pallets = fields.Integer()


@blp.route("/returns/balance")
class ReturnBalance(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.response(200, ReturnBalanceSchema(many=True))
    def get(self):
        """Crates, roll cages and pallets taken back per delivery point (all time)."""
        return delivery.return_balance()
