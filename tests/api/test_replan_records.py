"""A delivered, started or skipped stop is a fact: no re-plan, fresh or not, moves, drops or re-announces it.

The first test replays the report from a pilot rehearsal on the demo cluster: forare1 delivers
a stop, the coordinator re-plans, forare1 delivers two more (out of the planned order), the
coordinator re-plans from scratch; the three delivered stops had ended up on other vehicles.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import Order, OrderStatus, Plan, StopStatus, Vehicle
from samlast.services import demo, notify, planning
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof
from tests.waiting import api_of, plan_day

DAY = MONDAY.isoformat()


@pytest.fixture
def demo_day(app):
    """The demo cluster with its two weeks of orders starting MONDAY, MONDAY planned (version 1)."""
    demo.create_demo_data(start=MONDAY)
    plan = planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1)
    assert plan.routes
    return plan


@pytest.fixture
def pushed(app):
    """The route notices published to drivers."""
    recording = notify.RecordingNotifier()
    before = app.extensions["samlast.notifier"]
    notify.install(app, recording)
    yield recording
    notify.install(app, before)


def _vehicle_of(route: dict) -> int:
    from samlast.models import Route

    return db.session.get(Route, route["id"]).vehicle_id


def _login(client, username: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": f"demo-{username}"})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def _routes(client, headers) -> list[dict]:
    response = client.get(f"/api/v1/driver/routes?date={DAY}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _deliver(client, headers, stop: dict, at: str) -> None:
    for kind, body in (
        ("arrive", event("arrive", stop, at=at)),
        ("deliver", event("deliver", stop, proof=full_proof(stop), at=at.replace(":00+", ":09+"))),
    ):
        response = client.post("/api/v1/driver/events", json=body, headers=headers)
        assert response.status_code == 201, (kind, response.json)
        assert not response.json["flagged"], response.json


def _where(plan: dict, job_key: str) -> tuple[int, int, int, str]:
    """(vehicle id, trip, position on the route, status) of a job in a stored plan."""
    for route in plan["routes"]:
        for position, stop in enumerate(route["stops"]):
            if stop["job_key"] == job_key:
                return route["vehicle_id"], route["trip"], position, stop["status"]
    raise AssertionError(f"{job_key} is not in plan version {plan['version']}")


def test_delivered_stops_stay_on_their_route_in_the_order_driven(client, coordinator, demo_day, pushed):
    driver = _login(client, "forare1")
    [first_trip, *_] = _routes(client, driver)
    vehicle, trip = _vehicle_of(first_trip), first_trip["trip"]
    first = first_trip["stops"][0]
    _deliver(client, driver, first, "T07:00:00+01:00")

    replanned = plan_day(api_of(client, coordinator), DAY, timeout_s=120)
    assert _where(replanned, first["job_key"]) == (vehicle, trip, 0, "done")

    route = next(r for r in _routes(client, driver) if r["trip"] == trip)
    assert route["stops"][0]["job_key"] == first["job_key"]
    # The driver takes the third stop before the second.
    third, second = route["stops"][2], route["stops"][1]
    _deliver(client, driver, third, "T07:40:00+01:00")
    _deliver(client, driver, second, "T08:10:00+01:00")

    pushed.events.clear()
    fresh = plan_day(api_of(client, coordinator), DAY, timeout_s=120, fresh=True)
    driven = [first["job_key"], third["job_key"], second["job_key"]]
    assert [_where(fresh, key) for key in driven] == [
        (vehicle, trip, 0, "done"), (vehicle, trip, 1, "done"), (vehicle, trip, 2, "done"),
    ]  # fmt: skip
    assert [u["job_key"] for u in fresh["unassigned"] if u["job_key"] in driven] == []
    # No notice announces a delivered stop as added, removed or moved.
    notices = pushed.named("route_updated")
    assert notices  # the driver's route did change
    for notice in notices:
        changes = notice.payload.get("changes", {})
        assert not set(driven) & set(changes.get("added", []) + changes.get("removed", [])), notice
    # The route's km include the legs actually driven: terminal -> first -> third -> second.
    fresh_route = next(r for r in fresh["routes"] if (r["vehicle_id"], r["trip"]) == (vehicle, trip))
    assert fresh_route["distance_m"] > 0
    assert fresh_route["co2e_kg"] == pytest.approx(
        fresh_route["distance_m"] / 1000 * db.session.get(Vehicle, vehicle).co2e_kg_per_km, abs=0.01
    )


def test_a_fresh_replan_before_anything_happened_may_move_everything(client, coordinator, demo_day):
    """Only facts are fixed: a fresh plan of a day not yet started is free (and says so in its version)."""
    fresh = plan_day(api_of(client, coordinator), DAY, timeout_s=120, fresh=True)
    assert fresh["version"] == 2
    assert all(stop["status"] == "planned" for route in fresh["routes"] for stop in route["stops"])


def test_facts_stay_when_their_vehicle_drops_out(client, coordinator, demo_day):
    driver = _login(client, "forare1")
    [route, *_] = _routes(client, driver)
    done = route["stops"][0]
    _deliver(client, driver, done, "T07:00:00+01:00")
    vehicle = db.session.get(Vehicle, _vehicle_of(route))
    vehicle.active = False  # broken down after the first stop
    db.session.commit()

    plan = planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1)
    kept = next(r for r in plan.routes if r.vehicle_id == vehicle.id and r.trip == route["trip"])
    assert [(s.job_key, s.status) for s in kept.stops] == [(done["job_key"], StopStatus.DONE)]
    assert kept.distance_m > 0 and kept.co2e_kg > 0  # terminal -> stop -> terminal
    others = [s.job_key for r in plan.routes if r.vehicle_id != vehicle.id for s in r.stops]
    assert set(s["job_key"] for s in route["stops"][1:]) - set(others) <= {u["job_key"] for u in plan.unassigned}


def test_a_skipped_stop_stays_when_its_order_is_cancelled_afterwards(client, coordinator, demo_day):
    driver = _login(client, "forare1")
    [route, *_] = _routes(client, driver)
    stop = route["stops"][0]
    nobody = {**full_proof(stop), "deviation": "nobody_there", "receiver_name": "", "signature": None}
    response = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=nobody), headers=driver)
    assert response.status_code == 201 and response.json["stop_status"] == "skipped", response.json
    for order in db.session.scalars(sa.select(Order).where(Order.id.in_([line["order_id"] for line in stop["lines"]]))):
        order.status = OrderStatus.CANCELLED
    db.session.commit()

    plan = planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1, fresh=True)
    kept = next(r for r in plan.routes if r.vehicle_id == _vehicle_of(route) and r.trip == route["trip"])
    assert (kept.stops[0].job_key, kept.stops[0].status) == (stop["job_key"], StopStatus.SKIPPED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 2
