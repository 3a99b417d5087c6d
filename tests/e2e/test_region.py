"""The coordinator's region page on the synthetic Skåne region (`flask samlast demo --region skane`):
the options of a finished analysis on a map beside the table, a municipality that pays more than
alone in bold, a new run with its progress bar. Headless Chromium at a desk (1440 px) and on a phone.
Saves region-desktop.png (docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.waiting import wait_for_job

from .conftest import PASSWORD, PHONE, Server, cluster_today, login, running, save_readme_screenshot, save_screenshot

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
GROUPS = {
    "Mellersta Skåne": ["Eslöv", "Hörby", "Höör", "Kävlinge"],
    "Sydvästra Skåne": ["Trelleborg", "Skurup", "Svedala"],
    "6K": ["Klippan", "Bjuv", "Perstorp", "Svalöv", "Åstorp", "Örkelljunga"],
}


@pytest.fixture(scope="module")
def region_server(request, built_pwa, tmp_path_factory) -> Server:
    """A server of its own with the synthetic region and one finished analysis (one sampled day, short
    solver limits: the page is under test here, bench/region.py times the full answer)."""
    server = Server(instance=tmp_path_factory.mktemp("region"))
    server.flask("db", "upgrade")
    monday = cluster_today() - timedelta(days=cluster_today().weekday())
    server.flask("samlast", "demo", "--region", "skane", "--start", monday.isoformat(), timeout_s=300)
    server.flask("samlast", "create-user", "coord", "--role", "coordinator", "--password", PASSWORD)
    running(request, server)
    server.token = server.api("POST", "/auth/login", {"username": "coord", "password": PASSWORD})["token"]
    run = server.api("POST", "/region/runs", {
        "name": "Skåne, tre grupper", "date_from": monday.isoformat(),
        "date_to": (monday + timedelta(days=13)).isoformat(), "sample_days": 1, "time_limit_s": 0.1,
        "clusters": [{"name": name, "municipalities": towns} for name, towns in GROUPS.items()],
    })  # fmt: skip
    done = wait_for_job(server.api, f"/region/runs/{run['id']}", timeout_s=600)
    assert done["status"] == "succeeded", done["message"]
    return server


def test_the_options_on_a_map_beside_the_table(new_page, region_server):
    page = new_page(WIDE)
    login(page, region_server, "coord")
    page.get_by_test_id("tab-region").click()
    result = page.get_by_test_id("region-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("Skåne, tre grupper")
    options = page.get_by_test_id("region-options")
    expect(options).to_contain_text("Varje kommun för sig")
    expect(options).to_contain_text("De namngivna grupperna")
    expect(options).to_contain_text("Optimerad gruppering")
    expect(options).to_contain_text("Fria leveranser (i dag)")
    # The optimized grouping first: its terminals on the map, its municipalities in the table.
    sites = page.locator("[data-testid=region-map] .cregion-site")
    expect(sites.first).to_be_visible()
    expect(sites).to_have_count(len(_option(region_server, "optimized")["groups"]))
    municipalities = page.get_by_test_id("region-municipalities")
    expect(municipalities.locator("tbody tr:not(.cregion-terminal-row)")).to_have_count(13)
    expect(municipalities).to_contain_text("Optimerad gruppering")

    # Every municipality alone: a terminal per municipality (some share a site's place).
    page.get_by_role("button", name="Varje kommun för sig").click()
    expect(municipalities).to_contain_text("Varje kommun för sig")
    alone_sites = {g["site"] for g in _option(region_server, "alone")["groups"]}
    expect(sites).to_have_count(len(_option(region_server, "alone")["groups"]))
    assert len(alone_sites) >= 3

    page.get_by_role("button", name="De namngivna grupperna").click()
    expect(municipalities).to_contain_text("De namngivna grupperna")
    expect(sites).to_have_count(3)
    worse = _option(region_server, "named")["pays_more_than_alone"]
    expect(municipalities.locator(".cregion-flag")).to_have_count(len(worse))
    for name in worse:
        expect(municipalities.locator("tr.cregion-worse", has_text=name)).to_contain_text("betalar mer")

    page.set_viewport_size({"width": 1440, "height": 1250})  # the table and the whole map in one picture
    page.wait_for_timeout(800)  # the map settles its size
    result.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 10)")
    page.wait_for_timeout(300)
    save_readme_screenshot(page, "region-desktop.png")

    # In English, every word from the other table.
    page.get_by_test_id("lang-en").click()
    expect(options).to_contain_text("Every municipality alone")
    expect(options).to_contain_text("Free delivery (today)")
    expect(municipalities).to_contain_text("What each municipality pays a year: The named clusters")
    page.get_by_test_id("lang-sv").click()


def test_a_new_run_shows_its_progress_and_a_bad_cluster_line_is_named(new_page, region_server):
    page = new_page(PHONE, phone=True)
    login(page, region_server, "coord")
    page.goto(region_server.url + "/#coordinator/region")
    form = page.get_by_test_id("region-form")
    expect(form).to_be_visible(timeout=20_000)
    page.get_by_test_id("region-clusters").fill("6K Klippan Bjuv")
    page.get_by_test_id("region-start").click()
    expect(form.get_by_role("alert")).to_have_text(
        "Rad 1 går inte att läsa som grupp: ”6K Klippan Bjuv”. Skriv till exempel ”6K: Klippan, Bjuv”."
    )
    before = len(region_server.api("GET", "/region/runs"))
    page.get_by_test_id("region-clusters").fill("6K: Klippan, Bjuv, Perstorp, Svalöv, Åstorp, Örkelljunga")
    page.get_by_test_id("region-max-sites").select_option("2")
    page.get_by_test_id("region-start").click()
    expect(page.get_by_test_id("region-progress")).to_be_visible()
    runs = region_server.api("GET", "/region/runs")
    assert len(runs) == before + 1
    assert runs[0]["parameters"]["max_sites"] == 2
    assert runs[0]["parameters"]["clusters"] == [{"name": "6K", "municipalities": GROUPS["6K"]}]
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    page.get_by_test_id("region-progress").scroll_into_view_if_needed()
    save_screenshot(page, "region-phone.png")


def test_groups_typed_while_the_sites_arrive_are_kept(new_page, region_server):
    """The form is drawn before the sites and runs arrive, and drawn again when they do. Before, that
    redraw took the keyboard from the groups field and the letters after it went nowhere (a CI run
    started an analysis without the groups typed). The sites are held here until typing has begun."""
    page = new_page(PHONE, phone=True)
    login(page, region_server, "coord")
    expect(page.get_by_test_id("role")).to_have_text("Samordnare")
    held = []
    page.route("**/api/v1/region/sites", lambda route: held.append(route))
    page.goto(region_server.url + "/#coordinator/region")
    field = page.get_by_test_id("region-clusters")
    field.click()
    page.keyboard.type("6K Klip")
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_test_id("region-sites")).to_be_visible()

    page.keyboard.type("pan Bjuv")
    expect(field).to_be_focused()
    expect(field).to_have_value("6K Klippan Bjuv")


def _latest(server: Server) -> dict:
    runs = [r for r in server.api("GET", "/region/runs") if r["status"] == "succeeded"]
    return server.api("GET", f"/region/runs/{runs[0]['id']}")


def _option(server: Server, kind: str) -> dict:
    return next(o for o in _latest(server)["result"]["options"] if o["kind"] == kind)
