"""Schemas of the rural service: consignments, their hand-overs and the public tracking page."""

from __future__ import annotations

from marshmallow import fields, validate

from samlast.i18n.web import request_locale
from samlast.models import ConsignmentKind, ConsignmentStatus, HandoverKind, SizeClass, TemperatureClass
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of
from samlast.schemas.recipient import DATE_RANGE


def _rendered(message) -> str | None:
    return message.render(request_locale()) if message is not None else None


class ConsignmentInputSchema(BaseSchema):
    kind = fields.Enum(ConsignmentKind, by_value=True, required=True)
    pickup_point_id = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "Null: the terminal; agents default to their own point"},
    )
    destination_point_id = fields.Integer(required=True, metadata={"description": "A service point or parcel locker"})
    size_class = fields.Enum(SizeClass, by_value=True, required=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True, allow_none=True, load_default=None)
    resident_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    resident_phone = fields.String(load_default="", validate=validate.Length(max=40))
    resident_email = fields.String(load_default="", validate=validate.Length(max=160))
    reference = fields.String(load_default="", validate=validate.Length(max=80))
    available_from = fields.Date(allow_none=True, load_default=None, validate=DATE_RANGE)
    latest_date = fields.Date(
        allow_none=True,
        load_default=None,
        validate=DATE_RANGE,
        metadata={"description": "The wait limit; default a week after available_from"},
    )


class ConsignmentCsvRowSchema(BaseSchema):
    kind = fields.Enum(ConsignmentKind, by_value=True, required=True)
    destination = fields.String(required=True, validate=validate.Length(min=1, max=64))
    pickup = fields.String(validate=validate.Length(min=1, max=64))
    size_class = fields.Enum(SizeClass, by_value=True, required=True)
    temperature_class = fields.Enum(TemperatureClass, by_value=True)
    resident_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    resident_phone = fields.String(validate=validate.Length(max=40))
    resident_email = fields.String(validate=validate.Length(max=160))
    reference = fields.String(validate=validate.Length(max=80))
    available_from = fields.Date(validate=DATE_RANGE)
    latest_date = fields.Date(validate=DATE_RANGE)


class ConsignmentQuerySchema(BaseSchema):
    status = fields.Enum(ConsignmentStatus, by_value=True)


class ConsignmentSchema(ResponseSchema):
    id = fields.Integer()
    tracking_code = fields.String()
    kind = one_of(ConsignmentKind)
    status = one_of(ConsignmentStatus)
    pickup_point_id = fields.Integer(allow_none=True)
    pickup_name = fields.Function(
        lambda c: c.pickup_point.name if c.pickup_point else None, allow_none=True, metadata={"type": "string"}
    )
    destination_point_id = fields.Integer()
    destination_name = fields.Function(lambda c: c.destination_point.name, metadata={"type": "string"})
    size_class = one_of(SizeClass)
    temperature_class = one_of(TemperatureClass, allow_none=True)
    resident_name = fields.String()
    resident_phone = fields.String()
    resident_email = fields.String()
    reference = fields.String()
    available_from = fields.Date()
    latest_date = fields.Date()
    planned_date = fields.Date(allow_none=True, metadata={"description": "The day it rides along; null: waiting"})
    planned_drop_at = fields.DateTime(allow_none=True)
    arrival_date = fields.Date(allow_none=True, metadata={"description": "The day it reaches its destination"})
    transfer = fields.Function(
        lambda c: c.transfer_route_id is not None or c.status == ConsignmentStatus.AT_HUB,
        metadata={"type": "boolean", "description": "It changes vehicles at a hub on its way"},
    )
    hub_name = fields.Function(
        lambda c: c.hub_point.name if c.hub_point else None,
        allow_none=True,
        metadata={"type": "string", "description": "The village hub it changes vehicles at; null: the terminal"},
    )
    unplanned_reason = fields.Function(
        lambda c: _unplanned(c),
        allow_none=True,
        metadata={"description": "Why no route takes it, in the reader's language", "type": "string"},
    )
    compartment_number = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


def _unplanned(consignment) -> str | None:
    from samlast.i18n import Message

    reason = consignment.unplanned_reason
    return _rendered(Message(reason["key"], **reason.get("params", {}))) if reason else None


class ImportedConsignmentsSchema(ResponseSchema):
    created = fields.Integer()
    consignments = fields.List(fields.Nested(ConsignmentSchema))


class PlanRideAlongSchema(ResponseSchema):
    planned = fields.Integer()
    unplanned = fields.Integer()


class PlaceSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Function(lambda p: p.kind.value, metadata={"type": "string"})
    address = fields.String()
    municipality = fields.Function(lambda p: p.municipality.name, metadata={"type": "string"})


class HandoverInputSchema(BaseSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    tracking_code = fields.String(required=True, validate=validate.Length(min=4, max=32))
    kind = fields.Enum(HandoverKind, by_value=True, required=True)
    signed_by_name = fields.String(load_default="", validate=validate.Length(max=120))
    signature = fields.String(allow_none=True, load_default=None, metadata={"description": "data:image/png URL"})
    compartment_number = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=999))
    recorded_at = fields.AwareDateTime(required=True)


class CollectInputSchema(BaseSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    pickup_code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    recorded_at = fields.AwareDateTime(required=True)


class HandoverResultSchema(ResponseSchema):
    handover_id = fields.Integer()
    client_id = fields.String()
    consignment_id = fields.Integer()
    status = one_of(ConsignmentStatus)
    replay = fields.Boolean()


class OpeningHoursSchema(ResponseSchema):
    weekday = fields.Integer(metadata={"description": "0 = Monday"})
    start = fields.String()
    end = fields.String()


class CollectAtSchema(ResponseSchema):
    name = fields.String()
    address = fields.String()
    locker = fields.Boolean()
    opening_hours = fields.List(fields.Nested(OpeningHoursSchema))


class TrackingSchema(ResponseSchema):
    tracking_code = fields.String()
    kind = one_of(ConsignmentKind)
    status = one_of(ConsignmentStatus)
    expected_date = fields.Date(allow_none=True)
    latest_date = fields.Date()
    waiting_reason = fields.Function(
        lambda t: _rendered(t["waiting_reason"]), allow_none=True, metadata={"type": "string"}
    )
    collect_at = fields.Nested(CollectAtSchema)
    compartment_number = fields.Integer(allow_none=True, metadata={"description": "Once in the locker"})
    pickup_code = fields.String(allow_none=True, metadata={"description": "Opens the compartment; once in the locker"})


class RideAlongStopSchema(ResponseSchema):
    consignment_id = fields.Integer()
    tracking_code = fields.String()
    kind = one_of(ConsignmentKind)
    size_class = one_of(SizeClass)
    status = one_of(ConsignmentStatus)
    action = one_of(["pickup", "drop"])
    handover = one_of(HandoverKind, metadata={"description": "The hand-over the driver records at this stop"})
    hub = fields.Boolean(metadata={"description": "A change of vehicles (place_name null: at the terminal)"})
    after_sequence = fields.Integer(allow_none=True, metadata={"description": "-1: at the start, at the terminal"})
    planned_at = fields.DateTime(allow_none=True)
    place_name = fields.String(allow_none=True)
    address = fields.String()
    locker = fields.Boolean()
    done = fields.Boolean(metadata={"description": "Its hand-over is recorded"})


class FiguresQuerySchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", validate=DATE_RANGE)
    to = fields.Date(validate=DATE_RANGE)


class RuralFiguresSchema(ResponseSchema):
    village = fields.String()
    week = fields.String(metadata={"description": "ISO week, e.g. 2026-V49"})
    consignments = fields.Integer()
    extra_km = fields.Float(metadata={"description": "What carrying them added to the routes"})
    extra_min = fields.Float()
    extra_co2e_kg = fields.Float()
    avoided_trips = fields.Integer(metadata={"description": "Residents' round trips to the pickup place saved"})
    avoided_km = fields.Float()
    avoided_co2e_kg = fields.Float()
