"""The driver app in headless Chromium against a real Flask server: the route offline, a proof
of delivery recorded with the server stopped and stored exactly once after it comes back, and
a route change pushed live over the /driver socket (see conftest.py for the servers)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import Server, login, save_screenshot

pytestmark = pytest.mark.e2e

TIMEZONE = "Europe/Stockholm"


def today() -> str:
    """The server's "today" (its TIMEZONE), which is the day the driver API serves."""
    return datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()


def _line(article, quantity, unit, kg, temperature):
    return {
        "article": article,
        "quantity": quantity,
        "unit": unit,
        "weight_kg": kg,
        "pallet_places": 0.1,
        "temperature_class": temperature,
    }


def _plan(server: Server, day: str) -> None:
    job = server.api("POST", "/planning/jobs", {"date": day, "time_limit_s": 1, "fresh": True})
    deadline = time.monotonic() + 60
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = server.api("GET", f"/planning/jobs/{job['id']}")
    assert job["status"] == "succeeded", job.get("message")


@pytest.fixture
def driver_server(server, tmp_path_factory) -> Iterator[Server]:
    """A copy of the seeded server where `forare` drives Lastbil 1 on a planned today.

    Today has one delivery (Bergaskolan kök: frozen, chilled and ambient lines). Re-plans
    are quick (1 s) and an arrival late against the plan does not start one.
    """
    instance = tmp_path_factory.mktemp("instance")
    shutil.copytree(
        server.instance, instance, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log")
    )
    own = Server(
        instance=instance,
        token=server.token,
        extra_env={
            "TIMEZONE": TIMEZONE,
            "PLANNING_TIME_LIMIT_S": "1",
            "REPLAN_WHEN_LATE_MIN": "100000",
        },
    )
    own.start()
    driver = next(u for u in own.api("GET", "/users/") if u["username"] == "forare")
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    own.api(
        "PATCH",
        f"/vehicles/{vehicle['id']}",
        {
            "driver_id": driver["id"],
            "compartments": [
                {"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8}
                for t in ("frozen", "chilled", "ambient")
            ],
        },
    )
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    day = today()
    for order in own.api("GET", f"/orders/?date={day}"):
        own.api("DELETE", f"/orders/{order['id']}")
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "D-1",
            "delivery_point_id": points["DP-1"]["id"],
            "supplier_id": suppliers["S-1"]["id"],
            "requested_date": day,
            "lines": [
                _line("Fiskpinnar", 10, "kartong", 50, "frozen"),
                _line("Mjölk 1,5 %", 40, "liter", 41, "chilled"),
                _line("Vetemjöl", 5, "säck", 25, "ambient"),
            ],
        },
    )
    _plan(own, day)
    own.points = points  # type: ignore[attr-defined]
    own.suppliers = suppliers  # type: ignore[attr-defined]
    yield own
    own.stop()


def _open_route(page, server: Server) -> None:
    login(page, server, "forare")
    expect(page.get_by_role("heading", name="Dagens rutt")).to_be_visible()
    expect(page.get_by_test_id("stop")).to_have_count(1)
    expect(page.get_by_test_id("stop").first).to_contain_text("Bergaskolan kök")
    expect(page.get_by_test_id("live")).to_have_text("Live", timeout=15_000)


def _draw_signature(page) -> None:
    canvas = page.get_by_test_id("signature")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 30, y + 20)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 30 + step * 22, y + 20 - (step % 3) * 25, steps=2)
    page.mouse.up()


def test_proof_recorded_offline_is_stored_once_after_the_server_returns(
    page, driver_server, artifacts
):
    server = driver_server
    _open_route(page, server)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # The list, then the map (no tiles load in the test: markers on a plain background).
    page.get_by_test_id("tab-map").click()
    expect(page.get_by_test_id("map-stop")).to_have_count(1, timeout=15_000)
    page.get_by_test_id("tab-list").click()

    server.stop()  # no network from here on: the server process is gone

    page.get_by_test_id("stop").first.click()
    detail = page.get_by_test_id("stop-detail")
    expect(detail).to_contain_text("06:30–10:30")
    expect(detail).to_contain_text("Bergagatan 1, Eslöv")
    expect(detail).to_contain_text("Köksingången")
    for label in ("Fryst", "Kylt", "Torrt"):
        expect(detail.locator(".temp-label", has_text=label)).to_be_visible()
    navigate = page.get_by_test_id("navigate")
    expect(navigate).to_have_attribute("href", "https://www.google.com/maps/dir/?api=1&destination=55.84,13.31")

    page.get_by_test_id("arrive").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 väntar på att skickas")
    expect(page.get_by_test_id("stop-status")).to_have_text("Framme")

    page.get_by_test_id("deliver").click()
    form = page.get_by_test_id("proof-form")
    expect(form).to_be_visible()
    form.get_by_test_id("proof-submit").click()  # nothing filled in: told what is missing
    expect(page.locator("#proof-receiver-error")).to_be_visible()
    expect(page.locator("#proof-signature-error")).to_be_visible()

    page.get_by_test_id("receiver").fill("Kim Köksson")
    lines = form.get_by_test_id("proof-line")
    expect(lines).to_have_count(3)
    frozen = form.locator("[data-temperature=frozen] [data-testid=proof-line]")
    frozen.locator("input[id^=temp-]").fill("-19.5")
    form.locator("[data-temperature=chilled] input[id^=temp-]").fill("4")
    form.locator("[data-temperature=ambient] input[id^=qty-]").fill("4")  # one sack short
    form.get_by_test_id("returns-crates").get_by_role("button", name="Backar +1").click()
    form.get_by_test_id("returns-crates").get_by_role("button", name="Backar +1").click()
    expect(form.get_by_test_id("returns-crates-value")).to_have_text("2")
    _draw_signature(page)
    form.get_by_test_id("proof-submit").click()

    expect(page.get_by_test_id("flash")).to_contain_text("Kvittensen är sparad")
    expect(page.get_by_test_id("stop-status")).to_have_text("Klar")
    expect(page.get_by_test_id("pending-count")).to_have_text("2 väntar på att skickas")
    expect(page.get_by_test_id("offline")).to_be_visible()
    page.get_by_test_id("stop-detail").evaluate("el => el.scrollIntoView()")
    save_screenshot(page, "driver-stop-phone.png")

    # Closed and reopened with the server still down: the service worker starts the app,
    # IndexedDB has the route, the stop's status and the outbox.
    page.reload()
    expect(page.get_by_test_id("stop-detail")).to_contain_text("Bergaskolan kök", timeout=15_000)
    expect(page.get_by_test_id("stop-status")).to_have_text("Klar")
    expect(page.get_by_test_id("pending-count")).to_have_text("2 väntar på att skickas")
    page.get_by_test_id("back").click()
    expect(page.get_by_test_id("stop")).to_have_count(1)

    server.start()  # same database, same port
    expect(page.get_by_test_id("all-sent")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("pending-count")).to_have_count(0)
    expect(page.get_by_test_id("live")).to_have_text("Live", timeout=20_000)

    proofs = server.api("GET", f"/proofs/?date={today()}")
    assert len(proofs) == 1, proofs
    [proof] = proofs
    assert proof["receiver_name"] == "Kim Köksson"
    assert proof["kind"] == "deliver" and proof["has_signature"] and not proof["flagged"]
    assert proof["crates_returned"] == 2
    by_article = {line["article"]: line for line in proof["lines"]}
    assert by_article["Fiskpinnar"]["temperature_c"] == -19.5
    assert by_article["Mjölk 1,5 %"]["temperature_c"] == 4
    assert by_article["Vetemjöl"]["delivered_quantity"] == 4
    assert by_article["Vetemjöl"]["deviation"] == "missing"

    # Reloading after the drain sends nothing again.
    page.reload()
    expect(page.get_by_test_id("stop-status")).to_have_text("Klar")
    expect(page.get_by_test_id("all-sent")).to_be_visible()
    assert len(server.api("GET", f"/proofs/?date={today()}")) == 1


def test_route_change_appears_live_without_reload(page, driver_server):
    server = driver_server
    _open_route(page, server)

    # The coordinator adds an order for another kitchen today: the day is re-planned.
    server.api(
        "POST",
        "/orders/",
        {
            "external_id": "D-2",
            "delivery_point_id": server.points["DP-2"]["id"],  # type: ignore[attr-defined]
            "supplier_id": server.suppliers["S-2"]["id"],  # type: ignore[attr-defined]
            "requested_date": today(),
            "lines": [_line("Potatis", 4, "säck", 100, "ambient")],
        },
    )

    banner = page.get_by_test_id("route-change")
    expect(banner).to_contain_text("Rutten ändrad: 1 stopp tillagt", timeout=30_000)
    expect(banner).to_contain_text("Ljungbacka äldreboende")
    expect(page.get_by_test_id("stop")).to_have_count(2)
    expect(page.get_by_test_id("stop").filter(has_text="Ljungbacka äldreboende")).to_be_visible()
    page.get_by_test_id("route-change-ok").click()
    expect(banner).to_have_count(0)
