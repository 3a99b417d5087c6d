"""Orders as Peppol BIS Ordering 3 documents: an Order creates (or, re-sent, updates) the order of its
number; an OrderChange replaces it, an OrderCancellation cancels it; a delivered order is a fact no
document changes. A wrong document is refused whole with every error by element and XML line; an
unknown delivery location is refused until the coordinator maps its identifier; a zip is read
document by document."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import Order, OrderStatus, TemperatureClass
from tests.conftest import count

API = "/api/v1/imports/peppol"
ROOT = Path(__file__).resolve().parents[2]
NS = ('xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')  # fmt: skip

ISSUED = "<cbc:IssueDate>2026-12-04</cbc:IssueDate>"
PARTIES = """<cac:BuyerCustomerParty><cac:Party><cac:PartyName><cbc:Name>Eslövs kommun</cbc:Name></cac:PartyName>
</cac:Party></cac:BuyerCustomerParty>
<cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>{supplier}</cbc:ID></cac:PartyIdentification>
</cac:Party></cac:SellerSupplierParty>"""


def order_line(number: int, name: str, quantity: str, unit: str, *props: tuple[str, str]) -> str:
    extra = "".join(f"<cac:AdditionalItemProperty><cbc:Name>{k}</cbc:Name><cbc:Value>{v}</cbc:Value>"
                    "</cac:AdditionalItemProperty>" for k, v in props)  # fmt: skip
    return (
        f'<cac:OrderLine><cac:LineItem><cbc:ID>{number}</cbc:ID><cbc:Quantity unitCode="{unit}">{quantity}'
        f"</cbc:Quantity><cac:Item><cbc:Name>{name}</cbc:Name>{extra}</cac:Item></cac:LineItem></cac:OrderLine>\n"
    )


MILK = order_line(1, "Mjölk", "40", "LTR", ("Temperaturklass", "kylt"))
PASTA = order_line(2, "Pasta", "10", "H87", ("Vikt kg", "0,5"), ("Temperaturklass", "torrt"))


def order(lines: str, *, number: str = "PO-1", kind: str = "Order", location: str = "<cbc:ID>DP-1</cbc:ID>",
          supplier: str = "S-1", start: str = "2026-12-08") -> bytes:  # fmt: skip
    customization = {"Order": "order", "OrderChange": "order_change"}[kind]
    # In the order UBL 2.1 requires: an OrderChange has its own id, date and sequence number first.
    reference = f"<cbc:ID>CH-{number}</cbc:ID>{ISSUED}<cbc:SequenceNumberID>1</cbc:SequenceNumberID>" \
        f"<cac:OrderReference><cbc:ID>{number}</cbc:ID></cac:OrderReference>" \
        if kind == "OrderChange" else f"<cbc:ID>{number}</cbc:ID>{ISSUED}"  # fmt: skip
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{kind} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{kind}-2" {NS}>
<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:{customization}:3</cbc:CustomizationID>
{reference}
{PARTIES.format(supplier=supplier)}
<cac:Delivery><cac:DeliveryLocation>{location}</cac:DeliveryLocation>
<cac:RequestedDeliveryPeriod><cbc:StartDate>{start}</cbc:StartDate></cac:RequestedDeliveryPeriod></cac:Delivery>
{lines}</{kind}>""".encode()


def cancellation(number: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OrderCancellation xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2" {NS}>
<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order_cancellation:3</cbc:CustomizationID>
<cbc:ID>CAN-1</cbc:ID>{ISSUED}<cbc:CancellationNote>Avbeställd</cbc:CancellationNote><cac:OrderReference><cbc:ID>{number}</cbc:ID></cac:OrderReference>
{PARTIES.format(supplier="S-1")}
</OrderCancellation>""".encode()


def _post(client, headers, body: bytes, name: str = "order.xml"):
    return client.post(API, data={"file": (io.BytesIO(body), name)}, headers=headers)


def _order(number: str = "PO-1") -> Order:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order).where(Order.external_id == number))


def test_an_order_is_created_and_a_resent_one_updates_it(client, coordinator, world):
    answer = _post(client, coordinator, order(MILK + PASTA))
    assert answer.status_code == 200, answer.json
    assert answer.json["imported"] == 1 and answer.json["documents"][0]["result"] == {
        "kind": "Order", "order_external_id": "PO-1", "action": "created", "lines": 2}  # fmt: skip
    stored = _order()
    assert (stored.delivery_point_id, stored.supplier_id, stored.requested_date.isoformat()) == (
        world.school.id, world.wholesaler.id, "2026-12-08")  # fmt: skip
    assert [(ln.article, ln.quantity, ln.unit, ln.weight_kg, ln.temperature_class) for ln in stored.lines] == [
        ("Mjölk", 40, "l", 40, TemperatureClass.CHILLED), ("Pasta", 10, "st", 5, TemperatureClass.AMBIENT)]  # fmt: skip
    again = _post(client, coordinator, order(order_line(1, "Mjölk", "30", "LTR", ("Temperaturklass", "kylt"))))
    assert again.json["documents"][0]["result"]["action"] == "updated"
    assert [(ln.article, ln.quantity) for ln in _order().lines] == [("Mjölk", 30)] and count(Order) == 1


def test_an_order_change_replaces_and_a_cancellation_cancels(client, coordinator, world):
    _post(client, coordinator, order(MILK + PASTA))
    changed = _post(client, coordinator, order(PASTA, kind="OrderChange", start="2026-12-09"))
    assert changed.status_code == 200, changed.json
    stored = _order()
    assert [line.article for line in stored.lines] == ["Pasta"] and stored.requested_date.isoformat() == "2026-12-09"
    cancelled = _post(client, coordinator, cancellation("PO-1"))
    assert cancelled.json["documents"][0]["result"]["action"] == "cancelled"
    assert _order().status == OrderStatus.CANCELLED
    unknown = _post(client, coordinator, cancellation("PO-404"))
    assert unknown.status_code == 422 and unknown.json["error"]["fields"]["rows"][0]["value"] == "PO-404"


def test_a_delivered_order_is_a_fact_no_document_changes(client, coordinator, world):
    _post(client, coordinator, order(MILK))
    stored = _order()
    stored.delivered_at = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
    db.session.commit()
    for body in (order(PASTA), cancellation("PO-1")):
        refused = _post(client, coordinator, body)
        assert refused.status_code == 422
        assert refused.json["error"]["fields"]["rows"][-1]["message"] == (
            "Beställningen är redan levererad och kan inte ändras eller avbeställas."
        )
    assert [line.article for line in _order().lines] == ["Mjölk"] and _order().status == OrderStatus.OPEN


def test_every_error_by_element_and_line_and_nothing_imported(client, coordinator, world):
    bad = order(order_line(1, "Mjölk", "fyrtio", "LTR", ("Temperaturklass", "kylt"))
                + order_line(2, "Pasta", "10", "H87")  # no weight, and S-1 sells in no one temperature class
                + order_line(3, "Glass", "2", "KGM", ("Temperaturklass", "ljummet")), start="8/12")  # fmt: skip
    answer = _post(client, coordinator, bad)
    assert answer.status_code == 422, answer.json
    rows = [(r["row"], r["column"], r["value"]) for r in answer.json["error"]["fields"]["rows"]]
    assert rows == [
        (10, "cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate", "8/12"),
        (11, "cac:OrderLine[1]/cac:LineItem/cbc:Quantity", "fyrtio"),
        (12, "cac:OrderLine[2]/cac:LineItem/cbc:Quantity/@unitCode", "H87"),
        (12, "cac:OrderLine[2]/cac:LineItem/cac:Item", "Pasta"),
        (13, "cac:OrderLine[3]/cac:Item/cac:AdditionalItemProperty[Temperaturklass]/cbc:Value", "ljummet"),
    ]  # the schema refuses the date and the quantity too; the reader's words are told for them
    assert answer.json["error"]["message"] == "Dokumentet har 5 fel; inget lästes in. Raderna nedan säger var."
    assert count(Order) == 0


def test_what_the_ubl_schema_refuses_is_told_with_what_samlast_cannot_use(client, coordinator, world):
    """The OASIS UBL 2.1 schema (scripts/fetch_ubl_schemas.py): a required element missing, one out
    of place, a missing attribute, an element UBL does not have; together with the reader's own
    errors, all at once, in Swedish, and nothing is imported."""
    bad = (
        order(MILK.replace(' unitCode="LTR"', ""))
        .replace(b"<cac:LineItem><cbc:ID>1</cbc:ID>", b"<cac:LineItem><cbc:ID>1</cbc:ID><cbc:Antal>4</cbc:Antal>")
        .replace(b"<cbc:ID>DP-1</cbc:ID>", b"<cbc:ID>DP-404</cbc:ID>")
        .replace(b"</cac:RequestedDeliveryPeriod>", b"</cac:RequestedDeliveryPeriod><cbc:Note>Port 2</cbc:Note>")
    )
    answer = _post(client, coordinator, bad)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["message"] == "Dokumentet har 4 fel; inget lästes in. Raderna nedan säger var."
    rows = [(r["row"], r["column"], r["message"]) for r in answer.json["error"]["fields"]["rows"]]
    assert [r["value"] for r in answer.json["error"]["fields"]["rows"]] == ["DP-404", "Port 2", "", "4"]
    assert [row[:2] for row in rows] == [
        (9, "cac:Delivery/cac:DeliveryLocation/cbc:ID"),
        (10, "cac:Delivery/cbc:Note"),
        (11, "cac:OrderLine[1]/cac:LineItem/cbc:Quantity/@unitCode"),
        (11, "cac:OrderLine[1]/cac:LineItem/cbc:Antal"),
    ]
    assert rows[1][2].startswith("Elementet cbc:Note hör inte hit enligt UBL 2.1. Här väntas: cac:PromisedDelivery")
    assert rows[3][2].startswith("Elementet cbc:Antal hör inte hit enligt UBL 2.1. Här väntas: cbc:SalesOrderID")
    # A required element missing: the schema names what may come where it should be.
    undated = _post(client, coordinator, order(MILK).replace(ISSUED.encode(), b""))
    [row] = undated.json["error"]["fields"]["rows"]
    assert (row["row"], row["column"], row["code"]) == (5, "cac:BuyerCustomerParty", "ubl.schema.unexpected")
    assert row["message"] == ("Elementet cac:BuyerCustomerParty hör inte hit enligt UBL 2.1. Här väntas: "
                              "cbc:SalesOrderID, cbc:CopyIndicator, cbc:UUID, cbc:IssueDate.")  # fmt: skip
    # A value of the wrong type in an element Samlast does not read itself, in English.
    english = {"Accept-Language": "en", **coordinator}
    typed = _post(client, english, order(MILK).replace(b"<cbc:ID>1</cbc:ID>", b"<cbc:ID>1</cbc:ID><cbc:UUID/>"))
    assert typed.status_code == 200, typed.json  # an empty UUID is allowed; the order is imported
    wrong = order(MILK, number="PO-2").replace(
        b"</cbc:Quantity>", b'</cbc:Quantity><cbc:LineExtensionAmount currencyID="SEK">tio</cbc:LineExtensionAmount>'
    )
    [row] = _post(client, english, wrong).json["error"]["fields"]["rows"]
    assert (row["column"], row["value"], row["message"]) == (
        "cac:OrderLine[1]/cac:LineItem/cbc:LineExtensionAmount", "tio", "The value is not valid in UBL 2.1.")
    assert count(Order) == 1 and _order("PO-2") is None


def test_the_documents_for_the_demo_cluster_follow_the_ubl_schema(app):
    from samlast.services import ubl

    for name, kind in (("peppol-order.xml", "Order"), ("despatch-advice.xml", "DespatchAdvice")):
        errors = ubl.Errors()
        ubl._validate(ubl.etree.fromstring((ROOT / "docs" / "import" / name).read_bytes()), kind, errors)
        assert (list(errors), errors.schema) == ([], []), name
    # ... and a changed one does not: the check is really made.
    errors = ubl.Errors()
    broken = (ROOT / "docs" / "import" / "peppol-order.xml").read_bytes().replace(b"<cbc:IssueDate>", b"<cbc:Date>", 1)
    ubl._validate(ubl.etree.fromstring(broken.replace(b"</cbc:IssueDate>", b"</cbc:Date>", 1)), "Order", errors)
    assert [e["code"] for e in errors.schema] == ["ubl.schema.unexpected"]


def test_an_unknown_delivery_location_is_imported_once_its_identifier_is_mapped(client, coordinator, world):
    gln = '<cbc:ID schemeID="0088">7300009012345</cbc:ID>'
    refused = _post(client, coordinator, order(MILK, location=gln))
    [row] = refused.json["error"]["fields"]["rows"]
    assert (row["column"], row["value"]) == ("cac:Delivery/cac:DeliveryLocation/cbc:ID", "0088:7300009012345")
    assert row["message"].startswith("Okänd leveransplats. Ge leveransstället id:t som externt id")
    mapped = client.post(
        f"{API}/mappings",
        headers=coordinator,
        json={
            "kind": "delivery_point",
            "scheme": "0088",
            "identifier": "7300009012345",
            "target_id": world.care_home.id,
        },
    )
    assert mapped.status_code == 201 and mapped.json["target_name"] == "Ljungbacka äldreboende"
    assert _post(client, coordinator, order(MILK, location=gln)).status_code == 200
    assert _order().delivery_point_id == world.care_home.id
    assert [m["identifier"] for m in client.get(f"{API}/mappings", headers=coordinator).json] == ["7300009012345"]


def test_a_zip_is_read_document_by_document(client, coordinator, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", order(MILK, number="PO-A"))
        archive.writestr("b.xml", order(MILK, number="PO-B", supplier="S-404"))
        archive.writestr("readme.txt", "not a document")
    answer = _post(client, coordinator, buffer.getvalue(), "orders.zip")
    assert answer.status_code == 200, answer.json
    assert (answer.json["imported"], answer.json["refused"]) == (1, 1)
    by_file = {d["file"]: d for d in answer.json["documents"]}
    assert by_file["a.xml"]["ok"] and not by_file["b.xml"]["ok"]
    assert by_file["b.xml"]["errors"][0]["value"] == "S-404"
    assert [o.external_id for o in db.session.scalars(sa.select(Order))] == ["PO-A"]


def test_the_example_for_the_demo_cluster_imports(client, coordinator, world):
    world.school.external_id, world.wholesaler.external_id = "DEMO-DP-0001", "DEMO-S-01"
    db.session.commit()
    answer = _post(client, coordinator, (ROOT / "docs" / "import" / "peppol-order.xml").read_bytes())
    assert answer.status_code == 200, answer.json
    stored = _order("PO-2026-000123")
    assert [(ln.article, ln.weight_kg, ln.temperature_class.value) for ln in stored.lines] == [
        ("Krossade tomater 2,5 kg", 10.2, "ambient"), ("Mellanmjölk 1,5 % bag-in-box", 20, "chilled"),
        ("Köttbullar frysta", 5, "frozen")]  # fmt: skip


def test_without_the_schema_files_a_document_is_refused_not_taken_unchecked(client, coordinator, world, tmp_path,
                                                                            monkeypatch):  # fmt: skip
    monkeypatch.setitem(client.application.config, "UBL_SCHEMA_DIR", str(tmp_path))
    answer = _post(client, coordinator, order(MILK))
    assert answer.status_code == 422
    [row] = answer.json["error"]["fields"]["rows"]
    assert row["message"] == (
        f"Servern kan inte kontrollera dokumentet: schemafilerna för UBL 2.1 saknas i {tmp_path}. Be den som driftar "
        "Samlast köra scripts/fetch_ubl_schemas.py (det gör make setup)."
    )
    assert count(Order) == 0
