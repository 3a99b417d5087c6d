"""Fields and base schemas shared by every resource."""

from __future__ import annotations

from datetime import time
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from samlast.i18n import Message, has, text
from samlast.i18n.web import request_locale


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class TextOf(fields.Field):
    """A stored message (table key in `attribute`, parameters in `params_attribute`) as the
    reader's text; the key and parameters are sent too (`<name>_key`, `<name>_params` fields)
    so a pushed copy can be rendered by the PWA in its own language."""

    def __init__(self, params_attribute: str, **kwargs: Any):
        self.params_attribute = params_attribute
        kwargs.setdefault("dump_only", True)
        kwargs.setdefault("metadata", {}).setdefault("description", "Text in the language of Accept-Language")
        super().__init__(**kwargs)

    def _serialize(self, value: str | None, attr, obj, **kwargs):
        if not value:
            return ""
        params = getattr(obj, self.params_attribute, None) if not isinstance(obj, dict) else obj.get(
            self.params_attribute
        )
        return text(value, params or {}, request_locale()) if has(value) else value


class ClockTime(fields.Field):
    """A time of day as "HH:MM" (24 h), e.g. "06:30"."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "06:30"}
        )
        super().__init__(**kwargs)

    def _serialize(self, value: time | None, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value, attr, data, **kwargs) -> time:
        if isinstance(value, time):
            return value
        if not isinstance(value, str):
            raise ValidationError(Message("field.not_time"))
        try:
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        except (ValueError, TypeError):
            raise ValidationError(Message("field.not_time")) from None


def lat_field(**kwargs: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), **kwargs)


def lon_field(**kwargs: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), **kwargs)


def name_field(max_length: int = 160, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def external_id_field(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(r"^\S+$", error=Message("field.no_spaces")),
        ],
        **kwargs,
    )


def positive(**kwargs: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(min=0), **kwargs)


class ListQuerySchema(BaseSchema):
    q = fields.String(metadata={"description": "Case-insensitive search in names."})
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 2000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class MessageSchema(BaseSchema):
    message = fields.String()


class ErrorDetailSchema(Schema):
    code = fields.String(metadata={"description": "Stable, machine-readable, e.g. booking.slot_full"})
    params = fields.Dict(metadata={"description": "The values in the message, e.g. {\"free_kg\": 120}"})
    message = fields.String(metadata={"description": "In the language of Accept-Language (Swedish by default)"})
    fields = fields.Dict(metadata={"description": "Messages per field (or row), in the same language"})


class ErrorSchema(Schema):
    """The one error shape every endpoint answers with (samlast.errors)."""

    error = fields.Nested(ErrorDetailSchema, required=True)
