"""HTTP hardening: security headers, the per-user write limit, request and upload bounds."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from samlast.models import Role
from tests.conftest import MONDAY

API = "/api/v1"


def csp(response) -> dict[str, str]:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in response.headers["Content-Security-Policy"].split(";")
        if part.strip()
    }


def test_app_shell_has_a_csp_fit_for_the_pwa(client):
    response = client.get("/", base_url="https://samlast.example")
    policy = csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["img-src"] == (
        "'self' data: blob: https://tile.openstreetmap.org https://*.tile.openstreetmap.org"
    )
    assert policy["connect-src"] == "'self' ws://samlast.example wss://samlast.example"
    assert policy["worker-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["Permissions-Policy"]
    assert "geolocation=(self)" in permissions and "camera=(self)" in permissions
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_answers_and_docs_carry_the_headers(client):
    answer = client.get(f"{API}/auth/me")
    assert answer.status_code == 401
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in answer.headers  # plain http
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    policy = csp(docs)
    # ReDoc: its own script from /vendor, inline styles, a blob: worker for search.
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" in policy["style-src"]
    assert "blob:" in policy["worker-src"]
    html = docs.get_data(as_text=True)
    assert '<script src="/vendor/redoc.standalone.js">' in html
    assert "<script>" not in html  # no inline script that the policy would block


def test_write_limit_per_user(app, client, make_user, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT_IN_TESTS", True)
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "3 per minute")
    body = {"name": "x"}
    statuses = [
        client.post(f"{API}/clusters/", json=body, headers=coordinator).status_code
        for _ in range(4)
    ]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    limited = client.post(f"{API}/clusters/", json=body, headers=coordinator)
    assert (
        limited.json["error"]["code"] == "write_rate_limited"
        and limited.json["error"]["message"].startswith("För många ändringar: högst 3 per minut.")
        and int(limited.headers["Retry-After"]) >= 1
    )
    # Reads are not counted, and another user has their own budget.
    assert client.get(f"{API}/clusters/", headers=coordinator).status_code == 200
    _, other = make_user(Role.COORDINATOR, "coord-2")
    assert client.post(f"{API}/clusters/", json=body, headers=other).status_code != 429


def test_write_limit_is_off_in_tests_by_default(app, client, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "1 per minute")
    for _ in range(3):
        assert (
            client.post(f"{API}/clusters/", json={"name": "x"}, headers=coordinator).status_code
            != 429
        )


def test_request_body_size_is_bounded(app, client, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post(
        f"{API}/imports/orders", data=b"a" * 4096, content_type="text/csv", headers=coordinator
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "path", [f"{API}/clusters/99999999999999999999", f"{API}/orders/2147483648"]
)
def test_ids_beyond_the_database_are_not_found(client, coordinator, path):
    assert client.get(path, headers=coordinator).status_code == 404


def test_numbers_beyond_the_database_are_a_client_error(client, coordinator):
    response = client.get(f"{API}/clusters/?offset=99999999999999999999", headers=coordinator)
    assert response.status_code == 422


def test_uploads_are_checked_by_content(client, day, make_user, world):
    """A non-image sent as image/png, or a GIF, is refused; nothing is stored."""
    from samlast.services import planning
    from tests.driver_helpers import event, full_proof

    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    from samlast.extensions import db
    from samlast.models import User
    from samlast.services import auth

    driver = db.session.get(User, day.driver_id)
    headers = {
        "Authorization": f"Bearer {auth.login(driver.username, 'correct horse battery', 1)[0]}"
    }
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    stop = route["stops"][0]
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    for fake in (b"<svg onload=alert(1)>", b"MZ\x90\x00 not an image", gif.getvalue()):
        proof = full_proof(stop)
        proof["photos"] = ["data:image/png;base64," + base64.b64encode(fake).decode()]
        answer = client.post(
            f"{API}/driver/events", json=event("deliver", stop, proof=proof), headers=headers
        )
        assert answer.status_code == 422, answer.json
    assert client.get(f"{API}/proofs/", headers=headers).json == []


def test_write_limit_answers_in_the_readers_language(app, client, monkeypatch):
    """Without a token the budget is the client address's; the 429 is in English when asked."""
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT_IN_TESTS", True)
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "2 per hour")
    login = {"username": "nobody", "password": "wrong"}
    english = {"Accept-Language": "en"}
    assert [client.post(f"{API}/auth/login", json=login).status_code for _ in range(2)] == [401, 401]
    limited = client.post(f"{API}/auth/login", json=login, headers=english)
    assert limited.status_code == 429
    error = limited.json["error"]
    assert error["code"] == "write_rate_limited" and error["params"]["limit"] == 2
    assert error["message"].startswith("Too many changes: at most 2 per hour.")
    assert 1 <= int(limited.headers["Retry-After"]) <= 3600
    # The limited answer still carries the security headers.
    assert limited.headers["X-Content-Type-Options"] == "nosniff"
    other = client.post(f"{API}/auth/login", json=login, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 401


def test_an_empty_write_limit_turns_it_off(app, client, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT_IN_TESTS", True)
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "")
    for _ in range(3):
        assert client.post(f"{API}/clusters/", json={"name": "x"}, headers=coordinator).status_code != 429


def test_every_answer_forbids_framing_and_limits_features(client):
    for path in ("/", "/api/docs", f"{API}/auth/me", "/healthz"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert csp(response)["frame-ancestors"] == "'none'", path
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        permissions = dict(
            part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(",")
        )
        assert permissions["microphone"] == "()" and permissions["payment"] == "()", path
        assert permissions["camera"] == "(self)" and permissions["geolocation"] == "(self)", path
    # Over plain http the socket sources are named for the host asked for.
    assert csp(client.get("/"))["connect-src"] == "'self' ws://localhost wss://localhost"


def _headers_app(**config):
    """A bare app with only the header settings of Samlast (no database needed)."""
    from flask import Blueprint, Flask

    from samlast import security

    bare = Flask("headers", static_folder=None)
    bare.config.update(config)
    web = Blueprint("web", __name__)
    web.add_url_rule("/healthz", "healthz", lambda: "ok")
    web.add_url_rule("/", "shell", lambda: "shell")
    bare.register_blueprint(web)
    security.init_headers(bare)
    return bare.test_client()


def test_hsts_behind_a_proxy_and_its_max_age():
    client = _headers_app(HSTS_MAX_AGE=600)
    proxied = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/").headers
    off = _headers_app(HSTS_MAX_AGE=0)
    assert "Strict-Transport-Security" not in off.get("/", base_url="https://samlast.example").headers


def test_force_https_redirects_but_not_the_health_check():
    client = _headers_app(FORCE_HTTPS=True)
    response = client.get("/", base_url="http://samlast.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://samlast.example/"
    assert client.get("/", base_url="https://samlast.example").status_code == 200
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get("/healthz", base_url="http://samlast.example").status_code == 200
    assert _headers_app().get("/", base_url="http://samlast.example").status_code == 200


@pytest.mark.parametrize("switch", [False, "0", "off"])
def test_a_second_app_with_limits_off_leaves_the_first_ones_on(
    app, client, coordinator, monkeypatch, tmp_path, switch
):
    """The limiter is one per process; an app started later with RATELIMIT_ENABLED off (the
    simulator's, a test's) turns the limits off for itself only."""
    from samlast import create_app
    from samlast.extensions import db

    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT_IN_TESTS", True)
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "1 per minute")
    quiet = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'quiet.db'}", "REDIS_URL": None,
        "RATELIMIT_ENABLED": switch, "WRITE_RATE_LIMIT_IN_TESTS": True, "WRITE_RATE_LIMIT": "1 per minute",
    })  # fmt: skip
    statuses = [client.post(f"{API}/clusters/", json={"name": "x"}, headers=coordinator).status_code for _ in range(2)]
    assert statuses[0] != 429 and statuses[1] == 429
    login = {"username": "nobody", "password": "wrong"}
    with quiet.app_context():
        db.create_all()
        answers = [quiet.test_client().post(f"{API}/auth/login", json=login).status_code for _ in range(3)]
        db.engine.dispose()
    assert answers == [401, 401, 401]
