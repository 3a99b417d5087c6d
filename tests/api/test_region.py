"""Region analyses through the API: candidate sites, a run in the background, the exports."""

from __future__ import annotations

import csv
import io

import pytest

from samlast.services import region as region_service
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job

SITES = (
    {
        "name": "Eslöv industriområde",
        "lat": 55.83,
        "lon": 13.32,
        "fixed_sek_per_year": 100000,
        "handling_sek_per_pallet": 50,
    },
    {"name": "Hörby väster", "lat": 55.85, "lon": 13.64, "fixed_sek_per_year": 100000, "handling_sek_per_pallet": 50},
)


@pytest.fixture(autouse=True)
def _drain_region_runs():
    yield
    region_service.drain()


def test_coordinator_enters_sites_runs_an_analysis_and_downloads_it(client, coordinator, day, world):
    for site in SITES:
        response = client.post("/api/v1/region/sites", json=site, headers=coordinator)
        assert response.status_code == 201, response.json
    again = client.post("/api/v1/region/sites", json=SITES[0], headers=coordinator)
    assert again.status_code == 422
    assert "name" in again.json["error"]["fields"]
    sites = client.get("/api/v1/region/sites", headers=coordinator).json
    assert [s["name"] for s in sites] == ["Eslöv industriområde", "Hörby väster"]

    body = {
        "date_from": MONDAY.isoformat(),
        "date_to": MONDAY.isoformat(),
        "name": "Skåne",
        "clusters": [{"name": "Mellersta", "municipalities": ["Eslöv", "Hörby"]}],
        "time_limit_s": 0.3,
    }
    started = client.post("/api/v1/region/runs", json=body, headers=coordinator)
    assert started.status_code == 202, started.json
    run = wait_for_job(api_of(client, coordinator), f"/region/runs/{started.json['id']}")
    assert run["status"] == "succeeded", run["message"]
    result = run["result"]
    assert [o["kind"] for o in result["options"]] == ["alone", "named", "optimized"]
    named = result["options"][1]
    assert [g["municipalities"] for g in named["groups"]] == [["Eslöv", "Hörby"]]
    # One order to each point: one coordinated delivery each, whatever the grouping.
    assert all(o["totals"]["coordinated"]["deliveries"] == 2 for o in result["options"])
    assert [r["id"] for r in client.get("/api/v1/region/runs", headers=coordinator).json] == [run["id"]]

    pdf = client.get(f"/api/v1/region/runs/{run['id']}/report.pdf", headers=coordinator)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    exported = client.get(f"/api/v1/region/runs/{run['id']}/report.csv", headers=coordinator)
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Alternativ", "Terminal", "Kommun"]
    assert len(rows) == 1 + 2 * 3  # two municipalities in each of three options
    assert {row[0] for row in rows[1:]} == {"Varje kommun för sig", "De namngivna grupperna", "Optimerad gruppering"}


def test_a_bad_request_names_every_field_at_once_and_stores_nothing(client, coordinator, day, world):
    body = {
        "date_from": MONDAY.isoformat(),
        "date_to": MONDAY.isoformat(),
        "municipalities": ["Eslöv", "Hörby", "Atlantis"],
        "clusters": [{"name": "A", "municipalities": ["Eslöv"]}, {"name": "B", "municipalities": ["Eslöv"]}],
    }
    response = client.post("/api/v1/region/runs", json=body, headers={**coordinator, "Accept-Language": "sv"})
    assert response.status_code == 422
    errors = response.json["error"]["fields"]
    assert "Atlantis" in str(errors["municipalities"])
    assert "Eslöv finns i både A och B" in str(errors["clusters"])
    assert "site_ids" in errors  # no site stored and none to be proposed
    assert client.get("/api/v1/region/runs", headers=coordinator).json == []


def test_proposed_sites_stand_at_the_town_centres(client, coordinator, day, world):
    body = {"date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat(), "propose": "towns", "time_limit_s": 0.3}
    started = client.post("/api/v1/region/runs", json=body, headers=coordinator)
    assert started.status_code == 202, started.json
    run = wait_for_job(api_of(client, coordinator), f"/region/runs/{started.json['id']}")
    assert run["status"] == "succeeded", run["message"]
    assert [s["name"] for s in run["result"]["sites"]] == ["Eslöv", "Hörby"]
    assert [o["kind"] for o in run["result"]["options"]] == ["alone", "optimized"]
