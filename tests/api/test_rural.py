"""Rural service: an agent registers a resident's parcel, it rides along on the next route that
passes its village, the driver signs it over at the agent and drops it in the locker, and the
resident follows it by code on the public tracking page."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest

from samlast.extensions import db
from samlast.models import (
    Consignment,
    ConsignmentHandover,
    ConsignmentStatus,
    DeliveryPoint,
    DeliveryPointKind,
    LockerCompartment,
    ReceivingWindow,
    Role,
    Route,
    SizeClass,
    StopStatus,
    User,
)
from samlast.services import jobs, planning, rural
from samlast.services.rural import CODE_ALPHABET
from tests.conftest import MONDAY, count

API = "/api/v1/rural"


@pytest.fixture
def places(world):
    """The parcel agent in town (open 06-18 on weekdays) and a locker in the village by the care home."""
    agent_point = DeliveryPoint(
        external_id="SP-1", name="Ombudet Eslöv", kind=DeliveryPointKind.SERVICE_POINT, municipality=world.eslov,
        lat=55.838, lon=13.306, service_time_min=3,
        receiving_windows=[ReceivingWindow(weekday=d, start=time(6), end=time(18)) for d in range(5)],
    )  # fmt: skip
    locker = DeliveryPoint(
        external_id="PL-1", name="Ljungbacka paketskåp", kind=DeliveryPointKind.PARCEL_LOCKER,
        municipality=world.horby, lat=55.851, lon=13.655, service_time_min=2,
    )  # fmt: skip
    db.session.add_all([agent_point, locker])
    db.session.flush()
    db.session.add_all([
        LockerCompartment(delivery_point_id=locker.id, number=1, size_class=SizeClass.SMALL),
        LockerCompartment(delivery_point_id=locker.id, number=2, size_class=SizeClass.LARGE),
    ])  # fmt: skip
    db.session.commit()
    return {"agent": agent_point, "locker": locker}


@pytest.fixture
def planned(day, world, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)


@pytest.fixture
def agent(make_user, places):
    return make_user(Role.AGENT, "agnes", delivery_points=[places["agent"]])[1]


@pytest.fixture
def driver(day):
    from samlast.services import auth

    user = db.session.get(User, day.driver_id)
    return {"Authorization": f"Bearer {auth.login(user.username, 'correct horse battery', 1)[0]}"}


def register(client, headers, places, **extra):
    body = {"kind": "parcel", "destination_point_id": places["locker"].id, "size_class": "large",
            "resident_name": "Greta Ek", "resident_phone": "070-1234567", **extra}  # fmt: skip
    answer = client.post(f"{API}/consignments", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def hand_over(client, headers, code, kind, **extra):
    body = {"client_id": uuid.uuid4().hex, "tracking_code": code, "kind": kind,
            "recorded_at": f"{MONDAY}T09:00:00+01:00", **extra}  # fmt: skip
    return client.post(f"{API}/handovers", json=body, headers=headers), body


def test_an_agents_parcel_rides_on_the_route_that_passes_the_village(client, agent, driver, places, planned):
    parcel = register(client, agent, places)
    assert parcel["status"] == "planned" and parcel["planned_date"] == MONDAY.isoformat()
    assert parcel["pickup_name"] == "Ombudet Eslöv" and parcel["unplanned_reason"] is None
    code = parcel["tracking_code"]
    assert len(code) == 10 and set(code) <= set(CODE_ALPHABET)
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=driver).json
    actions = [(stop["action"], stop["place_name"]) for stop in route["ride_along"]]
    assert actions == [("pickup", "Ombudet Eslöv"), ("drop", "Ljungbacka paketskåp")]
    pickup, drop = route["ride_along"]
    assert pickup["after_sequence"] <= drop["after_sequence"] and drop["locker"] is True
    # The municipal stops are all still there.
    assert len(route["stops"]) == 2


def test_no_route_before_the_wait_limit_says_so(client, agent, places, planned):
    later = MONDAY + timedelta(days=1)
    parcel = register(client, agent, places, available_from=later.isoformat(), latest_date=later.isoformat())
    assert parcel["status"] == "registered" and parcel["planned_date"] is None
    assert parcel["unplanned_reason"] == "Ingen plats på en rutt till Ljungbacka paketskåp före 2026-12-01"
    english = client.get(f"{API}/consignments/{parcel['id']}", headers={**agent, "Accept-Language": "en"})
    assert english.json["unplanned_reason"] == "No room on a route to Ljungbacka paketskåp before 2026-12-01"


def test_hand_overs_are_facts_replayed_safely_and_the_locker_gives_a_pickup_code(
    client, agent, driver, places, planned, make_user
):
    code = register(client, agent, places)["tracking_code"]
    tracked = client.get(f"{API}/track/{code}").json
    assert tracked["status"] == "planned" and tracked["expected_date"] == MONDAY.isoformat()
    assert tracked["pickup_code"] is None and tracked["collect_at"]["locker"] is True
    taken, body = hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes Ombud")
    assert taken.status_code == 201 and taken.json["status"] == "picked_up", taken.json
    again = client.post(f"{API}/handovers", json=body, headers=driver)
    assert again.status_code == 200 and again.json["replay"] is True
    assert again.json["handover_id"] == taken.json["handover_id"] and count(ConsignmentHandover) == 1
    # Recorded once: a second take-over of the same parcel is refused, nothing stored.
    twice, _ = hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes Ombud")
    assert twice.status_code == 422 and "kind" in twice.json["error"]["fields"]
    # A large parcel does not go in a small compartment, nor in one the locker lacks.
    small, _ = hand_over(client, driver, code, "driver_to_locker", compartment_number=1)
    missing, _ = hand_over(client, driver, code, "driver_to_locker", compartment_number=7)
    assert small.status_code == missing.status_code == 422 and count(ConsignmentHandover) == 1
    dropped, _ = hand_over(client, driver, code, "driver_to_locker", compartment_number=2)
    assert dropped.status_code == 201 and dropped.json["status"] == "ready"
    tracked = client.get(f"{API}/track/{code.lower()}").json
    assert tracked["status"] == "ready" and tracked["compartment_number"] == 2
    assert len(tracked["pickup_code"]) == 6 and tracked["pickup_code"].isdigit()
    # Another driver cannot hand it over: it is not on their route.
    _, other = make_user(Role.DRIVER, "otto")
    assert hand_over(client, other, code, "driver_to_point", signed_by_name="X")[0].status_code == 404


def test_tracking_tells_only_what_the_code_holder_needs_and_is_rate_limited(client, agent, places, planned, app):
    first = register(client, agent, places)["tracking_code"]
    register(client, agent, places, resident_name="Olle Ek")
    answer = client.get(f"{API}/track/{first}")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "Greta" not in text and "070" not in text and "Olle" not in text
    assert set(answer.json) == {"tracking_code", "kind", "status", "expected_date", "latest_date", "waiting_reason",
                                "collect_at", "compartment_number", "pickup_code"}  # fmt: skip
    other = first[:-1] + ("X" if first[-1] != "X" else "Y")  # one character off: another code
    assert client.get(f"{API}/track/{other}").status_code == 404
    app.config["TRACKING_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get(f"{API}/track/{first}", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
                    for _ in range(4)]  # fmt: skip
    finally:
        app.config.pop("TRACKING_RATE_LIMIT")
    assert statuses == [200, 200, 200, 429]


def test_an_agent_sees_only_its_own_points_consignments(client, agent, places, planned, make_user, world):
    parcel = register(client, agent, places)
    other_point = DeliveryPoint(external_id="SP-2", name="Byalaget Höör", kind=DeliveryPointKind.SERVICE_POINT,
                                municipality=world.horby, lat=55.93, lon=13.54)  # fmt: skip
    db.session.add(other_point)
    db.session.commit()
    _, stranger = make_user(Role.AGENT, "sigge", delivery_points=[other_point])
    assert client.get(f"{API}/consignments", headers=stranger).json == []
    assert client.get(f"{API}/consignments/{parcel['id']}", headers=stranger).status_code == 404
    assert [c["id"] for c in client.get(f"{API}/consignments", headers=agent).json] == [parcel["id"]]
    # Nor can it register a parcel picked up elsewhere for somewhere not its own.
    body = {"kind": "parcel", "pickup_point_id": places["agent"].id, "destination_point_id": places["locker"].id,
            "size_class": "small", "resident_name": "X"}  # fmt: skip
    refused = client.post(f"{API}/consignments", json=body, headers=stranger)
    assert refused.status_code == 422 and "pickup_point_id" in refused.json["error"]["fields"]


def test_csv_is_all_or_nothing_and_names_every_error(client, agent, places, planned):
    bad = ("kind;destination;size_class;resident_name\n"
           "parcel;PL-1;large;Greta Ek\n"
           "crate;PL-1;small;Olle Ek\n"
           "parcel;NOPE;huge;Lisa Ek\n")  # fmt: skip
    refused = client.post(f"{API}/consignments.csv", data=bad.encode(), headers=agent)
    assert refused.status_code == 422
    errors = {(e["row"], e["column"], e["value"]) for e in refused.json["error"]["fields"]["rows"]}
    assert errors == {(3, "kind", "crate"), (4, "destination", "NOPE"), (4, "size_class", "huge")}
    assert client.get(f"{API}/consignments", headers=agent).json == []
    good = bad.splitlines()[:2] + ["library;PL-1;small;Olle Ek"]
    made = client.post(f"{API}/consignments.csv", data="\n".join(good).encode(), headers=agent)
    assert made.status_code == 201 and made.json["created"] == 2, made.json
    assert {c["status"] for c in made.json["consignments"]} == {"planned"}


def test_figures_count_the_ride_along_and_the_trips_saved(client, agent, places, planned, coordinator):
    register(client, agent, places)
    [row] = client.get(f"{API}/figures?from={MONDAY}&to={MONDAY}", headers=coordinator).json
    assert row["village"] == "Ljungbacka paketskåp" and row["week"] == "2026-V49" and row["consignments"] == 1
    # Eslöv to Ljungbacka is about 22 km as the crow flies: some 57 km there and back by road.
    assert 45 < row["avoided_km"] < 70 and row["avoided_co2e_kg"] > 0
    assert row["extra_km"] >= 0 and row["extra_min"] > 0


def test_a_waiting_parcel_rides_on_a_route_planned_later(client, agent, places, day, coordinator, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    parcel = register(client, agent, places)
    assert parcel["status"] == "registered"  # no route yet
    body = {"date": MONDAY.isoformat(), "time_limit_s": 1}
    job = client.post("/api/v1/planning/jobs", json=body, headers=coordinator)
    assert job.status_code in (201, 202), job.json
    jobs.drain()
    again = client.get(f"{API}/consignments/{parcel['id']}", headers=agent).json
    assert again["status"] == "planned" and again["planned_date"] == MONDAY.isoformat()


def test_a_village_shop_signs_for_the_parcel_and_hands_it_to_the_resident(client, driver, places, planned, make_user,
                                                                         world):  # fmt: skip
    shop = DeliveryPoint(external_id="SP-3", name="Byaboden Ljungbacka", kind=DeliveryPointKind.SERVICE_POINT,
                         municipality=world.horby, lat=55.852, lon=13.657)  # fmt: skip
    db.session.add(shop)
    db.session.commit()
    _, town_agent = make_user(Role.AGENT, "agnes", delivery_points=[places["agent"]])
    _, shop_keeper = make_user(Role.AGENT, "britt", delivery_points=[shop])
    code = register(client, town_agent, places, destination_point_id=shop.id, size_class="small")["tracking_code"]
    assert hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes")[0].status_code == 201
    # The town agent cannot say it reached the resident; the shop at the destination can, once it has it.
    assert hand_over(client, town_agent, code, "to_resident")[0].status_code == 404
    left, _ = hand_over(client, driver, code, "driver_to_point", signed_by_name="Britt Bod")
    assert left.status_code == 201 and left.json["status"] == "ready"
    tracked = client.get(f"{API}/track/{code}").json
    assert tracked["status"] == "ready" and tracked["pickup_code"] is None and tracked["collect_at"]["locker"] is False
    out, _ = hand_over(client, shop_keeper, code, "to_resident")
    assert out.status_code == 201 and out.json["status"] == "collected"
    assert client.get(f"{API}/track/{code}").json["status"] == "collected"


def test_a_parcel_on_a_route_under_way_stays_on_it_when_planned_again(client, agent, places, planned):
    parcel = register(client, agent, places)
    route_id = db.session.get(Consignment, parcel["id"]).planned_route_id
    route = db.session.get(Route, route_id)
    route.stops[0].status = StopStatus.ARRIVED  # the driver is at the first stop
    db.session.commit()
    rural.plan(route.plan.terminal_id)
    again = db.session.get(Consignment, parcel["id"])
    assert again.status == ConsignmentStatus.PLANNED and again.planned_route_id == route_id


def test_residents_contact_is_erased_on_request_and_after_retention(client, agent, places, planned):
    from datetime import UTC, datetime

    from samlast.services import personal_data

    first = register(client, agent, places)  # Greta Ek
    register(client, agent, places, resident_name="Olle Ek")
    person = personal_data.Person(name="greta ek")
    [record] = personal_data.person_records(person)["consignments"]
    assert record["tracking_code"] == first["tracking_code"] and record["phone"] == "070-1234567"
    assert personal_data.erase_person(person)["consignments"] == 1
    erased = db.session.get(Consignment, first["id"])
    assert (erased.resident_name, erased.resident_phone) == (personal_data.ERASED_NAME, "")
    # Past the retention of names, every resident's contact goes; the consignment stays.
    counts = {c.kind.key: c.count for c in personal_data.apply_retention(now=datetime(2031, 1, 1, tzinfo=UTC))}
    assert counts["resident_contacts"] == 1
    assert [c["resident_name"] for c in client.get(f"{API}/consignments", headers=agent).json] == [
        personal_data.ERASED_NAME, personal_data.ERASED_NAME]  # fmt: skip


def test_a_wait_limit_months_away_is_refused(client, agent, places, planned):
    body = {"kind": "parcel", "destination_point_id": places["locker"].id, "size_class": "small", "resident_name": "X",
            "available_from": MONDAY.isoformat(), "latest_date": (MONDAY + timedelta(days=61)).isoformat()}  # fmt: skip
    refused = client.post(f"{API}/consignments", json=body, headers=agent)
    assert refused.status_code == 422 and "latest_date" in refused.json["error"]["fields"]
    assert client.get(f"{API}/consignments", headers=agent).json == []
