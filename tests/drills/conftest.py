"""Fault drills: `pytest -m drill tests/drills` (each starts its own production layout)."""

from __future__ import annotations

import pytest

from tests.drills.fleet import Cluster
from tests.integration.harness import database_url


@pytest.fixture
def make_cluster(tmp_path):
    """make_cluster(points=4, **env) -> a Cluster on TEST_DATABASE_URL's server (fresh database) or SQLite."""
    made = []

    def make(db_url: str | None = None, points: int = 4, **env: str) -> Cluster:
        drop = None
        if db_url is None:
            db_url, drop = database_url(tmp_path)
        cluster = Cluster(tmp_path, db_url, points=points, **env)
        made.append((cluster, drop))
        return cluster

    try:
        yield make
    finally:
        for cluster, drop in made:
            cluster.close()
            if drop:
                drop()


@pytest.fixture
def cluster(make_cluster):
    return make_cluster()
