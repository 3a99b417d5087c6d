"""Serves the built PWA and the health check. The app shell is cached by its service worker."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, send_from_directory
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from samlast.extensions import db

bp = Blueprint("web", __name__)

# Served with no caching so a new deployment's service worker is picked up at once.
NO_CACHE = {"sw.js", "index.html", "manifest.webmanifest", "registerSW.js"}


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # any database failure makes the instance unhealthy
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _api_not_found(path: str) -> None:
    """An API path that exists for other methods is a 405, not a 404 from this catch-all."""
    adapter = current_app.url_map.bind("")
    try:
        adapter.match(path, method="__probe__")
    except MethodNotAllowed as exc:
        allowed = sorted(set(exc.valid_methods or ()) - {"GET", "HEAD", "OPTIONS"})
        if allowed:
            raise MethodNotAllowed(valid_methods=allowed) from None
    except HTTPException:
        pass
    raise NotFound()


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def pwa(path: str):
    if path.startswith("api/"):
        _api_not_found("/" + path)
    dist = _dist()
    if not (dist / "index.html").exists():
        return (
            "<h1>Samlast</h1><p>The app has not been built: run <code>make run</code>.</p>"
            '<p>API docs: <a href="/api/docs">/api/docs</a></p>',
            503,
        )
    target = path if path and (dist / path).is_file() else "index.html"
    response = send_from_directory(dist, target, max_age=0 if target in NO_CACHE else 3600)
    if target in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response
