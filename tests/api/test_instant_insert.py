"""An order for a day already planned is in the plan at once (a new version, pushed), before the re-plan."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DeliveryPoint, Order, Plan, Supplier, SupplierKind
from samlast.services import planning
from tests.api.test_replan_records import demo_day, pushed  # noqa: F401, F811  (fixtures: the planned demo day, the pushes)
from tests.conftest import MONDAY


def _unordered_point_and_wholesaler(plan):
    """A point that neither is on `plan` nor ordered on Monday, open on Mondays; a wholesaler."""
    planned_points = {s.delivery_point_id for r in plan.routes for s in r.stops}
    ordered = set(db.session.scalars(sa.select(Order.delivery_point_id).where(Order.requested_date == MONDAY)))
    point = next(
        p
        for p in db.session.scalars(sa.select(DeliveryPoint).order_by(DeliveryPoint.id))
        if p.id not in planned_points | ordered and any(w.weekday == MONDAY.weekday() for w in p.receiving_windows)
    )
    return point, db.session.scalars(sa.select(Supplier).where(Supplier.kind == SupplierKind.WHOLESALER)).first()


def test_a_new_order_on_a_planned_day_is_inserted_and_pushed_at_once(client, demo_day, pushed, monkeypatch):  # noqa: F811
    from samlast import clock

    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    monkeypatch.setattr("samlast.clock.now", lambda: datetime.combine(MONDAY, time(5, 0), tzinfo=clock.tz()))
    point, supplier = _unordered_point_and_wholesaler(demo_day)
    token = client.post("/api/v1/auth/login", json={"username": "samordnare", "password": "demo-samordnare"})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    body = {
        "external_id": "NY-1",
        "delivery_point_id": point.id,
        "supplier_id": supplier.id,
        "requested_date": MONDAY.isoformat(),
        "lines": [{"article": "Mjölk", "quantity": 4, "unit": "l", "weight_kg": 4, "temperature_class": "chilled"}],
    }
    response = client.post("/api/v1/orders/", json=body, headers=headers)
    assert response.status_code == 201, response.json
    db.session.expire_all()
    current = planning.current_plan(demo_day.terminal_id, MONDAY)
    assert current.version == demo_day.version + 1
    assert current.solver_status == "inserted"
    stops = [s for r in current.routes for s in r.stops]
    assert [s.delivery_point_id for s in stops].count(point.id) == 1
    # Every stop of the earlier version is still there, with its load on board after it.
    before = {s.job_key for r in demo_day.routes for s in r.stops}
    assert before < {s.job_key for s in stops}
    assert all(s.load_after is not None for s in stops)
    assert any(e.name == "plan_updated" and e.payload["version"] == current.version for e in pushed.events)
    versions = db.session.scalars(sa.select(Plan.version).where(Plan.plan_date == MONDAY)).all()
    assert sorted(versions) == [demo_day.version, current.version]


def test_the_driver_whose_route_takes_the_order_hears_of_it_at_once(app, client, demo_day, monkeypatch):  # noqa: F811
    """Through Socket.IO, as in production, with a driver on every vehicle: the driver whose route
    takes the new order gets the route at once (the test above records the notices instead)."""
    from samlast import clock
    from samlast.extensions import socketio
    from samlast.models import Role, User, Vehicle
    from samlast.services import auth

    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    monkeypatch.setattr("samlast.clock.now", lambda: datetime.combine(MONDAY, time(5, 0), tzinfo=clock.tz()))
    monkeypatch.setitem(app.config, "DEMO_TODAY", MONDAY.isoformat())
    for vehicle in db.session.scalars(sa.select(Vehicle).where(Vehicle.driver_id.is_(None))):
        driver = User(username=f"driver-{vehicle.id}", role=Role.DRIVER)
        driver.set_password("correct horse battery")
        db.session.add(driver)
        db.session.flush()
        vehicle.driver_id = driver.id
    db.session.commit()
    plan = planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1)  # routes name their drivers
    sockets = [
        socketio.test_client(app, namespace="/driver",
                             auth={"token": auth.issue_token(db.session.get(User, driver_id), ttl_hours=1)[0]})
        for driver_id in {route.driver_id for route in plan.routes}
    ]  # fmt: skip
    assert sockets and all(s.is_connected("/driver") for s in sockets)
    for s in sockets:
        s.get_received("/driver")
    point, supplier = _unordered_point_and_wholesaler(plan)
    token = client.post("/api/v1/auth/login", json={"username": "samordnare", "password": "demo-samordnare"})
    body = {
        "external_id": "NY-2", "delivery_point_id": point.id, "supplier_id": supplier.id,
        "requested_date": MONDAY.isoformat(),
        "lines": [{"article": "Mjölk", "quantity": 4, "unit": "l", "weight_kg": 4, "temperature_class": "chilled"}],
    }  # fmt: skip
    response = client.post("/api/v1/orders/", json=body, headers={"Authorization": f"Bearer {token.json['token']}"})
    assert response.status_code == 201, response.json
    key = f"dp:{point.id}"
    heard = [m for s in sockets for m in s.get_received("/driver") if m["name"] == "route_updated"]
    assert [m for m in heard if any(stop["job_key"] == key for stop in m["args"][0]["route"]["stops"])]
    db.session.expire_all()
    assert planning.current_plan(plan.terminal_id, MONDAY).solver_status == "inserted"
    for s in sockets:
        s.disconnect(namespace="/driver")
