"""The reader's language in a web request: the Accept-Language the PWA sends, else Swedish."""

from __future__ import annotations

from flask import has_request_context, request

from samlast.i18n import DEFAULT_LOCALE, best_locale


def request_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    return best_locale(request.headers.get("Accept-Language"))
