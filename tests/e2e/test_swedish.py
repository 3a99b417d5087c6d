"""Every screen in Swedish, on the demo cluster's real day, with the phone's clock in UTC.

One walk through the app as each user would use it (driver, kitchen, producer on a phone;
the coordinator at a desk and on a phone), checking the rendered text of every screen: no
English of the word tables, no table key, no raw code (snake_case), no Python or JSON
left-overs. The same walk takes the README's pictures (`make screenshots`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, ROOT, Server, login, running, save_readme_screenshot

pytestmark = pytest.mark.e2e

ZONE = ZoneInfo("Europe/Stockholm")
REAL_TODAY = datetime.now(ZONE).date()
# The demo's orders are for weekdays: on a weekend the walk pretends it is next Monday.
DAY = REAL_TODAY if REAL_TODAY.weekday() < 5 else REAL_TODAY + timedelta(days=7 - REAL_TODAY.weekday())
MONDAY = DAY - timedelta(days=DAY.weekday())
DESK = {"width": 1280, "height": 860}
TABLES = ROOT / "backend" / "samlast" / "i18n"


def _english_only() -> list[str]:
    """Pieces of English text (between placeholders) that Swedish never uses."""
    sv = json.loads((TABLES / "sv.json").read_text())
    en = json.loads((TABLES / "en.json").read_text())
    swedish = "\n".join(sv.values())
    pieces = set()
    for key, text in en.items():
        if text == sv.get(key):
            continue
        for piece in re.split(r"\{\w+\}", text):
            piece = piece.strip(" .,:;–-()·“”\"'")
            if len(piece) >= 12 and " " in piece and piece not in swedish:
                pieces.add(piece)
    return sorted(pieces)


ENGLISH = _english_only()
KEYS = sorted(k for k in json.loads((TABLES / "sv.json").read_text()) if k.count(".") >= 1 and len(k) > 8)
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
LEFTOVERS = ("{", "}", "undefined", "NaN", "[object Object]", "Invalid Date", "null")


def problems(page, where: str) -> list[str]:
    """Everything on the screen a person reads (text, labels, placeholders, titles) that is not Swedish."""
    text = page.evaluate(
        """() => {
            const parts = [document.title, document.body.innerText];
            for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],img[alt]')) {
                for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
                    const value = el.getAttribute(name);
                    if (value) parts.push(value);
                }
            }
            return parts.join('\\n');
        }"""
    )
    found = [f"{where}: English “{p}”" for p in ENGLISH if p in text]
    found += [f"{where}: table key “{k}”" for k in KEYS if k in text]
    found += [f"{where}: code “{c}”" for c in sorted(set(CODE.findall(text)))]
    found += [f"{where}: “{s}”" for s in LEFTOVERS if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)]
    return found


@pytest.fixture(scope="module")
def demo(built_pwa, tmp_path_factory, request) -> Server:
    """The demo cluster (`make run`'s data): DAY planned, an impact analysis of its week stored,
    and one stop of forare1 delivered with a short line, for the kitchen to confirm."""
    extra = {"TIMEZONE": "Europe/Stockholm", "REPLAN_WHEN_LATE_MIN": "100000"}
    if DAY != REAL_TODAY:
        extra["DEMO_TODAY"] = DAY.isoformat()
    server = Server(instance=tmp_path_factory.mktemp("demo"), extra_env=extra)
    server.flask("db", "upgrade")
    server.flask("samlast", "demo", "--start", MONDAY.isoformat())
    server.flask("samlast", "plan", DAY.isoformat(), "--time-limit", "5")
    friday = (MONDAY + timedelta(days=4)).isoformat()
    server.flask("samlast", "impact", "--from", MONDAY.isoformat(), "--to", friday, "--time-limit", "0.3",
                 "--shapley-time-limit", "0.2", "--name", f"Vecka {MONDAY.isocalendar().week}",
                 timeout_s=600)  # fmt: skip  # the week's analysis with its fleet need: 100-150 s on 2 busy cores
    running(request, server)
    server.token = server.api("POST", "/auth/login", {"username": "samordnare", "password": "demo-samordnare"})["token"]
    driver = server.api("POST", "/auth/login", {"username": "forare1", "password": "demo-forare1"})["token"]
    [route, *_] = server.api("GET", f"/driver/routes?date={DAY}", token=driver)
    stop = route["stops"][0]
    temperature = {"chilled": 4.0, "frozen": -19.0}
    lines = [
        {"order_line_id": line["order_line_id"], "delivered_quantity": line["quantity"] - (1 if i == 0 else 0),
         "deviation": "damaged" if i == 0 else None, "temperature_c": temperature.get(line["temperature_class"])}
        for i, line in enumerate(stop["lines"])
    ]  # fmt: skip
    at = datetime.combine(DAY, datetime.min.time(), ZONE) + timedelta(hours=7, minutes=5)
    for kind, extra_body in (("arrive", {}), ("deliver", {"proof": {
        "receiver_name": "Kim Köksson", "lines": lines, "returns": {"crates": 2}, "note": "", "photos": [],
        "signature": None,
    }})):  # fmt: skip
        server.api("POST", "/driver/events", {
            "client_id": f"sweep-{kind}", "kind": kind, "plan_date": DAY.isoformat(), "job_key": stop["job_key"],
            "stop_id": stop["id"], "recorded_at": at.isoformat(), **extra_body,
        }, token=driver)  # fmt: skip
    point_id = int(stop["job_key"].split(":")[1])
    server.api("POST", "/users/", {"username": "kok.sveptest", "role": "recipient", "password": "demo-kok.sveptest",
                                   "delivery_point_ids": [point_id], "display_name": "Kim Köksson"})  # fmt: skip
    return server


@pytest.fixture
def desk(new_page):
    return new_page(DESK, service_workers="allow")

def _walk_tabs(page, where: str, found: list[str]) -> None:
    """Each tab of the screen, in turn."""
    tabs = page.get_by_role("tab")
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        name = tab.inner_text().strip()
        tab.click()
        page.wait_for_timeout(400)
        found += problems(page, f"{where} / {name}")


def _login(page, server: Server, user: str) -> None:
    login(page, server, user, f"demo-{user}")


def test_every_screen_is_swedish_on_the_demo_day(demo, page, desk):
    found: list[str] = []
    page.goto(demo.url + "/")
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    found += problems(page, "inloggning")

    # The driver: the day's route, a stop done, the next stop and its proof page, the map.
    _login(page, demo, "forare1")
    expect(page.get_by_test_id("stop").first).to_be_visible()
    found += problems(page, "förare / rutt")
    save_readme_screenshot(page, "driver-route-phone.png")
    page.get_by_test_id("stop").first.click()
    expect(page.get_by_test_id("stop-detail")).to_be_visible()
    found += problems(page, "förare / levererat stopp")
    page.get_by_test_id("back").click()
    page.get_by_test_id("stop").nth(1).click()
    found += problems(page, "förare / nästa stopp")
    save_readme_screenshot(page, "driver-stop-phone.png")
    page.get_by_test_id("deliver").click()
    expect(page.get_by_test_id("proof-form")).to_be_visible()
    found += problems(page, "förare / kvittens")
    page.get_by_test_id("back").click()
    _walk_tabs(page, "förare", found)
    page.get_by_test_id("logout").click()

    # Kitchen staff: the delivery left this morning, waiting to be confirmed; the history.
    _login(page, demo, "kok.sveptest")
    expect(page.get_by_test_id("delivery").first).to_be_visible()
    found += problems(page, "kök / kommande")
    save_readme_screenshot(page, "kitchen-phone.png")
    confirm = page.get_by_test_id("confirm-open")
    if confirm.count():
        confirm.first.click()
        page.wait_for_timeout(400)
        found += problems(page, "kök / bekräfta")
        save_readme_screenshot(page, "kitchen-confirm-phone.png")
        page.go_back()
    _walk_tabs(page, "kök", found)
    page.get_by_test_id("logout").click()

    # A local producer: free slots, the booking form, the bookings.
    _login(page, demo, "producent.potatis")
    expect(page.get_by_test_id("slot").first).to_be_visible()
    found += problems(page, "producent / tider")
    page.locator("[data-testid=slot-book]:not([aria-disabled=true])").first.click()
    page.wait_for_timeout(400)
    found += problems(page, "producent / boka")
    save_readme_screenshot(page, "producer-phone.png")
    page.go_back()
    _walk_tabs(page, "producent", found)
    page.get_by_test_id("logout").click()

    # The coordinator on a phone: the day fits or says it is for a desk.
    _login(page, demo, "samordnare")
    expect(page.get_by_test_id("today")).to_be_visible()
    page.wait_for_timeout(800)
    found += problems(page, "samordnare i telefon / i dag")
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the coordinator's day scrolls sideways on a {PHONE['width']} px phone: {width}"

    # The coordinator at the desk: the day, every list, the impact analysis, the learned times.
    _login(desk, demo, "samordnare")
    if DAY != REAL_TODAY:  # the page opens on the real date; the walk pretends it is DAY
        desk.get_by_test_id("plan-date").fill(DAY.isoformat())
    expect(desk.get_by_test_id("route").first).to_be_visible()
    desk.wait_for_timeout(1000)
    found += problems(desk, "samordnare / i dag")
    save_readme_screenshot(desk, "coordinator-desktop.png")
    for tab in ("lists", "impact", "learned"):
        desk.get_by_test_id(f"tab-{tab}").click()
        desk.wait_for_timeout(800)
        if tab == "lists":
            for kind in ("orders", "delivery_points", "suppliers", "vehicles", "slot_templates"):
                desk.get_by_test_id(f"list-tab-{kind}").click()
                expect(desk.get_by_test_id("list-row").first).to_be_visible()
                found += problems(desk, f"samordnare / listor / {kind}")
        elif tab == "impact":
            if not desk.get_by_test_id("impact-result").count():
                picker = desk.get_by_test_id("impact-report-picker")
                picker.select_option(index=0)
            expect(desk.get_by_test_id("impact-chart").first).to_be_visible()
            desk.wait_for_timeout(800)
            found += problems(desk, "samordnare / effekter")
            save_readme_screenshot(desk, "impact-desktop.png")
        else:
            found += problems(desk, "samordnare / inlärda tider")
            save_readme_screenshot(desk, "learned-desktop.png")
    # The tabs added since: each opened as the coordinator finds it on the demo day.
    for tab, wait_for in (("stock", "stock-view"), ("rural", None), ("followup", None), ("region", None)):
        desk.get_by_test_id(f"tab-{tab}").click()
        if wait_for:
            expect(desk.get_by_test_id(wait_for)).to_be_visible()
        desk.wait_for_timeout(1500)
        found += problems(desk, f"samordnare / {tab}")
    assert found == []


def test_the_word_tables_are_checked_by_the_walk():
    """The walk's lists are not empty (else it could never find anything)."""
    assert len(ENGLISH) > 200 and len(KEYS) > 500
    assert problems_in("Plan version 3: 8 routes") and problems_in("fixed_2_per_week") and problems_in("{'a': 1}")
    assert not problems_in("Planversion 3: 8 rutter, 0 ej tilldelade · Lastbil HVO 1, tur 1")


def problems_in(text: str) -> list[str]:
    class Page:
        def evaluate(self, _script):
            return text

    return problems(Page(), "text")

