"""Schemas for goods in at the terminal: expected arrivals and a supplier's delivery received."""

from __future__ import annotations

from marshmallow import fields, validate

from samlast.models import GoodsInDeviation, TemperatureClass
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of
from samlast.schemas.recipient import DATE_RANGE


class ExpectedQuerySchema(BaseSchema):
    date = fields.Date(validate=DATE_RANGE, metadata={"description": "Default: today in the cluster's time zone"})
    terminal_id = fields.Integer(metadata={"description": "Coordinators; terminal staff always get their own"})


class ArrivalLineSchema(ResponseSchema):
    order_line_id = fields.Integer()
    order_external_id = fields.String()
    article = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    weight_kg = fields.Float()
    temperature_class = one_of(TemperatureClass)
    temperature_limit_c = fields.Float(allow_none=True, metadata={"description": "Warmest reading accepted"})
    delivery_point_id = fields.Integer()
    delivery_point_name = fields.String()
    vehicle_name = fields.String(allow_none=True, metadata={"description": "Null while the day is not planned"})
    trip = fields.Integer(allow_none=True, metadata={"description": "1-based"})
    stop_sequence = fields.Integer(allow_none=True)
    announced_quantity = fields.Float(
        allow_none=True, metadata={"description": "Shipped by the supplier's latest despatch advice; null: none"}
    )
    received_quantity = fields.Float(allow_none=True, metadata={"description": "Null: not received yet"})
    deviation = one_of(GoodsInDeviation, allow_none=True)


class ArrivalSupplierSchema(ResponseSchema):
    supplier_id = fields.Integer()
    supplier_name = fields.String()
    received = fields.Boolean()
    receipt_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    received_by = fields.String(allow_none=True)
    supplier_driver_name = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(ArrivalLineSchema))


class ExpectedArrivalsSchema(ResponseSchema):
    terminal_id = fields.Integer()
    terminal_name = fields.String()
    date = fields.Date()
    suppliers = fields.List(fields.Nested(ArrivalSupplierSchema))


class GoodsInLineInputSchema(BaseSchema):
    order_line_id = fields.Integer(required=True)
    received_quantity = fields.Float(required=True, validate=validate.Range(min=0, max=1e6))
    temperature_c = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=-60, max=60))
    deviation = fields.Enum(GoodsInDeviation, by_value=True, allow_none=True, load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    photo = fields.String(allow_none=True, load_default=None, metadata={"description": "data:image/... URL"})


class GoodsReceiptInputSchema(BaseSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    terminal_id = fields.Integer(allow_none=True, load_default=None)
    supplier_id = fields.Integer(required=True)
    plan_date = fields.Date(required=True, validate=DATE_RANGE)
    supplier_driver_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    signature = fields.String(allow_none=True, load_default=None, metadata={"description": "data:image/png URL"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    recorded_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(GoodsInLineInputSchema), required=True, validate=validate.Length(min=1, max=500))


class FollowUpQuerySchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", validate=DATE_RANGE)
    to = fields.Date(validate=DATE_RANGE)


class SupplierFollowUpSchema(ResponseSchema):
    supplier_id = fields.Integer()
    supplier = fields.String()
    week = fields.String(metadata={"description": "ISO week, e.g. 2026-V49"})
    deliveries = fields.Integer()
    on_time = fields.Integer(metadata={"description": "Received before the day's first route left the terminal"})
    completeness = fields.Float(metadata={"description": "Share of the ordered weight that arrived, 0-1"})
    short_lines = fields.Integer()
    temperature_deviations = fields.Integer()


class GoodsReceiptResultSchema(ResponseSchema):
    receipt_id = fields.Integer()
    client_id = fields.String()
    deviations = fields.Integer()
    short_lines = fields.Integer()
    stops_corrected = fields.Integer()
    replan = fields.Boolean(metadata={"description": "The day is re-planned: a stop has nothing left to bring"})
    replay = fields.Boolean()


class DespatchAdviceResultSchema(ResponseSchema):
    id = fields.Integer()
    document_id = fields.String()
    supplier_name = fields.String()
    lines = fields.Integer()
    short_lines = fields.Integer(metadata={"description": "Lines shipped short of the order"})
    replaced = fields.Boolean(metadata={"description": "An older advice of the same document id was replaced"})
