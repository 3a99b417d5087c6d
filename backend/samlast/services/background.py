"""In-process background work that runs inside an app context: planning jobs without Redis,
impact runs, PDF receipts and Web Push. Each kind has its own small pool, so a long planning
run never delays a receipt or a push notice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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


def update_run(model: type[BackgroundRun], run_id: str, **values: Any) -> None:
    """Write a run's row (planning job, impact report, fleet advice) in a short transaction of its
    own, so progress and the outcome never commit the session that does the work."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(model).where(model.id == run_id).values(**values))


def start_run(model: type[BackgroundRun], run_id: str) -> None:
    update_run(model, run_id, status=JobStatus.RUNNING, started_at=utcnow(), message="progress.started",
               message_params={})  # fmt: skip


def progress_writer(model: type[BackgroundRun], run_id: str) -> Callable[[float, Message], bool]:
    """A progress callback that writes the run's progress at most every PROGRESS_EVERY_S seconds;
    it answers whether it wrote, so a caller can announce the same moments."""
    last = [0.0]

    def write(fraction: float, message: Message) -> bool:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_S:
            return False
        last[0] = now
        update_run(model, run_id, progress=round(fraction, 3), message=message.key, message_params=message.json_params)
        return True

    return write


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
