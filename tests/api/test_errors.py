"""Every error answer has one JSON shape: {"error": {"code", "params", "message", "fields"}}."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash as _generate_password_hash

from samlast.models import Cluster, Role
from tests.conftest import count

CLUSTERS = "/api/v1/clusters/"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt costs ~0.3 s a hash here; these tests are about errors, not hash strength."""
    monkeypatch.setattr(
        "samlast.models.user.generate_password_hash",
        lambda password: _generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def assert_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "params", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"].strip()
    assert "<" not in error["message"]  # no HTML from werkzeug's default pages
    assert isinstance(error["fields"], dict)
    return error


def test_401(client):
    error = assert_shape(client.get(CLUSTERS), 401, "unauthorized")
    assert error["fields"] == {}


def test_403(client, make_user):
    _, headers = make_user(Role.DRIVER, "dora")
    assert_shape(client.post(CLUSTERS, json={"name": "X"}, headers=headers), 403, "forbidden")
    assert count(Cluster) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/clusters/987654",
        "/api/v1/clusters/not-a-number",
        "/api/v2/clusters/",
        "/api/",
    ],
)
def test_404(client, coordinator, path):
    code = "record.not_found" if path.endswith("987654") else "not_found"
    assert_shape(client.get(path, headers=coordinator), 404, code)


def test_404_for_missing_object_names_it(client, coordinator):
    error = assert_shape(
        client.get("/api/v1/clusters/987654", headers=coordinator), 404, "record.not_found"
    )
    assert error["message"] == "Kluster med id 987654 finns inte."
    assert error["params"] == {"what": {"key": "noun.cluster", "params": {}}, "id": 987654}


def test_message_is_in_the_language_asked_for(client, coordinator):
    english = {**coordinator, "Accept-Language": "en-GB,en;q=0.9"}
    error = assert_shape(client.get("/api/v1/clusters/987654", headers=english), 404, "record.not_found")
    assert error["message"] == "cluster with id 987654 does not exist."
    response = client.post(CLUSTERS, json={"name": ""}, headers=english)
    assert assert_shape(response, 422, "validation_error")["fields"]["name"] == ["Must be 1–120 characters."]
    swedish = client.post(CLUSTERS, json={"name": ""}, headers={**coordinator, "Accept-Language": "sv-SE"})
    assert swedish.json["error"]["fields"]["name"] == ["Måste vara 1–120 tecken."]


@pytest.mark.parametrize(
    "method,path",
    [
        ("put", CLUSTERS),
        ("delete", CLUSTERS),
        ("post", "/api/v1/clusters/1"),
        ("put", "/api/v1/clusters/1"),
        ("delete", "/api/v1/auth/login"),
        ("get", "/api/v1/auth/login"),
    ],
)
def test_405_with_allow_header(client, coordinator, method, path):
    response = getattr(client, method)(path, headers=coordinator, json={})
    assert_shape(response, 405, "method_not_allowed")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert method.upper() not in allowed
    assert allowed & {"GET", "POST", "PATCH", "DELETE"}


def test_422_names_fields_and_lists_them_in_the_message(client, coordinator):
    response = client.post(CLUSTERS, json={"name": "", "extra": 1}, headers=coordinator)
    error = assert_shape(response, 422, "validation_error")
    assert set(error["fields"]) == {"name", "extra"}
    assert all(isinstance(msgs, list) and msgs for msgs in error["fields"].values())
    assert error["params"] == {"count": 2}
    assert error["message"] == "2 fält har fel värde. Rätta det som är markerat."
    assert error["fields"]["extra"] == ["Okänt fält."]


def test_422_from_query_arguments(client, coordinator):
    response = client.get("/api/v1/orders/", query_string={"date": "soon"}, headers=coordinator)
    assert set(assert_shape(response, 422, "validation_error")["fields"]) == {"date"}


def test_422_for_nested_fields_keeps_the_path(client, coordinator, world):
    payload = {
        "external_id": "DP-9",
        "name": "X",
        "kind": "preschool",
        "municipality_id": world.eslov.id,
        "lat": 55,
        "lon": 13,
        "receiving_windows": [
            {"weekday": 1, "start": "08:00", "end": "09:00"},
            {"weekday": 9, "start": "08:00", "end": "07:00"},
        ],
    }
    response = client.post("/api/v1/delivery-points/", json=payload, headers=coordinator)
    error = assert_shape(response, 422, "validation_error")
    assert set(error["fields"]) == {"receiving_windows"}
    assert set(error["fields"]["receiving_windows"]) == {"1"}  # the second window
    assert "weekday" in error["fields"]["receiving_windows"]["1"]


def test_409(client, coordinator, world):
    error = assert_shape(
        client.delete(f"/api/v1/clusters/{world.cluster.id}", headers=coordinator), 409, "record.in_use"
    )
    assert error["message"].startswith("Kluster krockar")


@pytest.mark.parametrize("body", ["{", '{"name": "X",}', "{'name': 'X'}", "nul"])
def test_malformed_json_body(client, coordinator, body):
    response = client.post(
        CLUSTERS, data=body, content_type="application/json", headers=coordinator
    )
    error = assert_shape(response, 400, "invalid_json")
    assert "JSON" in error["message"]
    assert count(Cluster) == 0


@pytest.mark.parametrize("body", [[{"name": "X"}], "X", 5, None])
def test_json_that_is_not_an_object(client, coordinator, body):
    response = client.post(CLUSTERS, json=body, headers=coordinator)
    assert_shape(response, 422, "validation_error")
    assert count(Cluster) == 0


def test_body_that_is_not_json(client, coordinator):
    response = client.post(
        CLUSTERS,
        data="name=X",
        headers=coordinator,
        content_type="application/x-www-form-urlencoded",
    )
    error = assert_shape(response, 422, "validation_error")
    assert "name" in error["fields"]
    assert count(Cluster) == 0


def test_body_over_max_content_length_is_413(app, client, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    small = client.post(CLUSTERS, json={"name": "x" * 100}, headers=coordinator)
    assert small.status_code == 201
    response = client.post(CLUSTERS, json={"name": "y" * 2000}, headers=coordinator)
    error = assert_shape(response, 413, "payload_too_large")
    assert error["fields"] == {}
    assert count(Cluster) == 1


def test_413_with_the_default_limit(app, client, coordinator):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit > 0
    body = b'{"name": "' + b"z" * limit + b'"}'
    response = client.post(
        CLUSTERS, data=body, content_type="application/json", headers=coordinator
    )
    assert_shape(response, 413, "payload_too_large")


def test_unexpected_error_is_json_500_without_details(app, client, coordinator, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("samlast.services.master_data.list_query", boom)
    error = assert_shape(client.get(CLUSTERS, headers=coordinator), 500, "internal_error")
    assert "secret" not in error["message"]


def test_429_shape(client, make_user):
    make_user(Role.DRIVER, "anna")
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "anna", "password": "nope"})
    response = client.post("/api/v1/auth/login", json={"username": "anna", "password": "nope"})
    assert_shape(response, 429, "too_many_requests")
    assert response.headers.get("Retry-After")
