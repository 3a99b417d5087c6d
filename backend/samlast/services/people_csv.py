"""CSV files for people, to be opened with a double click in Excel.

Swedish Excel reads a file as columns only with semicolons, as UTF-8 only with a byte order
mark, and a number only with a decimal comma and no thousands separator; an English reader's
Excel wants commas and decimal points. Headers come from the word tables; times are the
cluster's local time ("2026-11-30 09:12"), never UTC ISO strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from samlast.i18n import text

BOM = "\ufeff"


def delimiter(locale: str) -> str:
    return ";" if locale == "sv" else ","


def number(value: float | int | None, locale: str) -> str:
    """1234.5 -> "1234,5" (Swedish) or "1234.5"; no thousands separator, Excel would read text."""
    if value is None:
        return ""
    written = f"{float(value):.3f}".rstrip("0").rstrip(".")
    if written == "-0":
        written = "0"
    return written.replace(".", ",") if locale == "sv" else written


def yes(value: bool, locale: str) -> str:
    """A yes/no column: the word for yes, empty for no (easy to filter in Excel)."""
    return text("common.yes", None, locale) if value else ""


def write(header_keys: Sequence[str], rows: Iterable[Sequence[Any]], locale: str) -> str:
    """The file's text: BOM, a header row of table texts, then `rows` (cells already written)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter(locale), lineterminator="\r\n")
    writer.writerow([text(key, None, locale) for key in header_keys])
    writer.writerows(rows)
    return buffer.getvalue()
