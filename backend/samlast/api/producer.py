"""Local producers: free pickup slots, their own orders, bookings; the slot templates."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.crud import crud_blueprint
from samlast.api.ranges import date_range
from samlast.api.security import current_user, require_roles
from samlast.models import Role
from samlast.schemas.producer import (
    BookingChangeSchema,
    BookingInputSchema,
    BookingSchema,
    FreeSlotSchema,
    ProducerOrderQuerySchema,
    ProducerOrderSchema,
    SlotTemplateOutSchema,
    SlotTemplateSchema,
)
from samlast.schemas.recipient import DateRangeSchema
from samlast.services import bookings, master_data

blp = Blueprint(
    "producer",
    __name__,
    url_prefix="/api/v1",
    description="Local producers: free pickup and drop-off slots, the orders their farm is to deliver, "
    "bookings changed or cancelled before the cut-off.",
)


@blp.route("/producer/slots")
class FreeSlots(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(DateRangeSchema, location="query")
    @blp.response(200, FreeSlotSchema(many=True))
    def get(self, args):
        """Offered slots with free capacity (default: the next 3 weeks)."""
        start, end = date_range(args, 21)
        return bookings.free_slots(start, end)


@blp.route("/producer/orders")
class ProducerOrders(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(ProducerOrderQuerySchema, location="query")
    @blp.response(200, ProducerOrderSchema(many=True))
    def get(self, args):
        """Open orders the producer's farm is to deliver (default: the next 7 days), with the
        delivery points' names: the orders a booking can name (`order_refs`)."""
        start, end = date_range(args, 7)
        return bookings.supplier_orders(current_user(), start, end, args.get("supplier_id"))


@blp.route("/producer/bookings")
class Bookings(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema(many=True))
    def get(self):
        """A producer's own bookings (all bookings for a coordinator), newest slot first."""
        return bookings.list_bookings(current_user())

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(BookingInputSchema)
    @blp.response(201, BookingSchema)
    def post(self, data):
        """Book a slot and declare the goods; refused past the cut-off or beyond capacity."""
        return bookings.view(bookings.create_booking(current_user(), data))


@blp.route("/producer/bookings/<int:booking_id>")
class BookingItem(MethodView):
    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        return bookings.view(bookings.get_booking(current_user(), booking_id))

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.arguments(BookingChangeSchema)
    @blp.response(200, BookingSchema)
    def patch(self, data, booking_id):
        user = current_user()
        return bookings.view(bookings.change_booking(user, bookings.get_booking(user, booking_id), data))

    @require_roles(Role.PRODUCER, Role.COORDINATOR)
    @blp.response(200, BookingSchema)
    def delete(self, booking_id):
        """Cancel before the cut-off; the capacity is freed."""
        user = current_user()
        return bookings.view(bookings.cancel_booking(user, bookings.get_booking(user, booking_id)))


def blueprints():
    return [
        blp,
        crud_blueprint("slot_templates", master_data.SLOT_TEMPLATES, SlotTemplateSchema, SlotTemplateOutSchema),
    ]
