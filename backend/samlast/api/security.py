"""Who is asking: bearer token authentication and role checks for every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from samlast.errors import Forbidden, Unauthorized
from samlast.models import Role, User
from samlast.services import audit
from samlast.services import auth as auth_service

BEARER_SCHEME = {"bearerAuth": []}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_user() -> User:
    return g.current_user


def token_user() -> User | None:
    """The active user behind this request's bearer token, or None; looked up once per request
    (the write limit asks before the view does). Kept on the request, not on `g`: an app context
    (and its `g`) can outlive many requests, as in tests and CLI commands."""
    if "samlast.token_user" not in request.environ:
        token = bearer_token()
        request.environ["samlast.token_user"] = (
            auth_service.user_for_token(token) if token else None
        )
    return request.environ["samlast.token_user"]


def require_roles(*roles: Role) -> Callable:
    """Decorator: the caller must hold a valid token and one of `roles` (any role if none)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            user = token_user()
            if user is None:
                raise Unauthorized()
            if roles and user.role not in roles:
                raise Forbidden()
            g.current_user = user
            g.current_token = bearer_token()
            # What the request changes is recorded as this user's (samlast.services.audit).
            with audit.acting_as(user):
                return view(*args, **kwargs)

        # Documented in the OpenAPI document as needing a token.
        wrapper._apidoc = getattr(view, "_apidoc", {})  # type: ignore[attr-defined]
        wrapper._apidoc.setdefault("manual_doc", {}).setdefault("security", [BEARER_SCHEME])
        return wrapper

    return decorator


COORDINATOR = (Role.COORDINATOR,)
