"""Schemas for region planning: candidate terminal sites and region analyses."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import JobStatus
from samlast.schemas.common import BaseSchema, ResponseSchema, TextOf, message_params

MAX_DAYS = 62


class RegionSiteInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    fixed_sek_per_year = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=1e9),
        metadata={"description": "Rent or capital cost and staff that do not depend on volume, SEK a year."},
    )
    handling_sek_per_pallet = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "Cross-docking cost per pallet place through the terminal, SEK."},
    )
    note = fields.String(load_default="", validate=validate.Length(max=255))


class RegionSiteSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    fixed_sek_per_year = fields.Float()
    handling_sek_per_pallet = fields.Float()
    note = fields.String()


class RegionClusterSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    municipalities = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class RegionRequestSchema(BaseSchema):
    name = fields.String(load_default="", validate=validate.Length(max=160))
    date_from = fields.Date(required=True, metadata={"description": "First order date, inclusive."})
    date_to = fields.Date(required=True, metadata={"description": "Last order date, inclusive."})
    municipalities = fields.List(fields.String(), metadata={"description": "Defaults to every municipality."})
    clusters = fields.List(
        fields.Nested(RegionClusterSchema),
        load_default=list,
        metadata={"description": "The clusters the user names, compared as one option."},
    )
    site_ids = fields.List(fields.Integer(), metadata={"description": "Defaults to every stored site."})
    propose = fields.String(
        validate=validate.OneOf(["towns", "grid"]),
        metadata={"description": "Also propose sites at each municipality's centre or on a grid."},
    )
    grid_km = fields.Float(validate=validate.Range(min=1, max=200))
    fixed_sek_per_year = fields.Float(
        validate=validate.Range(min=0, max=1e9), metadata={"description": "Fixed yearly cost of a proposed site, SEK."}
    )
    handling_sek_per_pallet = fields.Float(
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "Handling of a proposed site, SEK per pallet."},
    )
    max_sites = fields.Integer(validate=validate.Range(min=1, max=100))
    weeks_per_year = fields.Float(validate=validate.Range(min=1, max=53))
    sample_days = fields.Integer(
        validate=validate.Range(min=1, max=MAX_DAYS),
        metadata={"description": "Days of orders priced by the impact analysis (7)."},
    )
    time_limit_s = fields.Float(
        validate=validate.Range(min=0.1, max=30),
        metadata={"description": "Solver limit per planning run of the pricing, s."},
    )

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise ValidationError(Message("field.not_before_start"), "date_to")
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError(Message("field.max_days", max=MAX_DAYS), "date_to")


class RegionRunSummarySchema(ResponseSchema):
    id = fields.String()
    name = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    parameters = fields.Dict()
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class RegionRunSchema(RegionRunSummarySchema):
    result = fields.Dict(
        allow_none=True,
        metadata={
            "description": "samlast.impact.region.analyse_region's answer: municipalities, sites, estimate, "
            "options (groups with weekly figures, yearly SEK, per-municipality rows), sample, notes; "
            "null until done."
        },
    )


class RegionListQuerySchema(BaseSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
