"""Schemas for vehicles and their compartments."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import EnergyType, TemperatureClass
from samlast.schemas.common import BaseSchema, ClockTime, ResponseSchema, external_id_field, name_field, positive


class CompartmentSchema(BaseSchema):
    temperature_class = fields.Enum(TemperatureClass, by_value=True, required=True)
    capacity_kg = positive(required=True)
    capacity_pallets = positive(required=True)


class VehicleSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    external_id = external_id_field(required=True)
    name = name_field(120, required=True)
    terminal_id = fields.Integer(required=True)
    energy_type = fields.Enum(EnergyType, by_value=True, required=True)
    co2e_kg_per_km = positive(required=True)
    cost_per_km = positive(required=True)
    cost_per_hour = positive(required=True)
    shift_start = ClockTime(required=True)
    shift_end = ClockTime(required=True)
    length_m = positive(allow_none=True)
    active = fields.Boolean()
    driver_id = fields.Integer(allow_none=True, metadata={"description": "Default driver (user id)."})
    compartments = fields.List(
        fields.Nested(CompartmentSchema), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def _checks(self, data, **kwargs):
        if "shift_start" in data and "shift_end" in data and data["shift_start"] >= data["shift_end"]:
            raise ValidationError(Message("field.later_than", other=Message("label.shift_start")), "shift_end")
        classes = [c["temperature_class"] for c in data.get("compartments", [])]
        if len(classes) != len(set(classes)):
            raise ValidationError(Message("field.one_compartment_per_class"), "compartments")


class CompartmentOutSchema(ResponseSchema, CompartmentSchema):
    """A compartment as answered (every field always there, see ResponseSchema)."""


class VehicleOutSchema(ResponseSchema, VehicleSchema):
    """A vehicle as answered (every field always there, see ResponseSchema)."""

    compartments = fields.List(fields.Nested(CompartmentOutSchema))
