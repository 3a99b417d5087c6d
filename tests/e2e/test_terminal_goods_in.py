"""Goods in (Chromium), the issue's walk: terminal staff open today's expected arrivals and
receive a supplier's delivery with a short line while the server is down; the record is sent
exactly once when it is back; the labels of the load are printed (a PDF); a unit is scanned onto
the right vehicle by its typed code; and the kitchen sees the shortage before the truck arrives.
At phone size, and at tablet size for the README."""

from __future__ import annotations

import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day, wait_until

from .conftest import PASSWORD, PHONE, Server, login, save_readme_screenshot, save_screenshot
from .test_terminal_loading import _line

pytestmark = pytest.mark.e2e

TIMEZONE = "Europe/Stockholm"
TABLET = {"width": 800, "height": 1280}


def today() -> str:
    return datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()


@pytest.fixture
def goods_in_server(server_copy) -> Server:
    """Today: one order of Bergaskolan kök from S-1 (chilled milk, ambient flour), planned."""
    own = server_copy(extra_env={"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"})
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    compartments = [
        {"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8} for t in ("frozen", "chilled", "ambient")
    ]
    own.api("PATCH", f"/vehicles/{vehicle['id']}", {"compartments": compartments})
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    day = today()
    for order in own.api("GET", f"/orders/?date={day}"):
        own.api("DELETE", f"/orders/{order['id']}")
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "G-1",
            "delivery_point_id": points["DP-1"]["id"],
            "supplier_id": suppliers["S-1"]["id"],
            "requested_date": day,
            "lines": [_line("Mjölk 1,5 %", 40, "liter", 41, "chilled"), _line("Vetemjöl", 5, "säck", 25, "ambient")],
        },
    )
    plan = plan_day(own.api, day, fresh=True)
    assert not plan["unassigned"], plan
    own.api(
        "POST",
        "/users/",
        {
            "username": "terminal-tove",
            "display_name": "Tove Terminal",
            "role": "terminal",
            "terminal_id": vehicle["terminal_id"],
            "password": PASSWORD,
        },
    )
    return own


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _draw(page, test_id: str) -> None:
    canvas = page.get_by_test_id(test_id)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 40 + (step % 3) * 20, steps=2)
    page.mouse.up()


def test_goods_in_offline_then_labels_scan_and_the_kitchen_sees_the_shortage(new_page, goods_in_server):
    server = goods_in_server
    page = new_page(PHONE, phone=True)
    login(page, server, "terminal-tove")
    expect(page.get_by_test_id("role")).to_have_text("Terminalpersonal")
    supplier = page.get_by_test_id("goods-in-supplier")
    expect(supplier).to_have_count(1)
    expect(supplier).to_contain_text("2 rader till 1 mottagare")
    expect(supplier.get_by_test_id("supplier-expected")).to_have_text("Inte mottagen än")
    supplier.get_by_test_id("receive-supplier").click()

    # The warehouse has no network: the record is kept on the device.
    server.stop()
    milk = page.locator("[data-testid=goods-in-line][data-article='Mjölk 1,5 %']")
    expect(milk).to_contain_text("Bergaskolan kök")
    expect(milk.get_by_text("Temperatur °C (högst 8)")).to_be_visible()
    # Saving without the temperature, the name and the signature: every error at once, nothing saved.
    page.get_by_test_id("goods-in-save").click()
    expect(page.get_by_test_id("goods-in-errors")).to_have_text("3 uppgifter behöver rättas; inget är sparat.")
    milk = page.locator("[data-testid=goods-in-line][data-article='Mjölk 1,5 %']")
    expect(page.locator(".field-error:visible")).to_have_count(3)
    milk.get_by_test_id("received-quantity").fill("tio")
    milk.get_by_test_id("received-quantity").fill("10")
    milk.get_by_test_id("temperature").fill("4,5")
    # An error answered goes away at once, each in its own field.
    expect(milk.locator(".field-error:visible")).to_have_count(0)
    expect(milk.get_by_test_id("temperature")).to_have_attribute("aria-invalid", "false")
    milk.get_by_test_id("deviation").select_option("short")
    # The photo control speaks the app's language (no browser "Välj fil"), and shows the picture.
    photo_button = milk.locator("label[for$='-photo']")
    expect(photo_button).to_have_text("Ta foto")
    milk.get_by_test_id("deviation-photo").set_input_files(
        {"name": "kartong.png", "mimeType": "image/png", "buffer": _png()}
    )
    expect(milk.get_by_test_id("deviation-photo-taken")).to_be_visible()
    expect(photo_button).to_have_text("Ta nytt foto")
    page.get_by_test_id("supplier-driver").fill("Sune Leverantör")
    _draw(page, "goods-in-signature")
    expect(page.locator(".field-error:visible")).to_have_count(0)
    save_screenshot(page, "terminal-goods-in-phone.png")
    page.get_by_test_id("goods-in-save").click()
    expect(page.get_by_test_id("goods-in-flash")).to_contain_text("Inleveransen från")
    expect(page.get_by_test_id("supplier-waiting")).to_have_text("Sparad på enheten – skickas när nätet finns")

    # Back online: sent exactly once.
    server.start()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(
        lambda: server.api("GET", f"/goods-in/expected?date={today()}")["suppliers"][0]["received"],
        30,
        "the goods-in record made offline to reach the server",
    )
    expect(page.get_by_test_id("supplier-received")).to_contain_text("Mottagen")
    expect(page.get_by_test_id("goods-in-supplier")).to_contain_text("1 rad saknas helt eller delvis")
    deviations = server.api("GET", "/deviations/")
    assert [d["code"] for d in deviations] == ["missing_from_supplier"], deviations
    assert deviations[0]["description"] == (
        "Mjölk 1,5 %: Saknas från leverantören. Beställt 40 liter, kom till terminalen 10 liter."
    )
    page.reload()
    expect(page.get_by_test_id("supplier-received")).to_be_visible()
    assert len(server.api("GET", "/deviations/")) == 1  # nothing sent twice

    # Loading: the labels as a PDF, and a unit scanned onto the right vehicle by its typed code.
    page.get_by_test_id("tab-loading").click()
    route = server.api("GET", f"/loading/routes?date={today()}")[0]
    page.get_by_test_id(f"open-route-{route['id']}").click()
    token = page.evaluate("() => JSON.parse(localStorage.getItem('samlast.session')).token")
    labels = page.request.get(
        f"{server.url}/api/v1/loading/routes/{route['id']}/labels.pdf?format=a6",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert labels.ok and labels.body().startswith(b"%PDF")
    listing = server.api("GET", f"/loading/routes/{route['id']}")
    code = listing["compartments"][0]["stops"][0]["units"][0]["code"]
    page.get_by_test_id("scan-code").fill(code)
    page.get_by_test_id("scan-submit").click()
    expect(page.get_by_test_id("scan-ok")).to_contain_text("Bergaskolan kök")

    # The kitchen sees the shortage on its coming delivery, before the truck arrives.
    kitchen = new_page(TABLET)
    login(kitchen, server, "kok-berga")
    missing = kitchen.get_by_test_id("missing-from-supplier")
    expect(missing).to_contain_text("Saknas från leverantören")
    expect(missing).to_contain_text("Mjölk 1,5 %: 30 av 40 liter kom inte till terminalen och följer inte med.")
    save_screenshot(kitchen, "kitchen-missing-from-supplier-tablet.png")

    # The coordinator has it to handle, as found at goods in, and can follow the line.
    office = new_page({"width": 1280, "height": 900})
    login(office, server, "coord")
    described = office.get_by_test_id("deviation-description")
    expect(described).to_have_text(
        "Mjölk 1,5 %: Saknas från leverantören. Beställt 40 liter, kom till terminalen 10 liter."
    )
    expect(office.get_by_test_id("deviation-follow")).to_have_text("Varans väg (PDF)")


def _despatch_advice(server: Server, milk_litres: int) -> None:
    """Grossisten's despatch advice for G-1: the milk (line 1) shipped short."""
    from tests.api.test_despatch import advice, line

    body = advice(line(1, str(milk_litres), 1) + line(2, "5", 2, "H87"), order="G-1", document_id="DA-G-1")
    request = urllib.request.Request(
        f"{server.url}/api/v1/goods-in/despatch-advices",
        data=body,
        method="POST",
        headers={"Content-Type": "application/xml", "Authorization": f"Bearer {server.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def test_goods_in_at_tablet_size(new_page, goods_in_server):
    _despatch_advice(goods_in_server, 30)
    page = new_page(TABLET)
    login(page, goods_in_server, "terminal-tove")
    page.get_by_test_id("receive-supplier").click()
    expect(page.get_by_test_id("goods-in-form")).to_be_visible()
    # The supplier said before the truck came that the milk is short; counting starts from it.
    milk = page.locator("[data-testid=goods-in-line][data-article='Mjölk 1,5 %']")
    expect(milk.get_by_test_id("announced-short")).to_have_text("Aviserat 30 av 40 liter")
    expect(milk.get_by_test_id("received-quantity")).to_have_value("30")
    save_readme_screenshot(page, "terminal-goods-in-tablet.png")
