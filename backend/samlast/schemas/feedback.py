"""Schemas of the feedback loop: learned parameters with their minimums, late risks."""

from __future__ import annotations

from marshmallow import fields

from samlast.schemas.common import BaseSchema, ResponseSchema, Stored


class PointEstimateSchema(ResponseSchema):
    delivery_point_id = fields.Integer()
    name = fields.String(allow_none=True)
    fixed_s = fields.Float(metadata={"description": "Learned seconds per visit"})
    per_pallet_s = fields.Float(metadata={"description": "Learned seconds per pallet place"})
    n = fields.Integer(metadata={"description": "Visits the estimate is based on"})
    outliers = fields.Integer(metadata={"description": "Visits down-weighted as outliers"})
    default_fixed_s = fields.Integer(allow_none=True)
    default_per_pallet_s = fields.Integer()
    provisional = fields.Boolean(metadata={
        "description": "True while n is below minimums.point_visits: the planner uses the default instead"})


class MinimumsSchema(ResponseSchema):
    travel_legs = fields.Integer(metadata={"description": "Legs behind a travel factor (all day, band, area)"})
    point_visits = fields.Integer(metadata={"description": "Visits behind a delivery point's service time"})
    margin_stops = fields.Integer(metadata={"description": "Driven stops behind the window margin"})
    excess_visits = fields.Integer(metadata={"description": "Visits behind the time lost to lunches and detours"})


# The stored payload of a version (samlast.services.feedback), answered as it is with `provisional` added.


class LearnedFactorSchema(ResponseSchema):
    factor = fields.Float(metadata={"description": "Actual over predicted travel time"})
    n = fields.Integer(metadata={"description": "Legs the factor is based on"})
    provisional = fields.Boolean(metadata={"description": "Below minimums.travel_legs: not used by the planner yet"})


class LearnedTimeBandSchema(LearnedFactorSchema):
    start_s = fields.Float(metadata={"description": "Seconds after midnight"})
    end_s = fields.Float()


class LearnedAreaSchema(LearnedFactorSchema):
    name = fields.String()
    min_lat = fields.Float()
    min_lon = fields.Float()
    max_lat = fields.Float()
    max_lon = fields.Float()


class LearnedTravelSchema(ResponseSchema):
    default = Stored(LearnedFactorSchema)
    time_bands = Stored(LearnedTimeBandSchema, many=True)
    areas = Stored(LearnedAreaSchema, many=True)
    reference_time_s = fields.Float(allow_none=True, metadata={"description": "Median departure, s after midnight"})
    log_scale = fields.Float()
    n = fields.Integer()


class LearnedMarginSchema(ResponseSchema):
    fixed_s = fields.Float()
    per_hour_s = fields.Float()
    max_s = fields.Float()
    n = fields.Integer()
    quantile = fields.Float(allow_none=True)
    days = fields.List(fields.String(metadata={"format": "date"}))
    provisional = fields.Boolean()


class LearnedExcessSchema(ResponseSchema):
    service_s = fields.Float()
    leg_s = fields.Float()
    n = fields.Integer()
    provisional = fields.Boolean()


class ObservationCountsSchema(ResponseSchema):
    may_omit = frozenset(["services", "legs", "routes"])

    services = fields.Integer(metadata={"description": "Visits"})
    legs = fields.Integer()
    routes = fields.Integer()


class ParametersSchema(ResponseSchema):
    id = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True, metadata={"description": "null: nothing learned yet"})
    created_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    reason = fields.String(allow_none=True)
    travel = Stored(LearnedTravelSchema, allow_none=True, metadata={
        "description": "Travel factors with sample sizes; each with `provisional` (below minimums.travel_legs: "
        "the planner uses no correction, 1.0, instead)"})
    arrival_margin = Stored(LearnedMarginSchema, allow_none=True, metadata={
        "description": "Preferred time left before a window closes: min(max_s, fixed_s + per_hour_s × hours "
        "since the shift start), the `quantile` of lateness over the driven `days` (n stops). The planner "
        "may use it at a cost; it never drops a job for it. Not used while `provisional` (n below "
        "minimums.margin_stops)."})
    excess = Stored(LearnedExcessSchema, allow_none=True, metadata={
        "description": "Mean seconds per visit (service_s) and per leg (leg_s) lost to lunches and detours, "
        "which the robust estimates leave out; service_s is added to every planned visit unless `provisional` "
        "(n below minimums.excess_visits)"})
    observations = Stored(ObservationCountsSchema)
    points = fields.List(fields.Nested(PointEstimateSchema))
    minimums = fields.Nested(MinimumsSchema, metadata={
        "description": "Observations each kind of learned value needs before the planner uses it; below, the "
        "default is used and the value is shown as provisional"})


class LateRiskStopSchema(ResponseSchema):
    stop_id = fields.Integer()
    job_key = fields.String()
    delivery_point_id = fields.Integer(allow_none=True)
    eta = fields.String(metadata={"format": "date-time"})
    window_end = fields.String(allow_none=True)
    late_by_min = fields.Float()


class LateRiskSchema(ResponseSchema):
    route_id = fields.Integer()
    plan_date = fields.String(metadata={"format": "date"})
    vehicle_id = fields.Integer()
    driver_id = fields.Integer(allow_none=True)
    stops = fields.List(fields.Nested(LateRiskStopSchema))


class LateRiskQuerySchema(BaseSchema):
    date = fields.Date(metadata={"description": "Defaults to today (local time)."})
