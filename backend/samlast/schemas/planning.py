"""Schemas for planning jobs, plans, routes and stops."""

from __future__ import annotations

from marshmallow import fields, validate

from samlast.i18n import has, text
from samlast.i18n.web import request_locale
from samlast.models import JobStatus, StopKind, StopStatus
from samlast.schemas.common import MESSAGE_PARAMS_SCHEMA, BaseSchema, ResponseSchema, Stored, TextOf, message_params


class PlanRequestSchema(BaseSchema):
    date = fields.Date(required=True, metadata={"description": "The day to plan."})
    terminal_id = fields.Integer(metadata={"description": "Defaults to the first terminal."})
    fresh = fields.Boolean(
        load_default=False,
        metadata={"description": "Plan from scratch instead of re-planning the current plan."},
    )
    time_limit_s = fields.Float(validate=validate.Range(min=1, max=600))
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class PlanningJobSchema(ResponseSchema):
    id = fields.String()
    terminal_id = fields.Integer()
    plan_date = fields.Date()
    reason = fields.String()
    fresh = fields.Boolean()
    time_limit_s = fields.Float()
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    plan_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class LoadSchema(ResponseSchema):
    kg = fields.Float()
    pallets = fields.Float()


class StopSchema(ResponseSchema):
    id = fields.Integer()
    sequence = fields.Integer()
    job_key = fields.String()
    kind = fields.Enum(StopKind, by_value=True)
    status = fields.Enum(StopStatus, by_value=True)
    delivery_point_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    name = fields.Function(
        lambda stop: (stop.delivery_point or stop.supplier).name if (stop.delivery_point or stop.supplier) else "",
        metadata={"type": "string"},
    )
    address = fields.Function(
        lambda stop: (stop.delivery_point or stop.supplier).address if (stop.delivery_point or stop.supplier) else "",
        metadata={"type": "string"},
    )
    lat = fields.Float()
    lon = fields.Float()
    planned_arrival = fields.DateTime()
    planned_service_start = fields.DateTime()
    planned_departure = fields.DateTime()
    eta = fields.DateTime(allow_none=True, metadata={"description": "Expected arrival from actual progress"})
    time_windows = fields.List(fields.List(fields.String()), metadata={"example": [["06:30", "10:30"]]})
    load = fields.Dict(keys=fields.String(), values=fields.Nested(LoadSchema))
    order_ids = fields.Function(
        lambda stop: [order.id for order in stop.orders], metadata={"type": "array", "items": {"type": "integer"}}
    )


class BreakSchema(ResponseSchema):
    start = fields.String(metadata={"format": "date-time"})
    duration_s = fields.Integer()


class RouteSchema(ResponseSchema):
    id = fields.Integer()
    plan_id = fields.Integer()
    vehicle_id = fields.Integer()
    vehicle_name = fields.String(attribute="vehicle.name")
    driver_id = fields.Integer(allow_none=True)
    trip = fields.Integer()
    version = fields.Integer()
    planned_start = fields.DateTime()
    planned_end = fields.DateTime()
    distance_m = fields.Float()
    duration_s = fields.Integer()
    cost = fields.Float()
    co2e_kg = fields.Float()
    breaks = fields.List(fields.Nested(BreakSchema))
    stops = fields.List(fields.Nested(StopSchema))


def _unassigned_key(entry: dict) -> str:
    # Plans stored before the numbers were have the reason's text without them.
    return entry.get("message_key") or f"coordinator.reason.{entry['reason']}"


def _unassigned_text(entry: dict) -> str:
    key = _unassigned_key(entry)
    return text(key, entry.get("params") or {}, request_locale()) if has(key) else entry["reason"]


class UnassignedSchema(ResponseSchema):
    job_key = fields.String()
    reason = fields.String(metadata={"description": "Stable code, e.g. too_heavy_for_any_vehicle"})
    label = fields.String()
    message = fields.Function(
        _unassigned_text,
        metadata={
            "type": "string",
            "description": "The reason in numbers and what to do, in the language of Accept-Language",
        },
    )
    message_key = fields.Function(
        _unassigned_key, metadata={"type": "string", "description": "Table key of `message`"}
    )
    params = fields.Function(
        lambda entry: entry.get("params") or {},
        metadata={
            **MESSAGE_PARAMS_SCHEMA,
            "description": "The numbers of `message` (kg, pallet places, clock times; words as table keys)",
        },
    )


class PlanSummarySchema(ResponseSchema):
    id = fields.Integer()
    terminal_id = fields.Integer()
    plan_date = fields.Date()
    version = fields.Integer()
    solver_status = fields.String()
    warm_started = fields.Boolean()
    wall_time_s = fields.Float()
    total_distance_m = fields.Float()
    total_cost = fields.Float()
    unassigned = fields.List(fields.Nested(UnassignedSchema))
    created_at = fields.DateTime()
    road_times_estimated = fields.Function(
        lambda plan: bool((plan.params or {}).get("road_times_estimated")),
        metadata={"type": "boolean", "description": "OSRM could not be reached: times are straight-line estimates"},
    )
    route_count = fields.Function(lambda plan: len(plan.routes), metadata={"type": "integer"})
    stop_count = fields.Function(lambda plan: sum(len(r.stops) for r in plan.routes), metadata={"type": "integer"})


class PlanSchema(PlanSummarySchema):
    routes = fields.List(fields.Nested(RouteSchema))


class PlanQuerySchema(BaseSchema):
    date = fields.Date(required=True)
    terminal_id = fields.Integer()


class FleetAdviceRequestSchema(BaseSchema):
    date = fields.Date(required=True, metadata={"description": "The planned day to advise on."})
    terminal_id = fields.Integer(metadata={"description": "Defaults to the first terminal."})


class FleetVehicleSchema(ResponseSchema):
    name = fields.String(metadata={"description": "A vehicle at hand, or the one an added vehicle is like"})
    like = fields.String(allow_none=True, metadata={"description": "Null for a vehicle at hand"})
    start = fields.String(metadata={"description": "HH:MM"})
    end = fields.String(metadata={"description": "HH:MM"})


class FleetOptionSchema(ResponseSchema):
    """The day planned with `size` vehicles."""

    size = fields.Integer()
    vehicles = Stored(FleetVehicleSchema, many=True)
    unassigned = fields.Integer()
    km = fields.Float()
    cost = fields.Float()
    trips = fields.Integer()
    vehicles_used = fields.Integer()


class AdviceStopSchema(ResponseSchema):
    job_key = fields.String()
    label = fields.String()
    windows = fields.List(fields.List(fields.String()), metadata={"description": "[[HH:MM, HH:MM], ...]"})


class FleetAdviceResultSchema(ResponseSchema):
    current = fields.Integer(metadata={"description": "Vehicles at hand"})
    needed = fields.Integer(
        allow_none=True, metadata={"description": "Fewest that serve every stop; null: more than max_size"}
    )
    max_size = fields.Integer()
    lower_bound = fields.Integer()
    solves = fields.Integer()
    learned = fields.Boolean(metadata={"description": "Planned with learned times (else the defaults)"})
    fewer = fields.Integer(allow_none=True)
    enough = fields.Integer(allow_none=True)
    more = fields.Integer(allow_none=True)
    options = Stored(FleetOptionSchema, many=True)
    binding = Stored(AdviceStopSchema, many=True, metadata={"description": "Left out with one vehicle fewer"})
    unservable = Stored(AdviceStopSchema, many=True)


class FleetAdviceSchema(ResponseSchema):
    id = fields.String()
    terminal_id = fields.Integer()
    plan_date = fields.Date()
    plan_id = fields.Integer(allow_none=True, metadata={"description": "The plan version advised on"})
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    result = Stored(FleetAdviceResultSchema, allow_none=True, metadata={"description": "Null until done"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
