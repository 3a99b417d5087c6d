"""Field messages of a failed validation, in the reader's language.

Our own schemas and services write a field message as a :class:`Message` (a table key with
parameters). marshmallow's built-in messages ("Not a valid number.", "Must be greater than
or equal to 0.") are English templates; they are recognised here by their template and
rendered from the table key of that template, parameters included.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from marshmallow import validate

from samlast.i18n import Message, MissingText, has, text

# marshmallow's template -> our key. Templates use marshmallow's own placeholder names.
_TEMPLATES = {
    "Missing data for required field.": "field.required",
    "Field may not be null.": "field.required",
    "Invalid value.": "field.invalid",
    "Invalid input.": "field.invalid",
    "Invalid type.": "field.invalid",
    "Invalid input type.": "field.invalid",
    "Unknown field.": "field.unknown",
    "Invalid JSON body.": "field.invalid_json",
    "Not a valid number.": "field.not_number",
    "Not a valid integer.": "field.not_integer",
    "Number too large.": "field.too_large",
    "Special numeric values (nan or infinity) are not permitted.": "field.not_number",
    "Not a valid boolean.": "field.not_boolean",
    "Not a valid string.": "field.not_text",
    "Not a valid utf-8 string.": "field.not_text",
    "Not a valid date.": "field.not_date",
    "Not a valid datetime.": "field.not_datetime",
    "Not a valid time.": "field.not_time",
    "Not a valid aware datetime.": "field.not_aware_datetime",
    "Not a valid naive datetime.": "field.not_datetime",
    "Not a valid list.": "field.not_list",
    "Not a valid mapping type.": "field.not_object",
    "Not a valid tuple.": "field.not_list",
    "Not a valid email address.": "field.not_email",
    "Not a valid URL.": "field.not_url",
    "Not a valid UUID.": "field.invalid",
    "String does not match expected pattern.": "field.invalid",
    "Must be one of: {choices}.": "field.one_of",
    "Length must be between {min} and {max}.": "field.length_between",
    "Length must be {equal}.": "field.length_equal",
    "Longer than maximum length {max}.": "field.too_long",
    "Shorter than minimum length {min}.": "field.too_short",
    "Must be equal to {other}.": "field.invalid",
}


def _range_templates() -> dict[str, str]:
    r = validate.Range
    ops = {
        "min": {r.message_gte: "field.min", r.message_gt: "field.min_exclusive"},
        "max": {r.message_lte: "field.max", r.message_lt: "field.max_exclusive"},
    }
    found = {}
    for op, key in ops["min"].items():
        found[r.message_min.format(min_op=op)] = key
    for op, key in ops["max"].items():
        found[r.message_max.format(max_op=op)] = key
    for min_op in ops["min"]:
        for max_op in ops["max"]:
            found[r.message_all.format(min_op=min_op, max_op=max_op)] = "field.between"
    return found


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    templates = {**_TEMPLATES, **_range_templates()}
    # The most specific first: "Must be >= {min} and <= {max}." before "Must be >= {min}.".
    for template, key in sorted(templates.items(), key=lambda item: -len(re.sub(r"\{\w+\}", "", item[0]))):
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        compiled.append((re.compile(f"^{regex}$"), key))
    return compiled


def keyed(message: str) -> tuple[str, dict[str, Any]] | None:
    """(key, params) of a field message, or None when it is not one we know."""
    if has(message):
        return message, dict(getattr(message, "params", {}))
    for pattern, key in _patterns():
        if match := pattern.match(message):
            return key, match.groupdict()
    return None


def as_message(message: str) -> Message:
    """A field message as a Message (key and parameters); an unknown one raises MissingText."""
    if isinstance(message, Message):
        return message
    found = keyed(message)
    if found is None:
        raise MissingText(message)
    return Message(found[0], **found[1])


def render_message(message: str, locale: str, *, strict: bool = False) -> str:
    found = keyed(message)
    if found is None:
        if strict:
            raise MissingText(message)
        return message
    return text(found[0], found[1], locale)


def render_messages(messages: Any, locale: str, *, strict: bool = False) -> Any:
    """The same nesting with every message rendered.

    Messages are the strings in lists ({"field": ["msg", ...]}, nested by field) and the
    value of a "message" key (an item such as {"row": 3, "column": "kg", "message": msg});
    other strings in such an item (a column name, the cell as written) are data, kept as they are.
    """
    if isinstance(messages, dict):
        return {
            key: render_message(value, locale, strict=strict)
            if key == "message" and isinstance(value, str)
            else value
            if isinstance(value, str | int | float | bool) or value is None
            else render_messages(value, locale, strict=strict)
            for key, value in messages.items()
        }
    if isinstance(messages, list | tuple):
        return [
            render_message(value, locale, strict=strict) if isinstance(value, str) else render_messages(
                value, locale, strict=strict
            )
            for value in messages
        ]
    return messages
