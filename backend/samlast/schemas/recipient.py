"""Schemas for kitchen staff (the recipient role): deliveries, confirmations of receipt, history, Web Push."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import DeviationCode, StopStatus, TemperatureClass
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of

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


#: A delivery's status: its stop's, or not_planned while no current plan has a stop for it.
DELIVERY_STATUSES = ["not_planned", *(status.value for status in StopStatus)]


class ExpectedLineSchema(ResponseSchema):
    order_line_id = fields.Integer()
    order_external_id = fields.String()
    supplier_name = fields.String()
    article = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    temperature_class = one_of(TemperatureClass)
    delivered_quantity = fields.Float(allow_none=True, metadata={"description": "Left by the driver (the proof)"})
    driver_deviation = one_of(DeviationCode, allow_none=True, metadata={"description": "As the driver reported it"})
    driver_note = fields.String()
    temperature_c = fields.Float(allow_none=True)
    received_quantity = fields.Float(allow_none=True, metadata={"description": "Received by the kitchen"})
    kitchen_deviation = one_of(
        DeviationCode, allow_none=True, metadata={"description": "As the kitchen reported it"}
    )
    kitchen_note = fields.String()
    terminal_quantity = fields.Float(
        allow_none=True, metadata={"description": "Arrived from the supplier at the terminal; null: not received yet"}
    )


class ConfirmationSummarySchema(ResponseSchema):
    confirmed_by_name = fields.String(metadata={"description": "The name typed on the kitchen's shared device"})
    confirmed_by_account = fields.String(metadata={"description": "The account that confirmed"})
    confirmed_at = fields.DateTime()
    accepted_all = fields.Boolean()
    note = fields.String()


class UpcomingDeliverySchema(ResponseSchema):
    delivery_point_id = fields.Integer()
    delivery_point_name = fields.String()
    date = fields.Date()
    time_windows = fields.List(fields.List(fields.String()))
    planned_arrival = fields.DateTime(allow_none=True)
    eta = fields.DateTime(allow_none=True)
    stop_id = fields.Integer(allow_none=True)
    job_key = fields.String()
    status = one_of(DELIVERY_STATUSES)
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
    # metadata default: the document names the default (apispec leaves out a callable load_default).
    lines = fields.List(fields.Nested(ReceiptLineInputSchema), load_default=list, metadata={"default": []})
    photos = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=5), metadata={"default": []}
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    recorded_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data.get("accept_all") and not data.get("lines"):
            raise ValidationError(Message("field.receipt_lines_required"), "lines")


class ConfirmationResultSchema(ResponseSchema):
    confirmation_id = fields.Integer()
    client_id = fields.String()
    proof_id = fields.Integer(allow_none=True)
    deviations = fields.Integer()
    replay = fields.Boolean()


class HistoryRowSchema(ResponseSchema):
    date = fields.String(metadata={"format": "date"})
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


class PushSubscriptionSchema(BaseSchema):
    endpoint = fields.Url(required=True, schemes={"https", "http"})
    keys = fields.Dict(keys=fields.String(), values=fields.String(), required=True)

    @validates_schema
    def _keys(self, data, **kwargs):
        if not {"p256dh", "auth"} <= set(data.get("keys", {})):
            raise ValidationError(Message("field.push_keys"), "keys")


class VapidKeySchema(ResponseSchema):
    public_key = fields.String()

