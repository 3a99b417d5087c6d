"""Package-unit labels as PDF (reportlab, its own QR code widget: nothing more to install).

One A6 label per page (a label printer), or four A6 labels on an A4 sheet (an office printer,
cut in four). Each label: the delivery point large, the temperature class (as a word and a
band of colour, readable in a dim cold room), route and trip, stop number, what the unit is
(crate 2 of 3), a QR code holding the unit's code, and the code in text for typing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from samlast.i18n import text
from samlast.models import TemperatureClass
from samlast.services.loading import Label

LABEL_W, LABEL_H = A6
#: Background of the temperature band: blue frozen, green chilled, grey-brown ambient (with
#: the word printed on it, so colour is never the only sign).
BAND = {
    TemperatureClass.FROZEN: colors.HexColor("#1f4e9c"),
    TemperatureClass.CHILLED: colors.HexColor("#1d7a46"),
    TemperatureClass.AMBIENT: colors.HexColor("#6b5a45"),
}
FORMATS = ("a6", "a4")


def _fit(canvas: Canvas, value: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` at which `value` fits `width`."""
    while size > 7 and stringWidth(value, font, size) > width:
        size -= 0.5
    return size


def _draw_label(canvas: Canvas, label: Label, x: float, y: float, locale: str) -> None:
    margin = 6 * mm
    width = LABEL_W - 2 * margin
    top = y + LABEL_H - margin
    canvas.setStrokeColor(colors.lightgrey)
    canvas.rect(x + 2, y + 2, LABEL_W - 4, LABEL_H - 4)
    # The delivery point.
    canvas.setFillColor(colors.black)
    size = _fit(canvas, label.point_name, "Helvetica-Bold", 20, width)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawString(x + margin, top - size, label.point_name)
    # Temperature band.
    band_top = top - size - 4 * mm
    canvas.setFillColor(BAND[label.temperature_class])
    canvas.rect(x + margin, band_top - 12 * mm, width, 12 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawCentredString(
        x + LABEL_W / 2, band_top - 9 * mm, text(f"temp.{label.temperature_class.value}", None, locale).upper()
    )
    # Route, trip, stop, unit.
    canvas.setFillColor(colors.black)
    lines = [
        text("loading.label.route", {"vehicle": label.route, "trip": label.trip}, locale),
        text("loading.label.stop", {"n": label.stop_number}, locale),
        text(f"loading.label.kind.{label.kind.value}", {"n": label.number, "of": label.of}, locale),
    ]
    line_y = band_top - 12 * mm - 7 * mm
    for number, line in enumerate(lines):
        font_size = 28 if number == 1 else 14
        canvas.setFont("Helvetica-Bold" if number == 1 else "Helvetica", font_size)
        canvas.drawString(x + margin, line_y, line)
        line_y -= (28 if number == 0 else font_size) + 6
    # QR code with the unit's code, and the code to type.
    qr_size = 50 * mm
    widget = QrCodeWidget(label.code, barLevel="M")
    left, bottom, right, top_ = widget.getBounds()
    drawing = Drawing(qr_size, qr_size, transform=[qr_size / (right - left), 0, 0, qr_size / (top_ - bottom), 0, 0])
    drawing.add(widget)
    qr_x, qr_y = x + margin - 2 * mm, y + margin
    renderPDF.draw(drawing, canvas, qr_x, qr_y)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(qr_x + qr_size + 3 * mm, qr_y + 30 * mm, text("loading.label.code", None, locale))
    canvas.setFont("Courier-Bold", 22)
    canvas.drawString(qr_x + qr_size + 3 * mm, qr_y + 21 * mm, label.code)


def labels_pdf(labels: Sequence[Label], page_format: str, locale: str, title: str = "") -> bytes:
    """A6: one label per page; A4: four per page (2 x 2, an A4 is exactly four A6)."""
    buffer = io.BytesIO()
    per_page = 4 if page_format == "a4" else 1
    canvas = Canvas(buffer, pagesize=A4 if page_format == "a4" else A6)
    canvas.setTitle(title)
    slots = [(0, LABEL_H), (LABEL_W, LABEL_H), (0, 0), (LABEL_W, 0)] if per_page == 4 else [(0, 0)]
    if not labels:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(10 * mm, 20 * mm, text("loading.label.none", None, locale))
        canvas.showPage()
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        x, y = slots[index % per_page]
        _draw_label(canvas, label, x, y, locale)
    if labels:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
