"""Orders from the municipality's e-commerce system as Peppol BIS Ordering 3 documents (UBL 2.1):
`Order` creates or updates the order of that number, `OrderChange` replaces it, and
`OrderCancellation` cancels it. One document is read whole or not at all; a zip of many is read
document by document.

Mapping (docs/import/README.md says it in full):
- order number `cbc:ID` -> the order's external id;
- delivery location `cac:Delivery/cac:DeliveryLocation/cbc:ID` (GLN or the municipality's own id,
  with its schemeID) -> a delivery point, by the coordinator's mapping or the point's external id;
  an unknown one is refused with the identifier, to be mapped (`PartyMapping`);
- seller `cac:SellerSupplierParty/cac:Party` (endpoint or party id) -> a supplier, the same way;
- `cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate` -> the requested date;
- each `cac:OrderLine/cac:LineItem` -> a line: quantity and unit code, item name; the weight from
  the item property "Vikt kg" (per unit) or, for weighed units (KGM, GRM, TNE, LTR at 1 kg/l), the
  quantity; the temperature class from the property "Temperaturklass", else the supplier's product
  areas when they are all of one class. A line whose weight or class cannot be known is an error:
  a guessed weight would be a record that says something false.
A delivered order is a fact: no document changes or cancels it."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import sqlalchemy as sa

from samlast.errors import DomainError, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    Order,
    OrderLine,
    OrderStatus,
    PartyMapping,
    Supplier,
    TemperatureClass,
)
from samlast.services import ubl
from samlast.services.master_data import replace_collection

KINDS = {
    "Order": "urn:fdc:peppol.eu:poacc:trns:order:3",
    "OrderChange": "urn:fdc:peppol.eu:poacc:trns:order_change:3",
    "OrderCancellation": "urn:fdc:peppol.eu:poacc:trns:order_cancellation:3",
}
CODE = "peppol.invalid"
UNITS = {"KGM": "kg", "GRM": "g", "TNE": "t", "LTR": "l", "H87": "st", "EA": "st", "C62": "st", "PK": "fp",
         "PA": "fp", "BX": "kartong", "CT": "kartong", "BG": "säck", "SA": "säck"}  # fmt: skip
#: Kilograms per unit of the weighed units (a litre taken as a kilogram, as for milk and water).
KG_PER_UNIT = {"KGM": 1.0, "GRM": 0.001, "TNE": 1000.0, "LTR": 1.0}
CLASS_WORDS = {
    "frozen": TemperatureClass.FROZEN, "fryst": TemperatureClass.FROZEN,
    "chilled": TemperatureClass.CHILLED, "kylt": TemperatureClass.CHILLED,
    "ambient": TemperatureClass.AMBIENT, "torrt": TemperatureClass.AMBIENT,
}  # fmt: skip
MAX_DOCUMENTS = 10_000


def _mapped(kind: str, ids: list[tuple[str, str]]) -> PartyMapping | None:
    for scheme, identifier in ids:
        mapping = db.session.scalar(sa.select(PartyMapping).where(
            PartyMapping.kind == kind, PartyMapping.identifier == identifier,
            PartyMapping.scheme.in_([scheme, ""])))  # fmt: skip
        if mapping is not None:
            return mapping
    return None


def _cached(cache: dict | None, key: tuple, find: Any) -> Any:
    """One lookup per identifier for a whole zip (thousands of documents name the same parties)."""
    if cache is None:
        return find()
    if key not in cache:
        cache[key] = find()
    return cache[key]


def _point(ids: list[tuple[str, str]]) -> DeliveryPoint | None:
    """By the coordinator's mapping first, then by the point's external id."""
    mapping = _mapped("delivery_point", ids)
    if mapping is not None:
        return mapping.delivery_point
    values = [identifier for _, identifier in ids]
    return db.session.scalars(sa.select(DeliveryPoint).where(DeliveryPoint.external_id.in_(values))).first()


def supplier_by_ids(ids: list[tuple[str, str]]) -> Supplier | None:
    """By the coordinator's mapping first, then by the supplier's external id."""
    mapping = _mapped("supplier", ids)
    if mapping is not None:
        return mapping.supplier
    values = [identifier for _, identifier in ids]
    return db.session.scalars(sa.select(Supplier).where(Supplier.external_id.in_(values))).first()


def _properties(doc: ubl.Document, item: Any) -> dict[str, str]:
    props = {}
    for prop in item.findall("cac:AdditionalItemProperty", doc.ns) if item is not None else []:
        name, value = doc.text(prop, "cbc:Name")[1], doc.text(prop, "cbc:Value")[1]
        props[" ".join(name.casefold().split())] = value
    return props


def _line(doc: ubl.Document, element: Any, number: int, supplier: Supplier | None, errors: ubl.Errors) -> dict:
    since = len(errors)
    item = element.find("cac:LineItem/cac:Item", doc.ns)
    line_id = doc.required(element, "cac:LineItem/cbc:ID", errors)
    quantity, unit_code = doc.quantity(element, "cac:LineItem/cbc:Quantity", errors)
    name = doc.required(element, "cac:LineItem/cac:Item/cbc:Name", errors)
    props = _properties(doc, item)
    weight = None
    given = props.get("vikt kg") or props.get("weight kg")
    if given:
        try:
            weight = float(given.replace(",", ".")) * (quantity or 0)
        except ValueError:
            errors.add(item, "cac:Item/cac:AdditionalItemProperty[Vikt kg]/cbc:Value", Message("ubl.not_a_quantity"),
                       given)  # fmt: skip
    elif unit_code in KG_PER_UNIT and quantity is not None:
        weight = quantity * KG_PER_UNIT[unit_code]
    elif quantity is not None:
        errors.add(element, "cac:LineItem/cbc:Quantity/@unitCode", Message("peppol.weight_unknown"), unit_code)
    word = (props.get("temperaturklass") or props.get("temperature class") or "").casefold()
    temperature = CLASS_WORDS.get(word)
    if word and temperature is None:
        errors.add(item, "cac:Item/cac:AdditionalItemProperty[Temperaturklass]/cbc:Value",
                   Message("peppol.temperature_word"), word)  # fmt: skip
    elif temperature is None and supplier is not None:
        classes = {area.temperature_class for area in supplier.product_areas}
        if len(classes) == 1:
            temperature = classes.pop()
        else:
            errors.add(element, "cac:LineItem/cac:Item", Message("peppol.temperature_unknown"), name)
    errors.within(since, f"cac:OrderLine[{number}]")
    kg = round(weight, 3) if weight is not None else None
    unit = UNITS.get(unit_code, unit_code.lower())
    return {"line_id": line_id, "article": name[:200], "quantity": quantity, "unit": unit, "weight_kg": kg,
            "temperature_class": temperature}  # fmt: skip


def _locked(order: Order | None, doc: ubl.Document, errors: ubl.Errors) -> None:
    if order is not None and order.delivered_at is not None:
        errors.add(doc.root, "cbc:ID", Message("peppol.order_delivered"), order.external_id)


def import_document(data: bytes, commit: bool = True, cache: dict | None = None) -> dict[str, Any]:
    """Read one document and apply it; ValidationFailed (nothing changed) naming every error.
    With commit=False the caller commits (a zip: each document in a savepoint, one commit)."""
    doc = ubl.read(data, KINDS, CODE)
    root, errors = doc.root, doc.errors
    if doc.kind == "OrderCancellation":
        number = doc.required(root, "cac:OrderReference/cbc:ID", errors)
        order = db.session.scalar(sa.select(Order).where(Order.external_id == number)) if number else None
        if number and order is None:
            errors.add(root, "cac:OrderReference/cbc:ID", Message("peppol.unknown_order"), number)
        _locked(order, doc, errors)
        errors.refuse(CODE)
        assert order is not None
        order.status = OrderStatus.CANCELLED
        _done(commit)
        return {"kind": doc.kind, "order_external_id": order.external_id, "action": "cancelled", "lines": 0}
    # An Order names itself; an OrderChange names the order it changes.
    number_path = "cbc:ID" if doc.kind == "Order" else "cac:OrderReference/cbc:ID"
    number = doc.required(root, number_path, errors)
    requested = doc.date(root, "cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate", errors)
    delivery = root.find("cac:Delivery", doc.ns)
    location_ids = doc.ids(delivery, "cac:DeliveryLocation/cbc:ID")
    point = _cached(cache, ("point", tuple(location_ids)), lambda: _point(location_ids))
    if point is None:
        errors.add(delivery if delivery is not None else root, "cac:Delivery/cac:DeliveryLocation/cbc:ID",
                   Message("peppol.unknown_location" if location_ids else "ubl.missing"), ubl.shown(location_ids))
    seller = root.find("cac:SellerSupplierParty/cac:Party", doc.ns)
    seller_ids = doc.ids(seller, *ubl.PARTY_ID_PATHS)
    supplier = _cached(cache, ("supplier", tuple(seller_ids)), lambda: supplier_by_ids(seller_ids))
    if supplier is None:
        errors.add(seller if seller is not None else root, "cac:SellerSupplierParty/cac:Party/cbc:EndpointID",
                   Message("peppol.unknown_supplier" if seller_ids else "ubl.missing"), ubl.shown(seller_ids))
    elements = root.findall("cac:OrderLine", doc.ns)
    if not elements:
        errors.add(root, "cac:OrderLine", Message("ubl.no_lines"))
    lines = [_line(doc, element, index, supplier, errors) for index, element in enumerate(elements, start=1)]
    order = db.session.scalar(sa.select(Order).where(Order.external_id == number)) if number else None
    if doc.kind == "OrderChange" and number and order is None:
        errors.add(root, number_path, Message("peppol.unknown_order"), number)
    _locked(order, doc, errors)
    errors.refuse(CODE)
    assert isinstance(point, DeliveryPoint) and isinstance(supplier, Supplier) and requested is not None
    action = "updated" if order is not None else "created"
    if order is None:
        order = Order(external_id=number[:64], delivery_point=point, supplier=supplier, requested_date=requested)
        db.session.add(order)
    order.delivery_point, order.supplier, order.requested_date = point, supplier, requested
    order.status = OrderStatus.OPEN
    replace_collection(order, "lines", [
        OrderLine(line_no=index, article=line["article"], quantity=line["quantity"], unit=line["unit"][:16],
                  weight_kg=line["weight_kg"], temperature_class=line["temperature_class"])
        for index, line in enumerate(lines, start=1)
    ])  # fmt: skip
    _done(commit)
    return {"kind": doc.kind, "order_external_id": order.external_id, "action": action, "lines": len(lines)}


def _done(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def import_upload(data: bytes, file_name: str = "") -> list[dict[str, Any]]:
    """One document, or every .xml of a zip, each read whole or not at all: per document its
    outcome, or its errors (a refused document changes nothing; the others still apply)."""
    if not data.startswith(b"PK"):
        return [{"file": file_name, "ok": True, "result": import_document(data), "errors": []}]
    outcomes = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationFailed(CODE, {"count": 1}, {"file": [Message("peppol.bad_zip")]}) from None
    parties: dict = {}
    names = [n for n in archive.namelist() if n.lower().endswith(".xml") and not n.endswith("/")][:MAX_DOCUMENTS]
    for name in sorted(names):
        info = archive.getinfo(name)
        if info.file_size > ubl.MAX_BYTES:
            outcomes.append({"file": name, "ok": False, "result": None,
                             "errors": [{"row": 1, "column": "", "value": "", "code": "ubl.too_large",
                                         "message": Message("ubl.too_large")}]})  # fmt: skip
            continue
        savepoint = db.session.begin_nested()
        try:
            result = import_document(archive.read(name), commit=False, cache=parties)
            savepoint.commit()
            outcomes.append({"file": name, "ok": True, "result": result, "errors": []})
        except DomainError as refused:
            savepoint.rollback()
            outcomes.append({"file": name, "ok": False, "result": None,
                             "errors": refused.fields.get("rows", [])})  # fmt: skip
    if not names:
        raise ValidationFailed(CODE, {"count": 1}, {"file": [Message("peppol.empty_zip")]})
    db.session.commit()  # every document that was read; the answer lists the others
    return outcomes


def mappings() -> list[PartyMapping]:
    return list(db.session.scalars(sa.select(PartyMapping).order_by(PartyMapping.kind, PartyMapping.identifier)))


def add_mapping(data: dict[str, Any]) -> PartyMapping:
    """Map a document's identifier to a delivery point or a supplier (replacing an older mapping)."""
    kind, target_id = data["kind"], data["target_id"]
    target = db.session.get(DeliveryPoint if kind == "delivery_point" else Supplier, target_id)
    if target is None:
        raise ValidationFailed("validation_error", {"count": 1},
                               {"target_id": [Message("field.unknown_reference", id=target_id)]})  # fmt: skip
    mapping = db.session.scalar(sa.select(PartyMapping).where(
        PartyMapping.kind == kind, PartyMapping.scheme == data["scheme"],
        PartyMapping.identifier == data["identifier"]))  # fmt: skip
    if mapping is None:
        mapping = PartyMapping(kind=kind, scheme=data["scheme"], identifier=data["identifier"])
        db.session.add(mapping)
    mapping.delivery_point_id = target_id if kind == "delivery_point" else None
    mapping.supplier_id = target_id if kind == "supplier" else None
    db.session.commit()
    return mapping
