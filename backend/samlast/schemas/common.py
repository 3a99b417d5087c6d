"""Fields and base schemas shared by every resource."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import time
from typing import Any, ClassVar

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, missing, validate

from samlast.i18n import Message, has, text
from samlast.i18n.web import request_locale


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class ResponseSchema(BaseSchema):
    """A schema that is only dumped: an answer. Every field it dumps is documented as required (an
    answer always has it) unless named in `may_omit`. The PWA's types are generated from the OpenAPI
    document (pwa/openapi.json), so they then say which fields the PWA can count on. marshmallow checks
    `required` only when loading, so the answer itself does not change."""

    #: Fields an answer may leave out (a key missing from a stored JSON object, say).
    may_omit: ClassVar[frozenset[str]] = frozenset()

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        super().on_bind_field(field_name, field_obj)
        if not field_obj.load_only and field_name not in self.may_omit:
            field_obj.required = True


class StoredObjectSchema(ResponseSchema):
    """Documents a JSON object the server stored and answers as it is (see `Stored`) in part: the keys
    listed are the ones a client can count on; others may be there too."""

    class Meta(ResponseSchema.Meta):
        unknown = INCLUDE


class Stored(fields.Nested):
    """A stored JSON object (or list of them, `many=True`) answered as it is, not dumped through the
    schema that documents it (a ResponseSchema that lists every key, or a StoredObjectSchema), which
    would drop the keys it does not list."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return nested_obj


class _Computed(fields.Field):
    """Dumps what `get` takes out of the object (a stop's place: its delivery point or its supplier).
    Unlike fields.Function, the OpenAPI document describes the value as the field class it is mixed into."""

    def __init__(self, *args: Any, get: Callable[[Any], Any], **kwargs: Any):
        self.get = get
        super().__init__(*args, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self.get(obj)


class NestedOf(_Computed, fields.Nested):
    """A nested schema (or list of them, `many=True`) dumped from what `get` takes out of the object."""


class StoredDictOf(_Computed, fields.Dict):
    """A stored JSON mapping that `get` takes out of the object, answered as it is (see `Stored`)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


def one_of(choices: type[enum.Enum] | Iterable[str], **kwargs: Any) -> fields.String:
    """A string that is one of `choices` (an enum's values): an enum in the OpenAPI document, where
    the value is answered as a plain string rather than as an enum member (fields.Enum)."""
    values = [member.value for member in choices] if isinstance(choices, type) else list(choices)
    return fields.String(validate=validate.OneOf(values), **kwargs)


class TextOf(fields.Field):
    """A stored message (table key in `attribute`, parameters in `params_attribute`) as the
    reader's text; the key and parameters are sent too (`<name>_key`, `<name>_params` fields)
    so a pushed copy can be rendered by the PWA in its own language."""

    def __init__(self, params_attribute: str, **kwargs: Any):
        self.params_attribute = params_attribute
        kwargs.setdefault("dump_only", True)
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("description", "Text in the language of Accept-Language")
        metadata.setdefault("type", "string")
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


def component_ref(component: str) -> dict[str, str]:
    """A reference to a schema of the OpenAPI document."""
    return {"$ref": f"#/components/schemas/{component}"}


#: The parameters of a server message by name (see MESSAGE_COMPONENTS).
MESSAGE_PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": component_ref("MessageParam")}

#: Components of the OpenAPI document written as JSON Schema (registered by samlast.api): a server
#: message as JSON (samlast.i18n.Message.as_json), which the PWA renders in its reader's language,
#: and a value of its parameters (a nested message, or a list, for "frozen, chilled").
MESSAGE_COMPONENTS: dict[str, dict[str, Any]] = {
    "KeyedMessage": {
        "type": "object",
        "required": ["key"],
        "properties": {
            "key": {"type": "string", "description": "Key of the word tables"},
            "params": MESSAGE_PARAMS_SCHEMA,
        },
    },
    "MessageParam": {
        "anyOf": [
            {"type": "string"},
            {"type": "number"},
            component_ref("KeyedMessage"),
            {"type": "array", "items": component_ref("MessageParam")},
        ]
    },
}


def message_params(**kwargs: Any) -> fields.Dict:
    """The parameters of a server message by name."""
    kwargs.setdefault("metadata", {}).update(MESSAGE_PARAMS_SCHEMA)
    return fields.Dict(keys=fields.String(), **kwargs)


def keyed_message(**kwargs: Any) -> fields.Raw:
    """A server message as JSON: {"key", "params"} (see MESSAGE_COMPONENTS)."""
    kwargs.setdefault("metadata", {})["allOf"] = [component_ref("KeyedMessage")]
    return fields.Raw(**kwargs)


def nullable_reference(self, field: fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An apispec attribute function: a nullable nested schema as `anyOf` [the schema, null] (null
    written the OpenAPI 3.0 way) rather than apispec's `anyOf` [the schema, any object or null], so that
    the PWA's generated type is "the schema or null", not "the schema, an empty object or null"."""
    any_object = {"type": "object", "nullable": True}
    any_of = ret.get("anyOf")
    if field.allow_none and any_of and len(any_of) == 2 and any_object in any_of:
        del ret["anyOf"]
        return {"anyOf": [*(schema for schema in any_of if schema != any_object), {**any_object, "enum": [None]}]}
    return {}


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


class MessageSchema(ResponseSchema):
    message = fields.String()


class ErrorDetailSchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "Stable, machine-readable, e.g. booking.slot_full"}
    )
    params = message_params(
        required=True, metadata={"description": "The values in the message, e.g. {\"free_kg\": 120}"}
    )
    message = fields.String(
        required=True, metadata={"description": "In the language of Accept-Language (Swedish by default)"}
    )
    fields = fields.Dict(
        required=True, metadata={"description": "Messages per field (or row), in the same language"}
    )


class ErrorSchema(Schema):
    """The one error shape every endpoint answers with (samlast.errors)."""

    error = fields.Nested(ErrorDetailSchema, required=True)
