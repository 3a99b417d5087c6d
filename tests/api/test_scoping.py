"""Who may do what: role checks on every endpoint, and per-object read scopes.

A recipient sees only their own delivery points and the orders to them; a
producer only their own supplier and its orders. Objects outside the scope
answer 404, exactly as ids that do not exist.
"""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash as _generate_password_hash

from samlast.extensions import db
from samlast.models import (
    Cluster,
    DeliveryPoint,
    EnergyType,
    Municipality,
    Order,
    OrderLine,
    ProductArea,
    Role,
    Supplier,
    TemperatureClass,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from tests.conftest import count

API = "/api/v1"
C, D, R, P = Role.COORDINATOR, Role.DRIVER, Role.RECIPIENT, Role.PRODUCER
ROLES = [C, D, R, P]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt costs ~0.3 s a hash here; these tests are about roles, not hash strength."""
    monkeypatch.setattr(
        "samlast.models.user.generate_password_hash",
        lambda password: _generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def _order(external_id, point, supplier) -> Order:
    return Order(
        external_id=external_id,
        delivery_point=point,
        supplier=supplier,
        requested_date=date(2026, 3, 2),
        lines=[
            OrderLine(
                line_no=1,
                article="Mjölk",
                quantity=1,
                unit="l",
                weight_kg=1,
                temperature_class=TemperatureClass.CHILLED,
            )
        ],
    )


@pytest.fixture
def scene(world, make_user):
    """The world, three orders, a vehicle, and one logged-in user per role."""
    # A: school <- farm, B: care home <- wholesaler, C: care home <- farm
    a = _order("A", world.school, world.farm)
    b = _order("B", world.care_home, world.wholesaler)
    c = _order("C", world.care_home, world.farm)
    vehicle = Vehicle(
        external_id="V-1",
        name="Bil",
        terminal=world.terminal,
        energy_type=EnergyType.DIESEL,
        co2e_kg_per_km=0.8,
        cost_per_km=10,
        cost_per_hour=500,
        shift_start=time(6),
        shift_end=time(14),
        compartments=[
            VehicleCompartment(
                temperature_class=TemperatureClass.AMBIENT, capacity_kg=1000, capacity_pallets=8
            )
        ],
    )
    db.session.add_all([a, b, c, vehicle])
    db.session.commit()
    users = {
        C: make_user(C, "coord"),
        D: make_user(D, "dora"),
        R: make_user(R, "rita", delivery_points=[world.school]),
        P: make_user(P, "per", supplier=world.farm),
    }
    ids = {
        "cluster": world.cluster.id,
        "eslov": world.eslov.id,
        "terminal": world.terminal.id,
        "area": world.dairy_area.id,
        "school": world.school.id,
        "care_home": world.care_home.id,
        "farm": world.farm.id,
        "wholesaler": world.wholesaler.id,
        "order_a": a.id,
        "order_b": b.id,
        "order_c": c.id,
        "vehicle": vehicle.id,
        "driver": users[D][0].id,
    }
    return {
        "world": world,
        "headers": {role: h for role, (_, h) in users.items()},
        "users": {role: u for role, (u, _) in users.items()},
        "ids": ids,
    }


def expect(table: dict[str, int | dict]) -> list:
    """Rows (path, role, status) from {path: status for all roles | {role: status}}."""
    rows = []
    for path, statuses in table.items():
        for role in ROLES:
            status = statuses if isinstance(statuses, int) else statuses[role]
            rows.append(pytest.param(path, role, status, id=f"{path}-{role.value}"))
    return rows


READS = expect(
    {
        "clusters/": 200,
        "clusters/{cluster}": 200,
        "municipalities/": 200,
        "municipalities/{eslov}": 200,
        "terminals/": 200,
        "terminals/{terminal}": 200,
        "product-areas/": 200,
        "product-areas/{area}": 200,
        "delivery-points/": {C: 200, D: 403, R: 200, P: 403},
        "delivery-points/{school}": {C: 200, D: 403, R: 200, P: 403},
        "delivery-points/{care_home}": {C: 200, D: 403, R: 404, P: 403},
        "suppliers/": {C: 200, D: 403, R: 403, P: 200},
        "suppliers/{farm}": {C: 200, D: 403, R: 403, P: 200},
        "suppliers/{wholesaler}": {C: 200, D: 403, R: 403, P: 404},
        "orders/": {C: 200, D: 403, R: 200, P: 200},
        "orders/{order_a}": {C: 200, D: 403, R: 200, P: 200},
        "orders/{order_b}": {C: 200, D: 403, R: 404, P: 404},
        "orders/{order_c}": {C: 200, D: 403, R: 404, P: 200},
        "vehicles/": {C: 200, D: 403, R: 403, P: 403},
        "vehicles/{vehicle}": {C: 200, D: 403, R: 403, P: 403},
        "users/": {C: 200, D: 403, R: 403, P: 403},
        "users/{driver}": {C: 200, D: 403, R: 403, P: 403},
        "auth/me": 200,
    }
)


def assert_status(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    if status >= 400:
        assert set(response.json["error"]) == {"code", "params", "message", "fields"}
        expected = {403: {"forbidden"}, 404: {"not_found", "record.not_found"}}
        assert response.json["error"]["code"] in expected.get(status, {response.json["error"]["code"]})


@pytest.mark.parametrize("path,role,status", READS)
def test_reads(client, scene, path, role, status):
    response = client.get(f"{API}/{path.format(**scene['ids'])}", headers=scene["headers"][role])
    assert_status(response, status)


COLLECTIONS = [
    "clusters",
    "municipalities",
    "terminals",
    "product-areas",
    "delivery-points",
    "suppliers",
    "orders",
    "vehicles",
    "users",
]
ITEMS = {
    "clusters": "cluster",
    "municipalities": "eslov",
    "terminals": "terminal",
    "product-areas": "area",
    "delivery-points": "school",
    "suppliers": "farm",
    "orders": "order_a",
    "vehicles": "vehicle",
    "users": "driver",
}
MODELS = [
    Cluster,
    Municipality,
    Terminal,
    ProductArea,
    DeliveryPoint,
    Supplier,
    Order,
    OrderLine,
    Vehicle,
    User,
]
WRITES = [
    pytest.param(method, collection, role, id=f"{method}-{collection}-{role.value}")
    for collection in COLLECTIONS
    for method in ("post", "patch", "delete")
    for role in (D, R, P)
]


@pytest.mark.parametrize("method,collection,role", WRITES)
def test_writes_are_coordinator_only(client, scene, method, collection, role):
    """Even the objects in a user's own scope; the role is checked before the body."""
    before = {model: count(model) for model in MODELS}
    if method == "post":
        path = f"{API}/{collection}/"
    else:
        # For a recipient/producer the item is in their read scope where they have one.
        own = {("delivery-points", R): "school", ("suppliers", P): "farm"}
        path = f"{API}/{collection}/{scene['ids'][own.get((collection, role), ITEMS[collection])]}"
    body = {} if method == "post" else {"name": "Hijacked"}
    kwargs = {} if method == "delete" else {"json": body}
    response = getattr(client, method)(path, headers=scene["headers"][role], **kwargs)
    assert_status(response, 403)
    db.session.expire_all()
    assert {model: count(model) for model in MODELS} == before
    names = set(db.session.scalars(sa.select(DeliveryPoint.name)))
    names |= set(db.session.scalars(sa.select(Supplier.name)))
    assert "Hijacked" not in names


@pytest.mark.parametrize("role", [D, R, P])
def test_revoke_tokens_is_coordinator_only(client, scene, role):
    path = f"{API}/auth/users/{scene['ids']['driver']}/revoke-tokens"
    assert_status(client.post(path, headers=scene["headers"][role]), 403)
    assert client.get(f"{API}/auth/me", headers=scene["headers"][D]).status_code == 200


# Object scopes ----------------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return sorted(row["id"] for row in response.json)


def test_recipient_lists_only_their_delivery_points(client, scene):
    ids, headers = scene["ids"], scene["headers"][R]
    assert _ids(client.get(f"{API}/delivery-points/", headers=headers)) == [ids["school"]]
    # A search cannot widen the scope.
    assert (
        _ids(
            client.get(f"{API}/delivery-points/", query_string={"q": "Ljungbacka"}, headers=headers)
        )
        == []
    )


def test_recipient_lists_only_orders_to_their_points(client, scene):
    ids, headers = scene["ids"], scene["headers"][R]
    orders = f"{API}/orders/"
    assert _ids(client.get(orders, headers=headers)) == [ids["order_a"]]
    assert (
        _ids(
            client.get(
                orders, query_string={"delivery_point_id": ids["care_home"]}, headers=headers
            )
        )
        == []
    )
    assert (
        _ids(client.get(orders, query_string={"supplier_id": ids["wholesaler"]}, headers=headers))
        == []
    )
    # The coordinator sees all of them.
    assert _ids(client.get(orders, headers=scene["headers"][C])) == sorted(
        [ids["order_a"], ids["order_b"], ids["order_c"]]
    )


def test_producer_sees_only_their_supplier_and_its_orders(client, scene):
    ids, headers = scene["ids"], scene["headers"][P]
    assert _ids(client.get(f"{API}/suppliers/", headers=headers)) == [ids["farm"]]
    assert (
        _ids(client.get(f"{API}/suppliers/", query_string={"q": "Grossisten"}, headers=headers))
        == []
    )
    assert _ids(client.get(f"{API}/orders/", headers=headers)) == sorted(
        [ids["order_a"], ids["order_c"]]
    )
    assert (
        _ids(
            client.get(
                f"{API}/orders/", query_string={"supplier_id": ids["wholesaler"]}, headers=headers
            )
        )
        == []
    )


@pytest.mark.parametrize(
    "role,path,other,missing",
    [
        (R, "delivery-points", "care_home", 987654),
        (R, "orders", "order_b", 987654),
        (P, "suppliers", "wholesaler", 987654),
        (P, "orders", "order_b", 987654),
    ],
)
def test_out_of_scope_looks_like_missing(client, scene, role, path, other, missing):
    headers = scene["headers"][role]
    hidden = client.get(f"{API}/{path}/{scene['ids'][other]}", headers=headers)
    absent = client.get(f"{API}/{path}/{missing}", headers=headers)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json["error"]["code"] == absent.json["error"]["code"]
    assert hidden.json["error"]["message"].replace(str(scene["ids"][other]), "N") == (
        absent.json["error"]["message"].replace(str(missing), "N")
    )


def test_recipient_with_two_points_sees_both(client, scene, make_user):
    world, ids = scene["world"], scene["ids"]
    _, headers = make_user(R, "rolf", delivery_points=[world.school, world.care_home])
    assert _ids(client.get(f"{API}/delivery-points/", headers=headers)) == sorted(
        [ids["school"], ids["care_home"]]
    )
    assert _ids(client.get(f"{API}/orders/", headers=headers)) == sorted(
        [ids["order_a"], ids["order_b"], ids["order_c"]]
    )


def test_scope_follows_the_coordinators_changes(client, scene):
    ids, user = scene["ids"], scene["users"][R]
    headers = scene["headers"][R]
    assert (
        client.get(f"{API}/delivery-points/{ids['care_home']}", headers=headers).status_code == 404
    )
    response = client.patch(
        f"{API}/users/{user.id}",
        json={"delivery_point_ids": [ids["care_home"]]},
        headers=scene["headers"][C],
    )
    assert response.status_code == 200
    assert (
        client.get(f"{API}/delivery-points/{ids['care_home']}", headers=headers).status_code == 200
    )
    assert client.get(f"{API}/delivery-points/{ids['school']}", headers=headers).status_code == 404
    assert _ids(client.get(f"{API}/orders/", headers=headers)) == sorted(
        [ids["order_b"], ids["order_c"]]
    )
