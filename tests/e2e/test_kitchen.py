"""The kitchen view in headless Chromium against a real Flask server: the expected arrival moves
live when the driver is late at the stop before, the "vehicle is near" notice, and receipt
confirmed with one missing line, which the coordinator then sees as a deviation; what the driver
left (with the driver's own deviation) before confirming, and what was received, by whom, after;
the coordinator handles a deviation with a note and undoes it. The phone's clock is in UTC
(conftest): every time shown must still be the cluster's."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day

from .conftest import PASSWORD, PHONE, Server, cluster_today, login, save_screenshot

pytestmark = pytest.mark.e2e

TIMEZONE = "Europe/Stockholm"


# The portals' servers (kitchen, producer): quick re-plans, and a late arrival does not start one
# (the ETA is what we watch).
PORTAL_ENV = {"TIMEZONE": TIMEZONE, "PLANNING_TIME_LIMIT_S": "1", "REPLAN_WHEN_LATE_MIN": "100000"}


@pytest.fixture
def context(browser):
    """A phone in Sweden with the server's time zone (the producer's tests use it)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        timezone_id=TIMEZONE,
        service_workers="allow",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone(new_page):
    """The kitchen's phone with its clock in UTC (as conftest's): every time shown must still be
    the cluster's."""
    return new_page(PHONE, phone=True, service_workers="allow")


def line(article, quantity, unit, kg, temperature):
    return {
        "article": article,
        "quantity": quantity,
        "unit": unit,
        "weight_kg": kg,
        "pallet_places": 0.1,
        "temperature_class": temperature,
    }


def equip_vehicle(server: Server) -> None:
    """Lastbil 1 gets all three compartments and `forare` as its driver."""
    driver = next(u for u in server.api("GET", "/users/") if u["username"] == "forare")
    vehicle = next(v for v in server.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    server.api(
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


def token_of(server: Server, username: str) -> str:
    return server.api("POST", "/auth/login", {"username": username, "password": PASSWORD}, token="")[
        "token"
    ]


@pytest.fixture
def kitchen_server(server_copy) -> Server:
    """Today: one route with two kitchens (no receiving windows, so any weekday works); the
    user `kok-andra` works at the route's second stop."""
    own = server_copy(extra_env=PORTAL_ENV)
    equip_vehicle(own)
    day = cluster_today().isoformat()
    for order in own.api("GET", f"/orders/?date={day}"):
        own.api("DELETE", f"/orders/{order['id']}")
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    # The kitchen must see exactly today's delivery: clear this point's orders on other days.
    for order in own.api("GET", f"/orders/?delivery_point_id={points['DP-2']['id']}"):
        own.api("DELETE", f"/orders/{order['id']}")
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    municipality = points["DP-2"]["municipality_id"]
    solgarden = own.api(
        "POST",
        "/delivery-points/",
        {
            "external_id": "DP-3",
            "name": "Solgårdens förskola",
            "kind": "preschool",
            "municipality_id": municipality,
            "address": "Solvägen 3, Eslöv",
            "lat": 55.83,
            "lon": 13.33,
        },
    )
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "K-1",
            "delivery_point_id": points["DP-2"]["id"],
            "supplier_id": suppliers["S-2"]["id"],
            "requested_date": day,
            "lines": [line("Potatis", 4, "säck", 100, "ambient")],
        },
    )
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "K-2",
            "delivery_point_id": solgarden["id"],
            "supplier_id": suppliers["S-1"]["id"],
            "requested_date": day,
            "lines": [
                line("Fiskpinnar", 10, "kartong", 50, "frozen"),
                line("Mjölk 1,5 %", 40, "liter", 41, "chilled"),
                line("Vetemjöl", 5, "säck", 25, "ambient"),
            ],
        },
    )
    plan_day(own.api, day, fresh=True)
    driver_token = token_of(own, "forare")
    [route] = own.api("GET", f"/driver/routes?date={day}", token=driver_token)
    stops = sorted(route["stops"], key=lambda s: s["sequence"])
    assert len(stops) == 2, stops
    second_point = int(stops[1]["job_key"].split(":")[1])
    own.api(
        "POST",
        "/users/",
        {
            "username": "kok-andra",
            "display_name": "Köket",
            "role": "recipient",
            "delivery_point_ids": [second_point],
            "password": PASSWORD,
        },
    )
    own.day = day  # type: ignore[attr-defined]
    own.stops = stops  # type: ignore[attr-defined]
    own.driver_token = driver_token  # type: ignore[attr-defined]
    return own


def driver_event(server, kind: str, stop: dict, at: datetime, proof: dict | None = None) -> dict:
    body = {
        "client_id": uuid.uuid4().hex,
        "kind": kind,
        "plan_date": server.day,
        "job_key": stop["job_key"],
        "stop_id": stop["id"],
        "recorded_at": at.isoformat(),
    }
    if proof is not None:
        body["proof"] = proof
    return server.api("POST", "/driver/events", body, token=server.driver_token)


def full_proof(stop: dict) -> dict:
    return {
        "receiver_name": "Kim Köksson",
        "lines": [
            {"order_line_id": ln["order_line_id"], "delivered_quantity": ln["quantity"]}
            for ln in stop["lines"]
        ],
    }


def clock(page, iso: str) -> str:
    """The time as the app shows it: the cluster's time zone (not the phone's UTC), Swedish style."""
    return page.evaluate(
        "([iso, zone]) => new Intl.DateTimeFormat('sv-SE', {hour: '2-digit', minute: '2-digit', timeZone: zone})"
        ".format(new Date(iso))",
        [iso, TIMEZONE],
    )


def test_kitchen_sees_eta_move_live_and_confirms_receipt_with_a_missing_line(phone, kitchen_server):
    server, page = kitchen_server, phone
    first, second = server.stops
    login(page, server, "kok-andra")
    delivery = page.get_by_test_id("delivery")
    expect(delivery).to_have_count(1)
    expect(page.locator(".day-label").first).to_have_text("I dag")
    expect(delivery.locator(".temp-label")).to_have_count(len({ln["temperature_class"] for ln in second["lines"]}))
    expect(page.get_by_test_id("live")).to_have_text("Live")
    expect(page.get_by_test_id("eta")).to_have_text(clock(page, second["planned_arrival"]))
    expect(page.get_by_test_id("delivery-status")).to_have_text("Planerad")

    # The driver arrives 25 minutes late at the stop before ours. The server times an arrival by
    # its own clock, not the phone's, so our ETA moves by how far the server's now is from the
    # planned arrival. Within minutes of it the move does not show on a clock in minutes (once in
    # CI the event came 33 s after the planned arrival, and both ETAs read 06:36): wait until it would.
    planned_first = datetime.fromisoformat(first["planned_arrival"])
    while abs((datetime.now(UTC) - planned_first).total_seconds()) < 180:
        time.sleep(5)
    late = planned_first + timedelta(minutes=25)
    driver_event(server, "arrive", first, late)
    kitchen_token = token_of(server, "kok-andra")
    [shown] = server.api("GET", "/recipient/deliveries", token=kitchen_token)
    assert shown["eta"] != shown["planned_arrival"], shown
    expect(page.get_by_test_id("eta")).to_have_text(clock(page, shown["eta"]))
    assert clock(page, shown["eta"]) != clock(page, second["planned_arrival"])

    # Done there: the vehicle is on its way to us.
    driver_event(server, "deliver", first, late + timedelta(minutes=10), full_proof(first))
    expect(page.get_by_test_id("vehicle-near")).to_contain_text("Bilen är på väg till er nu")
    page.get_by_test_id("delivery").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('.kitchen').offsetTop)")
    save_screenshot(page, "kitchen-phone.png")

    # Handed over here; the kitchen checks the goods and one line is missing.
    driver_event(server, "deliver", second, late + timedelta(minutes=40), full_proof(second))
    page.get_by_test_id("refresh").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Levererad")
    expect(page.get_by_test_id("receipt-pdf")).to_be_visible()
    page.get_by_test_id("confirm-open").click()
    form = page.get_by_test_id("confirm-form")
    form.get_by_test_id("report-deviation").click()
    form.get_by_test_id("confirm-submit").click()  # no name yet: told so
    expect(page.locator("#confirm-name-error")).to_be_visible()
    form.get_by_test_id("confirm-name").fill("Alva Andersson")
    missing = second["lines"][0]
    row = form.locator(f"[data-order-line-id='{missing['order_line_id']}']")
    row.locator("select").select_option("missing")
    expect(row.locator("input[id^=recv-]")).to_have_value("0")
    row.locator("input[id^=note-]").fill("Kartongen kom inte")
    form.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("confirmed")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("pending-count")).to_have_count(0)

    deviations = server.api("GET", "/deviations/")
    mine = [d for d in deviations if d["order_line_id"] == missing["order_line_id"]]
    assert len(mine) == 1, deviations
    assert mine[0]["article"] == missing["article"] and mine[0]["kitchen_code"] == "missing"
    assert "Köket: Saknas" in mine[0]["description"] and "missing" not in mine[0]["description"]
    assert not [d for d in deviations if d["order_line_id"] in {ln["order_line_id"] for ln in second["lines"][1:]}]

    # The name is offered next time on this shared device; the history lists the delivery.
    page.get_by_test_id("tab-history").click()
    expect(page.get_by_test_id("line-box")).to_have_count(len(second["lines"]))
    expect(page.get_by_test_id("history-csv")).to_be_visible()
    assert page.evaluate("JSON.parse(localStorage.getItem('samlast.kitchen.names'))") == ["Alva Andersson"]


def line_box(scope, article: str):
    return scope.locator(f"[data-testid=line-box][data-article='{article}']")


def test_kitchen_sees_what_was_left_then_what_it_received_each_side_as_reported(phone, kitchen_server):
    """The driver leaves 2 less of the first line, as "damaged"; the kitchen taps "all received"."""
    server, page = kitchen_server, phone
    _, second = server.stops
    damaged = second["lines"][0]
    left = damaged["quantity"] - 2
    # Notifications blocked in this browser: the app says so instead of hiding the button.
    page.add_init_script("Object.defineProperty(Notification, 'permission', { get: () => 'denied' })")
    login(page, server, "kok-andra")
    expect(page.get_by_test_id("delivery")).to_have_count(1)
    blocked = page.get_by_test_id("push-blocked")
    expect(blocked).to_have_text("Aviseringar blockerade")
    blocked.click()
    expect(page.get_by_test_id("push-help")).to_contain_text("Webbläsaren blockerar aviseringar")
    blocked.click()
    expect(page.get_by_test_id("push-help")).to_have_count(0)

    proof = full_proof(second)
    proof["lines"][0].update(delivered_quantity=left, deviation="damaged", note="Två trasiga")
    # The server stores an event at the latest when it received it: before the planned arrival
    # (a run at 00:30) the hand-over is now, not the planned 06:36.
    handed_at = min(datetime.fromisoformat(second["planned_arrival"]), datetime.now(UTC) - timedelta(minutes=1))
    driver_event(server, "deliver", second, handed_at, proof)
    page.get_by_test_id("refresh").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Levererad")
    page.get_by_test_id("confirm-open").click()

    # The first screen: what the driver handed over, per line, with the driver's own deviation.
    left_list = page.get_by_test_id("left-by-driver")
    expect(left_list).to_contain_text("Det här lämnade föraren")
    expect(left_list).to_contain_text(f"Lämnat kl. {clock(page, handed_at.isoformat())}, signerat av Kim Köksson.")
    expect(left_list.get_by_test_id("line-box")).to_have_count(len(second["lines"]))
    box = line_box(left_list, damaged["article"])
    expect(box.get_by_test_id("qty-ordered")).to_contain_text(f"{damaged['quantity']:g} {damaged['unit']}")
    expect(box.get_by_test_id("qty-left")).to_contain_text(f"Föraren lämnade{left:g} {damaged['unit']}")
    expect(box.get_by_test_id("driver-side")).to_have_text("Föraren: Skadad")
    expect(box).to_contain_text("Förarens kommentar: Två trasiga")
    expect(box.get_by_test_id("kitchen-side")).to_have_count(0)  # the kitchen has said nothing yet
    expect(box.get_by_test_id("qty-received")).to_have_count(0)
    for other in second["lines"][1:]:
        expect(line_box(left_list, other["article"]).get_by_test_id("driver-side")).to_have_text("Föraren: –")
    expect(page.get_by_test_id("accept-all")).to_be_visible()
    left_list.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 150)")
    save_screenshot(page, "kitchen-confirm-phone.png")

    page.get_by_test_id("confirm-name").fill("Alva Andersson")
    page.get_by_test_id("accept-all").click()

    # After confirming: what was received, by whom and when; the kitchen's side as it reported it.
    confirmed_by = page.get_by_test_id("confirmed-by")
    expect(confirmed_by).to_contain_text("Bekräftat av Alva Andersson (konto kok-andra)", timeout=15_000)
    received = page.get_by_test_id("received-lines")
    box = line_box(received, damaged["article"])
    expect(box.get_by_test_id("qty-received")).to_contain_text(f"Köket tog emot{left:g} {damaged['unit']}")
    expect(box.get_by_test_id("driver-side")).to_have_text("Föraren: Skadad")
    expect(box.get_by_test_id("kitchen-side")).to_have_text("Köket: –")
    expect(box.get_by_test_id("line-mismatch")).to_have_count(0)
    # The line's way from the supplier opens as a PDF.
    with page.expect_response(lambda r: "/timeline.pdf" in r.url) as answer, page.context.expect_page() as opened:
        box.get_by_test_id("line-follow").click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    opened.value.close()
    page.get_by_test_id("confirmed").evaluate(
        "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 150)"
    )
    save_screenshot(page, "kitchen-received-phone.png")

    # On the coordinator's list: the driver's own report, nothing under the kitchen's name.
    deviations = server.api("GET", "/deviations/")
    mine = [d for d in deviations if d["order_line_id"] == damaged["order_line_id"]]
    assert [(d["driver_code"], d["kitchen_code"]) for d in mine] == [("damaged", None)], deviations

    # The history: each side as reported, and who confirmed in the kitchen.
    page.get_by_test_id("tab-history").click()
    card = page.get_by_test_id("history-delivery")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("history-confirmed-by")).to_contain_text("Bekräftat av Alva Andersson (konto kok-andra)")
    expect(card).to_contain_text("signerat hos föraren av Kim Köksson")
    box = line_box(card, damaged["article"])
    expect(box.get_by_test_id("driver-side")).to_have_text("Föraren: Skadad")
    expect(box.get_by_test_id("kitchen-side")).to_have_text("Köket: –")
    expect(box.get_by_test_id("qty-left")).to_contain_text(f"{left:g} {damaged['unit']}")
    expect(box.get_by_test_id("qty-received")).to_contain_text(f"{left:g} {damaged['unit']}")
    card.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 150)")
    save_screenshot(page, "kitchen-history-phone.png")

    # In English: the same facts in English words.
    page.get_by_test_id("lang-en").click()
    box = line_box(page.get_by_test_id("history-delivery"), damaged["article"])
    expect(box.get_by_test_id("driver-side")).to_have_text("Driver: Damaged")
    expect(box.get_by_test_id("kitchen-side")).to_have_text("Kitchen: –")
    expect(box.get_by_test_id("qty-left")).to_contain_text("Driver left")
    confirmed_by = page.get_by_test_id("history-confirmed-by")
    expect(confirmed_by).to_contain_text("Confirmed by Alva Andersson (account kok-andra)")


def test_coordinator_handles_a_deviation_with_a_note_and_undoes_it(desk, kitchen_server):
    server = kitchen_server
    _, second = server.stops
    line0 = second["lines"][0]
    driver_event(server, "deliver", second, datetime.fromisoformat(second["planned_arrival"]), full_proof(second))
    kitchen_token = token_of(server, "kok-andra")
    lines = [{"order_line_id": ln["order_line_id"], "received_quantity": ln["quantity"]} for ln in second["lines"]]
    lines[0].update(received_quantity=line0["quantity"] - 1, deviation="damaged", note="Bucklig")
    server.api(
        "POST",
        "/recipient/confirmations",
        {
            "client_id": uuid.uuid4().hex,
            "delivery_point_id": int(second["job_key"].split(":")[1]),
            "plan_date": server.day,
            "lines": lines,
            "confirmed_by_name": "Bo Berg",
            "recorded_at": datetime.now(ZoneInfo(TIMEZONE)).isoformat(),
        },
        token=kitchen_token,
    )
    page = desk
    login(page, server, "coord")
    item = page.get_by_test_id("deviation")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{line0['article']} – Köket tog emot en annan mängd än föraren lämnade")
    expect(item.get_by_test_id("driver-side")).to_have_text("Föraren: –")
    expect(item.get_by_test_id("kitchen-side")).to_have_text("Köket: Skadad")
    expect(item).to_contain_text("Kökets kommentar: Bucklig")
    expect(item).to_contain_text("Rapporterat av Bo Berg (konto kok-andra)")
    expect(item).not_to_contain_text("receipt_mismatch")
    expect(item).not_to_contain_text("damaged")

    item.get_by_test_id("deviation-resolve").click()
    item.get_by_test_id("deviation-resolve-save").click()  # no note: asked for one
    expect(item.locator(".field-error")).to_have_text("Skriv vem som hanterade avvikelsen och hur.")
    note = item.get_by_test_id("deviation-note")
    note.fill("Ringde grossisten, ny leverans i morgon.")
    # A driver's event redraws the page around the note being typed: the note and the keyboard stay.
    drawn_before = page.get_by_test_id("deviations").locator("xpath=..")
    drawn_before.evaluate("(el) => el.setAttribute('data-drawn-before', '')")
    first, _ = server.stops
    driver_event(server, "arrive", first, datetime.fromisoformat(first["planned_arrival"]))
    expect(page.locator("[data-drawn-before]")).to_have_count(0)
    expect(note).to_have_value("Ringde grossisten, ny leverans i morgon.")
    expect(note).to_be_focused()
    note.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    save_screenshot(page, "coordinator-deviation-desktop.png")
    item.get_by_test_id("deviation-resolve-save").click()

    handled = page.get_by_test_id("deviation-handled")
    expect(handled).to_contain_text("Hanterad av coord")
    expect(handled).to_contain_text("Ringde grossisten, ny leverans i morgon.")
    expect(page.get_by_test_id("deviation")).to_have_count(0)
    [stored] = server.api("GET", "/deviations/?status=resolved")
    assert stored["resolution_note"] == "Ringde grossisten, ny leverans i morgon."
    assert stored["resolved_by_name"] == "coord"
    handled.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    save_screenshot(page, "coordinator-deviation-handled-desktop.png")

    handled.get_by_test_id("deviation-reopen").click()
    expect(page.get_by_test_id("deviation")).to_have_count(1)
    expect(page.get_by_test_id("deviation")).to_contain_text("Öppnad igen av coord")
    [again] = server.api("GET", "/deviations/")
    assert [a["action"] for a in again["actions"]] == ["resolved", "reopened"]
