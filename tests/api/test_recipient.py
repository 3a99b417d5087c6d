"""Kitchen staff: upcoming deliveries, live ETA, confirmation of receipt, history, Web Push."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from samlast.extensions import db, socketio
from samlast.models import Deviation, PushSubscription, ReceiptConfirmation, ReceiptLine, Role, User
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
    assert deviations[0]["code"] == "receipt_mismatch" and deviations[0]["kitchen_code"] == "missing"
    assert deviations[0]["article"] == stop["lines"][0]["article"] and deviations[0]["received"] == 0
    resolved = client.post(
        f"/api/v1/deviations/{deviations[0]['id']}/resolve", json={"note": "Ny leverans i morgon"}, headers=coordinator
    )
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
    assert rows[1]["driver_deviation"] == "" and rows[1]["delivered"] == rows[1]["ordered"] - 1
    exported = client.get(f"/api/v1/recipient/history.csv?from={MONDAY}&to={MONDAY}", headers=headers)
    assert exported.mimetype == "text/csv"
    parsed = list(csv.DictReader(io.StringIO(exported.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r["Artikel"] for r in parsed] == [r["article"] for r in rows]


def test_web_push_subscription_and_vehicle_near_notice(app, client, route, kitchen, monkeypatch):
    driver, driver_route = route
    headers, stop = kitchen
    key = client.get("/api/v1/push/vapid-public-key", headers=headers).json["public_key"]
    assert len(key) == 87  # an uncompressed P-256 point, base64url without padding
    assert client.get("/api/v1/push/vapid-public-key", headers=headers).json["public_key"] == key
    sub = {"endpoint": "https://push.example.invalid/abc", "keys": {"p256dh": "BN" + "x" * 85, "auth": "y" * 22}}
    subscribed = client.post("/api/v1/push/subscriptions", json=sub, headers=headers)
    assert subscribed.status_code == 201 and subscribed.json["message"] == "Aviseringar är påslagna på den här enheten."
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


# Each side's own record: the Smör case from the pilot-readiness issue -------------------------

SMOR = "Smör 500 g"


@pytest.fixture
def smor(day, world):
    """Before planning: 17 st Smör 500 g on each point's order of MONDAY."""
    from samlast.models import Order, OrderLine, TemperatureClass

    for order in db.session.scalars(sa.select(Order)):
        order.lines.append(
            OrderLine(line_no=3, article=SMOR, quantity=17, unit="st", weight_kg=8.5, pallet_places=0.1,
                      temperature_class=TemperatureClass.CHILLED)
        )
    db.session.commit()


def _smor_delivered_damaged(client, driver, stop):
    """The driver leaves 15 of 17 Smör and reports them "damaged"; everything else in full."""
    proof = full_proof(stop)
    [line] = [ln for ln in proof["lines"] if _article(stop, ln["order_line_id"]) == SMOR]
    line.update(delivered_quantity=15, deviation="damaged", note="Två paket trasiga")
    answer = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof), headers=driver)
    assert answer.status_code == 201, answer.json
    return line["order_line_id"]


def _article(stop, order_line_id):
    return next(ln["article"] for ln in stop["lines"] if ln["order_line_id"] == order_line_id)


@pytest.mark.parametrize("how", ["accept_all", "lines"])
def test_kitchen_without_a_deviation_is_shown_without_one(client, smor, route, kitchen, coordinator, how):
    driver, _ = route
    headers, stop = kitchen
    smor_id = _smor_delivered_damaged(client, driver, stop)
    if how == "accept_all":
        answer = _confirm(client, headers, stop, accept_all=True, confirmed_by_name="Alva Andersson")
    else:  # every line as left, no deviation chosen
        lines = [
            {"order_line_id": ln["order_line_id"], "received_quantity": 15 if ln["article"] == SMOR else ln["quantity"]}
            for ln in stop["lines"]
        ]
        answer = _confirm(client, headers, stop, lines=lines, confirmed_by_name="Alva Andersson")
    assert answer.status_code == 201, answer.json
    assert answer.json["deviations"] == 0  # nothing the kitchen reported, nothing it disagrees with
    # The one deviation on the list is the driver's own report, with nothing under the kitchen's name.
    [reported] = db.session.scalars(sa.select(Deviation)).all()
    assert (reported.code, reported.driver_code, reported.kitchen_code) == ("damaged", "damaged", None)
    assert (reported.ordered_quantity, reported.delivered_quantity, reported.received_quantity) == (17, 15, None)
    assert db.session.scalar(sa.select(ReceiptLine).where(ReceiptLine.order_line_id == smor_id)).deviation is None

    kitchen_user = db.session.scalar(sa.select(User).where(User.role == Role.RECIPIENT))
    rows = client.get(f"/api/v1/recipient/history?from={MONDAY}&to={MONDAY}", headers=headers).json
    [row] = [r for r in rows if r["article"] == SMOR]
    assert (row["ordered"], row["delivered"], row["received"]) == (17, 15, 15)
    assert row["driver_deviation"] == "damaged" and row["driver_note"] == "Två paket trasiga"
    assert row["kitchen_deviation"] == "" and row["disagreement"] is False
    assert row["receiver_name"] == "Kim Köksson"  # who signed for the driver
    assert row["confirmed_by_name"] == "Alva Andersson" and row["confirmed_by_account"] == kitchen_user.username
    assert row["confirmed_at"].startswith(f"{MONDAY}T08:00:00")  # 09:00+01:00

    [delivery] = client.get(f"/api/v1/recipient/deliveries?from={MONDAY}&to={MONDAY}", headers=headers).json
    [line] = [ln for ln in delivery["lines"] if ln["article"] == SMOR]
    assert (line["quantity"], line["delivered_quantity"], line["received_quantity"]) == (17, 15, 15)
    assert line["driver_deviation"] == "damaged" and line["kitchen_deviation"] is None
    assert delivery["confirmation"]["confirmed_by_name"] == "Alva Andersson"
    assert delivery["confirmation"]["confirmed_by_account"] == kitchen_user.username
    assert delivery["receiver_name"] == "Kim Köksson" and delivery["handed_over_at"]


def test_a_disagreement_is_its_own_fact_in_the_readers_language(client, smor, route, kitchen, coordinator):
    driver, _ = route
    headers, stop = kitchen
    _smor_delivered_damaged(client, driver, stop)
    milk = next(ln for ln in stop["lines"] if ln["article"] == "Mjölk")
    lines = [
        {"order_line_id": ln["order_line_id"], "received_quantity": ln["quantity"]}
        for ln in stop["lines"]
        if ln["article"] not in (SMOR, "Mjölk")
    ]
    lines += [
        {"order_line_id": next(ln["order_line_id"] for ln in stop["lines"] if ln["article"] == SMOR),
         "received_quantity": 14},
        {"order_line_id": milk["order_line_id"], "received_quantity": 40, "deviation": "wrong_temperature",
         "note": "Varm, 11 grader"},
    ]
    answer = _confirm(client, headers, stop, lines=lines)
    assert answer.status_code == 201 and answer.json["deviations"] == 2

    swedish = client.get("/api/v1/deviations/", headers=coordinator).json
    by_article = {d["article"]: d for d in swedish}
    smor_row = by_article[SMOR]
    assert smor_row["code"] == "receipt_mismatch"
    assert (smor_row["driver_code"], smor_row["kitchen_code"]) == ("damaged", None)
    assert (smor_row["ordered"], smor_row["delivered"], smor_row["received"]) == (17, 15, 14)
    assert smor_row["code_text"] == "Köket tog emot en annan mängd än föraren lämnade"
    assert smor_row["description"] == (
        "Smör 500 g: Köket tog emot en annan mängd än föraren lämnade. "
        "Beställt 17 st, föraren lämnade 15 st, köket tog emot 14 st. Föraren: Skadad · Köket: –."
    )
    assert smor_row["reported_by"]["name"] == "Alva"
    milk_row = by_article["Mjölk"]
    assert (milk_row["code"], milk_row["kitchen_code"]) == ("wrong_temperature", "wrong_temperature")
    assert milk_row["driver_code"] is None
    assert milk_row["description"] == (
        "Mjölk: Fel temperatur. Beställt 40 l, föraren lämnade 40 l, köket tog emot 40 l. "
        "Föraren: – · Köket: Fel temperatur. Kökets kommentar: Varm, 11 grader."
    )
    english = client.get("/api/v1/deviations/", headers={**coordinator, "Accept-Language": "en"}).json
    assert {d["article"]: d for d in english}[SMOR]["description"] == (
        "Smör 500 g: The kitchen received another quantity than the driver left. "
        "Ordered 17 st, the driver left 15 st, the kitchen received 14 st. Driver: Damaged · Kitchen: –."
    )
    stored = db.session.scalars(sa.select(Deviation)).all()
    assert all(d.description == "" for d in stored)  # facts, no English sentence

    rows = client.get(f"/api/v1/recipient/history?from={MONDAY}&to={MONDAY}", headers=headers).json
    [row] = [r for r in rows if r["article"] == SMOR]
    assert row["disagreement"] is True and row["kitchen_deviation"] == "" and row["received"] == 14


def test_quantities_are_written_the_readers_way(client, route, kitchen, coordinator):
    driver, _ = route
    headers, stop = kitchen
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=driver)
    lines = [{"order_line_id": ln["order_line_id"], "received_quantity": ln["quantity"]} for ln in stop["lines"]]
    lines[0].update(received_quantity=37.5, deviation="damaged")
    assert _confirm(client, headers, stop, lines=lines).status_code == 201
    [swedish] = client.get("/api/v1/deviations/", headers=coordinator).json
    assert "köket tog emot 37,5 l" in swedish["description"]
    [english] = client.get("/api/v1/deviations/", headers={**coordinator, "Accept-Language": "en"}).json
    assert "the kitchen received 37.5 l" in english["description"]


def test_an_old_deviation_is_shown_as_it_was_written(client, world, coordinator):
    db.session.add(
        Deviation(delivery_point=world.school, plan_date=MONDAY, code="receipt_mismatch",
                  description="Mjölk: ordered 40 l, driver delivered 40, kitchen received 38")
    )
    db.session.commit()
    [shown] = client.get("/api/v1/deviations/", headers=coordinator).json
    assert shown["structured"] is False
    assert shown["description"] == "Mjölk: ordered 40 l, driver delivered 40, kitchen received 38"
    assert shown["code_text"] == "Köket tog emot en annan mängd än föraren lämnade"


# Resolving with a note, and undoing it --------------------------------------------------------


@pytest.fixture
def one_deviation(client, route, kitchen):
    driver, _ = route
    headers, stop = kitchen
    client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=driver)
    lines = [{"order_line_id": ln["order_line_id"], "received_quantity": ln["quantity"]} for ln in stop["lines"]]
    lines[0]["deviation"] = "damaged"
    assert _confirm(client, headers, stop, lines=lines).status_code == 201
    return db.session.scalar(sa.select(Deviation.id))


def test_resolving_needs_a_note_and_can_be_undone(client, make_user, one_deviation):
    user, coordinator = make_user(Role.COORDINATOR, "samordnare")
    user.display_name = "Sam Samordnare"
    db.session.commit()
    path = f"/api/v1/deviations/{one_deviation}"
    for body in ({}, {"note": "   "}):
        refused = client.post(f"{path}/resolve", json=body, headers=coordinator)
        assert refused.status_code == 422
        assert refused.json["error"]["fields"] == {"note": ["Skriv vem som hanterade avvikelsen och hur."]}
    english = client.post(f"{path}/resolve", json={}, headers={**coordinator, "Accept-Language": "en"})
    assert english.json["error"]["fields"] == {"note": ["Write who handled the deviation and how."]}
    assert db.session.get(Deviation, one_deviation).status.value == "open"

    resolved = client.post(f"{path}/resolve", json={"note": "Grossisten krediterar. /Sam"}, headers=coordinator)
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["status"] == "resolved" and resolved.json["resolved_at"]
    assert resolved.json["resolved_by_name"] == "Sam Samordnare"
    assert resolved.json["resolution_note"] == "Grossisten krediterar. /Sam"
    assert client.get("/api/v1/deviations/", headers=coordinator).json == []
    [handled] = client.get("/api/v1/deviations/?status=resolved", headers=coordinator).json
    assert handled["id"] == one_deviation
    again = client.post(f"{path}/resolve", json={"note": "x"}, headers=coordinator)
    assert again.status_code == 409
    assert again.json["error"]["message"] == "Avvikelsen är redan markerad som hanterad."

    reopened = client.post(f"{path}/reopen", json={"note": "Krediten kom aldrig"}, headers=coordinator)
    assert reopened.status_code == 200, reopened.json
    assert reopened.json["status"] == "open" and reopened.json["resolved_at"] is None
    assert reopened.json["resolved_by_name"] is None
    steps = [(a["action"], a["by_name"], a["note"]) for a in reopened.json["actions"]]
    assert steps == [
        ("resolved", "Sam Samordnare", "Grossisten krediterar. /Sam"),
        ("reopened", "Sam Samordnare", "Krediten kom aldrig"),
    ]
    assert all(a["at"] for a in reopened.json["actions"])
    assert [d["id"] for d in client.get("/api/v1/deviations/", headers=coordinator).json] == [one_deviation]
    assert client.post(f"{path}/reopen", json={}, headers=coordinator).status_code == 409
    assert count(Deviation) == 1  # never deleted
    assert client.post("/api/v1/deviations/987654/reopen", json={}, headers=coordinator).status_code == 404


# The history for Excel -------------------------------------------------------------------------


def test_history_csv_opens_in_swedish_and_english_excel(client, smor, route, kitchen):
    driver, _ = route
    headers, stop = kitchen
    _smor_delivered_damaged(client, driver, stop)  # at 08:00+01:00, i.e. 07:00 UTC
    _confirm(client, headers, stop, accept_all=True, confirmed_by_name="Alva Andersson")
    url = f"/api/v1/recipient/history.csv?from={MONDAY}&to={MONDAY}"

    swedish = client.get(url, headers=headers)
    raw = swedish.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads å, ä, ö
    assert 'filename="leveranser-2026-11-30-2026-11-30.csv"' in swedish.headers["Content-Disposition"]
    text_ = raw.decode("utf-8-sig")
    header = text_.splitlines()[0].split(";")
    assert header[:9] == [
        "Datum", "Leveransställe", "Lämnat kl.", "Signerat hos föraren av", "Artikel", "Beställt",
        "Lämnat av föraren", "Mottaget av köket", "Enhet",
    ]
    assert "Förarens avvikelse" in header and "Kökets avvikelse" in header and "Bekräftat i köket av" in header
    rows = {r["Artikel"]: r for r in csv.DictReader(io.StringIO(text_), delimiter=";")}
    smor_row, milk = rows[SMOR], rows["Mjölk"]
    assert smor_row["Lämnat kl."] == "2026-11-30 08:00"  # Stockholm time, not UTC
    assert smor_row["Bekräftat kl."] == "2026-11-30 09:00"
    assert (smor_row["Beställt"], smor_row["Lämnat av föraren"], smor_row["Mottaget av köket"]) == ("17", "15", "15")
    assert smor_row["Förarens avvikelse"] == "Skadad" and smor_row["Kökets avvikelse"] == ""
    assert smor_row["Bekräftat i köket av"] == "Alva Andersson"
    assert milk["Temperatur (°C)"] == "4,5"  # decimal comma

    english = client.get(url, headers={**headers, "Accept-Language": "en"}).get_data().decode("utf-8-sig")
    rows = {r["Article"]: r for r in csv.DictReader(io.StringIO(english))}
    assert rows["Mjölk"]["Temperature (°C)"] == "4.5" and rows[SMOR]["Driver's deviation"] == "Damaged"
    assert rows[SMOR]["Left at"] == "2026-11-30 08:00"
