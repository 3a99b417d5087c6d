"""The driver's API: routes, idempotent events with proof of delivery, receipts, positions."""

from __future__ import annotations

import base64
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from samlast.extensions import db
from samlast.models import DriverEvent, Plan, ProofOfDelivery, ProofPhoto, Role, Stop, StopStatus, VehiclePosition
from samlast.services import planning, receipts
from tests.conftest import MONDAY, count
from tests.driver_helpers import event, full_proof, image_data_url


@pytest.fixture
def planned(day, world):
    """MONDAY planned; returns the driver's auth headers and the route as the driver sees it."""
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    from samlast.models import User
    from samlast.services import auth

    driver = db.session.get(User, day.driver_id)
    token, _ = auth.login(driver.username, "correct horse battery", ttl_hours=1)
    return {"Authorization": f"Bearer {token}"}


def _route(client, headers) -> dict:
    response = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers)
    assert response.status_code == 200, response.json
    [route] = response.json
    return route


def test_driver_sees_own_route_with_stop_details(client, planned, world):
    route = _route(client, planned)
    assert [s["place"]["name"] for s in route["stops"]] and route["version"] == 1
    school = next(s for s in route["stops"] if s["place"]["name"] == world.school.name)
    assert school["time_windows"] == [["06:30", "10:30"]]
    assert {line["temperature_class"] for line in school["lines"]} == {"chilled", "ambient"}
    assert route["terminal"]["name"] == world.terminal.name


def test_other_driver_sees_no_route(client, planned, make_user):
    _, other = make_user(Role.DRIVER)
    assert client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=other).json == []


def test_arrive_and_proof_of_delivery_are_stored_once(client, planned):
    stop = _route(client, planned)["stops"][0]
    arrive = event("arrive", stop)
    first = client.post("/api/v1/driver/events", json=arrive, headers=planned)
    assert first.status_code == 201 and first.json["stop_status"] == "arrived"

    deliver = event("deliver", stop, proof=full_proof(stop, short_line=0), at="T08:12:00+01:00")
    stored = client.post("/api/v1/driver/events", json=deliver, headers=planned)
    assert stored.status_code == 201, stored.json
    replay = client.post("/api/v1/driver/events", json=deliver, headers=planned)
    assert replay.status_code == 200
    assert {**replay.json, "replay": False} == stored.json
    assert count(DriverEvent) == 2 and count(ProofOfDelivery) == 1

    proof = db.session.get(ProofOfDelivery, stored.json["proof_id"])
    assert proof.receiver_name == "Kim Köksson" and proof.crates_returned == 3
    # One less than ordered and no code chosen: short by its quantities, no code made up for the driver.
    assert proof.lines[0].deviation is None
    assert proof.lines[0].delivered_quantity == proof.lines[0].ordered_quantity - 1
    assert db.session.get(Stop, stop["id"]).status == StopStatus.DONE

    receipts.drain()  # images re-encoded and receipt rendered after the answer
    db.session.refresh(proof)
    assert proof.images_sanitized and proof.signature_png.startswith(b"\x89PNG")
    photo = db.session.scalar(sa.select(ProofPhoto))
    assert photo.content_type == "image/jpeg" and max(photo.width, photo.height) == 1600
    assert proof.receipt_pdf.startswith(b"%PDF")
    receipt = client.get(stored.json["receipt_url"], headers=planned)
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    assert receipt.data.startswith(b"%PDF")


def test_receipt_visible_to_coordinator_and_own_kitchen_only(client, planned, coordinator, make_user, world):
    stop = _route(client, planned)["stops"][0]
    stored = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=planned)
    url = stored.json["receipt_url"]
    point_id = db.session.get(Stop, stop["id"]).delivery_point_id
    other_point = world.care_home if point_id == world.school.id else world.school
    _, own_kitchen = make_user(Role.RECIPIENT, delivery_points=[db.session.get(type(world.school), point_id)])
    _, other_kitchen = make_user(Role.RECIPIENT, delivery_points=[other_point])
    _, other_driver = make_user(Role.DRIVER)
    assert client.get(url, headers=coordinator).status_code == 200
    assert client.get(url, headers=own_kitchen).status_code == 200
    assert client.get(url, headers=other_kitchen).status_code == 404
    assert client.get(url, headers=other_driver).status_code == 404
    assert [p["id"] for p in client.get("/api/v1/proofs/", headers=own_kitchen).json] == [stored.json["proof_id"]]
    assert client.get("/api/v1/proofs/", headers=other_kitchen).json == []


def test_event_for_a_stop_planned_away_is_kept_and_flagged(client, planned, coordinator):
    stop = _route(client, planned)["stops"][0]
    body = event("deliver", stop, proof=full_proof(stop))
    body["job_key"] = "dp:999999"
    response = client.post("/api/v1/driver/events", json=body, headers=planned)
    assert response.status_code == 201
    assert response.json["flagged"] and response.json["flag_reason"] == "flag.not_in_plan"
    flagged = client.get("/api/v1/driver-events/flagged", headers=coordinator).json
    assert [e["client_id"] for e in flagged] == [body["client_id"]]
    assert flagged[0]["flag_code"] == "flag.not_in_plan"
    assert flagged[0]["flag_reason"] == "Stoppet finns inte längre i den aktuella planen."
    resolved = client.post(f"/api/v1/driver-events/{flagged[0]['id']}/resolve", headers=coordinator)
    assert resolved.json["resolved"] is True
    assert client.get("/api/v1/driver-events/flagged", headers=coordinator).json == []


def test_bad_proofs_are_refused_and_store_nothing(client, planned):
    stop = _route(client, planned)["stops"][0]
    no_name = full_proof(stop)
    no_name["receiver_name"] = ""
    response = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=no_name), headers=planned)
    assert response.status_code == 422 and "proof" in response.json["error"]["fields"]

    fake_image = full_proof(stop)
    fake_image["photos"] = ["data:image/jpeg;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="]
    response = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=fake_image), headers=planned)
    assert response.status_code == 422 and "proof.photos.0" in response.json["error"]["fields"]

    unknown_line = full_proof(stop)
    unknown_line["lines"][0]["order_line_id"] = 987654
    response = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=unknown_line), headers=planned)
    assert response.status_code == 422 and "proof.lines.0.order_line_id" in response.json["error"]["fields"]

    missing_proof = client.post("/api/v1/driver/events", json=event("deliver", stop), headers=planned)
    assert missing_proof.status_code == 422
    assert count(DriverEvent) == 0 and count(ProofOfDelivery) == 0


def test_nobody_there_skips_the_stop_without_a_name(client, planned):
    stop = _route(client, planned)["stops"][0]
    proof = {"deviation": "nobody_there", "note": "Låst", "lines": []}
    response = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof), headers=planned)
    assert response.status_code == 201 and response.json["stop_status"] == "skipped"
    stored = client.get(f"/api/v1/proofs/{response.json['proof_id']}", headers=planned).json
    assert (stored["deviation"], stored["note"]) == ("nobody_there", "Låst")  # a code of its own, not in the note


def test_client_id_of_another_driver_is_a_conflict(client, planned, make_user):
    stop = _route(client, planned)["stops"][0]
    body = event("arrive", stop)
    assert client.post("/api/v1/driver/events", json=body, headers=planned).status_code == 201
    _, other = make_user(Role.DRIVER)
    response = client.post("/api/v1/driver/events", json=body, headers=other)
    assert response.status_code == 409
    assert count(DriverEvent) == 1


def test_positions_are_stored_once(client, planned):
    body = {"positions": [{"lat": 55.84, "lon": 13.3, "recorded_at": f"{MONDAY}T07:00:00+01:00"}]}
    assert client.post("/api/v1/driver/positions", json=body, headers=planned).json == {"stored": 1}
    assert client.post("/api/v1/driver/positions", json=body, headers=planned).json == {"stored": 0}
    assert count(VehiclePosition) == 1


def test_return_balance_per_delivery_point(client, planned, coordinator):
    stop = _route(client, planned)["stops"][0]
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=planned)
    balance = client.get("/api/v1/returns/balance", headers=coordinator).json
    assert [(b["crates"], b["roll_cages"]) for b in balance] == [(3, 1)]


def test_late_arrival_triggers_replan(app, client, planned, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    route = _route(client, planned)
    first = route["stops"][0]
    monkeypatch.setitem(app.config, "PLANNING_RUNNER", "inline")
    monkeypatch.setitem(app.config, "REPLAN_WHEN_LATE_MIN", 20)
    on_time = client.post("/api/v1/driver/events", json=event("arrive", first, at="T06:00:00+01:00"), headers=planned)
    assert on_time.status_code == 201
    assert count(Plan) == 1
    late = client.post("/api/v1/driver/events", json=event("arrive", first, at="T11:45:00+01:00"), headers=planned)
    assert late.status_code == 201
    assert count(Plan) == 2


def test_drivers_only(client, planned, coordinator):
    assert client.get("/api/v1/driver/routes", headers=coordinator).status_code == 403
    assert client.post("/api/v1/driver/events", json={}, headers=coordinator).status_code == 403


def test_image_helper_is_png():
    assert image_data_url().startswith("data:image/png;base64,")


def test_proof_photo_is_re_encoded_without_its_location(client, planned):
    stop = _route(client, planned)["stops"][0]
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (55.0, 50.0, 0.0), 4: (13.0, 20.0, 0.0)}  # GPS position
    Image.new("RGB", (640, 480), (90, 90, 90)).save(buffer, format="JPEG", exif=exif)
    assert b"Exif" in buffer.getvalue()
    proof = {**full_proof(stop), "photos": [
        "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
    ]}
    stored = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof), headers=planned)
    assert stored.status_code == 201, stored.json
    receipts.drain()
    photo = db.session.scalar(sa.select(ProofPhoto))
    db.session.refresh(photo)
    assert photo.data.startswith(b"\xff\xd8") and b"Exif" not in photo.data
    assert (photo.width, photo.height) == (640, 480)


def test_truncated_photo_is_refused_in_the_request(client, planned):
    stop = _route(client, planned)["stops"][0]
    whole = base64.b64decode(image_data_url("JPEG", (800, 600)).split(",", 1)[1])
    cut = "data:image/jpeg;base64," + base64.b64encode(whole[: len(whole) // 2]).decode()
    body = event("deliver", stop, proof={**full_proof(stop), "photos": [cut]})
    answer = client.post("/api/v1/driver/events", json=body, headers=planned)
    assert answer.status_code == 422 and "proof.photos.0" in answer.json["error"]["fields"]
    assert count(DriverEvent) == 0 and count(ProofOfDelivery) == 0


def test_what_the_driver_reports_reaches_the_coordinators_list(client, planned, coordinator):
    stop = _route(client, planned)["stops"][0]
    proof = full_proof(stop)
    proof["lines"][0].update(delivered_quantity=0, deviation="wrong_temperature")
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof), headers=planned)
    listed = client.get("/api/v1/deviations/", headers=coordinator).json
    assert [(d["code"], d["article"]) for d in listed] == [("wrong_temperature", stop["lines"][0]["article"])]
    assert listed[0]["description"].startswith(f"{stop['lines'][0]['article']}: Fel temperatur")


def test_a_stop_nobody_received_puts_every_line_on_the_coordinators_list(client, planned, coordinator):
    stop = _route(client, planned)["stops"][0]
    proof = {"deviation": "nobody_there", "note": "Låst", "lines": []}
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof), headers=planned)
    listed = client.get("/api/v1/deviations/", headers=coordinator).json
    assert sorted(d["article"] for d in listed) == sorted(line["article"] for line in stop["lines"])
    assert {(d["code"], d["delivered"]) for d in listed} == {("nobody_there", 0)}
