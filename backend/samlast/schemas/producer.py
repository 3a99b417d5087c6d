"""Schemas for local producers: pickup slots, their orders, bookings."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import BookingStatus, SlotKind, TemperatureClass
from samlast.schemas.common import BaseSchema, ClockTime, ResponseSchema, name_field, one_of, positive
from samlast.schemas.orders import OrderOutSchema
from samlast.schemas.recipient import DATE_RANGE


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


class SlotTemplateOutSchema(ResponseSchema, SlotTemplateSchema):
    """A slot template as answered (every field always there, see ResponseSchema)."""


class FreeSlotSchema(ResponseSchema):
    template_id = fields.Integer()
    date = fields.Date()
    name = fields.String()
    kind = one_of(SlotKind)
    start = ClockTime()
    end = ClockTime()
    free_kg = fields.Float()
    free_pallets = fields.Float()
    capacity_kg = fields.Float()
    capacity_pallets = fields.Float()
    cutoff = fields.DateTime()
    bookable = fields.Boolean()
    closed_reason = one_of(
        ["cutoff", "full"],
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


class ProducerOrderSchema(OrderOutSchema):
    """An order a producer is to deliver, with the delivery point's name (producers cannot read points)."""

    delivery_point_name = fields.String(attribute="delivery_point.name", dump_only=True)


class BookingInputSchema(BaseSchema):
    template_id = fields.Integer(required=True)
    date = fields.Date(required=True)
    supplier_id = fields.Integer(metadata={"description": "Coordinators only; producers book for their own farm."})
    product_area_id = fields.Integer(allow_none=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    kg = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=30000))
    pallets = fields.Float(required=True, validate=validate.Range(min=0, max=40))
    # metadata default: the document names the default (apispec leaves out a callable load_default).
    order_refs = fields.List(
        fields.String(validate=validate.Length(max=64)), load_default=list, metadata={"default": []}
    )
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class BookingChangeSchema(BaseSchema):
    product_area_id = fields.Integer(allow_none=True)
    kg = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=30000))
    pallets = fields.Float(validate=validate.Range(min=0, max=40))
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    order_refs = fields.List(fields.String(validate=validate.Length(max=64)))
    note = fields.String(validate=validate.Length(max=1000))


class BookedOrderSchema(ResponseSchema):
    external_id = fields.String()
    delivery_point_name = fields.String(allow_none=True)
    requested_date = fields.Date(allow_none=True)


class BookingSchema(ResponseSchema):
    """A booking as services.bookings.view gives it (its slot and orders looked up)."""

    id = fields.Integer()
    supplier_id = fields.Integer()
    supplier_name = fields.String()
    template_id = fields.Integer()
    slot_name = fields.String()
    kind = fields.Enum(SlotKind, by_value=True)
    date = fields.Date()
    start = ClockTime()
    end = ClockTime()
    status = fields.Enum(BookingStatus, by_value=True)
    product_area_id = fields.Integer(allow_none=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    kg = fields.Float()
    pallets = fields.Float()
    order_refs = fields.List(fields.String())
    note = fields.String()
    confirmed_time = fields.DateTime(allow_none=True)
    cutoff = fields.DateTime(metadata={"description": "When booking, changing and cancelling close (local time)"})
    slot_free_kg = fields.Float(
        metadata={"description": "Left in the slot besides this booking (its own kg are not counted as free)."},
    )
    slot_free_pallets = fields.Float()
    orders = fields.List(
        fields.Nested(BookedOrderSchema),
        metadata={"description": "The order_refs with their delivery points' names (null: no such order now)."},
    )


