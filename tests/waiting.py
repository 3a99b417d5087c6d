"""Waiting in tests, written once: poll until something holds, and wait for a background job
(a planning job, an impact report) the same way in the API, integration and e2e tests.

The job helpers take `api(method, path, body=None) -> JSON` with paths under /api/v1: an e2e
server's `server.api` is one, `api_of(client, headers)` makes one of a Flask test client.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")
Api = Callable[..., Any]
FINISHED = ("succeeded", "failed")


def wait_until(
    check: Callable[[], T],
    timeout_s: float,
    what: str,
    interval_s: float = 0.1,
    *,
    until: Callable[[T], object] = bool,
    ignoring: tuple[type[BaseException], ...] = (),
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """Call `check` until `until(value)` holds (by default: until the value is truthy) and return
    that value. An exception of `ignoring` counts as "not yet" (a server still starting); any
    other exception is raised at once. After `timeout_s` an AssertionError names `what` was
    awaited and the last value (or exception) seen.

    `sleep` waits between tries: a Playwright test passes `page.wait_for_timeout` (in ms), so
    that the page's route handlers run meanwhile."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            last: object = check()
        except ignoring as error:
            last = error
        else:
            if until(last):  # type: ignore[arg-type]
                return last  # type: ignore[return-value]
        if time.monotonic() > deadline:
            seen = repr(last)
            seen = seen if len(seen) <= 2000 else seen[:2000] + " …"
            raise AssertionError(f"waited {timeout_s:g} s for {what}; last seen: {seen}")
        sleep(interval_s)


def wait_for_job(api: Api, path: str, timeout_s: float = 60.0) -> dict:
    """GET `path` (e.g. /planning/jobs/<id>, /impact/reports/<id>) until it has finished; returns
    it whether it succeeded or failed."""
    return wait_until(
        lambda: api("GET", path), timeout_s, f"{path} to finish", until=lambda job: job["status"] in FINISHED
    )


def plan_day(api: Api, day: date | str, *, timeout_s: float = 60.0, **options: Any) -> dict:
    """Plan `day` through the API (a 1 s search unless `options` say otherwise, e.g. fresh=True),
    wait for the job, assert that it succeeded and return the stored plan."""
    job = api("POST", "/planning/jobs", {"date": str(day), "time_limit_s": 1, **options})
    job = wait_for_job(api, f"/planning/jobs/{job['id']}", timeout_s)
    assert job["status"] == "succeeded", job
    return api("GET", f"/plans/current?date={day}")


def api_of(client, headers: dict[str, str]) -> Api:
    """A Flask test client as `api(method, path, body=None)`; an answer of 400 or more fails."""

    def call(method: str, path: str, body: dict | None = None) -> Any:
        response = client.open("/api/v1" + path, method=method, json=body, headers=headers)
        assert response.status_code < 400, (method, path, response.status_code, response.json)
        return response.json

    return call
