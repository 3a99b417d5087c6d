"""The coordinator's day with stops left without a vehicle: the fleet advice beside them, in headless
Chromium at a desk (1440 px) against a real Flask server. Saves fleet-advice-desktop.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day

from .conftest import PHONE, Server, cluster_today, copy_server, login, save_screenshot

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
# A date of its own, far from the days other tests plan.
FLEET_DAY = cluster_today() + timedelta(days=45)


@pytest.fixture(scope="module")
def fleet_server(request) -> Server:
    """The seeded server plus two kitchens 16 km north and south of the terminal that receive
    06:30-06:45 every day (the one truck reaches one of them in time, never both) and an electric
    truck that is not in service today, cheaper per km and hour."""
    own = copy_server(request, extra_env={"PLANNING_TIME_LIMIT_S": "1"})
    terminal = own.api("GET", "/terminals/")[0]
    municipality = own.api("GET", "/municipalities/")[0]
    suppliers = {s["external_id"]: s["id"] for s in own.api("GET", "/suppliers/")}
    own.api("POST", "/vehicles/", {
        "external_id": "V-EL", "name": "Ellastbil 1", "terminal_id": terminal["id"], "energy_type": "electric",
        "co2e_kg_per_km": 0.03, "cost_per_km": 8.0, "cost_per_hour": 400.0, "shift_start": "06:00",
        "shift_end": "14:00", "active": False,
        "compartments": [{"temperature_class": "chilled", "capacity_kg": 1000, "capacity_pallets": 3}],
    })
    early = [{"weekday": d, "start": "06:30", "end": "06:45"} for d in range(7)]
    for external_id, name, lat in (("DP-N", "Norra skolans kök", 55.98), ("DP-S", "Södra förskolan", 55.70)):
        point = own.api("POST", "/delivery-points/", {
            "external_id": external_id, "name": name, "kind": "school_kitchen", "municipality_id": municipality["id"],
            "lat": lat, "lon": 13.303, "receiving_windows": early,
        })
        own.api("POST", "/orders/", {
            "external_id": f"{external_id}-1", "delivery_point_id": point["id"], "supplier_id": suppliers["S-1"],
            "requested_date": FLEET_DAY.isoformat(),
            "lines": [{"article": "Mjölk", "quantity": 20, "unit": "liter", "weight_kg": 21, "pallet_places": 0.1,
                       "temperature_class": "chilled"}],
        })
    return own


@pytest.fixture
def desk(new_page):
    return new_page(WIDE)


def test_stops_without_a_vehicle_come_with_the_vehicle_that_serves_them(desk, fleet_server):
    plan = plan_day(fleet_server.api, FLEET_DAY)
    assert [u["reason"] for u in plan["unassigned"]] == ["no_capacity_or_time_left"]

    page = desk
    login(page, fleet_server, "coord")
    page.get_by_test_id("plan-date").fill(FLEET_DAY.isoformat())
    card = page.get_by_test_id("fleet-advice")
    expect(card).to_be_visible()
    headline = page.get_by_test_id("fleet-headline")
    expect(headline).to_be_visible(timeout=60_000)
    # The cheaper electric truck, not in service that day, is the kind to add; it starts at 06:00.
    expect(headline).to_contain_text(
        "1 stopp utan fordon. Med ett fordon till av samma slag som Ellastbil 1 (från 06:00) körs alla stopp: +"
    )
    expect(headline).to_contain_text(" km och ")
    expect(headline).to_contain_text(" kr för dagen.")
    # The stop that needs the second vehicle, with its window.
    binding = page.get_by_test_id("fleet-binding")
    expect(binding).to_contain_text("Stoppen som kräver fordon nummer 2 (de blir kvar med 1 fordon):")
    expect(binding).to_contain_text("06:30–06:45")
    assert ("Norra skolans kök" in binding.inner_text()) != ("Södra förskolan" in binding.inner_text())
    rows = page.get_by_test_id("fleet-option")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("1 fordon (i dag)")
    expect(rows.nth(1)).to_contain_text("2 fordon (behövs)")
    expect(rows.nth(2)).to_contain_text("3 fordon (2 kör)")  # the third stays at the terminal
    expect(page.locator("[data-testid=fleet-option][data-size='1'] td").first).to_have_text("1")
    expect(page.locator("[data-testid=fleet-option][data-size='2'] td").first).to_have_text("0")
    expect(card).to_contain_text("Räknat med standardtiderna")

    # The advice is kept for the plan version: a reload shows it at once, without a new run.
    advice = fleet_server.api("GET", f"/planning/fleet-advice?date={FLEET_DAY.isoformat()}")
    assert advice["status"] == "succeeded" and advice["plan_id"] == plan["id"]
    page.get_by_test_id("lang-en").click()
    expect(headline).to_contain_text("One stop without a vehicle. With one more vehicle like Ellastbil 1 (from 06:00)")
    page.get_by_test_id("lang-sv").click()
    expect(headline).to_contain_text("1 stopp utan fordon.")
    assert fleet_server.api("GET", f"/planning/fleet-advice?date={FLEET_DAY.isoformat()}")["id"] == advice["id"]

    page.wait_for_timeout(500)  # the map settles its size
    card.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120)")
    page.wait_for_function("window.scrollY > 0")
    page.wait_for_timeout(300)
    save_screenshot(page, "fleet-advice-desktop.png")


def test_the_advice_fits_a_phone(new_page, fleet_server):
    try:
        fleet_server.api("GET", f"/plans/current?date={FLEET_DAY.isoformat()}")
    except AssertionError:  # run alone: the desktop test has not planned the day
        plan_day(fleet_server.api, FLEET_DAY)
    page = new_page(PHONE, phone=True)
    login(page, fleet_server, "coord")
    page.get_by_test_id("plan-date").fill(FLEET_DAY.isoformat())
    expect(page.get_by_test_id("fleet-headline")).to_be_visible(timeout=60_000)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    # What sticks out, to read in the failure.
    wide = page.evaluate("""[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className).slice(0, 12)""")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width} {wide}"
    page.get_by_test_id("fleet-advice").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    save_screenshot(page, "fleet-advice-phone.png")
