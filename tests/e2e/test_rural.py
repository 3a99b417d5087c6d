"""Rural service (Chromium), the issue's walk: the agent in town registers a resident's parcel
for the village locker; it is planned onto today's route that passes the village; the driver
takes it over at the agent (typed code, name, signature) and leaves it in the locker while the
server cannot be reached; the record is sent once it is back; and the resident's tracking page
(no login, a phone in Swedish) shows the compartment and the code that opens it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day, wait_until

from .conftest import PASSWORD, PHONE, Server, cluster_today, login, save_readme_screenshot, save_screenshot
from .test_terminal_goods_in import _draw
from .test_terminal_loading import _line

pytestmark = pytest.mark.e2e

TIMEZONE = "Europe/Stockholm"


def _ljungbacka_locker(own, municipality_id: int) -> None:
    own.api("POST", "/delivery-points/", {
        "external_id": "PL-1", "name": "Ljungbacka paketskåp", "kind": "parcel_locker",
        "municipality_id": municipality_id, "address": "Byvägen 2, Ljungbacka", "lat": 55.851, "lon": 13.655,
        "service_time_min": 2,
    })  # fmt: skip


@pytest.fixture
def rural_server(server_copy) -> Server:
    """Today: `forare` drives Lastbil 1 to Bergaskolan kök and Ljungbacka äldreboende; the parcel
    agent in Eslöv (open every day) and a parcel locker in Ljungbacka; `ombud-agnes` works at the agent."""
    own = server_copy(extra_env={"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"})
    driver = next(u for u in own.api("GET", "/users/") if u["username"] == "forare")
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    compartments = [
        {"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8} for t in ("frozen", "chilled", "ambient")
    ]
    own.api("PATCH", f"/vehicles/{vehicle['id']}", {"driver_id": driver["id"], "compartments": compartments})
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    municipality_id = points["DP-1"]["municipality_id"]
    agent_point = own.api("POST", "/delivery-points/", {
        "external_id": "SP-1", "name": "Ombudet Eslöv", "kind": "service_point", "municipality_id": municipality_id,
        "address": "Storgatan 5, Eslöv", "lat": 55.838, "lon": 13.306, "service_time_min": 3,
        "receiving_windows": [{"weekday": d, "start": "06:00", "end": "22:00"} for d in range(7)],
    })  # fmt: skip
    _ljungbacka_locker(own, municipality_id)
    own.api("POST", "/users/", {"username": "ombud-agnes", "display_name": "Agnes på ombudet", "role": "agent",
                                "delivery_point_ids": [agent_point["id"]], "password": PASSWORD})  # fmt: skip
    day = cluster_today().isoformat()
    for order in own.api("GET", f"/orders/?date={day}"):
        own.api("DELETE", f"/orders/{order['id']}")
    own.api("POST", "/orders/", {
        "external_id": "R-1", "delivery_point_id": points["DP-1"]["id"], "supplier_id": suppliers["S-1"]["id"],
        "requested_date": day, "lines": [_line("Mjölk 1,5 %", 40, "liter", 41, "chilled")],
    })  # fmt: skip
    # The care home in the village: the route that passes the locker.
    own.api("POST", "/orders/", {
        "external_id": "R-2", "delivery_point_id": points["DP-2"]["id"], "supplier_id": suppliers["S-1"]["id"],
        "requested_date": day, "lines": [_line("Vetemjöl", 5, "säck", 25, "ambient")],
    })  # fmt: skip
    plan = plan_day(own.api, day, fresh=True)
    assert not plan["unassigned"], plan
    return own


def test_a_parcel_from_the_agent_to_the_village_locker_and_the_residents_pickup_code(new_page, rural_server):
    server = rural_server

    # The agent registers the parcel: planned at once onto today's route.
    agent = new_page(PHONE, phone=True)
    login(agent, server, "ombud-agnes")
    expect(agent.get_by_test_id("role")).to_have_text("Ombud / servicepunkt")
    agent.get_by_test_id("rural-destination").select_option(label="Ljungbacka paketskåp (Eslöv)")
    agent.get_by_test_id("rural-size").select_option("medium")
    agent.get_by_test_id("rural-name").fill("Greta Ek")
    agent.get_by_test_id("rural-register").click()
    expect(agent.get_by_test_id("rural-receipt")).to_contain_text("Kommer i dag")
    code = agent.get_by_test_id("rural-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", code), code
    expect(agent.get_by_test_id(f"rural-item-{code}")).to_contain_text("Greta Ek")
    save_screenshot(agent, "rural-agent-phone.png")

    # The resident can follow it already: the day, and notices on this phone if wanted.
    early = new_page(PHONE, phone=True)
    early.goto(f"{server.url}/spara/{code}")
    expect(early.get_by_test_id("tracking-status")).to_have_text("Kommer i dag")
    expect(early.get_by_test_id("tracking-notify")).to_have_text("Få en avisering när något händer")
    save_screenshot(early, "rural-tracking-planned.png")

    # The driver takes it over at the agent: the code typed, the agent's name and signature.
    driver = new_page(PHONE, phone=True)
    login(driver, server, "forare")
    pickup = driver.get_by_test_id(f"ride-pickup-{code}")
    expect(pickup).to_contain_text("Hämta hos Ombudet Eslöv")
    pickup.get_by_test_id("ride-open").click()
    pickup.get_by_test_id("ride-code").fill(code.lower())
    pickup.get_by_test_id("ride-name").fill("Agnes Ombud")
    _draw(driver, "ride-signature")
    pickup.get_by_test_id("ride-save").click()
    expect(pickup.get_by_test_id("ride-done")).to_be_visible()
    save_screenshot(driver, "rural-driver-phone.png")
    wait_until(lambda: server.api("GET", "/rural/consignments?status=picked_up"), 30, "the take-over was sent")

    # No coverage at the locker: the drop is kept on the phone and sent when the server is back.
    server.stop()
    drop = driver.get_by_test_id(f"ride-drop-{code}")
    expect(drop).to_contain_text("Lämna i paketskåpet Ljungbacka paketskåp")
    drop.get_by_test_id("ride-open").click()
    drop.get_by_test_id("ride-code").fill(code)
    drop.get_by_test_id("ride-compartment").fill("4")
    drop.get_by_test_id("ride-save").click()
    expect(drop.get_by_test_id("ride-done")).to_be_visible()
    server.start()  # same database, same port
    [parcel] = wait_until(lambda: server.api("GET", "/rural/consignments?status=ready"), 90, "the drop was synced")
    assert parcel["tracking_code"] == code and parcel["compartment_number"] == 4

    # The resident, without an account, on a Swedish phone.
    resident = new_page(PHONE, phone=True)
    resident.goto(f"{server.url}/spara/{code}")
    expect(resident.get_by_test_id("tracking-status")).to_have_text("Klar att hämta")
    expect(resident.get_by_test_id("tracking-place")).to_have_text("Ljungbacka paketskåp")
    expect(resident.get_by_test_id("tracking-pickup")).to_contain_text("Ligger i fack 4.")
    pickup_code = resident.get_by_test_id("tracking-pickup-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", pickup_code), pickup_code
    body = resident.locator("body").inner_text()
    assert "Greta" not in body and "Logga in" not in body
    expect(resident.get_by_test_id("tracking-notify")).to_have_count(0)  # nothing more to tell
    save_readme_screenshot(resident, "rural-tracking.png")
    # The resident empties the compartment and says so: the last hand-over, recorded without an account.
    resident.get_by_test_id("tracking-collect").click()
    expect(resident.get_by_test_id("tracking-notice")).to_have_text("Tack! Försändelsen är markerad som hämtad.")
    expect(resident.get_by_test_id("tracking-status")).to_have_text("Hämtad")
    expect(resident.get_by_test_id("tracking-pickup-code")).to_have_count(0)
    assert server.api("GET", "/rural/consignments?status=collected")[0]["tracking_code"] == code
    save_screenshot(resident, "rural-tracking-collected.png")

    # The coordinator's figures: the parcel carried to the village, and the trip the resident saved.
    desk = new_page({"width": 1280, "height": 900})
    login(desk, server, "coord")
    desk.get_by_test_id("tab-rural").click()
    figures = desk.get_by_test_id("rural-figures")
    expect(figures).to_contain_text("Ljungbacka paketskåp")
    expect(figures.locator("tbody tr")).to_have_count(1)
    save_screenshot(desk, "rural-coordinator.png")


def test_the_agent_registers_many_parcels_from_a_csv_file_all_or_nothing(new_page, rural_server, tmp_path):
    server = rural_server
    agent = new_page(PHONE, phone=True)
    login(agent, server, "ombud-agnes")
    panel = agent.get_by_test_id("rural-csv")
    expect(panel).to_contain_text("Många paket på en gång (CSV)")
    # A wrong size on row 3: nothing is registered, and the row, column and value are named.
    bad = tmp_path / "paket.csv"
    bad.write_text("kind;destination;size_class;resident_name\n"
                   "parcel;Ljungbacka paketskåp;small;Greta Ek\n"
                   "parcel;Ljungbacka paketskåp;jättestor;Olle Ek\n", encoding="utf-8")  # fmt: skip
    panel.get_by_test_id("rural-csv-file").set_input_files(str(bad))
    expect(panel.get_by_test_id("rural-csv-name")).to_have_text("paket.csv")
    panel.get_by_test_id("rural-csv-submit").click()
    errors = panel.get_by_test_id("rural-csv-errors")
    expect(errors).to_contain_text("Rad 3, size_class ”jättestor”")
    assert server.api("GET", "/rural/consignments") == []
    errors.scroll_into_view_if_needed()
    save_screenshot(agent, "rural-agent-csv-errors.png")

    good = tmp_path / "paket-ratt.csv"
    good.write_text("kind;destination;size_class;resident_name\n"
                    "parcel;Ljungbacka paketskåp;small;Greta Ek\n"
                    "library;Ljungbacka paketskåp;medium;Olle Ek\n", encoding="utf-8")  # fmt: skip
    panel.get_by_test_id("rural-csv-file").set_input_files(str(good))
    panel.get_by_test_id("rural-csv-submit").click()
    expect(agent.get_by_test_id("rural-csv-done")).to_have_text(
        "2 paket registrerade. Spårningskoderna står i listan nedan.")  # fmt: skip
    made = server.api("GET", "/rural/consignments")
    assert sorted(c["resident_name"] for c in made) == ["Greta Ek", "Olle Ek"]
    for item in made:
        expect(agent.get_by_test_id(f"rural-item-{item['tracking_code']}")).to_be_visible()
    body = agent.locator("body").inner_text()
    assert "undefined" not in body and "rural." not in body


def test_a_parcel_that_changes_vehicles_at_the_terminal_on_the_agents_and_drivers_phones(new_page, server_copy):
    """No route passes both the agent out west and the village locker: today's route west takes the
    parcel back to the terminal, tomorrow's route east takes it on. The agent and the driver read it
    in Swedish."""
    own = server_copy(extra_env={"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"})
    driver = next(u for u in own.api("GET", "/users/") if u["username"] == "forare")
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    compartments = [
        {"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8} for t in ("chilled", "ambient")
    ]
    own.api("PATCH", f"/vehicles/{vehicle['id']}", {"driver_id": driver["id"], "compartments": compartments})
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    municipality_id = points["DP-1"]["municipality_id"]
    every_day = [{"weekday": d, "start": "06:00", "end": "20:00"} for d in range(7)]
    west = own.api("POST", "/delivery-points/", {
        "external_id": "DP-W", "name": "Västra skolan", "kind": "school_kitchen", "municipality_id": municipality_id,
        "address": "Skolvägen 1", "lat": 55.87, "lon": 12.85, "receiving_windows": every_day,
    })  # fmt: skip
    agent_point = own.api("POST", "/delivery-points/", {
        "external_id": "SP-W", "name": "Ombudet Väster", "kind": "service_point", "municipality_id": municipality_id,
        "address": "Torget 2", "lat": 55.871, "lon": 12.853, "service_time_min": 3, "receiving_windows": every_day,
    })  # fmt: skip
    _ljungbacka_locker(own, municipality_id)
    own.api("POST", "/users/", {"username": "ombud-vera", "display_name": "Vera på ombudet", "role": "agent",
                                "delivery_point_ids": [agent_point["id"]], "password": PASSWORD})  # fmt: skip
    day = cluster_today().isoformat()
    tomorrow = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
    for when in (day, tomorrow):
        for order in own.api("GET", f"/orders/?date={when}"):
            own.api("DELETE", f"/orders/{order['id']}")
    for external_id, point_id, when in (("T-1", west["id"], day), ("T-2", points["DP-2"]["id"], tomorrow)):
        own.api("POST", "/orders/", {
            "external_id": external_id, "delivery_point_id": point_id, "supplier_id": suppliers["S-1"]["id"],
            "requested_date": when, "lines": [_line("Vetemjöl", 5, "säck", 25, "ambient")],
        })  # fmt: skip
    for when in (day, tomorrow):
        assert not plan_day(own.api, when, fresh=True)["unassigned"]

    agent = new_page(PHONE, phone=True)
    login(agent, own, "ombud-vera")
    agent.get_by_test_id("rural-destination").select_option(label="Ljungbacka paketskåp (Eslöv)")
    agent.get_by_test_id("rural-name").fill("Greta Ek")
    agent.get_by_test_id("rural-register").click()
    expect(agent.get_by_test_id("rural-receipt")).to_contain_text("Kommer i morgon, med omlastning på terminalen")
    code = agent.get_by_test_id("rural-code").inner_text().strip()
    agent.get_by_test_id("rural-receipt").scroll_into_view_if_needed()
    save_screenshot(agent, "rural-transfer-agent.png")

    phone = new_page(PHONE, phone=True)
    login(phone, own, "forare")
    expect(phone.get_by_test_id(f"ride-pickup-{code}")).to_contain_text("Hämta hos Ombudet Väster")
    drop = phone.get_by_test_id(f"ride-drop-{code}")
    expect(drop).to_contain_text("Lämna på terminalen för omlastning")
    drop.get_by_test_id("ride-open").click()
    expect(drop).to_contain_text("Namn på den som tar emot eller lämnar över")
    drop.scroll_into_view_if_needed()
    save_screenshot(phone, "rural-transfer-driver.png")
    body = phone.locator("body").inner_text()
    assert "rideAlong." not in body and "driver_to_hub" not in body and "undefined" not in body
