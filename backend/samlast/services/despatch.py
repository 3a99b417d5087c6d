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

from datetime import date
from typing import Any

import sqlalchemy as sa
from lxml import etree

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import DespatchAdvice, DespatchLine, Order, OrderLine, OrderStatus, Supplier

NS = {
    "da": "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3"
MAX_BYTES = 5_000_000
#: No entities, no network, no huge trees: a document from outside is data, never instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class _Errors(list):
    def add(self, element: Any, path: str, message: Message, value: str = "") -> None:
        line = getattr(element, "sourceline", None) or 1
        self.append({"row": line, "column": path, "value": value, "code": message.key, "message": message})


def _text(parent: Any, path: str) -> tuple[Any, str]:
    found = parent.find(path, NS)
    return found, ("" if found is None or found.text is None else found.text.strip())


def _required(parent: Any, path: str, errors: _Errors) -> str:
    found, value = _text(parent, path)
    if not value:
        errors.add(parent if found is None else found, path, Message("despatch.missing"))
    return value


def _date(parent: Any, path: str, errors: _Errors, required: bool = True) -> date | None:
    found, value = _text(parent, path)
    if not value:
        if required:
            errors.add(parent, path, Message("despatch.missing"))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(found, path, Message("despatch.not_a_date"), value)
        return None


def parse(data: bytes) -> dict[str, Any]:
    """The advice as plain data, or ValidationFailed naming every element in error and its line."""
    errors = _Errors()
    if len(data) > MAX_BYTES:
        errors.add(None, "", Message("despatch.too_large"))
        raise ValidationFailed("despatch.invalid", {"count": 1}, {"rows": errors})
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        errors.add(None, "", Message("despatch.not_xml", detail=exc.msg))
        errors[-1]["row"] = exc.lineno or 1
        raise ValidationFailed("despatch.invalid", {"count": 1}, {"rows": errors}) from None
    if root.tag != f"{{{NS['da']}}}DespatchAdvice":
        errors.add(root, "/", Message("despatch.not_despatch_advice"), etree.QName(root).localname)
        raise ValidationFailed("despatch.invalid", {"count": 1}, {"rows": errors})
    found, customization = _text(root, "cbc:CustomizationID")
    if not customization.startswith(CUSTOMIZATION):
        errors.add(root if found is None else found, "cbc:CustomizationID", Message("despatch.customization",
                   expected=CUSTOMIZATION), customization)  # fmt: skip
    advice = {
        "document_id": _required(root, "cbc:ID", errors),
        "issue_date": _date(root, "cbc:IssueDate", errors),
        "order_ref": _required(root, "cac:OrderReference/cbc:ID", errors),
        "expected_date": _date(root, "cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod/cbc:StartDate", errors,
                               required=False),  # fmt: skip
        "supplier_ids": [value for path in ("cac:DespatchSupplierParty/cac:Party/cbc:EndpointID",
                                            "cac:DespatchSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID")
                         if (value := _text(root, path)[1])],  # fmt: skip
        "supplier_element": root.find("cac:DespatchSupplierParty", NS),
        "lines": [],
    }
    if not advice["supplier_ids"]:
        errors.add(root, "cac:DespatchSupplierParty/cac:Party/cbc:EndpointID", Message("despatch.missing"))
    lines = root.findall("cac:DespatchLine", NS)
    if not lines:
        errors.add(root, "cac:DespatchLine", Message("despatch.no_lines"))
    for element in lines:
        quantity_element, quantity_text = _text(element, "cbc:DeliveredQuantity")
        quantity = None
        if not quantity_text:
            errors.add(element, "cac:DespatchLine/cbc:DeliveredQuantity", Message("despatch.missing"))
        else:
            try:
                quantity = float(quantity_text)
                if quantity < 0 or quantity != quantity or quantity > 1e9:
                    raise ValueError
            except ValueError:
                errors.add(quantity_element, "cac:DespatchLine/cbc:DeliveredQuantity",
                           Message("despatch.not_a_quantity"), quantity_text)  # fmt: skip
                quantity = None
        advice["lines"].append({
            "element": element,
            "line_ref": _required(element, "cbc:ID", errors),
            "quantity": quantity,
            "unit_code": (quantity_element.get("unitCode", "") if quantity_element is not None else "")[:8],
            "order_line_ref": _required(element, "cac:OrderLineReference/cbc:LineID", errors),
            "order_ref": _text(element, "cac:OrderLineReference/cac:OrderReference/cbc:ID")[1] or advice["order_ref"],
        })  # fmt: skip
    if errors:
        raise ValidationFailed("despatch.invalid", {"count": len(errors)}, {"rows": errors})
    return advice


def import_advice(data: bytes) -> dict[str, Any]:
    """Read one advice and store it (replacing an older one of the same document id); all or nothing."""
    advice = parse(data)
    errors = _Errors()
    supplier = db.session.scalar(sa.select(Supplier).where(Supplier.external_id.in_(advice["supplier_ids"])))
    if supplier is None:
        errors.add(advice["supplier_element"], "cac:DespatchSupplierParty/cac:Party/cbc:EndpointID",
                   Message("despatch.unknown_supplier"), ", ".join(advice["supplier_ids"]))  # fmt: skip
    refs = {line["order_ref"] for line in advice["lines"]}
    orders = {order.external_id: order for order in db.session.scalars(
        sa.select(Order).where(Order.external_id.in_(refs)))}  # fmt: skip
    matched: list[tuple[dict[str, Any], OrderLine]] = []
    for line in advice["lines"]:
        order = orders.get(line["order_ref"])
        if order is None or order.status != OrderStatus.OPEN:
            errors.add(line["element"], "cac:DespatchLine/cac:OrderLineReference/cac:OrderReference/cbc:ID",
                       Message("despatch.unknown_order"), line["order_ref"])  # fmt: skip
            continue
        if supplier is not None and order.supplier_id != supplier.id:
            errors.add(line["element"], "cac:DespatchLine/cac:OrderLineReference/cac:OrderReference/cbc:ID",
                       Message("despatch.other_suppliers_order", supplier=order.supplier.name), line["order_ref"])
            continue
        order_line = next((ol for ol in order.lines if str(ol.line_no) == line["order_line_ref"]), None)
        if order_line is None:
            errors.add(line["element"], "cac:DespatchLine/cac:OrderLineReference/cbc:LineID",
                       Message("despatch.unknown_line", order=order.external_id), line["order_line_ref"])  # fmt: skip
            continue
        matched.append((line, order_line))
    if errors:
        raise ValidationFailed("despatch.invalid", {"count": len(errors)}, {"rows": errors})
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
