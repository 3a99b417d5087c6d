"""Schemas for the driver's app: today's routes, events with proof of delivery, positions."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import DeviationCode, EventKind, StopKind, StopStatus, TemperatureClass
from samlast.schemas.common import BaseSchema, NestedOf, ResponseSchema, TextOf, lat_field, lon_field, one_of
from samlast.schemas.planning import BreakSchema
from samlast.schemas.rural import RideAlongStopSchema

MAX_PHOTOS = 5


class DriverLineSchema(ResponseSchema):
    order_line_id = fields.Integer(attribute="id")
    order_id = fields.Integer()
    order_external_id = fields.String(attribute="order.external_id")
    supplier_name = fields.String(attribute="order.supplier.name")
    from_stock = fields.Function(
        lambda line: line.order.supplier.terminal_stock_of is not None,
        metadata={"type": "boolean", "description": "Goods from the terminal's emergency stock"},
    )
    article = fields.String()
    quantity = fields.Float()
    terminal_quantity = fields.Float(
        allow_none=True, metadata={"description": "What arrived at the terminal (goods in); null until received"}
    )
    unit = fields.String()
    weight_kg = fields.Float()
    pallet_places = fields.Float()
    temperature_class = fields.Enum(TemperatureClass, by_value=True)


class DriverPlaceSchema(ResponseSchema):
    """The delivery point or the supplier a stop is at (an empty object if it has neither)."""

    may_omit = frozenset(
        ["name", "address", "access_notes", "unloading_place", "max_vehicle_length_m", "contact_name", "contact_phone"]
    )

    name = fields.String()
    address = fields.String()
    access_notes = fields.String()
    unloading_place = fields.String()
    max_vehicle_length_m = fields.Float(allow_none=True)
    contact_name = fields.String()
    contact_phone = fields.String()


class DriverStopSchema(ResponseSchema):
    id = fields.Integer()
    sequence = fields.Integer()
    job_key = fields.String()
    kind = fields.Enum(StopKind, by_value=True)
    status = fields.Enum(StopStatus, by_value=True)
    lat = fields.Float()
    lon = fields.Float()
    planned_arrival = fields.DateTime()
    planned_departure = fields.DateTime()
    time_windows = fields.List(fields.List(fields.String()))
    place = NestedOf(DriverPlaceSchema, get=lambda stop: stop.delivery_point or stop.supplier or {})
    lines = NestedOf(
        DriverLineSchema, get=lambda stop: [line for order in stop.orders for line in order.lines], many=True
    )


class DriverTerminalSchema(ResponseSchema):
    name = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class DriverRouteSchema(ResponseSchema):
    id = fields.Integer()
    plan_date = fields.Date(attribute="plan.plan_date")
    plan_version = fields.Integer(attribute="plan.version")
    version = fields.Integer()
    vehicle_name = fields.String(attribute="vehicle.name")
    trip = fields.Integer()
    planned_start = fields.DateTime()
    planned_end = fields.DateTime()
    distance_m = fields.Float()
    terminal = fields.Nested(DriverTerminalSchema, attribute="plan.terminal")
    breaks = fields.List(fields.Nested(BreakSchema))
    stops = fields.List(fields.Nested(DriverStopSchema))
    # Residents' consignments riding along (services/rural.py sets them on the route it answers).
    ride_along = NestedOf(RideAlongStopSchema, many=True, get=lambda route: getattr(route, "ride_along", None) or [])


class RouteQuerySchema(BaseSchema):
    date = fields.Date(metadata={"description": "Defaults to today (local time)."})


class ProofLineInputSchema(BaseSchema):
    order_line_id = fields.Integer(required=True)
    delivered_quantity = fields.Float(required=True, validate=validate.Range(min=0))
    temperature_c = fields.Float(allow_none=True, validate=validate.Range(-40, 40))
    deviation = fields.Enum(DeviationCode, by_value=True, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ReturnsSchema(BaseSchema):
    crates = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    roll_cages = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    pallets = fields.Integer(load_default=0, validate=validate.Range(0, 1000))


class ProofInputSchema(BaseSchema):
    receiver_name = fields.String(load_default="", validate=validate.Length(max=120))
    signature = fields.String(
        allow_none=True, metadata={"description": "PNG as a data URL (data:image/png;base64,...)"}
    )
    # metadata default: the document names the default (apispec leaves out a callable load_default).
    photos = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=MAX_PHOTOS),
        metadata={"description": "JPEG/PNG/WebP data URLs, downscaled on the phone", "default": []},
    )
    deviation = fields.Enum(
        DeviationCode, by_value=True, allow_none=True,
        metadata={"description": "For the whole stop, e.g. nobody_there or refused"},
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    lines = fields.List(fields.Nested(ProofLineInputSchema), load_default=list, metadata={"default": []})
    returns = fields.Nested(ReturnsSchema, load_default=dict, metadata={"default": {}})

    @validates_schema
    def _who_received(self, data, **kwargs):
        nobody = data.get("deviation") in (DeviationCode.NOBODY_THERE, DeviationCode.REFUSED)
        if not nobody and not data.get("receiver_name", "").strip():
            raise ValidationError(Message("field.receiver_name_required"), "receiver_name")


class DriverEventInputSchema(BaseSchema):
    client_id = fields.String(
        required=True, validate=validate.Length(min=8, max=64),
        metadata={"description": "Generated on the device; a replay with the same id is stored once."},
    )
    kind = fields.Enum(EventKind, by_value=True, required=True)
    plan_date = fields.Date(required=True)
    job_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    stop_id = fields.Integer(allow_none=True)
    recorded_at = fields.AwareDateTime(required=True, default_timezone=None)
    lat = lat_field(allow_none=True)
    lon = lon_field(allow_none=True)
    proof = fields.Nested(ProofInputSchema, allow_none=True)

    @validates_schema
    def _proof_where_needed(self, data, **kwargs):
        if data.get("kind") in (EventKind.DELIVER, EventKind.PICKUP) and not data.get("proof"):
            raise ValidationError(Message("field.proof_required"), "proof")


class DriverEventResultSchema(ResponseSchema):
    event_id = fields.Integer()
    client_id = fields.String()
    kind = one_of(EventKind)
    stop_id = fields.Integer(allow_none=True)
    stop_status = one_of(StopStatus, allow_none=True)
    flagged = fields.Boolean()
    flag_reason = fields.String()
    proof_id = fields.Integer(allow_none=True)
    receipt_url = fields.String(allow_none=True)
    replay = fields.Boolean()
    # Photos not stored because the server's disk was full (the proof itself is stored).
    photos_refused = fields.Integer(dump_default=0)
    photo_notice = TextOf("photo_notice_params")


class PositionInputSchema(BaseSchema):
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0))
    speed_mps = fields.Float(allow_none=True, validate=validate.Range(min=0))
    heading = fields.Float(allow_none=True, validate=validate.Range(0, 360))
    recorded_at = fields.AwareDateTime(required=True)
    route_id = fields.Integer(allow_none=True)


class PositionBatchSchema(BaseSchema):
    positions = fields.List(fields.Nested(PositionInputSchema), required=True, validate=validate.Length(min=1, max=500))


class AcceptedSchema(ResponseSchema):
    stored = fields.Integer()


class ProofLineOutSchema(ResponseSchema):
    article = fields.String()
    ordered_quantity = fields.Float()
    delivered_quantity = fields.Float()
    unit = fields.String()
    temperature_c = fields.Float(allow_none=True)
    deviation = fields.Enum(DeviationCode, by_value=True, allow_none=True)
    note = fields.String()


class ProofOutSchema(ResponseSchema):
    id = fields.Integer()
    event_client_id = fields.String(attribute="event.client_id")
    kind = fields.Enum(EventKind, by_value=True, attribute="event.kind")
    job_key = fields.String(attribute="event.job_key")
    plan_date = fields.Date(attribute="event.plan_date")
    recorded_at = fields.DateTime(
        attribute="event.recorded_at", metadata={"description": "The phone's clock, as reported"}
    )
    occurred_at = fields.DateTime(
        attribute="event.occurred_at",
        metadata={"description": "When it happened by the server's clock (orders events; the phone's clock corrected)"},
    )
    flagged = fields.Boolean(attribute="event.flagged")
    delivery_point_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    receiver_name = fields.String()
    note = fields.String()
    deviation = one_of(DeviationCode, allow_none=True, metadata={"description": "For the whole stop, or null"})
    # Past retention (services/personal_data.py) an image's bytes are removed and an empty value
    # marks that there was one: it is then no longer "there", but "erased".
    has_signature = fields.Function(lambda proof: bool(proof.signature_png), metadata={"type": "boolean"})
    signature_erased = fields.Function(lambda proof: proof.signature_png == b"", metadata={"type": "boolean"})
    photo_count = fields.Function(lambda proof: sum(1 for p in proof.photos if p.data), metadata={"type": "integer"})
    photos_erased = fields.Function(
        lambda proof: sum(1 for p in proof.photos if not p.data), metadata={"type": "integer"}
    )
    crates_returned = fields.Integer()
    roll_cages_returned = fields.Integer()
    pallets_returned = fields.Integer()
    lines = fields.List(fields.Nested(ProofLineOutSchema))
    receipt_url = fields.Function(lambda proof: f"/api/v1/proofs/{proof.id}/receipt.pdf", metadata={"type": "string"})


class ProofQuerySchema(BaseSchema):
    date = fields.Date()
    delivery_point_id = fields.Integer()


class FlaggedEventSchema(ResponseSchema):
    id = fields.Integer()
    client_id = fields.String()
    kind = fields.Enum(EventKind, by_value=True)
    plan_date = fields.Date()
    job_key = fields.String()
    driver = fields.String(attribute="user.username")
    recorded_at = fields.DateTime()
    flag_code = fields.String(attribute="flag_reason")
    flag_reason = TextOf("flag_params")
    resolved = fields.Boolean()
    proof_id = fields.Function(
        lambda e: e.proof.id if e.proof else None, allow_none=True, metadata={"type": "integer"}
    )


class ReturnBalanceSchema(ResponseSchema):
    delivery_point_id = fields.Integer()
    name = fields.String()
    crates = fields.Integer()
    roll_cages = fields.Integer()
    pallets = fields.Integer()
