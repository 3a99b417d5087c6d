"""The coordinator's desk in headless Chromium against a real Flask server, at a desk (1280 px)
and on a phone (390 px): the impact analysis with its charts and cost split, the Today view of a
planned date (routes on the map, unassigned jobs with their reason in numbers and what to do), a
re-plan that first says which stops stay as they are, the lists a page at a time with the total,
orders delivered and cancelled, a CSV import with errors that lists every error with the cell as
written and imports nothing, each tab's page title, and no sideways scrolling or cut-off badges.
Saves desktop and phone screenshots (docs/screenshots with UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.waiting import plan_day

from .conftest import DESKTOP, PASSWORD, PHONE, Server, cluster_today, copy_server, login, save_screenshot

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
TODAY = cluster_today()
TOMORROW = TODAY + timedelta(days=1)
# Dates of their own, so that no test plans a date another one expects unplanned.
HEAVY_DAY = TODAY + timedelta(days=20)
PAGE_DAY = TODAY + timedelta(days=30)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS_SV = ["måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar"]
WEEKDAYS_EN = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]


def _line(article, quantity, unit, kg, temperature):
    return {
        "article": article,
        "quantity": quantity,
        "unit": unit,
        "weight_kg": kg,
        "pallet_places": 0.2,
        "temperature_class": temperature,
    }


@pytest.fixture(scope="module")
def coord_server(request) -> Server:
    """A copy of the seeded server with a second municipality (Hörby) and a kitchen that does
    not receive goods on tomorrow's weekday, so tomorrow's plan has an unassigned job."""
    own = copy_server(request, extra_env={"PLANNING_TIME_LIMIT_S": "1"})
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    driver = next(u for u in own.api("GET", "/users/") if u["username"] == "forare")
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
    cluster = own.api("GET", "/clusters/")[0]
    horby = own.api("POST", "/municipalities/", {"cluster_id": cluster["id"], "name": "Hörby"})
    every_day = [{"weekday": d, "start": "06:00", "end": "14:00"} for d in range(7)]
    other_days = [
        {"weekday": d, "start": "07:00", "end": "11:00"} for d in range(7) if d != TOMORROW.weekday()
    ]
    suppliers = {s["external_id"]: s["id"] for s in own.api("GET", "/suppliers/")}
    for external_id, name, windows, lat, lon in (
        ("DP-H1", "Hörby skolkök", every_day, 55.852, 13.661),
        ("DP-H2", "Tallbackens förskola", other_days, 55.86, 13.64),
    ):
        point = own.api(
            "POST",
            "/delivery-points/",
            {
                "external_id": external_id,
                "name": name,
                "kind": "school_kitchen" if external_id == "DP-H1" else "preschool",
                "municipality_id": horby["id"],
                "lat": lat,
                "lon": lon,
                "receiving_windows": windows,
            },
        )
        for day, supplier, ref in (
            (TODAY, "S-1", f"{external_id}-A"),
            (TOMORROW, "S-2", f"{external_id}-B"),
        ):
            own.api(
                "POST",
                "/orders/",
                {
                    "external_id": ref,
                    "delivery_point_id": point["id"],
                    "supplier_id": suppliers[supplier],
                    "requested_date": day.isoformat(),
                    "lines": [_line("Morötter", 5, "säck", 60, "ambient")],
                },
            )
    return own


@pytest.fixture
def desk(new_page):
    """A wide desktop (1440 px): the whole day's grid at once."""
    return new_page(WIDE)

@pytest.fixture
def office(new_page):
    """The coordinator's usual desk, 1280 px."""
    return new_page(DESKTOP)

@pytest.fixture
def phone(new_page):
    """The coordinator on a phone (390 px)."""
    return new_page(PHONE, phone=True)

def _todays_plan(server: Server) -> dict:
    """Today's plan, planned once for the tests that need one (never tomorrow: see test_today_...)."""
    try:
        return server.api("GET", f"/plans/current?date={TODAY.isoformat()}")
    except AssertionError:
        return plan_day(server.api, TODAY)


def _driver_token(server: Server) -> str:
    return server.api("POST", "/auth/login", {"username": "forare", "password": PASSWORD}, token="")["token"]


def _driver_event(server: Server, token: str, kind: str, stop: dict, proof: dict | None = None) -> dict:
    body = {
        "client_id": uuid.uuid4().hex,
        "kind": kind,
        "plan_date": TODAY.isoformat(),
        "job_key": stop["job_key"],
        "stop_id": stop["id"],
        # On time: an arrival much later than planned would start a re-plan of its own.
        "recorded_at": stop["planned_arrival"],
        **({"proof": proof} if proof else {}),
    }
    return server.api("POST", "/driver/events", body, token=token)


def _post_csv(server: Server, kind: str, text: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{server.url}/api/v1/imports/{kind}",
        method="POST",
        data=text.encode(),
        headers={"Content-Type": "text/csv", "Authorization": f"Bearer {server.token}", "Accept-Language": "sv"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] == width[1], f"the page scrolls sideways: scrollWidth {width[0]} > clientWidth {width[1]}"


CUT_BADGES = """(selector) => [...document.querySelectorAll(selector)].filter((badge) => {
  const box = badge.getBoundingClientRect();
  if (badge.scrollWidth > badge.clientWidth + 1 || box.left < 0 || box.right > window.innerWidth) return true;
  for (let up = badge.parentElement; up; up = up.parentElement) {
    if (getComputedStyle(up).overflowX === "visible") continue;
    const clip = up.getBoundingClientRect();
    if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) return true;
  }
  return false;
}).map((badge) => badge.textContent)"""


def _badges_whole(page, selector: str) -> None:
    """Every badge is seen whole: not clipped by a scrolling table, the page or its own box."""
    expect(page.locator(selector).first).to_be_visible()
    assert page.evaluate(CUT_BADGES, selector) == []


def _scroll_to(page, testid: str) -> None:
    page.get_by_test_id(testid).first.evaluate(
        "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8)"
    )
    page.wait_for_timeout(200)


def test_impact_analysis_shows_charts_and_cost_split(desk, coord_server):
    page = desk
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-impact").click()
    expect(page.get_by_test_id("impact-form")).to_be_visible()
    page.get_by_label("Namn").fill("Två dagar")
    page.get_by_test_id("impact-from").fill(TODAY.isoformat())
    page.get_by_test_id("impact-to").fill(TOMORROW.isoformat())
    # A time limit that is not a number is refused next to the field, not replaced by the default.
    page.get_by_test_id("impact-limit").fill("två")
    page.get_by_test_id("impact-start").click()
    expect(page.get_by_test_id("impact-limit-error")).to_have_text(
        "Skriv tidsgränsen som ett tal i sekunder, till exempel 2 eller 0,5."
    )
    expect(page.get_by_test_id("impact-limit")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("impact-progress")).to_have_count(0)
    # Pattern names in words, never codes.
    pattern = page.get_by_test_id("impact-pattern")
    expect(pattern.locator("option")).to_have_text(
        [
            "två fasta leveransdagar i veckan",
            "fasta dagar efter verksamhet (kök 3, förskola 2, övrigt 1 per vecka)",
            "leverans de dagar det beställts",
        ]
    )
    page.get_by_test_id("impact-limit").fill("0,2")
    started = time.monotonic()
    page.get_by_test_id("impact-start").click()
    expect(page.get_by_test_id("impact-progress")).to_be_visible()
    expect(page.get_by_test_id("impact-result")).to_be_visible(timeout=90_000)
    print(f"impact analysis in the UI: {time.monotonic() - started:.1f} s")

    result = page.get_by_test_id("impact-result")
    expect(result).to_contain_text("Två dagar")
    expect(result).to_contain_text(f"{TODAY.isoformat()} – {TOMORROW.isoformat()}")
    charts = page.get_by_test_id("impact-chart")
    expect(charts).to_have_count(6)
    expect(page.locator("[data-testid=impact-chart] canvas")).to_have_count(6)
    for chart in ("deliveries", "km", "co2", "cost", "municipality-deliveries", "municipality-co2"):
        expect(page.get_by_test_id(f"chart-{chart}")).to_be_visible()
    rows = page.get_by_test_id("cost-split-row")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=cost-split-row][data-municipality='Eslöv']")).to_be_visible()
    expect(page.locator("[data-testid=cost-split-row][data-municipality='Hörby']")).to_be_visible()
    expect(page.get_by_test_id("cost-split-table")).to_contain_text("Shapley")
    expect(page.get_by_test_id("export-pdf")).to_have_text("Skriv ut / spara som PDF")
    expect(page.get_by_test_id("impact-limit-error")).to_have_count(0)
    # The report says which pattern and how many weeks the averages are over, in words.
    expect(page.get_by_test_id("impact-pattern-name")).to_have_text(
        "Samordnat alternativ: två fasta leveransdagar i veckan."
    )
    expect(page.get_by_test_id("impact-weeks")).to_contain_text("Veckor med beställningar:")
    expect(page.get_by_test_id("pattern-table")).to_contain_text("leverans de dagar det beställts")
    need = page.get_by_test_id("fleet-need")
    expect(need).to_contain_text("Fordonsbehov per veckodag")
    expect(need.locator("tbody tr")).not_to_have_count(0)
    need.scroll_into_view_if_needed()
    save_screenshot(page, "coordinator-impact-fleet-need.png")
    # The jargon of the cost split, each in one plain sentence.
    explained = page.get_by_test_id("cost-split-explained")
    for sentence in ("Ensam: vad det skulle kosta", "Per km ensam: den gemensamma kostnaden", "Shapley: varje kommun",
                     "Kärnan: de fördelningar"):
        expect(explained).to_contain_text(sentence)
    expect(page.get_by_test_id("impact-notes")).to_contain_text("leverantörernas körningar till terminalen")
    view = page.get_by_test_id("impact-result").inner_text()
    for code in ("fixed_2_per_week", "as_ordered", "by_kind_3_2_1", "per_standalone_km", "disabled", "impact."):
        assert code not in view, code

    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    csv = download_info.value.path().read_text(encoding="utf-8-sig")
    # For Swedish Excel: semicolons, Swedish labels, no figure keys or scenario codes.
    assert "Hörby" in csv and "Shapley" in csv
    assert "Körda kilometer;" in csv and "Leveranser till kommunens verksamheter;" in csv
    assert "Kommun;Ensam;Per leverans;Per kg;Per km ensam;Shapley;Nukleolus;Lika vinst;Betalar mer än ensam med" in csv
    for raw in ("vehicle_km", "deliveries", "co2e_kg", "baseline", "coordinated", "fixed_2_per_week"):
        assert raw not in csv, raw

    page.get_by_test_id("impact-result").evaluate("(el) => window.scrollTo(0, el.offsetTop - 8)")
    page.wait_for_timeout(300)  # charts drawn
    save_screenshot(page, "impact-desktop.png")


def test_a_day_being_planned_does_not_ask_to_be_planned(office, coord_server):
    """While the day's first plan is being made, the empty day says so instead of "press Plan the
    day". The job is held running by answering the planning calls here (no planner runs), so the
    moment cannot pass before it is read."""
    page = office
    day = (TODAY + timedelta(days=20)).isoformat()
    held = {
        "id": "e2e-held", "terminal_id": 1, "plan_date": day, "reason": "", "fresh": False, "time_limit_s": 60.0,
        "status": "running", "progress": 0.3, "message": "Letar efter kortare rutter (en så stor dag får 60 sekunder)",
        "message_key": "progress.planning.searching_large", "message_params": {"seconds": 60}, "plan_id": None,
        "created_at": f"{day}T06:00:00+00:00", "started_at": f"{day}T06:00:01+00:00", "finished_at": None,
    }  # fmt: skip

    def answer(route):
        route.fulfill(status=200 if route.request.method == "GET" else 202, content_type="application/json",
                      body=json.dumps(held))  # fmt: skip

    page.route("**/api/v1/planning/jobs**", answer)
    login(page, coord_server, "coord")
    page.get_by_test_id("plan-date").fill(day)
    expect(page.get_by_test_id("empty-state")).to_contain_text("Dagen är inte planerad ännu.")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Tryck på ”Planera dagen”")
    page.get_by_test_id("plan-button").click()
    expect(page.get_by_test_id("plan-progress")).to_contain_text("en så stor dag får 60 sekunder")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Dagen planeras just nu.")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Turerna visas här när planeringen är klar.")
    expect(page.get_by_test_id("empty-state")).not_to_contain_text("Planera dagen")


def test_today_shows_routes_and_unassigned_for_a_planned_date(office, coord_server):
    page = office
    login(page, coord_server, "coord")
    expect(page.get_by_test_id("today")).to_be_visible()
    expect(page).to_have_title("Dagens rutter – Samlast")
    page.get_by_test_id("plan-date").fill(TOMORROW.isoformat())
    expect(page.get_by_test_id("empty-state")).to_contain_text("inte planerad")
    page.get_by_test_id("plan-button").click()
    expect(page.get_by_test_id("plan-progress")).to_be_visible()

    expect(page.get_by_test_id("route").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Klart")
    expect(page.get_by_test_id("route-stop").first).to_be_visible()
    expect(page.get_by_test_id("map-stop").first).to_be_visible()
    # On a weekend the seeded kitchens have no window either; the fixture's preschool is the one asserted.
    job = page.locator("[data-testid=unassigned-job][data-reason=no_receiving_window_that_day]").filter(
        has_text="Tallbackens förskola"
    )
    expect(job).to_have_count(1)
    # The day it does not receive goods and the days it does, and what to do about it.
    other_days = ", ".join(d for i, d in enumerate(WEEKDAYS_SV) if i != TOMORROW.weekday())
    expect(job).to_contain_text(
        f"Tar inte emot varor på {WEEKDAYS_SV[TOMORROW.weekday()]} (tar emot {other_days}) — flytta beställningen "
        "till en mottagningsdag eller lägg till en mottagningstid."
    )
    expect(page.get_by_test_id("plan-button")).to_have_text("Planera om")

    plan = coord_server.api("GET", f"/plans/current?date={TOMORROW.isoformat()}")
    expect(page.get_by_test_id("route")).to_have_count(len(plan["routes"]))
    expect(page.get_by_test_id("route-stop")).to_have_count(sum(len(r["stops"]) for r in plan["routes"]))

    # English switch: the same page in English, reasons too
    page.get_by_test_id("lang-en").click()
    expect(job).to_contain_text(f"Does not receive goods on {WEEKDAYS_EN[TOMORROW.weekday()]}")
    expect(page).to_have_title("Today's routes – Samlast")
    page.get_by_test_id("lang-sv").click()
    expect(job).to_contain_text("Tar inte emot varor")

    expect(page.get_by_test_id("coordinator-live")).to_have_text("Live")
    _badges_whole(page, "[data-testid=stop-status]")
    _no_sideways_scroll(page)
    page.get_by_test_id("plan-progress").evaluate("(el) => window.scrollTo(0, el.offsetTop - 8)")
    page.wait_for_timeout(300)
    save_screenshot(page, "coordinator-desktop.png")


BAD_POINTS = (
    "external_id,name,kind,municipality,lat,lon,windows\n"
    "DP-OK-1,Nya köket,school_kitchen,Eslöv,55.84,13.30,mon-fri 07:00-10:00\n"
    "DP-BAD-2,Fel typ,restaurant,Eslöv,55.84,13.30,\n"
    "DP-BAD-3,Okänd kommun,preschool,Ingenstans,55.84,13.30,\n"
    "DP-BAD-4,Fel läge, preschool ,Eslöv,91,13.30,mon 25:00-26:00\n"
)


def test_csv_import_with_errors_shows_the_report_and_imports_nothing(office, coord_server, tmp_path):
    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    expect(page).to_have_title("Listor – Samlast")
    page.get_by_test_id("list-tab-delivery_points").click()
    expect(page.get_by_test_id("list-row").first).to_be_visible()
    before = len(coord_server.api("GET", "/delivery-points/"))
    expect(page.get_by_test_id("list-row")).to_have_count(before)
    expect(page.get_by_test_id("list-count")).to_have_text(f"Visar 1–{before} av {before}")

    page.get_by_test_id("list-search").fill("Hörby")
    expect(page.get_by_test_id("list-row")).to_have_count(1)
    page.get_by_test_id("list-search").fill("")

    csv = tmp_path / "kok.csv"
    csv.write_text(BAD_POINTS, encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(csv))
    expect(page.get_by_test_id("import-file-name")).to_have_text("kok.csv")
    page.get_by_test_id("import-button").click()

    report = page.get_by_test_id("import-error")
    expect(report).to_contain_text("Ingenting importerades")
    # Every error the server finds in the file, each with its row, column, the cell as written
    # (in quotes, spaces kept) and what is wrong, in the server's order.
    status, answer = _post_csv(coord_server, "delivery_points", BAD_POINTS)
    assert status == 422
    errors = answer["error"]["fields"]["rows"]
    assert len(errors) >= 4 and {e["row"] for e in errors} == {3, 4, 5}
    rows = page.get_by_test_id("import-error-row")
    expect(rows).to_have_count(len(errors))
    for i, error in enumerate(errors):
        cells = rows.nth(i).locator("td")
        expect(cells.nth(0)).to_have_text(str(error["row"]))
        expect(cells.nth(1)).to_have_text(error["column"] or "–")
        expect(cells.nth(2)).to_have_text(f"”{error['value']}”" if error["value"] else "(tomt)")
        expect(cells.nth(3)).to_have_text(error["message"])
    values = page.get_by_test_id("import-error-value").all_inner_texts()
    assert "”restaurant”" in values and "”Ingenstans”" in values and "”91”" in values, values
    expect(page.get_by_test_id("import-errors")).to_contain_text(f"Fel i filen ({len(errors)})")
    _no_sideways_scroll(page)
    report.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120)")
    save_screenshot(page, "coordinator-import-errors-desktop.png")

    points = coord_server.api("GET", "/delivery-points/")
    assert len(points) == before
    assert not [p for p in points if p["external_id"].startswith(("DP-OK-", "DP-BAD-"))]


def _replan_summary(plan: dict) -> str:
    stops = [s for r in plan["routes"] for s in r["stops"]]
    fixed = sum(1 for s in stops if s["status"] != "planned")
    replanned = len(stops) - fixed
    if fixed == 1:
        return f"1 stopp är redan levererat eller påbörjat och ligger kvar; {replanned} stopp planeras om."
    return f"{fixed} stopp är redan levererade eller påbörjade och ligger kvar; {replanned} stopp planeras om."


def test_replan_of_a_day_under_way_says_what_stays_and_asks_first(office, coord_server):
    plan = _todays_plan(coord_server)
    [route] = coord_server.api("GET", f"/driver/routes?date={TODAY.isoformat()}", token=_driver_token(coord_server))
    first = min(route["stops"], key=lambda s: s["sequence"])
    if first["status"] == "planned":
        _driver_event(coord_server, _driver_token(coord_server), "arrive", first)
    plan = coord_server.api("GET", f"/plans/current?date={TODAY.isoformat()}")
    started = [s for r in plan["routes"] for s in r["stops"] if s["status"] != "planned"]
    assert started, plan

    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("plan-date").fill(TODAY.isoformat())
    expect(page.get_by_test_id("route").first).to_be_visible()
    button = page.get_by_test_id("plan-button")
    expect(button).to_have_text("Planera om")

    # Cancelled: nothing is planned.
    button.click()
    question = page.get_by_test_id("replan-confirm")
    expect(page.get_by_test_id("replan-summary")).to_have_text(_replan_summary(plan))
    expect(question).to_contain_text("Dagens nya och ändrade beställningar tas med")
    page.get_by_test_id("replan-no").click()
    expect(question).to_have_count(0)
    page.wait_for_timeout(500)
    assert coord_server.api("GET", f"/plans/current?date={TODAY.isoformat()}")["version"] == plan["version"]

    # In English too, then re-planned: the started stop stays as it was.
    page.get_by_test_id("lang-en").click()
    button.click()
    expect(question).to_contain_text("Stops delivered or under way, kept as they are:")
    page.get_by_test_id("lang-sv").click()
    expect(page.get_by_test_id("replan-summary")).to_have_text(_replan_summary(plan))
    question.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120)")
    save_screenshot(page, "coordinator-replan-desktop.png")
    page.get_by_test_id("replan-yes").click()
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Klart", timeout=60_000)
    after = coord_server.api("GET", f"/plans/current?date={TODAY.isoformat()}")
    assert after["version"] == plan["version"] + 1
    kept = {s["job_key"]: s["status"] for r in after["routes"] for s in r["stops"]}
    assert all(kept.get(s["job_key"]) == s["status"] for s in started), (started, kept)
    expect(page.locator("[data-testid=stop-status]", has_text="Framme").first).to_be_visible()
    _badges_whole(page, "[data-testid=stop-status]")


def test_orders_say_delivered_with_the_time_and_cancelled(office, coord_server):
    _todays_plan(coord_server)
    token = _driver_token(coord_server)
    [route] = coord_server.api("GET", f"/driver/routes?date={TODAY.isoformat()}", token=token)
    point = next(p for p in coord_server.api("GET", "/delivery-points/") if p["external_id"] == "DP-H1")
    stop = next(s for s in route["stops"] if s["job_key"] == f"dp:{point['id']}")
    proof = {
        "receiver_name": "Kim Köksson",
        "lines": [{"order_line_id": ln["order_line_id"], "delivered_quantity": ln["quantity"]} for ln in stop["lines"]],
    }
    _driver_event(coord_server, token, "deliver", stop, proof)
    [delivered] = [o for o in coord_server.api("GET", "/orders/?q=DP-H1-A") if o["external_id"] == "DP-H1-A"]
    assert delivered["delivered_at"], delivered
    handed_over = datetime.fromisoformat(delivered["delivered_at"]).astimezone(STOCKHOLM).strftime("%H:%M")
    points = {p["external_id"]: p["id"] for p in coord_server.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s["id"] for s in coord_server.api("GET", "/suppliers/")}
    cancelled = coord_server.api(
        "POST",
        "/orders/",
        {
            "external_id": "MAK-1",
            "delivery_point_id": points["DP-1"],
            "supplier_id": suppliers["S-1"],
            "requested_date": PAGE_DAY.isoformat(),
            "lines": [_line("Mjölk", 4, "liter", 4, "chilled")],
        },
    )
    coord_server.api("PATCH", f"/orders/{cancelled['id']}", {"status": "cancelled"})

    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    search = page.get_by_test_id("list-search")
    search.fill("DP-H1-A")
    row = page.get_by_test_id("list-row").filter(has_text="DP-H1-A")
    expect(row.get_by_test_id("order-status")).to_have_text(f"Levererad {handed_over}")
    search.fill("MAK-1")
    expect(page.get_by_test_id("list-row")).to_have_count(1)
    expect(page.get_by_test_id("order-status")).to_have_text("Makulerad")
    search.fill("DP-H")
    expect(page.get_by_test_id("list-row").filter(has_text="DP-H2-A").get_by_test_id("order-status")).to_have_text(
        "Öppen"
    )
    page.get_by_test_id("lang-en").click()
    search = page.get_by_test_id("list-search")
    search.fill("DP-H1-A")
    expect(row.get_by_test_id("order-status")).to_have_text(f"Delivered {handed_over}")
    _badges_whole(page, "[data-testid=order-status]")


def test_order_list_pages_past_500_with_the_total(office, coord_server):
    header = (
        "order_external_id,delivery_point,supplier,requested_date,article,quantity,unit,weight_kg,temperature_class\n"
    )
    rows = "".join(
        f"SIDA-{i:04d},DP-H1,S-1,{PAGE_DAY.isoformat()},Mjölk,1,l,1,chilled\n" for i in range(1, 511)
    )
    status, answer = _post_csv(coord_server, "orders", header + rows)
    assert status == 200 and answer["created"] + answer["updated"] == 510, answer

    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    expect(page.get_by_test_id("list-row").first).to_be_visible()
    page.get_by_test_id("list-search").fill("SIDA-")
    count = page.get_by_test_id("list-count")
    expect(count).to_have_text("Visar 1–200 av 510")
    expect(page.get_by_test_id("list-row")).to_have_count(200)
    expect(page.get_by_test_id("list-prev")).to_be_disabled()
    page.get_by_test_id("list-next").click()
    expect(count).to_have_text("Visar 201–400 av 510")
    page.get_by_test_id("list-next-bottom").click()
    expect(count).to_have_text("Visar 401–510 av 510")
    rows_shown = page.get_by_test_id("list-row")
    expect(rows_shown).to_have_count(110)
    expect(rows_shown.first).to_contain_text("SIDA-0401")
    expect(rows_shown.last).to_contain_text("SIDA-0510")
    expect(page.get_by_test_id("list-next")).to_be_disabled()
    page.get_by_test_id("list-prev").click()
    expect(count).to_have_text("Visar 201–400 av 510")
    page.get_by_test_id("list-search").fill("SIDA-0510")
    expect(count).to_have_text("Visar 1–1 av 1")
    _no_sideways_scroll(page)
    save_screenshot(page, "coordinator-lists-desktop.png")


def test_unassigned_order_says_why_in_numbers_and_what_to_do(office, coord_server):
    points = {p["external_id"]: p["id"] for p in coord_server.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s["id"] for s in coord_server.api("GET", "/suppliers/")}
    coord_server.api(
        "POST",
        "/orders/",
        {
            "external_id": "TUNG-1",
            "delivery_point_id": points["DP-H1"],
            "supplier_id": suppliers["S-1"],
            "requested_date": HEAVY_DAY.isoformat(),
            "lines": [_line("Mjölk", 9000, "liter", 9000, "chilled")],
        },
    )
    plan_day(coord_server.api, HEAVY_DAY)

    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("plan-date").fill(HEAVY_DAY.isoformat())
    job = page.locator("[data-testid=unassigned-job][data-reason=too_heavy_for_any_vehicle]")
    expect(job).to_contain_text("Hörby skolkök")
    # Vehicle V-1 has a 4 000 kg chilled compartment (coord_server).
    expected = (
        "9 000 kg kylvaror, men största fordonets kylutrymme tar 4 000 kg — "
        "flytta en del till en annan dag eller lägg till ett större fordon."
    )
    assert expected in job.inner_text().replace("\u00a0", " ")
    page.get_by_test_id("lang-en").click()
    expect(job).to_contain_text("of chilled goods, but the largest vehicle's chilled compartment takes")
    assert "9,000 kg of chilled goods" in job.inner_text().replace("\u00a0", " ")


def test_every_view_has_its_own_page_title(office, coord_server):
    page = office
    page.goto(coord_server.url + "/")
    expect(page).to_have_title("Logga in – Samlast")
    login(page, coord_server, "coord")
    expect(page).to_have_title("Dagens rutter – Samlast")
    tabs = (
        ("lists", "Listor"),
        ("impact", "Effekter"),
        ("region", "Region"),
        ("learned", "Inlärda tider"),
        ("today", "Dagens rutter"),
    )
    for tab, title in tabs:
        page.get_by_test_id(f"tab-{tab}").click()
        expect(page).to_have_title(f"{title} – Samlast")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("lang-en").click()
    expect(page).to_have_title("Lists – Samlast")
    page.go_back()
    expect(page).to_have_title("Today's routes – Samlast")
    page.get_by_test_id("lang-sv").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_title("Logga in – Samlast")
    for user, title in (("kok-berga", "Mina leveranser"), ("agarden", "Min verksamhet"), ("forare", "Dagens rutt")):
        login(page, coord_server, user)
        expect(page).to_have_title(f"{title} – Samlast")
        page.get_by_test_id("logout").click()


def test_the_coordinator_page_fits_a_phone(phone, coord_server, tmp_path):
    _todays_plan(coord_server)
    page = phone
    login(page, coord_server, "coord")
    page.get_by_test_id("plan-date").fill(TODAY.isoformat())
    expect(page.get_by_test_id("route").first).to_be_visible()
    expect(page.get_by_test_id("route-stop").first).to_be_visible()
    _no_sideways_scroll(page)
    _badges_whole(page, "[data-testid=stop-status]")
    save_screenshot(page, "coordinator-phone.png")
    _scroll_to(page, "route")
    save_screenshot(page, "coordinator-routes-phone.png")

    page.get_by_test_id("plan-button").click()
    expect(page.get_by_test_id("replan-confirm")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_test_id("replan-no").click()

    page.get_by_test_id("tab-lists").click()
    expect(page.get_by_test_id("list-row").first).to_be_visible()
    _no_sideways_scroll(page)
    _badges_whole(page, "[data-testid=order-status]")
    _scroll_to(page, "list-count")
    save_screenshot(page, "coordinator-lists-phone.png")

    page.get_by_test_id("list-tab-delivery_points").click()
    expect(page.get_by_test_id("list-row").first).to_be_visible()
    csv = tmp_path / "kok.csv"
    csv.write_text(BAD_POINTS, encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(csv))
    page.get_by_test_id("import-button").click()
    expect(page.get_by_test_id("import-error-row").first).to_be_visible()
    _no_sideways_scroll(page)
    _scroll_to(page, "import-error")
    save_screenshot(page, "coordinator-import-errors-phone.png")
    # (The impact tab is another helper's: its own test checks it.)
    page.get_by_test_id("tab-learned").click()
    page.wait_for_timeout(500)
    _no_sideways_scroll(page)


def test_the_change_log_lists_who_changed_what_and_exports_it(office, coord_server):
    point = next(p for p in coord_server.api("GET", "/delivery-points/") if p["external_id"] == "DP-H1")
    renamed = point["name"] + " (nytt kök)"
    coord_server.api("PATCH", f"/delivery-points/{point['id']}", {"name": renamed})
    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-audit").click()
    expect(page.get_by_test_id("audit-csv")).to_be_visible()
    expect(page.get_by_test_id("import-button")).to_have_count(0)  # a log is not imported
    row = page.get_by_test_id("list-row").filter(has_text=renamed).first
    expect(row).to_contain_text("Ändrad")
    expect(row).to_contain_text(f"Leveransställe {point['id']}")
    expect(row).to_contain_text(f"Namn: {point['name']} → {renamed}")
    _no_sideways_scroll(page)
    save_screenshot(page, "coordinator-change-log-desktop.png")
    with page.expect_download() as download:
        page.get_by_test_id("audit-csv").click()
    saved = download.value.path().read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf") and renamed.encode() in saved


def test_the_suppliers_list_offers_their_deliveries_to_the_terminal_as_csv(office, coord_server):
    page = office
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-suppliers").click()
    panel = page.get_by_test_id("supplier-follow-up")
    expect(panel).to_contain_text("Leverantörernas inleveranser")
    with page.expect_download() as download:
        panel.get_by_test_id("supplier-follow-up-csv").click()
    assert download.value.suggested_filename == "leverantorsuppfoljning.csv"
    saved = download.value.path().read_bytes().decode("utf-8-sig")
    assert saved.startswith("Leverantör;Vecka;Leveranser till terminalen;I tid (före första turens avgång)")
