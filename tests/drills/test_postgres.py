"""Drill: PostgreSQL stopped for ~15 s and started again while drivers send proofs.

A PostgreSQL server of its own (a free port, a throw-away data directory), so the shared test
server is never stopped. No proof is lost or doubled (phones retry from their outbox, the
server answers a replay from the stored answer), the gunicorn servers recover without a
restart, /healthz answers 503 while the database is away, and API calls meanwhile get a clear
JSON 503 in Swedish rather than a 500 page.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.drills.fleet import Fleet
from tests.integration.harness import ROOT, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.drill

OUTAGE_S = 15
BINDIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


class Postgres:
    def __init__(self):
        self.port = free_port()
        self.datadir = Path(f"/tmp/samlast-drill-pg-{self.port}")
        self.bindir = BINDIRS[-1]
        out = subprocess.run(
            ["bash", str(ROOT / "scripts/start-postgres.sh")],
            env={**os.environ, "PGPORT_TEST": str(self.port), "PGDATA_TEST": str(self.datadir)},
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        self.url = out.stdout.strip().split("=", 1)[1]

    def _ctl(self, *args: str) -> None:
        command = [f"{self.bindir}/pg_ctl", "-D", str(self.datadir), *args]
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast", "-w")

    def start(self) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._ctl("start", "-w", "-l", str(self.datadir / "server.log"), "-o", options)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


@pytest.fixture
def postgres():
    if not BINDIRS or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL binaries are not installed (scripts/install-system-packages.sh postgresql)")
    server = Postgres()
    try:
        yield server
    finally:
        server.close()


def test_postgres_outage(make_cluster, postgres):
    cluster = make_cluster(db_url=postgres.url)
    fleet = Fleet(cluster, "PostgreSQL stopped 15 s").run()
    health: Counter[str] = Counter()
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            for server in cluster.servers:
                try:
                    health[str(requests.get(server.url + "/healthz", timeout=3).status_code)] += 1
                except requests.RequestException as exc:
                    health[type(exc).__name__] += 1
            watching.wait(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    time.sleep(5)
    postgres.stop()
    stopped = time.monotonic()
    time.sleep(3)
    during = {server.name: requests.get(server.url + "/healthz", timeout=5) for server in cluster.servers}
    driver = {"Authorization": f"Bearer {cluster.seed['drivers'][0]['token']}"}
    api = requests.get(cluster.servers[0].url + "/api/v1/driver/routes", headers=driver, timeout=10)
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped)))
    postgres.start()
    back = time.monotonic()
    for server in cluster.servers:
        wait_until(lambda s=server: requests.get(s.url + "/healthz", timeout=3).status_code == 200, 60,
                   f"{server.name} healthy again", ignoring=(requests.RequestException,))  # fmt: skip
    healthy_after_s = time.monotonic() - back
    time.sleep(5)
    fleet.finish()
    watching.set()
    watcher.join(10)
    fleet.replay()
    tally = fleet.tally(healthz=dict(health), healthy_again_after_s=round(healthy_after_s, 1),
                        api_during_outage=api.status_code)  # fmt: skip
    tally.check()
    for answer in during.values():
        assert answer.status_code == 503 and answer.json()["database"] == "unreachable", answer.text
    assert api.status_code == 503, api.text
    assert api.headers["Content-Type"].startswith("application/json")
    error = api.json()["error"]
    assert error["code"] == "database_unavailable", error
    assert "Databasen går inte att nå" in error["message"], error
    assert "500" not in fleet.answers, fleet.answers
    assert fleet.answers["503"] > 0, fleet.answers  # the phones did meet the outage
    # The same processes throughout: recovered without a restart.
    assert all(server.proc.poll() is None for server in cluster.servers)
