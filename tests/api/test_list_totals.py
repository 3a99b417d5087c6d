"""A list answers one page; X-Total-Count says how many rows all pages hold, filters and scope applied."""

from __future__ import annotations

from datetime import timedelta

from samlast.extensions import db
from samlast.models import Order, OrderLine, Role, TemperatureClass
from tests.conftest import MONDAY


def _orders(world, n: int, day=MONDAY, point=None) -> None:
    db.session.add_all(
        Order(
            external_id=f"O-{(point or world.school).external_id}-{day.isoformat()}-{i:04d}",
            delivery_point=point or world.school,
            supplier=world.wholesaler,
            requested_date=day,
            lines=[OrderLine(line_no=1, article="Mjölk", quantity=1, unit="l", weight_kg=1,
                             temperature_class=TemperatureClass.CHILLED)],
        )
        for i in range(n)
    )
    db.session.commit()


def test_order_list_pages_past_its_limit_with_the_total(client, coordinator, world):
    _orders(world, 7)
    _orders(world, 3, day=MONDAY + timedelta(days=1))
    first = client.get("/api/v1/orders/?limit=4", headers=coordinator)
    assert first.status_code == 200
    assert len(first.json) == 4 and first.headers["X-Total-Count"] == "10"
    last = client.get("/api/v1/orders/?limit=4&offset=8", headers=coordinator)
    assert len(last.json) == 2 and last.headers["X-Total-Count"] == "10"
    assert {o["external_id"] for o in first.json}.isdisjoint(o["external_id"] for o in last.json)

    day = client.get(f"/api/v1/orders/?date={MONDAY.isoformat()}&limit=5&offset=5", headers=coordinator)
    assert len(day.json) == 2 and day.headers["X-Total-Count"] == "7"
    searched = client.get("/api/v1/orders/?q=0001&limit=1", headers=coordinator)
    assert searched.headers["X-Total-Count"] == "2"  # O-<monday>-0001 and O-<tuesday>-0001


def test_total_counts_only_what_the_user_may_see(client, world, make_user):
    _orders(world, 3)
    _orders(world, 2, point=world.care_home)
    _, kitchen = make_user(Role.RECIPIENT, delivery_points=[world.care_home])
    answer = client.get("/api/v1/orders/?limit=1", headers=kitchen)
    assert len(answer.json) == 1 and answer.headers["X-Total-Count"] == "2"


def test_master_data_lists_give_their_total_too(client, coordinator, world):
    answer = client.get("/api/v1/delivery-points/?limit=1", headers=coordinator)
    assert len(answer.json) == 1 and answer.headers["X-Total-Count"] == "2"
    assert client.get("/api/v1/suppliers/", headers=coordinator).headers["X-Total-Count"] == "2"


def test_the_total_is_documented(client):
    spec = client.get("/api/openapi.json").json
    headers = spec["paths"]["/api/v1/orders/"]["get"]["responses"]["200"]["headers"]
    assert "X-Total-Count" in headers
