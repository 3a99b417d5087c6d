"""The coordinator's "Uppföljning" tab on a phone (390 px, sv-SE) in headless Chromium: a stored
monthly follow-up shows its figures against free delivery, the settlement per municipality under
the rule picked (another rule changes the amounts, the total stays, a municipality paying more than
alone is marked), the local share per month, and downloads the CSV; producing a month on demand
lists it; the tender data pack of a product area downloads as a zip, a too small lot size is
refused in words. Saves followup-phone.png (docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, ROOT, Server, login, save_readme_screenshot, save_screenshot

pytestmark = pytest.mark.e2e

# Two months stored the way services.followup.run_report stores them, from the pure figures of a
# small month (the records of tests/unit/test_followup.py), in a process against the server's DB.
SEED = """
from datetime import date, timedelta
from samlast import create_app
from samlast.extensions import db
from samlast.impact import followup as fu
from samlast.models import FollowupReport, JobStatus
from samlast.models.base import utcnow
from samlast.services import planning
from tests.unit.test_followup import _records

with create_app().app_context():
    terminal = planning.default_terminal()
    for month, shift in ((date(2026, 10, 1), -31), (date(2026, 11, 1), 0)):
        stops, routes, baseline = _records()
        move = lambda d: d + timedelta(days=shift)
        stops = [fu.DeliveredStop(move(s.day), s.point, s.point_name, s.municipality, s.on_time, s.kg_by_area,
                                  s.local_kg_by_area if shift == 0 else {}, s.deviations) for s in stops]
        routes = [fu.DrivenRoute(move(r.day), r.vehicle, r.km, r.gps, r.cost, r.co2e_kg, r.coalition_km)
                  for r in routes]
        baseline = [fu.BaselineDay(move(b.day), b.deliveries, b.km, b.co2e_kg, b.cost, b.deliveries_by_point)
                    for b in baseline]
        result = fu.follow_up(stops, routes, baseline, "shapley")
        first, last = month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        result["period"] = {"from": first.isoformat(), "to": last.isoformat()}
        db.session.add(FollowupReport(month=month, terminal_id=terminal.id, rule="shapley", scheduled=True,
                                      status=JobStatus.SUCCEEDED, progress=1.0, result=result,
                                      message="progress.followup.done", message_params={"n": 20},
                                      finished_at=utcnow()))
    db.session.commit()
"""


@pytest.fixture
def stored(own_server: Server) -> Server:
    """Two stored months, and a product area (Mejeri) with an order line of it today."""
    area = own_server.api("POST", "/product-areas/", {"name": "Mejeri", "temperature_class": "chilled"})
    order = own_server.api("GET", "/orders/")[0]
    own_server.api("POST", "/orders/", {
        "external_id": "O-MEJERI", "delivery_point_id": order["delivery_point_id"], "supplier_id": order["supplier_id"],
        "requested_date": order["requested_date"],
        "lines": [{"article": "Mjölk", "quantity": 60, "unit": "liter", "weight_kg": 62, "pallet_places": 0.2,
                   "temperature_class": "chilled", "product_area_id": area["id"]}],
    })  # fmt: skip
    own_server.area_id = area["id"]
    subprocess.run([sys.executable, "-c", SEED], env=own_server.env(), cwd=ROOT, check=True, capture_output=True,
                   text=True, timeout=120)  # fmt: skip
    return own_server


def test_phone_reads_the_month_picks_the_rule_and_downloads(new_page, stored):
    page = new_page(PHONE, phone=True)
    login(page, stored, "coord")
    expect(page.get_by_test_id("tab-followup")).to_have_text("Uppföljning")
    page.get_by_test_id("tab-followup").click()
    expect(page).to_have_url(f"{stored.url}/#coordinator/followup")
    result = page.get_by_test_id("followup-result")
    expect(result).to_contain_text("Uppföljning november 2026")
    figures = page.get_by_test_id("followup-figures")
    expect(figures).to_contain_text("Leveranser till kommunens verksamheter")
    expect(figures.locator("tbody tr").nth(0)).to_have_text("Leveranser till kommunens verksamheter")
    expect(figures.locator("tbody tr").nth(1)).to_contain_text("45")
    expect(figures.locator("tbody tr").nth(1)).to_contain_text("20")
    expect(figures.locator("tbody tr").nth(1)).to_contain_text("−56 %")
    expect(page.get_by_test_id("followup-quality")).to_contain_text("80 %")
    settlement = page.get_by_test_id("followup-settlement")
    expect(settlement.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("pays-more")).to_have_count(0)  # Shapley: nobody pays more than alone
    shapley_rows = settlement.locator("tbody tr").all_inner_texts()

    page.get_by_test_id("followup-rule").select_option("per_delivery")
    expect(page.get_by_test_id("followup-result")).to_contain_text("Per leverans")
    expect(page.get_by_test_id("pays-more")).to_have_count(1)
    expect(page.get_by_test_id("pays-more")).to_contain_text("Betalar mer än ensam")
    assert settlement.locator("tbody tr").all_inner_texts() != shapley_rows  # the amounts changed
    expect(page.get_by_test_id("followup-settlement").locator("tbody tr").first).to_contain_text("Eslöv")
    local = page.get_by_test_id("followup-local")
    expect(local).to_contain_text("oktober 2026")
    expect(local).to_contain_text("november 2026")
    expect(local).to_contain_text("Mejeri")

    # No sideways scrolling on the phone.
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    page.get_by_test_id("followup-result").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('[data-testid=followup-result]').scrollIntoView()")
    save_readme_screenshot(page, "followup-phone.png")  # docs/screenshots/ with UPDATE_SCREENSHOTS=1
    page.evaluate("document.querySelector('[data-testid=followup-settlement]').scrollIntoView()")
    save_screenshot(page, "followup-settlement-phone.png")

    with page.expect_download() as download:
        page.get_by_test_id("followup-csv").click()
    assert download.value.suggested_filename == "samlast-uppfoljning-2026-11.csv"
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Leveranser till kommunens verksamheter;45;20;" in body
    assert "Avräkning per kommun;Per leverans" in body

    # Lots for small producers: the dairy's annual volume as a zip of one CSV per lot.
    with page.expect_download() as pack:
        page.get_by_test_id("lots-download").click()
    assert pack.value.suggested_filename == f"samlast-anbudsunderlag-{stored.area_id}.zip"
    with zipfile.ZipFile(pack.value.path()) as z:
        names = z.namelist()
        readme = z.read("README.txt").decode()
    assert names[:3] == ["README.txt", "lots.csv", "lot-01.csv"] and "Mejeri" in readme
    page.get_by_test_id("lots-max").fill("5")
    page.get_by_test_id("lots-download").click()
    expect(page.get_by_test_id("lots-error")).to_have_text(
        "Största del, kg per år: Måste vara mellan 100 och 10 000 000."
    )
    expect(page.get_by_test_id("lots-max")).to_be_focused()
    page.evaluate("document.querySelector('[data-testid=lots-form]').scrollIntoView()")
    save_screenshot(page, "followup-lots-phone.png")

    # The tender data for procuring the distributor: a summary PDF and CSV files.
    expect(page.get_by_test_id("distributor-pack")).to_contain_text("Anbudsunderlag för distributören")
    with page.expect_download() as distributor:
        page.get_by_test_id("distributor-pack-download").click()
    with zipfile.ZipFile(distributor.value.path()) as z:
        assert "sammanfattning.pdf" in z.namelist() and "leveransstallen.csv" in z.namelist()
    page.evaluate("document.querySelector('[data-testid=distributor-pack]').scrollIntoView()")
    save_screenshot(page, "followup-distributor-pack-phone.png")

    # On demand: a month without deliveries is produced and listed.
    page.get_by_test_id("followup-month").fill("2025-01")
    page.get_by_test_id("followup-run").click()
    expect(page.get_by_test_id("followup-history")).to_contain_text("januari 2025 · beställd", timeout=60_000)
