"""Words and numbers of an impact report in the reader's language (pure: the locale is a parameter).

The council's PDF, the CSV and the command line's summary all name a figure, a
scenario, a delivery-day pattern, a cost-split rule, an energy type or a kind
of delivery point the same way, from the word tables (:mod:`samlast.i18n`),
and write numbers the reader's way: ``1 234,5`` and ``−85 %`` in Swedish,
``1,234.5`` and ``−85%`` in English.
"""

from __future__ import annotations

from typing import Any

from samlast.i18n import DEFAULT_LOCALE, Message, format_number, text

#: The cost-split rules in the order a table shows them; ``standalone_cost`` first.
SPLIT_RULES = (
    "standalone_cost",
    "per_delivery",
    "per_kg",
    "per_standalone_km",
    "shapley",
    "nucleolus",
    "equal_profit",
)
#: The rules computed from the coalition costs: absent (None) when those were not computed.
GAME_RULES = ("shapley", "nucleolus", "equal_profit")
_SPLIT_LABELS = {
    "standalone_cost": "coordinator.split.alone",
    "per_delivery": "coordinator.split.perDelivery",
    "per_kg": "coordinator.split.perKg",
    "per_standalone_km": "coordinator.split.perKm",
    "shapley": "coordinator.split.shapley",
    "nucleolus": "coordinator.split.nucleolus",
    "equal_profit": "coordinator.split.equalProfit",
}
MINUS = "\u2212"
NO_BREAK_SPACE = "\u00a0"


def figure(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The name of a figure (``vehicle_km`` -> "Körda kilometer")."""
    return text(f"impact.figure.{key}", params, locale)


def scenario(name: str, locale: str = DEFAULT_LOCALE) -> str:
    """``baseline`` / ``free_delivery`` -> "Fria leveranser (i dag)"; ``coordinated`` -> ..."""
    key = "coordinator.impact.coordinated" if name == "coordinated" else "coordinator.impact.baseline"
    return text(key, None, locale)


def pattern(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """A delivery-day pattern in words (``fixed_2_per_week`` -> "två fasta leveransdagar i veckan")."""
    return text(f"impact.pattern.{code}", None, locale)


def split_rule(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """A cost-split rule's name (``per_standalone_km`` -> "Per km ensam")."""
    return text(_SPLIT_LABELS[code], None, locale)


def energy(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """An energy type in words (``hvo100`` -> "HVO100 (förnybar diesel)")."""
    return text(f"impact.energy.{code}", None, locale)


def point_kind(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """A kind of delivery point in words (``school_kitchen`` -> "Skolkök")."""
    return text(f"dpKind.{code}", None, locale)


def vehicle(profile: dict[str, Any], locale: str = DEFAULT_LOCALE) -> str:
    """A vehicle profile's name: from the tables for the defaults, as written for the user's own."""
    key = profile.get("key")
    return text(f"impact.vehicle.{key}", None, locale) if key else str(profile.get("name", ""))


def message(value: Any, locale: str = DEFAULT_LOCALE) -> str | None:
    """A stored message (``{"key", "params"}`` or a Message) in `locale`; None for anything else.

    Reports stored before their notes were messages hold English sentences; they
    are left out rather than shown in English on a Swedish page.
    """
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, dict) and "key" in value:
        return text(value["key"], value.get("params") or {}, locale)
    return None


def number(value: float | None, locale: str = DEFAULT_LOCALE, decimals: int = 0) -> str:
    """``1234.5`` -> "1 235" (no-break space), with a real minus sign; None -> "–"."""
    if value is None:
        return text("common.none", None, locale)
    written = format_number(float(value), locale, decimals)
    if written.lstrip("-").strip("0,.\u00a0") == "":  # -0 written as 0
        written = written.lstrip("-")
    return written.replace("-", MINUS)


def percent(share: float | None, locale: str = DEFAULT_LOCALE, decimals: int = 0) -> str:
    """A share 0-1 as per cent: ``0.188`` -> "18,8 %" (Swedish) or "18.8%" (English)."""
    if share is None:
        return text("common.none", None, locale)
    value = number(share * 100, locale, decimals)
    return f"{value}{NO_BREAK_SPACE}%" if locale == "sv" else f"{value}%"


def change(value: float | None, locale: str = DEFAULT_LOCALE) -> str:
    """A relative change with its sign: ``-0.85`` -> "−85 %", ``0.1`` -> "+10 %"; None -> "–"."""
    if value is None:
        return text("common.none", None, locale)
    whole = round(value * 100)
    sign = "+" if whole > 0 else ("±" if whole == 0 else "")
    return sign + percent(whole / 100, locale)


def points_change(before: float, after: float, locale: str = DEFAULT_LOCALE) -> str:
    """The change of a share in percentage points: ``0.10`` -> ``0.15`` is "+5,0 procentenheter"."""
    diff = round((after - before) * 100, 1)
    if diff == 0:
        return text("impact.change.same", None, locale)
    sign = "+" if diff > 0 else ""
    return text("impact.change.points", {"value": sign + number(diff, locale, 1)}, locale)


def csv_number(value: float | None, locale: str = DEFAULT_LOCALE, decimals: int = 2) -> str:
    """A number for a spreadsheet: no thousands separator, a decimal comma in Swedish; None -> ""."""
    if value is None:
        return ""
    written = f"{round(float(value), decimals):.{decimals}f}"
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    if written in ("-0", ""):
        written = "0"
    return written.replace(".", ",") if locale == "sv" else written
