"""Feedback loop through the API: learning from driver events, versions, resets, learned plans, late risks."""

from __future__ import annotations

from datetime import time

import pytest

from samlast.extensions import db, socketio
from samlast.models import LearnedParameters, Plan, ReceivingWindow, Role, User
from samlast.services import auth, feedback, planning
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof


def _driver_headers(day) -> dict[str, str]:
    driver = db.session.get(User, day.driver_id)
    return {"Authorization": f"Bearer {auth.login(driver.username, 'correct horse battery', ttl_hours=1)[0]}"}


def _route(client, headers) -> dict:
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    return route


def _drive(client, headers, route, arrive_at=("T07:00:00+01:00", "T08:00:00+01:00")):
    """Arrive, deliver and leave every stop; 25 min of service at each."""
    for stop, arrive in zip(route["stops"], arrive_at, strict=True):
        hour, minute = int(arrive[1:3]), int(arrive[4:6])
        done = f"T{hour:02d}:{minute + 24:02d}:00+01:00"
        left = f"T{hour:02d}:{minute + 25:02d}:00+01:00"
        for body in (event("arrive", stop, at=arrive), event("deliver", stop, proof=full_proof(stop), at=done),
                     event("leave", stop, at=left)):
            assert client.post("/api/v1/driver/events", json=body, headers=headers).status_code == 201


def test_learn_from_driven_route_then_reset_one_point(client, day, world, coordinator):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    headers = _driver_headers(day)
    empty = client.get("/api/v1/feedback/parameters", headers=coordinator)
    assert empty.status_code == 200 and empty.json["version"] is None and empty.json["points"] == []
    assert empty.json["arrival_margin"] is None
    _drive(client, headers, _route(client, headers))

    assert client.post("/api/v1/feedback/learn", headers=headers).status_code == 403
    learned = client.post("/api/v1/feedback/learn", headers=coordinator)
    assert learned.status_code == 201, learned.json
    body = learned.json
    assert body["version"] == 1 and body["observations"] == {"services": 2, "legs": 1, "routes": 1}
    points = {p["delivery_point_id"]: p for p in body["points"]}
    assert set(points) == {world.school.id, world.care_home.id}
    school = points[world.school.id]
    # One 25 min visit against a 10 min default, prior weight 2: pulled a good part of the way.
    assert school["n"] == 1 and 600 < school["fixed_s"] < 1500
    assert body["travel"]["n"] == 1
    # Two stops are too few for a window margin (none yet); the time lost per visit is shown.
    assert body["arrival_margin"]["n"] == 2 and body["arrival_margin"]["max_s"] == 0
    assert body["excess"]["n"] == 2 and body["excess"]["service_s"] > 0
    assert client.get("/api/v1/feedback/parameters", headers=coordinator).json == body
    # One route is far too little to plan with: everything learned is provisional, and the minimums are said.
    assert body["minimums"] == {"travel_legs": 30, "point_visits": 10, "margin_stops": 30, "excess_visits": 100}
    assert empty.json["minimums"] == body["minimums"]
    assert school["provisional"] is True
    assert body["travel"]["default"]["provisional"] is True
    assert all(band["provisional"] for band in body["travel"]["time_bands"])
    assert body["arrival_margin"]["provisional"] is True and body["excess"]["provisional"] is True

    reset = client.post(f"/api/v1/feedback/points/{world.school.id}/reset", headers=coordinator)
    assert reset.status_code == 201 and reset.json["version"] == 2
    assert [p["delivery_point_id"] for p in reset.json["points"]] == [world.care_home.id]
    # Re-learning keeps ignoring the school's visits from before the reset.
    again = client.post("/api/v1/feedback/learn", headers=coordinator).json
    assert again["version"] == 3 and [p["delivery_point_id"] for p in again["points"]] == [world.care_home.id]
    assert client.post("/api/v1/feedback/points/999999/reset", headers=coordinator).status_code == 404


def test_planner_uses_learned_service_times_and_records_the_version(day, world):
    first = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    assert first.learned_parameters_id is None
    [route] = first.routes
    head = route.stops[0]
    enough = feedback.MINIMUMS.point_visits

    def slow(visits: int) -> dict:
        return feedback._payload(
            {head.delivery_point_id: feedback.lrn.ServiceEstimate(head.delivery_point_id, 3600.0, 90.0, visits)},
            feedback.lrn.TravelEstimate(), {}, {},
        )

    # On fewer visits than the minimum the estimate is provisional: the point's default is planned.
    db.session.add(LearnedParameters(version=1, payload=slow(enough - 1)))
    db.session.commit()
    early = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, fresh=True)
    served = {s.job_key: (s.planned_departure - s.planned_service_start).total_seconds()
              for r in early.routes for s in r.stops}
    assert served[head.job_key] < 1800
    db.session.add(LearnedParameters(version=2, payload=slow(enough)))
    db.session.commit()
    second = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, fresh=True)
    assert second.learned_parameters_id is not None
    assert db.session.get(LearnedParameters, second.learned_parameters_id).version == 2
    [route2] = second.routes
    by_key = {s.job_key: s for s in route2.stops}
    before = {s.job_key: s for s in route.stops}
    slowed = by_key[head.job_key]
    # The same stop takes an hour now instead of ~11 minutes.
    assert (slowed.planned_departure - slowed.planned_service_start).total_seconds() >= 3600
    other = next(k for k in by_key if k != head.job_key)
    if route2.stops[0].job_key == head.job_key:  # same order: the next stop is planned later
        assert by_key[other].planned_arrival > before[other].planned_arrival


def test_late_risk_is_pushed_and_listed(app, client, day, world, coordinator):
    world.care_home.receiving_windows.append(ReceivingWindow(weekday=0, start=time(6, 0), end=time(9, 0)))
    db.session.commit()
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    headers = _driver_headers(day)
    route = _route(client, headers)
    assert all(s["time_windows"] for s in route["stops"])
    listener = socketio.test_client(app, namespace="/coordinator", auth={"token": coordinator["Authorization"][7:]})
    listener.get_received("/coordinator")
    first, second = route["stops"]
    body = event("arrive", first, at="T11:30:00+01:00")
    assert client.post("/api/v1/driver/events", json=body, headers=headers).status_code == 201
    received = listener.get_received("/coordinator")
    [risk] = [m["args"][0] for m in received if m["name"] == "late_risk"]
    assert [s["stop_id"] for s in risk["stops"]] == [second["id"]] and risk["stops"][0]["late_by_min"] > 0
    [eta] = [m["args"][0] for m in received if m["name"] == "eta"]
    assert eta["stop_id"] == second["id"] and eta["eta"] > f"{MONDAY}T10:30"
    listed = client.get(f"/api/v1/feedback/late-risks?date={MONDAY}", headers=coordinator)
    assert listed.status_code == 200 and listed.json == [risk]
    listener.disconnect(namespace="/coordinator")


@pytest.mark.parametrize("path", ["/api/v1/feedback/parameters", f"/api/v1/feedback/late-risks?date={MONDAY}"])
def test_feedback_is_for_coordinators(client, make_user, path):
    _, driver = make_user(Role.DRIVER)
    assert client.get(path, headers=driver).status_code == 403
    assert client.get(path).status_code == 401


def test_eta_uses_learned_service_time(client, day, world, coordinator):
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    headers = _driver_headers(day)
    first, second = _route(client, headers)["stops"]
    point = first["job_key"].split(":")[1]
    visits = feedback.MINIMUMS.point_visits
    slow = feedback._payload({int(point): feedback.lrn.ServiceEstimate(int(point), 3600.0, 0.0, visits)},
                             feedback.lrn.TravelEstimate(), {}, {})
    db.session.add(LearnedParameters(version=1, payload=slow))
    db.session.commit()
    body = event("arrive", first, at="T07:00:00+01:00")
    client.post("/api/v1/driver/events", json=body, headers=headers)
    stop = db.session.get(Plan, db.session.query(Plan.id).scalar()).routes[0].stops[1]
    # Expected at the second stop after an hour of service at the first (times stored in UTC).
    assert stop.eta.hour * 60 + stop.eta.minute >= 7 * 60  # 08:00 local = 07:00 UTC


def test_the_planners_model_uses_each_learned_value_only_from_its_minimum(app, world, coordinator, client):
    """Below its minimum a value is stored and shown as provisional; the planner's model keeps the default."""
    minimums = feedback.MINIMUMS
    far = feedback.pl.Location(56.5, 14.5)

    def store(version: int, extra: int) -> feedback.LearnedModel:
        travel = feedback.lrn.TravelEstimate(default=feedback.lrn.FactorEstimate(1.5, minimums.travel_legs - 1 + extra))
        services = {world.school.id: feedback.lrn.ServiceEstimate(
            world.school.id, 3000.0, 0.0, minimums.point_visits - 1 + extra)}
        payload = feedback._payload(services, travel, {}, {})
        payload["arrival"] = {"fixed_s": 600.0, "per_hour_s": 0.0, "max_s": 1800,
                              "n": minimums.margin_stops - 1 + extra, "quantile": 0.9, "days": []}
        payload["excess"] = {"service_s": 90.0, "leg_s": 30.0, "n": minimums.excess_visits - 1 + extra}
        db.session.add(LearnedParameters(version=version, payload=payload))
        db.session.commit()
        return feedback.current_model()

    below = store(1, 0)
    assert below.service_s(world.school.id, 0, 600, 90) == 600  # the point's default
    assert below.travel_model().factors.default == 1.0
    assert below.leg_s(far, far, 100.0, 8 * 3600) == 100.0
    assert below.arrival_margin.margin_s(3600) == 0 and below.excess.per_visit_s == 0
    shown = client.get("/api/v1/feedback/parameters", headers=coordinator).json
    assert [p["provisional"] for p in shown["points"]] == [True]
    assert shown["points"][0]["n"] == minimums.point_visits - 1 and shown["points"][0]["fixed_s"] == 3000
    assert shown["travel"]["default"] == {"factor": 1.5, "n": minimums.travel_legs - 1, "provisional": True}
    assert shown["arrival_margin"]["provisional"] and shown["excess"]["provisional"]

    at = store(2, 1)
    assert at.service_s(world.school.id, 0, 600, 90) == 3000
    assert at.travel_model().factors.default == 1.5
    assert at.arrival_margin.margin_s(3600) == 600 and at.excess.per_visit_s == 120
    shown = client.get("/api/v1/feedback/parameters", headers=coordinator).json
    assert [p["provisional"] for p in shown["points"]] == [False]
    assert not shown["travel"]["default"]["provisional"]
    assert not shown["arrival_margin"]["provisional"] and not shown["excess"]["provisional"]
