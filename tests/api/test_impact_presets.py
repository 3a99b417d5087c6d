"""A coordinator runs a scenario preset through the API; a wrong preset is refused in Swedish."""

from __future__ import annotations

import pytest

from samlast.services import impact as impact_service
from samlast.services import impact_export
from tests.api.test_impact_pdf import RAW_CODES, _read
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job


@pytest.fixture(autouse=True)
def _drain_impact_runs():
    yield
    impact_service.drain()


def test_a_preset_runs_on_its_own_week_and_carries_the_tornado(client, coordinator, world, tmp_path):
    body = {"date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat(), "preset": "sodertorn"}
    started = client.post("/api/v1/impact/reports", json=body, headers=coordinator)
    assert started.status_code == 202, started.json
    assert started.json["parameters"]["preset"] == "sodertorn"
    assert started.json["date_from"] == "2026-03-02"  # the preset's week, not the request's
    report = wait_for_job(api_of(client, coordinator), f"/impact/reports/{started.json['id']}", timeout_s=120)
    assert report["status"] == "succeeded", report["message"]
    result = report["result"]
    assert result["preset"] == "sodertorn"
    assert -0.80 <= result["comparison"]["co2e_kg"]["change"] <= -0.60
    assert {row["input"] for row in result["tornado"]["rows"]} == {
        "cluster_share", "supplier_fuel", "fleet_energy", "trunk_km", "distribution_km"
    }
    # The council's PDF has the tornado as a table and says which preset it is, in words.
    pdf = client.get(f"/api/v1/impact/reports/{started.json['id']}/report.pdf", headers=coordinator)
    assert pdf.status_code == 200
    words, _pages = _read(pdf.data, tmp_path, "preset")
    flat = " ".join(words.split())
    assert "Vilka antaganden avgör utsläppsminskningen?" in flat
    assert "Terminalbilarnas bränsle (HVO100 (förnybar diesel)–Diesel)" in flat
    assert "Förinställt scenario: Som på Södertörn" in flat
    for code in (*RAW_CODES, "cluster_share", "fleet_energy", "sodertorn"):
        assert code not in words, code
    # A report stored before the tornado and the presets still makes its PDF, without them.
    old = {k: v for k, v in result.items() if k not in ("tornado", "preset")}
    words, _pages = _read(impact_export.report_pdf("Gammal", old, "sv"), tmp_path, "old")
    assert "Vilka antaganden" not in words and "Förinställt scenario" not in words
    assert "Varför utsläppen och kostnaden ändras" in " ".join(words.split())


def test_an_unknown_preset_is_refused_naming_field_and_value(client, coordinator, world):
    body = {"date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat(), "preset": "goteborg"}
    response = client.post(
        "/api/v1/impact/reports", json=body, headers={**coordinator, "Accept-Language": "sv-SE"}
    )
    assert response.status_code == 422
    message = " ".join(response.json["error"]["fields"]["preset"])
    assert "goteborg" in message and "välj" in message and "vaxjo" in message
