"""Domain errors and the one JSON error shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

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
}


class DomainError(Exception):
    """Raised by services; the API layer turns it into a 4xx JSON answer."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


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


def error_response(status: int, message: str, fields: dict[str, Any] | None = None, code=None):
    body = {
        "error": {
            "code": code or HTTP_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def _flatten_webargs_messages(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); clients want the fields."""
    if not isinstance(messages, dict):
        return {}
    flat: dict[str, Any] = {}
    for location, value in messages.items():
        if location in {"json", "query", "form", "files", "headers", "view_args"} and isinstance(
            value, dict
        ):
            flat.update(value)
        else:
            flat[location] = value
    return flat


def http_exception_response(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    fields = _flatten_webargs_messages(data.get("messages"))
    status = exc.code or 500
    if fields and status == 422:
        message = "The request has invalid fields: " + ", ".join(sorted(fields)) + "."
    elif status == 400 and "json" in fields:
        message = "The request body is not valid JSON."
    else:
        message = data.get("message") or exc.description or exc.name
    response, status = error_response(status, message, fields)
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
        return error_response(exc.status, exc.message, exc.fields, exc.code)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        return http_exception_response(exc)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        return error_response(500, "Internal server error.")
