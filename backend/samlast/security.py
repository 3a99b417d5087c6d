"""HTTP hardening: security headers (Flask-Talisman, a CSP fit for the PWA and ReDoc), a per-user
write limit (Flask-Limiter), and bounds on ids and numbers.

`init_app(app)` is called by create_app() before the blueprints are registered,
`init_headers(app)` after them (it sets per-view policies). Settings (config.py):

- ``WRITE_RATE_LIMIT``: e.g. ``"600 per minute"``; every POST/PUT/PATCH/DELETE under
  ``/api/`` counts against the caller's user (their bearer token's user; the client
  address without a token). Empty disables it. It is off while ``TESTING`` unless
  ``WRITE_RATE_LIMIT_IN_TESTS`` is set (a test that checks the limit sets it).
- ``RATELIMIT_ENABLED`` turns it off together with the login limit, for this app only: the
  limiter is one object per process (the login view's decorator needs it at import), so
  Flask-Limiter's own switch, which the last app to start would set for all, stays on and each
  app's switch is a request filter (a second app in a process, such as the simulator's or a
  test's, no longer turns the limits off, or on, for the first).
- ``MAX_CONTENT_LENGTH`` bounds every request body (413 beyond it).
- ``HSTS_MAX_AGE``: Strict-Transport-Security on answers over HTTPS (directly, or behind a
  proxy that says so in X-Forwarded-Proto); 0 sends none.
- ``FORCE_HTTPS``: redirect plain HTTP to HTTPS (off by default: the proxy in front usually
  does it); ``/healthz`` stays reachable over HTTP for the container's health check.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from samlast.errors import error_response
from samlast.i18n import Message

WRITE_METHODS = ("DELETE", "PATCH", "POST", "PUT")

TILES = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"


class SameHostSockets:
    """connect-src of the PWA: 'self' and the request's own host over ws:// and wss://.

    'self' covers ws/wss of the same origin only in newer browsers (CSP Level 3; older Safari
    does not), so the host is named. Talisman's policy is fixed when the app starts and it has
    no per-request hook, but it joins a directive's list of sources for each response: this
    list is worked out from the request then.
    """

    def __iter__(self):
        host = "".join(ch for ch in request.host if ch.isalnum() or ch in ".-:[]")
        yield "'self'"
        if host:
            yield f"ws://{host}"
            yield f"wss://{host}"


# The PWA: own scripts only (Vite emits no inline script), no inline styles, map tiles from
# OpenStreetMap, photos from the camera as blob:/data:, Socket.IO on the same origin (ws/wss).
APP_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": f"'self' data: blob: {TILES}",
    "font-src": "'self' data:",
    "connect-src": SameHostSockets(),
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "media-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# ReDoc (/api/docs) injects its styles and runs its search in a blob: worker.
DOCS_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob: https://cdn.redoc.ly",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}

# The driver's app takes photos (camera) and shares its position (geolocation); nothing else.
PERMISSIONS_POLICY = {
    "geolocation": "(self)",
    "camera": "(self)",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "browsing-topics": "()",
}

REDOC_ENDPOINT = "api-docs.openapi_redoc"
HEALTH_ENDPOINT = "web.healthz"


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _timing_and_opener(response):
    started = g.get("request_started")
    if started is not None:
        # Server-Timing: the time spent in the app, so a client (bench/load.py, the browser's
        # dev tools) can tell server work from network and queueing.
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    # Flask-Talisman (1.1) has no option for Cross-Origin-Opener-Policy: set here.
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def _write_limit() -> str:
    return (current_app.config.get("WRITE_RATE_LIMIT") or "").strip()


def _write_limit_exempt() -> bool:
    if not request.path.startswith("/api/"):
        return True
    return current_app.testing and not current_app.config.get("WRITE_RATE_LIMIT_IN_TESTS")


def _caller_key() -> str:
    """The user behind the bearer token (all their devices share one budget), else the address."""
    from samlast.api.security import token_user

    user = token_user()
    return f"user:{user.id}" if user is not None else f"addr:{request.remote_addr or '-'}"


def _write_limit_breached(limit: RequestLimit):
    """The 429 in the reader's language, with the limit it hit and when to try again."""
    per = Message(f"unit.{limit.limit.GRANULARITY.name}")
    response, status = error_response(
        429, "write_rate_limited", {"limit": limit.limit.amount, "per": per}
    )
    response.status_code = status
    response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


# One budget per user over every write under /api/ (an application-wide, shared limit).
WRITE_LIMIT = ApplicationLimit(
    limit_provider=_write_limit,
    key_function=_caller_key,
    scope="samlast-write",
    methods=WRITE_METHODS,
    exempt_when=_write_limit_exempt,
    on_breach=_write_limit_breached,
)
# The login limit decorates its view (api/auth.py); the write limit spans every write under /api/.
limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[WRITE_LIMIT])

_OFF_WORDS = {"0", "false", "no", "off"}


def init_limiter(app: Flask) -> None:
    wanted = app.config.get("RATELIMIT_ENABLED", True)
    app.config["SAMLAST_LIMITS_ON"] = (
        str(wanted).strip().lower() not in _OFF_WORDS if isinstance(wanted, str) else bool(wanted)
    )
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)


@limiter.request_filter
def _limits_off_for_this_app() -> bool:
    return not current_app.config.get("SAMLAST_LIMITS_ON", True)


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
    app.after_request(_timing_and_opener)


def _with_view_options(app: Flask, talisman: Talisman, endpoint: str, **options) -> None:
    view = app.view_functions.get(endpoint)
    if view is None:
        return

    # A fresh function to carry the options: the ReDoc view is a bound method.
    def carrier(*args, **kwargs):
        return view(*args, **kwargs)

    app.view_functions[endpoint] = talisman(**options)(carrier)


def init_headers(app: Flask) -> Talisman:
    """The security headers (Flask-Talisman, one per app); call after the blueprints are registered."""
    config = app.config
    force_https = bool(config.get("FORCE_HTTPS", False))
    hsts_max_age = int(config.get("HSTS_MAX_AGE", 31536000))
    talisman = Talisman(
        app,
        content_security_policy=APP_CSP,
        frame_options="DENY",
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        force_https=force_https,
        strict_transport_security=hsts_max_age > 0,
        strict_transport_security_max_age=hsts_max_age,
        strict_transport_security_include_subdomains=True,
        # Samlast signs in with bearer tokens, not Flask's session cookie; mark it secure anyway
        # whenever the site is HTTPS only.
        session_cookie_secure=force_https,
    )
    app.extensions["samlast.talisman"] = talisman
    _with_view_options(app, talisman, REDOC_ENDPOINT, content_security_policy=DOCS_CSP)
    # The container's health check asks over plain HTTP inside the host.
    _with_view_options(app, talisman, HEALTH_ENDPOINT, force_https=False)
    return talisman
