"""Planning through the API: a job runs in the background, reports progress, stores a plan."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from samlast.clock import seconds_of
from samlast.extensions import db, socketio
from samlast.models import (
    Order,
    OrderLine,
    OrderStatus,
    Plan,
    Role,
    StopStatus,
    TemperatureClass,
)
from samlast.services import planning
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job


def test_plan_a_date_through_the_api(client, coordinator, day, world):
    response = client.post(
        "/api/v1/planning/jobs", json={"date": MONDAY.isoformat(), "time_limit_s": 1}, headers=coordinator
    )
    assert response.status_code == 202, response.json
    assert response.json["status"] in ("queued", "running", "succeeded")
    job = wait_for_job(api_of(client, coordinator), f"/planning/jobs/{response.json['id']}")
    assert job["status"] == "succeeded", job["message"]
    assert job["progress"] == 1.0 and job["plan_id"]

    plan = client.get(f"/api/v1/plans/current?date={MONDAY.isoformat()}", headers=coordinator).json
    assert plan["version"] == 1 and plan["unassigned"] == []
    [route] = plan["routes"]
    assert route["vehicle_id"] == day.id and route["driver_id"] == day.driver_id
    assert {stop["delivery_point_id"] for stop in route["stops"]} == {world.school.id, world.care_home.id}
    school = next(s for s in route["stops"] if s["delivery_point_id"] == world.school.id)
    # The school receives 06:30-10:30 on Mondays (Stockholm time, UTC+1 in winter).
    assert school["time_windows"] == [["06:30", "10:30"]]
    start = seconds_of(MONDAY, datetime.fromisoformat(school["planned_service_start"]))
    assert 6 * 3600 + 1800 <= start <= 10 * 3600 + 1800
    assert school["load"] == {"chilled": {"kg": 41.0, "pallets": 0.3}, "ambient": {"kg": 50.0, "pallets": 0.2}}
    assert route["distance_m"] > 0 and route["co2e_kg"] == pytest.approx(route["distance_m"] / 1000 * 0.25, abs=0.01)


def test_replan_keeps_done_stops_and_versions_changed_routes(client, coordinator, day, world):
    terminal = world.terminal
    first = planning.plan_day(terminal, MONDAY, time_limit_s=1)
    first_route = first.routes[0]
    first_route.stops[0].status = StopStatus.DONE
    done_key = first_route.stops[0].job_key
    db.session.commit()

    # Unchanged orders: the route keeps its version, the done stop stays first and done.
    second = planning.plan_day(terminal, MONDAY, time_limit_s=1)
    assert second.version == 2 and second.warm_started
    assert second.routes[0].version == first_route.version
    assert second.routes[0].stops[0].job_key == done_key
    assert second.routes[0].stops[0].status == StopStatus.DONE

    # Cancel the other order: the route changes and gets a new version.
    other = db.session.scalar(
        sa.select(Order).where(Order.delivery_point_id != int(done_key.split(":")[1]))
    )
    other.status = OrderStatus.CANCELLED
    db.session.commit()
    third = planning.plan_day(terminal, MONDAY, time_limit_s=1)
    assert [s.job_key for s in third.routes[0].stops] == [done_key]
    assert third.routes[0].version == first_route.version + 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 3


def test_a_city_size_day_planned_from_scratch_gets_the_longer_limit_and_says_so(day, world, monkeypatch):
    # The world's Monday has two stops: make two stops "city size" and the longer limit 2 s.
    monkeypatch.setattr("samlast.planning.params.LARGE_DAY_JOBS", 2)
    monkeypatch.setattr("samlast.planning.params.LARGE_DAY_TIME_LIMIT_S", 2.0)
    said = []

    def progress(fraction, message):
        said.append((message.key, message.render("sv")))

    first = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, progress=progress)
    assert first.params["time_limit_s"] == 2.0
    assert ("progress.planning.planning_large", "Planerar 2 stopp med 1 fordon (en så stor dag får 2 sekunder)") in said
    # ... and keeps saying so while it searches, not only until its first plan.
    searching = [text for key, text in said if key.startswith("progress.planning.searching")]
    assert searching and set(searching) == {"Letar efter kortare rutter (en så stor dag får 2 sekunder)"}
    # A re-plan starts from the stored plan: it has a complete plan at once and keeps the limit asked for.
    said.clear()
    second = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, progress=progress)
    assert second.params["time_limit_s"] == 1
    assert "progress.planning.planning" in [key for key, _ in said]
    assert "Letar efter kortare rutter" in [text for _, text in said]
    assert not [text for _, text in said if "sekunder" in text]
    # Planned afresh, it is from scratch again.
    third = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, fresh=True)
    assert third.params["time_limit_s"] == 2.0


def test_a_city_size_day_under_way_is_planned_again_from_its_trips_even_when_asked_afresh(day, world, monkeypatch):
    first = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    first.routes[0].stops[0].status = StopStatus.DONE
    done_key = first.routes[0].stops[0].job_key
    db.session.commit()
    # A small day under way is planned afresh when asked (the done stop stays either way).
    small = planning.plan_day(world.terminal, MONDAY, time_limit_s=1, fresh=True)
    assert not small.warm_started and small.routes[0].stops[0].job_key == done_key
    # Two stops made "city size": the day starts from its current trips and the coordinator reads why.
    monkeypatch.setattr("samlast.planning.params.LARGE_DAY_JOBS", 2)
    said = []
    large = planning.plan_day(
        world.terminal, MONDAY, time_limit_s=1, fresh=True, progress=lambda f, m: said.append(m.render("sv"))
    )
    assert large.warm_started and large.params["time_limit_s"] == 1
    assert large.routes[0].stops[0].job_key == done_key and large.routes[0].stops[0].status == StopStatus.DONE
    assert (
        "Planerar om 2 stopp med 1 fordon från dagens turer: en så stor dag som redan har börjat kan inte planeras "
        "från början"
    ) in said
    assert "Letar efter kortare rutter från dagens turer (dagen har redan börjat)" in said
    assert "Letar efter kortare rutter" not in said


def test_point_without_window_that_weekday_is_listed_unassigned(day, world):
    tuesday = date(2026, 12, 1)
    db.session.add(
        Order(external_id="O-TUE", delivery_point=world.school, supplier=world.wholesaler, requested_date=tuesday,
              lines=[OrderLine(line_no=1, article="Bröd", quantity=1, unit="st", weight_kg=5,
                               temperature_class=TemperatureClass.AMBIENT)])
    )
    db.session.commit()
    plan = planning.plan_day(world.terminal, tuesday, time_limit_s=1)
    assert plan.routes == []
    # The day it is not received and the days it is, as words of the tables (Monday = 0).
    assert plan.unassigned == [
        {
            "job_key": f"dp:{world.school.id}",
            "reason": "no_receiving_window_that_day",
            "label": world.school.name,
            "message_key": "unassigned.no_window_that_day",
            "params": {
                "weekday": {"key": "unassigned.weekdays.1"},
                "days": [{"key": "unassigned.weekdays.0"}],
            },
        }
    ]


def test_too_heavy_order_is_unassigned_with_reason(day, world):
    order = db.session.scalar(sa.select(Order).where(Order.delivery_point_id == world.care_home.id))
    order.lines[0].weight_kg = 9_000
    db.session.commit()
    plan = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    # 9 000 kg of chilled goods against the only vehicle's 2 000 kg chilled compartment.
    assert {
        "job_key": f"dp:{world.care_home.id}",
        "reason": "too_heavy_for_any_vehicle",
        "label": world.care_home.name,
        "message_key": "unassigned.too_heavy",
        "params": {
            "goods": {"key": "unassigned.goods.chilled"},
            "space": {"key": "unassigned.space.chilled"},
            "amount": 9000.0,
            "capacity": 2000.0,
        },
    } in plan.unassigned
    assert [s.delivery_point_id for r in plan.routes for s in r.stops] == [world.school.id]


def test_unassigned_reason_is_served_in_numbers_in_the_readers_language(client, coordinator, day, world):
    order = db.session.scalar(sa.select(Order).where(Order.delivery_point_id == world.care_home.id))
    order.lines[0].weight_kg = 9_000
    db.session.commit()
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    url = f"/api/v1/plans/current?date={MONDAY.isoformat()}"
    [job] = client.get(url, headers=coordinator).json["unassigned"]
    assert job["reason"] == "too_heavy_for_any_vehicle" and job["message_key"] == "unassigned.too_heavy"
    assert job["params"]["amount"] == 9000 and job["params"]["capacity"] == 2000
    nbsp = "\u00a0"
    assert job["message"] == (
        f"9{nbsp}000{nbsp}kg kylvaror, men största fordonets kylutrymme tar 2{nbsp}000{nbsp}kg — "
        "flytta en del till en annan dag eller lägg till ett större fordon."
    )
    english = client.get(url, headers={**coordinator, "Accept-Language": "en"}).json["unassigned"][0]
    assert english["message"].startswith("9,000\u00a0kg of chilled goods, but the largest vehicle's chilled")


def test_unreachable_window_says_when_a_vehicle_could_be_there(day, world):
    # Goods received 05:00-05:30 only; the shift starts at 06:00.
    world.school.receiving_windows[0].start = time(5, 0)
    world.school.receiving_windows[0].end = time(5, 30)
    db.session.commit()
    plan = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    [entry] = [u for u in plan.unassigned if u["job_key"] == f"dp:{world.school.id}"]
    assert entry["reason"] == "time_window_unreachable" and entry["message_key"] == "unassigned.window"
    params = entry["params"]
    assert params["window"] == "05:00–05:30" and params["shift_start"] == "06:00"
    # The school is about 500 m from the terminal: a minute or two of driving.
    assert 1 <= params["drive_min"] <= 5
    assert "06:00" <= params["arrival"] <= "06:05"


def test_stored_plan_without_numbers_is_still_served_with_its_reason(client, coordinator, day, world):
    plan = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    plan.unassigned = [{"job_key": "dp:9", "reason": "too_heavy_for_any_vehicle", "label": "Gamla köket"}]
    db.session.commit()
    [job] = client.get(f"/api/v1/plans/current?date={MONDAY.isoformat()}", headers=coordinator).json["unassigned"]
    assert job["message_key"] == "coordinator.reason.too_heavy_for_any_vehicle" and job["params"] == {}
    assert job["message"] == "Leveransen är för tung eller för stor för alla fordon."


def test_cli_plan_prints_progress_and_summary(runner, day):
    result = runner.invoke(args=["samlast", "plan", MONDAY.isoformat(), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    assert "Plan version 1: 1 routes, 2 stops" in result.output


def test_coordinator_socket_receives_job_progress(app, client, coordinator, day):
    token = coordinator["Authorization"].split()[1]
    listener = socketio.test_client(app, namespace="/coordinator", auth={"token": token})
    assert listener.is_connected("/coordinator")
    app.config["PLANNING_RUNNER"] = "inline"
    try:
        response = client.post(
            "/api/v1/planning/jobs", json={"date": MONDAY.isoformat(), "time_limit_s": 1}, headers=coordinator
        )
    finally:
        app.config["PLANNING_RUNNER"] = "thread"
    assert response.json["status"] == "succeeded"
    received = listener.get_received("/coordinator")
    names = [message["name"] for message in received]
    assert "planning_job" in names and "plan_updated" in names
    final = [m["args"][0] for m in received if m["name"] == "planning_job"][-1]
    assert final["status"] == "succeeded"
    listener.disconnect(namespace="/coordinator")


def test_socket_refuses_non_coordinators(app, make_user):
    _, headers = make_user(Role.DRIVER)
    driver = socketio.test_client(app, namespace="/coordinator", auth={"token": headers["Authorization"].split()[1]})
    assert not driver.is_connected("/coordinator")
    anonymous = socketio.test_client(app, namespace="/coordinator")
    assert not anonymous.is_connected("/coordinator")


def test_planning_endpoints_are_for_coordinators(client, make_user, day):
    _, driver = make_user(Role.DRIVER)
    response = client.post("/api/v1/planning/jobs", json={"date": MONDAY.isoformat()}, headers=driver)
    assert response.status_code == 403
    assert client.get(f"/api/v1/plans/current?date={MONDAY}", headers=driver).status_code == 403


def test_bad_date_names_the_field(client, coordinator, day):
    response = client.post("/api/v1/planning/jobs", json={"date": "2026-13-40"}, headers=coordinator)
    assert response.status_code == 422
    assert "date" in response.json["error"]["fields"]


def test_no_plan_yet_is_404(client, coordinator, day):
    response = client.get(f"/api/v1/plans/current?date={MONDAY}", headers=coordinator)
    assert response.status_code == 404


def test_new_order_for_a_planned_day_triggers_a_replan(app, client, coordinator, day, world, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    app.config["PLANNING_RUNNER"] = "inline"
    try:
        response = client.post(
            "/api/v1/orders/",
            json={
                "external_id": "O-NEW",
                "delivery_point_id": world.school.id,
                "supplier_id": world.farm.id,
                "requested_date": MONDAY.isoformat(),
                "lines": [{"article": "Ägg", "quantity": 5, "unit": "fp", "weight_kg": 10,
                           "temperature_class": "chilled"}],
            },
            headers=coordinator,
        )
    finally:
        app.config["PLANNING_RUNNER"] = "thread"
    assert response.status_code == 201
    current = planning.current_plan(world.terminal.id, MONDAY)
    assert current.version == 2
    school = next(s for r in current.routes for s in r.stops if s.delivery_point_id == world.school.id)
    assert sorted(o.external_id for o in school.orders) == ["O-DP-1", "O-NEW"]
    assert school.load["chilled"]["kg"] == 51.0


def test_vehicle_dropout_replans_its_days(app, client, coordinator, day, world, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    app.config["PLANNING_RUNNER"] = "inline"
    try:
        response = client.patch(f"/api/v1/vehicles/{day.id}", json={"active": False}, headers=coordinator)
    finally:
        app.config["PLANNING_RUNNER"] = "thread"
    assert response.status_code == 200
    current = planning.current_plan(world.terminal.id, MONDAY)
    assert current.version == 2 and current.routes == []
    assert {u["reason"] for u in current.unassigned} == {"no_active_vehicle"}
    assert {u["message_key"] for u in current.unassigned} == {"unassigned.no_active_vehicle"}
    assert len(current.unassigned) == 2


def test_changes_to_unplanned_days_do_not_plan(client, coordinator, day, world):
    response = client.patch(
        f"/api/v1/orders/{db.session.scalar(sa.select(Order.id))}", json={"note": "ring först"}, headers=coordinator
    )
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0


def test_cli_worker_needs_redis_and_known_queues(app, runner):
    result = runner.invoke(args=["samlast", "worker"])
    assert result.exit_code != 0 and "Set REDIS_URL" in result.output
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # never contacted: bad queues fail first
    try:
        result = runner.invoke(args=["samlast", "worker", "--queues", "receipts,pizza"])
        assert result.exit_code != 0 and "Unknown queue(s) pizza" in result.output
    finally:
        app.config["REDIS_URL"] = None
