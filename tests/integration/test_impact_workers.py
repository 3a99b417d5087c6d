"""An impact analysis spread over RQ workers (issue 20), with a real Redis and two real
`flask samlast worker --queues routing` processes: the figures equal the analysis run in one
process, and a worker SIGKILLed in the middle of a routing run does not stop the report (RQ
puts its job back in the queue once the job's time is up, and another worker or the analysing
process runs it)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from samlast.demo.generator import generate_cluster
from samlast.impact import ImpactParams, analyse
from samlast.impact.demo import from_demo_cluster
from samlast.services.impact_workers import QUEUE_NAME, QueueRouter
from tests.integration.harness import Redis, Worker, base_env, database_url
from tests.waiting import wait_until

REPRODUCIBLE = ImpactParams(time_limit_s=30, shapley_time_limit_s=30, solution_limit=30, warm_start_iterations=100,
                            fleet_need=False)  # fmt: skip


@pytest.fixture
def workers(tmp_path):
    redis = Redis(tmp_path)
    db_url, drop_database = database_url(tmp_path)
    env = base_env(tmp_path, db_url, redis.url)
    started = [Worker(env, tmp_path, queues=QUEUE_NAME, name=f"routing-{n}") for n in (1, 2)]
    try:
        yield redis, started
    finally:
        for worker in started:
            worker.stop()
        redis.stop()
        drop_database()


def test_an_analysis_over_two_workers_survives_one_killed_and_gives_the_same_figures(workers):
    from redis import Redis as RedisClient
    from rq import Queue
    from rq import Worker as RqWorker

    redis, (first, second) = workers
    connection = RedisClient.from_url(redis.url)
    queue = Queue(QUEUE_NAME, connection=connection)
    wait_until(lambda: len(RqWorker.all(queue=queue)) == 2, 60, "both workers listen on the routing queue")
    cluster = generate_cluster(seed=2026, scale=0.3)
    data = from_demo_cluster(cluster, cluster.start, cluster.start + timedelta(days=4))

    killed: dict[str, str] = {}

    def kill_the_first_worker_mid_job() -> None:
        # As soon as the first worker is inside a routing run, it goes away without a word.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for worker in RqWorker.all(queue=queue):
                job_id = worker.get_current_job_id()
                if job_id and worker.pid == first.proc.pid:
                    first.kill()
                    killed["job"] = job_id
                    return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_first_worker_mid_job, daemon=True)
    killer.start()
    # Small jobs (a few runs of at most 10 stops together) and a short timeout per run, so the
    # killed worker's job is back in the queue within a minute or so.
    router = QueueRouter(queue, job_timeout_s=2, retries=3, job_stops=10)
    spread = analyse(data, REPRODUCIBLE, router=router)
    killer.join(5)
    assert killed.get("job"), "the first worker was never seen inside a job"
    # The report collected every run, the killed one included; the others ran on the second
    # worker and in this process.
    assert router.ran_here < router.runs, (router.ran_here, router.runs)
    assert len(router.finished_ids) + 1 < router.runs - router.ran_here  # runs were packed into jobs
    assert killed["job"] in router.finished_ids

    here = analyse(data, REPRODUCIBLE)
    spread.pop("wall_time_s")
    here.pop("wall_time_s")
    assert spread == here
    # Nothing of the analysis is left in Redis but the travel matrix (it expires).
    assert len(queue) == 0
