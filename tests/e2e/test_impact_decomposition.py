"""The coordinator's impact page on a phone (390 px) in headless Chromium: why the figures change
(waterfalls of the CO2e and the cost change, their numbers in words under them) and the cost split
with the nucleolus and the equal-profit split beside Shapley; no sideways scrolling. Saves
screenshots in test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, Server, cluster_today, copy_server, login, save_screenshot

pytestmark = pytest.mark.e2e

TODAY = cluster_today()


@pytest.fixture(scope="module")
def two_towns(request) -> Server:
    """A copy of the seeded server with a second municipality (Hörby) ordering today."""
    own = copy_server(request)
    cluster = own.api("GET", "/clusters/")[0]
    horby = own.api("POST", "/municipalities/", {"cluster_id": cluster["id"], "name": "Hörby"})
    supplier = next(s["id"] for s in own.api("GET", "/suppliers/") if s["external_id"] == "S-1")
    point = own.api(
        "POST",
        "/delivery-points/",
        {
            "external_id": "DP-H1",
            "name": "Hörby skolkök",
            "kind": "school_kitchen",
            "municipality_id": horby["id"],
            "lat": 55.852,
            "lon": 13.661,
            "receiving_windows": [{"weekday": d, "start": "06:00", "end": "14:00"} for d in range(7)],
        },
    )
    own.api(
        "POST",
        "/orders/",
        {
            "external_id": "DP-H1-A",
            "delivery_point_id": point["id"],
            "supplier_id": supplier,
            "requested_date": TODAY.isoformat(),
            "lines": [
                {"article": "Morötter", "quantity": 5, "unit": "säck", "weight_kg": 60,
                 "pallet_places": 0.5, "temperature_class": "ambient"},
            ],  # fmt: skip
        },
    )
    return own


# The elements past the right edge that no scrolling box holds: the culprits, named in the failure.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter((el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return false;
    }
    return true;
  })
  .slice(0, 5)
  .map((el) => `${el.tagName}.${el.className} ${el.getAttribute('data-testid') || ''}`
    + ` ${Math.round(el.getBoundingClientRect().right)}`)"""


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    wide = page.evaluate(WIDE_ELEMENTS)
    assert width[0] == width[1], f"the page scrolls sideways: scrollWidth {width[0]} > clientWidth {width[1]}: {wide}"


def _scroll_to(page, testid: str) -> None:
    page.get_by_test_id(testid).first.evaluate(
        "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8)"
    )
    page.wait_for_timeout(300)  # charts drawn


def test_phone_shows_why_the_figures_change_and_every_cost_split(new_page, two_towns):
    page = new_page(PHONE, phone=True)
    login(page, two_towns, "coord")
    page.get_by_test_id("tab-impact").click()
    expect(page.get_by_test_id("impact-form")).to_be_visible()
    page.get_by_label("Namn").fill("I dag")
    page.get_by_test_id("impact-from").fill(TODAY.isoformat())
    page.get_by_test_id("impact-to").fill(TODAY.isoformat())
    page.get_by_test_id("impact-limit").fill("0,2")
    # The cost assumptions: empty keeps the default (the placeholder); a wrong one is refused in place.
    page.get_by_test_id("impact-rates").locator("summary").click()
    expect(page.get_by_test_id("impact-rate-admin")).to_have_attribute("placeholder", "100")
    page.get_by_test_id("impact-rate-admin").fill("hundra")
    page.get_by_test_id("impact-start").click()
    expect(page.get_by_test_id("impact-rate-admin-error")).to_contain_text("Skriv ett tal mellan 0 och 10")
    expect(page.get_by_test_id("impact-rate-admin")).to_be_focused()
    expect(page.get_by_test_id("impact-progress")).to_have_count(0)
    _no_sideways_scroll(page)
    _scroll_to(page, "impact-rates")
    save_screenshot(page, "impact-rates-phone.png")
    page.get_by_test_id("impact-rate-admin").fill("80")
    page.get_by_test_id("impact-rate-fixed").fill("1 500")
    page.get_by_test_id("impact-start").click()
    expect(page.get_by_test_id("impact-result")).to_be_visible(timeout=90_000)

    why = page.get_by_test_id("impact-decomposition")
    expect(why).to_contain_text("Varför utsläppen och kostnaden ändras")
    expect(page.locator("[data-testid=impact-waterfall] canvas")).to_have_count(2)
    co2 = page.get_by_test_id("waterfall-co2-values")
    # Today, the three causes, coordinated: Swedish words, numbers with a unit.
    expect(co2.locator("dt")).to_have_text(
        ["I dag", "Körsträcka", "Fyllnadsgrad", "Renare fordon och bränslen", "Samordnat"]
    )
    expect(co2.locator("dd").first).to_contain_text("kg")
    cost = page.get_by_test_id("waterfall-cost-values")
    expect(cost.locator("dt")).to_have_text(["I dag", "Transport", "Terminalhantering", "Administration", "Samordnat"])
    expect(cost.locator("dd").last).to_contain_text("kr")
    label = page.get_by_test_id("waterfall-co2").get_attribute("aria-label") or ""
    assert label.startswith("Utsläpp, kg CO2e per vecka: I dag ") and "Fyllnadsgrad" in label
    explained = page.get_by_test_id("decomposition-explained")
    expect(explained).to_contain_text("Fyllnadsgrad: fler kilo varor per tur")
    expect(explained).to_contain_text("80 kr per leverans")
    expect(explained).to_contain_text("1\u00a0500 kr per vecka")
    expect(explained).to_contain_text("0,4 kr per kg")
    # The chart fits the phone: the canvas is no wider than its card.
    box = page.get_by_test_id("waterfall-co2").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] > 150
    _no_sideways_scroll(page)
    _scroll_to(page, "impact-decomposition")
    save_screenshot(page, "impact-decomposition-phone.png")
    _scroll_to(page, "waterfall-cost-values")
    save_screenshot(page, "impact-decomposition-cost-phone.png")

    table = page.get_by_test_id("cost-split-table")
    expect(table.locator("thead th")).to_have_text(
        ["Kommun", "Ensam", "Per leverans", "Per kg", "Per km ensam", "Shapley", "Nukleolus", "Lika vinst"]
    )
    expect(page.get_by_test_id("cost-split-row")).to_have_count(2)
    split = page.get_by_test_id("cost-split-explained")
    expect(split).to_contain_text("Nukleolus: fördelningen som gör den minsta besparingen")
    expect(split).to_contain_text("Lika vinst: varje kommun sparar")
    view = page.get_by_test_id("impact-result").inner_text()
    for code in ("equal_profit", "nucleolus", "fill_rate", "terminal_handling", "impact.", "undefined", "NaN"):
        assert code not in view, code
    _no_sideways_scroll(page)
    _scroll_to(page, "cost-split")
    save_screenshot(page, "impact-cost-split-phone.png")
