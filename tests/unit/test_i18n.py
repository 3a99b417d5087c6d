"""One table of words per language: both complete, every code the server uses has its text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from samlast import i18n
from samlast.i18n import Message, best_locale, format_number, text
from samlast.i18n.validation import _patterns, keyed, render_messages

BACKEND = Path(__file__).resolve().parents[2] / "backend" / "samlast"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ERROR_CLASSES = {"DomainError", "ValidationFailed", "NotFound", "Forbidden", "Conflict", "Unauthorized", "BadLogin"}


def test_both_tables_have_the_same_keys_and_placeholders():
    sv, en = i18n.table("sv"), i18n.table("en")
    assert sorted(set(sv) ^ set(en)) == []
    different = [k for k in sv if set(PLACEHOLDER.findall(sv[k])) != set(PLACEHOLDER.findall(en[k]))]
    assert different == []
    assert [k for k, v in {**sv, **en}.items() if not v.strip()] == []


def _literal_keys() -> tuple[set[str], set[str]]:
    """(Message keys, error codes) written as literals anywhere in the backend."""
    keys, codes = set(), set()
    for path in BACKEND.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if name == "Message":
                keys.add(first.value)
            elif name in ERROR_CLASSES:
                codes.add(first.value)
            elif name == "error_response" and len(node.args) > 1:
                second = node.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    codes.add(second.value)
    return keys, codes


def test_every_message_key_and_error_code_in_the_code_has_a_text():
    keys, codes = _literal_keys()
    assert len(keys) > 50 and len(codes) > 30  # the scan found the code base's messages
    missing = sorted(k for k in keys if not i18n.has(k)) + sorted(f"err.{c}" for c in codes if not i18n.has(f"err.{c}"))
    assert missing == []


def test_generic_error_codes_and_built_keys_have_texts():
    from samlast.errors import HTTP_CODES
    from samlast.impact.model import AS_ORDERED, BY_KIND, FIXED_2
    from samlast.services import master_data

    built = [f"err.{code}" for code in HTTP_CODES.values()]
    built += [f"noun.{r.noun}" for r in vars(master_data).values() if isinstance(r, master_data.Resource)]
    built += [f"impact.pattern.{p.name}" for p in (AS_ORDERED, FIXED_2, BY_KIND)]
    built += [f"import.kind.{kind}" for kind in ("delivery_points", "suppliers", "vehicles", "orders")]
    assert [k for k in built if not i18n.has(k)] == []


def test_every_marshmallow_message_we_recognise_has_a_text():
    assert _patterns()
    assert [key for _, key in _patterns() if not i18n.has(key)] == []


@pytest.mark.parametrize(
    "message,key,params",
    [
        ("Not a valid number.", "field.not_number", {}),
        ("Must be greater than or equal to 0.", "field.min", {"min": "0"}),
        (
            "Must be greater than or equal to -90 and less than or equal to 90.",
            "field.between",
            {"min": "-90", "max": "90"},
        ),
        ("Longer than maximum length 200.", "field.too_long", {"max": "200"}),
        ("Must be one of: a, b.", "field.one_of", {"choices": "a, b"}),
    ],
)
def test_marshmallow_messages_are_recognised_with_their_parameters(message, key, params):
    assert keyed(message) == (key, params)


def test_field_messages_are_rendered_and_data_is_kept():
    fields = {
        "kg": [Message("field.min", min=0.5)],
        "rows": [{"row": 3, "column": "kg", "value": "abc", "message": "Not a valid number."}],
    }
    assert render_messages(fields, "sv") == {
        "kg": ["Måste vara minst 0,5."],
        "rows": [{"row": 3, "column": "kg", "value": "abc", "message": "Inte ett tal."}],
    }
    with pytest.raises(i18n.MissingText):
        render_messages({"kg": ["Something nobody translated."]}, "sv", strict=True)


def test_nested_messages_and_numbers_are_written_the_readers_way():
    nested = Message(
        "progress.impact.coordinated", pattern=Message("impact.pattern.fixed_2_per_week"), date="2026-12-07"
    )
    assert nested.render("sv") == "Samordnat (två fasta leveransdagar i veckan): 2026-12-07"
    assert text(nested.key, nested.json_params, "en") == "Coordinated (two fixed delivery days a week): 2026-12-07"
    assert format_number(1234.5, "sv") == "1\u00a0234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(0.5, "sv") == "0,5"
    assert text("err.record.not_found", {"what": "X", "id": 987654}) == "X med id 987654 finns inte."


def test_missing_key_raises_instead_of_showing_a_code():
    with pytest.raises(i18n.MissingText):
        text("no.such.key")


@pytest.mark.parametrize(
    "header,locale",
    [
        (None, "sv"),
        ("", "sv"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,en;q=0.5", "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("fr", "sv"),
        ("en;q=0.2,sv;q=0.8", "sv"),
        ("en;q=x", "sv"),
    ],
)
def test_locale_negotiation(header, locale):
    assert best_locale(header) == locale


def test_a_count_of_one_reads_in_the_singular():
    assert text("goodsIn.lines", {"n": 1}) == "1 rad"
    assert text("goodsIn.lines", {"n": 2}) == "2 rader"
    assert text("goodsIn.lines", {"n": 1}, "en") == "1 line"
    assert text("kitchen.coming", {"n": 1}) == "Det här kommer (1 rad)"
    assert text("field.goods_in_lines_missing", {"count": 1}, "en").startswith("1 ordered line is missing")
    one_row = Message("import.failed", errors=Message("import.errorCount", n=1), rows=Message("import.rowCount", n=1))
    assert one_row.render("sv") == "1 fel på 1 rad; inget lästes in."
    assert one_row.render("en") == "1 error on 1 row; nothing was imported."


def test_every_singular_has_its_plural_with_the_same_other_placeholders():
    """`xOne` is x with its count written out as 1: the same placeholders but (at most) the count."""
    sv = i18n.table("sv")
    singles = [k for k in sv if k.endswith("One") and k != "coordinator.fleet.addOne"]  # "add one vehicle"
    assert len(singles) > 20
    assert [k for k in singles if k[: -len("One")] not in sv] == []
    wrong = []
    for key in singles:
        one, many = set(PLACEHOLDER.findall(sv[key])), set(PLACEHOLDER.findall(sv[key[:-3]]))
        if not one <= many or len(many - one) > 1:
            wrong.append(key)
    assert wrong == []
