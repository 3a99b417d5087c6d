"""Emergency stock (beredskapslager): articles in batches, days of supply per municipality against
the minimum levels, first in first out into ordinary deliveries (stock taken once, however often the
request is replayed), and a crisis day's cover of a supplier that did not deliver, care homes first."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import (
    GoodsReceiptLine,
    Order,
    OrderLine,
    Role,
    StockBatch,
    StockIssue,
    StockRequest,
    TemperatureClass,
    Terminal,
    User,
)
from samlast.services import auth, jobs, planning
from samlast.services import stock as stock_service
from tests.api.test_goods_in import receipt
from tests.conftest import MONDAY, count

API = "/api/v1/stock"
WEEK_LATER = MONDAY + timedelta(days=7)


def _today(monkeypatch, day: date) -> None:
    monkeypatch.setattr("samlast.clock.today", lambda: day)


def _pasta(client, coordinator, *batches: tuple[float, str]) -> dict:
    answer = client.post(f"{API}/articles", headers=coordinator, json={
        "article": "Pasta", "unit": "st", "temperature_class": "ambient", "weight_kg_per_unit": 5,
        "batches": [{"quantity": q, "best_before": d} for q, d in batches],
    })  # fmt: skip
    assert answer.status_code == 201, answer.json
    return answer.json


def _overview(client, headers) -> dict:
    answer = client.get(f"{API}/", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def _future_order(world, point, day: date) -> None:
    db.session.add(Order(external_id=f"F-{point.id}-{day}", delivery_point=point, supplier=world.wholesaler,
                         requested_date=day, lines=[OrderLine(line_no=1, article="Mjölk", quantity=20, unit="l",
                         weight_kg=21, temperature_class=TemperatureClass.CHILLED)]))  # fmt: skip
    db.session.commit()


def test_days_of_supply_per_municipality_and_a_warning_below_the_minimum(client, coordinator, day, world,
                                                                         monkeypatch, make_user):  # fmt: skip
    _today(monkeypatch, WEEK_LATER)
    _pasta(client, coordinator, (30, "2027-01-10"), (8, "2026-12-12"))
    answer = client.put(
        f"{API}/minimums",
        headers=coordinator,
        json={"minimums": [{"kind": "care_home", "days": 3}, {"kind": "school_kitchen", "days": 1}]},
    )
    assert answer.status_code == 200, answer.json
    [pasta] = answer.json["articles"]
    # Both kitchens ordered 10 st on the one delivery day of the last four weeks.
    assert (pasta["quantity"], pasta["daily_use"], pasta["days_of_supply"]) == (38, 20, 1.9)
    assert pasta["required"] == 10 * 3 + 10 * 1 and pasta["below_minimum"] is True
    assert pasta["municipalities"] == [
        {"name": "Eslöv", "daily_use": 10, "days_of_supply": 3.8, "required": 10},
        {"name": "Hörby", "daily_use": 10, "days_of_supply": 3.8, "required": 30},
    ]
    assert [b["best_before"] for b in pasta["batches"]] == ["2026-12-12", "2027-01-10"]
    # Terminal staff see the stock of their own terminal.
    _, staff = make_user(Role.TERMINAL, "tove", terminal=world.terminal)
    assert _overview(client, staff)["articles"][0]["quantity"] == 38


def test_the_batch_nearest_its_date_is_proposed_for_the_next_delivery(client, coordinator, day, world, monkeypatch):
    _today(monkeypatch, WEEK_LATER)
    _future_order(world, world.school, WEEK_LATER + timedelta(days=1))
    _pasta(client, coordinator, (30, "2027-01-10"), (8, "2026-12-12"), (5, "2026-12-19"))
    proposals = _overview(client, coordinator)["proposals"]
    assert [(p["quantity"], p["best_before"], p["days_left"]) for p in proposals] == [
        (8, "2026-12-12", 5), (5, "2026-12-19", 12)]  # fmt: skip
    first = proposals[0]
    assert (first["delivery_point_name"], first["date"]) == ("Bergaskolan kök", "2026-12-08")
    assert first["replacement_quantity"] == 8


def test_stock_goes_into_a_delivery_once_however_often_the_request_is_replayed(
    client, coordinator, day, world, monkeypatch
):
    _today(monkeypatch, WEEK_LATER)
    _pasta(client, coordinator, (30, "2027-01-10"), (8, "2026-12-12"))
    batch = db.session.scalar(sa.select(StockBatch).where(StockBatch.quantity == 8))
    body = {"client_id": uuid.uuid4().hex, "batch_id": batch.id, "delivery_point_id": world.school.id,
            "date": "2026-12-08", "quantity": 5}  # fmt: skip
    first = client.post(f"{API}/issues", headers=coordinator, json=body)
    assert first.status_code == 201, first.json
    again = client.post(f"{API}/issues", headers=coordinator, json=body)
    assert again.json == first.json
    db.session.expire_all()
    assert db.session.get(StockBatch, batch.id).quantity == 3 and count(StockIssue) == 1
    # The item's way starts at the stock: the batch it came from and who took it.
    steps = client.get(f"/api/v1/order-lines/{first.json['order_line_id']}/timeline", headers=coordinator).json["steps"]
    assert [(s["kind"], s["quantity"]) for s in steps] == [("ordered", 5), ("taken_from_stock", 5)]
    assert steps[1]["name"] == "Tagen ur beredskapslagret" and steps[1]["details"] == "Parti bäst före 2026-12-12"
    line = db.session.get(OrderLine, first.json["order_line_id"])
    assert (line.article, line.quantity, line.unit, line.weight_kg) == ("Pasta", 5, "st", 25)
    assert line.order.supplier.name == "Beredskapslager" and line.order.delivery_point_id == world.school.id
    # Goods in never expects goods that are at the terminal already.
    _future_order(world, world.school, date(2026, 12, 8))
    expected = client.get("/api/v1/goods-in/expected?date=2026-12-08", headers=coordinator).json
    assert [s["supplier_name"] for s in expected["suppliers"]] == ["Grossisten AB"]


def test_every_error_of_an_issue_at_once_and_nothing_taken(client, coordinator, day, world, monkeypatch):
    _today(monkeypatch, WEEK_LATER)
    _pasta(client, coordinator, (8, "2026-12-12"))
    batch = db.session.scalar(sa.select(StockBatch))
    body = {"client_id": uuid.uuid4().hex, "batch_id": batch.id, "delivery_point_id": 999_999,
            "date": "2026-12-01", "quantity": 10}  # fmt: skip
    answer = client.post(f"{API}/issues", headers=coordinator, json=body)
    assert answer.status_code == 422, answer.json
    fields = answer.json["error"]["fields"]
    assert fields["quantity"] == ["Bara 8 st finns kvar i partiet (inte 10)."]
    assert fields["date"] == ["Dagen 2026-12-01 har redan varit; välj i dag eller senare."]
    assert set(fields) == {"quantity", "date", "delivery_point_id"}
    late = client.post(f"{API}/issues", headers=coordinator, json=body | {
        "delivery_point_id": world.school.id, "date": "2026-12-20", "quantity": 2})  # fmt: skip
    assert late.json["error"]["fields"] == {
        "batch_id": ["Partiet är bäst före 2026-12-12 och hinner gå ut före leveransen."]
    }
    bad = client.post(
        f"{API}/articles",
        headers=coordinator,
        json={
            "article": "",
            "unit": "st",
            "temperature_class": "ljummet",
            "batches": [{"quantity": -1, "best_before": "x"}],
        },
    )
    assert bad.status_code == 422
    assert {"article", "temperature_class", "batches"} <= set(bad.json["error"]["fields"])
    db.session.expire_all()
    assert db.session.get(StockBatch, batch.id).quantity == 8 and count(StockIssue) == 0


def test_a_crisis_day_covers_care_homes_first_and_the_driver_sees_it(client, coordinator, day, world, monkeypatch):
    _today(monkeypatch, MONDAY)
    monkeypatch.setitem(client.application.config, "PLANNING_RUNNER", "inline")
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    _pasta(client, coordinator, (12, "2027-01-10"))
    query = f"{API}/crisis?date={MONDAY}&supplier_id={world.wholesaler.id}"
    preview = client.get(query, headers=coordinator)
    assert preview.status_code == 200, preview.json
    covered = [(c["delivery_point_name"], c["article"], c["quantity"]) for c in preview.json["covered"]]
    assert covered == [("Ljungbacka äldreboende", "Pasta", 10), ("Bergaskolan kök", "Pasta", 2)]
    uncovered = {(u["delivery_point_name"], u["article"], u["quantity"]) for u in preview.json["uncovered"]}
    assert uncovered == {("Bergaskolan kök", "Pasta", 8), ("Bergaskolan kök", "Mjölk", 40),
                         ("Ljungbacka äldreboende", "Mjölk", 40)}  # fmt: skip
    assert db.session.scalar(sa.select(StockBatch)).quantity == 12  # a preview takes nothing
    body = {"client_id": uuid.uuid4().hex, "date": MONDAY.isoformat(), "supplier_id": world.wholesaler.id}
    done = client.post(f"{API}/crisis", headers=coordinator, json=body)
    assert done.status_code == 201, done.json
    assert [(c["delivery_point_name"], c["quantity"]) for c in done.json["covered"]] == [
        ("Ljungbacka äldreboende", 10), ("Bergaskolan kök", 2)]  # fmt: skip
    assert client.post(f"{API}/crisis", headers=coordinator, json=body).json["covered"] == done.json["covered"]
    again = client.post(f"{API}/crisis", headers=coordinator, json=body | {"client_id": uuid.uuid4().hex})
    assert again.json["covered"] == []  # the stock is used up; nothing covered twice
    db.session.expire_all()
    assert db.session.scalar(sa.select(StockBatch)).quantity == 0 and count(StockIssue) == 2
    jobs.drain()
    # The day was re-planned; the driver's stop carries the goods from stock, marked as such.
    driver = db.session.get(User, day.driver_id)
    token, _ = auth.login(driver.username, "correct horse battery", ttl_hours=1)
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers={"Authorization": f"Bearer {token}"}).json
    care = next(s for s in route["stops"] if s["place"].get("name") == "Ljungbacka äldreboende")
    stocked = [line for line in care["lines"] if line["from_stock"]]
    assert [(line["article"], line["quantity"], line["supplier_name"]) for line in stocked] == [
        ("Pasta", 10, "Beredskapslager")]  # fmt: skip
    # The loading list names the goods from stock at each stop, in their compartment.
    [listed] = client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=coordinator).json
    loading = client.get(f"/api/v1/loading/routes/{listed['id']}", headers=coordinator).json
    from_stock = {(s["point_name"], c["temperature_class"]): s["from_stock"]
                  for c in loading["compartments"] for s in c["stops"] if s["from_stock"]}  # fmt: skip
    assert from_stock == {("Ljungbacka äldreboende", "ambient"): ["Pasta 10 st"],
                          ("Bergaskolan kök", "ambient"): ["Pasta 2 st"]}  # fmt: skip


@pytest.mark.parametrize("role", [Role.RECIPIENT, Role.DRIVER])
def test_others_see_no_stock(client, make_user, world, role):
    _, headers = make_user(role)
    assert client.get(f"{API}/", headers=headers).status_code == 403


def test_the_rotation_window_is_configurable(client, coordinator, day, world, monkeypatch):
    _today(monkeypatch, WEEK_LATER)
    _pasta(client, coordinator, (8, "2026-12-12"), (5, "2026-12-19"), (30, "2027-01-10"))
    assert _overview(client, coordinator)["rotation_days"] == 14
    narrow = client.get(f"{API}/?rotation_days=5", headers=coordinator).json
    assert narrow["rotation_days"] == 5 and [p["best_before"] for p in narrow["proposals"]] == ["2026-12-12"]
    monkeypatch.setitem(client.application.config, "STOCK_ROTATION_DAYS", 40)
    wide = _overview(client, coordinator)
    assert [p["best_before"] for p in wide["proposals"]] == ["2026-12-12", "2026-12-19", "2027-01-10"]
    wrong = client.get(f"{API}/?rotation_days=-1", headers=coordinator)
    assert wrong.status_code == 422 and set(wrong.json["error"]["fields"]) == {"rotation_days"}


def test_articles_and_batches_are_corrected_and_removed(client, coordinator, day, world, monkeypatch):
    _today(monkeypatch, WEEK_LATER)
    created = _pasta(client, coordinator, (8, "2026-12-12"))
    article_id = created["id"]
    added = client.post(f"{API}/articles/{article_id}/batches", headers=coordinator,
                        json={"quantity": 4, "best_before": "2027-02-01", "note": "Inköpt"})  # fmt: skip
    assert added.status_code == 201, added.json
    changed = client.patch(f"{API}/articles/{article_id}", headers=coordinator,
                           json={"article": "Pasta penne", "unit": "kg", "temperature_class": "chilled"})  # fmt: skip
    assert changed.status_code == 200, changed.json
    counted = client.patch(f"{API}/batches/{added.json['id']}", headers=coordinator,
                           json={"quantity": 3, "best_before": "2027-02-02"})  # fmt: skip
    assert counted.status_code == 200, counted.json
    [article] = _overview(client, coordinator)["articles"]
    assert (article["article"], article["unit"], article["temperature_class"], article["quantity"]) == (
        "Pasta penne", "kg", "chilled", 11)  # fmt: skip
    assert [(b["quantity"], b["best_before"]) for b in article["batches"]] == [(8, "2026-12-12"), (3, "2027-02-02")]
    assert client.delete(f"{API}/batches/{added.json['id']}", headers=coordinator).status_code == 204
    assert [b["quantity"] for b in _overview(client, coordinator)["articles"][0]["batches"]] == [8]
    assert client.delete(f"{API}/articles/{article_id}", headers=coordinator).status_code == 204
    assert _overview(client, coordinator)["articles"] == [] and count(StockBatch) == 0
    gone = client.patch(f"{API}/articles/{article_id}", headers=coordinator, json={"unit": "st"})
    assert gone.status_code == 404 and gone.json["error"]["message"] == f"Lagervaran {article_id} finns inte."
    missing = client.delete(f"{API}/batches/{added.json['id']}", headers=coordinator)
    assert missing.json["error"]["message"] == f"Partiet {added.json['id']} finns inte i beredskapslagret."


def test_every_error_of_an_article_at_once_in_swedish_naming_field_and_value(client, coordinator, day, world):
    _pasta(client, coordinator, (8, "2026-12-12"))
    bad = client.post(f"{API}/articles", headers=coordinator, json={
        "article": "", "unit": "st", "temperature_class": "ljummet", "weight_kg_per_unit": 0,
        "batches": [{"quantity": -1, "best_before": "x"}],
    })  # fmt: skip
    assert bad.status_code == 422
    fields = bad.json["error"]["fields"]
    assert set(fields) == {"article", "temperature_class", "weight_kg_per_unit", "batches"}
    assert fields["temperature_class"] == ["”ljummet” går inte här; välj något av: frozen, chilled, ambient."]
    assert fields["article"] == ["Måste vara 1–200 tecken."]
    # A batch's errors name its row.
    assert fields["batches"] == {"0": {"best_before": ["Inte ett datum (ÅÅÅÅ-MM-DD)."],
                                       "quantity": ["Måste vara mellan 0 och 1000000."]}}  # fmt: skip
    twice = client.post(f"{API}/articles", headers=coordinator,
                        json={"article": "  PASTA ", "unit": "st", "temperature_class": "ambient"})  # fmt: skip
    assert twice.json["error"]["fields"] == {"article": ["”PASTA” används redan."]}
    other = client.post(f"{API}/articles", headers=coordinator,
                        json={"article": "Ris", "unit": "st", "temperature_class": "ambient"}).json  # fmt: skip
    renamed = client.patch(f"{API}/articles/{other['id']}", headers=coordinator, json={"article": "pasta", "unit": " "})
    assert renamed.status_code == 422
    assert renamed.json["error"]["fields"] == {
        "article": ["”pasta” används redan."], "unit": ["Fyll i det här fältet."]}  # fmt: skip
    batch = db.session.scalar(sa.select(StockBatch))
    negative = client.patch(f"{API}/batches/{batch.id}", headers=coordinator, json={"quantity": -2})
    assert negative.status_code == 422 and set(negative.json["error"]["fields"]) == {"quantity"}
    db.session.expire_all()
    assert [a["article"] for a in _overview(client, coordinator)["articles"]] == ["Pasta", "Ris"]
    assert db.session.get(StockBatch, batch.id).quantity == 8


def test_issued_stock_stays_as_it_was_issued(client, coordinator, day, world, monkeypatch):
    """An issue is a record: correcting or counting the stock afterwards changes neither the issue
    nor its order line, and a batch or article issued from cannot be removed."""
    _today(monkeypatch, WEEK_LATER)
    article_id = _pasta(client, coordinator, (8, "2026-12-12"))["id"]
    batch = db.session.scalar(sa.select(StockBatch))
    body = {"client_id": uuid.uuid4().hex, "batch_id": batch.id, "delivery_point_id": world.school.id,
            "date": "2026-12-08", "quantity": 5}  # fmt: skip
    issued = client.post(f"{API}/issues", headers=coordinator, json=body).json
    client.patch(f"{API}/articles/{article_id}", headers=coordinator,
                 json={"article": "Makaroner", "unit": "kg", "weight_kg_per_unit": 9})  # fmt: skip
    client.patch(f"{API}/batches/{batch.id}", headers=coordinator, json={"quantity": 0, "best_before": "2026-12-30"})
    refused = client.delete(f"{API}/batches/{batch.id}", headers=coordinator)
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {
        "batch_id": ["Partiet bäst före 2026-12-30 har använts i 1 leveransrad; sätt antalet till 0 i stället."]
    }
    refused = client.delete(f"{API}/articles/{article_id}", headers=coordinator)
    assert refused.status_code == 422
    assert refused.json["error"]["message"] == (
        "Makaroner har använts i 1 leveransrad och kan inte tas bort; sätt partiernas antal till 0 i stället."
    )
    db.session.expire_all()
    issue = db.session.scalar(sa.select(StockIssue))
    assert (issue.quantity, issue.best_before.isoformat(), issue.batch_id) == (5, "2026-12-12", batch.id)
    line = db.session.get(OrderLine, issued["order_line_id"])
    assert (line.article, line.quantity, line.unit, line.weight_kg) == ("Pasta", 5, "st", 25)
    assert client.post(f"{API}/issues", headers=coordinator, json=body).json == issued  # a replay, still the same
    assert count(StockIssue) == 1 and db.session.get(StockBatch, batch.id).quantity == 0


def test_lines_short_at_goods_in_are_covered_from_stock_and_the_receipt_stays(
    client, coordinator, day, world, monkeypatch, make_user
):
    """The supplier came but short: only what is missing is covered, care homes first, the
    earliest best-before first, and the receipt (a signed hand-over) is not changed."""
    _today(monkeypatch, MONDAY)
    monkeypatch.setitem(client.application.config, "PLANNING_RUNNER", "inline")
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    _, staff = make_user(Role.TERMINAL, "tove", terminal=world.terminal)
    [supplier] = client.get(f"/api/v1/goods-in/expected?date={MONDAY}", headers=staff).json["suppliers"]
    short = {"Pasta@Ljungbacka äldreboende": 6, "Pasta@Bergaskolan kök": 7}
    answer = client.post("/api/v1/goods-in/receipts", json=receipt(supplier, short), headers=staff)
    assert answer.status_code == 201, answer.json
    _pasta(client, coordinator, (5, "2027-01-10"), (2, "2026-12-20"), (9, "2026-11-29"))  # the last is past its date
    body = {"client_id": uuid.uuid4().hex, "date": MONDAY.isoformat(), "supplier_id": world.wholesaler.id}
    done = client.post(f"{API}/crisis", headers=coordinator, json=body)
    assert done.status_code == 201, done.json
    assert done.json["supplier_name"] == world.wholesaler.name
    assert [(c["delivery_point_name"], c["quantity"], c["best_before"]) for c in done.json["covered"]] == [
        ("Ljungbacka äldreboende", 2, "2026-12-20"), ("Ljungbacka äldreboende", 2, "2027-01-10"),
        ("Bergaskolan kök", 3, "2027-01-10")]  # fmt: skip
    assert done.json["uncovered"] == []
    replay = client.post(f"{API}/crisis", headers=coordinator, json=body).json
    assert (replay["covered"], replay["supplier_name"]) == (done.json["covered"], world.wholesaler.name)
    db.session.expire_all()
    assert sorted(b.quantity for b in db.session.scalars(sa.select(StockBatch))) == [0, 0, 9]
    assert count(StockIssue) == 3
    received = {line.order_line.order.delivery_point.name: line.received_quantity
                for line in db.session.scalars(sa.select(GoodsReceiptLine))
                if line.order_line.article == "Pasta"}  # fmt: skip
    assert received == {"Ljungbacka äldreboende": 6, "Bergaskolan kök": 7}
    # Nothing is missing any more: a second cover finds nothing to do.
    again = client.get(f"{API}/crisis?date={MONDAY}&supplier_id={world.wholesaler.id}", headers=coordinator).json
    assert again["covered"] == [] and again["uncovered"] == []


def test_two_copies_of_a_request_at_the_same_moment_take_stock_once(client, coordinator, day, world, monkeypatch):
    """A copy that missed the first one's answer (both looked before either committed) is stopped
    by the request's unique client id and answers what the first made."""
    _today(monkeypatch, WEEK_LATER)
    _pasta(client, coordinator, (8, "2026-12-12"))
    batch = db.session.scalar(sa.select(StockBatch))
    body = {"client_id": uuid.uuid4().hex, "batch_id": batch.id, "delivery_point_id": world.school.id,
            "date": "2026-12-08", "quantity": 5}  # fmt: skip
    first = client.post(f"{API}/issues", headers=coordinator, json=body)
    assert first.status_code == 201, first.json
    real = stock_service._replayed
    looks = iter([None])  # the copy's first look finds nothing, as if the first had not committed yet
    monkeypatch.setattr(stock_service, "_replayed", lambda request_id: next(looks, real(request_id)))
    copy = client.post(f"{API}/issues", headers=coordinator, json=body)
    assert copy.status_code == 201 and copy.json == first.json
    db.session.expire_all()
    assert db.session.get(StockBatch, batch.id).quantity == 3 and count(StockIssue) == 1
    assert count(StockRequest) == 1


def test_each_terminal_keeps_its_own_stock(client, coordinator, day, world, make_user):
    """The coordinator keeps the stock of any terminal; terminal staff see only their own."""
    other = Terminal(cluster_id=world.terminal.cluster_id, name="Södra terminalen", lat=55.7, lon=13.4)
    db.session.add(other)
    db.session.commit()
    created = client.post(f"{API}/articles", headers=coordinator, json={
        "terminal_id": other.id, "article": "Ris", "unit": "kg", "temperature_class": "ambient",
        "batches": [{"quantity": 20, "best_before": "2027-05-01"}]})  # fmt: skip
    assert created.status_code == 201, created.json
    assert client.patch(f"{API}/articles/{created.json['id']}", headers=coordinator,
                        json={"unit": "säck"}).status_code == 200  # fmt: skip
    added = client.post(f"{API}/articles/{created.json['id']}/batches", headers=coordinator,
                        json={"quantity": 5, "best_before": "2027-06-01"})  # fmt: skip
    assert added.status_code == 201, added.json
    mine = client.get(f"{API}/?terminal_id={other.id}", headers=coordinator).json["articles"]
    assert [(a["article"], a["unit"], a["quantity"]) for a in mine] == [("Ris", "säck", 25)]
    _, staff = make_user(Role.TERMINAL, "tove", terminal=world.terminal)
    assert _overview(client, staff)["articles"] == []
    assert client.get(f"{API}/?terminal_id={other.id}", headers=staff).status_code == 404


def test_the_loading_list_names_each_article_from_stock_once(client, coordinator, day, world, monkeypatch):
    """A cover from two batches is two order lines, but one article on the load."""
    _today(monkeypatch, MONDAY)
    monkeypatch.setitem(client.application.config, "PLANNING_RUNNER", "inline")
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    _pasta(client, coordinator, (4, "2027-01-10"), (30, "2027-03-10"))
    body = {"client_id": uuid.uuid4().hex, "date": MONDAY.isoformat(), "supplier_id": world.wholesaler.id}
    covered = client.post(f"{API}/crisis", headers=coordinator, json=body).json["covered"]
    care = [c["quantity"] for c in covered if c["delivery_point_name"] == "Ljungbacka äldreboende"]
    assert care == [4, 6]  # the older batch first
    jobs.drain()
    [listed] = client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=coordinator).json
    loading = client.get(f"/api/v1/loading/routes/{listed['id']}", headers=coordinator).json
    from_stock = {s["point_name"]: s["from_stock"] for c in loading["compartments"] for s in c["stops"]
                  if s["from_stock"]}  # fmt: skip
    assert from_stock == {"Ljungbacka äldreboende": ["Pasta 10 st"], "Bergaskolan kök": ["Pasta 10 st"]}
