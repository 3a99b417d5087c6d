"""`flask samlast demo`: creates the synthetic cluster once and prints working logins."""

from __future__ import annotations

import time

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import (
    Cluster,
    Consignment,
    DeliveryPoint,
    Municipality,
    Order,
    OrderLine,
    Role,
    Supplier,
    SupplierKind,
    Terminal,
    User,
    Vehicle,
)
from samlast.services import demo, stock
from tests.conftest import count


def _logins(output: str) -> dict[str, list[tuple[str, str]]]:
    """Role -> [(username, password)] from the command's login table."""
    roles = {r.value for r in Role}
    found: dict[str, list[tuple[str, str]]] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in roles:
            found.setdefault(parts[0], []).append((parts[1], parts[2]))
    return found


def _counts() -> dict[str, int]:
    return {model.__name__: count(model) for model in
            (Cluster, Municipality, DeliveryPoint, Supplier, Vehicle, Order, OrderLine, User)}


def test_demo_command_creates_cluster_and_prints_logins(runner, client):
    started = time.monotonic()
    result = runner.invoke(args=["samlast", "demo"])
    assert result.exit_code == 0, result.output
    # A few seconds in practice; the bound only catches a fall back to per-row inserts.
    assert time.monotonic() - started < 30

    logins = _logins(result.output)
    assert set(logins) == {r.value for r in Role}
    assert len(logins["coordinator"]) == 1
    assert len(logins["recipient"]) == 2 and len(logins["producer"]) == 2
    assert len(logins["driver"]) >= 2
    assert all(len(password) >= 8 for users in logins.values() for _, password in users)
    # 230 municipal points, and the rural service's parcel agent, village locker and village shop.
    assert "Delivery points: 233 (Eslöv 81, Hörby 37, Höör 40, Kävlinge 75)" in result.output

    counts = _counts()
    assert counts["Cluster"] == 1 and counts["Municipality"] == 4
    assert counts["DeliveryPoint"] == 233 and counts["Vehicle"] == 8
    assert counts["Supplier"] == 15
    assert _count_local_producers() == 8
    assert 4000 < counts["Order"] < 8000 and counts["OrderLine"] > counts["Order"]
    assert counts["User"] == sum(len(users) for users in logins.values())

    _check_demo_user_links()
    # A few emergency-stock articles, one batch near its best-before date so a proposal shows.
    overview = stock.overview(db.session.scalars(sa.select(Terminal)).one())
    assert len(overview["articles"]) == 5 and len(overview["proposals"]) == 1
    assert overview["proposals"][0]["article"] == "Pasta penne 5 kg"

    username, password = logins["coordinator"][0]
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    assert response.json["user"]["role"] == "coordinator"


def _count_local_producers() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Supplier)
        .where(Supplier.kind == SupplierKind.LOCAL_PRODUCER)
    )


def _check_demo_user_links() -> None:
    recipients = db.session.scalars(sa.select(User).where(User.role == Role.RECIPIENT)).all()
    assert {u.username for u in recipients} == {"kok.bergaskolan", "kok.ljungbacka"}
    assert all(1 <= len(u.delivery_points) <= 2 for u in recipients)
    producers = db.session.scalars(sa.select(User).where(User.role == Role.PRODUCER)).all()
    assert all(u.supplier.kind == SupplierKind.LOCAL_PRODUCER for u in producers)
    drivers = db.session.scalars(sa.select(User.id).where(User.role == Role.DRIVER)).all()
    assigned = db.session.scalars(sa.select(Vehicle.driver_id).where(Vehicle.driver_id.isnot(None)))
    assert sorted(assigned) == sorted(drivers)


def test_running_twice_does_not_duplicate(runner):
    first = runner.invoke(args=["samlast", "demo"])
    assert first.exit_code == 0, first.output
    before = _counts()
    second = runner.invoke(args=["samlast", "demo", "--seed", "7"])
    assert second.exit_code == 0, second.output
    assert _counts() == before
    assert _logins(second.output) == _logins(first.output)


def test_missing_demo_users_are_recreated(runner):
    assert runner.invoke(args=["samlast", "demo"]).exit_code == 0
    db.session.execute(sa.delete(User).where(User.username == "samordnare"))
    db.session.commit()
    logins = demo.create_demo_data()
    assert "samordnare" in {login.username for login in logins}
    assert db.session.scalar(sa.select(User).where(User.username == "samordnare")) is not None


def test_reset_replaces_everything(runner, world):
    result = runner.invoke(args=["samlast", "demo", "--reset", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert [c.name for c in db.session.scalars(sa.select(Cluster))] == [
        "Mellersta Skåne (syntetisk demo)"
    ]
    assert count(DeliveryPoint) == 233
    # A week of residents' consignments for the villages (rural service), 2-4 a working day.
    assert 10 <= count(Consignment) <= 20


def test_clashing_data_is_reported_not_half_written(world):
    # The world fixture already holds a municipality called Eslöv.
    try:
        demo.create_demo_data()
    except demo.DemoDataConflict as exc:
        assert "Eslöv" in str(exc) and "--reset" in str(exc)
    else:
        raise AssertionError("expected DemoDataConflict")
    db.session.rollback()
    assert count(Cluster) == 1 and count(Order) == 0
