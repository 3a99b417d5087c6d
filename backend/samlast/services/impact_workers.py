"""An impact analysis spread over RQ workers (issue 20).

The analysis is thousands of small routing runs (every supplier-day of the free-delivery
baseline, every day of each delivery pattern, every coalition-day of the cost split). With a
`QueueRouter` each run is an RQ job on the ``routing`` queue that any `flask samlast worker`
(on this machine or another with the same REDIS_URL) can take. The process that runs the
analysis collects the answers in order and works too: whenever nothing has finished it takes a
job still waiting in the queue (removing it from the queue is atomic, so no job runs twice) and
runs it itself. So an analysis finishes with no worker at all, and each worker added takes a
share.

A worker killed in the middle of a job leaves it "started" for ever; RQ's started-job registry
cleanup (run here every few seconds) finds it once its time is up and puts it back in the queue
(each job has retries), where another worker, or this process, takes it. A worker killed after
taking a job but before starting it leaves the job "queued" in RQ's intermediate queue, where
nothing but a worker's ten-minute maintenance would find it: once it has been there, with no live
execution, for `STRANDED_S`, this process takes it from there (atomically too) and runs it.

The travel matrix is stored once per analysis in Redis (pickled, expiring), and each worker
process keeps the matrices it has read. Small runs travel together: consecutive runs are packed
into one job until it holds `JOB_STOPS` stops (a supplier-day of 9 stops costs about as much to
queue, fetch and answer as to route; a city's 6 000 of them are some 500 jobs, not 6 000).

Each weekday's fleet advice travels the same way, as a job of its own with the advice's own
timeout: the analysis submits those jobs before its routing runs and collects them last, so
workers do them meanwhile; an analysis that fails first stops and deletes them (`discard`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from samlast.impact.routing import Batch, DayRouter, PrecomputedTravel, RoutingRequest

log = logging.getLogger(__name__)

QUEUE_NAME = "routing"
TRAVEL_TTL_S = 24 * 3600
#: How often the collector looks at its jobs, and how often it sweeps abandoned ones.
POLL_S = 0.05
SWEEP_S = 2.0
#: A job a worker took from the queue is started within milliseconds; one still not started, with
#: no live execution, after this long was taken by a worker that died.
STRANDED_S = 10.0
#: Runs are packed into one job until it holds this many stops; a larger run is a job of its own.
JOB_STOPS = 100

_travel_cache: dict[str, PrecomputedTravel] = {}


def route_day_task(travel_key: str, requests: Sequence[RoutingRequest]) -> list[Any]:
    """The routing runs (or fleet advice) of one job on a worker (RQ job function)."""
    from rq import get_current_job

    travel = _travel_cache.get(travel_key)
    if travel is None:
        job = get_current_job()
        raw = job.connection.get(travel_key) if job is not None else None
        if not isinstance(raw, bytes):
            raise RuntimeError(f"travel matrix {travel_key} is gone (expired?)")
        travel = _travel_cache[travel_key] = pickle.loads(raw)  # noqa: S301 (our own matrix, from our Redis)
        while len(_travel_cache) > 4:  # a worker serving many analyses keeps the latest few
            _travel_cache.pop(next(iter(_travel_cache)))
    return [request.run(travel) for request in requests]


def pack(requests: Sequence[RoutingRequest], stops: int = JOB_STOPS) -> list[list[int]]:
    """The requests' indices in jobs of consecutive runs holding at least `stops` stops (the last
    may hold fewer); a run that large alone is a job of its own."""
    jobs: list[list[int]] = [[]]
    held = 0
    for index, request in enumerate(requests):
        if held >= stops:
            jobs.append([])
            held = 0
        jobs[-1].append(index)
        held += len(request.jobs)
    return jobs


class QueueRouter(DayRouter):
    """Routing runs as RQ jobs on `queue` (see the module's docstring)."""

    def __init__(
        self, queue, *, job_timeout_s: int = 600, retries: int = 3, job_stops: int = JOB_STOPS,
        stranded_s: float = STRANDED_S,
    ):  # fmt: skip
        self.queue = queue
        self.stranded_s = stranded_s
        self.job_timeout_s = job_timeout_s  # per routing run in the job
        self.retries = retries
        self.job_stops = job_stops
        # The matrix of each analysis is stored once, not at every batch of runs (a sampled cost
        # split asks for hundreds): its key by the travel object (kept, so its id stays its own).
        self._stored: dict[int, tuple[PrecomputedTravel, str]] = {}
        # What ran where (the benchmark and the tests): all runs, those this process took from the
        # queue itself, and the ids of the jobs a worker finished.
        self.runs = 0
        self.ran_here = 0
        self.finished_ids: set[str] = set()

    def _travel_key(self, travel: PrecomputedTravel) -> str:
        if id(travel) not in self._stored:
            raw = pickle.dumps(travel, protocol=pickle.HIGHEST_PROTOCOL)
            key = f"samlast:impact-travel:{hashlib.sha256(raw).hexdigest()[:32]}"
            self.queue.connection.set(key, raw, ex=TRAVEL_TTL_S)
            self._stored[id(travel)] = (travel, key)
        return self._stored[id(travel)][1]

    def submit(self, requests: Sequence[RoutingRequest], travel: PrecomputedTravel) -> Batch:
        """Enqueue `requests` as jobs (see :func:`pack`); workers may take them at once."""
        from rq import Retry

        batch = Batch(requests, travel)
        if not requests:
            return batch
        self.runs += len(requests)
        travel_key = self._travel_key(travel)
        name = uuid.uuid4().hex[:12]
        members = pack(requests, self.job_stops)
        jobs = self.queue.enqueue_many([
            self.queue.prepare_data(
                "samlast.services.impact_workers.route_day_task",
                (travel_key, [requests[index] for index in indices]),
                job_id=f"route-{name}-{number}", timeout=self._timeout_s(requests, indices), result_ttl=3600,
                failure_ttl=3600,
                retry=Retry(max=self.retries),
            )
            for number, indices in enumerate(members)
        ])  # fmt: skip
        batch.handle = (jobs, members)
        return batch

    def _timeout_s(self, requests: Sequence[RoutingRequest], indices: Sequence[int]) -> int:
        """A job's time: each routing run's `job_timeout_s`, or what the request says it needs."""
        seconds = sum(requests[i].timeout_s or self.job_timeout_s for i in indices)
        return max(1, math.ceil(seconds))

    def collect(self, batch: Batch, done: Callable[[int], None] = lambda i: None) -> list[Any]:
        """Wait for the batch's jobs (running those still queued here) and answer in order."""
        from rq.registry import StartedJobRegistry

        if batch.handle is None:
            return []
        jobs, members = batch.handle
        requests, travel = batch.requests, batch.travel
        results: dict[int, Any] = {}

        def finish(number: int, answers: Sequence[Any]) -> None:
            for index, answer in zip(members[number], answers, strict=True):
                results[index] = answer
                done(index)

        registry = StartedJobRegistry(queue=self.queue)
        swept = time.monotonic()
        stranded_since: dict[int, float] = {}
        pending = list(range(len(jobs)))
        try:
            while pending:
                statuses = self._statuses([jobs[number] for number in pending])
                for number, status in zip(pending, statuses, strict=True):
                    if status in ("failed", "stopped", "canceled"):  # retries used up
                        job = jobs[number]
                        raise RuntimeError(f"routing run {job.id} ended {status}: {job.latest_result()}")
                finished = [number for number, status in zip(pending, statuses, strict=True) if status == "finished"]
                for number in finished:
                    self.finished_ids.add(jobs[number].id)
                    finish(number, jobs[number].return_value())
                queued = [number for number, status in zip(pending, statuses, strict=True) if status == "queued"]
                here = self._run_one_here(jobs, queued, members, requests, travel, finish)
                gone = {*finished, here}
                pending = [number for number in pending if number not in gone]
                if finished or here is not None:
                    continue
                if time.monotonic() - swept > SWEEP_S:
                    registry.cleanup()  # a killed worker's job goes back to the queue (retries)
                    swept = time.monotonic()
                    here = self._run_one_stranded(jobs, queued, stranded_since, registry, members, requests,
                                                  travel, finish)  # fmt: skip
                    if here is not None:
                        pending.remove(here)
                        continue
                time.sleep(POLL_S)
        finally:
            self.discard(batch)
        return [results[index] for index in range(len(requests))]

    def discard(self, batch: Batch) -> None:
        """Delete the batch's jobs (the answers are read, or will not be): nothing of the analysis
        is left in Redis but its travel matrix, which expires. A job a worker is still running
        (the analysis failed before collecting it) is stopped first: a fleet advice takes minutes."""
        from rq.command import send_stop_job_command

        if batch.handle is None:
            return
        jobs, _ = batch.handle
        batch.handle = None
        for job, status in zip(jobs, self._statuses(jobs), strict=True):
            try:
                if status == "started":
                    send_stop_job_command(self.queue.connection, job.id)
                job.delete(remove_from_queue=True)
            except Exception:  # a killed worker's job may lack its execution record: keys expire
                log.warning("Could not delete routing job %s", job.id, exc_info=True)

    def _statuses(self, jobs) -> list[str]:
        """Each job's status, read in one round trip (a poll of a thousand jobs is one request)."""
        with self.queue.connection.pipeline(transaction=False) as pipe:
            for job in jobs:
                pipe.hget(job.key, "status")
            raw = pipe.execute()
        return [value.decode() if isinstance(value, bytes) else str(value or "") for value in raw]

    def _run_one_stranded(
        self, jobs, queued, stranded_since, registry, members, requests, travel, finish
    ) -> int | None:
        """Run here one job that a dead worker took from the queue but never started; its number.

        Such a job stays "queued" in RQ's intermediate queue with no live execution in the
        started-job registry (an execution the worker had opened expires with its heartbeat)."""
        waiting = {raw.decode() for raw in self.queue.connection.lrange(self.queue.intermediate_queue_key, 0, -1)}
        running = set(registry.get_job_ids(cleanup=False))
        now = time.monotonic()
        for number in list(stranded_since):
            if number not in queued or jobs[number].id not in waiting or jobs[number].id in running:
                del stranded_since[number]  # it moved on: a worker started it, or it was requeued
        for number in queued:
            job_id = jobs[number].id
            if job_id not in waiting or job_id in running:
                continue
            since = stranded_since.setdefault(number, now)
            if now - since < self.stranded_s:
                continue
            # Atomic, like taking a job from the queue: a worker that started it after all keeps it.
            if self.queue.connection.lrem(self.queue.intermediate_queue_key, 1, job_id):
                log.warning("Routing job %s was taken by a worker that died before starting it; run here", job_id)
                del stranded_since[number]
                self.ran_here += len(members[number])
                finish(number, [requests[index].run(travel) for index in members[number]])
                return number
        return None

    def _run_one_here(self, jobs, queued, members, requests, travel, finish) -> int | None:
        """Take one job still waiting in the queue and run its runs in this process; its number."""
        for number in queued:
            if self.queue.remove(jobs[number].id):  # atomic: a worker that took it first keeps it
                self.ran_here += len(members[number])
                finish(number, [requests[index].run(travel) for index in members[number]])
                return number
        return None
