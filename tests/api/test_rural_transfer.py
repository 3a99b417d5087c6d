"""A change of vehicles at the terminal (issue 17): the parcel agent is west of town, the village
locker east of it, and no route passes both. Monday's route to the west takes the parcel back to
the terminal; Tuesday's route east takes it on to the locker. Each hand-over is recorded by the
driver of its route, and the resident sees the arrival day."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest

from samlast.extensions import db
from samlast.models import (
    Consignment,
    ConsignmentStatus,
    DeliveryPoint,
    DeliveryPointKind,
    EnergyType,
    Order,
    OrderLine,
    ReceivingWindow,
    Role,
    TemperatureClass,
    Vehicle,
    VehicleCompartment,
)
from samlast.services import planning, rural
from tests.conftest import MONDAY, build_day

API = "/api/v1/rural"
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def two_days(world, make_user, monkeypatch):
    """A school out west with an order on Monday, the care home east with one on Tuesday, one
    vehicle; the agent by the school, the locker by the care home; both days planned."""
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    weekdays = lambda: [ReceivingWindow(weekday=d, start=time(6), end=time(18)) for d in range(5)]  # noqa: E731
    west = DeliveryPoint(external_id="DP-W", name="Västra skolan", kind=DeliveryPointKind.SCHOOL_KITCHEN,
                         municipality=world.eslov, lat=55.87, lon=12.85, receiving_windows=weekdays())  # fmt: skip
    agent_point = DeliveryPoint(external_id="SP-W", name="Ombudet Väster", kind=DeliveryPointKind.SERVICE_POINT,
                                municipality=world.eslov, lat=55.871, lon=12.853, service_time_min=3,
                                receiving_windows=weekdays())  # fmt: skip
    locker = DeliveryPoint(external_id="PL-E", name="Ljungbacka paketskåp", kind=DeliveryPointKind.PARCEL_LOCKER,
                           municipality=world.horby, lat=55.851, lon=13.655, service_time_min=2)  # fmt: skip
    driver, driver_headers = make_user(Role.DRIVER, "driver-t")
    vehicle = Vehicle(
        external_id="V-T", name="Bil T", terminal=world.terminal, energy_type=EnergyType.HVO100,
        co2e_kg_per_km=0.25, cost_per_km=14, cost_per_hour=500, shift_start=time(6), shift_end=time(15),
        driver_id=driver.id,
        compartments=[VehicleCompartment(temperature_class=TemperatureClass.AMBIENT, capacity_kg=3000,
                                         capacity_pallets=8)],
    )  # fmt: skip
    orders = [
        Order(external_id=f"O-{point.external_id}-{day}", delivery_point=point, supplier=world.wholesaler,
              requested_date=day,
              lines=[OrderLine(line_no=1, article="Pasta", quantity=10, unit="st", weight_kg=50, pallet_places=0.2,
                               temperature_class=TemperatureClass.AMBIENT)])  # fmt: skip
        for point, day in ((west, MONDAY), (world.care_home, TUESDAY))
    ]
    db.session.add_all([west, agent_point, locker, vehicle, *orders])
    db.session.commit()
    for day in (MONDAY, TUESDAY):
        assert planning.plan_day(world.terminal, day, time_limit_s=1).routes
    _, agent = make_user(Role.AGENT, "agnes-w", delivery_points=[agent_point])
    return {"agent": agent, "driver": driver_headers, "locker": locker, "agent_point": agent_point}


def _hand_over(client, headers, code, kind, **extra):
    body = {"client_id": uuid.uuid4().hex, "tracking_code": code, "kind": kind,
            "recorded_at": f"{MONDAY}T09:00:00+01:00", **extra}  # fmt: skip
    return client.post(f"{API}/handovers", json=body, headers=headers)


def _ride_along(client, headers, day) -> list[dict]:
    [route] = client.get(f"/api/v1/driver/routes?date={day}", headers=headers).json
    return [(s["action"], s["handover"], s["place_name"], s["after_sequence"], s["done"]) for s in route["ride_along"]]


def test_a_parcel_changes_vehicles_at_the_terminal(client, two_days):
    body = {"kind": "parcel", "destination_point_id": two_days["locker"].id, "size_class": "medium",
            "resident_name": "Greta Ek"}  # fmt: skip
    parcel = client.post(f"{API}/consignments", json=body, headers=two_days["agent"]).json
    assert parcel["status"] == "planned", parcel
    assert parcel["transfer"] is True and parcel["hub_name"] is None  # the terminal
    assert parcel["planned_date"] == MONDAY.isoformat() and parcel["arrival_date"] == TUESDAY.isoformat()
    code = parcel["tracking_code"]
    assert client.get(f"{API}/track/{code}").json["expected_date"] == TUESDAY.isoformat()

    # Monday's driver takes it at the agent and leaves it at the terminal after the last stop.
    driver = two_days["driver"]
    monday = _ride_along(client, driver, MONDAY)
    assert [(a, k, p) for a, k, p, _, _ in monday] == [
        ("pickup", "agent_to_driver", "Ombudet Väster"), ("drop", "driver_to_hub", None)]  # fmt: skip
    assert monday[1][3] == 1  # after the route's one stop: back at the terminal
    tuesday = _ride_along(client, driver, TUESDAY)
    assert [(a, k, p) for a, k, p, _, _ in tuesday] == [
        ("pickup", "hub_to_driver", None), ("drop", "driver_to_locker", "Ljungbacka paketskåp")]  # fmt: skip
    assert tuesday[0][3] == -1  # loaded at the terminal at the start

    # Each hand-over is signed by who takes the parcel or hands it over.
    assert _hand_over(client, driver, code, "agent_to_driver", signed_by_name="Agnes").status_code == 201
    unsigned = _hand_over(client, driver, code, "driver_to_hub")
    assert unsigned.status_code == 422 and "signed_by_name" in unsigned.json["error"]["fields"]
    at_hub = _hand_over(client, driver, code, "driver_to_hub", signed_by_name="Terminalen, Tor")
    assert at_hub.status_code == 201 and at_hub.json["status"] == "at_hub"
    assert [done for *_, done in _ride_along(client, driver, MONDAY)] == [True, True]

    # Planned again while it waits at the terminal: the onward route stays Tuesday's.
    rural.plan(planning.default_terminal().id, today=MONDAY)
    item = db.session.scalar(db.select(Consignment).where(Consignment.tracking_code == code))
    assert item.status == ConsignmentStatus.AT_HUB and item.transfer_date == TUESDAY
    tracked = client.get(f"{API}/track/{code}").json
    assert tracked["status"] == "at_hub" and tracked["expected_date"] == TUESDAY.isoformat()

    onward = _hand_over(client, driver, code, "hub_to_driver", signed_by_name="Terminalen, Tor")
    assert onward.status_code == 201 and onward.json["status"] == "onward"
    dropped = _hand_over(client, driver, code, "driver_to_locker", compartment_number=3)
    assert dropped.status_code == 201 and dropped.json["status"] == "ready"
    kinds = [h.kind.value for h in db.session.get(Consignment, item.id).handovers]
    assert kinds == ["agent_to_driver", "driver_to_hub", "hub_to_driver", "driver_to_locker"]


def test_transfer_hand_overs_are_refused_for_a_parcel_on_one_route(client, world, make_user, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    driver, headers = make_user(Role.DRIVER, "driver-d")
    build_day(world, driver)
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    locker = DeliveryPoint(external_id="PL-1", name="Ljungbacka paketskåp", kind=DeliveryPointKind.PARCEL_LOCKER,
                           municipality=world.horby, lat=55.851, lon=13.655, service_time_min=2)  # fmt: skip
    db.session.add(locker)
    db.session.commit()
    _, coordinator = make_user(Role.COORDINATOR, "coord-d")
    body = {"kind": "parcel", "destination_point_id": locker.id, "size_class": "small", "resident_name": "Olle"}
    parcel = client.post(f"{API}/consignments", json=body, headers=coordinator).json
    assert parcel["status"] == "planned" and parcel["transfer"] is False
    refused = _hand_over(client, headers, parcel["tracking_code"], "driver_to_hub", signed_by_name="X")
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["kind"] == [
        "Försändelsen byter inte fordon på vägen: ingen omlastning att registrera."]  # fmt: skip
