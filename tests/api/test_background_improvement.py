"""The background re-plan after an instant insertion (issue 20): it never re-orders the stop a driver
is already heading to, and it only replaces the drivers' routes when it is clearly better."""

from __future__ import annotations

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import JobStatus, Plan, PlanningJob, Route
from samlast.services import demo, jobs, planning
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof
from tests.waiting import api_of, plan_day

DAY = MONDAY.isoformat()


def _login(client, username: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": f"demo-{username}"})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def _deliver(client, headers, stop: dict, at: str) -> None:
    delivered = event("deliver", stop, proof=full_proof(stop), at=at.replace(":00+", ":09+"))
    for body in (event("arrive", stop, at=at), delivered):
        response = client.post("/api/v1/driver/events", json=body, headers=headers)
        assert response.status_code == 201, response.json


def _order_of(route_id: int) -> list[str]:
    route = db.session.get(Route, route_id)
    return [s.job_key for s in sorted(route.stops, key=lambda s: s.sequence)]


def test_the_stop_a_driver_is_heading_to_stays_next(app, client, coordinator):
    demo.create_demo_data(start=MONDAY)
    planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1)
    driver = _login(client, "forare1")
    routes = client.get(f"/api/v1/driver/routes?date={DAY}", headers=driver).json
    route = next(r for r in routes if len(r["stops"]) >= 4)
    _deliver(client, driver, route["stops"][0], "T07:00:00+01:00")

    # The driver set off towards the trip's LAST planned stop (the stored order said so): a
    # re-plan from scratch would put it back at the end, where it is cheapest.
    stored = db.session.get(Route, route["id"])
    stops = sorted(stored.stops, key=lambda s: s.sequence)
    last = stops[-1]
    wanted = {stop.id: n for n, stop in enumerate([stops[0], last, *stops[1:-1]], start=1)}
    for stop in stops:  # two steps: (route, sequence) is unique
        stop.sequence += 1000
    db.session.flush()
    for stop in stops:
        stop.sequence = wanted[stop.id]
    db.session.commit()
    heading = last.job_key
    assert _order_of(route["id"])[1] == heading

    fresh = plan_day(api_of(client, coordinator), DAY, timeout_s=120, fresh=True)
    after = next(r for r in fresh["routes"] if (r["vehicle_id"], r["trip"]) == (stored.vehicle_id, stored.trip))
    assert [s["job_key"] for s in after["stops"][:2]] == [route["stops"][0]["job_key"], heading]
    assert after["stops"][1]["status"] == "planned"


def test_a_background_replan_that_is_not_better_keeps_the_drivers_routes(app, client, coordinator, monkeypatch):
    demo.create_demo_data(start=MONDAY)
    first = planning.plan_day(planning.default_terminal(), MONDAY, time_limit_s=1)
    monkeypatch.setitem(app.config, "PLANNING_RUNNER", "inline")

    # Nothing changed and no plan is 100 % cheaper: the version the drivers have stands.
    monkeypatch.setitem(app.config, "REPLAN_MIN_GAIN_PCT", 100)
    job = jobs.enqueue_planning(planning.default_terminal(), MONDAY, reason=jobs.ORDER_CHANGED, time_limit_s=1)
    db.session.refresh(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "progress.planning.kept"
    assert job.message_params == {"version": first.version, "gain": 100.0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 1

    # Any other re-plan stores its result: a driver running late (the times change) ...
    late = jobs.enqueue_planning(planning.default_terminal(), MONDAY, reason="driver 30 min behind", time_limit_s=1)
    db.session.refresh(late)
    assert late.message == "progress.planning.done"
    assert planning.current_plan(first.terminal_id, MONDAY).version == first.version + 1

    # ... and one a coordinator asks for.
    from samlast.models import User

    asked = jobs.enqueue_planning(
        planning.default_terminal(), MONDAY, reason="asked", time_limit_s=1,
        user=db.session.scalar(sa.select(User).where(User.username == "samordnare")),
    )  # fmt: skip
    db.session.refresh(asked)
    assert asked.message == "progress.planning.done"
    assert planning.current_plan(first.terminal_id, MONDAY).version == first.version + 2

    # With no threshold a background re-plan stores its result too.
    monkeypatch.setitem(app.config, "REPLAN_MIN_GAIN_PCT", 0)
    again = jobs.enqueue_planning(planning.default_terminal(), MONDAY, reason=jobs.ORDER_CHANGED, time_limit_s=1)
    db.session.refresh(again)
    assert again.message == "progress.planning.done"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanningJob)) == 4
