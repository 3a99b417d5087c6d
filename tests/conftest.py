"""Shared fixtures: one app per test session, a clean database for every test that uses it.

tests/unit runs without the app or a database (asking for the app there fails);
tests/api, realtime and integration get an empty database for every test; tests/e2e
drive servers of their own. The database is SQLite in a temporary file by default;
set TEST_DATABASE_URL (as .ci/run does) to run the same suite against PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time

import pytest
import sqlalchemy as sa

from samlast import create_app
from samlast.extensions import db
from samlast.models import (
    Cluster,
    DeliveryPoint,
    DeliveryPointKind,
    EnergyType,
    Municipality,
    Order,
    OrderLine,
    ProductArea,
    ReceivingWindow,
    Role,
    Supplier,
    SupplierKind,
    TemperatureClass,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from samlast.security import limiter
from samlast.services import auth as auth_service
from samlast.services import jobs, receipts


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # tests run in parallel (pytest -n): each worker empties its own database
            url = _own_database(url, worker)
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _own_database(url: str, worker: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{own}"')
    return f"{base}/{own}"


def _folder(request) -> str:
    return request.node.path.relative_to(request.config.rootpath).parts[1]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app under test, with its schema created once for the session."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ["SAMLAST_INSTANCE"] = str(instance)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "GEOCODING_ENABLED": False,
            "LOGIN_RATE_LIMIT": "5 per minute",
            "PLANNING_TIME_LIMIT_S": 1,
            # Tests that want a late-arrival re-plan lower this themselves.
            "REPLAN_WHEN_LATE_MIN": 24 * 60,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(request) -> Iterator[None]:
    """Every test of api/, realtime/ and integration/ starts with empty tables and fresh rate limits."""
    folder = _folder(request)
    if folder == "unit" and "app" in request.fixturenames:
        pytest.fail("a unit test runs without the Flask app or a database: move it to tests/integration")
    if folder in ("unit", "e2e"):
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        jobs.drain()
        receipts.drain()
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class World:
    """A small cluster: two municipalities, two delivery points, two suppliers."""

    cluster: Cluster
    eslov: Municipality
    horby: Municipality
    terminal: Terminal
    school: DeliveryPoint
    care_home: DeliveryPoint
    wholesaler: Supplier
    farm: Supplier
    dairy_area: ProductArea


@pytest.fixture
def world() -> World:
    """Minimal master data that most API tests need."""
    return build_world()


def build_world() -> World:
    """The `world` fixture's master data, in the current app's database (also for tests that run
    their own app)."""
    cluster = Cluster(name="Mellersta Skåne")
    eslov = Municipality(name="Eslöv", cluster=cluster, population=33092)
    horby = Municipality(name="Hörby", cluster=cluster, population=15378)
    terminal = Terminal(name="Eslöv terminal", cluster=cluster, lat=55.839, lon=13.303)
    school = DeliveryPoint(
        external_id="DP-1",
        name="Bergaskolan kök",
        kind=DeliveryPointKind.SCHOOL_KITCHEN,
        municipality=eslov,
        lat=55.84,
        lon=13.31,
        receiving_windows=[ReceivingWindow(weekday=0, start=time(6, 30), end=time(10, 30))],
    )
    care_home = DeliveryPoint(
        external_id="DP-2",
        name="Ljungbacka äldreboende",
        kind=DeliveryPointKind.CARE_HOME,
        municipality=horby,
        lat=55.85,
        lon=13.66,
    )
    dairy_area = ProductArea(name="Mejeri", temperature_class=TemperatureClass.CHILLED)
    wholesaler = Supplier(
        external_id="S-1", name="Grossisten AB", kind=SupplierKind.WHOLESALER, lat=55.6, lon=13.0
    )
    farm = Supplier(
        external_id="S-2",
        name="Ågårdens potatis",
        kind=SupplierKind.LOCAL_PRODUCER,
        lat=55.9,
        lon=13.5,
        product_areas=[dairy_area],
    )
    db.session.add_all([cluster, terminal, school, care_home, wholesaler, farm])
    db.session.commit()
    return World(cluster, eslov, horby, terminal, school, care_home, wholesaler, farm, dairy_area)


@pytest.fixture
def make_user():
    """Factory: make_user(role, **links) -> (user, auth headers with a valid token)."""

    def _make(role: Role, username: str | None = None, **links) -> tuple[User, dict[str, str]]:
        user = User(username=username or f"{role.value}-{os.urandom(3).hex()}", role=role, **links)
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
        plain, _ = auth_service.login(user.username, "correct horse battery", ttl_hours=1)
        return user, {"Authorization": f"Bearer {plain}"}

    return _make


@pytest.fixture
def coordinator(make_user) -> dict[str, str]:
    """Auth headers of a logged-in coordinator."""
    return make_user(Role.COORDINATOR, "coord")[1]


MONDAY = date(2026, 11, 30)


@pytest.fixture
def day(world, make_user):
    """The world plus one vehicle with a driver and an order to each delivery point on MONDAY."""
    driver, _ = make_user(Role.DRIVER, "driver-a")
    return build_day(world, driver)


def build_day(world: World, driver: User) -> Vehicle:
    """The `day` fixture's vehicle (driven by `driver`) and MONDAY's orders."""
    vehicle = Vehicle(
        external_id="V-1",
        name="Bil 1",
        terminal=world.terminal,
        energy_type=EnergyType.HVO100,
        co2e_kg_per_km=0.25,
        cost_per_km=14,
        cost_per_hour=500,
        shift_start=time(6, 0),
        shift_end=time(15, 0),
        driver_id=driver.id,
        compartments=[
            VehicleCompartment(temperature_class=TemperatureClass.CHILLED, capacity_kg=2000, capacity_pallets=6),
            VehicleCompartment(temperature_class=TemperatureClass.AMBIENT, capacity_kg=3000, capacity_pallets=8),
        ],
    )
    orders = [
        Order(
            external_id=f"O-{point.external_id}",
            delivery_point=point,
            supplier=world.wholesaler,
            requested_date=MONDAY,
            lines=[
                OrderLine(line_no=1, article="Mjölk", quantity=40, unit="l", weight_kg=41, pallet_places=0.3,
                          temperature_class=TemperatureClass.CHILLED),
                OrderLine(line_no=2, article="Pasta", quantity=10, unit="st", weight_kg=50, pallet_places=0.2,
                          temperature_class=TemperatureClass.AMBIENT),
            ],
        )
        for point in (world.school, world.care_home)
    ]
    db.session.add_all([vehicle, *orders])
    db.session.commit()
    return vehicle


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
