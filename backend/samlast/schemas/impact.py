"""Schemas for impact analysis reports (free delivery vs coordinated distribution)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.impact.model import AS_ORDERED, BY_KIND, FIXED_2
from samlast.models import JobStatus
from samlast.schemas.common import BaseSchema, TextOf

MAX_DAYS = 62
PATTERNS = (AS_ORDERED.name, FIXED_2.name, BY_KIND.name)


class ImpactRequestSchema(BaseSchema):
    name = fields.String(load_default="", validate=validate.Length(max=160))
    date_from = fields.Date(required=True, metadata={"description": "First order date, inclusive."})
    date_to = fields.Date(required=True, metadata={"description": "Last order date, inclusive."})
    terminal_id = fields.Integer(metadata={"description": "Defaults to the first terminal."})
    time_limit_s = fields.Float(
        validate=validate.Range(min=0.1, max=120),
        metadata={"description": "Solver limit per planning run (supplier-day, terminal day), s."},
    )
    shapley_time_limit_s = fields.Float(
        validate=validate.Range(min=0.1, max=60),
        metadata={"description": "Solver limit per coalition-day of the cost split, s."},
    )
    shapley = fields.Boolean(
        metadata={"description": "Compute the Shapley cost split (2^n - 1 coalition runs a day)."}
    )
    primary_pattern = fields.String(
        validate=validate.OneOf(PATTERNS),
        metadata={"description": "Delivery-day pattern for the headline and the cost split."},
    )

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise ValidationError(Message("field.not_before_start"), "date_to")
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError(Message("field.max_days", max=MAX_DAYS), "date_to")


class ImpactReportSummarySchema(BaseSchema):
    id = fields.String()
    name = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    terminal_id = fields.Integer(allow_none=True)
    parameters = fields.Dict()
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = fields.Dict(dump_only=True)
    headline = fields.Function(
        lambda report: (report.result or {}).get("comparison"),
        metadata={"description": "Per average week: free delivery, coordinated, relative change."},
    )
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ImpactReportSchema(ImpactReportSummarySchema):
    result = fields.Dict(
        allow_none=True,
        metadata={"description": "The full report (km, kg CO2e, SEK, hours, kg); null until done."},
    )


class ImpactListQuerySchema(BaseSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
