"""Socket.IO connections authenticate with the same bearer token as the API."""

from __future__ import annotations

from typing import Any

from flask import request

from samlast.models import User
from samlast.services import auth as auth_service


def user_from_auth(auth: Any) -> User | None:
    """The user of the token in the connect `auth` payload ({"token": ...}) or the header."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
    return auth_service.user_for_token(token) if token else None
