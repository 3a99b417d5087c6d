"""Despatch advices (Peppol BIS Despatch Advice 3): what a supplier says it shipped reaches goods
in's expected arrivals before the goods, a line shipped short shows as such; a newer advice of the
same document id replaces the older; a wrong document is refused whole, every error named with its
element and XML line; a document is data, never instructions (no entities resolved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samlast.models import DespatchAdvice, DespatchLine
from samlast.services import despatch
from tests.conftest import MONDAY, count

API = "/api/v1/goods-in/despatch-advices"
ROOT = Path(__file__).resolve().parents[2]


def advice(lines: str, *, document_id: str = "DA-1", customization: str = despatch.CUSTOMIZATION,
           issue_date: str = "2026-11-27", order: str = "O-DP-1", supplier: str = "S-1") -> bytes:  # fmt: skip
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<DespatchAdvice xmlns="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>{customization}</cbc:CustomizationID>
  <cbc:ID>{document_id}</cbc:ID>
  <cbc:IssueDate>{issue_date}</cbc:IssueDate>
  <cac:OrderReference><cbc:ID>{order}</cbc:ID></cac:OrderReference>
  <cac:DespatchSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>{supplier}</cbc:ID></cac:PartyIdentification>
  </cac:Party></cac:DespatchSupplierParty>
  <cac:DeliveryCustomerParty><cac:Party><cac:PartyName><cbc:Name>Terminalen</cbc:Name></cac:PartyName></cac:Party>
  </cac:DeliveryCustomerParty>
{lines}
</DespatchAdvice>""".encode()


def line(number: int, quantity: str, order_line: int, unit: str = "LTR") -> str:
    return f"""  <cac:DespatchLine>
    <cbc:ID>{number}</cbc:ID>
    <cbc:DeliveredQuantity unitCode="{unit}">{quantity}</cbc:DeliveredQuantity>
    <cac:OrderLineReference><cbc:LineID>{order_line}</cbc:LineID></cac:OrderLineReference>
    <cac:Item><cbc:Name>Vara {order_line}</cbc:Name></cac:Item>
  </cac:DespatchLine>"""


def _expected(client, headers) -> dict[str, dict]:
    suppliers = client.get(f"/api/v1/goods-in/expected?date={MONDAY}", headers=headers).json["suppliers"]
    return {(entry["delivery_point_name"], entry["article"]): entry for s in suppliers for entry in s["lines"]}


def test_a_short_shipment_is_known_at_goods_in_before_the_truck(client, coordinator, day, world):
    answer = client.post(API, data=advice(line(1, "30", 1) + line(2, "10", 2, "H87")),
                         content_type="application/xml", headers=coordinator)  # fmt: skip
    assert answer.status_code == 201, answer.json
    assert answer.json | {"id": 0} == {"id": 0, "document_id": "DA-1", "supplier_name": "Grossisten AB", "lines": 2,
                                       "short_lines": 1, "replaced": False}  # fmt: skip
    lines = _expected(client, coordinator)
    assert lines[("Bergaskolan kök", "Mjölk")]["announced_quantity"] == 30
    assert lines[("Bergaskolan kök", "Pasta")]["announced_quantity"] == 10
    assert lines[("Ljungbacka äldreboende", "Mjölk")]["announced_quantity"] is None  # another order
    # A newer advice of the same document replaces the older one.
    again = client.post(API, data=advice(line(1, "40", 1)), content_type="application/xml", headers=coordinator)
    assert again.status_code == 201 and again.json["replaced"] is True and again.json["short_lines"] == 0
    assert count(DespatchAdvice) == 1 and count(DespatchLine) == 1
    lines = _expected(client, coordinator)
    assert lines[("Bergaskolan kök", "Mjölk")]["announced_quantity"] == 40
    assert lines[("Bergaskolan kök", "Pasta")]["announced_quantity"] is None


def test_every_error_is_named_with_its_element_and_line_and_nothing_is_read(client, coordinator, day, world):
    bad = advice(line(1, "tio", 1) + line(2, "10", 9), customization="urn:fdc:peppol.eu:poacc:trns:order:3",
                 issue_date="27/11/2026")  # fmt: skip
    answer = client.post(API, data=bad, content_type="application/xml", headers=coordinator)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["message"] == "Leveransaviseringen har 3 fel; inget lästes in. Raderna nedan säger var."
    rows = [(r["row"], r["column"], r["value"]) for r in answer.json["error"]["fields"]["rows"]]
    assert rows == [
        (5, "cbc:CustomizationID", "urn:fdc:peppol.eu:poacc:trns:order:3"),
        (7, "cbc:IssueDate", "27/11/2026"),
        (15, "cac:DespatchLine[1]/cbc:DeliveredQuantity", "tio"),
    ]
    assert answer.json["error"]["fields"]["rows"][2]["message"] == "Ingen mängd: ett tal 0 eller större."
    # The references are checked too, once the document reads: an unknown order line and supplier.
    unknown = client.post(API, data=advice(line(1, "10", 9), supplier="S-404"), content_type="application/xml",
                          headers=coordinator)  # fmt: skip
    assert {(r["column"], r["value"]) for r in unknown.json["error"]["fields"]["rows"]} == {
        ("cac:DespatchSupplierParty/cac:Party/cbc:EndpointID", "S-404"),
        ("cac:DespatchLine[1]/cac:OrderLineReference/cbc:LineID", "9"),
    }
    assert count(DespatchAdvice) == 0


@pytest.mark.parametrize("body, code", [
    (b"<DespatchAdvice><cbc:ID>", "ubl.not_xml"),
    (b"<?xml version='1.0'?><Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>",
     "ubl.wrong_document"),
])  # fmt: skip
def test_a_file_that_is_no_despatch_advice_is_refused(client, coordinator, day, body, code):
    answer = client.post(API, data=body, content_type="application/xml", headers=coordinator)
    assert answer.status_code == 422 and answer.json["error"]["fields"]["rows"][0]["code"] == code


def test_no_entity_of_a_document_is_resolved(client, coordinator, day, world):
    hostile = (
        advice(line(1, "30", 1))
        .replace(
            b'<?xml version="1.0" encoding="UTF-8"?>',
            b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        )
        .replace(b"<cbc:ID>DA-1</cbc:ID>", b"<cbc:ID>&x;</cbc:ID>")
    )
    answer = client.post(API, data=hostile, content_type="application/xml", headers=coordinator)
    assert "root:" not in answer.get_data(as_text=True)
    assert answer.status_code == 422 and count(DespatchAdvice) == 0


def test_the_example_for_the_demo_cluster_reads(app):
    parsed = despatch.parse((ROOT / "docs" / "import" / "despatch-advice.xml").read_bytes())
    assert (parsed["document_id"], parsed["order_ref"], parsed["supplier_ids"]) == (
        "DA-2026-0001", "DEMO-O-000001", [("0007", "5560000001"), ("", "DEMO-S-01")])  # fmt: skip
    assert [(line["order_line_ref"], line["quantity"], line["unit_code"]) for line in parsed["lines"]] == [
        ("1", 1.0, "H87"), ("2", 1.0, "H87"), ("3", 0.25, "KGM")]  # fmt: skip


def test_a_supplier_known_by_a_mapped_identifier_is_found(client, coordinator, day, world):
    body = advice(line(1, "40", 1), supplier="5569999999")
    assert client.post(API, data=body, content_type="application/xml", headers=coordinator).status_code == 422
    mapped = client.post("/api/v1/imports/peppol/mappings", headers=coordinator, json={
        "kind": "supplier", "identifier": "5569999999", "target_id": world.wholesaler.id})  # fmt: skip
    assert mapped.status_code == 201, mapped.json
    answer = client.post(API, data=body, content_type="application/xml", headers=coordinator)
    assert answer.status_code == 201 and answer.json["supplier_name"] == "Grossisten AB"
