"""Schemas for following an item (the timeline of one order line)."""

from __future__ import annotations

from marshmallow import fields

from samlast.models import TemperatureClass
from samlast.schemas.common import ResponseSchema, one_of


class TimelineStepSchema(ResponseSchema):
    kind = fields.String(metadata={"enum": ["ordered", "received_at_terminal", "loaded", "load_signed", "delivered",
                                            "confirmed_by_kitchen"]})  # fmt: skip
    name = fields.String(metadata={"description": "The step in the reader's language"})
    details = fields.String(metadata={"description": "Its facts in the reader's language"})
    at = fields.DateTime(allow_none=True)
    who = fields.String()
    quantity = fields.Float(allow_none=True, metadata={"description": "At this step, where the record has one"})
    changed = fields.Boolean(metadata={"description": "The quantity differs from the step before"})
    signed = fields.Boolean(metadata={"description": "The hand-over was signed"})


class TimelineSchema(ResponseSchema):
    order_line_id = fields.Integer()
    article = fields.String()
    unit = fields.String()
    quantity = fields.Float()
    temperature_class = one_of(TemperatureClass)
    order_external_id = fields.String()
    supplier_name = fields.String()
    delivery_point_name = fields.String()
    date = fields.Date()
    steps = fields.List(fields.Nested(TimelineStepSchema))
