"""The producer view in headless Chromium against a real Flask server: a farmer books a pickup
slot (the API's errors shown next to the fields first), the coordinator plans that day, and the
farmer sees the confirmed pickup time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import login, save_screenshot
from .test_kitchen import (
    TIMEZONE,
    PortalServer,
    context,  # noqa: F401 (the Swedish phone)
    copy_server,
    equip_vehicle,
    line,
    plan,
)

pytestmark = pytest.mark.e2e



@pytest.fixture
def producer_server(server, tmp_path_factory) -> Iterator[PortalServer]:
    """Slots: a farm pickup in three days (09-12, 1000 kg, 2 pallets), a terminal drop-off in four."""
    own = copy_server(server, tmp_path_factory)
    equip_vehicle(own)
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    pickup_day, dropoff_day = today + timedelta(days=3), today + timedelta(days=4)
    [terminal] = own.api("GET", "/terminals/")
    own.api(
        "POST",
        "/slot-templates/",
        {
            "terminal_id": terminal["id"],
            "name": "Gårdshämtning",
            "kind": "farm_pickup",
            "weekday": pickup_day.weekday(),
            "start": "09:00",
            "end": "12:00",
            "capacity_kg": 1000,
            "capacity_pallets": 2,
            "cutoff_days_before": 1,
            "cutoff_time": "14:00",
        },
    )
    own.api(
        "POST",
        "/slot-templates/",
        {
            "terminal_id": terminal["id"],
            "name": "Terminal morgon",
            "kind": "terminal_dropoff",
            "weekday": dropoff_day.weekday(),
            "start": "06:00",
            "end": "08:00",
            "capacity_kg": 3000,
            "capacity_pallets": 8,
            "cutoff_days_before": 1,
            "cutoff_time": "14:00",
        },
    )
    # A delivery the same day, so the truck is out anyway (Ljungbacka has no receiving windows).
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "P-1",
            "delivery_point_id": points["DP-2"]["id"],
            "supplier_id": suppliers["S-1"]["id"],
            "requested_date": pickup_day.isoformat(),
            "lines": [line("Mjölk 1,5 %", 20, "liter", 21, "chilled")],
        },
    )
    own.pickup_day = pickup_day  # type: ignore[attr-defined]
    yield own
    own.stop()


def test_producer_books_a_slot_and_sees_it_confirmed_after_planning(page, producer_server):
    server = producer_server
    day: date = server.pickup_day
    login(page, server, "agarden")
    expect(page.get_by_test_id("tab-slots")).to_have_attribute("aria-selected", "true")
    slot = page.locator(f"[data-testid=slot][data-date='{day.isoformat()}'][data-kind=farm_pickup]")
    expect(slot).to_contain_text("Hämtas på gården")
    expect(slot).to_contain_text("09:00–12:00")
    expect(slot.get_by_test_id("slot-free")).to_have_text("Ledigt: 1 000 kg, 2 pallplatser")
    expect(page.locator("[data-testid=slot][data-kind=terminal_dropoff]").first).to_contain_text(
        "Lämnas på terminalen"
    )
    slot.get_by_test_id("slot-book").click()

    form = page.get_by_test_id("booking-form")
    form.get_by_test_id("booking-submit").click()  # nothing filled in
    expect(form.get_by_test_id("error-kg")).to_be_visible()
    form.get_by_test_id("bk-kg").fill("5000")  # more than is free: the API says so
    form.get_by_test_id("bk-pallets").fill("1")
    form.get_by_test_id("booking-submit").click()
    expect(form.get_by_test_id("form-error")).to_have_text(
        "Det finns inte plats kvar i tidsluckan: 1\u00a0000 kg och 2 pallplatser är lediga."
    )
    expect(form.get_by_test_id("error-kg")).to_have_text("Mer än det som är ledigt (1\u00a0000 kg).")

    form.get_by_test_id("bk-kg").fill("300")
    form.get_by_test_id("bk-refs").fill("O-3, O-9")
    form.get_by_test_id("bk-note").fill("Potatis i säck, 12 st")
    form.get_by_test_id("booking-submit").click()

    booking = page.get_by_test_id("booking")
    expect(page.get_by_test_id("flash")).to_contain_text("Bokat!")
    expect(booking).to_have_count(1)
    expect(booking.get_by_test_id("booking-status")).to_have_text("Bokad")
    expect(booking).to_contain_text("Beställningar: O-3, O-9")
    expect(booking.get_by_test_id("not-confirmed")).to_be_visible()
    expect(booking.get_by_test_id("booking-edit")).to_be_enabled()

    # The coordinator plans the day; the farmer looks again.
    plan(server, day.isoformat())
    [stored] = server.api("GET", "/producer/bookings")
    assert stored["confirmed_time"], stored
    page.get_by_test_id("refresh").click()
    expect(booking.get_by_test_id("booking-status")).to_have_text("Bekräftad")
    shown = page.evaluate(
        "iso => new Intl.DateTimeFormat('sv-SE', {hour: '2-digit', minute: '2-digit'}).format(new Date(iso))",
        stored["confirmed_time"],
    )
    expect(booking.get_by_test_id("confirmed-time")).to_have_text(f"Bilen kommer ca {shown}")
    local = datetime.fromisoformat(stored["confirmed_time"]).astimezone(ZoneInfo(TIMEZONE))
    assert 9 <= local.hour < 12, local
    page.evaluate("window.scrollTo(0, document.querySelector('.producer').offsetTop)")
    save_screenshot(page, "producer-phone.png")
