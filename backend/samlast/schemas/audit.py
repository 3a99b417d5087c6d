"""The audit trail's query and answer (samlast.services.audit)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import AUDIT_ACTIONS, AUDIT_SOURCES
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of


class AuditQuerySchema(BaseSchema):
    entity = fields.String(metadata={"description": "A table's name, e.g. delivery_point"})
    entity_id = fields.String()
    action = one_of(AUDIT_ACTIONS)
    source = one_of(AUDIT_SOURCES)
    actor = fields.String(metadata={"description": "Part of the actor's name (case-insensitive)"})
    actor_user_id = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from", metadata={"description": "First local day"})
    to = fields.Date(metadata={"description": "Last local day"})
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 2000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            raise ValidationError(Message("field.not_before_start"), "to")


class AuditExportQuerySchema(AuditQuerySchema):
    limit = fields.Integer(load_default=100_000, validate=validate.Range(1, 100_000))


class AuditEntrySchema(ResponseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    actor_name = fields.String(metadata={"description": "Empty: the system"})
    source = one_of(AUDIT_SOURCES)
    action = one_of(AUDIT_ACTIONS)
    entity = fields.String()
    entity_id = fields.String()
    changes = fields.Dict(
        keys=fields.String(),
        metadata={"description": "update: {field: [old, new]}; create and delete: {field: value}"},
    )
