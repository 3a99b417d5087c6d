"""The monthly follow-up for the council: PDF and CSV from a stored result, in the reader's language.

Pure (no Flask): the API passes the request's locale. The PDF shares the impact report's look
(fonts, table and styles of :mod:`samlast.services.impact_export`): first the month's figures
against free delivery of the same orders, then the settlement per municipality under the rule
the council chose, the local share per product area over the months, every building's
deliveries, and how each figure was measured.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from samlast.i18n import DEFAULT_LOCALE, text
from samlast.impact import followup as fu
from samlast.impact import wording as w
from samlast.services.impact_export import (
    FONT,
    MARGIN,
    MUTED,
    PAGE_W,
    _p,
    _safe,
    _styles,
    _table,
    register_fonts,
)

#: The month's figures in the first table: the key in totals, the word-table label, the unit.
FIGURES = (
    ("deliveries", "followup.figure.deliveries"),
    ("km", "followup.figure.km"),
    ("co2e_kg", "followup.figure.co2e"),
    ("cost_sek", "followup.figure.cost"),
)
LINE_COLOURS = ("#0a3a7a", "#8a4b00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")


def month_name(month: date, locale: str = DEFAULT_LOCALE) -> str:
    """ "november 2026" in the reader's language."""
    return text(f"followup.month.{month.month}", {"year": month.year}, locale)


def summary_line(totals: dict, locale: str = DEFAULT_LOCALE) -> str:
    """One sentence: deliveries, km and CO2e against free delivery, punctuality and local share."""
    c, b, ch = totals["coordinated"], totals["baseline"], totals["change"]
    return text(
        "followup.summary",
        {
            "deliveries": w.number(c["deliveries"], locale),
            "baseline": w.number(b["deliveries"], locale),
            "km": w.number(c["km"], locale),
            "km_change": w.change(ch["km"], locale),
            "co2e": w.number(c["co2e_kg"], locale),
            "co2e_change": w.change(ch["co2e_kg"], locale),
            "punctuality": w.percent(totals["punctuality"], locale),
            "local": w.percent(totals["local_share"], locale),
        },
        locale,
    )


def _figure_rows(totals: dict, locale: str) -> list[list[str]]:
    rows = []
    for key, label in FIGURES:
        decimals = 0
        rows.append(
            [
                text(label, None, locale),
                w.number(totals["baseline"][key], locale, decimals),
                w.number(totals["coordinated"][key], locale, decimals),
                w.change(totals["change"][key], locale),
            ]
        )
    return rows


def settlement_rows(settlement: dict, locale: str) -> list[list[str]]:
    """Municipality, its amount under the chosen rule, alone, and a mark if it pays more than alone."""
    rows = []
    for row in settlement.get("rows", []):
        rows.append(
            [
                row["municipality"],
                w.number(row["amount"], locale),
                w.number(row["standalone_cost"], locale),
                text("followup.paysMore", None, locale) if row["pays_more_than_alone"] else "",
            ]
        )
    return rows


def _local_chart(trend: list[dict], locale: str) -> Drawing | None:
    """Local share per municipality over the months (all product areas together)."""
    months = sorted({r["month"] for r in trend})
    if len(months) < 2:
        return None
    totals: dict[str, dict[str, list[float]]] = {}
    for r in trend:
        kg = totals.setdefault(r["municipality"], {}).setdefault(r["month"], [0.0, 0.0])
        kg[0] += r["kg"]
        kg[1] += r["local_kg"]
    towns = sorted(totals)
    drawing = Drawing(170 * mm, 62 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 120 * mm, 45 * mm
    chart.data = [
        [100 * totals[t][m][1] / totals[t][m][0] if totals[t].get(m) and totals[t][m][0] else 0 for m in months]
        for t in towns
    ]
    chart.categoryAxis.categoryNames = months
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin = 0
    for i, _ in enumerate(towns):
        chart.lines[i].strokeColor = colors.HexColor(LINE_COLOURS[i % len(LINE_COLOURS)])
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    for i, town in enumerate(towns):
        drawing.add(String(136 * mm, (52 - 5 * i) * mm, town, fontName=FONT, fontSize=8,
                           fillColor=colors.HexColor(LINE_COLOURS[i % len(LINE_COLOURS)])))  # fmt: skip
    drawing.add(String(12 * mm, 58 * mm, text("followup.pdf.localChart", None, locale), fontName=FONT, fontSize=8,
                       fillColor=MUTED))  # fmt: skip
    return drawing


def report_pdf(month: date, result: dict[str, Any], trend: list[dict], locale: str = DEFAULT_LOCALE) -> bytes:
    """The council's PDF of a finished follow-up of `month`, with the local-share `trend`
    (services.followup.local_trend)."""
    register_fonts()
    name = month_name(month, locale)

    def t(key: str, **params: Any) -> str:
        return text(key, params, locale)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, t("followup.pdf.footer", month=name))
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, t("impact.pdf.page", n=doc.page))
        canvas.restoreState()

    totals = result["totals"]
    period = result.get("period", {})
    story: list[Any] = [
        _p(t("followup.pdf.title", month=name), "title"),
        _p(t("followup.pdf.subtitle", start=period.get("from", ""), end=period.get("to", "")), "subtitle"),
        _p(summary_line(totals, locale)),
        _p(t("followup.pdf.figures"), "h2"),
        _table(
            [
                [
                    t("followup.col.figure"),
                    t("followup.col.baseline"),
                    t("followup.col.actual"),
                    t("impact.pdf.col.change"),
                ]
            ],
            _figure_rows(totals, locale),
            [64, 38, 38, 34],
        ),
        Spacer(1, 2 * mm),
        _table(
            [[t("followup.col.figure"), t("followup.col.value")]],
            [
                [t("followup.figure.punctuality"), w.percent(totals["punctuality"], locale)],
                [t("followup.figure.localShare"), w.percent(totals["local_share"], locale)],
                [t("followup.figure.deviations"), w.number(totals["coordinated"]["deviations"], locale)],
                [t("followup.figure.gpsKm"), w.number(totals["coordinated"]["gps_km"], locale)],
            ],
            [120, 54],
        ),
    ]
    settlement = result["settlement"]
    split = [
        _p(t("followup.pdf.settlement"), "h2"),
        _p(
            t(
                "followup.pdf.settlementIntro",
                rule=w.split_rule(settlement["rule"], locale),
                total=w.number(settlement["total_cost"], locale),
            )
        ),  # fmt: skip
        _table(
            [
                [
                    t("coordinator.col.municipality"),
                    t("followup.col.amount"),
                    t("coordinator.split.alone"),
                    t("followup.col.flag"),
                ]
            ],  # fmt: skip
            settlement_rows(settlement, locale),
            [60, 38, 38, 38],
        ),
    ]
    if any(r["pays_more_than_alone"] for r in settlement.get("rows", [])):
        split.append(_p(t("followup.pdf.paysMoreNote"), "small"))
    story += [KeepTogether(split)]
    story += [_p(t("followup.pdf.local"), "h2")]
    chart = _local_chart(trend, locale)
    if chart is not None:
        story.append(chart)
    story.append(
        _table(
            [
                [
                    t("followup.col.month"),
                    t("coordinator.col.municipality"),
                    t("followup.col.area"),
                    "kg",
                    t("followup.col.localKg"),
                    t("followup.figure.localShare"),
                ]
            ],  # fmt: skip
            [
                [
                    r["month"],
                    r["municipality"],
                    r["area"] or t("followup.noArea"),
                    w.number(r["kg"], locale),
                    w.number(r["local_kg"], locale),
                    w.percent(r["local_share"], locale),
                ]
                for r in (trend or [{"month": month.strftime("%Y-%m"), **r} for r in result["local_by_area"]])
            ],  # fmt: skip
            [20, 36, 40, 26, 26, 26],
            text_cols=(0, 1, 2),
        )
    )
    story += [
        _p(t("followup.pdf.points"), "h2"),
        _table(
            [
                [
                    t("followup.col.point"),
                    t("coordinator.col.municipality"),
                    t("followup.col.deliveries"),
                    t("followup.col.baselineDeliveries"),
                    t("followup.figure.punctuality"),
                    t("followup.figure.deviations"),
                ]
            ],
            [
                [
                    r["name"],
                    r["municipality"],
                    w.number(r["deliveries"], locale),
                    w.number(r["baseline_deliveries"], locale),
                    w.percent(r["on_time"] / r["with_window"] if r["with_window"] else None, locale),
                    w.number(r["deviations"], locale),
                ]
                for r in result["points"]
            ],
            [50, 32, 22, 26, 22, 22],
            text_cols=(0, 1),
        ),  # fmt: skip
        _p(t("followup.pdf.method"), "h2"),
        Paragraph(_safe(t("followup.pdf.methodText")), _styles()["small"]),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm, bottomMargin=18 * mm,
        title=t("followup.pdf.title", month=name), author="Samlast", lang=locale,
    )  # fmt: skip
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def report_csv(month: date, result: dict[str, Any], locale: str = DEFAULT_LOCALE) -> str:
    """Every figure of the follow-up for a spreadsheet (Swedish: semicolons, decimal commas, BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "sv" else ",", lineterminator="\r\n")

    def t(key: str, **params: Any) -> str:
        return text(key, params, locale)

    def num(value: Any, decimals: int = 2) -> str:
        return w.csv_number(value, locale, decimals)

    def pct(value: Any) -> str:
        return "" if value is None else w.csv_number(value * 100, locale, 1)

    totals = result["totals"]
    writer.writerow([t("followup.pdf.title", month=month_name(month, locale))])
    writer.writerow([t("coordinator.csv.period"), result["period"]["from"], result["period"]["to"]])
    writer.writerow([])
    writer.writerow([t("followup.col.figure"), t("followup.col.baseline"), t("followup.col.actual"),
                     t("impact.pdf.col.change") + " (%)"])  # fmt: skip
    for key, label in FIGURES:
        writer.writerow([t(label), num(totals["baseline"][key]), num(totals["coordinated"][key]),
                         pct(totals["change"][key])])  # fmt: skip
    writer.writerow([t("followup.figure.punctuality") + " (%)", "", pct(totals["punctuality"]), ""])
    writer.writerow([t("followup.figure.localShare") + " (%)", "", pct(totals["local_share"]), ""])
    writer.writerow([t("followup.figure.deviations"), "", num(totals["coordinated"]["deviations"], 0), ""])
    writer.writerow([t("followup.figure.gpsKm"), "", num(totals["coordinated"]["gps_km"]), ""])
    writer.writerow([])
    settlement = result["settlement"]
    writer.writerow([t("followup.pdf.settlement"), w.split_rule(settlement["rule"], locale)])
    rules = [w.split_rule(r, locale) for r in fu.RULES]
    writer.writerow([t("coordinator.col.municipality"), t("followup.col.amount"), t("coordinator.split.alone"),
                     *rules, t("coordinator.split.paysMoreCol")])  # fmt: skip
    by_town = {r["municipality"]: r for r in settlement["table"]}
    for row in settlement["rows"]:
        full = by_town[row["municipality"]]
        writer.writerow([row["municipality"], num(row["amount"]), num(row["standalone_cost"]),
                         *[num(full.get(r)) for r in fu.RULES],
                         ", ".join(w.split_rule(r, locale) for r in full["pays_more_than_alone"])])  # fmt: skip
    writer.writerow([])
    writer.writerow([t("followup.col.date"), t("followup.col.deliveries"), t("followup.col.baselineDeliveries"),
                     "km", t("followup.col.baselineKm"), "kg CO2e", t("followup.col.baselineCo2e")])  # fmt: skip
    for day in result["days"]:
        c, b = day["coordinated"], day["baseline"]
        writer.writerow([day["date"], num(c["deliveries"], 0), num(b["deliveries"], 0), num(c["km"], 1),
                         num(b["km"], 1), num(c["co2e_kg"], 1), num(b["co2e_kg"], 1)])  # fmt: skip
    writer.writerow([])
    writer.writerow([t("coordinator.col.municipality"), t("followup.col.area"), "kg", t("followup.col.localKg"),
                     t("followup.figure.localShare") + " (%)"])  # fmt: skip
    for r in result["local_by_area"]:
        writer.writerow([r["municipality"], r["area"] or t("followup.noArea"), num(r["kg"], 1), num(r["local_kg"], 1),
                         pct(r["local_share"])])  # fmt: skip
    writer.writerow([])
    writer.writerow([t("followup.col.point"), t("coordinator.col.municipality"), t("followup.col.deliveries"),
                     t("followup.col.baselineDeliveries"), t("followup.col.onTime"), t("followup.col.withWindow"),
                     t("followup.figure.deviations")])  # fmt: skip
    for r in result["points"]:
        writer.writerow([r["name"], r["municipality"], r["deliveries"], r["baseline_deliveries"], r["on_time"],
                         r["with_window"], r["deviations"]])  # fmt: skip
    return "\ufeff" + buffer.getvalue()
