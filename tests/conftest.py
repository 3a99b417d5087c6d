"""Shared fixtures: one app per test session, a clean database for every test.

The database is SQLite in a temporary file by default; set TEST_DATABASE_URL
(as .ci/run does) to run the same suite against PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time

import pytest
import sqlalchemy as sa

from samlast import create_app
from samlast.extensions import db, limiter
from samlast.models import (
    Cluster,
    DeliveryPoint,
    DeliveryPointKind,
    Municipality,
    ProductArea,
    ReceivingWindow,
    Role,
    Supplier,
    SupplierKind,
    TemperatureClass,
    Terminal,
    User,
)
from samlast.services import auth as auth_service


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


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
def clean_database(app) -> Iterator[None]:
    """Every test starts with empty tables and fresh rate limits."""
    with app.app_context():
        yield
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


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
