"""Loading at the terminal: routes to load, loading lists, scans, the load hand-over."""

from __future__ import annotations

from marshmallow import fields, validate

from samlast.models import TemperatureClass, UnitKind
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of

CLIENT_ID = {"validate": validate.Length(min=8, max=64), "metadata": {
    "description": "Generated on the device; a replay with the same id is stored once."}}


class LoadingQuerySchema(BaseSchema):
    date = fields.Date(metadata={"description": "The plan date; today by default"})


class LabelsQuerySchema(BaseSchema):
    format = fields.String(load_default="a6", validate=validate.OneOf(["a6", "a4"]),
                           metadata={"description": "a6: one label per page; a4: four labels per sheet"})


class UnitCheckQuerySchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    job_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    date = fields.Date(metadata={"description": "The plan date; today by default"})


class LoadingRouteSchema(ResponseSchema):
    id = fields.Integer()
    plan_date = fields.Date()
    vehicle_name = fields.String()
    trip = fields.Integer(metadata={"description": "0 for a vehicle's first trip of the day"})
    driver_name = fields.String(allow_none=True)
    planned_start = fields.DateTime()
    stops = fields.Integer()
    units_total = fields.Integer()
    units_loaded = fields.Integer()
    signed = fields.Boolean()


class LoadingUnitSchema(ResponseSchema):
    code = fields.String()
    kind = one_of(UnitKind)
    loaded = fields.Boolean()


class LoadingStopSchema(ResponseSchema):
    sequence = fields.Integer()
    job_key = fields.String()
    point_name = fields.String()
    crates = fields.Integer()
    roll_cages = fields.Integer()
    pallets = fields.Integer()
    from_stock = fields.List(
        fields.String(), metadata={"description": "Goods from the emergency stock at this stop ('Pasta 10 st')"}
    )
    units = fields.List(fields.Nested(LoadingUnitSchema))


class LoadingCompartmentSchema(ResponseSchema):
    temperature_class = one_of(TemperatureClass)
    stops = fields.List(fields.Nested(LoadingStopSchema), metadata={"description": "In REVERSE stop order: load first"})


class LoadHandoverSummarySchema(ResponseSchema):
    driver_name = fields.String()
    recorded_at = fields.DateTime()
    units_loaded = fields.Integer()


class LoadingListSchema(ResponseSchema):
    id = fields.Integer()
    plan_date = fields.Date()
    vehicle_name = fields.String()
    trip = fields.Integer()
    driver_name = fields.String(allow_none=True)
    units_total = fields.Integer()
    units_loaded = fields.Integer()
    handover = fields.Nested(LoadHandoverSummarySchema, allow_none=True)
    compartments = fields.List(fields.Nested(LoadingCompartmentSchema))


class LoadScanInputSchema(BaseSchema):
    client_id = fields.String(required=True, **CLIENT_ID)
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    route_id = fields.Integer(required=True)
    recorded_at = fields.AwareDateTime(default_timezone=None)


class LoadScanResultSchema(ResponseSchema):
    scan_id = fields.Integer()
    client_id = fields.String()
    unit_code = fields.String()
    route_id = fields.Integer()
    stop_number = fields.Integer()
    point_name = fields.String()
    temperature_class = one_of(TemperatureClass)
    kind = one_of(UnitKind)
    replay = fields.Boolean()


class LoadHandoverInputSchema(BaseSchema):
    client_id = fields.String(required=True, **CLIENT_ID)
    route_id = fields.Integer(required=True)
    driver_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    signature = fields.String(required=True, metadata={"description": "PNG as a data URL (data:image/png;base64,...)"})
    recorded_at = fields.AwareDateTime(default_timezone=None)


class LoadHandoverResultSchema(ResponseSchema):
    handover_id = fields.Integer()
    client_id = fields.String()
    route_id = fields.Integer()
    driver_name = fields.String()
    units_loaded = fields.Integer()
    units_total = fields.Integer()
    replay = fields.Boolean()


class UnitCheckSchema(ResponseSchema):
    unit_code = fields.String()
    matches = fields.Boolean(metadata={"description": "False: the unit belongs to another stop"})
    point_name = fields.String()
    temperature_class = one_of(TemperatureClass)
    kind = one_of(UnitKind)
    message = fields.String(metadata={"description": "In the reader's language"})
