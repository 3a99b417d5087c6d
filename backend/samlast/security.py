"""HTTP hardening: security headers (CSP fit for the PWA and ReDoc) and a per-user write limit.

`init_app(app)` is called by create_app(). Settings (config.py):

- ``WRITE_RATE_LIMIT``: e.g. ``"600 per minute"``; every POST/PUT/PATCH/DELETE under
  ``/api/`` counts against the caller's user (their bearer token's user; the client
  address without a token). Empty disables it. It is off while ``TESTING`` unless
  ``WRITE_RATE_LIMIT_IN_TESTS`` is set (a test that checks the limit sets it).
- ``RATELIMIT_ENABLED`` (Flask-Limiter's switch) turns it off together with the login limit.
- ``MAX_CONTENT_LENGTH`` bounds every request body (413 beyond it).
"""

from __future__ import annotations

import hashlib
import time

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask.typing import ResponseReturnValue
from limits import parse
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from samlast.errors import error_response
from samlast.i18n import Message

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

TILES = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"

# The PWA: own scripts only (Vite emits no inline script), map tiles from OpenStreetMap,
# photos from the camera as blob:/data:, Socket.IO on the same origin (ws/wss).
APP_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: blob: {TILES}",
        "font-src 'self' data:",
        "connect-src 'self' {ws}",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# ReDoc (/api/docs) injects its styles and runs its search in a blob: worker.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://cdn.redoc.ly",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()"
    ),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(path: str, host: str = "") -> str:
    if path.rstrip("/") == "/api/docs":
        return DOCS_CSP
    # 'self' covers ws/wss of the same origin only in newer browsers: name them explicitly.
    host = "".join(ch for ch in host if ch.isalnum() or ch in ".-:[]")
    return APP_CSP.format(ws=f"ws://{host} wss://{host}" if host else "")


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _set_headers(response):
    started = g.get("request_started")
    if started is not None:
        # Server-Timing: the time spent in the app, so a client (bench/load.py, the browser's
        # dev tools) can tell server work from network and queueing.
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    response.headers.setdefault(
        "Content-Security-Policy", content_security_policy(request.path, request.host)
    )
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def _write_limit_applies() -> str | None:
    if request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
        return None
    config = current_app.config
    limit = (config.get("WRITE_RATE_LIMIT") or "").strip()
    if not limit or not config.get("RATELIMIT_ENABLED", True):
        return None
    if current_app.testing and not config.get("WRITE_RATE_LIMIT_IN_TESTS"):
        return None
    return limit


def _caller_key() -> str:
    """The user behind the bearer token (all their devices share one budget), else the address."""
    from samlast.api.security import bearer_token
    from samlast.extensions import db
    from samlast.models import AuthToken

    token = bearer_token()
    if token:
        digest = hashlib.sha256(token.encode()).hexdigest()
        user_id = db.session.scalar(
            sa.select(AuthToken.user_id).where(AuthToken.token_hash == digest)
        )
        if user_id is not None:
            return f"user:{user_id}"
    return f"addr:{request.remote_addr or '-'}"


def _check_write_limit() -> ResponseReturnValue | None:
    limit_text = _write_limit_applies()
    if limit_text is None:
        return None
    from samlast.extensions import limiter

    item = parse(limit_text)
    key = _caller_key()
    if limiter.limiter.hit(item, "samlast-write", key):
        return None
    reset_at, _ = limiter.limiter.get_window_stats(item, "samlast-write", key)
    per = Message(f"unit.{item.GRANULARITY.name}")
    response, status = error_response(429, "write_rate_limited", {"limit": item.amount, "per": per})
    response.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return response, status


# Numbers beyond what the database stores (ids, offsets) are a client error, never a 500.
MAX_DB_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in URLs matches only ids the database can hold (PostgreSQL integer)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's signature)
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


def _out_of_range(exc: Exception):
    from samlast.extensions import db

    db.session.rollback()
    return error_response(422, "number_out_of_range")


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (the int converter applies to later routes)."""
    app.config.setdefault("WRITE_RATE_LIMIT", "600 per minute")
    app.url_map.converters["int"] = BoundedIntConverter
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _out_of_range)
    app.before_request(_start_clock)
    app.before_request(_check_write_limit)
    app.after_request(_set_headers)
