"""An import off the request path: the addresses without coordinates are looked up first (one at
a time, with progress the coordinator can poll, each found one cached at once), then the file is
imported all or nothing; a refused file reports every error by row and writes nothing."""

from __future__ import annotations

import io
import threading

import pytest

from samlast.models import DeliveryPoint, GeocodeCache
from samlast.services import import_runs
from tests.conftest import count
from tests.waiting import wait_until

HEADER = "external_id,name,kind,municipality,address,lat,lon,service_time_min,windows\n"
ROWS = (
    "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,,,12,\n"
    "E-2,Skolan B,school_kitchen,Eslöv,Gatan 2,,,12,\n"
    "E-3,Skolan C,school_kitchen,Eslöv,Gatan 3,55.8,13.3,12,\n"
    "E-4,Skolan D,preschool,Eslöv,Gatan 4,,,12,\n"
)


def _start(client, headers, text: str):
    return client.post(
        "/api/v1/imports/delivery_points/runs",
        headers=headers,
        data={"file": (io.BytesIO(text.encode()), "skolor.csv")},
    )


@pytest.fixture
def slow_geocoder(app, monkeypatch):
    """A geocoder that answers only when the test lets it, one address at a time."""
    gate, asked = threading.Semaphore(0), []

    def lookup(query: str):
        asked.append(query)
        assert gate.acquire(timeout=30), "the test never let the lookup answer"
        return (55.83, 13.30)

    monkeypatch.setitem(app.config, "GEOCODER_LOOKUP", lookup)
    monkeypatch.setitem(app.config, "PLANNING_RUNNER", "thread")
    return gate, asked


def test_addresses_are_looked_up_with_progress_then_the_file_is_imported(client, coordinator, world, slow_geocoder):
    gate, asked = slow_geocoder
    answer = _start(client, coordinator, HEADER + ROWS)
    assert answer.status_code == 202, answer.json
    run = answer.json
    assert (run["lookups"], run["file_name"]) == (3, "skolor.csv")

    def poll() -> dict:
        got = client.get(f"/api/v1/imports/runs/{run['id']}", headers=coordinator)
        assert got.status_code == 200, got.json
        return got.json

    wait_until(lambda: len(asked) == 1, 10, "the first lookup")
    now = poll()
    assert now["status"] == "running" and now["result"] is None
    assert now["message"] == "Slår upp adresser: 0 av 3 klara"
    gate.release()
    wait_until(lambda: len(asked) == 2, 10, "the second lookup")
    assert count(GeocodeCache) == 1  # each found address is kept at once
    gate.release()
    gate.release()
    import_runs.drain()
    done = poll()
    assert done["status"] == "succeeded" and done["progress"] == 1.0
    assert done["result"] == {"ok": True, "created": 4, "updated": 0, "errors": []}
    assert done["message"] == "4 nya och 0 uppdaterade leveransställen lästes in."
    assert count(DeliveryPoint) == 4 + 2  # the world's two and the file's four
    assert asked == ["Gatan 1, Eslöv, Sweden", "Gatan 2, Eslöv, Sweden", "Gatan 4, Eslöv, Sweden"]


def test_a_refused_file_names_every_error_by_row_and_writes_nothing(client, coordinator, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER_LOOKUP", lambda query: None if "Ingenstans" in query else (55.8, 13.3))
    monkeypatch.setitem(app.config, "PLANNING_RUNNER", "inline")
    bad = HEADER + (
        "E-1,Skolan A,school_kitchen,Eslöv,Ingenstans 9,,,12,\n"
        "E-2,Skolan B,preschool,Eslöv,Gatan 2,,,12,\n"
        "E-3,Skolan C,school_kitchen,Eslöv,Ingenstans 10,,,12,\n"
    )
    answer = _start(client, coordinator, bad)
    assert answer.status_code == 202, answer.json
    assert answer.json["status"] == "failed"
    assert answer.json["message"] == "2 fel på 2 rader; inget lästes in."
    errors = [(e["row"], e["column"], e["value"]) for e in answer.json["result"]["errors"]]
    assert errors == [(2, "address", "Ingenstans 9"), (4, "address", "Ingenstans 10")]
    assert all(e["message"] for e in answer.json["result"]["errors"])
    assert count(DeliveryPoint) == 2  # Skolan B was fine, but a file is imported whole or not at all


def test_runs_are_the_coordinators_and_unknown_ones_say_so(client, coordinator, make_user):
    from samlast.models import Role

    _, kitchen = make_user(Role.RECIPIENT)
    assert _start(client, kitchen, HEADER + ROWS).status_code == 403
    missing = client.get("/api/v1/imports/runs/nope", headers=coordinator)
    assert missing.status_code == 404 and missing.json["error"]["message"] == "Inläsningen nope finns inte."
