"""Schemas for orders and their lines."""

from __future__ import annotations

import math

from marshmallow import fields, validate

from samlast.models import OrderStatus, TemperatureClass
from samlast.schemas.common import BaseSchema, ResponseSchema, external_id_field, positive


class OrderLineSchema(BaseSchema):
    line_no = fields.Integer(dump_only=True)
    article = fields.String(required=True, validate=validate.Length(min=1, max=200))
    product_area_id = fields.Integer(allow_none=True)
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=16))
    weight_kg = positive(required=True)
    pallet_places = positive()
    volume_m3 = positive(allow_none=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True, required=True)


class OrderSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    external_id = external_id_field(required=True)
    delivery_point_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    requested_date = fields.Date(required=True)
    status = fields.Enum(OrderStatus, by_value=True)
    delivered_at = fields.DateTime(dump_only=True, allow_none=True)
    note = fields.String()
    lines = fields.List(
        fields.Nested(OrderLineSchema), required=True, validate=validate.Length(min=1)
    )
    total_weight_kg = fields.Method(
        "_total_weight",
        dump_only=True,
        allow_none=True,
        metadata={"type": "number", "description": "null: the lines' weights add up past any number"},
    )

    def _total_weight(self, order) -> float | None:
        total = round(sum(line.weight_kg for line in order.lines), 2)
        # JSON has no infinity: absurd weights (1e308 kg a line) are accepted, their sum is not a number.
        return total if math.isfinite(total) else None


class OrderLineOutSchema(ResponseSchema, OrderLineSchema):
    """An order line as answered (every field always there, see ResponseSchema)."""


class OrderOutSchema(ResponseSchema, OrderSchema):
    """An order as answered (every field always there, see ResponseSchema)."""

    lines = fields.List(fields.Nested(OrderLineOutSchema))


class OrderQuerySchema(BaseSchema):
    q = fields.String(metadata={"description": "Case-insensitive search in external ids."})
    date = fields.Date()
    delivery_point_id = fields.Integer()
    supplier_id = fields.Integer()
    status = fields.Enum(OrderStatus, by_value=True)
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
