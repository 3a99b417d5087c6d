"""An impact analysis spread over RQ workers (issue 20), with a real Redis and two real
`flask samlast worker --queues routing` processes: the figures equal the analysis run in one
process, and a worker SIGKILLed in the middle of a routing run does not stop the report (RQ
puts its job back in the queue once the job's time is up, and another worker or the analysing
process runs it; a job the worker had taken but not yet started, the analysing process takes)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from samlast import planning as pl
from samlast.demo.generator import generate_cluster
from samlast.impact import ImpactParams, analyse
from samlast.impact.demo import from_demo_cluster
from samlast.impact.routing import DayRequest, PrecomputedTravel
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


def _small_runs(count: int) -> tuple[list[DayRequest], PrecomputedTravel]:
    """`count` routing runs of two stops each, and their travel matrix."""
    depot = pl.Location(55.80, 13.30)
    vehicle = pl.Vehicle(id="truck", shift_start=6 * 3600, shift_end=16 * 3600,
                         capacities={"ambient": pl.Capacity(1000.0, 10.0)}, cost_per_km=10.0,
                         cost_per_hour=300.0)  # fmt: skip
    requests, places = [], [depot]
    for run in range(count):
        stops = tuple(
            pl.Job.delivery_job(f"r{run}-{n}", pl.Location(55.80 + 0.01 * (run + 1), 13.30 + 0.01 * n),
                                {"ambient": pl.Load(10.0, 0.1)})
            for n in (1, 2)
        )  # fmt: skip
        places += [job.delivery.location for job in stops]
        requests.append(DayRequest(depot, (vehicle,), stops, pl.SolveParams(time_limit_s=1, solution_limit=5)))
    return requests, PrecomputedTravel(pl.GeodesicTravelModel(), places)


@pytest.mark.parametrize("opened_an_execution", [False, True], ids=["before-its-execution", "before-its-horse"])
def test_a_job_taken_by_a_worker_that_died_before_starting_it_is_run_here(tmp_path, opened_an_execution):
    """CI once waited for ever (2026-12-06): the killed worker had taken its job from the queue
    (RQ moves it to an intermediate queue) and died before the job was "started", so neither
    the queue nor RQ's started-job registry held it, and it stayed "queued". Here a worker takes a
    job in the same way and dies at once: before opening its execution, or after it (the
    execution then expires with its heartbeat) but before its work horse starts the job."""
    from redis import Redis as RedisClient
    from rq import Queue
    from rq.executions import Execution

    redis = Redis(tmp_path)
    try:
        connection = RedisClient.from_url(redis.url)
        queue = Queue(QUEUE_NAME, connection=connection)
        requests, travel = _small_runs(4)
        router = QueueRouter(queue, job_stops=1, stranded_s=1.0)
        taken: list[str] = []

        def a_worker_takes_one_and_dies(index: int) -> None:
            if taken:
                return
            # What a worker's dequeue does (LMOVE to the intermediate queue), and nothing after it.
            raw = connection.lmove(queue.key, queue.intermediate_queue_key, "LEFT", "RIGHT")
            assert raw is not None, "no job was left in the queue to take"
            taken.append(raw.decode())
            if opened_an_execution:  # as the worker does before forking its work horse
                with connection.pipeline() as pipeline:
                    Execution.create(queue.fetch_job(taken[0]), ttl=1, pipeline=pipeline, worker_name="gone")
                    pipeline.execute()

        answers: list = []
        collector = threading.Thread(  # a thread, so that a wait for ever fails here instead of hanging
            target=lambda: answers.append(router.route_days(requests, travel, done=a_worker_takes_one_and_dies)),
            daemon=True,
        )  # fmt: skip
        collector.start()
        collector.join(30)  # not RQ's ten-minute maintenance
        assert taken, "the dead worker never took a job"
        assert answers, "the analysis still waits for the job the dead worker took"
        assert answers[0] == [request.run(travel) for request in requests]  # the taken run's answer too
        assert router.ran_here == len(requests)  # no live worker: every run ran here
        assert connection.llen(queue.intermediate_queue_key) == 0
        assert len(queue) == 0
    finally:
        redis.stop()


def test_a_worker_does_the_fleet_advice_handed_over_first_while_this_process_routes_the_rest(tmp_path):
    """The analysis hands the weekdays' fleet advice over before its routing runs and collects it
    last (impact/report.py): a worker takes it from the queue while the analysing process routes
    the runs it collects meanwhile. Each advice job has the time the advice needs, not the
    router's time per routing run; a batch given up leaves nothing in the queue."""
    from redis import Redis as RedisClient
    from rq import Queue
    from rq import Worker as RqWorker
    from rq.job import Job

    from samlast.impact.coordinated import schedule
    from samlast.impact.fleetneed import fleet_need_requests

    redis = Redis(tmp_path)
    db_url, drop_database = database_url(tmp_path)
    worker = Worker(base_env(tmp_path, db_url, redis.url), tmp_path, queues=QUEUE_NAME, name="routing-1")
    try:
        connection = RedisClient.from_url(redis.url)
        queue = Queue(QUEUE_NAME, connection=connection)
        wait_until(lambda: len(RqWorker.all(queue=queue)) == 1, 60, "the worker listens on the routing queue")
        cluster = generate_cluster(seed=2026, scale=0.2)
        data = from_demo_cluster(cluster, cluster.start, cluster.start + timedelta(days=4))
        params = ImpactParams(fleet_need=True)
        primary = schedule(data, next(p for p in params.patterns if p.name == params.primary_pattern), params)
        advice = fleet_need_requests(data, primary, params)[:2]
        places = [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
        travel = PrecomputedTravel(pl.GeodesicTravelModel(), places)
        router = QueueRouter(queue, job_timeout_s=2, job_stops=1)

        handed = router.submit(advice, travel)
        jobs, _ = handed.handle
        assert [job.timeout for job in jobs] == [int(request.timeout_s) for request in advice]
        assert all(job.timeout > 2 for job in jobs)  # the advice's own time, not 2 s per routing run
        # Meanwhile this process routes a batch of its own: the worker is busy with the advice.
        runs, run_travel = _small_runs(3)
        assert router.route_days(runs, run_travel) == [request.run(run_travel) for request in runs]
        rows = router.collect(handed)
        # The worker took the first advice while this process routed (and then the second, or
        # this process did when it came to collect it).
        assert jobs[0].id in router.finished_ids
        assert router.ran_here == len(runs) + len({job.id for job in jobs} - router.finished_ids)
        assert rows == [request.run(travel) for request in advice]
        assert [row["weekday"] for row in rows] == [request.weekday for request in advice]

        # Given up (the analysis failed): the worker is stopped in the first, the second is gone.
        given_up = router.submit(advice, travel)
        first, second = given_up.handle[0]
        wait_until(lambda: first.get_status(refresh=True) == "started", 30, "the worker started the first")
        router.discard(given_up)
        assert len(queue) == 0
        assert not Job.exists(second.id, connection=connection)
        wait_until(lambda: RqWorker.all(queue=queue)[0].get_state() == "idle", 30, "the worker is free again")
    finally:
        worker.stop()
        redis.stop()
        drop_database()
