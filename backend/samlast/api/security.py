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


def require_roles(*roles: Role) -> Callable:
    """Decorator: the caller must hold a valid token and one of `roles` (any role if none)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            token = bearer_token()
            user = auth_service.user_for_token(token) if token else None
            if user is None:
                raise Unauthorized()
            if roles and user.role not in roles:
                raise Forbidden()
            g.current_user = user
            g.current_token = token
            # What the request changes is recorded as this user's (samlast.services.audit).
            with audit.acting_as(user):
                return view(*args, **kwargs)

        # Documented in the OpenAPI document as needing a token.
        wrapper._apidoc = getattr(view, "_apidoc", {})  # type: ignore[attr-defined]
        wrapper._apidoc.setdefault("manual_doc", {}).setdefault("security", [BEARER_SCHEME])
        return wrapper

    return decorator


COORDINATOR = (Role.COORDINATOR,)
