"""The coordinator's "Inlärda tider" tab in headless Chromium against a real Flask server: the
empty state before anything is learned; with stored learned parameters the version, travel
factors, window margin, time lost per visit and the table of delivery points, each value on
too few observations marked provisional ("preliminär") with its minimum; resetting one
point (after confirming) gives a new version without it, re-learning another one; and a
driver neither sees the tab nor may read the parameters."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, ROOT, Server, login, save_screenshot

pytestmark = pytest.mark.e2e

# Stored the way POST /feedback/learn stores a version (services.feedback._payload + _store),
# in a process of its own against the server's database.
SEED = """
import json, sys
from samlast import create_app
from samlast.planning import learning as lrn
from samlast.services import feedback

berga, ljung = json.loads(sys.argv[1])
with create_app().app_context():
    travel = lrn.TravelEstimate(
        default=lrn.FactorEstimate(1.12, 80),
        time_bands=((6 * 3600, 9 * 3600, lrn.FactorEstimate(1.18, 40)),
                    (9 * 3600, 15 * 3600, lrn.FactorEstimate(1.04, 12))),
        areas=((lrn.Area("Eslöv", 55.8, 13.2, 55.9, 13.7), lrn.FactorEstimate(1.07, 80)),),
        n=80,
    )
    services = {berga: lrn.ServiceEstimate(berga, 1500.0, 95.0, 12, 1),
                ljung: lrn.ServiceEstimate(ljung, 780.0, 60.0, 7, 0)}
    payload = feedback._payload(services, travel, {}, {"services": 19, "legs": 14, "routes": 5})
    payload["arrival"] = {"fixed_s": 300, "per_hour_s": 240.0, "max_s": 1800, "n": 120, "quantile": 0.9,
                          "days": ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]}
    payload["excess"] = {"service_s": 150.0, "leg_s": 90.0, "n": 19}
    print(feedback._store("learn", payload).version)
"""


def _seed_learned(server: Server) -> dict[str, int]:
    points = {p["external_id"]: p["id"] for p in server.api("GET", "/delivery-points/")}
    ids = {"berga": points["DP-1"], "ljung": points["DP-2"]}
    done = subprocess.run(
        [sys.executable, "-c", SEED, json.dumps([ids["berga"], ids["ljung"]])],
        env=server.env(), cwd=ROOT, check=True, capture_output=True, text=True, timeout=120,
    )
    assert done.stdout.strip() == "1", done.stdout + done.stderr
    return ids


def _open_tab(page, server: Server, username: str = "coord") -> None:
    login(page, server, username)
    expect(page.get_by_test_id("tab-learned")).to_have_text("Inlärda tider")
    page.get_by_test_id("tab-learned").click()
    expect(page).to_have_url(f"{server.url}/#coordinator/learned")
    expect(page.get_by_test_id("learned")).to_be_visible()


def test_empty_state_before_anything_is_learned(desk, own_server):
    assert own_server.api("GET", "/feedback/parameters")["version"] is None
    _open_tab(desk, own_server)
    state = desk.get_by_test_id("empty-state")
    expect(state).to_contain_text("Inget är inlärt ännu")
    expect(state).to_contain_text("när förarna har registrerat leveranser")
    expect(desk.get_by_test_id("learned-relearn")).to_have_text("Lär om nu")
    expect(desk.get_by_test_id("learned-point")).to_have_count(0)


def test_learned_parameters_reset_one_point_and_relearn(desk, own_server):
    ids = _seed_learned(own_server)
    page = desk
    _open_tab(page, own_server)

    expect(page.locator("[data-testid=learned-version] dd")).to_have_text("1")
    expect(page.get_by_test_id("learned-reason")).to_contain_text("Inlärt från förarnas tider")
    expect(page.locator("[data-testid=learned-services] dd")).to_have_text("19")
    expect(page.locator("[data-testid=learned-routes] dd")).to_have_text("5")
    expect(page.get_by_test_id("learned-travel-default")).to_contain_text("×1,12 (n=80)")
    bands = page.get_by_test_id("learned-band")
    expect(bands).to_have_count(2)
    expect(bands.first).to_have_text("06:00–09:00 ×1,18 (n=40)")
    expect(page.get_by_test_id("learned-area")).to_have_text("Eslöv ×1,07 (n=80)")
    expect(page.get_by_test_id("learned-margin")).to_have_text(
        "Planeringen siktar på att vara framme 5 min före fönstret stänger, plus 4 min per timme "
        "ute, högst 30 min (90 %-kvantil av förseningar, 120 stopp)."
    )
    # 19 visits are too few for the time lost per visit (100): learned so far, not planned with.
    expect(page.get_by_test_id("learned-excess")).to_have_text(
        "Inlärt hittills: i snitt går 4 min per besök åt till raster och omvägar (2,5 min vid stoppet, "
        "1,5 min på vägen; 19 besök)."
    )
    expect(page.get_by_test_id("learned-excess-provisional")).to_have_text(
        "Preliminär: används när den bygger på minst 100 besök; nu 19. Tills dess räknar planeringen inte med den."
    )
    expect(page.get_by_test_id("learned-margin-provisional")).to_have_count(0)  # 120 stops: in use
    # A time band on 12 legs is provisional, the one on 40 is not.
    expect(bands.nth(1)).to_have_text(
        "09:00–15:00 ×1,04 (n=12) Preliminär: används när den bygger på minst 30 körda sträckor; nu 12."
    )
    expect(bands.first.get_by_test_id("provisional")).to_have_count(0)
    expect(page.get_by_test_id("learned-minimums")).to_contain_text("först när det bygger på tillräckligt många")

    rows = page.get_by_test_id("learned-point")
    expect(rows).to_have_count(2)
    berga = page.locator(f"[data-testid=learned-point][data-point-id='{ids['berga']}']")
    expect(berga).to_contain_text("Bergaskolan kök")
    expect(berga.get_by_test_id("learned-point-fixed")).to_have_text("25")
    expect(berga.get_by_test_id("learned-point-pallet")).to_have_text("95")
    expect(berga.locator("td").nth(2)).to_have_text("10")  # the point's default minutes
    expect(berga.locator("td").nth(4)).to_have_text("90")  # PLANNING_SERVICE_PER_PALLET_S
    expect(berga.get_by_test_id("learned-point-status")).to_have_text("Används")  # 12 visits
    ljung_row = page.locator(f"[data-testid=learned-point][data-point-id='{ids['ljung']}']")
    expect(ljung_row.get_by_test_id("learned-point-status")).to_have_text(
        "Preliminär: används när den bygger på minst 10 besök; nu 7. Tills dess planeras med standardtiden."
    )
    save_screenshot(page, "learned-desktop.png")
    page.get_by_test_id("learned-points").scroll_into_view_if_needed()
    save_screenshot(page, "learned-points-desktop.png")

    # English switch
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("learned-margin")).to_contain_text("Plans aim to arrive 5 min before")
    expect(page.get_by_test_id("learned-excess-provisional")).to_have_text(
        "Provisional: used once it rests on at least 100 visits; now 19. Until then planning does not count it."
    )
    expect(page.get_by_test_id("tab-learned")).to_have_text("Learned times")
    page.get_by_test_id("lang-sv").click()
    expect(page.get_by_test_id("learned-margin")).to_contain_text("Planeringen siktar på")

    # Cancelling the confirmation changes nothing.
    ljung = page.locator(f"[data-testid=learned-point][data-point-id='{ids['ljung']}']")
    page.once("dialog", lambda dialog: dialog.dismiss())
    ljung.get_by_test_id("learned-reset").click()
    expect(rows).to_have_count(2)
    assert own_server.api("GET", "/feedback/parameters")["version"] == 1

    messages: list[str] = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    berga.get_by_test_id("learned-reset").click()
    expect(berga).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(ljung).to_be_visible()
    expect(page.locator("[data-testid=learned-version] dd")).to_have_text("2")
    expect(page.get_by_test_id("learned-reason")).to_contain_text("Återställning: Bergaskolan kök")
    expect(page.get_by_test_id("learned-notice")).to_contain_text("Bergaskolan kök")
    assert messages and "Bergaskolan kök" in messages[0]
    stored = own_server.api("GET", "/feedback/parameters")
    assert stored["version"] == 2
    assert [p["delivery_point_id"] for p in stored["points"]] == [ids["ljung"]]
    # The rest of the version is carried over.
    expect(page.get_by_test_id("learned-band").first).to_have_text("06:00–09:00 ×1,18 (n=40)")

    # Re-learning from the (no) recorded routes: a new version, no point estimates left.
    page.get_by_test_id("learned-relearn").click()
    expect(page.locator("[data-testid=learned-version] dd")).to_have_text("3")
    expect(page.get_by_test_id("learned-no-points")).to_be_visible()
    expect(page.get_by_test_id("learned-notice")).to_contain_text("version 3")

    # A reload comes back to the tab with the stored version.
    page.reload()
    expect(page.locator("[data-testid=learned-version] dd")).to_have_text("3")


def test_a_driver_has_no_learned_times_tab(desk, server):
    token = server.api("POST", "/auth/login", {"username": "forare", "password": PASSWORD})["token"]
    with pytest.raises(AssertionError, match="403"):
        server.api("GET", "/feedback/parameters", token=token)
    page = desk
    login(page, server, "forare")
    expect(page.get_by_test_id("role")).to_have_text("Förare")
    page.goto(f"{server.url}/#coordinator/learned")
    expect(page.get_by_test_id("role")).to_have_text("Förare")
    expect(page.get_by_test_id("tab-learned")).to_have_count(0)
    expect(page.get_by_test_id("learned")).to_have_count(0)
