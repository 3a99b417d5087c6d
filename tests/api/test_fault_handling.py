"""What the fault drills (tests/drills) rely on, checked without killing anything: the server's
time of a phone's event, the sweep of runs whose process went away, and the answers to a
database outage or a full disk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from samlast.errors import StorageFull, storage_outage
from samlast.extensions import db
from samlast.models import JobStatus, PlanningJob
from samlast.models.base import utcnow
from samlast.services import background
from samlast.services.delivery import server_time

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TWO_HOURS = timedelta(hours=2)


def test_a_phone_two_hours_ahead_is_put_right():
    assert server_time(NOW + TWO_HOURS - timedelta(seconds=3), NOW, NOW + TWO_HOURS) == NOW - timedelta(seconds=3)


def test_a_phone_two_hours_behind_is_put_right_even_for_an_old_outbox_entry():
    # Recorded an hour ago by the phone's (slow) clock, sent now.
    recorded = NOW - TWO_HOURS - timedelta(hours=1)
    assert server_time(recorded, NOW, NOW - TWO_HOURS) == NOW - timedelta(hours=1)


def test_a_phone_within_the_tolerance_keeps_its_time_but_never_after_the_server_got_it():
    assert server_time(NOW - timedelta(seconds=20), NOW, NOW + timedelta(seconds=30)) == NOW - timedelta(seconds=20)
    assert server_time(NOW + TWO_HOURS, NOW, None) == NOW  # no X-Client-Time: a future time is clamped


def _job(world, **values) -> PlanningJob:
    job = PlanningJob(terminal_id=world.terminal.id, plan_date=date(2026, 12, 7), time_limit_s=1, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_run_whose_heartbeat_stopped_is_marked_failed_and_a_beating_one_is_not(app, world):
    stale_after = app.config["RUN_STALE_AFTER_S"]
    dead = _job(world, status=JobStatus.RUNNING, started_at=utcnow() - timedelta(hours=1),
                heartbeat_at=utcnow() - timedelta(seconds=stale_after + 5))  # fmt: skip
    alive = _job(world, status=JobStatus.RUNNING, started_at=utcnow() - timedelta(hours=1), heartbeat_at=utcnow())
    queued = _job(world)
    swept = background.sweep_stale_runs()
    assert swept == [(PlanningJob, dead.id)]
    db.session.expire_all()
    assert db.session.get(PlanningJob, dead.id).status == JobStatus.FAILED
    assert db.session.get(PlanningJob, dead.id).message == "progress.worker_lost"
    assert db.session.get(PlanningJob, alive.id).status == JobStatus.RUNNING
    assert db.session.get(PlanningJob, queued.id).status == JobStatus.QUEUED


def test_a_dead_run_is_failed_when_a_coordinator_looks_at_it(app, client, world, coordinator):
    dead = _job(world, status=JobStatus.RUNNING, started_at=utcnow() - timedelta(hours=1),
                heartbeat_at=utcnow() - timedelta(seconds=app.config["RUN_STALE_AFTER_S"] + 5))  # fmt: skip
    background._last_sweep[0] = 0.0
    answer = client.get(f"/api/v1/planning/jobs/{dead.id}", headers=coordinator)
    assert answer.status_code == 200
    assert answer.json["status"] == "failed"
    assert answer.json["message_key"] == "progress.worker_lost"
    assert "processen som körde det stannade" in answer.json["message"]


def test_database_outages_and_a_full_disk_are_told_apart_from_other_errors():
    refused = sa_exc.OperationalError("SELECT 1", {}, Exception("connection refused"))
    full = sa_exc.OperationalError("INSERT", {}, Exception("database or disk is full"))
    broken = sa_exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    bug = sa_exc.OperationalError("SELECT", {}, Exception("no such column: stop.nope"))
    assert storage_outage(refused) == (503, "database_unavailable")
    assert storage_outage(full) == (507, "storage_full")
    assert storage_outage(StorageFull()) == (507, "storage_full")
    assert storage_outage(broken) is None
    assert storage_outage(bug) is None  # a bug stays a 500
    assert storage_outage(ValueError("no")) is None


def test_an_unreachable_database_answers_a_json_503_in_swedish(app, client, world, coordinator, monkeypatch):
    def away(*args, **kwargs):
        raise sa_exc.OperationalError("SELECT", {}, Exception("could not connect to server"))

    monkeypatch.setattr("samlast.services.jobs.enqueue_planning", away)
    answer = client.post("/api/v1/planning/jobs", json={"date": "2026-12-07"}, headers=coordinator)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.json["error"]["code"] == "database_unavailable"
    assert answer.json["error"]["message"].startswith("Databasen går inte att nå")
    assert db.session.execute(sa.text("SELECT 1")).scalar() == 1  # the session is usable again
