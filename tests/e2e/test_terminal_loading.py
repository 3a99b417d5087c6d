"""Terminal staff load a vehicle (Chromium): today's trip, its loading list in reverse stop order,
the labels as PDF, a unit scanned onto the right vehicle by the typed code, one of another
vehicle refused with the warning naming where it belongs, and the driver's signature for the
load. At phone size (390 px) and on a tablet (800 x 1280)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day, wait_until

from .conftest import PASSWORD, PHONE, Server, login, save_screenshot

pytestmark = pytest.mark.e2e

TIMEZONE = "Europe/Stockholm"
TABLET = {"width": 800, "height": 1280}


def today() -> str:
    return datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()


def _line(article, quantity, unit, kg, temperature, pallets=0.1):
    return {"article": article, "quantity": quantity, "unit": unit, "weight_kg": kg, "pallet_places": pallets,
            "temperature_class": temperature}


@pytest.fixture
def loading_server(server_copy) -> Server:
    """Today planned with two loads: Bergaskolan kök (frozen, chilled, ambient crates) and a load
    of nearly a full vehicle for Ljungbacka, so the two go on different vehicles or trips."""
    own = server_copy(extra_env={"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"})
    driver = next(u for u in own.api("GET", "/users/") if u["username"] == "forare")
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    compartments = [{"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8}
                    for t in ("frozen", "chilled", "ambient")]
    own.api("PATCH", f"/vehicles/{vehicle['id']}", {"driver_id": driver["id"], "compartments": compartments})
    own.api("POST", "/vehicles/", {
        "external_id": "V-2", "name": "Lastbil 2", "terminal_id": vehicle["terminal_id"], "energy_type": "electric",
        "co2e_kg_per_km": 0.0, "cost_per_km": 12.0, "cost_per_hour": 450.0, "shift_start": "06:00",
        "shift_end": "15:00", "compartments": compartments,
    })
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    day = today()
    for order in own.api("GET", f"/orders/?date={day}"):
        own.api("DELETE", f"/orders/{order['id']}")
    own.api("POST", "/orders/", {
        "external_id": "L-1", "delivery_point_id": points["DP-1"]["id"], "supplier_id": suppliers["S-1"]["id"],
        "requested_date": day,
        "lines": [_line("Fiskpinnar", 10, "kartong", 50, "frozen"), _line("Mjölk 1,5 %", 40, "liter", 41, "chilled"),
                  _line("Vetemjöl", 5, "säck", 25, "ambient")],
    })
    own.api("POST", "/orders/", {
        "external_id": "L-2", "delivery_point_id": points["DP-2"]["id"], "supplier_id": suppliers["S-1"]["id"],
        "requested_date": day, "lines": [_line("Potatis", 399, "säck", 3990, "chilled", pallets=7.95)],
    })
    plan = plan_day(own.api, day, fresh=True)
    assert len(plan["routes"]) == 2 and not plan["unassigned"], plan
    terminal_id = vehicle["terminal_id"]
    own.api("POST", "/users/", {"username": "terminal-tove", "display_name": "Tove Terminal", "role": "terminal",
                                "terminal_id": terminal_id, "password": PASSWORD})
    return own


def _loads(server: Server) -> tuple[dict, dict]:
    """(Bergaskolan's loading list, the other load's list), as the coordinator reads them."""
    lists = [server.api("GET", f"/loading/routes/{route['id']}")
             for route in server.api("GET", f"/loading/routes?date={today()}")]
    berga = next(item for item in lists if any(s["point_name"] == "Bergaskolan kök"
                                                for c in item["compartments"] for s in c["stops"]))
    other = next(item for item in lists if item["id"] != berga["id"])
    return berga, other


def _draw_signature(page) -> None:
    canvas = page.get_by_test_id("handover-signature")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 30, y + 20)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 30 + step * 22, y + 20 - (step % 3) * 25, steps=2)
    page.mouse.up()


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_terminal_staff_load_a_vehicle_and_the_driver_signs(new_page, loading_server, size):
    server = loading_server
    berga, other = _loads(server)
    trip = f"{berga['vehicle_name']}, tur {berga['trip'] + 1}"
    right = berga["compartments"][0]["stops"][0]["units"][0]["code"]
    wrong = other["compartments"][0]["stops"][0]["units"][0]["code"]
    wrong_point = other["compartments"][0]["stops"][0]["point_name"]

    page = new_page(PHONE if size == "phone" else TABLET, phone=size == "phone")
    login(page, server, "terminal-tove")
    page.get_by_test_id("tab-loading").click()
    panel = page.get_by_test_id("panel-loading")
    expect(panel.get_by_test_id("loading-route")).to_have_count(2)
    expect(panel).to_contain_text(trip)
    expect(panel).to_contain_text("0 av 8 enheter lastade")
    save_screenshot(page, f"terminal-loading-routes-{size}.png")
    panel.get_by_test_id(f"open-route-{berga['id']}").click()
    expect(page.get_by_test_id("loading-route-title")).to_have_text(trip)
    # Per compartment: Fryst (3 crates of 50 kg), Kylt (3 of 41 kg), Torrt (2 of 25 kg).
    expect(page.get_by_test_id("compartment-frozen")).to_contain_text("Backar: 3")
    expect(page.get_by_test_id("compartment-chilled")).to_contain_text("Backar: 3")
    expect(page.get_by_test_id("compartment-ambient")).to_contain_text("Backar: 2")
    expect(page.get_by_test_id("compartment-frozen")).to_contain_text("Bergaskolan kök")
    save_screenshot(page, f"terminal-loading-list-{size}.png")

    # The labels: fetched with the token and shown by the browser's PDF viewer (a new tab).
    with page.expect_response(lambda r: "/labels.pdf" in r.url) as answer, page.context.expect_page():
        page.get_by_test_id("labels-a4").click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    token = server.api("POST", "/auth/login", {"username": "terminal-tove", "password": PASSWORD})["token"]
    pdf = page.context.request.get(answer.value.url, headers={"Authorization": f"Bearer {token}"})
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # A unit of another vehicle: refused, with where it belongs; nothing is recorded.
    page.get_by_test_id("scan-code").fill(wrong.lower())
    page.get_by_test_id("scan-submit").click()
    warning = page.get_by_test_id("scan-warning")
    expect(warning).to_contain_text(f"Fel bil: enheten {wrong} ska till {other['vehicle_name']}")
    expect(warning).to_contain_text(wrong_point)
    expect(warning).to_contain_text("Inget har registrerats.")
    warning.scroll_into_view_if_needed()
    save_screenshot(page, f"terminal-loading-wrong-{size}.png")
    # The right one, typed as it reads on the label with a space: marked loaded.
    page.get_by_test_id("scan-code").fill(f"{right[:3]} {right[3:]}")
    page.get_by_test_id("scan-submit").click()
    expect(page.get_by_test_id("scan-ok")).to_contain_text("Lastad: Back till Bergaskolan kök")
    expect(page.get_by_test_id(f"unit-{right}")).to_have_attribute("data-loaded", "true")
    expect(page.get_by_test_id("loading-progress")).to_have_text("1 av 8 enheter lastade")
    page.get_by_test_id(f"unit-{right}").scroll_into_view_if_needed()
    save_screenshot(page, f"terminal-loading-scanned-{size}.png")

    # The driver signs for the load.
    expect(page.get_by_test_id("handover-missing")).to_have_text("7 enheter är inte lastade.")
    page.get_by_test_id("handover-name").fill("Fredrik Förare")
    _draw_signature(page)
    page.get_by_test_id("handover-submit").click()
    expect(page.get_by_test_id("handover-done")).to_contain_text("Kvitterad av Fredrik Förare")

    def stored() -> bool:
        listing = server.api("GET", f"/loading/routes/{berga['id']}")
        return listing["handover"] is not None and listing["units_loaded"] == 1

    wait_until(stored, 15, "the scan and the sign-off to reach the server")
    assert server.api("GET", f"/loading/routes/{other['id']}")["units_loaded"] == 0
    page.get_by_test_id("loading-back").click()
    page.get_by_test_id(f"open-route-{berga['id']}").click()
    expect(page.get_by_test_id("handover-done")).to_contain_text("Kvitterad av Fredrik Förare")
    expect(page.get_by_test_id("scan-code")).to_have_count(0)  # signed for: nothing more goes on
    page.get_by_test_id("handover-done").scroll_into_view_if_needed()
    save_screenshot(page, f"terminal-loading-signed-{size}.png")


def test_driver_is_warned_of_another_stops_unit_and_the_camera_is_offered_where_it_reads_qr(new_page, loading_server):
    server = loading_server
    lists = [server.api("GET", f"/loading/routes/{route['id']}")
             for route in server.api("GET", f"/loading/routes?date={today()}")]
    driven = next(item for item in lists if item["driver_name"] == "Fredrik Förare")
    other = next(item for item in lists if item["id"] != driven["id"])
    own_stop = driven["compartments"][0]["stops"][0]
    elsewhere = other["compartments"][0]["stops"][0]

    page = new_page(PHONE, phone=True)
    login(page, server, "forare")
    expect(page.get_by_role("heading", name="Dagens rutt")).to_be_visible()
    page.get_by_test_id("stop").first.click()
    expect(page.get_by_test_id("stop-detail")).to_contain_text(own_stop["point_name"])
    page.get_by_test_id("unit-check").locator("summary").click()
    page.get_by_test_id("unit-check-code").fill(elsewhere["units"][0]["code"])
    # The stop view is redrawn on every push and sync: the open panel and the typed code stay.
    page.evaluate("window.dispatchEvent(new PopStateEvent('popstate'))")
    expect(page.get_by_test_id("unit-check-code")).to_have_value(elsewhere["units"][0]["code"])
    expect(page.get_by_test_id("unit-check-code")).to_be_focused()
    page.get_by_test_id("unit-check-submit").click()
    answer = page.get_by_test_id("unit-check-answer")
    expect(answer).to_have_text(f"Fel stopp: enheten ska till {elsewhere['point_name']}.")
    page.evaluate("window.dispatchEvent(new PopStateEvent('popstate'))")
    expect(answer).to_have_text(f"Fel stopp: enheten ska till {elsewhere['point_name']}.")
    page.get_by_test_id("unit-check").scroll_into_view_if_needed()
    save_screenshot(page, "driver-unit-check-wrong-phone.png")
    page.get_by_test_id("unit-check-code").fill(own_stop["units"][0]["code"].lower())
    page.get_by_test_id("unit-check-submit").click()
    expect(answer).to_have_text(f"✓ Rätt stopp: enheten ska till {own_stop['point_name']}.")

    # Terminal staff get the camera only where the browser reads QR codes (BarcodeDetector).
    plain = new_page(PHONE, phone=True)
    login(plain, server, "terminal-tove")
    plain.get_by_test_id("tab-loading").click()
    plain.get_by_test_id(f"open-route-{driven['id']}").click()
    expect(plain.get_by_test_id("scan-code")).to_be_visible()
    if not plain.evaluate("'BarcodeDetector' in window"):
        expect(plain.get_by_test_id("scan-camera")).to_have_count(0)
    reader = new_page(PHONE, phone=True)
    reader.add_init_script("window.BarcodeDetector = class { async detect() { return []; } };")
    login(reader, server, "terminal-tove")
    reader.get_by_test_id("tab-loading").click()
    reader.get_by_test_id(f"open-route-{driven['id']}").click()
    expect(reader.get_by_test_id("scan-camera")).to_have_text("Skanna med kameran")
    expect(reader.get_by_test_id("scan-code")).to_be_visible()  # the typed code always


def test_scans_made_offline_are_sent_once_when_the_network_is_back(new_page, loading_server):
    server = loading_server
    berga, other = _loads(server)
    right = berga["compartments"][1]["stops"][0]["units"][0]["code"]
    wrong = other["compartments"][0]["stops"][0]["units"][0]["code"]
    page = new_page(PHONE, phone=True)
    login(page, server, "terminal-tove")
    page.get_by_test_id("tab-loading").click()
    page.get_by_test_id(f"open-route-{berga['id']}").click()
    expect(page.get_by_test_id("scan-code")).to_be_visible()

    server.stop()
    page.get_by_test_id("scan-code").fill(wrong)
    page.get_by_test_id("scan-submit").click()
    expect(page.get_by_test_id("scan-warning")).to_have_text(
        f"Koden {wrong} hör inte till den här turen. Kontrollera etiketten. Inget har registrerats.")
    page.get_by_test_id("scan-code").fill(right)
    page.get_by_test_id("scan-submit").click()
    expect(page.get_by_test_id("scan-ok")).to_contain_text("Lastad: Back till Bergaskolan kök")
    expect(page.get_by_test_id("loading-waiting")).to_have_text("1 skanning väntar på att skickas.")
    expect(page.get_by_test_id(f"unit-{right}")).to_have_attribute("data-loaded", "true")
    save_screenshot(page, "terminal-loading-offline-phone.png")

    server.start()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: server.api("GET", f"/loading/routes/{berga['id']}")["units_loaded"] == 1, 30,
               "the scan made offline to reach the server")
    expect(page.get_by_test_id("loading-waiting")).to_be_hidden()
    assert server.api("GET", f"/loading/routes/{other['id']}")["units_loaded"] == 0
