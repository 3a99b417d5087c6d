"""The coordinator picks a scenario preset on a phone (390 px, sv-SE) and reads why its figures
come out as they do: the preset's reasons, the waterfall of the CO2e change and the tornado of
the assumptions that decide it. Saves screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, login, save_readme_screenshot, save_screenshot
from .test_impact_decomposition import _no_sideways_scroll, _scroll_to

pytestmark = pytest.mark.e2e


def test_phone_runs_a_preset_and_shows_waterfall_and_tornado(new_page, own_server):
    page = new_page(PHONE, phone=True)
    login(page, own_server, "coord")
    page.get_by_test_id("tab-impact").click()
    expect(page.get_by_test_id("impact-form")).to_be_visible()
    choice = page.get_by_test_id("impact-preset")
    expect(choice.locator("option")).to_have_text(
        [
            "Terminalens beställningar för datumen ovan",
            "Som i Växjö: många leverantörer, två fasta dagar",
            "Som på Södertörn: förnybar diesel i samdistributionen",
            "Som i Borlänge: tidskrav håller fyllnadsgraden nere",
        ]
    )
    choice.select_option("sodertorn")
    why = page.get_by_test_id("impact-preset-why")
    expect(why).to_contain_text("Terminalens bilar går på HVO100")
    expect(why).to_contain_text("datumen ovan används då inte")
    _no_sideways_scroll(page)
    _scroll_to(page, "impact-preset")
    save_screenshot(page, "impact-preset-choice-phone.png")
    page.get_by_test_id("impact-limit").fill("0,3")
    page.get_by_test_id("impact-start").click()
    expect(page.get_by_test_id("impact-result")).to_be_visible(timeout=120_000)

    expect(page.get_by_test_id("impact-preset-note")).to_contain_text(
        "Förinställt scenario: Som på Södertörn: förnybar diesel i samdistributionen"
    )
    expect(page.locator("[data-testid=impact-waterfall] canvas")).to_have_count(2)
    tornado = page.get_by_test_id("impact-tornado")
    expect(tornado).to_contain_text("Vilka antaganden avgör utsläppsminskningen?")
    values = page.get_by_test_id("tornado-values")
    expect(values.locator("li")).to_have_count(5)
    # The widest bar first: on Södertörn it is the fuel of the terminal's trucks.
    first = values.locator("li").first.inner_text()
    assert re.fullmatch(
        r"Terminalbilarnas bränsle \(HVO100 \(förnybar diesel\)–Diesel\): "
        r"−[67]\d\u00a0% vid lågt värde, [−+]?\d+\u00a0% vid högt",
        first,
    ), first
    label = page.get_by_test_id("tornado-chart").get_attribute("aria-label") or ""
    assert label.startswith("Vilka antaganden avgör utsläppsminskningen?: Terminalbilarnas bränsle −"), label
    box = page.get_by_test_id("tornado-chart").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] > 150
    view = page.get_by_test_id("impact-result").inner_text()
    for code in ("cluster_share", "fleet_energy", "sodertorn", "hvo100", "impact.", "undefined", "NaN"):
        assert code not in view, code
    _no_sideways_scroll(page)
    _scroll_to(page, "impact-tornado")
    save_readme_screenshot(page, "impact-tornado-phone.png")
    _scroll_to(page, "impact-preset-note")
    save_readme_screenshot(page, "impact-preset-phone.png")
