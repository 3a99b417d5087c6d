"""Kitchen staff: upcoming deliveries, live ETA, confirmation of receipt, history, Web Push."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest

from samlast.extensions import db, socketio
from samlast.models import Deviation, PushSubscription, ReceiptConfirmation, Role, User
from samlast.services import auth, planning, push
from tests.conftest import MONDAY, count
from tests.driver_helpers import event, full_proof


@pytest.fixture
def route(client, day, world):
    """MONDAY planned; (driver headers, the driver's route as JSON)."""
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    driver = db.session.get(User, day.driver_id)
    headers = {"Authorization": f"Bearer {auth.login(driver.username, 'correct horse battery', 1)[0]}"}
    [driver_route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    return headers, driver_route


@pytest.fixture
def kitchen(make_user, route, world):
    """Kitchen staff of the route's second stop; returns (headers, that stop)."""
    second = route[1]["stops"][1]
    point = db.session.get(type(world.school), int(second["job_key"].split(":")[1]))
    user, headers = make_user(Role.RECIPIENT, delivery_points=[point])
    return headers, second


def _confirm(client, headers, stop, **body):
    return client.post(
        "/api/v1/recipient/confirmations",
        json={
            "client_id": uuid.uuid4().hex,
            "delivery_point_id": int(stop["job_key"].split(":")[1]),
            "plan_date": MONDAY.isoformat(),
            "recorded_at": f"{MONDAY}T09:00:00+01:00",
            "confirmed_by_name": "Alva",
            **body,
        },
        headers=headers,
    )


def test_kitchen_sees_only_its_deliveries_with_planned_time(client, kitchen, world):
    headers, stop = kitchen
    deliveries = client.get(f"/api/v1/recipient/deliveries?from={MONDAY}&to={MONDAY}", headers=headers).json
    assert [d["job_key"] for d in deliveries] == [stop["job_key"]]
    assert deliveries[0]["status"] == "planned" and deliveries[0]["planned_arrival"]
    assert {line["temperature_class"] for line in deliveries[0]["lines"]} == {"chilled", "ambient"}
    other = world.school.id if stop["job_key"] != f"dp:{world.school.id}" else world.care_home.id
    response = client.get(f"/api/v1/recipient/deliveries?delivery_point_id={other}", headers=headers)
    assert response.status_code == 404


def test_eta_is_pushed_when_the_driver_is_late_at_the_previous_stop(app, client, route, kitchen):
    driver, driver_route = route
    headers, stop = kitchen
    token = headers["Authorization"].split()[1]
    listener = socketio.test_client(app, namespace="/recipient", auth={"token": token})
    assert listener.is_connected("/recipient")
    first = driver_route["stops"][0]
    planned = first["planned_arrival"]
    arrival = (datetime.fromisoformat(planned) + timedelta(minutes=25)).isoformat()
    body = event("arrive", first)
    body["recorded_at"] = arrival
    assert client.post("/api/v1/driver/events", json=body, headers=driver).status_code == 201
    etas = [m["args"][0] for m in listener.get_received("/recipient") if m["name"] == "eta"]
    assert [e["job_key"] for e in etas] == [stop["job_key"]]
    moved = datetime.fromisoformat(etas[0]["eta"]) - datetime.fromisoformat(etas[0]["planned_arrival"])
    assert moved == timedelta(minutes=25)
    shown = client.get(f"/api/v1/recipient/deliveries?from={MONDAY}&to={MONDAY}", headers=headers).json[0]
    assert datetime.fromisoformat(shown["eta"]) == datetime.fromisoformat(etas[0]["eta"])

    # Leaving the first stop makes the kitchen's stop the next one: "vehicle near".
    body = event("deliver", first, proof=full_proof(first))
    client.post("/api/v1/driver/events", json=body, headers=driver)
    near = [m for m in listener.get_received("/recipient") if m["name"] == "vehicle_near"]
    assert near and near[0]["args"][0]["job_key"] == stop["job_key"]

    # The hand-over at the kitchen's own stop reaches the kitchen at once.
    handed = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=driver)
    [status] = [m["args"][0] for m in listener.get_received("/recipient") if m["name"] == "stop_status"]
    assert status["status"] == "done" and status["proof_id"] == handed.json["proof_id"]
    listener.disconnect(namespace="/recipient")


def test_other_kitchens_do_not_hear_the_eta(app, client, route, kitchen, make_user, world):
    driver, driver_route = route
    _, own_stop = kitchen
    first_point = int(driver_route["stops"][0]["job_key"].split(":")[1])
    _, other = make_user(Role.RECIPIENT, delivery_points=[db.session.get(type(world.school), first_point)])
    listener = socketio.test_client(app, namespace="/recipient", auth={"token": other["Authorization"].split()[1]})
    client.post(
        "/api/v1/driver/events", json=event("arrive", driver_route["stops"][0], at="T10:30:00+01:00"), headers=driver
    )
    assert [m for m in listener.get_received("/recipient") if m["name"] == "eta"] == []
    listener.disconnect(namespace="/recipient")


def test_confirm_with_a_missing_line_creates_a_deviation(client, route, kitchen, coordinator):
    driver, _ = route
    headers, stop = kitchen
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=driver)
    lines = [
        {"order_line_id": line["order_line_id"], "received_quantity": line["quantity"]}
        for line in stop["lines"]
    ]
    lines[0]["received_quantity"] = 0
    lines[0]["deviation"] = "missing"
    response = _confirm(client, headers, stop, lines=lines)
    assert response.status_code == 201, response.json
    assert response.json["deviations"] == 1 and response.json["proof_id"]
    deviations = client.get("/api/v1/deviations/", headers=coordinator).json
    assert len(deviations) == 1
    assert deviations[0]["code"] == "receipt_mismatch" and stop["lines"][0]["article"] in deviations[0]["description"]
    resolved = client.post(f"/api/v1/deviations/{deviations[0]['id']}/resolve", headers=coordinator)
    assert resolved.json["status"] == "resolved"
    assert client.get("/api/v1/deviations/", headers=coordinator).json == []


def test_accept_all_matches_the_driver_and_replays_once(client, route, kitchen):
    driver, _ = route
    headers, stop = kitchen
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=driver)
    body_id = uuid.uuid4().hex
    first = _confirm(client, headers, stop, accept_all=True, client_id=body_id)
    again = _confirm(client, headers, stop, accept_all=True, client_id=body_id)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json["deviations"] == 0
    assert count(ReceiptConfirmation) == 1 and count(Deviation) == 0


def test_confirmation_validation(client, kitchen, world):
    headers, stop = kitchen
    nothing = _confirm(client, headers, stop)
    assert nothing.status_code == 422 and "lines" in nothing.json["error"]["fields"]
    foreign = _confirm(client, headers, stop, accept_all=True, delivery_point_id=999999)
    assert foreign.status_code == 404
    assert count(ReceiptConfirmation) == 0


def test_history_and_csv_export(client, route, kitchen):
    driver, _ = route
    headers, stop = kitchen
    client.post(
        "/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop, short_line=1)), headers=driver
    )
    _confirm(client, headers, stop, accept_all=True)
    rows = client.get(f"/api/v1/recipient/history?from={MONDAY}&to={MONDAY}", headers=headers).json
    assert len(rows) == len(stop["lines"])
    assert rows[1]["driver_deviation"] == "missing" and rows[1]["delivered"] == rows[1]["ordered"] - 1
    exported = client.get(f"/api/v1/recipient/history.csv?from={MONDAY}&to={MONDAY}", headers=headers)
    assert exported.mimetype == "text/csv"
    parsed = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [r["article"] for r in parsed] == [r["article"] for r in rows]


def test_web_push_subscription_and_vehicle_near_notice(app, client, route, kitchen, monkeypatch):
    driver, driver_route = route
    headers, stop = kitchen
    key = client.get("/api/v1/push/vapid-public-key", headers=headers).json["public_key"]
    assert len(key) == 87  # an uncompressed P-256 point, base64url without padding
    assert client.get("/api/v1/push/vapid-public-key", headers=headers).json["public_key"] == key
    sub = {"endpoint": "https://push.example.invalid/abc", "keys": {"p256dh": "BN" + "x" * 85, "auth": "y" * 22}}
    assert client.post("/api/v1/push/subscriptions", json=sub, headers=headers).status_code == 201
    assert count(PushSubscription) == 1
    sent = []
    monkeypatch.setattr("pywebpush.webpush", lambda **kwargs: sent.append(kwargs))
    first = driver_route["stops"][0]
    client.post("/api/v1/driver/events", json=event("deliver", first, proof=full_proof(first)), headers=driver)
    push.drain()
    assert len(sent) == 1 and sent[0]["subscription_info"]["endpoint"] == sub["endpoint"]
    notice = json.loads(sent[0]["data"])
    assert notice["job_key"] == stop["job_key"] and notice["title"] == "Leveransen är nära"


def test_recipient_endpoints_are_scoped(client, make_user, route):
    _, driver = make_user(Role.DRIVER)
    assert client.get("/api/v1/recipient/deliveries", headers=driver).status_code == 403
    assert client.post("/api/v1/push/subscriptions", json={}, headers=driver).status_code == 403
