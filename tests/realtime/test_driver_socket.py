"""The /driver Socket.IO namespace: who may connect, who hears what, pushes and acks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from samlast.extensions import db, socketio
from samlast.models import Order, OrderLine, OrderStatus, Role, Route, TemperatureClass, User, VehiclePosition
from samlast.services import auth, planning
from tests.conftest import MONDAY, count


def _token(user: User) -> str:
    return auth.login(user.username, "correct horse battery", ttl_hours=1)[0]


@pytest.fixture
def connect(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_TODAY", MONDAY.isoformat())
    clients = []

    def _connect(token: str | None, namespace: str = "/driver"):
        client = socketio.test_client(app, namespace=namespace, auth={"token": token} if token else None)
        clients.append(client)
        return client

    yield _connect
    for client in clients:
        if client.is_connected("/driver"):
            client.disconnect(namespace="/driver")


@pytest.fixture
def drivers(day, make_user):
    """The day's driver (owner of the vehicle) and a second driver with no route."""
    owner = db.session.get(User, day.driver_id)
    other, _ = make_user(Role.DRIVER, "driver-b")
    return owner, other


def _events(client, name: str) -> list[dict]:
    return [m["args"][0] for m in client.get_received("/driver") if m["name"] == name]


def test_only_drivers_with_a_valid_token_connect(connect, drivers, coordinator):
    assert not connect(None).is_connected("/driver")
    assert not connect("not-a-token").is_connected("/driver")
    assert not connect(coordinator["Authorization"].split()[1]).is_connected("/driver")
    assert connect(_token(drivers[0])).is_connected("/driver")


def test_connect_delivers_current_routes(connect, drivers, world):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    owner = connect(_token(drivers[0]))
    [payload] = _events(owner, "routes")
    assert payload["plan_date"] == MONDAY.isoformat()
    assert len(payload["routes"]) == 1 and len(payload["routes"][0]["stops"]) == 2
    other = connect(_token(drivers[1]))
    assert _events(other, "routes") == [{"plan_date": MONDAY.isoformat(), "routes": []}]


def test_replan_pushes_only_to_the_routes_driver(connect, drivers, world):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    owner, other = connect(_token(drivers[0])), connect(_token(drivers[1]))
    owner.get_received("/driver"), other.get_received("/driver")

    order = db.session.scalar(sa.select(Order).where(Order.delivery_point_id == world.care_home.id))
    order.status = OrderStatus.CANCELLED
    db.session.commit()
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)

    [update] = _events(owner, "route_updated")
    assert update["route"]["version"] == 2
    assert update["changes"]["removed"] == [f"dp:{world.care_home.id}"]
    assert update["changes"]["added"] == []
    assert other.get_received("/driver") == []


def test_unchanged_route_is_not_pushed_again(connect, drivers, world):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    owner = connect(_token(drivers[0]))
    owner.get_received("/driver")
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    assert _events(owner, "route_updated") == []


def test_reconnect_gets_the_version_changed_while_away(connect, drivers, world):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    away = connect(_token(drivers[0]))
    away.disconnect(namespace="/driver")
    db.session.add(
        Order(external_id="O-EXTRA", delivery_point=world.care_home, supplier=world.farm, requested_date=MONDAY,
              lines=[OrderLine(line_no=1, article="Ägg", quantity=2, unit="fp", weight_kg=4,
                               temperature_class=TemperatureClass.CHILLED)])
    )
    order = db.session.scalar(sa.select(Order).where(Order.delivery_point_id == world.school.id))
    order.status = OrderStatus.CANCELLED
    db.session.commit()
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    back = connect(_token(drivers[0]))
    [payload] = _events(back, "routes")
    [route] = payload["routes"]
    assert route["version"] == 2
    assert [s["job_key"] for s in route["stops"]] == [f"dp:{world.care_home.id}"]


def test_ack_records_version_for_own_route_only(connect, drivers, world):
    plan = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    route_id = plan.routes[0].id
    owner, other = connect(_token(drivers[0])), connect(_token(drivers[1]))
    assert other.emit("route_ack", {"route_id": route_id, "version": 1}, namespace="/driver", callback=True) == {
        "ok": False, "error": "not_found",
    }  # fmt: skip
    answer = owner.emit("route_ack", {"route_id": route_id, "version": 1}, namespace="/driver", callback=True)
    assert answer == {"ok": True, "acknowledged_version": 1}
    db.session.expire_all()
    assert db.session.get(Route, route_id).acknowledged_version == 1


def test_positions_are_stored_and_forwarded_to_coordinators(app, connect, drivers, coordinator):
    owner = connect(_token(drivers[0]))
    coordinator_feed = socketio.test_client(
        app, namespace="/coordinator", auth={"token": coordinator["Authorization"].split()[1]}
    )
    answer = owner.emit(
        "position", {"lat": 55.84, "lon": 13.31, "recorded_at": f"{MONDAY}T07:30:00+01:00"},
        namespace="/driver", callback=True,
    )
    assert answer == {"ok": True, "stored": 1}
    assert count(VehiclePosition) == 1
    forwarded = [m for m in coordinator_feed.get_received("/coordinator") if m["name"] == "vehicle_position"]
    assert forwarded[0]["args"][0]["driver_id"] == drivers[0].id
    bad = owner.emit("position", {"lat": 95}, namespace="/driver", callback=True)
    assert bad["ok"] is False and "lat" in bad["fields"]
    coordinator_feed.disconnect(namespace="/coordinator")


def test_revoked_token_cannot_reconnect(connect, drivers):
    token = _token(drivers[0])
    assert connect(token).is_connected("/driver")
    auth.revoke_token(token)
    assert not connect(token).is_connected("/driver")
