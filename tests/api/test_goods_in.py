"""Goods in at the terminal: expected arrivals from the orders, a supplier's delivery received
line by line (idempotent by client id), errors all at once, and a short line known before the
truck leaves: in the kitchen's upcoming delivery, the coordinator's deviations, the stop's load,
and a re-plan when nothing is left for a stop."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import GoodsReceipt, PlanningJob, Role, Stop, Terminal, User
from samlast.services import auth, planning
from tests.conftest import MONDAY, count

API = "/api/v1/goods-in"


@pytest.fixture
def staff(make_user, world):
    return make_user(Role.TERMINAL, "tove", terminal=world.terminal)[1]


@pytest.fixture
def planned(day, world, monkeypatch):
    monkeypatch.setattr("samlast.clock.today", lambda: MONDAY)
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)


def expected(client, headers) -> dict:
    answer = client.get(f"{API}/expected?date={MONDAY}", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def receipt(supplier: dict, quantities: dict[str, float] | None = None, **extra) -> dict:
    """A receipt of `supplier`'s lines: everything as ordered unless `quantities` (by article) says."""
    quantities = quantities or {}
    lines = []
    for line in supplier["lines"]:
        lines.append({
            "order_line_id": line["order_line_id"],
            "received_quantity": quantities.get(f"{line['article']}@{line['delivery_point_name']}", line["quantity"]),
            "temperature_c": 4.0 if line["temperature_class"] != "ambient" else None,
        })  # fmt: skip
    return {"client_id": uuid.uuid4().hex, "supplier_id": supplier["supplier_id"], "plan_date": MONDAY.isoformat(),
            "supplier_driver_name": "Sune Leverantör", "recorded_at": f"{MONDAY}T05:40:00+01:00", "lines": lines,
            **extra}  # fmt: skip


def test_expected_arrivals_come_from_the_orders_with_their_stops(client, staff, planned, world):
    arrivals = expected(client, staff)
    assert arrivals["terminal_name"] == world.terminal.name
    [supplier] = arrivals["suppliers"]
    assert supplier["supplier_name"] == world.wholesaler.name and supplier["received"] is False
    assert {(line["article"], line["delivery_point_name"]) for line in supplier["lines"]} == {
        ("Mjölk", "Bergaskolan kök"), ("Pasta", "Bergaskolan kök"),
        ("Mjölk", world.care_home.name), ("Pasta", world.care_home.name)}  # fmt: skip
    milk = next(line for line in supplier["lines"] if line["article"] == "Mjölk")
    assert milk["temperature_limit_c"] == 8.0 and milk["vehicle_name"] == "Bil 1" and milk["stop_sequence"] >= 1


def test_a_receipt_is_stored_once_and_a_replay_answers_the_same(client, staff, planned, make_user):
    [supplier] = expected(client, staff)["suppliers"]
    body = receipt(supplier)
    first = client.post(f"{API}/receipts", json=body, headers=staff)
    assert first.status_code == 201, first.json
    again = client.post(f"{API}/receipts", json=body, headers=staff)
    assert again.status_code == 200 and again.json["receipt_id"] == first.json["receipt_id"]
    assert again.json["replay"] is True and count(GoodsReceipt) == 1
    # Someone else's client id is not theirs to replay.
    _, other = make_user(Role.COORDINATOR, "kim")
    assert client.post(f"{API}/receipts", json=body, headers=other).status_code == 409
    [received] = expected(client, staff)["suppliers"]
    assert received["received"] is True and received["supplier_driver_name"] == "Sune Leverantör"


def test_every_error_of_a_receipt_at_once_and_nothing_stored(client, staff, planned):
    [supplier] = expected(client, staff)["suppliers"]
    body = receipt(supplier)
    milk = next(i for i, line in enumerate(supplier["lines"]) if line["article"] == "Mjölk")
    pasta = next(i for i, line in enumerate(supplier["lines"]) if line["article"] == "Pasta")
    body["lines"][milk]["temperature_c"] = None
    body["lines"][pasta]["received_quantity"] = 999
    body["lines"] = body["lines"][:3] if len(body["lines"]) > 3 else body["lines"]
    answer = client.post(f"{API}/receipts", json=body, headers=staff)
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["code"] == "goods_in.invalid"
    assert error["message"].startswith("Inleveransen har 3 fel; inget är sparat")
    fields = error["fields"]
    assert fields[f"lines.{milk + 1}.temperature_c"] == ["Ange temperaturen för Mjölk (kylt och fryst)."]
    assert fields[f"lines.{pasta + 1}.received_quantity"][0].startswith("Mer än beställt (10 st) av Pasta")
    assert fields["lines"] == ["1 beställd rad saknas i inleveransen: ange vad som kom (0 om inget)."]
    assert count(GoodsReceipt) == 0


def test_a_short_line_reaches_the_kitchen_the_coordinator_the_driver_and_the_stop_load(
    client, staff, planned, world, make_user, coordinator, day
):
    [supplier] = expected(client, staff)["suppliers"]
    stop = db.session.scalar(sa.select(Stop).where(Stop.delivery_point_id == world.school.id))
    chilled_before = stop.load["chilled"]["kg"]
    answer = client.post(f"{API}/receipts", json=receipt(supplier, {"Mjölk@Bergaskolan kök": 10}), headers=staff)
    assert answer.status_code == 201, answer.json
    assert (answer.json["short_lines"], answer.json["deviations"], answer.json["stops_corrected"]) == (1, 1, 1)
    assert answer.json["replan"] is False
    # The stop's load: 30 of 40 litres (41 kg) did not arrive.
    db.session.expire_all()
    stop = db.session.get(Stop, stop.id)
    assert stop.load["chilled"]["kg"] == pytest.approx(chilled_before - 41 * 30 / 40)
    # The kitchen sees it on its upcoming delivery.
    _, kitchen = make_user(Role.RECIPIENT, "rita", delivery_points=[world.school])
    [delivery] = client.get(f"/api/v1/recipient/deliveries?from={MONDAY}&to={MONDAY}", headers=kitchen).json
    milk = next(line for line in delivery["lines"] if line["article"] == "Mjölk")
    assert (milk["quantity"], milk["terminal_quantity"]) == (40, 10)
    # The driver's stop says so, and the proof starts from what is on the truck.
    driver = db.session.get(User, day.driver_id)
    token, _ = auth.login(driver.username, "correct horse battery", ttl_hours=1)
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers={"Authorization": f"Bearer {token}"}).json
    [school] = [stop for stop in route["stops"] if stop["place"].get("name") == "Bergaskolan kök"]
    driven_milk = next(line for line in school["lines"] if line["article"] == "Mjölk")
    assert (driven_milk["quantity"], driven_milk["terminal_quantity"]) == (40, 10)
    # The coordinator has it to handle, in words.
    [deviation] = client.get("/api/v1/deviations/", headers=coordinator).json
    assert deviation["code"] == "missing_from_supplier" and deviation["delivery_point_name"] == "Bergaskolan kök"
    assert deviation["description"] == (
        "Mjölk: Saknas från leverantören. Beställt 40 l, kom till terminalen 10 l.")
    assert deviation["reported_by"]["account"] == "tove"
    # A re-plan loads only what arrived.
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    db.session.expire_all()
    again = db.session.scalar(sa.select(Stop).join(Stop.route).where(Stop.delivery_point_id == world.school.id)
                              .order_by(Stop.id.desc()).limit(1))  # fmt: skip
    assert again.load["chilled"]["kg"] == pytest.approx(41 * 10 / 40)


def test_a_stop_with_nothing_left_is_planned_away(client, staff, planned, world):
    [supplier] = expected(client, staff)["suppliers"]
    nothing = {f"{article}@{world.care_home.name}": 0 for article in ("Mjölk", "Pasta")}
    jobs_before = count(PlanningJob)
    answer = client.post(f"{API}/receipts", json=receipt(supplier, nothing), headers=staff)
    assert answer.status_code == 201 and answer.json["replan"] is True
    assert count(PlanningJob) == jobs_before + 1
    day_problem = planning.build_day_problem(world.terminal, MONDAY)
    assert f"dp:{world.care_home.id}" not in {job.id for job in day_problem.problem.jobs}


def test_terminal_staff_see_only_their_own_terminal(client, staff, planned, world, make_user):
    other_terminal = Terminal(name="Annan terminal", cluster=world.cluster, lat=55.9, lon=13.5)
    db.session.add(other_terminal)
    db.session.commit()
    answer = client.get(f"{API}/expected?date={MONDAY}&terminal_id={other_terminal.id}", headers=staff)
    assert answer.status_code == 404
    _, driver = make_user(Role.DRIVER, "dora")
    assert client.get(f"{API}/expected?date={MONDAY}", headers=driver).status_code == 403


def test_no_label_is_made_for_goods_that_never_arrived(client, staff, planned, world):
    [supplier] = expected(client, staff)["suppliers"]
    missing_milk = {f"Mjölk@{world.school.name}": 0}
    assert client.post(f"{API}/receipts", json=receipt(supplier, missing_milk), headers=staff).status_code == 201
    [route] = client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=staff).json
    listing = client.get(f"/api/v1/loading/routes/{route['id']}", headers=staff).json
    points = {(c["temperature_class"], s["point_name"]) for c in listing["compartments"] for s in c["stops"]}
    assert ("chilled", world.school.name) not in points and ("ambient", world.school.name) in points
    assert ("chilled", world.care_home.name) in points


def test_supplier_follow_up_per_week_and_as_csv(client, staff, planned, world, coordinator):
    [supplier] = expected(client, staff)["suppliers"]
    body = receipt(supplier, {f"Mjölk@{world.school.name}": 10})
    milk = next(i for i, line in enumerate(supplier["lines"]) if line["article"] == "Mjölk")
    body["lines"][milk]["temperature_c"] = 11.5  # above +8: a temperature deviation whatever was chosen
    assert client.post(f"{API}/receipts", json=body, headers=staff).status_code == 201
    [row] = client.get(f"{API}/suppliers?from={MONDAY}&to={MONDAY}", headers=coordinator).json
    assert (row["supplier"], row["week"], row["deliveries"]) == (world.wholesaler.name, "2026-V49", 1)
    assert row["short_lines"] == 1 and row["temperature_deviations"] == 1
    # 41 kg milk ordered, 10/40 of it arrived; the rest (pasta, the other kitchen's milk) all of it.
    assert row["completeness"] == pytest.approx((41 * 0.25 + 50 + 41 + 50) / (41 + 50 + 41 + 50), abs=1e-4)
    # Received on the server after the plan's first departure (the test runs after MONDAY): late.
    assert row["on_time"] == 0
    csv = client.get(f"{API}/suppliers.csv?from={MONDAY}&to={MONDAY}", headers=coordinator).get_data(as_text=True)
    assert csv.startswith("\ufeffLeverantör;Vecka;Leveranser till terminalen;I tid")
    assert f"{world.wholesaler.name};2026-V49;1;0;83,1;1;1" in csv
    assert client.get(f"{API}/suppliers", headers=staff).status_code == 403
