"""Drill: the RQ worker SIGKILLed while it runs a planning job, drivers sending proofs meanwhile.

The job must not stay "running" forever: its heartbeat stops, and the next look at it (or the
next worker to start) marks it failed with a clear message. A planning job asked afterwards
runs in a new worker.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from samlast.planning.pyvrp_start import SETTLE_UP_TO
from tests.drills.fleet import Fleet
from tests.integration.harness import Worker
from tests.waiting import wait_until

pytestmark = pytest.mark.drill

HEARTBEAT_S, STALE_AFTER_S = 1, 8


def test_worker_killed_during_planning(make_cluster):
    # More stops than a small day, whose search ends as soon as it settles (pyvrp_start.SETTLE_UP_TO):
    # this job must still be solving when its worker is killed.
    cluster = make_cluster(
        points=SETTLE_UP_TO + 5, RUN_HEARTBEAT_S=str(HEARTBEAT_S), RUN_STALE_AFTER_S=str(STALE_AFTER_S)
    )
    fleet = Fleet(cluster, "RQ worker killed during planning").run()
    a = cluster.servers[0]
    body = {"date": cluster.seed["today"], "reason": "drill", "time_limit_s": 40, "fresh": True}
    asked = requests.post(a.url + "/api/v1/planning/jobs", json=body, headers=cluster.coordinator(), timeout=30)
    assert asked.status_code == 202, asked.text
    job_id = asked.json()["id"]

    def job() -> dict:
        return requests.get(f"{a.url}/api/v1/planning/jobs/{job_id}", headers=cluster.coordinator(), timeout=10).json()

    wait_until(job, 60, "the job to start in the worker", until=lambda j: j["status"] == "running")
    # Alive and solving: the heartbeat keeps it running past the stale limit.
    time.sleep(STALE_AFTER_S + 3)
    assert job()["status"] == "running", job()
    os.killpg(cluster.worker.proc.pid, signal.SIGKILL)
    cluster.worker.proc.wait(10)
    killed = time.monotonic()
    failed = wait_until(job, 60, "the dead worker's job to be marked failed", interval_s=0.5,
                        until=lambda j: j["status"] != "running")  # fmt: skip
    noticed_s = time.monotonic() - killed
    assert failed["status"] == "failed", failed
    assert failed["message_key"] == "progress.worker_lost", failed
    assert "stannade" in failed["message"], failed

    # A new worker takes the next job.
    cluster.worker = Worker(cluster.env, cluster.workdir)
    again = cluster.request_planning(a)
    assert again.status_code == 202, again.text
    done = wait_until(lambda: cluster.job(again.json()["id"]), 90, "the next job in the new worker",
                      until=lambda j: j["status"] in ("succeeded", "failed"))  # fmt: skip
    fleet.finish()
    tally = fleet.tally(job_marked_failed_after_s=round(noticed_s, 1), next_job=done["status"],
                        message=failed["message"])  # fmt: skip
    tally.check()
    assert done["status"] == "succeeded", done
    assert noticed_s < STALE_AFTER_S + HEARTBEAT_S + 10
