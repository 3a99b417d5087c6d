"""An impact report for the council: PDF (tables and charts) and CSV, from a stored result.

Everything is written in the reader's language (``locale``, "sv" or "en"), every word
from the word tables (:mod:`samlast.impact.wording`), numbers the reader's way. Pure:
no Flask here, the API passes the request's locale.

The PDF, page by page: a summary a politician reads in a minute (the four big
changes, the key figures of an average week, what changes for a school, what to
know about the period); charts per week and per municipality; tables per
municipality and per delivery-day pattern; the cost split between the
municipalities with each rule explained in a sentence; the assumptions (emission
factors, vehicles, costs) with units and sources, and the notes.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from samlast.i18n import DEFAULT_LOCALE, text
from samlast.impact import wording as w
from samlast.impact.decomposition import CO2E_TERMS, COST_TERMS
from samlast.impact.figures import FIGURE_KEYS

FREE, COORDINATED = colors.HexColor("#8a4b00"), colors.HexColor("#0a3a7a")
HEAD_FILL, RULE, MUTED = colors.HexColor("#e8eef5"), colors.HexColor("#9aa3ad"), colors.HexColor("#4a525c")
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN  # 174 mm
FONT, BOLD = "SamlastSans", "SamlastSans-Bold"
SUMMARY_ROWS = (
    "deliveries",
    "vehicle_km",
    "co2e_kg",
    "cost_sek",
    "vehicle_hours",
    "heavy_vehicle_visits_schools_preschools",
    "deliveries_outside_window",
)
#: The four big changes on the first page: figure, label, unit (None, a word or a table key).
STATS = (
    ("deliveries", "impact.pdf.stat.deliveries", None),
    ("vehicle_km", "impact.pdf.stat.km", "km"),
    ("co2e_kg", "impact.pdf.stat.co2e", "kg CO2e"),
    ("cost_sek", "impact.pdf.stat.cost", "impact.unit.sek"),
)
PERIOD_NOTES = ("impact.note.empty_weeks", "impact.note.before_period")
#: Every figure of a scenario but the two that only explain the others (buildings served, trips
#: priced at the fallback rate).
CSV_FIGURES = tuple(key for key in FIGURE_KEYS if key not in ("buildings", "fallback_trips"))


# --- fonts and styles ---------------------------------------------------------------------


@cache
def register_fonts() -> None:
    """Embed Bitstream Vera (shipped with reportlab): the PDF looks the same on every reader
    and has the glyphs Swedish numbers need (å ä ö, no-break space, minus sign, en dash)."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def _safe(value: Any) -> str:
    """Text for a Paragraph: XML-escaped, a character the font lacks (names typed by users) as '?',
    a line break of the word tables' text as a line break."""
    glyphs = _glyphs()
    cleaned = "".join(c if ord(c) in glyphs or c == "\n" else "?" for c in str(value))
    return escape(cleaned).replace("\n", "<br/>")


def _style(name: str, size: float, *, bold: bool = False, leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=BOLD if bold else FONT, fontSize=size, leading=leading or size * 1.3, **kw)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "title": _style("title", 19, bold=True, leading=23, spaceAfter=2 * mm),
        "subtitle": _style("subtitle", 12, leading=15, spaceAfter=3 * mm, textColor=MUTED),
        "h2": _style("h2", 13.5, bold=True, leading=17, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "h3": _style("h3", 10.5, bold=True, leading=13, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "body": _style("body", 9.5, leading=13, spaceAfter=1.5 * mm),
        "small": _style("small", 8, leading=10.5, spaceAfter=1 * mm, textColor=MUTED),
        "cell": _style("cell", 8.5, leading=10.5, alignment=TA_LEFT),
        "cell_bold": _style("cell_bold", 8.5, bold=True, leading=10.5, alignment=TA_LEFT),
        "num": _style("num", 8.5, leading=10.5, alignment=TA_RIGHT),
        "num_bold": _style("num_bold", 8.5, bold=True, leading=10.5, alignment=TA_RIGHT),
        "head": _style("head", 8, bold=True, leading=10, alignment=TA_LEFT),
        "head_num": _style("head_num", 8, bold=True, leading=10, alignment=TA_RIGHT),
        "head_group": _style("head_group", 8, bold=True, leading=10, alignment=TA_CENTER),
        "stat_value": _style("stat_value", 20, bold=True, leading=24, alignment=TA_LEFT, textColor=COORDINATED),
        "stat_label": _style("stat_label", 9, bold=True, leading=11.5),
        "stat_detail": _style("stat_detail", 8, leading=10, textColor=MUTED),
    }


def _capital(value: str) -> str:
    return value[:1].upper() + value[1:]


def _count(value: float | None, locale: str) -> str:
    """An average: whole numbers from 10 up ("359"), one decimal below ("1,4")."""
    if value is None:
        return w.number(None, locale)
    return w.number(value, locale, 0 if abs(value) >= 10 or float(value).is_integer() else 1)


def _p(value: Any, style: str = "body") -> Paragraph:
    return Paragraph(_safe(value), _styles()[style])


def _term(sentence: str) -> Paragraph:
    """ "Per kg: the cost is split ..." with the term before the colon in bold."""
    term, sep, rest = sentence.partition(": ")
    if not sep:
        return _p(sentence)
    return Paragraph(f"<b>{_safe(term)}:</b> {_safe(rest)}", _styles()["body"])


# --- tables --------------------------------------------------------------------------------


PAD = 3  # points of padding left and right in a table cell


def _fitted(value: Any, style: ParagraphStyle, width: float) -> Paragraph:
    """A cell's Paragraph; if one of its words (a number, a long name) is wider than the
    cell, the font shrinks until it fits, so a word is never cut in two or spills over."""
    words = str(value).split() or [""]
    need = max(pdfmetrics.stringWidth(word, style.fontName, style.fontSize) for word in words)
    room = width - 2 * PAD - 0.5
    if need > room > 0:
        size = max(5.5, style.fontSize * room / need)
        style = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
    return Paragraph(_safe(value), style)


def _table(
    head: Sequence[Sequence[Any]],
    body: Sequence[Sequence[Any]],
    widths_mm: Sequence[float],
    *,
    text_cols: tuple[int, ...] = (0,),
    bold_rows: tuple[int, ...] = (),
    spans: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (),
    total_row: bool = False,
) -> Table:
    """A table whose cells wrap and fit: text columns left, numbers right, header rows shaded.

    ``head`` and ``body`` hold strings; ``text_cols`` are the columns of text, the others
    numbers. ``bold_rows`` are body row indexes written in bold; with ``total_row`` the
    last row is a total (bold, a rule above). ``spans`` as in reportlab's SPAN (col, row).
    """
    styles = _styles()
    widths = [x * mm for x in widths_mm]
    span_width = {start: sum(widths[start[0] : end[0] + 1]) for start, end in spans}
    rows = []
    for r, row in enumerate([*head, *body]):
        in_head = r < len(head)
        bold = not in_head and (r - len(head) in bold_rows or (total_row and r == len(head) + len(body) - 1))
        cells = []
        for c, value in enumerate(row):
            if in_head:
                grouped = (c, r) in span_width and any(s[0][0] != s[1][0] for s in spans if s[0] == (c, r))
                name = "head_group" if grouped else ("head" if c in text_cols else "head_num")
            else:
                name = (
                    ("cell" if c in text_cols else "num")
                    if not bold
                    else ("cell_bold" if c in text_cols else "num_bold")
                )
            cells.append(_fitted(value, styles[name], span_width.get((c, r), widths[c])))
        rows.append(cells)
    table = Table(rows, colWidths=widths, repeatRows=len(head), hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, len(head) - 1), "BOTTOM"),
        ("BACKGROUND", (0, 0), (-1, len(head) - 1), HEAD_FILL),
        ("LINEBELOW", (0, len(head) - 1), (-1, len(head) - 1), 0.8, RULE),
        ("LINEBELOW", (0, len(head)), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for start, end in spans:
        style.append(("SPAN", start, end))
        if start[0] != end[0] and start[0] > 0:  # a group of columns: a thin line before it
            style.append(("LINEBEFORE", (start[0], 0), (start[0], -1), 0.3, RULE))
    if total_row and body:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE))
    table.setStyle(TableStyle(style))
    return table


# --- charts --------------------------------------------------------------------------------


def _legend(locale: str) -> Drawing:
    drawing = Drawing(WIDTH, 7 * mm)
    x = 0.0
    for colour, label in ((FREE, w.scenario("baseline", locale)), (COORDINATED, w.scenario("coordinated", locale))):
        drawing.add(Rect(x, 1.5 * mm, 4 * mm, 4 * mm, fillColor=colour, strokeColor=colors.black, strokeWidth=0.3))
        drawing.add(String(x + 5.5 * mm, 2.3 * mm, label, fontName=FONT, fontSize=9))
        x += 5.5 * mm + pdfmetrics.stringWidth(label, FONT, 9) + 8 * mm
    return drawing


def _chart(title: str, labels: list[str], free: list[float], coordinated: list[float], locale: str) -> Drawing:
    """A grouped bar chart, 84 mm wide: today next to coordinated, axis numbers the reader's way."""
    width, height = WIDTH / 2 - 3 * mm, 60 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, 12 * mm
    chart.width, chart.height = width - 17 * mm, height - 22 * mm
    if not labels:  # nothing ordered in the period: an empty chart, not a crash in reportlab
        labels, free, coordinated = [text("common.none", None, locale)], [0.0], [0.0]
    chart.data = [list(free), list(coordinated)]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7 if len(labels) <= 6 else 6
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -2
    if len(labels) > 6:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    top = max([*free, *coordinated, 0.0])
    if top <= 0:
        chart.valueAxis.valueMax = 1
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    # Whole numbers on the axis, a decimal only where the step is a fraction (0,5 deliveries).
    chart.valueAxis.labelTextFormat = lambda value: w.number(value, locale, 0 if float(value).is_integer() else 1)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d5dae0")
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.bars[0].fillColor, chart.bars[1].fillColor = FREE, COORDINATED
    chart.bars.strokeWidth = 0.2
    chart.barSpacing = 1
    chart.groupSpacing = 6
    drawing.add(chart)
    drawing.add(String(0, height - 5 * mm, title, fontName=BOLD, fontSize=8.5))
    return drawing


def _week_label(monday: str, start: str, locale: str) -> str:
    n = date.fromisoformat(monday).isocalendar()[1]
    return text("impact.weekBefore" if monday < _monday(start) else "impact.week", {"n": n}, locale)


def _monday(day: str) -> str:
    d = date.fromordinal(date.fromisoformat(day).toordinal() - date.fromisoformat(day).weekday())
    return d.isoformat()


def _charts(result: dict, locale: str) -> list[Any]:
    horizon = result["horizon"]
    base, coord = result["baseline"], result["coordinated"]
    weeks = sorted(set(base["by_week"]) | set(coord["by_week"]))
    week_labels = [_week_label(wk, horizon["start"], locale) for wk in weeks]

    def per_week(key: str) -> tuple[list[float], list[float]]:
        return (
            [base["by_week"].get(wk, {}).get(key, 0.0) for wk in weeks],
            [coord["by_week"].get(wk, {}).get(key, 0.0) for wk in weeks],
        )

    towns = result["inputs"]["municipalities"]

    def per_town(key: str) -> tuple[list[float], list[float]]:
        return (
            [base["by_municipality_per_week"].get(m, {}).get(key, 0.0) for m in towns],
            [coord["by_municipality_per_week"].get(m, {}).get(key, 0.0) for m in towns],
        )

    specs = [
        ("impact.pdf.chart.deliveriesWeek", week_labels, per_week("deliveries")),
        ("impact.pdf.chart.kmWeek", week_labels, per_week("vehicle_km")),
        ("impact.pdf.chart.co2Week", week_labels, per_week("co2e_kg")),
        ("impact.pdf.chart.costWeek", week_labels, per_week("cost_sek")),
        ("impact.pdf.chart.deliveriesTown", towns, per_town("deliveries")),
        ("impact.pdf.chart.co2Town", towns, per_town("co2e_kg")),
    ]
    drawings = [_chart(text(key, None, locale), labels, *series, locale) for key, labels, series in specs]
    grid = Table(
        [drawings[i : i + 2] for i in range(0, len(drawings), 2)],
        colWidths=[WIDTH / 2] * 2,
        hAlign="LEFT",
    )
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
    story: list[Any] = [_p(text("impact.pdf.charts", None, locale), "h2"), _legend(locale), grid]
    if any(wk < _monday(horizon["start"]) for wk in weeks):
        story.append(_p(text("impact.pdf.chart.weekBefore", None, locale), "small"))
    empty = horizon.get("empty_weeks") or []
    if empty:
        names = ", ".join(_week_label(wk, horizon["start"], locale) for wk in empty)
        story.append(_p(text("impact.pdf.chart.emptyWeeks", {"weeks": names}, locale), "small"))
    return story


DOWN, UP = colors.HexColor("#1b6e3a"), colors.HexColor("#a3281d")


def waterfall_steps(part: dict, terms: tuple[str, ...]) -> list[tuple[str, float, float, str]]:
    """The bars of a waterfall: (what, from, to, kind) from today through each term to coordinated.

    kind is "total" for the two ends, "down" or "up" for a term.
    """
    steps = [("start", 0.0, part["free_delivery"], "total")]
    level = part["free_delivery"]
    for term in terms:
        value = part["terms"].get(term, 0.0)
        steps.append((term, level, level + value, "down" if value < 0 else "up"))
        level += value
    steps.append(("end", 0.0, part["coordinated"], "total"))
    return steps


def _waterfall(title: str, part: dict, terms: tuple[str, ...], unit: str, locale: str) -> Drawing:
    """A horizontal waterfall, the full width: one row per step, its value at the bar's end."""
    steps = waterfall_steps(part, terms)
    row, label_w, value_w = 7.5 * mm, 48 * mm, 26 * mm
    height = row * len(steps) + 10 * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 5 * mm, title, fontName=BOLD, fontSize=8.5))
    low = min(0.0, *(min(a, b) for _, a, b, _ in steps))
    high = max(1e-9, *(max(a, b) for _, a, b, _ in steps))
    plot_x, plot_w = label_w, WIDTH - label_w - value_w

    def x(value: float) -> float:
        return plot_x + (value - low) / (high - low) * plot_w

    drawing.add(Line(x(0), 0, x(0), height - 8 * mm, strokeColor=colors.black, strokeWidth=0.4))
    for i, (name, a, b, kind) in enumerate(steps):
        y = height - 8 * mm - (i + 1) * row
        label = text(f"impact.decomp.{name}" if kind == "total" else f"impact.decomp.term.{name}", None, locale)
        drawing.add(String(0, y + 2.2 * mm, label, fontName=BOLD if kind == "total" else FONT, fontSize=8))
        colour = {"total": COORDINATED if name == "end" else FREE, "down": DOWN, "up": UP}[kind]
        left, right = sorted((x(a), x(b)))
        drawing.add(
            Rect(
                left,
                y + 1 * mm,
                max(right - left, 0.4),
                row - 2 * mm,
                fillColor=colour,
                strokeColor=colors.black,
                strokeWidth=0.2,
            )
        )
        value = b if kind == "total" else b - a
        written = w.number(value, locale)
        if kind != "total" and value > 0:
            written = "+" + written
        drawing.add(String(right + 1.5 * mm, y + 2.2 * mm, f"{written} {unit}", fontName=FONT, fontSize=8))
    return drawing


def _decomposition(result: dict, locale: str) -> list[Any]:
    part = result.get("decomposition")
    if not part:  # a report stored before the decomposition was
        return []
    co2, cost = part["co2e_kg"], part["cost_sek"]
    f0, f1 = co2["factors"]["free_delivery"], co2["factors"]["coordinated"]
    rates = cost["rates"]
    explain = [
        text("impact.explain.decomp.km", None, locale),
        text(
            "impact.explain.decomp.fill_rate",
            {"before": w.number(f0.get("kg_per_trip"), locale), "after": w.number(f1.get("kg_per_trip"), locale)},
            locale,
        ),
        text(
            "impact.explain.decomp.cleaner",
            {
                "before": w.number(f0.get("co2e_kg_per_km"), locale, 2),
                "after": w.number(f1.get("co2e_kg_per_km"), locale, 2),
            },
            locale,
        ),
        text("impact.explain.decomp.transport", None, locale),
        text(
            "impact.explain.decomp.terminal_handling",
            {"rate": w.number(rates["terminal_handling_sek_per_kg"], locale, 2)},
            locale,
        ),
        text(
            "impact.explain.decomp.administration",
            {
                "rate": w.number(rates["admin_sek_per_delivery"], locale),
                "fixed": w.number(rates["coordination_admin_sek_per_week"], locale),
            },
            locale,
        ),
    ]
    currency = "kr" if locale == "sv" else "SEK"
    return [
        KeepTogether(
            [
                _p(text("impact.decomp.title", None, locale), "h2"),
                _p(text("impact.decomp.intro", None, locale)),
                _waterfall(text("impact.decomp.co2Title", None, locale), co2, CO2E_TERMS, "kg", locale),
                Spacer(1, 2 * mm),
                _waterfall(text("impact.decomp.costTitle", None, locale), cost, COST_TERMS, currency, locale),
                _p(text("impact.decomp.costNote", None, locale), "small"),
            ]
        ),
        *[_term(sentence) for sentence in explain],
        _p(text("impact.explain.decomp.method", None, locale), "small"),
    ]


def _swing_value(value: Any, locale: str) -> str:
    """A tornado input's low or high value: a number the reader's way, an energy by its name."""
    if isinstance(value, int | float):
        return w.number(value, locale, 2)
    return text(f"impact.energy.{value}", None, locale)


def _tornado(result: dict, locale: str) -> list[Any]:
    """The tornado as a table: each uncertain input at its low and high value, the CO2e change then."""
    part = result.get("tornado")
    if not part or not part.get("rows"):  # a report stored before it was
        return []
    head = [
        [
            text("impact.tornado.column.input", None, locale),
            text("impact.tornado.column.low", None, locale),
            text("impact.tornado.column.high", None, locale),
        ]
    ]
    body = [
        [
            text(
                f"impact.tornado.input.{row['input']}",
                {"low": _swing_value(row["low"], locale), "high": _swing_value(row["high"], locale)},
                locale,
            ),
            w.change(row["at_low"], locale),
            w.change(row["at_high"], locale),
        ]
        for row in part["rows"]
    ]
    preset = result.get("preset")
    return [
        KeepTogether(
            [
                _p(text("impact.tornado.title", None, locale), "h2"),
                _p(text("impact.tornado.introTable", {"base": w.change(part.get("base"), locale)}, locale)),
                _table(head, body, [110, 32, 32]),
            ]
        ),
        *(
            [
                Spacer(1, 2 * mm),
                _p(
                    text("impact.preset.shown", {"name": text(f"impact.preset.{preset}.name", None, locale)}, locale),
                    "h2",
                ),
                _p(text(f"impact.preset.{preset}.why", None, locale)),
            ]
            if preset
            else []
        ),
    ]


# --- the sections --------------------------------------------------------------------------


def _notes(result: dict, locale: str, keys: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    out = []
    for note in result.get("notes") or []:
        key = note.get("key") if isinstance(note, dict) else None
        if key is None or key in exclude or (keys is not None and key not in keys):
            continue
        rendered = w.message(note, locale)
        if rendered:
            out.append(rendered)
    return out


def _names(items: list[str], locale: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    conjunction = " och " if locale == "sv" else " and "
    return ", ".join(items[:-1]) + conjunction + items[-1]


def _summary(name: str, result: dict, locale: str) -> list[Any]:
    horizon, inputs, comparison = result["horizon"], result["inputs"], result["comparison"]
    with_orders = horizon.get("weeks_with_orders", horizon["weeks"])
    story: list[Any] = [
        _p(text("impact.pdf.title", None, locale), "title"),
        _p(name, "subtitle"),
        _p(
            text(
                "impact.pdf.period",
                {
                    "start": horizon["start"],
                    "end": horizon["end"],
                    "with_orders": len(with_orders),
                    "total": len(horizon["weeks"]),
                },
                locale,
            )
        ),
        _p(
            text(
                "impact.pdf.basis",
                {
                    "orders": w.number(inputs.get("orders", 0), locale),
                    "points": w.number(inputs.get("delivery_points", 0), locale),
                    "municipalities": _names(inputs["municipalities"], locale),
                    "suppliers": w.number(inputs.get("suppliers", 0), locale),
                    "local": w.number(inputs.get("local_producers", 0), locale),
                },
                locale,
            )
        ),
        _p(text("impact.pdf.pattern", {"pattern": w.pattern(result["primary_pattern"], locale)}, locale)),
        _p(text("impact.pdf.summary", None, locale), "h2"),
    ]
    stats = []
    for key, label, unit in STATS:
        row = comparison[key]
        values = {"before": _count(row["free_delivery"], locale), "after": _count(row["coordinated"], locale)}
        if unit:
            values["unit"] = text(unit, None, locale) if unit.startswith("impact.") else unit
        detail = text("impact.pdf.fromToUnit" if unit else "impact.pdf.fromTo", values, locale)
        stats.append(
            [
                _p(w.change(row["change"], locale), "stat_value"),
                _p(text(label, None, locale), "stat_label"),
                _p(detail, "stat_detail"),
            ]
        )
    boxes = Table([stats], colWidths=[WIDTH / 4] * 4, hAlign="LEFT")
    boxes.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEAFTER", (0, 0), (-2, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ]
        )
    )
    story += [boxes, Spacer(1, 3 * mm), _p(text("impact.pdf.perWeek", None, locale), "small")]

    body = []
    for key in SUMMARY_ROWS:
        row = comparison.get(key)
        if row is None or (key == "deliveries_outside_window" and not (row["free_delivery"] or row["coordinated"])):
            continue
        body.append(
            [
                w.figure(key, locale),
                _count(row["free_delivery"], locale),
                _count(row["coordinated"], locale),
                w.change(row["change"], locale),
            ]
        )
    share = comparison["local_share"]
    body.append(
        [
            w.figure("local_share", locale),
            w.percent(share["free_delivery"], locale, 1),
            w.percent(share["coordinated"], locale, 1),
            w.points_change(share["free_delivery"], share["coordinated"], locale),
        ]
    )
    suppliers = result.get("suppliers") or {}
    if suppliers:
        before, after = suppliers["can_take_part_free_delivery"], suppliers["can_take_part_coordinated"]
        body.append(
            [
                w.figure("suppliers_taking_part", locale, n=suppliers["suppliers"]),
                w.number(before, locale),
                w.number(after, locale),
                ("+" if after > before else "") + w.number(after - before, locale)
                if after != before
                else text("impact.change.same", None, locale),
            ]
        )
    head = [
        [
            text(key, None, locale)
            for key in (
                "impact.pdf.col.perWeek",
                "impact.pdf.col.free",
                "impact.pdf.col.coord",
                "impact.pdf.col.change",
            )
        ]
    ]
    story.append(_table(head, body, [80, 32, 32, 30]))

    story += _school(result, locale)
    about = _notes(result, locale, keys=PERIOD_NOTES)
    if about:
        story.append(KeepTogether([_p(text("impact.pdf.about", None, locale), "h3"), *[_p(n) for n in about]]))
    return story


def _school(result: dict, locale: str) -> list[Any]:
    base = result["baseline"].get("by_kind_per_week") or {}
    coord = result["coordinated"].get("by_kind_per_week") or {}
    kinds = [k for k in ("school_kitchen", "preschool", "care_home", "other") if k in base or k in coord]
    kinds += sorted(k for k in set(base) | set(coord) if k not in kinds)
    story: list[Any] = [
        _p(text("impact.pdf.school.title", None, locale), "h2"),
        _p(text("impact.pdf.school.intro", None, locale)),
    ]
    if kinds:
        today, coordinated = (
            text("impact.pdf.col.today", None, locale),
            text("impact.pdf.col.coordinated", None, locale),
        )
        head = [
            [
                text("impact.pdf.school.kind", None, locale),
                text("impact.pdf.school.count", None, locale),
                text("impact.pdf.school.deliveries", None, locale),
                "",
                text("impact.pdf.school.heavy", None, locale),
                "",
            ],
            ["", "", today, coordinated, today, coordinated],
        ]
        body = []
        for kind in kinds:
            b, c = base.get(kind, {}), coord.get(kind, {})
            body.append(
                [
                    w.point_kind(kind, locale),
                    w.number(b.get("buildings", c.get("buildings", 0)), locale),
                    w.number(b.get("deliveries_per_building", 0.0), locale, 1),
                    w.number(c.get("deliveries_per_building", 0.0), locale, 1),
                    w.number(b.get("heavy_visits_per_building", 0.0), locale, 1),
                    w.number(c.get("heavy_visits_per_building", 0.0), locale, 1),
                ]
            )
        story.append(
            _table(
                head,
                body,
                [54, 18, 25, 25, 26, 26],
                spans=(((2, 0), (3, 0)), ((4, 0), (5, 0)), ((0, 0), (0, 1)), ((1, 0), (1, 1))),
            )
        )
    heavy = result["comparison"]["heavy_vehicle_visits_schools_preschools"]
    story.append(Spacer(1, 2 * mm))
    story.append(
        _p(
            text(
                "impact.pdf.school.heavyTotal",
                {"before": _count(heavy["free_delivery"], locale), "after": _count(heavy["coordinated"], locale)},
                locale,
            )
        )
    )
    return story


def _towns(result: dict, locale: str) -> list[Any]:
    base, coord = result["baseline"]["by_municipality_per_week"], result["coordinated"]["by_municipality_per_week"]
    keys = ("deliveries", "vehicle_km", "co2e_kg", "cost_sek")
    today, coordinated = text("impact.pdf.col.today", None, locale), text("impact.pdf.col.coordinated", None, locale)
    head = [
        [text("coordinator.col.municipality", None, locale)]
        + [x for k in ("deliveries", "km", "co2e", "cost") for x in (text(f"impact.pdf.col.{k}", None, locale), "")],
        [""] + [today, coordinated] * 4,
    ]
    body = []
    for m in result["inputs"]["municipalities"]:
        b, c = base.get(m, {}), coord.get(m, {})
        body.append([m] + [w.number(x.get(k, 0.0), locale) for k in keys for x in (b, c)])
    total_b, total_c = result["baseline"]["per_week"], result["coordinated"]["per_week"]
    body.append(
        [text("impact.pdf.towns.all", None, locale)]
        + [w.number(x[k], locale) for k in keys for x in (total_b, total_c)]
    )
    spans = (((0, 0), (0, 1)), *(((1 + 2 * i, 0), (2 + 2 * i, 0)) for i in range(4)))
    return [
        _p(text("impact.pdf.towns", None, locale), "h2"),
        _p(text("impact.pdf.towns.intro", None, locale)),
        _table(head, body, [28] + [18.25] * 8, spans=spans, total_row=True),
    ]


def _patterns(result: dict, locale: str) -> list[Any]:
    table = result.get("pattern_comparison") or {}
    if len(table) < 2:
        return []
    head = [
        [
            text("impact.pdf.col.pattern", None, locale),
            text("impact.pdf.col.deliveries", None, locale),
            text("impact.pdf.col.km", None, locale),
            text("impact.pdf.col.co2e", None, locale),
            text("impact.pdf.col.cost", None, locale),
            text("impact.pdf.col.daysEarly", None, locale),
            text("impact.pdf.col.beforePeriod", None, locale),
        ]
    ]
    body, bold = [], []
    for i, (name, row) in enumerate(table.items()):
        if name == result["primary_pattern"]:
            bold.append(i)
        body.append(
            [
                _capital(w.pattern(name, locale)),
                w.number(row["deliveries"], locale),
                w.number(row["vehicle_km"], locale),
                w.number(row["co2e_kg"], locale),
                w.number(row["cost_sek"], locale),
                w.number(row.get("mean_days_early", 0.0), locale, 1),
                w.number(row.get("deliveries_before_period", 0), locale),
            ]
        )
    return [
        CondPageBreak(60 * mm),
        _p(text("impact.pdf.patterns", None, locale), "h2"),
        _p(text("impact.pdf.patterns.intro", None, locale)),
        _table(head, body, [50] + [124 / 6] * 6, bold_rows=tuple(bold)),
    ]


def fleet_need_rows(result: dict, locale: str) -> list[list[str]]:
    """The weekday table of vehicles needed, as text cells (the PDF's and the CSV's)."""
    rows = []
    for row in result.get("fleet_need") or []:
        needed = row["vehicles_needed"]
        rows.append([
            text(f"weekday.{row['weekday']}", None, locale),
            row["date"],  # ISO dates are how dates are written in Swedish too
            w.number(row["stops"], locale),
            w.number(needed, locale) if needed is not None
            else text("impact.fleetNeed.more", {"count": row["vehicles_tried"]}, locale),
            w.number(row["trips"], locale) if row["trips"] is not None else "–",
            w.number(row["km"], locale, 1) if row["km"] is not None else "–",
            w.number(row["binding_stops"], locale),
        ])  # fmt: skip
    return rows


FLEET_NEED_COLUMNS = ("weekday", "date", "stops", "needed", "trips", "km", "binding")


def _fleet_need(result: dict, locale: str) -> list[Any]:
    rows = fleet_need_rows(result, locale)
    if not rows:
        return []
    need = result["fleet_need"]
    head = [[text(f"impact.fleetNeed.col.{column}", None, locale) for column in FLEET_NEED_COLUMNS]]
    short = [i for i, row in enumerate(need) if (row["vehicles_needed"] or 10**6) > row["vehicles_at_hand"]]
    story: list[Any] = [
        CondPageBreak(50 * mm),
        _p(text("impact.fleetNeed.title", None, locale), "h2"),
        _p(text("impact.fleetNeed.intro", {"vehicles": need[0]["vehicles_at_hand"]}, locale)),
        _table(head, rows, [24, 30, 16, 26, 16, 18, 44], bold_rows=tuple(short)),
    ]
    for row in need:
        if row["unservable_stops"]:
            weekday = text(f"weekday.{row['weekday']}", None, locale).lower()
            story.append(_p(text("impact.fleetNeed.unservable", {"count": row["unservable_stops"], "weekday": weekday},
                                 locale)))  # fmt: skip
    return story


def _split(result: dict, locale: str) -> list[Any]:
    split = result["cost_split"]
    rules = [
        r
        for r in w.SPLIT_RULES
        if r not in w.GAME_RULES or any(row.get(r) is not None for row in split["table"])
    ]
    story: list[Any] = [
        _p(text("impact.pdf.split", None, locale), "h2"),
        _p(
            text(
                "impact.split.intro",
                {
                    "total": w.number(split["total_cost"], locale),
                    "alone": w.number(split["sum_of_standalone_costs"], locale),
                },
                locale,
            )
        ),
    ]
    if split["table"]:
        head = [[text("coordinator.col.municipality", None, locale)] + [w.split_rule(r, locale) for r in rules]]
        body, marked = [], False
        for row in split["table"]:
            cells = [row["municipality"]]
            for rule in rules:
                cell = w.number(row.get(rule), locale)
                if rule in row.get("pays_more_than_alone", []):
                    cell += " *"
                    marked = True
                cells.append(cell)
            body.append(cells)
        sums = [text("impact.pdf.split.sum", None, locale)]
        for rule in rules:
            values = [row.get(rule) for row in split["table"]]
            sums.append(
                w.number(sum(v for v in values if v is not None), locale)
                if any(v is not None for v in values)
                else w.number(None, locale)
            )
        body.append(sums)
        story += [
            _p(text("impact.pdf.split.unit", None, locale), "small"),
            _table(head, body, [34] + [140 / len(rules)] * len(rules), total_row=True),
        ]
        if marked:
            story.append(_p(text("impact.split.paysMoreMark", None, locale), "small"))
    core = split.get("core")
    if core:
        if core.get("core_nonempty") is None:
            story.append(_p(text("impact.core.unknown", None, locale)))
        else:
            story.append(
                _p(
                    text(
                        "coordinator.split.coreYes" if core["core_nonempty"] else "coordinator.split.coreNo",
                        None,
                        locale,
                    )
                )
            )
        if core.get("allocation_in_core") is True:
            story.append(_p(text("impact.core.shapley_inside", None, locale)))
        elif core.get("allocation_in_core") is False:
            groups = sorted({" + ".join(v["coalition"]) for v in core.get("violations", [])})
            story.append(_p(text("impact.core.shapley_outside", {"groups": _names(groups, locale)}, locale)))
    elif split.get("shapley_sampled"):
        story.append(_p(w.message(split["shapley_sampled"]["note"], locale)))
    elif split.get("shapley_skipped_reason"):
        reason = w.message(split["shapley_skipped_reason"], locale)
        story.append(_p(text("coordinator.split.shapleySkipped", {"reason": reason}, locale)))
    explain = [f"impact.explain.{r}" for r in rules]
    if core:
        explain.append("impact.explain.core")
    story.append(
        KeepTogether(
            [_p(text("impact.pdf.split.methods", None, locale), "h3")]
            + [_term(text(k, None, locale)) for k in explain]
            + [_p(text("impact.explain.approximate", None, locale), "small")]
        )
    )
    return story


def _assumptions(result: dict, locale: str) -> list[Any]:
    a = result.get("assumptions") or {}
    params = result.get("parameters") or {}
    story: list[Any] = [_p(text("impact.pdf.assumptions", None, locale), "h2")]
    factors = a.get("emission_factors") or []
    if factors:
        head = [[text(f"impact.pdf.col.{k}", None, locale) for k in ("energy", "factor", "unit", "source")]]
        body = [
            [
                w.energy(f["energy"], locale),
                w.number(f["kg_co2e_per_unit"], locale, 3),
                text(f"impact.unit.{f['unit']}", None, locale),
                text(f"impact.source.{f['source']}", None, locale),
            ]
            for f in factors
        ]
        table = _table(head, body, [38, 26, 32, 78], text_cols=(0, 2, 3))
        story += [_p(text("impact.pdf.factors", None, locale), "h3"), table]

    vehicles = a.get("supplier_vehicles") or []
    if vehicles:
        head = [
            [
                text(f"impact.pdf.col.{k}", None, locale)
                for k in (
                    "vehicle",
                    "energy",
                    "consumption",
                    "co2PerKm",
                    "costPerKm",
                    "costPerHour",
                    "payload",
                    "heavy",
                )
            ]
        ]
        body = []
        for v in vehicles:
            unit = "kwh" if v["energy"] == "electric" else "litre"
            body.append(
                [
                    w.vehicle(v, locale),
                    w.energy(v["energy"], locale),
                    text(
                        "impact.pdf.consumption",
                        {
                            "value": w.number(v["consumption_per_km"], locale, 2),
                            "unit": text(f"impact.unit.{unit}", None, locale),
                        },
                        locale,
                    ),
                    w.number(v["co2e_kg_per_km"], locale, 2),
                    w.number(v["cost_per_km"], locale),
                    w.number(v["cost_per_hour"], locale),
                    w.number(v["capacity_kg"], locale),
                    text("impact.yes" if v["heavy"] else "impact.no", None, locale),
                ]
            )
        table = _table(head, body, [50, 20, 22, 17, 14, 17, 17, 17], text_cols=(0, 1))
        sources = sorted({v.get("source") for v in vehicles if v.get("source")})
        story += [_p(text("impact.pdf.supplierVehicles", None, locale), "h3"), table]
        for source in sources:
            story.append(
                _p(
                    text("impact.pdf.sourceLine", {"source": text(f"impact.source.{source}", None, locale)}, locale),
                    "small",
                )
            )

    fleet = a.get("fleet") or []
    if fleet:
        head = [
            [
                text(f"impact.pdf.col.{k}", None, locale)
                for k in ("vehicle", "energy", "co2PerKm", "costPerKm", "costPerHour", "heavy")
            ]
        ]
        body = [
            [
                f.get("name") or f.get("id", ""),
                w.energy(f["energy"], locale),
                w.number(f["co2e_kg_per_km"], locale, 2),
                w.number(f["cost_per_km"], locale),
                w.number(f["cost_per_hour"], locale),
                text("impact.yes" if f["heavy"] else "impact.no", None, locale),
            ]
            for f in fleet
        ]
        story += [
            _p(text("impact.pdf.fleet", None, locale), "h3"),
            _table(head, body, [50, 44, 20, 18, 22, 20], text_cols=(0, 1)),
        ]

    other = []
    shift = a.get("supplier_shift")
    if shift:
        other.append(("supplierShift", text("impact.pdf.value.clock", {"start": shift[0], "end": shift[1]}, locale)))
    if "terminal_handling_s" in params:
        other.append(
            (
                "terminalHandling",
                text("impact.pdf.value.minutes", {"n": round(params["terminal_handling_s"] / 60)}, locale),
            )
        )
    if "service_per_pallet_s" in params:
        other.append(
            ("servicePerPallet", text("impact.pdf.value.seconds", {"n": round(params["service_per_pallet_s"])}, locale))
        )
    if "fleet_max_trips" in params:
        other.append(("fleetTrips", w.number(params["fleet_max_trips"], locale)))
    if "producer_max_hours_per_day" in params:
        hours = w.number(params["producer_max_hours_per_day"], locale, 1).replace(",0", "").replace(".0", "")
        other.append(("producerHours", text("impact.pdf.value.hoursPerDay", {"n": hours}, locale)))
    if "time_limit_s" in params:
        seconds = w.number(params["time_limit_s"], locale, 1).replace(",0", "").replace(".0", "")
        other.append(("timeLimit", text("impact.pdf.value.seconds", {"n": seconds}, locale)))
    if other:
        head = [[text("impact.pdf.col.assumption", None, locale), text("impact.pdf.col.value", None, locale)]]
        body = [[text(f"impact.pdf.other.{k}", None, locale), v] for k, v in other]
        table = _table(head, body, [110, 64], text_cols=(0, 1))
        story += [_p(text("impact.pdf.other", None, locale), "h3"), table]

    notes = _notes(result, locale, exclude=PERIOD_NOTES)
    rule = w.message((result.get("suppliers") or {}).get("rule"), locale)
    if rule:
        notes.append(rule)
    source = w.message(a.get("source"), locale)
    if source:
        notes.append(source)
    if notes:
        story.append(_p(text("impact.pdf.notes", None, locale), "h3"))
        story += [_p(f"\u2022 {n}") for n in notes]
    return story


def report_pdf(name: str, result: dict[str, Any], locale: str = DEFAULT_LOCALE) -> bytes:
    """The council's PDF of a finished report, in `locale` ("sv" or "en")."""
    register_fonts()
    horizon = result["horizon"]
    footer = text("impact.pdf.footer", {"name": name, "start": horizon["start"], "end": horizon["end"]}, locale)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, "".join(c if ord(c) in _glyphs() else "?" for c in footer))
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, text("impact.pdf.page", {"n": doc.page}, locale))
        canvas.restoreState()

    story: list[Any] = _summary(name, result, locale)
    story += [PageBreak(), *_charts(result, locale)]
    why = _decomposition(result, locale)
    story += [PageBreak(), *why] if why else []
    story += [Spacer(1, 4 * mm), *_tornado(result, locale)]
    story += [PageBreak(), *_towns(result, locale), *_patterns(result, locale), *_fleet_need(result, locale)]
    # The cost split shares the page with the tables if it fits whole, else it starts a page.
    story += [Spacer(1, 2 * mm), KeepTogether(_split(result, locale))]
    story += [PageBreak(), *_assumptions(result, locale)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=text("impact.pdf.documentTitle", {"name": name}, locale),
        author="Samlast",
        lang=locale,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


# --- CSV -----------------------------------------------------------------------------------


def report_csv(result: dict[str, Any], locale: str = DEFAULT_LOCALE, name: str = "") -> str:
    """Every headline figure for a spreadsheet, in `locale`.

    Swedish: semicolons, decimal commas and a byte-order mark, which is what Excel
    with Swedish settings opens correctly; English: commas and points. Rows are
    labelled in words (never a figure key or a scenario code).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "sv" else ",", lineterminator="\r\n")

    def t(key: str, **params: Any) -> str:
        return text(key, params, locale)

    def num(value: Any) -> str:
        return w.csv_number(value, locale)

    def ratio(value: Any) -> str:
        return "" if value is None else w.csv_number(value * 100, locale, 1)

    def figure_cell(key: str, value: Any) -> str:
        return ratio(value) if key == "local_share" else num(value)

    def figure_name(key: str) -> str:
        return w.figure("local_share_percent" if key == "local_share" else key, locale)

    def week_name(monday: str) -> str:
        key = "impact.weekBeforeOf" if monday < _monday(horizon["start"]) else "impact.weekOf"
        return t(key, n=date.fromisoformat(monday).isocalendar()[1], date=monday)

    horizon = result["horizon"]
    if name:
        writer.writerow([t("coordinator.csv.report"), name])
    writer.writerow([t("coordinator.csv.period"), horizon["start"], horizon["end"]])
    writer.writerow([t("coordinator.impact.pattern"), w.pattern(result["primary_pattern"], locale)])
    writer.writerow([])
    writer.writerow(
        [
            t("impact.pdf.col.perWeek"),
            w.scenario("baseline", locale),
            w.scenario("coordinated", locale),
            t("impact.pdf.col.change") + " (%)",
        ]
    )
    for key in CSV_FIGURES:
        row = result["comparison"].get(key)
        if row is not None:
            change = None if key == "local_share" else row["change"]
            writer.writerow(
                [
                    figure_name(key),
                    figure_cell(key, row["free_delivery"]),
                    figure_cell(key, row["coordinated"]),
                    ratio(change),
                ]
            )
    early = result.get("moved_before_period") or {}
    if early:
        writer.writerow([w.figure("deliveries_before_period", locale), "", num(early.get("deliveries", 0)), ""])
    writer.writerow([])
    writer.writerow(
        [
            f"{t('coordinator.col.municipality')} ({t('coordinator.csv.perWeek').lower()})",
            t("coordinator.csv.scenario"),
            *[figure_name(k) for k in CSV_FIGURES],
        ]
    )
    for town in result["inputs"]["municipalities"]:
        for scenario in ("baseline", "coordinated"):
            figures = result[scenario]["by_municipality_per_week"].get(town, {})
            writer.writerow(
                [town, w.scenario(scenario, locale), *[figure_cell(k, figures.get(k)) for k in CSV_FIGURES]]
            )
    writer.writerow([])
    writer.writerow(
        [t("coordinator.csv.byWeek"), t("coordinator.csv.scenario"), *[figure_name(k) for k in CSV_FIGURES]]
    )
    for scenario in ("baseline", "coordinated"):
        for week, figures in sorted(result[scenario]["by_week"].items()):
            writer.writerow(
                [week_name(week), w.scenario(scenario, locale), *[figure_cell(k, figures.get(k)) for k in CSV_FIGURES]]
            )
    split = result["cost_split"]
    writer.writerow([])
    writer.writerow(
        [
            t("coordinator.col.municipality"),
            *[w.split_rule(r, locale) for r in w.SPLIT_RULES],
            t("coordinator.split.paysMoreCol"),
        ]
    )
    for row in split["table"]:
        writer.writerow(
            [
                row["municipality"],
                *[num(row.get(r)) for r in w.SPLIT_RULES],
                ", ".join(w.split_rule(r, locale) for r in row["pays_more_than_alone"]),
            ]
        )
    need = fleet_need_rows(result, locale)
    if need:
        writer.writerow([])
        writer.writerow([t(f"impact.fleetNeed.col.{column}") for column in FLEET_NEED_COLUMNS])
        writer.writerows(need)
    return "\ufeff" + buffer.getvalue()
