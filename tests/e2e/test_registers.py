"""Delivery points from open registers, and Peppol identifiers mapped, as the coordinator does it on
a phone (Chromium, 390 px, Swedish): Skolverket's register file is read for the cluster, two of
its schools are ticked and become delivery points; an order refused for an unknown GLN is
imported once the coordinator has mapped the GLN from the error row."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.api.test_peppol_orders import MILK, order
from tests.api.test_registers import unit

from .conftest import PHONE, login, save_screenshot

pytestmark = pytest.mark.e2e


def _choose(page, tmp_path, test_id: str, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_test_id(test_id).set_input_files(str(path))


def test_schools_from_the_register_become_delivery_points(new_page, server_copy, tmp_path):
    server = server_copy()
    page = new_page(PHONE)
    login(page, server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-delivery_points").click()
    panel = page.get_by_test_id("register-panel")
    expect(panel).to_contain_text("Skolor och förskolor från öppna register")
    register = json.dumps([
        unit("90000001", "Källebergsskolan", "1285", lat="55.835", lon="13.300"),
        unit("90000002", "Ringsjöskolan", "1285", lat="55.845", lon="13.320", street="Ringsjövägen 4"),
        unit("90000003", "Lindängsskolan", "1285", lat="55.841", lon="13.290"),
        unit("90000004", "Söderskolan", "1280", lat="55.60", lon="13.00"),
    ]).encode()  # fmt: skip
    _choose(page, tmp_path, "register-file", "skolenheter.json", register)
    page.get_by_test_id("register-read").click()
    # The test server's Eslöv has no municipality code yet: nothing matches until it is given.
    expect(page.get_by_test_id("register-summary")).to_have_text(
        "0 aktiva enheter i klustrets kommuner. Kryssa i dem som ska få leveranser."
    )
    warning = page.get_by_test_id("register-without-code")
    expect(warning).to_contain_text("Kommunkod saknas för Eslöv.")
    warning.get_by_test_id("register-municipality-code").fill("12a5")
    warning.get_by_test_id("register-save-codes").click()
    expect(warning).to_contain_text("Kommunkoden är fyra siffror, inte ”12a5”.")
    warning.get_by_test_id("register-municipality-code").fill("1285")
    warning.get_by_test_id("register-save-codes").click()
    expect(page.get_by_test_id("register-summary")).to_have_text(
        "3 aktiva enheter i klustrets kommuner. Kryssa i dem som ska få leveranser."
    )
    expect(panel).to_contain_text("1 enhet i en annan kommun lämnades utanför (1280).")
    units = page.get_by_test_id("register-unit")
    expect(units).to_have_count(3)
    units.filter(has_text="Lindängsskolan").get_by_test_id("register-unit-box").uncheck()
    expect(page.get_by_test_id("register-import")).to_have_text("Lägg till valda (2)")
    save_screenshot(page, "coordinator-registers-phone.png")
    page.get_by_test_id("register-import").click()
    expect(page.get_by_test_id("register-ok")).to_have_text("2 nya och 0 uppdaterade leveransställen från registret.")
    names = {p["external_id"]: p["name"] for p in server.api("GET", "/delivery-points/?limit=2000")}
    assert names.get("90000001") == "Källebergsskolan" and names.get("90000002") == "Ringsjöskolan"
    assert "90000003" not in names and "90000004" not in names


def test_an_unknown_gln_is_mapped_from_the_error_row(new_page, server_copy, tmp_path):
    server = server_copy()
    page = new_page(PHONE)
    login(page, server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-orders").click()
    points = server.api("GET", "/delivery-points/?limit=2000")
    suppliers = server.api("GET", "/suppliers/?limit=2000")
    point, supplier = points[0], next(s for s in suppliers if s["kind"] == "wholesaler")
    document = order(MILK, number="PO-GLN-1", location='<cbc:ID schemeID="0088">7300009099999</cbc:ID>',
                     supplier=supplier["external_id"])  # fmt: skip
    _choose(page, tmp_path, "import-file", "gln.xml", document)
    page.get_by_test_id("import-button").click()
    row = page.get_by_test_id("import-error-row")
    expect(row).to_contain_text("Okänd leveransplats")
    row.get_by_test_id("mapping-target").select_option(label=point["name"])
    row.get_by_test_id("mapping-save").click()
    expect(row.get_by_test_id("mapping-done")).to_have_text(
        f"7300009099999 är kopplat till {point['name']}. Läs in filen igen."
    )
    save_screenshot(page, "coordinator-peppol-mapping-phone.png")
    page.get_by_test_id("import-button").click()
    expect(page.get_by_test_id("import-ok")).to_contain_text("1 Peppol-dokument lästes in")
    page.get_by_test_id("mappings").locator("summary").click()
    expect(page.get_by_test_id("mappings")).to_contain_text(f"0088:7300009099999 → leveransstället {point['name']}")
