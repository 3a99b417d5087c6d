"""The tests' one waiting helper: returns what it waited for, and says what it waited for when
it gives up."""

from __future__ import annotations

import pytest
from tests.waiting import plan_day, wait_for_job, wait_until


def test_wait_until_returns_the_first_value_that_holds():
    values = iter([0, [], 3, 4])
    assert wait_until(lambda: next(values), 5, "a number", interval_s=0) == 3
    statuses = iter(["queued", "running", "done"])
    assert wait_until(lambda: next(statuses), 5, "done", interval_s=0, until=lambda s: s == "done") == "done"


def test_wait_until_names_what_it_waited_for_and_the_last_value_seen():
    with pytest.raises(AssertionError, match=r"waited 0\.05 s for the truck; last seen: \{'at': 'Eslöv'\}"):
        wait_until(lambda: {"at": "Eslöv"}, 0.05, "the truck", interval_s=0.01, until=lambda v: v["at"] == "Hörby")


def test_wait_until_ignores_only_the_errors_it_is_told_to():
    tries = iter([ConnectionRefusedError("not up"), ConnectionRefusedError("not up"), "up"])

    def check():
        value = next(tries)
        if isinstance(value, Exception):
            raise value
        return value

    assert wait_until(check, 5, "the server", interval_s=0, ignoring=(OSError,)) == "up"
    with pytest.raises(AssertionError, match="last seen: ConnectionRefusedError"):
        wait_until(check_refused, 0.05, "the server", interval_s=0.01, ignoring=(OSError,))
    with pytest.raises(KeyError):  # anything else is a failure at once, not a wait
        wait_until(lambda: {}["status"], 5, "the job", interval_s=0)


def check_refused():
    raise ConnectionRefusedError("not up")


def test_wait_until_sleeps_with_the_given_sleep():
    slept: list[float] = []
    values = iter([False, False, True])
    wait_until(lambda: next(values), 5, "it", interval_s=0.2, sleep=slept.append)
    assert slept == [0.2, 0.2]


class FakeApi:
    """A planning API whose job runs for two polls; records what was asked."""

    def __init__(self, outcome: str = "succeeded"):
        self.outcome, self.calls, self.polls = outcome, [], 0

    def __call__(self, method: str, path: str, body: dict | None = None):
        self.calls.append((method, path, body))
        if path == "/planning/jobs":
            return {"id": "j1", "status": "queued"}
        if path == "/planning/jobs/j1":
            self.polls += 1
            return {"id": "j1", "status": "running" if self.polls < 3 else self.outcome, "message": "x"}
        if path.startswith("/plans/current"):
            return {"version": 1}
        raise AssertionError(path)


def test_plan_day_waits_for_the_job_and_returns_the_stored_plan():
    api = FakeApi()
    assert plan_day(api, "2026-12-07", fresh=True) == {"version": 1}
    assert api.calls[0] == ("POST", "/planning/jobs", {"date": "2026-12-07", "time_limit_s": 1, "fresh": True})
    assert api.polls == 3 and api.calls[-1] == ("GET", "/plans/current?date=2026-12-07", None)


def test_a_failed_job_is_returned_by_wait_for_job_and_fails_plan_day():
    assert wait_for_job(FakeApi("failed"), "/planning/jobs/j1")["status"] == "failed"
    with pytest.raises(AssertionError, match="'status': 'failed'"):
        plan_day(FakeApi("failed"), "2026-12-07")
