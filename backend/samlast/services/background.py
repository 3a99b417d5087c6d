"""In-process background work that runs inside an app context: planning jobs without Redis,
impact runs, PDF receipts and Web Push. Each kind has its own small pool, so a long planning
run never delays a receipt or a push notice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

from samlast.extensions import db


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

    def drain(self, timeout_s: float = 300.0) -> None:
        """Wait for everything submitted so far (tests, shutdown)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.result(timeout=timeout_s)


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
