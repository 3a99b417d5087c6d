"""Samlast: coordinated goods distribution for municipalities."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask


def _sqlite_pragmas(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets the app read while a planning job writes; FKs are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # FULL: an acknowledged proof of delivery survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides settings read from the environment."""
    from samlast.config import PROJECT_ROOT, build_config, instance_path

    instance = instance_path()
    app = Flask(__name__, instance_path=str(instance), static_folder=None)
    app.config.update(build_config(instance))
    if config:
        app.config.update(config)

    from samlast import models  # noqa: F401  (registers the tables)
    from samlast.api import init_api
    from samlast.cli import register_cli
    from samlast.errors import register_error_handlers
    from samlast.extensions import db, migrate, socketio
    from samlast.security import init_limiter
    from samlast.web import bp as web_bp

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite") and ":memory:" not in uri and uri.rstrip("/") != "sqlite:":
        from samlast.sqlite_writer import QueuedWriterConnection

        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options["connect_args"] = {
            **options.get("connect_args", {}),
            "factory": QueuedWriterConnection,
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    init_limiter(app)
    socketio.init_app(
        app,
        message_queue=app.config["REDIS_URL"],
        cors_allowed_origins=app.config.get("CORS_ORIGINS", []),
    )
    from samlast.realtime import register_namespaces
    from samlast.realtime.notifier import SocketIONotifier
    from samlast.services import audit, notify

    register_namespaces(socketio)
    notify.init_app(app)
    audit.init_app(app)
    notify.install(app, SocketIONotifier())
    register_error_handlers(app)
    from samlast import security

    security.init_app(app)
    init_api(app)
    app.register_blueprint(web_bp)
    security.init_headers(app)
    register_cli(app)
    # The CLI's simulator builds a second app of its own with this factory.
    app.extensions["samlast.factory"] = create_app
    return app
