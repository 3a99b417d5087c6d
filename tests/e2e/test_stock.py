"""The emergency stock in Chromium: the coordinator sees days of supply and a warning below the
minimum level, puts a batch near its date into the next delivery, and covers a supplier that did
not come from stock, at phone size and on the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, Server, cluster_today, login, save_screenshot

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def stock_server(server_copy) -> Server:
    """Bergaskolan ordered 10 säck Vetemjöl three days ago; the stock holds 6 säck of it, 4 of them
    best before in five days; care homes and school kitchens must be covered for 1 day."""
    own = server_copy(extra_env={"PLANNING_TIME_LIMIT_S": "1"})
    points = {p["external_id"]: p for p in own.api("GET", "/delivery-points/")}
    suppliers = {s["external_id"]: s for s in own.api("GET", "/suppliers/")}
    today = cluster_today()
    own.api("POST", "/orders/", {
        "external_id": "PAST-1", "delivery_point_id": points["DP-1"]["id"], "supplier_id": suppliers["S-1"]["id"],
        "requested_date": (today - timedelta(days=3)).isoformat(),
        "lines": [{"article": "Vetemjöl", "quantity": 10, "unit": "säck", "weight_kg": 50, "pallet_places": 0.1,
                   "temperature_class": "ambient"}],
    })  # fmt: skip
    own.api("POST", "/stock/articles", {
        "article": "Vetemjöl", "unit": "säck", "temperature_class": "ambient", "weight_kg_per_unit": 5,
        "batches": [{"quantity": 4, "best_before": (today + timedelta(days=5)).isoformat()},
                    {"quantity": 2, "best_before": (today + timedelta(days=200)).isoformat()}],
    })  # fmt: skip
    own.api("PUT", "/stock/minimums", {"minimums": [{"kind": "school_kitchen", "days": 1}]})
    return own


def test_the_coordinator_keeps_the_emergency_stock_on_a_phone(new_page, stock_server):
    page = new_page(PHONE, phone=True)
    login(page, stock_server, "coord")
    page.get_by_test_id("tab-stock").click()
    expect(page).to_have_title("Beredskapslager – Samlast")
    article = page.get_by_test_id("stock-article")
    expect(article).to_have_count(1)
    expect(article.get_by_test_id("stock-quantity")).to_have_text("6 säck")
    expect(article.get_by_test_id("stock-days")).to_have_text("0,6 dagar")  # 6 of 10 a delivery day
    expect(page.get_by_test_id("stock-below")).to_contain_text(
        "Vetemjöl: 6 säck i lager, minst 10 säck behövs enligt miniminivåerna."
    )
    proposal = page.get_by_test_id("stock-proposal")
    expect(proposal).to_contain_text("4 säck Vetemjöl, bäst före")
    expect(proposal).to_contain_text("5 dagar kvar")
    expect(proposal).to_contain_text("Förslag: med leveransen till Bergaskolan kök")
    expect(proposal).to_contain_text("Köp in 4 säck som ersättning.")
    proposal.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -80)")
    save_screenshot(page, "coordinator-stock-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    proposal.get_by_test_id("stock-add-to-delivery").click()
    expect(page.get_by_test_id("stock-notice-proposals")).to_contain_text(
        "Tillagt: 4 säck Vetemjöl till Bergaskolan kök"
    )
    expect(page.get_by_test_id("stock-quantity")).to_have_text("2 säck")
    expect(page.get_by_test_id("stock-proposal")).to_have_count(0)


def test_a_crisis_day_is_covered_from_stock_after_a_preview(new_page, stock_server):
    page = new_page(DESKTOP)
    login(page, stock_server, "coord")
    page.get_by_test_id("tab-stock").click()
    crisis = page.get_by_test_id("stock-crisis")
    crisis.get_by_test_id("crisis-supplier").select_option(label="Grossisten AB")
    crisis.get_by_test_id("crisis-preview").click()
    covered = crisis.get_by_test_id("crisis-covered").locator("li")
    soon, later = (cluster_today() + timedelta(days=5)).isoformat(), (cluster_today() + timedelta(days=200)).isoformat()
    expect(covered).to_have_text(
        [f"Bergaskolan kök: 4 säck Vetemjöl, bäst före {soon}", f"Bergaskolan kök: 1 säck Vetemjöl, bäst före {later}"]
    )  # oldest batch first
    expect(crisis.get_by_test_id("crisis-uncovered")).to_contain_text("Bergaskolan kök: 40 liter Mjölk 1,5 %")
    expect(page.get_by_test_id("stock-quantity")).to_have_text("6 säck")  # a preview takes nothing
    crisis.scroll_into_view_if_needed()
    save_screenshot(page, "coordinator-stock-crisis-desktop.png")
    crisis.get_by_test_id("crisis-confirm").click()
    expect(page.get_by_test_id("stock-notice-crisis")).to_have_text("2 rader täcks från lagret; dagen planeras om.")
    expect(page.get_by_test_id("stock-quantity")).to_have_text("1 säck")
    issued = stock_server.api("GET", f"/orders/?date={cluster_today().isoformat()}")
    from_stock = [o for o in issued if o["external_id"].startswith("BEREDSKAP-")]
    assert [(line["article"], line["quantity"]) for o in from_stock for line in o["lines"]] == [
        ("Vetemjöl", 4),
        ("Vetemjöl", 1),
    ]


def test_the_coordinator_corrects_the_stock_and_narrows_the_proposals(new_page, stock_server):
    """A stock count corrects a batch, a new batch is put in, the proposals' window is narrowed,
    and the basis of the days of supply is explained on screen; on the desk and on a phone."""
    desk = new_page(DESKTOP)
    login(desk, stock_server, "coord")
    desk.get_by_test_id("tab-stock").click()
    expect(desk.get_by_test_id("stock-basis")).to_contain_text("antal i lager ÷ vad kommunens mottagare beställt")
    expect(desk.get_by_test_id("stock-below")).to_be_visible()
    expect(desk.get_by_test_id("stock-proposal")).to_have_count(1)
    save_screenshot(desk, "coordinator-stock-desktop.png")
    desk.get_by_test_id("stock-article").scroll_into_view_if_needed()
    save_screenshot(desk, "coordinator-stock-articles-desktop.png")
    # The window narrowed while nothing else is loading: typed during the reload that a language
    # switch starts, the field could be replaced between Playwright's focus and its typing, and the
    # 3 was lost (2 of 3 runs under CI load failed that way, after two fixes that waited instead).
    desk.get_by_test_id("stock-rotation").fill("3")
    desk.get_by_test_id("stock-rotation").dispatch_event("change")
    expect(desk.get_by_test_id("stock-proposal")).to_have_count(0)
    expect(desk.get_by_text("Inget parti går ut inom 3 dagar.")).to_be_visible()
    # In English, every word of the tab, the editor included; the narrowed window stays.
    desk.get_by_test_id("lang-en").click()
    desk.get_by_test_id("stock-edit").locator("summary").click()
    expect(desk.get_by_test_id("stock-basis")).to_contain_text("How it is counted: days of supply")
    expect(desk.get_by_test_id("stock-edit")).to_contain_text("Save the batch")
    expect(desk.get_by_text("No batch expires within 3 days.")).to_be_visible()
    view = desk.get_by_test_id("stock-view").inner_text()
    assert "stock." not in view and "Spara" not in view and "Lägg" not in view, view
    desk.get_by_test_id("stock-edit").scroll_into_view_if_needed()
    save_screenshot(desk, "coordinator-stock-edit-desktop-en.png")
    desk.get_by_test_id("lang-sv").click()
    expect(desk.get_by_test_id("stock-basis")).to_contain_text("antal i lager ÷ vad kommunens mottagare beställt")

    page = new_page(PHONE, phone=True)
    login(page, stock_server, "coord")
    page.get_by_test_id("tab-stock").click()
    article = page.get_by_test_id("stock-article")
    article.get_by_test_id("stock-edit").locator("summary").click()
    first = article.get_by_test_id("stock-batch-edit").first
    first.get_by_test_id("stock-batch-quantity").fill("3")
    first.get_by_test_id("stock-batch-save").click()
    expect(article.get_by_test_id("stock-quantity")).to_have_text("5 säck")
    expect(page.get_by_text("Partiet är ändrat.")).to_be_visible()
    soon = (cluster_today() + timedelta(days=30)).isoformat()
    article.get_by_test_id("stock-batch-new-quantity").fill("4")
    article.get_by_test_id("stock-batch-new-best-before").fill(soon)
    article.get_by_test_id("stock-batch-add").click()
    expect(article.get_by_test_id("stock-quantity")).to_have_text("9 säck")
    expect(article.get_by_test_id("stock-batch-edit")).to_have_count(3)  # the editor stays open
    article.get_by_test_id("stock-edit").scroll_into_view_if_needed()
    save_screenshot(page, "coordinator-stock-edit-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_each_terminal_keeps_its_own_stock(new_page, stock_server):
    """With a second terminal the tab asks which one; each shows, and adds to, its own stock."""
    cluster_id = stock_server.api("GET", "/terminals/")[0]["cluster_id"]
    second = stock_server.api(
        "POST", "/terminals/", {"cluster_id": cluster_id, "name": "Hörby terminal", "lat": 55.85, "lon": 13.66}
    )
    page = new_page(PHONE, phone=True)
    login(page, stock_server, "coord")
    page.get_by_test_id("tab-stock").click()
    expect(page.get_by_test_id("stock-article")).to_have_count(1)  # the first terminal's Vetemjöl
    page.get_by_test_id("stock-terminal").select_option(label="Hörby terminal")
    expect(page.get_by_test_id("stock-article")).to_have_count(0)
    expect(page.get_by_test_id("stock-view")).to_contain_text("Inget i beredskapslagret ännu.")
    save_screenshot(page, "coordinator-stock-second-terminal-phone.png")
    second_stock = stock_server.api("GET", f"/stock/?terminal_id={second['id']}")
    assert second_stock["articles"] == []
