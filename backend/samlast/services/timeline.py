"""Following an item: one order line from the order to the kitchen, every hand-over on the way.

The timeline is put together from SOURCES, each a function reading one kind of record for the
line (the order; goods in at the terminal; the units loaded and the driver's signed load; the
proof of delivery; the kitchen's confirmation) and answering steps. A step says what happened,
when, who did it, the quantity at that point (where that record has one) and whether the
hand-over was signed. Where a quantity differs from the one before it, the step is marked
``changed``: the place on the way where something went missing. A new kind of record is one
more source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from samlast.errors import NotFound
from samlast.extensions import db
from samlast.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    LoadHandover,
    LoadScan,
    OrderLine,
    PackageUnit,
    ProofLine,
    ProofOfDelivery,
    ReceiptConfirmation,
    ReceiptLine,
    Role,
    StockIssue,
    User,
)
from samlast.services import people_csv

Step = dict[str, Any]
Source = Callable[[OrderLine], list[Step]]


def _who(user: User | None) -> str:
    return (user.display_name or user.username) if user else ""


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _step(kind: str, at: datetime | None, who: str = "", quantity: float | None = None, signed: bool = False,
          **facts: Any) -> Step:  # fmt: skip
    return {"kind": kind, "at": _aware(at), "who": who, "quantity": quantity, "signed": signed, "facts": facts}


def ordered(line: OrderLine) -> list[Step]:
    order = line.order
    return [_step("ordered", order.created_at, order.supplier.name, line.quantity, supplier=order.supplier.name,
                  order=order.external_id, requested_date=order.requested_date.isoformat())]  # fmt: skip


def received_at_terminal(line: OrderLine) -> list[Step]:
    rows = db.session.scalars(
        sa.select(GoodsReceiptLine).join(GoodsReceipt).where(GoodsReceiptLine.order_line_id == line.id)
        .options(selectinload(GoodsReceiptLine.receipt).selectinload(GoodsReceipt.user))
        .order_by(GoodsReceipt.received_at)
    )  # fmt: skip
    return [
        _step("received_at_terminal", row.receipt.recorded_at, _who(row.receipt.user), row.received_quantity,
              row.receipt.signature_png is not None, supplier_driver=row.receipt.supplier_driver_name,
              temperature_c=row.temperature_c, deviation=row.deviation.value if row.deviation else None)
        for row in rows
    ]  # fmt: skip


def taken_from_stock(line: OrderLine) -> list[Step]:
    """A line from the emergency stock: the batch it was taken from, by whom, and why."""
    rows = db.session.scalars(
        sa.select(StockIssue).where(StockIssue.order_line_id == line.id)
        .options(selectinload(StockIssue.created_by)).order_by(StockIssue.id)
    )  # fmt: skip
    return [_step("taken_from_stock", row.created_at, _who(row.created_by) if row.created_by else "", row.quantity,
                  best_before=row.best_before.isoformat(), reason=row.reason.value) for row in rows]  # fmt: skip


def loaded(line: OrderLine) -> list[Step]:
    """The units of the line's stop and temperature class scanned onto a vehicle, and the driver's
    signature for that load (a unit holds the stop's goods of one class, not one line's)."""
    order = line.order
    scans = db.session.scalars(
        sa.select(LoadScan).join(PackageUnit)
        .where(PackageUnit.delivery_point_id == order.delivery_point_id, PackageUnit.plan_date == order.requested_date,
               PackageUnit.temperature_class == line.temperature_class)
        .options(selectinload(LoadScan.user), selectinload(LoadScan.route), selectinload(LoadScan.unit))
        .order_by(LoadScan.recorded_at)
    ).all()  # fmt: skip
    if not scans:
        return []
    last = scans[-1]
    steps = [_step("loaded", last.recorded_at, _who(last.user), None, False,
                   vehicle=last.route.vehicle.name if last.route else "", units=len(scans),
                   codes=", ".join(scan.unit.code for scan in scans))]  # fmt: skip
    route_ids = {scan.route_id for scan in scans if scan.route_id is not None}
    for handover in db.session.scalars(sa.select(LoadHandover).where(LoadHandover.route_id.in_(route_ids))):
        steps.append(_step("load_signed", handover.recorded_at, handover.driver_name, None,
                           handover.signature_png is not None, terminal_staff=_who(handover.user)))  # fmt: skip
    return steps


def delivered(line: OrderLine) -> list[Step]:
    rows = db.session.scalars(
        sa.select(ProofLine).join(ProofOfDelivery).where(ProofLine.order_line_id == line.id)
        .options(selectinload(ProofLine.proof).selectinload(ProofOfDelivery.event))
    ).all()  # fmt: skip
    return [
        _step("delivered", row.proof.event.occurred_at, _who(row.proof.event.user), row.delivered_quantity,
              bool(row.proof.signature_png), receiver=row.proof.receiver_name, temperature_c=row.temperature_c,
              deviation=row.deviation.value if row.deviation else None)
        for row in rows
    ]  # fmt: skip


def confirmed_by_kitchen(line: OrderLine) -> list[Step]:
    rows = db.session.scalars(
        sa.select(ReceiptLine).join(ReceiptConfirmation).where(ReceiptLine.order_line_id == line.id)
        .options(selectinload(ReceiptLine.confirmation).selectinload(ReceiptConfirmation.user))
    ).all()  # fmt: skip
    return [
        _step("confirmed_by_kitchen", row.confirmation.recorded_at, row.confirmation.confirmed_by_name
              or _who(row.confirmation.user), row.received_quantity, False,
              deviation=row.deviation.value if row.deviation else None, note=row.note)
        for row in rows
    ]  # fmt: skip


#: In the order the goods travel (steps of one source keep their time order).
SOURCES: tuple[Source, ...] = (ordered, taken_from_stock, received_at_terminal, loaded, delivered,
                               confirmed_by_kitchen)


def order_line_for(user: User, order_line_id: int) -> OrderLine:
    """The line, if the user may follow it: the coordinator any, kitchen staff their points' lines."""
    line = db.session.get(OrderLine, order_line_id)
    if line is None or (user.role == Role.RECIPIENT and line.order.delivery_point_id not in user.delivery_point_ids):
        raise NotFound("timeline.line_not_found", {"id": order_line_id})
    return line


def timeline(user: User, order_line_id: int) -> dict[str, Any]:
    line = order_line_for(user, order_line_id)
    steps: list[Step] = [step for source in SOURCES for step in source(line)]
    before: float | None = None
    for step in steps:
        quantity = step["quantity"]
        step["changed"] = quantity is not None and before is not None and abs(quantity - before) > 1e-9
        if quantity is not None:
            before = quantity
    order = line.order
    return {
        "order_line_id": line.id, "article": line.article, "unit": line.unit, "quantity": line.quantity,
        "temperature_class": line.temperature_class.value, "order_external_id": order.external_id,
        "supplier_name": order.supplier.name, "delivery_point_name": order.delivery_point.name,
        "date": order.requested_date, "steps": steps,
    }  # fmt: skip


CSV_COLUMNS = ("step", "at", "who", "quantity", "changed", "signed", "details")


def timeline_csv(data: dict[str, Any], locale: str, timezone: str, words: Callable[[Step], tuple[str, str]]) -> str:
    """The timeline for Excel: one row per step, in the reader's language (``words`` gives a
    step's name and its details in words)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)

    def row(step: Step) -> list[Any]:
        name, details = words(step)
        at = step["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M") if step["at"] else ""
        return [name, at, step["who"], people_csv.number(step["quantity"], locale),
                people_csv.yes(step["changed"], locale), people_csv.yes(step["signed"], locale), details]  # fmt: skip

    header = [f"csv.timeline.{column}" for column in CSV_COLUMNS]
    return people_csv.write(header, (row(step) for step in data["steps"]), locale)


def describe(step: Step, locale: str) -> tuple[str, str]:
    """A step's name and details in the reader's language."""
    from samlast.i18n import text
    from samlast.services.deviations import code_text

    facts = dict(step["facts"])
    parts = []
    if facts.get("deviation"):
        code = "missing_from_supplier" if step["kind"] == "received_at_terminal" and facts["deviation"] == "short" \
            else facts["deviation"]  # fmt: skip
        parts.append(text("timeline.deviation", {"deviation": code_text(code, locale)}, locale))
    if facts.get("temperature_c") is not None:
        parts.append(text("timeline.temperature", {"temperature": float(facts["temperature_c"])}, locale))
    clean = {key: ("" if value is None else value) for key, value in facts.items()}
    details = [text(f"timeline.details.{step['kind']}", clean, locale), *parts]
    return text(f"timeline.step.{step['kind']}", None, locale), ". ".join(d for d in details if d)


def timeline_pdf(data: dict[str, Any], locale: str, timezone: str) -> bytes:
    """The timeline on one A4 page (or more), in the reader's language."""
    import io
    from xml.sax.saxutils import escape
    from zoneinfo import ZoneInfo

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from samlast.i18n import text
    from samlast.services.impact_export import BOLD, FONT, register_fonts  # Swedish letters and −

    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = BOLD if style.name == "Title" else FONT
    zone = ZoneInfo(timezone)
    title = text("timeline.pdf.title", {"article": data["article"]}, locale)
    story: list[Any] = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(text("timeline.pdf.line", {
            "quantity": float(data["quantity"]), "unit": data["unit"], "point": data["delivery_point_name"],
            "supplier": data["supplier_name"], "order": data["order_external_id"], "date": data["date"].isoformat(),
        }, locale)), styles["Normal"]),
        Spacer(1, 5 * mm),
    ]  # fmt: skip
    head = [text(f"csv.timeline.{column}", None, locale) for column in ("step", "at", "who", "quantity", "signed")]
    body: list[list[Any]] = [head]
    for step in data["steps"]:
        name, details = describe(step, locale)
        at = step["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M") if step["at"] else ""
        quantity = people_csv.number(step["quantity"], locale) if step["quantity"] is not None else "–"
        if step["changed"]:
            quantity += " " + text("timeline.changedMark", None, locale)
        cell = Paragraph(f"<b>{escape(name)}</b><br/>{escape(details)}", styles["BodyText"])
        body.append([cell, at, Paragraph(escape(step["who"]), styles["BodyText"]), quantity,
                     people_csv.yes(step["signed"], locale)])  # fmt: skip
    table = Table(body, colWidths=[72 * mm, 30 * mm, 36 * mm, 20 * mm, 18 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ebf0")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
    ]))  # fmt: skip
    story += [table, Spacer(1, 4 * mm), Paragraph(escape(text("timeline.pdf.changed", None, locale)), styles["Normal"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Samlast", leftMargin=15 * mm,
                      rightMargin=15 * mm).build(story)  # fmt: skip
    return buffer.getvalue()
