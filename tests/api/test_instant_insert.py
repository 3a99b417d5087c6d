"""An order for a day already planned is in the plan at once (a new version, pushed), before the re-plan."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DeliveryPoint, Order, Plan, Supplier, SupplierKind
from samlast.services import planning
from tests.api.test_replan_records import demo_day, pushed  # noqa: F401, F811  (fixtures: the planned demo day, the pushes)
from tests.conftest import MONDAY


def test_a_new_order_on_a_planned_day_is_inserted_and_pushed_at_once(client, demo_day, pushed, monkeypatch):  # noqa: F811
    from samlast import clock

    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    monkeypatch.setattr("samlast.clock.now", lambda: datetime.combine(MONDAY, time(5, 0), tzinfo=clock.tz()))
    planned_points = {s.delivery_point_id for r in demo_day.routes for s in r.stops}
    ordered = set(db.session.scalars(sa.select(Order.delivery_point_id).where(Order.requested_date == MONDAY)))
    point = next(
        p
        for p in db.session.scalars(sa.select(DeliveryPoint).order_by(DeliveryPoint.id))
        if p.id not in planned_points | ordered and any(w.weekday == MONDAY.weekday() for w in p.receiving_windows)
    )
    supplier = db.session.scalars(sa.select(Supplier).where(Supplier.kind == SupplierKind.WHOLESALER)).first()
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
