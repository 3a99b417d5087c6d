"""Drill: Redis stopped for ~15 s and started again while drivers send proofs.

The API keeps taking proofs (the rate limit and the receipts' queue fall back), and a
planning job requested during the outage is not lost: it runs in-process when the queue
cannot be reached.
"""

from __future__ import annotations

import time

import pytest

from tests.drills.fleet import Fleet
from tests.waiting import wait_until

pytestmark = pytest.mark.drill

OUTAGE_S = 15


def test_redis_outage(cluster):
    fleet = Fleet(cluster, "redis stopped 15 s").run()
    time.sleep(5)
    cluster.redis.stop()
    time.sleep(3)
    asked = cluster.request_planning(cluster.servers[1])
    assert asked.status_code == 202, asked.text
    job_id = asked.json()["id"]
    time.sleep(OUTAGE_S - 3)
    cluster.redis.start()
    time.sleep(8)
    fleet.finish()
    job = wait_until(lambda: cluster.job(job_id), 60, "the planning job asked during the outage",
                     until=lambda j: j["status"] in ("succeeded", "failed"))  # fmt: skip
    # After the outage the queue works again: a job asked now runs in the RQ worker.
    after = cluster.request_planning(cluster.servers[0])
    assert after.status_code == 202, after.text
    job_after = wait_until(lambda: cluster.job(after.json()["id"]), 60, "the planning job after the outage",
                           until=lambda j: j["status"] in ("succeeded", "failed"))  # fmt: skip
    tally = fleet.tally(planning_during_outage=job["status"], planning_after=job_after["status"])
    tally.check()
    assert job["status"] == "succeeded", job
    assert job_after["status"] == "succeeded", job_after
    assert sum(n for s, n in fleet.answers.items() if s.startswith("5")) == 0, fleet.answers
