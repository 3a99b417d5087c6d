"""The driver app in headless Chromium against a real Flask server: the route offline, a proof
of delivery recorded with the server stopped and stored exactly once after it comes back, and
a route change pushed live over the /driver socket (see conftest.py for the servers)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day, wait_until

from .conftest import PASSWORD, PHONE, Server, login, save_screenshot

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


@pytest.fixture
def driver_server(server_copy) -> Server:
    """A copy of the seeded server where `forare` drives Lastbil 1 on a planned today.

    Today has one delivery (Bergaskolan kök: frozen, chilled and ambient lines). Re-plans
    are quick (1 s) and an arrival late against the plan does not start one.
    """
    own = server_copy(
        extra_env={"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"}
    )
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
    plan_day(own.api, day, fresh=True)
    own.points = points  # type: ignore[attr-defined]
    own.suppliers = suppliers  # type: ignore[attr-defined]
    return own


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
    # Offline banner, records waiting and the "saved" note on top: Deliver is still on screen.
    expect(page.get_by_test_id("offline")).to_be_visible()
    expect(page.get_by_test_id("flash")).to_be_visible()
    save_screenshot(page, "driver-stop-offline-phone.png")
    box = page.get_by_test_id("deliver").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box

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

    expect(page.get_by_test_id("proof-state")).to_contain_text("Kvittensen är sparad på telefonen")
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
    page.get_by_test_id("stop").first.click()  # the stop now says the server has the proof
    expect(page.get_by_test_id("proof-state")).to_contain_text("Servern tog emot den")

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
    assert by_article["Vetemjöl"]["deviation"] is None  # one short, no code chosen: none made up

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
    expect(banner).to_contain_text("Nytt: Ljungbacka äldreboende")
    expect(page.get_by_test_id("stop")).to_have_count(2)
    expect(page.get_by_test_id("stop").filter(has_text="Ljungbacka äldreboende")).to_be_visible()
    _fits_the_phone(page, "route change")
    save_screenshot(page, "driver-route-change-phone.png")
    page.get_by_test_id("route-change-ok").click()
    expect(banner).to_have_count(0)


# A raw code on screen: snake_case (nobody_there, school_kitchen) or a job key (dp:12).
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:dp|sup|pu):\d+")


def _fits_the_phone(page, where: str) -> None:
    """No sideways scrolling, no raw code on the screen, every button at least 48 px high."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] == widths[1] == PHONE["width"], (where, widths)
    text = page.locator("body").inner_text()
    assert not RAW_CODE.findall(text), (where, RAW_CODE.findall(text))
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, a.button, label.button, input:not([type=file])')]
            .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 48)
            .map((el) => el.textContent.trim() || el.id)"""
    )
    assert small == [], (where, small)


def _planned_arrival(server: Server) -> datetime:
    token = server.api("POST", "/auth/login", {"username": "forare", "password": PASSWORD})["token"]
    [route] = server.api("GET", "/driver/routes", token=token)
    [stop] = route["stops"]
    assert route["trip"] == 0, route["trip"]  # the planner's first trip; people read "tur 1"
    return datetime.fromisoformat(stop["planned_arrival"])


def _positions(server: Server) -> int:
    with sqlite3.connect(server.instance / "samlast.db") as db:
        return db.execute("SELECT count(*) FROM vehicle_position").fetchone()[0]


def test_a_stop_on_a_phone_online_from_the_list_to_what_was_handed_over(
    page, context, driver_server, artifacts
):
    server = driver_server
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": 55.84, "longitude": 13.31, "accuracy": 10})
    planned = _planned_arrival(server)
    local = planned.astimezone(ZoneInfo(TIMEZONE)).strftime("%H:%M")
    utc = planned.astimezone(ZoneInfo("UTC")).strftime("%H:%M")
    assert local != utc
    # A Content-Security-Policy that blocks something (a script, a style, the live socket,
    # a map marker) breaks the page silently: Chromium only says so in the console.
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))

    _open_route(page, server)

    # The list: the trip counted from 1, every time labelled and in the cluster's zone.
    expect(page.get_by_test_id("route-title")).to_have_text("Lastbil 1, tur 1")
    times = page.get_by_test_id("stop").first.get_by_test_id("stop-times")
    expect(times).to_have_text(f"Planerad {local} · Fönster 06:30–10:30")
    expect(page.get_by_test_id("route-summary")).to_contain_text("Start ")
    expect(page.get_by_test_id("route-summary")).to_contain_text("0 av 1 klara")
    # Not under way yet: the position is not shared, and the screen says so.
    expect(page.get_by_test_id("sharing")).to_have_text("Position delas inte")
    _fits_the_phone(page, "list")
    save_screenshot(page, "driver-list-phone.png")
    page.get_by_test_id("tab-map").click()
    expect(page.get_by_test_id("map-stop")).to_have_count(1, timeout=15_000)
    _fits_the_phone(page, "map")
    save_screenshot(page, "driver-map-phone.png")
    assert blocked == []
    page.get_by_test_id("tab-list").click()

    # The stop: Arrive and Deliver on the first screen of a 390 × 844 phone, no scrolling.
    page.get_by_test_id("stop").first.click()
    detail = page.get_by_test_id("stop-detail")
    expect(detail.get_by_test_id("stop-times")).to_have_text(
        f"Planerad ankomst {local} · Fönster 06:30–10:30"
    )
    expect(detail).not_to_contain_text(f"Planerad ankomst {utc}")
    expect(detail).to_contain_text("Leverans · Lastbil 1, tur 1")
    assert page.evaluate("window.scrollY") == 0
    for button in ("arrive", "deliver"):
        box = page.get_by_test_id(button).bounding_box()
        assert box is not None and box["y"] >= 0, (button, box)
        assert box["y"] + box["height"] <= PHONE["height"], (button, box)
    expect(detail.get_by_test_id("goods-title")).to_have_text("Att lämna")
    _fits_the_phone(page, "stop")
    save_screenshot(page, "driver-stop-before-phone.png")

    page.get_by_test_id("arrive").click()
    expect(page.get_by_test_id("sharing")).to_have_text("Position delas")
    # What the indicator says is true: the server gets positions.
    wait_until(lambda: _positions(server), 20, "a position to reach the server", interval_s=0.3)

    # The proof: numbers with a decimal comma, hints that cannot be taken for values.
    page.get_by_test_id("deliver").click()
    form = page.get_by_test_id("proof-form")
    expect(form).to_be_visible()
    _fits_the_phone(page, "proof")
    frozen = form.locator("[data-temperature=frozen]")
    chilled = form.locator("[data-temperature=chilled]")
    ambient = form.locator("[data-temperature=ambient]")
    for field in (frozen.locator("input[id^=temp-]"), chilled.locator("input[id^=qty-]")):
        expect(field).to_have_attribute("type", "text")
        expect(field).to_have_attribute("inputmode", "decimal")
    temperature = frozen.locator("input[id^=temp-]")
    assert temperature.get_attribute("placeholder") is None
    expect(temperature).to_have_value("")
    expect(frozen.locator(".field-hint")).to_have_text("t.ex. −18")
    save_screenshot(page, "driver-proof-phone.png")

    page.get_by_test_id("receiver").fill("Kim Köksson")
    quantity = ambient.locator("input[id^=qty-]")
    quantity.fill("fyra")
    quantity.blur()
    refused = ambient.locator(".field-error")
    expect(refused).to_have_text("”fyra” är inte ett antal. Skriv med siffror, t.ex. 4 eller 0,5.")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    quantity.fill("4")  # one sack short
    quantity.blur()
    expect(refused).to_have_count(0)
    temperature.fill("−18,5")
    chilled.locator("input[id^=temp-]").fill("4,5")
    chilled.locator("input[id^=qty-]").fill("0,5")
    _draw_signature(page)
    form.get_by_test_id("proof-submit").click()

    # Online: the stop says the server has the proof, not only that the phone kept it.
    state = page.get_by_test_id("proof-state")
    expect(state).to_contain_text("Kvittensen är skickad. Servern tog emot den", timeout=20_000)
    expect(page.get_by_test_id("all-sent")).to_be_visible()
    expect(page.get_by_test_id("stop-status")).to_have_text("Klar")

    # What was handed over, not what was to be handed over.
    detail = page.get_by_test_id("stop-detail")
    expect(detail.get_by_test_id("goods-title")).to_have_text("Lämnat")
    flour = detail.get_by_test_id("handed-line").filter(has_text="Vetemjöl")
    expect(flour.get_by_test_id("handed-qty")).to_have_text("4 säck")
    expect(flour).to_contain_text("beställt 5 säck · 1 säck saknas")
    milk = detail.get_by_test_id("handed-line").filter(has_text="Mjölk")
    expect(milk.get_by_test_id("handed-qty")).to_have_text("0,5 liter")
    expect(milk).to_contain_text("39,5 liter saknas")
    fish = detail.get_by_test_id("handed-line").filter(has_text="Fiskpinnar")
    expect(fish.get_by_test_id("handed-qty")).to_have_text("10 kartong")
    expect(fish).not_to_contain_text("beställt")
    _fits_the_phone(page, "stop after the proof")
    detail.get_by_test_id("goods-title").scroll_into_view_if_needed()
    save_screenshot(page, "driver-after-proof-phone.png")

    [proof] = server.api("GET", f"/proofs/?date={today()}")
    by_article = {line["article"]: line for line in proof["lines"]}
    assert by_article["Mjölk 1,5 %"]["delivered_quantity"] == 0.5
    assert by_article["Mjölk 1,5 %"]["temperature_c"] == 4.5
    assert by_article["Fiskpinnar"]["temperature_c"] == -18.5
    assert by_article["Vetemjöl"]["delivered_quantity"] == 4

    # Still there after a reload (the phone keeps what it sent).
    page.reload()
    expect(page.get_by_test_id("handed-line").filter(has_text="Vetemjöl")).to_contain_text("1 säck saknas")
    # The last stop is done: the route is no longer under way and the position no longer shared.
    expect(page.get_by_test_id("sharing")).to_have_text("Position delas inte")

    # In English, the same screen in English words.
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("stop-times")).to_have_text(
        f"Planned arrival {local} · Window 06:30–10:30"
    )
    expect(page.get_by_test_id("goods-title")).to_have_text("Handed over")
    expect(page.get_by_test_id("sharing")).to_have_text("Position not shared")
    _fits_the_phone(page, "stop in English")
    page.get_by_test_id("lang-sv").click()

    # Leaving: said on the route list, where the driver lands, and not on the next stop opened.
    page.get_by_test_id("leave").click()
    expect(page.get_by_test_id("flash")).to_have_text("Avfärd från Bergaskolan kök sparad.")
    expect(page.get_by_test_id("stop").first.get_by_test_id("stop-status")).to_have_text("Klar")
    page.get_by_test_id("stop").first.click()
    expect(page.get_by_test_id("stop-detail")).to_be_visible()
    expect(page.get_by_test_id("flash")).to_have_count(0)


def test_a_proof_the_server_keeps_failing_is_set_aside_and_the_next_stops_proofs_arrive(page, driver_server):
    """The server answers one stop's proof with 500 every time: the proofs of the next stops still
    arrive at once, and after a few tries the app sets the failing one aside and shows it."""
    server = driver_server
    points = server.points  # type: ignore[attr-defined]
    day = today()
    for number, (lat, lon) in enumerate(((55.845, 13.32), (55.85, 13.33)), start=2):
        point = server.api("POST", "/delivery-points/", {
            "external_id": f"DP-P{number}", "name": f"Poängskolan {number}", "kind": "school_kitchen",
            "municipality_id": points["DP-1"]["municipality_id"], "lat": lat, "lon": lon,
        })  # fmt: skip
        server.api("POST", "/orders/", {
            "external_id": f"D-P{number}", "delivery_point_id": point["id"],
            "supplier_id": server.suppliers["S-1"]["id"], "requested_date": day,  # type: ignore[attr-defined]
            "lines": [_line("Knäckebröd", 2, "kartong", 6, "ambient")],
        })  # fmt: skip
    plan_day(server.api, day, fresh=True)
    page.clock.install()  # the app's back-off timers are fast-forwarded below
    login(page, server, "forare")
    expect(page.get_by_test_id("stop")).to_have_count(3)
    poisoned, failed = "Bergaskolan kök", []

    def answer(route):
        body = route.request.post_data_json or {}
        if body.get("kind") == "deliver" and body.get("job_key") == f"dp:{points['DP-1']['id']}":
            failed.append(body["client_id"])
            route.fulfill(status=500, content_type="application/json", body=json.dumps(
                {"error": {"code": "internal_error", "params": {}, "fields": {},
                           "message": "Ett fel uppstod på servern. Inget av det du skickade har ändrats; försök igen."}}
            ))  # fmt: skip
        else:
            route.continue_()

    page.route("**/api/v1/driver/events", answer)
    for i in range(3):
        page.get_by_test_id("stop").nth(i).click()
        page.get_by_test_id("deliver").click()
        page.get_by_test_id("receiver").fill("Kim Köksson")
        _draw_signature(page)
        page.get_by_test_id("proof-form").get_by_test_id("proof-submit").click()
        expect(page.get_by_test_id("stop-status")).to_have_text("Klar")
        page.get_by_test_id("back").click()

    def delivered() -> set[int]:
        return {p["delivery_point_id"] for p in server.api("GET", f"/proofs/?date={day}")}

    # The two proofs behind the failing one are on the server without waiting for it (the page's
    # route handler runs while the page waits, not during time.sleep).
    wait_until(delivered, 20, "two proofs on the server", interval_s=0.2, until=lambda found: len(found) >= 2,
               sleep=lambda s: page.wait_for_timeout(s * 1000))  # fmt: skip
    assert points["DP-1"]["id"] not in delivered() and len(delivered()) == 2

    # The failing proof is tried again with back-off, then set aside and shown; nothing is lost.
    def a_minute_later(_: float) -> None:
        page.clock.fast_forward(61_000)
        page.wait_for_timeout(400)

    wait_until(lambda: page.get_by_test_id("parked").count(), 20, "the failing proof to be set aside",
               sleep=a_minute_later)  # fmt: skip
    aside = page.get_by_test_id("parked")
    expect(aside).to_have_count(1)
    expect(aside).to_contain_text(f"Servern tog inte emot: Leverans · {poisoned}")
    expect(aside).to_contain_text("Ett fel uppstod på servern")
    assert len(failed) == 8 and len(set(failed)) == 1  # the same record (client id) each time

    # The server is mended: "Skicka igen" sends the same record, stored once.
    page.unroute("**/api/v1/driver/events")
    aside.get_by_role("button", name="Skicka igen").click()
    expect(page.get_by_test_id("parked")).to_have_count(0)
    expect(page.get_by_test_id("all-sent")).to_be_visible(timeout=15_000)
    assert points["DP-1"]["id"] in delivered() and len(server.api("GET", f"/proofs/?date={day}")) == 3
