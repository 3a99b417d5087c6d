"""A digital twin of the delivery day, to show that the feedback loop improves plans and ETAs.

``flask samlast simulate`` (or :func:`run_isolated`) builds a fresh app on a
separate database (a temporary SQLite file unless ``database_url`` is given),
so it never touches the user's data; :func:`~samlast.simulate.runner.run_simulation`
runs inside an existing app (the test suite uses this).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from samlast.simulate.runner import (
    DayReport,
    SimulationError,
    SimulationOptions,
    as_json,
    format_day,
    run_simulation,
)

__all__ = [
    "DayReport",
    "SimulationError",
    "SimulationOptions",
    "as_json",
    "format_day",
    "run_isolated",
    "run_simulation",
]


def _no_fsync(engine) -> None:
    """The throwaway database needs no durability: skip the fsync of every commit."""
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


def run_isolated(
    options: SimulationOptions,
    create_app: Callable[[dict], Flask],
    database_url: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[DayReport]:
    """Run the simulation in a new app (made by `create_app`, samlast's factory) on its own
    database; returns the per-day reports."""
    import sqlalchemy as sa

    from samlast.extensions import db
    from samlast.models import Cluster

    with tempfile.TemporaryDirectory(prefix="samlast-sim-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'simulation.db'}"
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
            "GEOCODING_ENABLED": False,
            "OSRM_URL": None,
            # The twin measures plans as made in the morning: no re-planning during the day.
            "REPLAN_WHEN_LATE_MIN": 10**6,
        })
        with app.app_context():
            if database_url is None:
                _no_fsync(db.engine)
            db.create_all()
            if db.session.scalar(sa.select(sa.func.count()).select_from(Cluster)):
                raise SimulationError(f"The database {url} is not empty; give an empty one.")
            try:
                return run_simulation(app, options, echo)
            finally:
                db.session.remove()
                db.engine.dispose()
