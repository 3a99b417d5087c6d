"""An impact report for the council: PDF (tables and charts) and CSV, from a stored result."""

from __future__ import annotations

import csv
import io
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samlast.impact.summary import ROWS

FREE, COORDINATED = colors.HexColor("#b23a48"), colors.HexColor("#1d5fa8")
SPLIT_RULES = ("standalone_cost", "per_delivery", "per_kg", "per_standalone_km", "shapley")
SPLIT_LABELS = ("Alone", "Per delivery", "Per kg", "Per alone km", "Shapley")


def _fmt(fmt: str, value: Any) -> str:
    return "-" if value is None else fmt.format(value)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ]
        )
    )
    return table


def _bars(title: str, labels: list[str], free: list[float], coordinated: list[float]) -> Drawing:
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, 120 * mm, 42 * mm
    if not labels:  # nothing ordered in the period: an empty chart, not a crash in reportlab
        labels, free, coordinated = ["-"], [0.0], [0.0]
    chart.data = [free, coordinated]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor, chart.bars[1].fillColor = FREE, COORDINATED
    legend = Legend()
    legend.x, legend.y, legend.fontSize = 138 * mm, 48 * mm, 7
    legend.colorNamePairs = [(FREE, "Free delivery"), (COORDINATED, "Coordinated")]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(14 * mm, 56 * mm, title, fontName="Helvetica-Bold", fontSize=9))
    return drawing


def report_pdf(name: str, result: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    horizon = result["horizon"]
    story: list[Any] = [
        Paragraph(f"Samlast impact analysis: {name}", styles["Title"]),
        Paragraph(
            f"Period {horizon['start']} to {horizon['end']} ({len(horizon['weeks'])} week(s)); "
            f"coordinated delivery pattern: {result['primary_pattern']}. Figures per average week.",
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    rows = [["Per average week", "Free delivery", "Coordinated", "Change"]]
    for key, label, fmt in ROWS:
        row = result["comparison"][key]
        change = "-" if row["change"] is None else f"{row['change']:+.0%}"
        rows.append([label, _fmt(fmt, row["free_delivery"]), _fmt(fmt, row["coordinated"]), change])
    suppliers = result["suppliers"]
    rows.append(
        [
            f"Suppliers that can take part (of {suppliers['suppliers']})",
            str(suppliers["can_take_part_free_delivery"]),
            str(suppliers["can_take_part_coordinated"]),
            "",
        ]
    )
    story += [_table(rows, [70 * mm, 32 * mm, 32 * mm, 20 * mm]), Spacer(1, 5 * mm)]

    municipalities = result["inputs"]["municipalities"]
    base = result["baseline"]["by_municipality_per_week"]
    coord = result["coordinated"]["by_municipality_per_week"]
    for key, title in (("deliveries", "Deliveries per week"), ("co2e_kg", "CO2e kg per week")):
        story.append(
            _bars(
                title,
                municipalities,
                [base[m][key] for m in municipalities],
                [coord[m][key] for m in municipalities],
            )
        )
    rows = [["Municipality", "Deliveries", "Km", "CO2e kg", "Cost SEK"]]
    for m in municipalities:
        b, c = base[m], coord[m]
        rows.append(
            [m]
            + [f"{b[k]:,.0f} → {c[k]:,.0f}" for k in ("deliveries", "vehicle_km", "co2e_kg", "cost_sek")]
        )
    story += [
        Paragraph("Per municipality, free delivery → coordinated", styles["Heading3"]),
        _table(rows, [30 * mm, 32 * mm, 32 * mm, 32 * mm, 38 * mm]),
    ]

    split = result["cost_split"]
    rows = [["Municipality", *SPLIT_LABELS, "Pays more than alone"]]
    for row in split["table"]:
        rows.append(
            [row["municipality"]]
            + [_fmt("{:,.0f}", row[rule]) for rule in SPLIT_RULES]
            + [", ".join(row["pays_more_than_alone"]) or "-"]
        )
    story += [
        Paragraph(
            f"Cost split over the period (total {split['total_cost']:,.0f} SEK; "
            f"stand-alone sum {split['sum_of_standalone_costs']:,.0f} SEK)",
            styles["Heading3"],
        ),
        _table(rows, [24 * mm, 20 * mm, 22 * mm, 20 * mm, 22 * mm, 20 * mm, 40 * mm]),
        Spacer(1, 4 * mm),
    ]
    story.append(Paragraph("Notes and assumptions", styles["Heading3"]))
    for note in [*result.get("notes", []), *_assumption_lines(result.get("assumptions", {}))]:
        story.append(Paragraph(note.replace("&", "&amp;").replace("<", "&lt;"), styles["BodyText"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Samlast impact: {name}", author="Samlast").build(story)
    return buffer.getvalue()


def _assumption_lines(assumptions: Any) -> list[str]:
    if isinstance(assumptions, dict):
        return [f"{key}: {value}" for key, value in assumptions.items()]
    return [str(item) for item in assumptions]


def report_csv(result: dict[str, Any]) -> str:
    """Every headline figure as rows: section, item, free delivery, coordinated, change."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "item", "free_delivery", "coordinated", "change"])
    for key, _, _ in ROWS:
        row = result["comparison"][key]
        writer.writerow(["per_week", key, row["free_delivery"], row["coordinated"], row["change"]])
    base = result["baseline"]["by_municipality_per_week"]
    coord = result["coordinated"]["by_municipality_per_week"]
    for m in result["inputs"]["municipalities"]:
        for key in ("deliveries", "vehicle_km", "co2e_kg", "cost_sek"):
            writer.writerow([f"municipality:{m}", key, base[m][key], coord[m][key], ""])
    for row in result["cost_split"]["table"]:
        for rule in SPLIT_RULES:
            writer.writerow([f"cost_split:{row['municipality']}", rule, "", row[rule], ""])
    return buffer.getvalue()
