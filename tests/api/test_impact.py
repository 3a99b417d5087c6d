"""Impact reports through the API: started in the background, progress, stored result."""

from __future__ import annotations

import csv
import io

import pytest

from samlast.models import Role
from samlast.services import impact as impact_service
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job

FAST = {"time_limit_s": 0.3, "shapley_time_limit_s": 0.2}


@pytest.fixture(autouse=True)
def _drain_impact_runs():
    yield
    impact_service.drain()


def test_coordinator_runs_a_report_and_reads_the_result(client, coordinator, day, world):
    body = {
        "date_from": MONDAY.isoformat(),
        "date_to": MONDAY.isoformat(),
        "name": "Week 49",
        "primary_pattern": "as_ordered",
        **FAST,
    }
    response = client.post("/api/v1/impact/reports", json=body, headers=coordinator)
    assert response.status_code == 202, response.json
    started = response.json
    assert started["status"] in ("queued", "running", "succeeded")
    assert started["parameters"]["time_limit_s"] == 0.3

    report = wait_for_job(api_of(client, coordinator), f"/impact/reports/{started['id']}")
    assert report["status"] == "succeeded", report["message"]
    assert report["progress"] == 1.0
    result = report["result"]
    # One wholesaler order to each of the two points: two deliveries either way.
    assert result["baseline"]["total"]["deliveries"] == 2
    assert result["coordinated"]["total"]["deliveries"] == 2
    assert result["inputs"]["municipalities"] == ["Eslöv", "Hörby"]
    assert {row["municipality"] for row in result["cost_split"]["table"]} == {"Eslöv", "Hörby"}
    assert len(result["cost_split"]["coalition_costs"]) == 3
    assert result["comparison"]["vehicle_km"]["free_delivery"] > 0
    assert report["headline"]["deliveries"]["change"] == 0.0

    listed = client.get("/api/v1/impact/reports", headers=coordinator)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json] == [started["id"]]
    assert "result" not in listed.json[0]

    pdf = client.get(f"/api/v1/impact/reports/{started['id']}/report.pdf", headers=coordinator)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    exported = client.get(f"/api/v1/impact/reports/{started['id']}/report.csv", headers=coordinator)
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = exported.get_data(as_text=True)
    # For Swedish Excel: a byte-order mark, semicolons, decimal commas, Swedish words.
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    labels = [row[0] for row in rows if row]
    deliveries = next(r for r in rows if r and r[0] == "Leveranser till kommunens verksamheter")
    assert float(deliveries[1].replace(",", ".")) == result["comparison"]["deliveries"]["free_delivery"]
    assert {"Eslöv", "Hörby", "Körda kilometer", "Utsläpp, kg CO2e"} <= set(labels)
    assert ["Kommun", "Ensam", "Per leverans", "Per kg", "Per km ensam", "Shapley", "Nukleolus", "Lika vinst",
            "Betalar mer än ensam med"] in rows
    head = ["Veckodag", "Mest belastade dag", "Stopp", "Fordon som behövs", "Turer", "Km",
            "Stopp som kräver det sista fordonet"]
    need = rows[rows.index(head) + 1:]
    assert [(r[0], r[1], r[3]) for r in need] == [
        (["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"][n["weekday"]], n["date"],
         str(n["vehicles_needed"])) for n in result["fleet_need"]]
    for raw in ("deliveries", "vehicle_km", "co2e_kg", "per_week", "municipality:", "cost_split:", "as_ordered",
                "baseline", "coordinated", "per_standalone_km"):
        assert raw not in body, raw
    english = client.get(
        f"/api/v1/impact/reports/{started['id']}/report.csv", headers={**coordinator, "Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Deliveries to municipal buildings," in english and ";" not in english


def test_driver_may_not_run_reports(client, make_user, world):
    _, headers = make_user(Role.DRIVER, "driver-x")
    body = {"date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat()}
    assert client.post("/api/v1/impact/reports", json=body, headers=headers).status_code == 403
    assert client.get("/api/v1/impact/reports", headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date_from": "2026-12-11", "date_to": "2026-11-30"}, "date_to"),
        ({"date_from": "not-a-date", "date_to": "2026-11-30"}, "date_from"),
        ({"date_to": "2026-11-30"}, "date_from"),
        ({"date_from": "2026-01-01", "date_to": "2026-12-31"}, "date_to"),
    ],
)
def test_bad_dates_give_422_naming_the_field(client, coordinator, world, body, field):
    response = client.post("/api/v1/impact/reports", json=body, headers=coordinator)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_the_cost_rates_of_the_decomposition_are_the_coordinators(client, coordinator, day, world):
    rates = {
        "terminal_handling_sek_per_kg": 0.25,
        "admin_sek_per_delivery": 80,
        "coordination_admin_sek_per_week": 1500,
    }
    body = {"date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat(), **FAST, **rates}
    started = client.post("/api/v1/impact/reports", json=body, headers=coordinator)
    assert started.status_code == 202, started.json
    report = wait_for_job(api_of(client, coordinator), f"/impact/reports/{started.json['id']}", timeout_s=60)
    assert report["status"] == "succeeded", report["message"]
    cost = report["result"]["decomposition"]["cost_sek"]
    assert cost["rates"] == rates
    assert cost["parts"]["coordinated"]["administration"] >= 1500
    assert round(sum(cost["terms"].values()), 2) == cost["change"]
    co2 = report["result"]["decomposition"]["co2e_kg"]
    assert round(sum(co2["terms"].values()), 2) == co2["change"]
    # A negative rate is refused, naming the field.
    bad = client.post("/api/v1/impact/reports", json={**body, "admin_sek_per_delivery": -1}, headers=coordinator)
    assert bad.status_code == 422 and "admin_sek_per_delivery" in bad.json["error"]["fields"]


def test_unknown_report_is_404(client, coordinator):
    response = client.get("/api/v1/impact/reports/nope", headers=coordinator)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "impact.report_not_found"


def test_cli_prints_the_summary_and_writes_json(runner, day, world, tmp_path):
    out = tmp_path / "impact.json"
    result = runner.invoke(
        args=[
            "samlast",
            "impact",
            "--from",
            MONDAY.isoformat(),
            "--to",
            MONDAY.isoformat(),
            "--time-limit",
            "0.3",
            "--shapley-time-limit",
            "0.2",
            "--pattern",
            "as_ordered",
            "--json",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Leveranser till kommunens verksamheter" in result.output
    assert "Shapley" in result.output and "as_ordered" not in result.output
    assert "Nukleolus" in result.output and "Lika vinst" in result.output
    # Why: each cause with its sign, from today to coordinated.
    assert "Varför utsläppen och kostnaden ändras" in result.output
    assert "Utsläpp, kg CO2e per vecka: I dag " in result.output and "Fyllnadsgrad " in result.output
    assert "Terminalhantering " in result.output
    import json

    data = json.loads(out.read_text())
    assert data["baseline"]["total"]["deliveries"] == 2
    assert data["cost_split"]["core"]["core_nonempty"] in (True, False)


def test_cli_rejects_a_period_that_ends_before_it_starts(runner, world):
    result = runner.invoke(args=["samlast", "impact", "--from", "2026-12-11", "--to", "2026-11-30"])
    assert result.exit_code != 0
    assert "date_to" in result.output
