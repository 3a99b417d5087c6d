"""Kitchen staff (recipient) and local producers: deliveries, receipts, pickup bookings."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.crud import crud_blueprint
from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.extensions import db
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import Booking, PickupSlot, Role
from samlast.schemas.common import MessageSchema
from samlast.schemas.portal import (
    BookingChangeSchema,
    BookingInputSchema,
    BookingSchema,
    ConfirmationInputSchema,
    ConfirmationResultSchema,
    DateRangeSchema,
    DeviationListArgsSchema,
    DeviationSchema,
    FreeSlotSchema,
    HistoryRowSchema,
    ProducerOrderQuerySchema,
    ProducerOrderSchema,
    PushSubscriptionSchema,
    ReopenDeviationSchema,
    ResolveDeviationSchema,
    SlotTemplateSchema,
    UpcomingDeliverySchema,
    VapidKeySchema,
)
from samlast.services import bookings, delivery, deviations, inventory, push, recipient

blp = Blueprint(
    "portal",
    __name__,
    url_prefix="/api/v1",
    description="Kitchen staff: upcoming deliveries with live ETA (Socket.IO namespace /recipient: "
    "`eta`, `vehicle_near`), confirmation of receipt, history. Producers: free pickup slots "
    "and bookings.",
)


def _range(args, default_days: int, past: bool = False):
    today = delivery.today()
    if past:
        start = args.get("from") or today - timedelta(days=default_days)
        return start, args.get("to") or today
    start = args.get("from") or today
    return start, args.get("to") or start + timedelta(days=default_days)


@blp.route("/recipient/deliveries")
class RecipientDeliveries(MethodView):
    @require_roles(Role.RECIPIENT)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, UpcomingDeliverySchema(many=True))
    def get(self, args):
        """Deliveries to the caller's points (default: today and the next 7 days)."""
        start, end = _range(args, 7)
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
        start, end = _range(args, 30, past=True)
        return recipient.history(current_user(), start, end, args.get("delivery_point_id"))


@blp.route("/recipient/history.csv")
class RecipientHistoryCsv(MethodView):
    @require_roles(Role.RECIPIENT, Role.COORDINATOR)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, description="CSV export", content_type="text/csv")
    def get(self, args):
        """The history for Excel in the reader's language: semicolons, decimal commas and a byte order
        mark in Swedish (commas and decimal points in English), local times, deviations in words."""
        start, end = _range(args, 30, past=True)
        rows = recipient.history(current_user(), start, end, args.get("delivery_point_id"))
        locale = request_locale()
        filename = text("csv.history.filename", {"start": start.isoformat(), "end": end.isoformat()}, locale)
        return Response(
            recipient.history_csv(rows, locale, current_app.config["TIMEZONE"]),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


@blp.route("/deviations/")
class Deviations(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(DeviationListArgsSchema, location="query")
    @blp.response(200, DeviationSchema(many=True))
    def get(self, args):
        """Deviations to resolve (the kitchen reported missing, damaged... goods, or received another
        quantity than the driver left): open ones (default), `resolved` ones (latest first) or `all`."""
        locale = request_locale()
        return [deviations.view(deviation, locale) for deviation in deviations.listed(args["status"])]


@blp.route("/deviations/<int:deviation_id>/resolve")
class ResolveDeviation(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ResolveDeviationSchema)
    @blp.response(200, DeviationSchema)
    def post(self, data, deviation_id):
        """Mark as handled with a note saying who handled it and how; kept, and can be undone (reopen)."""
        return deviations.view(deviations.resolve(current_user(), deviation_id, data["note"]), request_locale())


@blp.route("/deviations/<int:deviation_id>/reopen")
class ReopenDeviation(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ReopenDeviationSchema)
    @blp.response(200, DeviationSchema)
    def post(self, data, deviation_id):
        """Undo "handled": the deviation is open again; who handled it, and who reopened it, stay recorded."""
        return deviations.view(deviations.reopen(current_user(), deviation_id, data["note"]), request_locale())


@blp.route("/push/vapid-public-key")
class VapidKey(MethodView):
    @require_roles()
    @blp.response(200, VapidKeySchema)
    def get(self):
        return {"public_key": push.public_key()}


@blp.route("/push/subscriptions")
class PushSubscriptions(MethodView):
    @require_roles(Role.RECIPIENT)
    @blp.arguments(PushSubscriptionSchema)
    @blp.response(201, MessageSchema)
    def post(self, data):
        push.subscribe(current_user(), data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"])
        return {"message": text("push.subscribed", None, request_locale())}


# Producers ------------------------------------------------------------------


@blp.route("/producer/slots")
class FreeSlots(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, FreeSlotSchema(many=True))
    def get(self, args):
        """Offered slots with free capacity (default: the next 3 weeks)."""
        start, end = _range(args, 21)
        return bookings.free_slots(start, end)


@blp.route("/producer/orders")
class ProducerOrders(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(ProducerOrderQuerySchema, location="query")
    @blp.response(200, ProducerOrderSchema(many=True))
    def get(self, args):
        """Open orders the producer's farm is to deliver (default: the next 7 days), with the
        delivery points' names: the orders a booking can name (`order_refs`)."""
        start, end = _range(args, 7)
        return bookings.supplier_orders(current_user(), start, end, args.get("supplier_id"))


@blp.route("/producer/bookings")
class Bookings(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema(many=True))
    def get(self):
        """A producer's own bookings (all bookings for a coordinator), newest slot first."""
        user = current_user()
        query = sa.select(Booking).join(PickupSlot).order_by(PickupSlot.slot_date.desc(), Booking.id.desc())
        if user.role == Role.PRODUCER:
            query = query.where(Booking.supplier_id == user.supplier_id)
        return db.session.scalars(query.limit(500)).all()

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(BookingInputSchema)
    @blp.response(201, BookingSchema)
    def post(self, data):
        """Book a slot and declare the goods; refused past the cut-off or beyond capacity."""
        return bookings.create_booking(current_user(), data)


@blp.route("/producer/bookings/<int:booking_id>")
class BookingItem(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        return bookings.get_booking(current_user(), booking_id)

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(BookingChangeSchema)
    @blp.response(200, BookingSchema)
    def patch(self, data, booking_id):
        user = current_user()
        return bookings.change_booking(user, bookings.get_booking(user, booking_id), data)

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema)
    def delete(self, booking_id):
        """Cancel before the cut-off; the capacity is freed."""
        user = current_user()
        return bookings.cancel_booking(user, bookings.get_booking(user, booking_id))


def blueprints():
    return [blp, crud_blueprint("slot_templates", inventory.SLOT_TEMPLATES, SlotTemplateSchema)]
