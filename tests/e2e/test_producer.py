"""The producer view in headless Chromium (a phone whose clock is in UTC) against a real Flask
server: a farmer books a pickup slot, picking the farm's orders of that day from a list by the
delivery points' names; too many pallet places are refused next to the pallets field, before
sending and by the server; changing the booking shows what is free for it; the coordinator plans
that day and the farmer sees the confirmed pickup time. Closed slots say so, and why, to a
screen reader."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day

from .conftest import Server, login, save_screenshot
from .test_kitchen import PORTAL_ENV, TIMEZONE, equip_vehicle, line

pytestmark = pytest.mark.e2e


def _template(server, terminal_id: int, name: str, kind: str, day: date, start: str, end: str, kg: float,
              pallets: float, cutoff_days_before: int = 1, cutoff_time: str = "14:00") -> dict:
    return server.api(
        "POST",
        "/slot-templates/",
        {
            "terminal_id": terminal_id,
            "name": name,
            "kind": kind,
            "weekday": day.weekday(),
            "start": start,
            "end": end,
            "capacity_kg": kg,
            "capacity_pallets": pallets,
            "cutoff_days_before": cutoff_days_before,
            "cutoff_time": cutoff_time,
        },
    )


def _order(server, ref: str, point_id: int, supplier_id: int, day: date, article: str, kg: float) -> None:
    server.api(
        "POST",
        "/orders/",
        {
            "external_id": ref,
            "delivery_point_id": point_id,
            "supplier_id": supplier_id,
            "requested_date": day.isoformat(),
            "lines": [line(article, 4, "säck", kg, "ambient")],
        },
    )


@pytest.fixture
def producer_server(server_copy) -> Server:
    """Slots: a farm pickup in three days (09-12, 1000 kg, 2 pallets), a terminal drop-off in four.
    That pickup day the farm has two orders (to Ljungbacka and to Bergaskolan) and the wholesaler one."""
    own = server_copy(extra_env=PORTAL_ENV)
    equip_vehicle(own)
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    pickup_day, dropoff_day = today + timedelta(days=3), today + timedelta(days=4)
    [terminal] = own.api("GET", "/terminals/")
    _template(own, terminal["id"], "Gårdshämtning", "farm_pickup", pickup_day, "09:00", "12:00", 1000, 2)
    _template(own, terminal["id"], "Terminal morgon", "terminal_dropoff", dropoff_day, "06:00", "08:00", 3000, 8)
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    # A delivery the same day, so the truck is out anyway (Ljungbacka has no receiving windows).
    _order(own, "P-1", points["DP-2"]["id"], suppliers["S-1"]["id"], pickup_day, "Mjölk 1,5 %", 21)
    _order(own, "F-7", points["DP-2"]["id"], suppliers["S-2"]["id"], pickup_day, "Potatis", 100)
    _order(own, "F-8", points["DP-1"]["id"], suppliers["S-2"]["id"], pickup_day, "Morötter", 60)
    own.pickup_day = pickup_day  # type: ignore[attr-defined]
    own.terminal_id = terminal["id"]  # type: ignore[attr-defined]
    own.supplier_ids = {key: s["id"] for key, s in suppliers.items()}  # type: ignore[attr-defined]
    return own


def test_producer_books_a_slot_and_sees_it_confirmed_after_planning(page, producer_server):
    server = producer_server
    day: date = server.pickup_day
    login(page, server, "agarden")
    expect(page.get_by_test_id("tab-slots")).to_have_attribute("aria-selected", "true")
    slot = page.locator(f"[data-testid=slot][data-date='{day.isoformat()}'][data-kind=farm_pickup]")
    expect(slot).to_contain_text("Hämtas på gården")
    expect(slot).to_contain_text("09:00–12:00")
    expect(slot.get_by_test_id("slot-free")).to_have_text("Ledigt: 1\u00a0000 kg, 2 pallplatser")
    expect(page.locator("[data-testid=slot][data-kind=terminal_dropoff]").first).to_contain_text(
        "Lämnas på terminalen"
    )
    template_id = int(slot.get_attribute("data-template-id"))
    slot.get_by_test_id("slot-book").click()

    form = page.get_by_test_id("booking-form")
    expect(form.get_by_test_id("form-free")).to_have_text("Ledigt: 1\u00a0000 kg, 2 pallplatser.")
    # The farm's own orders of that day, by the delivery points' names; not the wholesaler's.
    choices = form.get_by_test_id("order-choice")
    expect(choices).to_have_count(2)
    expect(choices.nth(0)).to_have_text("F-7 · Ljungbacka äldreboende · 100 kg")
    expect(choices.nth(1)).to_have_text("F-8 · Bergaskolan kök · 60 kg")
    expect(form.get_by_test_id("order-choices")).not_to_contain_text("P-1")
    expect(form.get_by_test_id("order-choices")).not_to_contain_text("nr")

    form.get_by_test_id("order-choices").scroll_into_view_if_needed()
    save_screenshot(page, "producer-book-phone.png")
    form.get_by_test_id("booking-submit").click()  # nothing filled in
    expect(form.get_by_test_id("error-kg")).to_have_text("Ange vikten i kg, mer än 0.")
    form.get_by_test_id("bk-kg").fill("5 kg")
    form.get_by_test_id("bk-pallets").fill("3")  # more than the 2 free places: said before sending
    form.get_by_test_id("booking-submit").click()
    expect(form.get_by_test_id("form-error")).to_have_text("Kontrollera de markerade fälten.")
    expect(form.get_by_test_id("error-kg")).to_have_text("”5 kg” är inte ett tal. Skriv till exempel 250 eller 0,5.")
    pallets_field = form.locator("[data-field=pallets]")
    expect(pallets_field.get_by_test_id("error-pallets")).to_have_text("Fler än de lediga pallplatserna (2).")
    expect(form.get_by_test_id("bk-pallets")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_test_id("bk-pallets")).to_have_attribute("aria-describedby", re.compile("pallets-error"))
    assert server.api("GET", "/producer/bookings") == []  # nothing was sent
    save_screenshot(page, "producer-form-errors-phone.png")

    # Another booking takes 1,5 of the 2 places meanwhile: the server refuses, next to the pallets.
    other = server.api("POST", "/producer/bookings", {
        "template_id": template_id, "date": day.isoformat(),
        "supplier_id": server.supplier_ids["S-1"], "kg": 200, "pallets": 1.5,
    })
    form.get_by_test_id("bk-kg").fill("300")
    form.get_by_test_id("bk-pallets").fill("1")
    form.get_by_test_id("booking-submit").click()
    expect(form.get_by_test_id("form-error")).to_have_text(
        "Det finns inte plats kvar i tidsluckan: 800 kg och 0,5 pallplatser är lediga."
    )
    expect(pallets_field.get_by_test_id("error-pallets")).to_have_text("Fler än de lediga pallplatserna (0,5).")
    expect(form.get_by_test_id("error-kg")).to_have_count(0)
    # What is free now, not what was free when the form opened.
    expect(form.get_by_test_id("form-free")).to_have_text("Ledigt: 800 kg, 0,5 pallplatser.")
    expect(form.get_by_test_id("hint-pallets")).to_have_text("Högst 0,5 pallplatser.")
    save_screenshot(page, "producer-slot-full-phone.png")
    server.api("DELETE", f"/producer/bookings/{other['id']}")

    form.get_by_test_id("bk-pallets").fill("0,5")
    choices.nth(1).click()  # F-8, to Bergaskolan
    form.get_by_test_id("bk-note").fill("Potatis i säck, 12 st")
    form.get_by_test_id("booking-submit").click()

    booking = page.get_by_test_id("booking")
    expect(page.get_by_test_id("flash")).to_contain_text("Bokat!")
    expect(booking).to_have_count(1)
    expect(booking.get_by_test_id("booking-status")).to_have_text("Bokad")
    expect(booking.get_by_test_id("booking-orders")).to_have_text("Beställningar: F-8 (Bergaskolan kök)")
    expect(booking).to_contain_text("Torrt · 300 kg · 0,5 pallplatser")
    expect(booking.get_by_test_id("not-confirmed")).to_be_visible()

    # Changing it: what the booking already holds counts as free for it.
    booking.get_by_test_id("booking-edit").click()
    form = page.get_by_test_id("booking-form")
    expect(form.get_by_test_id("form-free")).to_have_text(
        "Ledigt för den här bokningen: 1\u00a0000 kg, 2 pallplatser (det du redan har bokat är inräknat)."
    )
    expect(form.get_by_test_id("hint-pallets")).to_have_text("Högst 2 pallplatser.")
    expect(form.get_by_test_id("bk-kg")).to_have_value("300")
    expect(form.get_by_test_id("bk-pallets")).to_have_value("0,5")
    expect(form.locator("[data-testid=order-choice][data-ref=F-8] input")).to_be_checked()
    expect(form.locator("[data-testid=order-choice][data-ref=F-7] input")).not_to_be_checked()
    form.get_by_test_id("form-slot").scroll_into_view_if_needed()
    save_screenshot(page, "producer-change-phone.png")
    form.get_by_test_id("bk-pallets").fill("2,5")
    form.get_by_test_id("booking-submit").click()
    expect(form.get_by_test_id("error-pallets")).to_have_text("Fler än de lediga pallplatserna (2).")
    form.get_by_test_id("bk-pallets").fill("1,5")
    form.locator("[data-testid=order-choice][data-ref=F-7]").click()
    form.get_by_test_id("booking-submit").click()
    expect(page.get_by_test_id("flash")).to_have_text("Bokningen är ändrad.")
    expect(booking).to_contain_text("Torrt · 300 kg · 1,5 pallplatser")
    expect(booking.get_by_test_id("booking-orders")).to_have_text(
        "Beställningar: F-8 (Bergaskolan kök), F-7 (Ljungbacka äldreboende)"
    )

    # The orders tab names the delivery points too.
    page.get_by_test_id("tab-orders").click()
    orders = page.get_by_test_id("order")
    expect(orders.filter(has_text="F-7")).to_contain_text("Till Ljungbacka äldreboende")
    expect(orders.filter(has_text="F-8")).to_contain_text("Till Bergaskolan kök")
    expect(page.locator(".producer")).not_to_contain_text("nr ")
    orders.filter(has_text="F-7").scroll_into_view_if_needed()
    save_screenshot(page, "producer-orders-phone.png")
    page.get_by_test_id("tab-bookings").click()

    # The coordinator plans the day; the farmer looks again.
    plan_day(server.api, day, fresh=True)
    [stored] = [b for b in server.api("GET", "/producer/bookings") if b["status"] == "booked"]
    assert stored["confirmed_time"], stored
    page.get_by_test_id("refresh").click()
    expect(booking.get_by_test_id("booking-status")).to_have_text("Bekräftad")
    local = datetime.fromisoformat(stored["confirmed_time"]).astimezone(ZoneInfo(TIMEZONE))
    assert 9 <= local.hour < 12, local
    # In Sweden's time, although the phone's clock is in UTC.
    expect(booking.get_by_test_id("confirmed-time")).to_have_text(f"Bilen kommer ca {local:%H:%M}")
    page.evaluate("window.scrollTo(0, document.querySelector('.producer').offsetTop)")
    save_screenshot(page, "producer-phone.png")


def test_closed_slots_say_they_are_closed_and_why(page, producer_server):
    """Tomorrow's slot closed at midnight (the cut-off); the one in two days is full."""
    server = producer_server
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    tomorrow, in_two_days = today + timedelta(days=1), today + timedelta(days=2)
    _template(server, server.terminal_id, "Tidig hämtning", "farm_pickup", tomorrow, "08:00", "10:00", 500, 2,
              cutoff_time="00:00")
    full = _template(server, server.terminal_id, "Liten hämtning", "farm_pickup", in_two_days, "13:00", "15:00",
                     500, 1)
    server.api("POST", "/producer/bookings", {
        "template_id": full["id"], "date": in_two_days.isoformat(), "supplier_id": server.supplier_ids["S-1"],
        "kg": 100, "pallets": 1,
    })
    login(page, server, "agarden")
    late = page.locator(f"[data-testid=slot][data-date='{tomorrow.isoformat()}']")
    expect(late.get_by_test_id("slot-closed")).to_have_text(
        re.compile(r"^Stängd – sista tiden för bokning har passerat \(\S+ \d+ \S+ 00:00\)$")
    )
    button = late.get_by_test_id("slot-book")
    expect(button).to_have_text("Stängd")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_accessible_name(
        re.compile(r"^I morgon 08:00–10:00: stängd – sista tiden för bokning har passerat \(.+ 00:00\)$")
    )
    button.focus()  # still reachable by keyboard and screen reader
    expect(button).to_be_focused()
    expect(button).to_be_disabled()  # aria-disabled: no form opens
    button.click(force=True)
    expect(page.get_by_test_id("booking-form")).to_have_count(0)

    crowded = page.locator(f"[data-testid=slot][data-date='{in_two_days.isoformat()}']")
    expect(crowded.get_by_test_id("slot-closed")).to_have_text("Stängd – fullbokad, ingen plats kvar")
    expect(crowded.get_by_test_id("slot-book")).to_have_accessible_name(
        re.compile(r"^\S+ \d+ \S+ 13:00–15:00: stängd – fullbokad, ingen plats kvar$")
    )
    open_slot = page.locator(f"[data-testid=slot][data-date='{server.pickup_day.isoformat()}'][data-kind=farm_pickup]")
    expect(open_slot.get_by_test_id("slot-book")).to_have_accessible_name(re.compile(r"^Boka .+ 09:00–12:00$"))
    expect(open_slot.get_by_test_id("slot-closed")).to_have_count(0)
    late.scroll_into_view_if_needed()
    save_screenshot(page, "producer-closed-slots-phone.png")

    page.get_by_test_id("lang-en").click()
    expect(crowded.get_by_test_id("slot-closed")).to_have_text("Closed – fully booked, no room left")
    expect(late.get_by_test_id("slot-book")).to_have_accessible_name(
        re.compile(r"^Tomorrow 08:00–10:00: closed – the booking deadline has passed")
    )
