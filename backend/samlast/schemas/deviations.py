"""Schemas of the coordinator's deviations: listed, handled with a note, opened again."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates

from samlast.i18n import Message
from samlast.models import DeviationActionKind, DeviationStatus
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of


class DeviationListArgsSchema(BaseSchema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))


class DeviationActionSchema(ResponseSchema):
    action = one_of(DeviationActionKind)
    by_name = fields.String()
    note = fields.String()
    at = fields.DateTime()


class DeviationReporterSchema(ResponseSchema):
    name = fields.String(metadata={"description": "The name typed on the kitchen's shared device"})
    account = fields.String()
    at = fields.DateTime()


class DeviationSchema(ResponseSchema):
    """A deviation as facts, and (code_text, description) in the language of Accept-Language."""

    id = fields.Integer()
    delivery_point_id = fields.Integer()
    delivery_point_name = fields.String()
    plan_date = fields.Date()
    proof_id = fields.Integer(allow_none=True)
    confirmation_id = fields.Integer(allow_none=True)
    order_line_id = fields.Integer(allow_none=True)
    code = fields.String(metadata={"description": "receipt_mismatch, or the code the kitchen reported"})
    code_text = fields.String(metadata={"description": "The code in words"})
    structured = fields.Boolean(metadata={"description": "False: an old row known only by its description"})
    article = fields.String()
    unit = fields.String()
    ordered = fields.Float(allow_none=True)
    delivered = fields.Float(allow_none=True, metadata={"description": "Left by the driver; null: no proof"})
    received = fields.Float(allow_none=True, metadata={"description": "Received by the kitchen"})
    found_at_terminal = fields.Boolean(metadata={"description": "Found at goods in, before any truck left"})
    terminal_quantity = fields.Float(allow_none=True, metadata={"description": "Arrived from the supplier"})
    driver_code = fields.String(allow_none=True, metadata={"description": "As the driver reported it"})
    kitchen_code = fields.String(allow_none=True, metadata={"description": "As the kitchen reported it"})
    note = fields.String(metadata={"description": "The kitchen's note on the line"})
    description = fields.String(metadata={"description": "The whole deviation in words"})
    reported_by = fields.Nested(DeviationReporterSchema, allow_none=True)
    status = one_of(DeviationStatus)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by_name = fields.String(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    actions = fields.List(fields.Nested(DeviationActionSchema), metadata={"description": "Oldest first"})


class ResolveDeviationSchema(BaseSchema):
    note = fields.String(
        required=True,
        validate=validate.Length(max=2000),
        error_messages={"required": Message("field.resolution_note_required")},
        metadata={"description": "Who handled it and how"},
    )

    @validates("note")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError(Message("field.resolution_note_required"))


class ReopenDeviationSchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "Why"})


