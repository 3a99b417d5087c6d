"""Row schemas for CSV imports: one flat row of strings in, typed values out.

Column formats are documented in docs/import/README.md. Empty cells count as
missing. Decimal commas ("12,5") are accepted, as Swedish spreadsheets write them.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from samlast.i18n import Message, has, text
from samlast.i18n.web import request_locale
from samlast.models import DeliveryPointKind, EnergyType, JobStatus, SupplierKind, TemperatureClass
from samlast.schemas.common import (
    BaseSchema,
    ClockTime,
    ResponseSchema,
    TextOf,
    external_id_field,
    lat_field,
    lon_field,
    message_params,
    one_of,
    positive,
)

WEEKDAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "mån": 0, "tis": 1, "ons": 2, "tor": 3, "fre": 4, "lör": 5, "sön": 6,
}  # fmt: skip
_DAYS = r"(?P<first>[a-zåäö]{3})(?:\s*-\s*(?P<last>[a-zåäö]{3}))?"
_SPAN = r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})"


def parse_windows(text: str) -> list[dict[str, Any]]:
    """Parse "mon-fri 06:30-10:30 13:00-15:00; sat 08:00-10:00" into receiving windows."""
    windows: list[dict[str, Any]] = []
    for part in filter(None, (p.strip() for p in text.lower().split(";"))):
        match = re.fullmatch(_DAYS + r"\s+(?P<spans>.+)", part)
        if not match or match["first"] not in WEEKDAYS:
            raise ValidationError(Message("field.windows_unreadable", part=part))
        last = match["last"] or match["first"]
        if last not in WEEKDAYS or WEEKDAYS[last] < WEEKDAYS[match["first"]]:
            raise ValidationError(Message("field.windows_days", part=part))
        spans = re.findall(_SPAN, match["spans"])
        if not spans or re.sub(_SPAN, "", match["spans"]).strip():
            raise ValidationError(Message("field.windows_times", part=part))
        for start_text, end_text in spans:
            start, end = (_clock(start_text), _clock(end_text))
            if start >= end:
                raise ValidationError(Message("field.window_reversed", span=f"{start_text}-{end_text}"))
            for day in range(WEEKDAYS[match["first"]], WEEKDAYS[last] + 1):
                windows.append({"weekday": day, "start": start, "end": end})
    return windows


def _clock(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValidationError(Message("field.not_a_clock", value=text))
    return time(hours, minutes)


class Windows(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return parse_windows(str(value))


class NameList(fields.Field):
    """A list of names separated by "|", e.g. "Mejeri|Bröd"."""

    def _deserialize(self, value, attr, data, **kwargs):
        return [name.strip() for name in str(value).split("|") if name.strip()]


class RowSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # extra spreadsheet columns are ignored, not an error

    @pre_load
    def _clean(self, row: dict[str, Any], **kwargs) -> dict[str, Any]:
        cleaned = {}
        for key, value in row.items():
            if key is None:
                continue
            value = (value or "").strip()
            if value == "":
                continue
            if key in self.fields and isinstance(self.fields[key], fields.Float):
                value = value.replace(",", ".").replace(" ", "")
            cleaned[key.strip()] = value
        return cleaned


def _enum(enum_cls) -> fields.Enum:
    return fields.Enum(enum_cls, by_value=True, required=True)


class DeliveryPointRow(RowSchema):
    external_id = external_id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(max=160))
    kind = _enum(DeliveryPointKind)
    municipality = fields.String(required=True)
    address = fields.String(load_default="")
    lat = lat_field()
    lon = lon_field()
    service_time_min = fields.Integer(load_default=10, validate=validate.Range(0, 240))
    windows = Windows(load_default=list)
    access_notes = fields.String(load_default="")
    max_vehicle_length_m = positive()
    unloading_place = fields.String(load_default="")
    contact_name = fields.String(load_default="")
    contact_phone = fields.String(load_default="")
    contact_email = fields.String(load_default="")


class SupplierRow(RowSchema):
    external_id = external_id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(max=160))
    kind = _enum(SupplierKind)
    address = fields.String(load_default="")
    lat = lat_field()
    lon = lon_field()
    product_areas = NameList(load_default=list)
    contact_name = fields.String(load_default="")
    contact_phone = fields.String(load_default="")


class VehicleRow(RowSchema):
    external_id = external_id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(max=120))
    terminal = fields.String(required=True)
    energy_type = _enum(EnergyType)
    co2e_kg_per_km = positive(required=True)
    cost_per_km = positive(required=True)
    cost_per_hour = positive(required=True)
    shift_start = ClockTime(required=True)
    shift_end = ClockTime(required=True)
    length_m = positive()
    frozen_kg = positive(load_default=0.0)
    frozen_pallets = positive(load_default=0.0)
    chilled_kg = positive(load_default=0.0)
    chilled_pallets = positive(load_default=0.0)
    ambient_kg = positive(load_default=0.0)
    ambient_pallets = positive(load_default=0.0)


class OrderLineRow(RowSchema):
    order_external_id = external_id_field(required=True)
    delivery_point = fields.String(required=True)
    supplier = fields.String(required=True)
    requested_date = fields.Date(required=True)
    article = fields.String(required=True, validate=validate.Length(max=200))
    product_area = fields.String()
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    unit = fields.String(required=True, validate=validate.Length(max=16))
    weight_kg = positive(required=True)
    pallet_places = positive(load_default=0.0)
    volume_m3 = positive()
    temperature_class = fields.Enum(TemperatureClass, by_value=True)


ROW_SCHEMAS: dict[str, type[RowSchema]] = {
    "delivery_points": DeliveryPointRow,
    "suppliers": SupplierRow,
    "vehicles": VehicleRow,
    "orders": OrderLineRow,
}


class ImportResultSchema(ResponseSchema):
    kind = fields.String(metadata={"description": "The list imported into, e.g. delivery_points"})
    created = fields.Integer()
    updated = fields.Integer()
    message = fields.String()


class ImportRunErrorSchema(ResponseSchema):
    row = fields.Integer()
    column = fields.String()
    value = fields.String(metadata={"description": "The cell as written"})
    code = fields.String(metadata={"description": "The message's table key"})
    message = fields.Function(
        lambda e: text(e["code"], e.get("params") or {}, request_locale()) if has(e["code"]) else e["code"],
        metadata={"type": "string", "description": "What is wrong, in the language of Accept-Language"},
    )


class ImportRunResultSchema(ResponseSchema):
    ok = fields.Boolean(metadata={"description": "Imported (else refused, nothing written)"})
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(ImportRunErrorSchema))


class ImportRunSchema(ResponseSchema):
    """An import run off the request path: its addresses looked up with progress, then imported."""

    id = fields.String()
    kind = fields.String()
    file_name = fields.String()
    lookups = fields.Integer(metadata={"description": "Addresses the geocoder is asked for"})
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    result = fields.Nested(ImportRunResultSchema, allow_none=True, metadata={"description": "Null until done"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ImportFileSchema(BaseSchema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class PeppolDocumentResultSchema(ResponseSchema):
    kind = fields.String(metadata={"description": "Order, OrderChange or OrderCancellation"})
    order_external_id = fields.String()
    action = fields.String(metadata={"description": "created, updated or cancelled"})
    lines = fields.Integer()


class PeppolErrorSchema(ResponseSchema):
    row = fields.Integer(metadata={"description": "The line of the XML"})
    column = fields.String(metadata={"description": "The element's path"})
    value = fields.String()
    code = fields.String()
    message = fields.Function(lambda e: e["message"].render(request_locale()) if isinstance(e["message"], Message)
                              else str(e["message"]), metadata={"type": "string"})  # fmt: skip


class PeppolOutcomeSchema(ResponseSchema):
    file = fields.String()
    ok = fields.Boolean()
    result = fields.Nested(PeppolDocumentResultSchema, allow_none=True)
    errors = fields.List(fields.Nested(PeppolErrorSchema))


class PeppolImportSchema(ResponseSchema):
    documents = fields.List(fields.Nested(PeppolOutcomeSchema))
    imported = fields.Integer()
    refused = fields.Integer()


class PartyMappingInputSchema(BaseSchema):
    kind = one_of(["delivery_point", "supplier"], required=True)
    scheme = fields.String(load_default="", validate=validate.Length(max=16),
                           metadata={"description": "As the documents give it: 0088 (GLN), 0007, or empty for any"})
    identifier = fields.String(required=True, validate=validate.Length(min=1, max=64))
    target_id = fields.Integer(required=True, metadata={"description": "The delivery point's or supplier's id"})


class PartyMappingSchema(ResponseSchema):
    id = fields.Integer()
    kind = fields.String()
    scheme = fields.String()
    identifier = fields.String()
    delivery_point_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    target_name = fields.Function(
        lambda m: (m.delivery_point or m.supplier).name if (m.delivery_point or m.supplier) else "",
        metadata={"type": "string"},
    )


class RegisterImportFileSchema(ImportFileSchema):
    # A multipart body has one schema in the OpenAPI document: the form field is documented here
    # and read from the form by the view (webargs reads the "files" location from request.files only).
    selected = fields.String(
        metadata={"description": "Form field: the external ids (register codes) of the units to import, "
                  "separated by commas"},
    )


class RegisterPointSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()


class RegisterUnitSchema(ResponseSchema):
    external_id = fields.String(metadata={"description": "The register's code: school-unit code, or the list's id"})
    name = fields.String()
    kind = fields.String(metadata={"description": "school_kitchen (school units) or preschool"})
    municipality = fields.String()
    address = fields.String()
    lat = fields.Float(allow_none=True, metadata={"description": "Null: the address is looked up when imported"})
    lon = fields.Float(allow_none=True)
    existing = fields.Nested(RegisterPointSchema, allow_none=True,
                             metadata={"description": "The delivery point with this external id, if any"})  # fmt: skip


class RegisterOtherSchema(ResponseSchema):
    name = fields.String(metadata={"description": "The municipality as the file gives it (code or name)"})
    units = fields.Integer()


class RegisterPreviewSchema(ResponseSchema):
    source = fields.String()
    units = fields.List(fields.Nested(RegisterUnitSchema))
    other_municipalities = fields.Integer(metadata={"description": "Units left out: not in the cluster"})
    other_names = fields.List(fields.Nested(RegisterOtherSchema))
    inactive = fields.Integer(metadata={"description": "Units left out: not active in the register"})
    without_code = fields.List(fields.Nested(RegisterPointSchema), metadata={
        "description": "The cluster's municipalities without a municipality code (the register matches by code)"})


class RegisterImportResultSchema(ResponseSchema):
    created = fields.Integer()
    updated = fields.Integer()
    message = fields.String()
