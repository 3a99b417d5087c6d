"""Logging in and out, bearer tokens, revocation and login rate limiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash as _generate_password_hash

from samlast.extensions import db
from samlast.models import AuthToken, Role, User
from samlast.services import auth as auth_service

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"
PASSWORD = "correct horse battery"  # what make_user sets


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt costs ~0.3 s a hash here; these tests are about tokens, not hash strength."""
    monkeypatch.setattr(
        "samlast.models.user.generate_password_hash",
        lambda password: _generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client, username: str, password: str = PASSWORD, **kw):
    return client.post(LOGIN, json={"username": username, "password": password, **kw})


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert set(response.json) == {"error"}
    error = response.json["error"]
    assert set(error) == {"code", "params", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_login_returns_a_working_token_and_the_user(client, make_user, app):
    user, _ = make_user(Role.DRIVER, "anna")
    response = login(client, "anna", device="Pixel 7")
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"]["username"] == "anna"
    assert body["user"]["role"] == "driver"
    assert body["user"]["id"] == user.id
    assert "password" not in response.get_data(as_text=True)

    expires = datetime.fromisoformat(body["expires_at"])
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    expected = datetime.now(UTC) + timedelta(hours=app.config["TOKEN_TTL_HOURS"])
    assert abs(expires - expected) < timedelta(minutes=1)

    me = client.get(ME, headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json["username"] == "anna"

    # Only a hash of the token is stored, with the device name.
    stored = db.session.scalars(sa.select(AuthToken).where(AuthToken.user_id == user.id)).all()
    assert body["token"] not in [t.token_hash for t in stored]
    assert "Pixel 7" in [t.device for t in stored]


def test_each_login_issues_a_new_token(client, make_user):
    make_user(Role.DRIVER, "anna")
    first = login(client, "anna").json["token"]
    second = login(client, "anna").json["token"]
    assert first != second
    assert client.get(ME, headers=bearer(first)).status_code == 200
    assert client.get(ME, headers=bearer(second)).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_401(client, make_user):
    make_user(Role.DRIVER, "anna")
    wrong = assert_error(login(client, "anna", "wrong password"), 401, "invalid_credentials")
    unknown = assert_error(login(client, "nobody", "wrong password"), 401, "invalid_credentials")
    assert wrong == unknown
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthToken)) == 1  # make_user's


def test_login_is_case_sensitive_on_password(client, make_user):
    make_user(Role.DRIVER, "anna")
    assert_error(login(client, "anna", PASSWORD.upper()), 401)


def test_login_with_missing_fields_is_422(client):
    error = assert_error(client.post(LOGIN, json={}), 422, "validation_error")
    assert set(error["fields"]) == {"username", "password"}


def test_inactive_user_cannot_log_in_and_their_tokens_stop_working(client, make_user, coordinator):
    user, headers = make_user(Role.DRIVER, "anna")
    assert client.get(ME, headers=headers).status_code == 200
    response = client.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=coordinator)
    assert response.status_code == 200
    error = assert_error(login(client, "anna"), 401, "invalid_credentials")
    assert error["message"] == assert_error(login(client, "nobody"), 401)["message"]
    assert_error(client.get(ME, headers=headers), 401)
    # Reactivated, the user can log in again.
    client.patch(f"/api/v1/users/{user.id}", json={"active": True}, headers=coordinator)
    assert login(client, "anna").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer not-a-real-token"}, id="garbage-token"),
        pytest.param({"Authorization": "Bearer "}, id="empty-token"),
        pytest.param({"Authorization": "Basic YW5uYTpwdw=="}, id="basic-auth"),
        pytest.param({"Authorization": "not-a-scheme"}, id="no-scheme"),
    ],
)
@pytest.mark.parametrize("path", [ME, "/api/v1/clusters/", "/api/v1/orders/"])
def test_token_required(client, world, path, headers):
    error = assert_error(client.get(path, headers=headers), 401, "unauthorized")
    assert error["message"] == "Logga in först."


def test_token_is_case_insensitive_on_scheme_only(client, make_user):
    _, headers = make_user(Role.DRIVER, "anna")
    token = headers["Authorization"].removeprefix("Bearer ")
    assert client.get(ME, headers={"Authorization": f"bearer {token}"}).status_code == 200
    assert_error(client.get(ME, headers=bearer(token.swapcase())), 401)


def test_expired_token_is_rejected(client, make_user):
    user, headers = make_user(Role.DRIVER, "anna")
    assert client.get(ME, headers=headers).status_code == 200
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id)
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.commit()
    assert_error(client.get(ME, headers=headers), 401, "unauthorized")


def test_token_with_ttl_in_the_past_is_rejected(client, make_user):
    make_user(Role.DRIVER, "anna")
    plain, _ = auth_service.login("anna", PASSWORD, ttl_hours=-1)
    assert_error(client.get(ME, headers=bearer(plain)), 401)


def test_use_updates_last_used_at(client, make_user):
    user, headers = make_user(Role.DRIVER, "anna")
    token = db.session.scalar(sa.select(AuthToken).where(AuthToken.user_id == user.id))
    assert token.last_used_at is None
    client.get(ME, headers=headers)
    db.session.expire_all()
    assert db.session.get(AuthToken, token.id).last_used_at is not None


def test_logout_revokes_only_that_token(client, make_user):
    make_user(Role.DRIVER, "anna")
    phone = login(client, "anna").json["token"]
    tablet = login(client, "anna").json["token"]
    response = client.post(LOGOUT, headers=bearer(phone))
    assert response.status_code == 200
    assert response.json["message"]
    assert_error(client.get(ME, headers=bearer(phone)), 401)
    assert_error(client.post(LOGOUT, headers=bearer(phone)), 401)
    assert client.get(ME, headers=bearer(tablet)).status_code == 200


def test_logout_requires_a_token(client):
    assert_error(client.post(LOGOUT), 401)


def test_coordinator_revokes_all_tokens_of_a_lost_phone(client, make_user, coordinator):
    user, first = make_user(Role.DRIVER, "anna")
    second = bearer(login(client, "anna").json["token"])
    other_user, other = make_user(Role.DRIVER, "bert")

    response = client.post(f"/api/v1/auth/users/{user.id}/revoke-tokens", headers=coordinator)
    assert response.status_code == 200
    assert "2" in response.json["message"]
    assert_error(client.get(ME, headers=first), 401)
    assert_error(client.get(ME, headers=second), 401)
    # Nobody else is logged out, and the user can log in again.
    assert client.get(ME, headers=other).status_code == 200
    assert client.get(ME, headers=coordinator).status_code == 200
    assert client.get(ME, headers=bearer(login(client, "anna").json["token"])).status_code == 200
    # Revoking again revokes only the new token.
    again = client.post(f"/api/v1/auth/users/{user.id}/revoke-tokens", headers=coordinator)
    assert "1" in again.json["message"]


@pytest.mark.parametrize("role", [Role.DRIVER, Role.RECIPIENT, Role.PRODUCER])
def test_only_a_coordinator_may_revoke_tokens(client, make_user, world, role):
    links = {
        Role.RECIPIENT: {"delivery_points": [world.school]},
        Role.PRODUCER: {"supplier": world.farm},
    }.get(role, {})
    _, headers = make_user(role, **links)
    victim, victim_headers = make_user(Role.DRIVER, "anna")
    response = client.post(f"/api/v1/auth/users/{victim.id}/revoke-tokens", headers=headers)
    assert_error(response, 403, "forbidden")
    assert client.get(ME, headers=victim_headers).status_code == 200


def test_revoke_tokens_of_unknown_user_is_404(client, coordinator):
    assert_error(client.post("/api/v1/auth/users/987654/revoke-tokens", headers=coordinator), 404)


def test_deleted_user_token_stops_working(client, make_user, coordinator):
    user, headers = make_user(Role.DRIVER, "anna")
    assert client.delete(f"/api/v1/users/{user.id}", headers=coordinator).status_code == 204
    assert_error(client.get(ME, headers=headers), 401)


def test_production_hashing_is_not_reversible(app):
    # The fixture above swaps the hash method for speed; the model's own call is still a
    # salted hash that verifies.
    user = User(username="x", role=Role.DRIVER)
    user.set_password("s3cret")
    assert user.password_hash != "s3cret"
    assert user.check_password("s3cret") and not user.check_password("s3cret ")


# Rate limiting --------------------------------------------------------------------


def test_login_rate_limit(client, make_user, app):
    assert app.config["LOGIN_RATE_LIMIT"] == "5 per minute"
    make_user(Role.DRIVER, "anna")
    for _ in range(5):
        assert_error(login(client, "anna", "wrong"), 401)
    limited = login(client, "anna", "wrong")
    error = assert_error(limited, 429, "too_many_requests")
    assert error["fields"] == {}
    assert int(limited.headers["Retry-After"]) > 0
    # While limited, even the correct password is refused, and no token is issued.
    tokens = db.session.scalar(sa.select(sa.func.count()).select_from(AuthToken))
    assert_error(login(client, "anna"), 429, "too_many_requests")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthToken)) == tokens


def test_successful_logins_count_towards_the_limit(client, make_user):
    make_user(Role.DRIVER, "anna")
    for _ in range(5):
        assert login(client, "anna").status_code == 200
    assert_error(login(client, "anna"), 429)


def test_login_rate_limit_is_per_client_address(client, make_user):
    make_user(Role.DRIVER, "anna")
    for _ in range(6):
        login(client, "anna", "wrong")
    assert_error(login(client, "anna"), 429)
    other = client.post(
        LOGIN,
        json={"username": "anna", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.55"},
    )
    assert other.status_code == 200


def test_rate_limit_applies_to_login_only(client, make_user):
    _, headers = make_user(Role.DRIVER, "anna")
    for _ in range(6):
        login(client, "anna", "wrong")
    for _ in range(10):
        assert client.get(ME, headers=headers).status_code == 200
