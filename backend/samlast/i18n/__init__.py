"""Every word a user reads, one table per language (sv.json, en.json), shared with the PWA.

The server renders its messages (errors, progress, reports, CSV headers) from the same
tables the PWA's ``t()`` reads, so a word is translated once. Keys are stable codes such
as ``err.booking.slot_full``; placeholders are written ``{name}``. Pure: no Flask here
(the web layer picks the locale of a request, see ``samlast.web_locale``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

LOCALES = ("sv", "en")
DEFAULT_LOCALE = "sv"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class MissingText(KeyError):
    """A key that one of the tables lacks: a bug, caught by the tests."""


class Message(str):
    """A message to show later in the reader's language: a table key that carries its parameters.

    A str (the key) so that it travels wherever a message string does, marshmallow's
    ValidationError included; rendered by :func:`render` where the reader's locale is known.
    """

    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Message:
        message = super().__new__(cls, key)
        message.params = params
        return message

    def __reduce__(self):  # picklable for background jobs, parameters included
        return (_message, (str(self), self.params))

    @property
    def key(self) -> str:
        return str(self)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        return text(self.key, self.params, locale)

    @property
    def json_params(self) -> dict[str, Any]:
        """The parameters as JSON, a nested message as {"key", "params"} (rendered by both sides)."""
        return {name: value.as_json() if isinstance(value, Message) else value for name, value in self.params.items()}

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": self.json_params}


def _message(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


@cache
def table(locale: str) -> dict[str, str]:
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    raw = resources.files(__package__).joinpath(f"{locale}.json").read_text(encoding="utf-8")
    return json.loads(raw)


def has(key: str) -> bool:
    return key in table(DEFAULT_LOCALE)


def text(key: str, params: Mapping[str, Any] | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """The text of `key` in `locale` with its placeholders filled in.

    Numbers are written the reader's way (a decimal comma in Swedish). A key missing from
    the tables raises MissingText: an unknown key must never reach a screen as a code.
    """
    words = table(locale)
    count = (params or {}).get("n", (params or {}).get("count"))
    if count == 1 and not isinstance(count, bool) and f"{key}One" in words:
        key = f"{key}One"  # "1 rad", not "1 rader"; the PWA's t() picks the same way
    template = words.get(key)
    if template is None:
        raise MissingText(key)
    if not params:
        return template
    return _PLACEHOLDER.sub(
        lambda m: format_value(params[m.group(1)], locale) if m.group(1) in params else m.group(0), template
    )


def format_value(value: Any, locale: str = DEFAULT_LOCALE) -> str:
    if isinstance(value, bool):
        return text("common.yes" if value else "common.no", None, locale)
    if isinstance(value, float):
        return format_number(value, locale)
    if isinstance(value, int):
        return str(value)  # ids, years and counts as written
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, dict) and "key" in value:  # a nested message stored as JSON
        return text(value["key"], value.get("params") or {}, locale)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v, locale) for v in value)
    return str(value)


def format_number(value: float, locale: str = DEFAULT_LOCALE, decimals: int | None = None) -> str:
    """1234.5 -> "1 234,5" in Swedish, "1,234.5" in English.

    With `decimals` None: at most two decimals, trailing zeros dropped.
    """
    written = f"{value:,.{2 if decimals is None else decimals}f}"
    if decimals is None and "." in written:
        written = written.rstrip("0").rstrip(".")
    if locale == "sv":
        # A no-break space between thousands, as Swedish typesetting does; a decimal comma.
        written = written.replace(",", "\u00a0").replace(".", ",")
    return written


def best_locale(accept: str | None) -> str:
    """The best of LOCALES for an Accept-Language header value ("sv-SE,sv;q=0.9,en;q=0.8")."""
    if not accept:
        return DEFAULT_LOCALE
    ranked = []
    for position, part in enumerate(accept.split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        language = tag.split("-")[0].strip().lower()
        if language in LOCALES and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE
