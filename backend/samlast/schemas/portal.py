"""Schemas for kitchen staff (recipient) and local producers."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from samlast.i18n import Message
from samlast.models import BookingStatus, DeviationCode, SlotKind, TemperatureClass
from samlast.schemas.common import BaseSchema, ClockTime, name_field, positive
from samlast.schemas.orders import OrderSchema

# Calendar dates the portal can mean; far-off years have no sensible local time (cut-offs).
DATE_RANGE = validate.Range(date(2000, 1, 1), date(2200, 12, 31))


class DateRangeSchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", validate=DATE_RANGE)
    to = fields.Date(validate=DATE_RANGE)
    delivery_point_id = fields.Integer()

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            raise ValidationError(Message("field.not_before_start"), "to")


class ExpectedLineSchema(BaseSchema):
    order_line_id = fields.Integer()
    order_external_id = fields.String()
    supplier_name = fields.String()
    article = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    temperature_class = fields.String()
    delivered_quantity = fields.Float(allow_none=True, metadata={"description": "Left by the driver (the proof)"})
    driver_deviation = fields.String(allow_none=True, metadata={"description": "As the driver reported it"})
    driver_note = fields.String()
    temperature_c = fields.Float(allow_none=True)
    received_quantity = fields.Float(allow_none=True, metadata={"description": "Received by the kitchen"})
    kitchen_deviation = fields.String(allow_none=True, metadata={"description": "As the kitchen reported it"})
    kitchen_note = fields.String()


class ConfirmationSummarySchema(BaseSchema):
    confirmed_by_name = fields.String(metadata={"description": "The name typed on the kitchen's shared device"})
    confirmed_by_account = fields.String(metadata={"description": "The account that confirmed"})
    confirmed_at = fields.DateTime()
    accepted_all = fields.Boolean()
    note = fields.String()


class UpcomingDeliverySchema(BaseSchema):
    delivery_point_id = fields.Integer()
    delivery_point_name = fields.String()
    date = fields.Date()
    time_windows = fields.List(fields.List(fields.String()))
    planned_arrival = fields.DateTime(allow_none=True)
    eta = fields.DateTime(allow_none=True)
    stop_id = fields.Integer(allow_none=True)
    job_key = fields.String()
    status = fields.String()
    proof_id = fields.Integer(allow_none=True)
    handed_over_at = fields.DateTime(allow_none=True)
    receiver_name = fields.String(metadata={"description": "Who signed the driver's proof"})
    confirmed = fields.Boolean()
    confirmation = fields.Nested(ConfirmationSummarySchema, allow_none=True)
    lines = fields.List(fields.Nested(ExpectedLineSchema))


class ReceiptLineInputSchema(BaseSchema):
    order_line_id = fields.Integer(required=True)
    received_quantity = fields.Float(required=True, validate=validate.Range(min=0))
    deviation = fields.Enum(DeviationCode, by_value=True, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ConfirmationInputSchema(BaseSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    delivery_point_id = fields.Integer(required=True)
    plan_date = fields.Date(required=True)
    accept_all = fields.Boolean(load_default=False)
    confirmed_by_name = fields.String(load_default="", validate=validate.Length(max=120))
    lines = fields.List(fields.Nested(ReceiptLineInputSchema), load_default=list)
    photos = fields.List(fields.String(), load_default=list, validate=validate.Length(max=5))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    recorded_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data.get("accept_all") and not data.get("lines"):
            raise ValidationError(Message("field.receipt_lines_required"), "lines")


class ConfirmationResultSchema(BaseSchema):
    confirmation_id = fields.Integer()
    client_id = fields.String()
    proof_id = fields.Integer(allow_none=True)
    deviations = fields.Integer()
    replay = fields.Boolean()


class HistoryRowSchema(BaseSchema):
    date = fields.String()
    delivery_point = fields.String()
    delivered_at = fields.DateTime()
    receiver_name = fields.String(metadata={"description": "Who signed the driver's proof"})
    article = fields.String()
    ordered = fields.Float()
    delivered = fields.Float(metadata={"description": "Left by the driver"})
    received = fields.Float(allow_none=True, metadata={"description": "Received by the kitchen"})
    unit = fields.String()
    temperature_c = fields.Float(allow_none=True)
    driver_deviation = fields.String(metadata={"description": "As the driver reported it; empty: none"})
    driver_note = fields.String()
    kitchen_deviation = fields.String(metadata={"description": "As the kitchen reported it; empty: none"})
    kitchen_note = fields.String()
    disagreement = fields.Boolean(metadata={"description": "The kitchen received another quantity than was left"})
    confirmed = fields.Boolean()
    confirmed_by_name = fields.String()
    confirmed_by_account = fields.String()
    confirmed_at = fields.DateTime(allow_none=True)
    confirmation_note = fields.String()
    proof_id = fields.Integer()


class DeviationListArgsSchema(BaseSchema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))


class DeviationActionSchema(BaseSchema):
    action = fields.String(metadata={"description": "resolved or reopened"})
    by_name = fields.String()
    note = fields.String()
    at = fields.DateTime()


class DeviationReporterSchema(BaseSchema):
    name = fields.String(metadata={"description": "The name typed on the kitchen's shared device"})
    account = fields.String()
    at = fields.DateTime()


class DeviationSchema(BaseSchema):
    """A deviation as facts, and (code_text, description) in the language of Accept-Language."""

    id = fields.Integer()
    delivery_point_id = fields.Integer()
    delivery_point_name = fields.String()
    plan_date = fields.Date()
    proof_id = fields.Integer(allow_none=True)
    confirmation_id = fields.Integer(allow_none=True)
    order_line_id = fields.Integer(allow_none=True)
    code = fields.String(metadata={"description": "receipt_mismatch, or the code the kitchen reported"})
    code_text = fields.String(metadata={"description": "The code in words"})
    structured = fields.Boolean(metadata={"description": "False: an old row known only by its description"})
    article = fields.String()
    unit = fields.String()
    ordered = fields.Float(allow_none=True)
    delivered = fields.Float(allow_none=True, metadata={"description": "Left by the driver; null: no proof"})
    received = fields.Float(allow_none=True, metadata={"description": "Received by the kitchen"})
    driver_code = fields.String(allow_none=True, metadata={"description": "As the driver reported it"})
    kitchen_code = fields.String(allow_none=True, metadata={"description": "As the kitchen reported it"})
    note = fields.String(metadata={"description": "The kitchen's note on the line"})
    description = fields.String(metadata={"description": "The whole deviation in words"})
    reported_by = fields.Nested(DeviationReporterSchema, allow_none=True)
    status = fields.String(metadata={"description": "open or resolved"})
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by_name = fields.String(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    actions = fields.List(fields.Nested(DeviationActionSchema), metadata={"description": "Oldest first"})


class ResolveDeviationSchema(BaseSchema):
    note = fields.String(
        required=True,
        validate=validate.Length(max=2000),
        error_messages={"required": Message("field.resolution_note_required")},
        metadata={"description": "Who handled it and how"},
    )

    @validates("note")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError(Message("field.resolution_note_required"))


class ReopenDeviationSchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "Why"})


class PushSubscriptionSchema(BaseSchema):
    endpoint = fields.Url(required=True, schemes={"https", "http"})
    keys = fields.Dict(keys=fields.String(), values=fields.String(), required=True)

    @validates_schema
    def _keys(self, data, **kwargs):
        if not {"p256dh", "auth"} <= set(data.get("keys", {})):
            raise ValidationError(Message("field.push_keys"), "keys")


class VapidKeySchema(BaseSchema):
    public_key = fields.String()


# Producers ------------------------------------------------------------------


class SlotTemplateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    terminal_id = fields.Integer(required=True)
    name = name_field(120, required=True)
    kind = fields.Enum(SlotKind, by_value=True, required=True)
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6))
    start = ClockTime(required=True)
    end = ClockTime(required=True)
    capacity_kg = positive(required=True)
    capacity_pallets = positive(required=True)
    cutoff_days_before = fields.Integer(validate=validate.Range(0, 14))
    cutoff_time = ClockTime()
    active = fields.Boolean()


class FreeSlotSchema(BaseSchema):
    template_id = fields.Integer()
    date = fields.Date()
    name = fields.String()
    kind = fields.String()
    start = ClockTime()
    end = ClockTime()
    free_kg = fields.Float()
    free_pallets = fields.Float()
    capacity_kg = fields.Float()
    capacity_pallets = fields.Float()
    cutoff = fields.DateTime()
    bookable = fields.Boolean()
    closed_reason = fields.String(
        allow_none=True,
        metadata={"description": "Why it cannot be booked: `cutoff` (too late) or `full`; null when bookable."},
    )


class ProducerOrderQuerySchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", validate=DATE_RANGE)
    to = fields.Date(validate=DATE_RANGE)
    supplier_id = fields.Integer(metadata={"description": "Coordinators only; a producer always gets its own."})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            raise ValidationError(Message("field.not_before_start"), "to")


class ProducerOrderSchema(OrderSchema):
    """An order a producer is to deliver, with the delivery point's name (producers cannot read points)."""

    delivery_point_name = fields.Function(lambda order: order.delivery_point.name, dump_only=True)


class BookingInputSchema(BaseSchema):
    template_id = fields.Integer(required=True)
    date = fields.Date(required=True)
    supplier_id = fields.Integer(metadata={"description": "Coordinators only; producers book for their own farm."})
    product_area_id = fields.Integer(allow_none=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    kg = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=30000))
    pallets = fields.Float(required=True, validate=validate.Range(min=0, max=40))
    order_refs = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class BookingChangeSchema(BaseSchema):
    product_area_id = fields.Integer(allow_none=True)
    kg = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=30000))
    pallets = fields.Float(validate=validate.Range(min=0, max=40))
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    order_refs = fields.List(fields.String(validate=validate.Length(max=64)))
    note = fields.String(validate=validate.Length(max=1000))


class BookingSchema(BaseSchema):
    id = fields.Integer()
    supplier_id = fields.Integer()
    supplier_name = fields.Function(lambda b: b.supplier.name)
    template_id = fields.Function(lambda b: b.slot.template_id)
    slot_name = fields.Function(lambda b: b.slot.template.name)
    kind = fields.Function(lambda b: b.slot.template.kind.value)
    date = fields.Function(lambda b: b.slot.slot_date.isoformat())
    start = fields.Function(lambda b: b.slot.template.start.strftime("%H:%M"))
    end = fields.Function(lambda b: b.slot.template.end.strftime("%H:%M"))
    status = fields.Enum(BookingStatus, by_value=True)
    product_area_id = fields.Integer(allow_none=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    kg = fields.Float()
    pallets = fields.Float()
    order_refs = fields.List(fields.String())
    note = fields.String()
    confirmed_time = fields.DateTime(allow_none=True)
    cutoff = fields.Function(lambda b: _cutoff(b))
    slot_free_kg = fields.Function(
        lambda b: round(b.slot.capacity_kg - b.slot.booked_kg, 3),
        metadata={"description": "Left in the slot besides this booking (its own kg are not counted as free)."},
    )
    slot_free_pallets = fields.Function(lambda b: round(b.slot.capacity_pallets - b.slot.booked_pallets, 3))
    orders = fields.Function(
        lambda b: _orders(b),
        metadata={"description": "The order_refs with their delivery points' names (null: no such order now)."},
    )


def _cutoff(booking) -> str:
    from samlast.services.bookings import cutoff

    return cutoff(booking.slot.template, booking.slot.slot_date).isoformat()


def _orders(booking) -> list[dict]:
    from samlast.services.bookings import booked_orders

    return booked_orders(booking)
