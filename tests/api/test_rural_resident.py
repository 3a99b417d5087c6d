# ruff: noqa: F811  (the rural fixtures are imported and used as arguments)
"""The resident's end of the rural service, without an account: taking the parcel out of the locker
with the pickup code (the last hand-over, a fact like the others), and Web Push notices from the
tracking page, received by a small push service started here and decrypted with the browser's keys."""

from __future__ import annotations

import base64
import json
import os
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from samlast.extensions import db
from samlast.models import Consignment, ConsignmentHandover, ConsignmentStatus, TrackingSubscription
from samlast.services import jobs, planning, push, rural
from tests.api.test_rural import (  # noqa: F401  (fixtures)
    API,
    agent,
    driver,
    hand_over,
    places,
    planned,
    register,
)
from tests.conftest import MONDAY, count


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class PushService:
    """A push service on 127.0.0.1 that keeps what it is sent (the body is encrypted for the browser)."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()


class Browser:
    """A browser's push subscription: its own key pair and auth secret, as pushManager.subscribe makes."""

    def __init__(self, service: PushService, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": _b64(public), "auth": _b64(self.auth)}
        self.subscription = {"endpoint": f"{service.url}/push/{name}", "keys": keys}

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


def _collect(client, code: str, pickup_code: str, client_id: str | None = None):
    body = {"client_id": client_id or uuid.uuid4().hex, "pickup_code": pickup_code,
            "recorded_at": f"{MONDAY}T16:30:00+01:00"}  # fmt: skip
    return client.post(f"{API}/track/{code}/collect", json=body), body


def test_the_resident_takes_the_parcel_out_with_the_pickup_code(client, agent, driver, places, planned):
    code = register(client, agent, places)["tracking_code"]
    # Not in the locker yet: nothing to collect, nothing recorded.
    early, _ = _collect(client, code, "123456")
    assert early.status_code == 422 and "pickup_code" in early.json["error"]["fields"]
    assert hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes Ombud")[0].status_code == 201
    assert hand_over(client, driver, code, "driver_to_locker", compartment_number=2)[0].status_code == 201
    pickup_code = client.get(f"{API}/track/{code}").json["pickup_code"]

    wrong, _ = _collect(client, code, "000000" if pickup_code != "000000" else "111111")
    assert wrong.status_code == 422
    assert wrong.json["error"]["fields"]["pickup_code"] == ["Fel kod. Skriv koden som står på den här sidan."]
    assert (
        count(ConsignmentHandover) == 2
        and db.session.scalar(db.select(Consignment.status).where(Consignment.tracking_code == code))
        == ConsignmentStatus.READY
    )

    taken, body = _collect(client, code, pickup_code)
    assert taken.status_code == 201 and taken.json["status"] == "collected", taken.json
    record = db.session.get(ConsignmentHandover, taken.json["handover_id"])
    assert record.kind.value == "to_resident" and record.user_id is None and record.compartment_number == 2
    # A resend from a flaky phone is the same record; a second collection is refused.
    again = client.post(f"{API}/track/{code}/collect", json=body)
    assert again.status_code == 200 and again.json["replay"] is True and count(ConsignmentHandover) == 3
    twice, _ = _collect(client, code, pickup_code)
    assert twice.status_code == 422 and count(ConsignmentHandover) == 3
    tracked = client.get(f"{API}/track/{code}").json
    assert tracked["status"] == "collected" and tracked["pickup_code"] is None
    # A code that does not exist says so.
    assert _collect(client, code[:-1] + ("X" if code[-1] != "X" else "Y"), pickup_code)[0].status_code == 404


def test_the_tracking_page_follows_the_parcel_by_web_push(app, client, agent, driver, places, planned, push_service):
    parcel = register(client, agent, places)
    code = parcel["tracking_code"]
    key = client.get(f"{API}/track/{code}/push").json["public_key"]
    assert key == push.public_key()
    assert client.get(f"{API}/track/NOSUCHCODE2/push").status_code == 404
    swedish, english = Browser(push_service, "sv"), Browser(push_service, "en")
    assert client.post(f"{API}/track/{code}/push", json=swedish.subscription).status_code == 204
    answer = client.post(f"{API}/track/{code}/push", json=english.subscription, headers={"Accept-Language": "en"})
    assert answer.status_code == 204
    assert client.post(f"{API}/track/{code}/push", json={"endpoint": "not a url"}).status_code == 422
    assert count(TrackingSubscription) == 2

    hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes Ombud")
    hand_over(client, driver, code, "driver_to_locker", compartment_number=2)
    push.drain()
    by_browser = {path.rsplit("/", 1)[1]: (headers, body) for path, headers, body in push_service.received}
    assert set(by_browser) == {"sv", "en"}
    headers, body = by_browser["sv"]
    assert headers["content-encoding"] == "aes128gcm" and headers["authorization"].startswith("vapid ")
    notice = swedish.read(body)
    assert notice["title"] == "Din försändelse kan hämtas"
    assert notice["body"] == "Den finns nu på Ljungbacka paketskåp. Koden står på spårningssidan."
    assert notice["url"] == f"/spara/{code}"
    # The pickup code itself never goes through the push service.
    pickup_code = client.get(f"{API}/track/{code}").json["pickup_code"]
    assert pickup_code not in json.dumps(notice)
    assert english.read(by_browser["en"][1])["title"] == "Your consignment is ready to collect"

    # Collected: the browsers are forgotten (their push addresses are kept no longer than needed).
    assert _collect(client, code, pickup_code)[0].status_code == 201
    assert count(TrackingSubscription) == 0


def test_erasing_the_resident_forgets_the_browsers_following_the_parcel(client, agent, places, planned, push_service):
    from samlast.services import personal_data

    code = register(client, agent, places)["tracking_code"]
    assert client.post(f"{API}/track/{code}/push", json=Browser(push_service, "b").subscription).status_code == 204
    assert personal_data.erase_person(personal_data.Person(name="greta ek"))["consignments"] == 1
    assert count(TrackingSubscription) == 0


def test_the_expected_day_is_pushed_when_the_parcel_is_planned(
    app, client, agent, places, day, coordinator, monkeypatch, push_service
):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    parcel = register(client, agent, places)
    assert parcel["status"] == "registered"  # no route yet
    browser = Browser(push_service, "resident")
    assert client.post(f"{API}/track/{parcel['tracking_code']}/push", json=browser.subscription).status_code == 204
    # The day is planned: the parcel rides along on Monday's route and the resident hears it.
    body = {"date": MONDAY.isoformat(), "time_limit_s": 1}
    job = client.post("/api/v1/planning/jobs", json=body, headers=coordinator)
    assert job.status_code in (201, 202), job.json
    jobs.drain()
    push.drain()
    assert client.get(f"{API}/track/{parcel['tracking_code']}").json["status"] == "planned"
    [(_, _, body)] = push_service.received
    notice = browser.read(body)
    assert notice["title"] == "Din försändelse har fått en dag"
    assert notice["body"] == "Den väntas till Ljungbacka paketskåp måndag 30/11."
    # Planned again onto the same day: no second notice.
    rural.plan(planning.default_terminal().id, today=MONDAY)
    push.drain()
    assert len(push_service.received) == 1
