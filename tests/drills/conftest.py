"""Fault drills: `pytest -m drill tests/drills` (each starts its own production layout)."""

from __future__ import annotations

import pytest

from tests.drills.fleet import Cluster
from tests.integration.harness import database_url


@pytest.fixture
def cluster(tmp_path):
    db_url, drop_database = database_url(tmp_path)
    cluster = Cluster(tmp_path, db_url)
    try:
        yield cluster
    finally:
        cluster.close()
        drop_database()
