"""The coordinator's desk in headless Chromium at desktop size against a real Flask server:
the impact analysis with its charts and cost split, the Today view of a planned date (routes on
the map, unassigned jobs with their reason in plain words), and a CSV import with errors that
shows the row/column report and imports nothing. Saves the two desktop screenshots in docs/."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import Server, login, save_screenshot

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1440, "height": 900}
TOMORROW = date.today() + timedelta(days=1)


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
def coord_server(server, tmp_path_factory) -> Iterator[Server]:
    """A copy of the seeded server with a second municipality (Hörby) and a kitchen that does
    not receive goods on tomorrow's weekday, so tomorrow's plan has an unassigned job."""
    instance = tmp_path_factory.mktemp("instance")
    shutil.copytree(
        server.instance, instance, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log")
    )
    own = Server(instance=instance, token=server.token, extra_env={"PLANNING_TIME_LIMIT_S": "1"})
    own.start()
    vehicle = next(v for v in own.api("GET", "/vehicles/") if v["external_id"] == "V-1")
    own.api(
        "PATCH",
        f"/vehicles/{vehicle['id']}",
        {
            "compartments": [
                {"temperature_class": t, "capacity_kg": 4000, "capacity_pallets": 8}
                for t in ("frozen", "chilled", "ambient")
            ]
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
            (date.today(), "S-1", f"{external_id}-A"),
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
    yield own
    own.stop()


@pytest.fixture
def desk(browser):
    """A desktop-sized browser profile; map tiles are refused, the page must work without."""
    context = browser.new_context(
        viewport=DESKTOP, device_scale_factor=1, locale="sv-SE", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    yield page
    page.close()
    context.close()


def test_impact_analysis_shows_charts_and_cost_split(desk, coord_server):
    page = desk
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-impact").click()
    expect(page.get_by_test_id("impact-form")).to_be_visible()
    page.get_by_label("Namn").fill("Två dagar")
    page.get_by_test_id("impact-from").fill(date.today().isoformat())
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
    expect(result).to_contain_text(f"{date.today().isoformat()} – {TOMORROW.isoformat()}")
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
    assert "Kommun;Ensam;Per leverans;Per kg;Per km ensam;Shapley;Betalar mer än ensam med" in csv
    for raw in ("vehicle_km", "deliveries", "co2e_kg", "baseline", "coordinated", "fixed_2_per_week"):
        assert raw not in csv, raw

    page.get_by_test_id("impact-result").evaluate("(el) => window.scrollTo(0, el.offsetTop - 8)")
    page.wait_for_timeout(300)  # charts drawn
    save_screenshot(page, "impact-desktop.png")


def test_today_shows_routes_and_unassigned_for_a_planned_date(desk, coord_server):
    page = desk
    login(page, coord_server, "coord")
    expect(page.get_by_test_id("today")).to_be_visible()
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
    expect(job).to_contain_text("tar inte emot varor den här veckodagen")
    expect(page.get_by_test_id("plan-button")).to_have_text("Planera om")

    plan = coord_server.api("GET", f"/plans/current?date={TOMORROW.isoformat()}")
    expect(page.get_by_test_id("route")).to_have_count(len(plan["routes"]))
    expect(page.get_by_test_id("route-stop")).to_have_count(sum(len(r["stops"]) for r in plan["routes"]))

    # English switch: the same page in English, reasons too
    page.get_by_test_id("lang-en").click()
    expect(job).to_contain_text("does not receive goods on this weekday")
    page.get_by_test_id("lang-sv").click()
    expect(job).to_contain_text("tar inte emot varor")

    expect(page.get_by_test_id("coordinator-live")).to_have_text("Live")
    page.get_by_test_id("plan-progress").evaluate("(el) => window.scrollTo(0, el.offsetTop - 8)")
    page.wait_for_timeout(300)
    save_screenshot(page, "coordinator-desktop.png")


BAD_POINTS = (
    "external_id,name,kind,municipality,lat,lon,windows\n"
    "DP-OK-1,Nya köket,school_kitchen,Eslöv,55.84,13.30,mon-fri 07:00-10:00\n"
    "DP-BAD-2,Fel typ,restaurant,Eslöv,55.84,13.30,\n"
    "DP-BAD-3,Okänd kommun,preschool,Ingenstans,55.84,13.30,\n"
)


def test_csv_import_with_errors_shows_the_report_and_imports_nothing(desk, coord_server, tmp_path):
    page = desk
    login(page, coord_server, "coord")
    page.get_by_test_id("tab-lists").click()
    page.get_by_test_id("list-tab-delivery_points").click()
    expect(page.get_by_test_id("list-row").first).to_be_visible()
    before = len(coord_server.api("GET", "/delivery-points/"))
    expect(page.get_by_test_id("list-row")).to_have_count(before)

    page.get_by_test_id("list-search").fill("Hörby")
    expect(page.get_by_test_id("list-row")).to_have_count(1)
    page.get_by_test_id("list-search").fill("")

    csv = tmp_path / "kok.csv"
    csv.write_text(BAD_POINTS, encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(csv))
    page.get_by_test_id("import-button").click()

    report = page.get_by_test_id("import-error")
    expect(report).to_contain_text("Ingenting importerades")
    rows = page.get_by_test_id("import-error-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any(t.startswith("3") and "kind" in t for t in texts), texts
    assert any(t.startswith("4") and "municipality" in t for t in texts), texts

    points = coord_server.api("GET", "/delivery-points/")
    assert len(points) == before
    assert not [p for p in points if p["external_id"] in ("DP-OK-1", "DP-BAD-2", "DP-BAD-3")]
