"""Orders as Peppol documents in the coordinator's Listor view (Chromium, desktop): a good Order
is read; a zip with a document for an unknown delivery location lists that document's error by
file, element and XML line, and the good one is read all the same."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.api.test_peppol_orders import MILK, order

from .conftest import login, save_screenshot

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}


def _upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_test_id("import-file").set_input_files(str(path))
    expect(page.get_by_test_id("import-file-name")).to_have_text(name)
    page.get_by_test_id("import-button").click()


def test_orders_arrive_as_peppol_documents(new_page, server_copy, tmp_path):
    server = server_copy()
    page = new_page(DESKTOP)
    login(page, server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-orders").click()
    expect(page.get_by_text("Beställningar kan också läsas in som Peppol BIS-dokument")).to_be_visible()

    _upload(page, tmp_path, "PO-1.xml", order(MILK, number="PO-E2E-1"))
    expect(page.get_by_test_id("import-ok")).to_contain_text(
        "1 Peppol-dokument lästes in (1 nya, 0 ändrade och 0 avbeställda beställningar)."
    )

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bra.xml", order(MILK, number="PO-E2E-2"))
        archive.writestr(
            "okand.xml", order(MILK, number="PO-E2E-3", location='<cbc:ID schemeID="0088">7300009012345</cbc:ID>')
        )
    _upload(page, tmp_path, "vecka.zip", buffer.getvalue())
    report = page.get_by_test_id("import-error")
    expect(report).to_contain_text("En del lästes in, en del inte.")  # not "nothing imported": one was
    expect(report).to_contain_text("1 dokument lästes inte in; felen står nedan.")
    row = page.get_by_test_id("import-error-row")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("okand.xml: cac:Delivery/cac:DeliveryLocation/cbc:ID")
    expect(row).to_contain_text("Okänd leveransplats")
    save_screenshot(page, "coordinator-peppol-import-desktop.png")
    numbers = {o["external_id"] for o in server.api("GET", "/orders/?limit=2000")}
    assert {"PO-E2E-1", "PO-E2E-2"} <= numbers and "PO-E2E-3" not in numbers


def test_what_the_ubl_schema_refuses_is_shown_in_swedish(new_page, server_copy, tmp_path):
    """A document out of step with the UBL 2.1 schema: each error by element and XML line, in
    Swedish words around the element names, and nothing is read."""
    server = server_copy()
    page = new_page(DESKTOP)
    login(page, server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-orders").click()
    bad = order(MILK, number="PO-E2E-9").replace(
        b"</cac:RequestedDeliveryPeriod>", b"</cac:RequestedDeliveryPeriod><cbc:Note>Port 2</cbc:Note>"
    )
    _upload(page, tmp_path, "fel.xml", bad)
    row = page.get_by_test_id("import-error-row")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("10")
    expect(row.locator("td").nth(1)).to_have_text("cac:Delivery/cbc:Note")
    expect(row.locator("td").nth(2)).to_have_text("”Port 2”")  # what the file says there
    expect(row).to_contain_text("Elementet cbc:Note hör inte hit enligt UBL 2.1. Här väntas: cac:PromisedDelivery")
    text = page.get_by_test_id("import-error").inner_text()
    assert "ubl." not in text and "not expected" not in text, text
    save_screenshot(page, "coordinator-peppol-schema-error-desktop.png")
    assert "PO-E2E-9" not in {o["external_id"] for o in server.api("GET", "/orders/?limit=2000")}
