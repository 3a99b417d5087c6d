"""Schemas for the monthly follow-up (what was delivered against free delivery of the same orders)."""

from __future__ import annotations

from marshmallow import fields, validate

from samlast.impact.followup import RULES
from samlast.models import JobStatus
from samlast.schemas.common import (
    BaseSchema,
    ResponseSchema,
    Stored,
    StoredObjectSchema,
    TextOf,
    message_params,
    one_of,
)

MONTH = r"^[12]\d{3}-(0[1-9]|1[0-2])$"  # year 0000 is no date


class FollowupRequestSchema(BaseSchema):
    month = fields.String(required=True, validate=validate.Regexp(MONTH),
                          metadata={"description": "The month, YYYY-MM."})  # fmt: skip
    rule = one_of(RULES, load_default="shapley", metadata={"description": "Cost-split rule of the settlement."})
    terminal_id = fields.Integer(metadata={"description": "Defaults to the first terminal."})


class FollowupRuleQuerySchema(BaseSchema):
    rule = one_of(RULES, metadata={"description": "Show the settlement under this rule (default: the report's)."})


class FollowupListQuerySchema(BaseSchema):
    limit = fields.Integer(load_default=24, validate=validate.Range(1, 240))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class FollowupCoordinatedSchema(ResponseSchema):
    deliveries = fields.Integer()
    km = fields.Float()
    gps_km = fields.Float()
    routes = fields.Integer()
    co2e_kg = fields.Float()
    cost_sek = fields.Float()
    kg = fields.Float()
    local_kg = fields.Float()
    stops_with_window = fields.Integer()
    on_time = fields.Integer()
    deviations = fields.Integer()


class FollowupBaselineSchema(ResponseSchema):
    deliveries = fields.Integer()
    km = fields.Float()
    co2e_kg = fields.Float()
    cost_sek = fields.Float()


class FollowupChangeSchema(ResponseSchema):
    deliveries = fields.Float(allow_none=True)
    km = fields.Float(allow_none=True)
    co2e_kg = fields.Float(allow_none=True)
    cost_sek = fields.Float(allow_none=True)


class FollowupFiguresSchema(ResponseSchema):
    coordinated = fields.Nested(FollowupCoordinatedSchema)
    baseline = fields.Nested(FollowupBaselineSchema)
    punctuality = fields.Float(allow_none=True, metadata={"description": "Share 0-1 of stops with a window."})
    local_share = fields.Float(allow_none=True, metadata={"description": "Share 0-1 of delivered kg."})
    change = fields.Nested(FollowupChangeSchema)


class FollowupDaySchema(FollowupFiguresSchema):
    date = fields.String()


class FollowupPointSchema(ResponseSchema):
    point = fields.String()
    name = fields.String()
    municipality = fields.String()
    deliveries = fields.Integer()
    baseline_deliveries = fields.Integer()
    on_time = fields.Integer()
    with_window = fields.Integer()
    deviations = fields.Integer()


class FollowupLocalSchema(ResponseSchema):
    municipality = fields.String()
    area = fields.String()
    kg = fields.Float()
    local_kg = fields.Float()
    local_share = fields.Float(allow_none=True)


class FollowupLocalTrendSchema(FollowupLocalSchema):
    month = fields.String()


class FollowupMunicipalitySchema(ResponseSchema):
    municipality = fields.String()
    deliveries = fields.Integer()
    kg = fields.Float()
    local_kg = fields.Float()
    local_share = fields.Float(allow_none=True)


class SettlementRowSchema(ResponseSchema):
    municipality = fields.String()
    amount = fields.Float()
    standalone_cost = fields.Float(allow_none=True)
    pays_more_than_alone = fields.Boolean()


class SettlementTableRowSchema(StoredObjectSchema):
    municipality = fields.String()
    standalone_cost = fields.Float(allow_none=True)
    per_delivery = fields.Float()
    per_kg = fields.Float()
    per_standalone_km = fields.Float()
    shapley = fields.Float(allow_none=True)
    nucleolus = fields.Float(allow_none=True)
    equal_profit = fields.Float(allow_none=True)
    pays_more_than_alone = fields.List(fields.String())


class SettlementSchema(StoredObjectSchema):
    rule = one_of(RULES)
    total_cost = fields.Float()
    rows = fields.List(fields.Nested(SettlementRowSchema))
    table = fields.List(fields.Nested(SettlementTableRowSchema))


class FollowupResultSchema(StoredObjectSchema):
    period = fields.Dict(keys=fields.String(), values=fields.String())
    totals = fields.Nested(FollowupFiguresSchema)
    days = fields.List(fields.Nested(FollowupDaySchema))
    points = fields.List(fields.Nested(FollowupPointSchema))
    municipalities = fields.List(fields.Nested(FollowupMunicipalitySchema))
    local_by_area = fields.List(fields.Nested(FollowupLocalSchema))
    settlement = fields.Nested(SettlementSchema)


class FollowupReportSummarySchema(ResponseSchema):
    id = fields.String()
    month = fields.Date()
    terminal_id = fields.Integer(allow_none=True)
    rule = one_of(RULES)
    scheduled = fields.Boolean()
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class FollowupReportSchema(FollowupReportSummarySchema):
    result = Stored(FollowupResultSchema, allow_none=True,
                    metadata={"description": "The figures (km, kg CO2e, SEK, kg); null until done."})  # fmt: skip
    local_trend = Stored(FollowupLocalTrendSchema, many=True,
                         metadata={"description": "Local share per month, municipality and product area."})  # fmt: skip
