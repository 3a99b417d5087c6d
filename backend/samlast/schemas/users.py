"""Schemas for users and logging in."""

from __future__ import annotations

from flask import current_app
from marshmallow import fields, validate

from samlast.i18n import Message
from samlast.models import Role
from samlast.schemas.common import BaseSchema, ResponseSchema


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(
        required=True,
        validate=[
            validate.Length(min=3, max=80),
            validate.Regexp(r"^[a-z0-9._-]+$", error=Message("field.username_chars")),
        ],
    )
    display_name = fields.String(validate=validate.Length(max=120))
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))
    role = fields.Enum(Role, by_value=True, required=True)
    supplier_id = fields.Integer(allow_none=True)
    terminal_id = fields.Integer(allow_none=True, metadata={"description": "Terminal staff only: where they work."})
    delivery_point_ids = fields.List(fields.Integer())
    active = fields.Boolean()
    locale = fields.String(validate=validate.OneOf(["sv", "en"]))
    time_zone = fields.Function(
        lambda _user: current_app.config["TIMEZONE"],
        dump_only=True,
        metadata={"type": "string", "description": "The cluster's time zone, in which every time of a plan is shown"},
    )


class UserOutSchema(ResponseSchema, UserSchema):
    """A user as answered."""

    class Meta(UserSchema.Meta):
        exclude = ("password",)


class LoginSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1))
    device = fields.String(load_default="", validate=validate.Length(max=120))


class OidcConfigSchema(ResponseSchema):
    enabled = fields.Boolean(metadata={"description": "Whether the municipal sign-in is offered"})
    provider_name = fields.String(metadata={"description": "The municipality or provider, for the button"})
    login_url = fields.String(metadata={"description": "Where the browser goes to sign in"})


class OidcExchangeSchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(min=8, max=200))
    device = fields.String(load_default="", validate=validate.Length(max=120))


class TokenSchema(ResponseSchema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserOutSchema)
