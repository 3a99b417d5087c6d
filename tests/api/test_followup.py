"""The monthly follow-up through the API, on days driven by the digital twin."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest

from samlast.impact import followup as fu
from samlast.services import followup as followup_service
from samlast.services import planning
from samlast.simulate import SimulationOptions, run_simulation
from tests.waiting import api_of, wait_for_job


@pytest.fixture(autouse=True)
def _fast_baseline(app, monkeypatch):
    monkeypatch.setitem(app.config, "FOLLOWUP_TIME_LIMIT_S", 0.2)
    yield
    followup_service.drain()


@pytest.fixture
def driven(app):
    """Two weekdays of the demo cluster driven through the driver API (proofs, positions)."""
    reports = run_simulation(app, SimulationOptions(days=2, scale=0.1, time_limit_s=1, duplicate_p=0.1,
                                                    fleet="demo", advice_each_day=False, learn=False))  # fmt: skip
    assert all(r.problems == [] for r in reports)
    return reports


def _run(client, coordinator, month: str, rule: str = "shapley") -> dict:
    response = client.post("/api/v1/followup/reports", json={"month": month, "rule": rule}, headers=coordinator)
    assert response.status_code == 202, response.json
    report = wait_for_job(api_of(client, coordinator), f"/followup/reports/{response.json['id']}")
    assert report["status"] == "succeeded", report["message"]
    return report


def test_a_simulated_month_equals_the_sum_of_its_days(client, coordinator, driven):
    days = [date.fromisoformat(r.date) for r in driven]
    month = days[0].strftime("%Y-%m")
    report = _run(client, coordinator, month)
    totals = report["result"]["totals"]
    in_month = [r for r in driven if r.date.startswith(month)]
    # Every stop the twin served was delivered with a proof: one delivery each, none counted twice
    # although some events were sent twice (a replayed outbox).
    assert totals["coordinated"]["deliveries"] == sum(r.stops for r in in_month) > 0
    assert totals["coordinated"]["routes"] == sum(r.routes for r in in_month)
    assert totals["coordinated"]["gps_km"] > 0  # the twin's drivers sent positions
    assert totals["baseline"]["deliveries"] >= totals["coordinated"]["deliveries"]
    assert totals["baseline"]["km"] > 0 and totals["coordinated"]["co2e_kg"] > 0
    # The same orders, day by day through the service: the month is their sum.
    terminal = planning.default_terminal()
    per_day = [followup_service.compute(terminal, d, d, "shapley") for d in days if d.strftime("%Y-%m") == month]
    summed = fu.add_up(per_day)
    for key in ("deliveries", "routes", "on_time", "stops_with_window", "deviations"):
        assert totals["coordinated"][key] == summed["coordinated"][key], key
    for key in ("km", "co2e_kg", "cost_sek", "kg", "local_kg"):
        assert totals["coordinated"][key] == pytest.approx(summed["coordinated"][key], abs=0.05 * len(per_day) + 0.01)
    assert totals["baseline"]["deliveries"] == summed["baseline"]["deliveries"]
    assert [d["date"] for d in report["result"]["days"]] == sorted(
        {d.isoformat() for d in days if d.strftime("%Y-%m") == month}
    )
    assert report["local_trend"] and {r["month"] for r in report["local_trend"]} == {month}

    # The settlement: the council's rule, the whole cost split, another rule shown on request.
    settlement = report["result"]["settlement"]
    assert settlement["rule"] == "shapley"
    assert sum(r["amount"] for r in settlement["rows"]) == pytest.approx(settlement["total_cost"], abs=0.05)
    other = client.get(f"/api/v1/followup/reports/{report['id']}?rule=per_kg", headers=coordinator).json
    assert other["result"]["settlement"]["rule"] == "per_kg"
    assert [r["amount"] for r in other["result"]["settlement"]["rows"]] == [r["per_kg"] for r in settlement["table"]]
    assert client.get(f"/api/v1/followup/reports/{report['id']}?rule=by_population",
                      headers=coordinator).status_code == 422  # fmt: skip

    # CSV and PDF carry the figures.
    exported = client.get(f"/api/v1/followup/reports/{report['id']}/report.csv", headers=coordinator)
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    by_label = {row[0]: row for row in rows if row}
    assert by_label["Leveranser till kommunens verksamheter"][2] == str(totals["coordinated"]["deliveries"])
    assert float(by_label["Körda kilometer"][2].replace(",", ".")) == totals["coordinated"]["km"]
    for row in settlement["rows"]:
        assert row["municipality"] in by_label
    pdf = client.get(f"/api/v1/followup/reports/{report['id']}/report.pdf", headers=coordinator)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    words = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout
    words = " ".join(words.decode().split())
    assert "Avräkning per kommun" in words and "Uppföljning" in words
    assert f"{totals['coordinated']['deliveries']} leveranser" in words
    for row in settlement["rows"]:
        assert row["municipality"] in words

    listed = client.get("/api/v1/followup/reports", headers=coordinator).json
    assert [r["id"] for r in listed] == [report["id"]] and "result" not in listed[0]


def test_a_month_without_deliveries_is_an_empty_report_and_bad_input_is_named(client, coordinator, world, day):
    report = _run(client, coordinator, "2025-01", "nucleolus")
    totals = report["result"]["totals"]
    assert totals["coordinated"]["deliveries"] == 0 and totals["baseline"]["deliveries"] == 0
    assert totals["punctuality"] is None and report["result"]["settlement"]["rows"] == []
    bad = client.post("/api/v1/followup/reports", json={"month": "2026-13", "rule": "by_population"},
                      headers={**coordinator, "Accept-Language": "sv"})  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"month", "rule"}


def test_the_monthly_schedule_reports_on_the_month_before(app, world, day):
    report = followup_service.run_scheduled(date(2026, 12, 1))
    assert report.month == date(2026, 11, 1) and report.scheduled
    assert report.status.value == "succeeded"
    assert report.result["totals"]["coordinated"]["deliveries"] == 0  # nothing driven in the world fixture


def test_the_cli_runs_a_month(runner, world, day, tmp_path):
    out = tmp_path / "nov.pdf"
    result = runner.invoke(args=["samlast", "followup", "--month", "2026-11", "--rule", "per_delivery",
                                 "--pdf", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Stored as follow-up" in result.output and out.read_bytes().startswith(b"%PDF")


def _redis_url() -> str | None:
    """A Redis to try the RQ path on (scripts/start-redis.sh), or None: the test is skipped."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 63790), timeout=0.2).close()
    except OSError:
        return None
    return "redis://127.0.0.1:63790/15"


def test_on_demand_runs_go_through_the_followup_queue_of_an_rq_worker(app, client, coordinator, world, day,
                                                                        monkeypatch):  # fmt: skip
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:63790 (eval \"$(scripts/start-redis.sh)\")")
    from redis import Redis
    from rq import Queue, SimpleWorker

    monkeypatch.setitem(app.config, "PLANNING_RUNNER", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    queue = Queue(followup_service.QUEUE_NAME, connection=Redis.from_url(url))
    queue.empty()
    answer = client.post("/api/v1/followup/reports", json={"month": "2026-11"}, headers=coordinator)
    assert answer.status_code == 202 and answer.json["status"] == "queued"
    [job] = queue.jobs
    assert job.func_name == "samlast.tasks.run_followup_task" and job.args == (answer.json["id"],)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    done = client.get(f"/api/v1/followup/reports/{answer.json['id']}", headers=coordinator).json
    assert done["status"] == "succeeded", done["message"]
    assert done["result"]["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
