"""Municipal sign-in (OpenID Connect) against a small real provider started by the test:
the round trip through the provider, the one-time code traded for a token, group-mapped roles,
an account the coordinator created linked by username, refusals with a reason the PWA shows,
and an ID token with a bad signature refused."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from samlast import create_app
from samlast.extensions import db
from samlast.models import AuditEntry, Role, Terminal, User
from tests.conftest import build_world
from tests.oidc_provider import OidcProvider, Person


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    running = OidcProvider().start()
    yield running
    running.stop()


@pytest.fixture
def oidc_app(provider, tmp_path):
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'oidc.db'}", "REDIS_URL": None,
        "SERVER_NAME": "samlast.test", "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": "samlast",
        "OIDC_CLIENT_SECRET": "s3cret", "OIDC_PROVIDER_NAME": "Eslövs kommun",
        "OIDC_GROUP_ROLES": "samlast-samordnare=coordinator, samlast-terminal=terminal",
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def sign_in(app, provider: OidcProvider, person: Person) -> dict[str, list[str]]:
    """The browser's round trip; answers the query the PWA is sent back with."""
    provider.person = person
    browser = app.test_client()
    start = browser.get("/auth/oidc/login")
    assert start.status_code == 302 and start.location.startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/auth/oidc/callback"
    answer = browser.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302
    landing = urlsplit(answer.location)
    assert landing.path == "/"
    return parse_qs(landing.query)


def exchange(app, code: str):
    return app.test_client().post("/api/v1/auth/oidc/exchange", json={"code": code, "device": "test"})


def test_the_login_screen_learns_whether_it_is_offered(oidc_app, client):
    offered = oidc_app.test_client().get("/api/v1/auth/oidc").json
    assert offered == {"enabled": True, "provider_name": "Eslövs kommun", "login_url": "/auth/oidc/login"}
    assert client.get("/api/v1/auth/oidc").json["enabled"] is False  # the suite's app: no issuer


def test_a_group_mapped_coordinator_signs_in_once_with_the_code(oidc_app, provider):
    back = sign_in(oidc_app, provider, Person("sub-1", "Anna.Berg@eslov.se", "Anna Berg", ["samlast-samordnare"]))
    [code] = back["oidc_code"]
    first = exchange(oidc_app, code)
    assert first.status_code == 200, first.json
    token = first.json["token"]
    me = oidc_app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json
    assert (me["role"], me["username"], me["display_name"]) == ("coordinator", "anna.berg@eslov.se", "Anna Berg")
    # The account made by the sign-in is in the audit trail.
    made = db.session.query(AuditEntry).filter_by(entity="user_account", action="create").one()
    assert made.entity_id == str(me["id"]) and made.changes["role"] == "coordinator"
    # The code works once.
    again = exchange(oidc_app, code)
    assert again.status_code == 401 and again.json["error"]["code"] == "oidc.bad_code"
    assert again.json["error"]["message"].startswith("Inloggningen gick ut eller är redan använd")
    # Signing in again finds the same account by its subject, even under a new username.
    back = sign_in(oidc_app, provider, Person("sub-1", "anna.b@eslov.se", "Anna Berg", ["samlast-samordnare"]))
    assert exchange(oidc_app, back["oidc_code"][0]).json["user"]["id"] == first.json["user"]["id"]
    # A linked account has no local password.
    local = oidc_app.test_client().post("/api/v1/auth/login", json={"username": "anna.berg@eslov.se", "password": "!"})
    assert local.status_code == 401


def test_a_kitchen_account_made_by_the_coordinator_is_linked_by_username(oidc_app, provider):
    world = build_world()
    kitchen = User(username="kim.kok", role=Role.RECIPIENT, delivery_points=[world.school])
    kitchen.set_password("correct horse battery")
    db.session.add(kitchen)
    db.session.commit()
    back = sign_in(oidc_app, provider, Person("sub-kim", "Kim.Kok", "Kim Kök", ["some-other-group"]))
    answer = exchange(oidc_app, back["oidc_code"][0]).json
    assert answer["user"]["id"] == kitchen.id and answer["user"]["role"] == "recipient"
    assert answer["user"]["delivery_point_ids"] == [world.school.id]
    assert db.session.get(User, kitchen.id).oidc_subject == "sub-kim"


def test_refusals_say_why(oidc_app, provider):
    # No account and no group that creates one.
    back = sign_in(oidc_app, provider, Person("sub-x", "okand@eslov.se", groups=["samlast-terminal"]))
    assert back["oidc_error"] == ["oidc.no_account"] and back["username"] == ["okand@eslov.se"]
    assert "oidc_code" not in back
    # A driver's account is not for the municipal sign-in.
    db.session.add(User(username="dora", role=Role.DRIVER, password_hash="x"))
    db.session.commit()
    back = sign_in(oidc_app, provider, Person("sub-dora", "dora"))
    assert back["oidc_error"] == ["oidc.role_not_allowed"]
    assert db.session.query(User).filter_by(username="dora").one().oidc_subject is None
    # Terminal staff need their terminal: the group alone does not make the account...
    world = build_world()
    staff = User(username="tove", role=Role.TERMINAL, terminal=db.session.get(Terminal, world.terminal.id),
                 password_hash="x")
    db.session.add(staff)
    db.session.commit()
    back = sign_in(oidc_app, provider, Person("sub-tove", "tove", groups=["samlast-terminal"]))
    assert exchange(oidc_app, back["oidc_code"][0]).json["user"]["role"] == "terminal"


def test_an_id_token_with_a_bad_signature_is_refused(oidc_app, provider):
    provider.sign_wrongly()
    back = sign_in(oidc_app, provider, Person("sub-1", "anna", groups=["samlast-samordnare"]))
    assert back == {"oidc_error": ["oidc.failed"]}
    assert db.session.query(User).count() == 0


def test_a_mapping_to_a_role_that_may_not_sign_in_stops_the_start(provider, tmp_path):
    with pytest.raises(ValueError, match="driver cannot sign in"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "REDIS_URL": None,
                    "OIDC_ISSUER": provider.issuer, "OIDC_GROUP_ROLES": "drivers=driver"})
