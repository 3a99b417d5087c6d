"""Schemas for the lot planner's tender data pack."""

from __future__ import annotations

from datetime import date

from marshmallow import fields, validate

from samlast.schemas.common import BaseSchema

#: The smallest and largest annual size of a lot, kg (services.tender_lots checks the same).
MIN_LOT_KG, MAX_LOT_KG = 100.0, 10_000_000.0


class TenderPackQuerySchema(BaseSchema):
    product_area_id = fields.Integer(required=True, metadata={"description": "The product area to split into lots."})
    max_kg = fields.Float(
        load_default=20_000,
        validate=validate.Range(min=MIN_LOT_KG, max=MAX_LOT_KG),
        metadata={"description": "The largest annual volume of one lot, kg."},
    )
    until = fields.Date(metadata={"description": "Last day of the year of orders read (default: today)."})


class DistributorPackQuerySchema(BaseSchema):
    until = fields.Date(
        validate=validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31)),
        metadata={"description": "Last day of the year of orders read (default: today)."},
    )
