"""Schemas for the things a coordinator keeps: cluster, terminals, delivery points, suppliers."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import DeliveryPointKind, SupplierKind, TemperatureClass
from samlast.schemas.common import (
    BaseSchema,
    ClockTime,
    ResponseSchema,
    external_id_field,
    lat_field,
    lon_field,
    name_field,
)


class ClusterSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field(120, required=True)


class MunicipalitySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    cluster_id = fields.Integer(required=True)
    name = name_field(120, required=True)
    population = fields.Integer(allow_none=True, validate=validate.Range(min=0))
    code = fields.String(allow_none=True, validate=validate.Length(max=16))


class TerminalSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    cluster_id = fields.Integer(required=True)
    name = name_field(120, required=True)
    address = fields.String(validate=validate.Length(max=255))
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    opens_at = ClockTime()
    closes_at = ClockTime()

    @validates_schema
    def _opening_hours(self, data, **kwargs):
        if "opens_at" in data and "closes_at" in data and data["opens_at"] >= data["closes_at"]:
            raise ValidationError(Message("field.later_than", other=Message("label.opens_at")), "closes_at")


class ReceivingWindowSchema(BaseSchema):
    weekday = fields.Integer(
        required=True,
        validate=validate.Range(0, 6),
        metadata={"description": "0 = Monday ... 6 = Sunday"},
    )
    start = ClockTime(required=True)
    end = ClockTime(required=True)

    @validates_schema
    def _start_before_end(self, data, **kwargs):
        if "start" in data and "end" in data and data["start"] >= data["end"]:
            raise ValidationError(Message("field.later_than", other=Message("label.start")), "end")


class DeliveryPointSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    external_id = external_id_field(required=True)
    name = name_field(required=True)
    kind = fields.Enum(DeliveryPointKind, by_value=True, required=True)
    municipality_id = fields.Integer(required=True)
    address = fields.String(validate=validate.Length(max=255))
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    service_time_min = fields.Integer(validate=validate.Range(0, 240))
    access_notes = fields.String()
    max_vehicle_length_m = fields.Float(allow_none=True, validate=validate.Range(min=0))
    unloading_place = fields.String(validate=validate.Length(max=255))
    contact_name = fields.String(validate=validate.Length(max=120))
    contact_phone = fields.String(validate=validate.Length(max=40))
    contact_email = fields.String(validate=validate.Length(max=160))
    receiving_windows = fields.List(fields.Nested(ReceivingWindowSchema))


class ProductAreaSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field(120, required=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True, required=True)


class SupplierSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    external_id = external_id_field(required=True)
    name = name_field(required=True)
    kind = fields.Enum(SupplierKind, by_value=True, required=True)
    address = fields.String(validate=validate.Length(max=255))
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    contact_name = fields.String(validate=validate.Length(max=120))
    contact_phone = fields.String(validate=validate.Length(max=40))
    product_area_ids = fields.List(fields.Integer(), load_only=True)
    product_areas = fields.List(fields.Nested(ProductAreaSchema), dump_only=True)
    terminal_stock_of = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "Set on a terminal's own emergency stock"}
    )



class ClusterOutSchema(ResponseSchema, ClusterSchema):
    """A cluster as answered (every field always there, see ResponseSchema)."""


class MunicipalityOutSchema(ResponseSchema, MunicipalitySchema):
    """A municipality as answered (every field always there, see ResponseSchema)."""


class TerminalOutSchema(ResponseSchema, TerminalSchema):
    """A terminal as answered (every field always there, see ResponseSchema)."""


class ReceivingWindowOutSchema(ResponseSchema, ReceivingWindowSchema):
    """A receiving window as answered (every field always there, see ResponseSchema)."""


class DeliveryPointOutSchema(ResponseSchema, DeliveryPointSchema):
    """A delivery point as answered (every field always there, see ResponseSchema)."""

    receiving_windows = fields.List(fields.Nested(ReceivingWindowOutSchema))


class ProductAreaOutSchema(ResponseSchema, ProductAreaSchema):
    """A product area as answered (every field always there, see ResponseSchema)."""


class SupplierOutSchema(ResponseSchema, SupplierSchema):
    """A supplier as answered (every field always there, see ResponseSchema)."""

    class Meta(SupplierSchema.Meta):
        exclude = ("product_area_ids",)

    product_areas = fields.List(fields.Nested(ProductAreaOutSchema), dump_only=True)
