"""Despatch advices (Peppol BIS Despatch Advice 3, UBL 2.1 `DespatchAdvice`): what a supplier says
it has shipped, read before the goods arrive. Goods in then expects the shipped quantities, and a
line shipped short of the order is shown as such before the truck is at the terminal.

A document is read whole or not at all: every error is named with the element (its path) and the
line of the XML it is on. Matching: the advice's order reference is the order's external id (the
buyer's order number, as the e-commerce system sent it), each despatch line's order line
reference is the line number, and the despatch supplier party's endpoint or party id is the
supplier's external id. A newer advice with the same document id replaces the older one.

The document is checked against the parts of the BIS that Samlast reads (root, customization,
ids, dates, quantities, references), not against the whole OASIS UBL 2.1 schema: no package on the
registries this project installs from carries those schema files."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import DespatchAdvice, DespatchLine, Order, OrderLine, OrderStatus
from samlast.services import peppol_orders, ubl

CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3"
CODE = "despatch.invalid"


def parse(data: bytes) -> dict[str, Any]:
    """The advice as plain data, or ValidationFailed naming every element in error and its line."""
    doc = ubl.read(data, {"DespatchAdvice": CUSTOMIZATION}, CODE)
    root, errors = doc.root, doc.errors
    advice = {
        "document_id": doc.required(root, "cbc:ID", errors),
        "issue_date": doc.date(root, "cbc:IssueDate", errors),
        "order_ref": doc.required(root, "cac:OrderReference/cbc:ID", errors),
        "expected_date": doc.date(
            root, "cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod/cbc:StartDate", errors, required=False
        ),  # fmt: skip
        "supplier_ids": doc.ids(root.find("cac:DespatchSupplierParty/cac:Party", doc.ns), *ubl.PARTY_ID_PATHS),
        "supplier_element": root.find("cac:DespatchSupplierParty", doc.ns),
        "lines": [],
    }
    if not advice["supplier_ids"]:
        errors.add(root, "cac:DespatchSupplierParty/cac:Party/cbc:EndpointID", Message("ubl.missing"))
    lines = root.findall("cac:DespatchLine", doc.ns)
    if not lines:
        errors.add(root, "cac:DespatchLine", Message("ubl.no_lines"))
    for number, element in enumerate(lines, start=1):
        since = len(errors)
        quantity, unit = doc.quantity(element, "cbc:DeliveredQuantity", errors)
        own_order = doc.text(element, "cac:OrderLineReference/cac:OrderReference/cbc:ID")[1]
        advice["lines"].append({
            "element": element,
            "number": number,
            "line_ref": doc.required(element, "cbc:ID", errors),
            "quantity": quantity,
            "unit_code": unit,
            "order_line_ref": doc.required(element, "cac:OrderLineReference/cbc:LineID", errors),
            "order_ref": own_order or advice["order_ref"],
        })  # fmt: skip
        errors.within(since, f"cac:DespatchLine[{number}]")
    errors.refuse(CODE)
    return advice


def import_advice(data: bytes) -> dict[str, Any]:
    """Read one advice and store it (replacing an older one of the same document id); all or nothing."""
    advice = parse(data)
    errors = ubl.Errors()
    # The same mapping as for orders: the coordinator's, else the supplier's external id.
    supplier = peppol_orders.supplier_by_ids(advice["supplier_ids"])
    if supplier is None:
        errors.add(advice["supplier_element"], "cac:DespatchSupplierParty/cac:Party/cbc:EndpointID",
                   Message("peppol.unknown_supplier"), ubl.shown(advice["supplier_ids"]))  # fmt: skip
    refs = {line["order_ref"] for line in advice["lines"]}
    orders = {order.external_id: order for order in db.session.scalars(
        sa.select(Order).where(Order.external_id.in_(refs)))}  # fmt: skip
    matched: list[tuple[dict[str, Any], OrderLine]] = []
    for line in advice["lines"]:
        here = f"cac:DespatchLine[{line['number']}]/cac:OrderLineReference"
        order = orders.get(line["order_ref"])
        if order is None or order.status != OrderStatus.OPEN:
            errors.add(line["element"], f"{here}/cac:OrderReference/cbc:ID", Message("despatch.unknown_order"),
                       line["order_ref"])  # fmt: skip
            continue
        if supplier is not None and order.supplier_id != supplier.id:
            errors.add(line["element"], f"{here}/cac:OrderReference/cbc:ID",
                       Message("despatch.other_suppliers_order", supplier=order.supplier.name), line["order_ref"])
            continue
        order_line = next((ol for ol in order.lines if str(ol.line_no) == line["order_line_ref"]), None)
        if order_line is None:
            errors.add(line["element"], f"{here}/cbc:LineID", Message("despatch.unknown_line", order=order.external_id),
                       line["order_line_ref"])  # fmt: skip
            continue
        matched.append((line, order_line))
    errors.refuse(CODE)
    assert supplier is not None
    stored = db.session.scalar(sa.select(DespatchAdvice).where(
        DespatchAdvice.supplier_id == supplier.id, DespatchAdvice.document_id == advice["document_id"]))  # fmt: skip
    replaced = stored is not None
    if stored is None:
        stored = DespatchAdvice(supplier=supplier, document_id=advice["document_id"], issue_date=advice["issue_date"])
        db.session.add(stored)
    stored.issue_date, stored.expected_date = advice["issue_date"], advice["expected_date"]
    stored.lines = [DespatchLine(order_line=order_line, line_ref=line["line_ref"], shipped_quantity=line["quantity"],
                                 unit_code=line["unit_code"]) for line, order_line in matched]  # fmt: skip
    short = sum(1 for line, order_line in matched if line["quantity"] < order_line.quantity - 1e-9)
    db.session.commit()
    return {"id": stored.id, "document_id": stored.document_id, "supplier_name": supplier.name,
            "lines": len(matched), "short_lines": short, "replaced": replaced}  # fmt: skip


def announced(order_line_ids: list[int]) -> dict[int, DespatchLine]:
    """Order line id -> what the latest despatch advice says was shipped of it."""
    if not order_line_ids:
        return {}
    rows = db.session.scalars(
        sa.select(DespatchLine).join(DespatchAdvice).where(DespatchLine.order_line_id.in_(order_line_ids))
        .order_by(DespatchAdvice.issue_date, DespatchAdvice.imported_at, DespatchLine.id)
    )  # fmt: skip
    return {row.order_line_id: row for row in rows}
