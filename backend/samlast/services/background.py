"""In-process background work that runs inside an app context: planning jobs without Redis,
impact runs, PDF receipts and Web Push. Each kind has its own small pool, so a long planning
run never delays a receipt or a push notice."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from samlast.errors import DomainError
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import JobStatus
from samlast.models.base import utcnow
from samlast.models.route import BackgroundRun

log = logging.getLogger(__name__)

#: A run's progress is written at most this often (each write is a short transaction).
PROGRESS_EVERY_S = 0.5
#: The message of a run whose process went away (killed worker, crashed server) while it ran.
WORKER_LOST = "progress.worker_lost"


def update_run(model: type[BackgroundRun], run_id: str, **values: Any) -> None:
    """Write a run's row (planning job, impact report, fleet advice) in a short transaction of its
    own, so progress and the outcome never commit the session that does the work."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(model).where(model.id == run_id).values(**values))


def start_run(model: type[BackgroundRun], run_id: str) -> None:
    update_run(model, run_id, status=JobStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(),
               message="progress.started", message_params={})  # fmt: skip


@contextlib.contextmanager
def heartbeat(model: type[BackgroundRun], run_id: str) -> Iterator[None]:
    """While the block runs, write the run's `heartbeat_at` every RUN_HEARTBEAT_S seconds from a
    thread of its own: if the process dies the heartbeat stops and sweep_stale_runs() fails it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    every = float(app.config["RUN_HEARTBEAT_S"])
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with app.app_context():
                    update_run(model, run_id, heartbeat_at=utcnow())
            except Exception:  # the database away for a moment: the next beat tries again
                log.warning("Heartbeat of %s %s not written", model.__name__, run_id, exc_info=True)

    update_run(model, run_id, heartbeat_at=utcnow())
    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(every + 5)


def _run_models() -> list[type[BackgroundRun]]:
    from samlast.models import FleetAdviceRun, FollowupReport, ImpactReport, ImportRun, PlanningJob, RegionRun

    return [PlanningJob, FleetAdviceRun, ImpactReport, ImportRun, FollowupReport, RegionRun]


def sweep_stale_runs() -> list[tuple[type[BackgroundRun], str]]:
    """Mark failed every running run whose heartbeat stopped more than RUN_STALE_AFTER_S seconds
    ago (its worker was killed, its server crashed): never "running" forever. Returns them."""
    cutoff = utcnow() - timedelta(seconds=float(current_app.config["RUN_STALE_AFTER_S"]))
    swept: list[tuple[type[BackgroundRun], str]] = []
    for model in _run_models():
        last_sign = sa.func.coalesce(model.heartbeat_at, model.started_at, model.created_at)
        stale = sa.and_(model.status == JobStatus.RUNNING, last_sign < cutoff)
        with db.engine.begin() as connection:
            ids = list(connection.scalars(sa.select(model.id).where(stale)))
            if ids:
                # The condition again: a run that beat in between is left alone.
                connection.execute(
                    sa.update(model).where(model.id.in_(ids), stale)
                    .values(status=JobStatus.FAILED, message=WORKER_LOST, message_params={}, finished_at=utcnow())
                )  # fmt: skip
        for run_id in ids:
            log.warning("%s %s: its process went away while it ran; marked failed", model.__name__, run_id)
            swept.append((model, run_id))
    return swept


_last_sweep = [0.0]
_sweep_lock = threading.Lock()


def sweep_if_due() -> None:
    """sweep_stale_runs() at most every RUN_HEARTBEAT_S seconds in this process (called where
    runs are read, so a coordinator never watches a dead run)."""
    with _sweep_lock:
        now = time.monotonic()
        if now - _last_sweep[0] < float(current_app.config["RUN_HEARTBEAT_S"]):
            return
        _last_sweep[0] = now
    try:
        swept = sweep_stale_runs()
    except Exception:  # reading the run matters more than sweeping; the next read sweeps
        log.warning("Sweeping stale background runs failed", exc_info=True)
        return
    for model, run_id in swept:
        announce = _on_swept.get(model)
        if announce is not None:
            announce(run_id)


#: What to do once a run of a kind was swept (services.jobs announces a planning job's end).
_on_swept: dict[type[BackgroundRun], Callable[[str], None]] = {}


def on_swept(model: type[BackgroundRun], announce: Callable[[str], None]) -> None:
    _on_swept[model] = announce


def progress_writer(model: type[BackgroundRun], run_id: str) -> Callable[[float, Message], bool]:
    """A progress callback that writes the run's progress at most every PROGRESS_EVERY_S seconds;
    it answers whether it wrote, so a caller can announce the same moments."""
    last = [0.0]

    def write(fraction: float, message: Message) -> bool:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_S:
            return False
        last[0] = now
        update_run(model, run_id, progress=round(fraction, 3), message=message.key, message_params=message.json_params,
                   heartbeat_at=utcnow())  # fmt: skip
        return True

    return write


def succeed_run(model: type[BackgroundRun], run_id: str, done: Message, **values: Any) -> None:
    """Record that a run succeeded: complete, finished now, with its closing message and `values`
    (the result, a plan id)."""
    update_run(model, run_id, status=JobStatus.SUCCEEDED, progress=1.0, finished_at=utcnow(), message=done.key,
               message_params=done.json_params, **values)  # fmt: skip


def fail_run(model: type[BackgroundRun], run_id: str, exc: Exception, fallback_key: str) -> None:
    """Record that a run failed: the domain error's own message, else `fallback_key`."""
    failure = exc.message if isinstance(exc, DomainError) else Message(fallback_key)
    update_run(model, run_id, status=JobStatus.FAILED, message=failure.key, message_params=failure.json_params,
               finished_at=utcnow())  # fmt: skip


class Worker:
    """A lazily started thread pool whose tasks get an app context and a clean session."""

    def __init__(self, name: str, threads: int = 1):
        self.name = name
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix=self.name)
            return self._pool

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        """Run `task(*args)` later, inside the current app's context."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        future = self._executor().submit(_in_app, app, task, *args)
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()] + [future]
        return future

    def run_or_submit(self, task: Callable[[str], Any], run_id: str) -> None:
        """Run a background run now (PLANNING_RUNNER=inline: tests, one-off commands) or later on
        this pool."""
        if current_app.config["PLANNING_RUNNER"] == "inline":
            task(run_id)
        else:
            self.submit(task, run_id)

    def drain(self, timeout_s: float = 300.0) -> None:
        """Wait for everything submitted so far (tests, shutdown)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.result(timeout=timeout_s)


def dispatch(worker: Worker, task: Callable[[str], Any], run_id: str, *, queue: str, task_path: str,
             timeout_s: int) -> None:  # fmt: skip
    """Run a queued run by PLANNING_RUNNER: now ("inline"), on an RQ worker ("rq": `task_path`
    on `queue`), or on this process's `worker` pool ("thread"). When Redis cannot take the job,
    this process runs it: a run asked for is never lost to an outage."""
    runner = current_app.config["PLANNING_RUNNER"]
    if runner == "inline":
        task(run_id)
        return
    if runner == "rq":
        try:
            rq_queue(queue).enqueue(task_path, run_id, job_timeout=timeout_s)
            return
        except Exception:
            log.exception("Could not queue %s %s on Redis; running it in this process", queue, run_id)
    worker.submit(task, run_id)


def _in_app(app: Flask, task: Callable[..., Any], *args: Any) -> Any:
    with app.app_context():
        try:
            return task(*args)
        finally:
            db.session.remove()


_queues: dict[tuple[str, str], Any] = {}
_queues_lock = threading.Lock()


def rq_queue(name: str):
    """The RQ queue `name` on REDIS_URL, with one connection pool per process: a new Redis
    client per job would open a new TCP connection on every proof of delivery."""
    from redis import Redis
    from rq import Queue

    url = current_app.config["REDIS_URL"]
    with _queues_lock:
        queue = _queues.get((url, name))
        if queue is None:
            queue = _queues[(url, name)] = Queue(name, connection=Redis.from_url(url))
        return queue
