"""Domain errors and the one JSON error shape.

Every error has a stable ``code`` and its ``params``; its ``message`` (and each field's
messages) is the table text of that code in the reader's language, negotiated from the
request's Accept-Language (the PWA sends the user's choice; Swedish by default):

    {"error": {"code": "booking.slot_full", "params": {"free_kg": 120},
               "message": "Det finns inte plats ...", "fields": {"kg": ["..."]}}}

The message of code ``c`` is the table key ``err.c``; a field message is a table key
(``field.*``) or one of marshmallow's own messages (see samlast.i18n.validation).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import HTTPException

from samlast.i18n import DEFAULT_LOCALE, Message
from samlast.i18n.validation import render_messages
from samlast.i18n.web import request_locale

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "database_unavailable",
    507: "storage_full",
}

FieldMessages = dict[str, Any]


class DomainError(Exception):
    """Raised by services; the API layer turns it into a 4xx JSON answer.

    `code` names the error for good (its text is the table key ``err.<code>``), `params`
    fill the text's placeholders, `fields` map a field (or "rows") to its messages.
    """

    status = 400
    code = "bad_request"

    def __init__(
        self, code: str | None = None, params: dict[str, Any] | None = None, fields: FieldMessages | None = None
    ):
        self.code = code or type(self).code
        self.params = params or {}
        self.fields = fields or {}
        super().__init__(self.code)

    @property
    def message(self) -> Message:
        return Message(f"err.{self.code}", **self.params)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        return self.message.render(locale)


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class StorageFull(DomainError):
    """No room on the disk that holds the uploads (see services.delivery: photos)."""

    status = 507
    code = "storage_full"


def _strict() -> bool:
    # In tests a message without a text is an error, so a missing translation fails a test.
    return bool(current_app.config.get("STRICT_I18N") or current_app.testing)


def error_response(
    status: int, code: str | None = None, params: dict[str, Any] | None = None, fields: FieldMessages | None = None
):
    code = code or HTTP_CODES.get(status, "error")
    message = Message(f"err.{code}", **(params or {}))
    locale = request_locale()
    body = {
        "error": {
            "code": code,
            "params": message.json_params,
            "message": message.render(locale),
            "fields": render_messages(fields or {}, locale, strict=_strict()),
        }
    }
    return jsonify(body), status


def _flatten_webargs_messages(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); clients want the fields."""
    if not isinstance(messages, dict):
        return {}
    flat: dict[str, Any] = {}
    for location, value in messages.items():
        if location in {"json", "query", "form", "files", "headers", "view_args"} and isinstance(value, dict):
            flat.update(value)
        else:
            flat[location] = value
    return flat


def http_exception_response(exc: HTTPException):
    if exc.response is not None:  # made for the occasion (the write limit's on_breach)
        return exc.response
    data = getattr(exc, "data", None) or {}
    fields = _flatten_webargs_messages(data.get("messages"))
    status = exc.code or 500
    code, params = HTTP_CODES.get(status, "error"), {}
    if fields and status == 422:
        params = {"count": len(fields)}
    elif status == 400 and "json" in fields:
        code = "invalid_json"
    elif data.get("code"):  # raised with abort(status, code=..., params=...)
        code, params = data["code"], data.get("params", {})
    response, status = error_response(status, code, params, fields)
    # Keep the exception's own headers (e.g. Allow on a 405), but not its HTML content type.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if headers := data.get("headers"):
        response.headers.update(headers)
    return response, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        return error_response(exc.status, exc.code, exc.params, exc.fields)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        return http_exception_response(exc)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        outage = storage_outage(exc)
        if outage is not None:
            # The database away (a restart, a failover) or its disk full: a clear answer the
            # phone's outbox retries on, never a 500 page; nothing of the request was stored.
            status, code = outage
            app.logger.warning("Request refused, %s: %s", code, exc)
            _rollback_quietly()
            response, status = error_response(status, code)
            response.headers["Retry-After"] = "5"
            return response, status
        app.logger.exception("Unhandled error")
        return error_response(500)


#: Words of the database drivers' errors when the server is away, restarting or busy.
_UNREACHABLE = ("connect", "connection", "server closed", "terminating", "shutting down", "starting up",
                "database is locked", "unable to open database", "timeout", "timed out", "recovery mode")  # fmt: skip
#: Words of the database drivers' "disk full" errors (SQLite, PostgreSQL's SQLSTATE 53100).
_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")


def storage_outage(exc: BaseException) -> tuple[int, str] | None:
    """(status, code) when `exc` is the database being unreachable (503 database_unavailable) or
    out of disk (507 storage_full); None for any other error."""
    import sqlalchemy.exc as sa_exc

    if isinstance(exc, StorageFull):
        return 507, "storage_full"
    if not isinstance(exc, sa_exc.DBAPIError | sa_exc.TimeoutError):
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "53100" or any(w in text for w in _DISK_FULL):
        return 507, "storage_full"
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.InterfaceError) or exc.connection_invalidated:
        return 503, "database_unavailable"
    # Only the database being away: SQLite's "no such column" is an OperationalError too, and a
    # bug must stay a 500 that is logged with its traceback.
    if isinstance(exc, sa_exc.OperationalError) and any(word in text for word in _UNREACHABLE):
        return 503, "database_unavailable"
    return None


def _rollback_quietly() -> None:
    from samlast.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session is removed at teardown anyway
        db.session.close()
