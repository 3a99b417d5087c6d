"""The audit trail: every change of master data, orders, bookings, plans, corrections, roles and
tokens leaves one entry with who made it, in the same transaction; entries cannot be changed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from samlast import clock
from samlast.extensions import db
from samlast.models import (
    AuditEntry,
    Deviation,
    DriverEvent,
    EventKind,
    Role,
    SlotKind,
    SlotTemplate,
    StockArticle,
    StockBatch,
)
from samlast.services import audit, import_runs, jobs
from tests.api.test_authz_matrix import api_endpoints
from tests.conftest import MONDAY

ROOT = Path(__file__).resolve().parents[2]
FUTURE_TUESDAY = date(2031, 12, 2)
EARLY = datetime(2026, 1, 1, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def last_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def entries(after: int = 0, **where) -> list[AuditEntry]:
    """Entries matching `where`, oldest first; `after` an id: only those written since."""
    query = sa.select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


@pytest.fixture
def coord(make_user):
    user, headers = make_user(Role.COORDINATOR, "kim")
    user.display_name = "Kim Koordinator"
    db.session.commit()
    return user, headers


def test_delivery_point_create_update_delete(client, world, coord):
    user, headers = coord
    body = {
        "external_id": "DP-9",
        "name": "Nya köket",
        "kind": "school_kitchen",
        "municipality_id": world.eslov.id,
        "lat": 55.8,
        "lon": 13.3,
        "receiving_windows": [{"weekday": 0, "start": "06:30", "end": "10:00"}],
    }
    created = client.post("/api/v1/delivery-points/", json=body, headers=headers)
    assert created.status_code == 201, created.json
    point_id = created.json["id"]
    patched = client.patch(
        f"/api/v1/delivery-points/{point_id}",
        headers=headers,
        json={"name": "Nya köket B", "receiving_windows": [{"weekday": 1, "start": "07:00", "end": "09:00"}]},
    )
    assert patched.status_code == 200, patched.json
    assert client.delete(f"/api/v1/delivery-points/{point_id}", headers=headers).status_code == 204

    create, update, delete = entries(entity="delivery_point", entity_id=str(point_id))
    assert [create.action, update.action, delete.action] == ["create", "update", "delete"]
    assert all(
        e.actor_user_id == user.id and e.actor_name == "Kim Koordinator" and e.source == "api"
        for e in (create, update, delete)
    )
    assert create.changes["name"] == "Nya köket" and create.changes["receiving_windows"][0]["start"] == "06:30"
    # Two flushes (old windows deleted, new ones added) make one entry: first old, last new.
    assert update.changes == {
        "name": ["Nya köket", "Nya köket B"],
        "receiving_windows": [
            [{"weekday": 0, "start": "06:30", "end": "10:00"}],
            [{"weekday": 1, "start": "07:00", "end": "09:00"}],
        ],
    }
    assert delete.changes["name"] == "Nya köket B"
    assert create.at.tzinfo is not None


def test_order_update_and_delete(client, world, coord):
    _, headers = coord
    body = {
        "external_id": "O-77",
        "delivery_point_id": world.school.id,
        "supplier_id": world.farm.id,
        "requested_date": "2031-12-01",
        "lines": [{"article": "Mjölk", "quantity": 2, "unit": "l", "weight_kg": 2, "temperature_class": "chilled"}],
    }
    order_id = client.post("/api/v1/orders/", json=body, headers=headers).json["id"]
    assert client.patch(f"/api/v1/orders/{order_id}", json={"note": "Porten"}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/orders/{order_id}", headers=headers).status_code == 204
    rows = entries(entity="purchase_order", entity_id=str(order_id))
    assert [e.action for e in rows] == ["create", "update", "delete"]
    assert rows[0].changes["lines"][0]["article"] == "Mjölk"
    assert rows[1].changes == {"note": ["", "Porten"]}


def test_user_role_change_and_passwords_never_stored(client, world, coord):
    _, headers = coord
    created = client.post(
        "/api/v1/users/", headers=headers, json={"username": "dan", "password": "hemligt-lösen-1", "role": "driver"}
    )
    assert created.status_code == 201, created.json
    user_id = created.json["id"]
    assert (
        client.patch(
            f"/api/v1/users/{user_id}", headers=headers, json={"role": "coordinator", "password": "annat-lösen-2"}
        ).status_code
        == 200
    )
    create, update = entries(entity="user_account", entity_id=str(user_id))
    assert update.changes["role"] == ["driver", "coordinator"]
    assert update.changes["password_hash"] == [audit.MASK, audit.MASK]
    assert create.changes["password_hash"] == audit.MASK
    dumped = json.dumps([e.changes for e in entries()])
    assert "lösen" not in dumped and "pbkdf2" not in dumped and "scrypt" not in dumped


def test_token_revoke_is_recorded_login_is_not(client, world, coord, make_user):
    user, headers = coord
    driver, _ = make_user(Role.DRIVER, "tova")
    assert entries(entity="auth_token") == []  # two logins: no entry
    answer = client.post(f"/api/v1/auth/users/{driver.id}/revoke-tokens", headers=headers)
    assert answer.status_code == 200
    [revoked] = entries(entity="auth_token")
    assert revoked.action == "update" and revoked.actor_user_id == user.id
    assert revoked.changes["user_id"] == driver.id and revoked.changes["revoked_at"][0] is None
    assert "token_hash" not in revoked.changes


def test_booking_create_change_cancel(client, world, make_user, monkeypatch):
    monkeypatch.setattr("samlast.services.bookings.now", lambda: EARLY)
    template = SlotTemplate(
        terminal=world.terminal,
        name="Gård tisdag",
        kind=SlotKind.FARM_PICKUP,
        weekday=1,
        start=time(9),
        end=time(12),
        capacity_kg=1000,
        capacity_pallets=2,
    )
    db.session.add(template)
    db.session.commit()
    producer, headers = make_user(Role.PRODUCER, "per", supplier=world.farm)
    booked = client.post(
        "/api/v1/producer/bookings",
        headers=headers,
        json={
            "template_id": template.id,
            "date": FUTURE_TUESDAY.isoformat(),
            "kg": 100,
            "pallets": 1,
            "temperature_class": "ambient",
        },
    )
    assert booked.status_code == 201, booked.json
    booking_id = booked.json["id"]
    assert client.patch(f"/api/v1/producer/bookings/{booking_id}", json={"kg": 200}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/producer/bookings/{booking_id}", headers=headers).status_code == 200
    create, change, cancel = entries(entity="booking", entity_id=str(booking_id))
    assert create.action == "create" and create.actor_user_id == producer.id and create.changes["kg"] == 100
    assert change.changes["kg"] == [100, 200]
    assert cancel.action == "update" and cancel.changes["status"] == ["booked", "cancelled"]


def test_plan_version_is_one_entry_with_counts(client, day, coordinator):
    answer = client.post(
        "/api/v1/planning/jobs", json={"date": MONDAY.isoformat(), "time_limit_s": 1}, headers=coordinator
    )
    assert answer.status_code == 202
    jobs.drain()
    db.session.expire_all()
    [plan] = entries(entity="plan")
    assert plan.action == "create" and plan.source == "job" and plan.actor_name
    assert plan.changes["version"] == 1 and plan.changes["stops"] >= 2 and plan.changes["routes"] >= 1
    assert entries(entity="route") == [] and entries(entity="stop") == []


def test_corrections_of_facts(client, world, coord, make_user):
    user, headers = coord
    driver, _ = make_user(Role.DRIVER, "dora")
    deviation = Deviation(delivery_point_id=world.school.id, plan_date=MONDAY, code="receipt_mismatch")
    event = DriverEvent(
        client_id="e1",
        user_id=driver.id,
        kind=EventKind.ARRIVE,
        plan_date=MONDAY,
        job_key="d:1",
        recorded_at=EARLY,
        flagged=True,
        flag_reason="x",
    )
    start = last_id()
    db.session.add_all([deviation, event])
    db.session.commit()
    assert entries(start) == []  # facts are not recorded row by row
    assert (
        client.post(f"/api/v1/deviations/{deviation.id}/resolve", json={"note": "Ringt"}, headers=headers).status_code
        == 200
    )
    assert client.post(f"/api/v1/deviations/{deviation.id}/reopen", json={}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/driver-events/{event.id}/resolve", headers=headers).status_code == 200
    resolved, reopened = entries(entity="deviation")
    assert resolved.changes["status"] == ["open", "resolved"] and reopened.changes["status"] == ["resolved", "open"]
    [flag] = entries(entity="driver_event")
    assert flag.changes["resolved"] == [False, True] and flag.actor_user_id == user.id


def test_rolled_back_change_leaves_no_entry(client, world, coord):
    _, headers = coord
    start = last_id()
    world.school.name = "Ändrat men ångrat"
    db.session.flush()
    db.session.rollback()
    # And a refused write through the API (a duplicate external id) leaves none either.
    refused = client.post(
        "/api/v1/delivery-points/",
        headers=headers,
        json={
            "external_id": "DP-1",
            "name": "Dubblett",
            "kind": "school_kitchen",
            "municipality_id": world.eslov.id,
            "lat": 55.8,
            "lon": 13.3,
        },
    )
    assert refused.status_code == 422
    assert entries(start) == []


def test_change_without_a_user_is_the_systems(world):
    start = last_id()
    world.school.name = "Nytt namn"
    db.session.commit()
    [entry] = entries(start)
    assert entry.actor_user_id is None and entry.actor_name == "" and entry.source == "system"


def test_list_filters_and_paging(client, world, coord, app):
    user, headers = coord
    # The fixtures' rows were created by the system: the test's own changes are the updates.
    for name in ("A", "B", "C"):
        client.patch(f"/api/v1/product-areas/{world.dairy_area.id}", json={"name": name}, headers=headers)
    client.patch(f"/api/v1/municipalities/{world.eslov.id}", json={"name": "Eslövs kommun"}, headers=headers)
    world.horby.name = "Hörby kommun"  # the system's
    db.session.commit()

    def listed(query: str) -> tuple[list[dict], int]:
        answer = client.get(f"/api/v1/audit?{query}", headers=headers)
        assert answer.status_code == 200, answer.json
        return answer.json, int(answer.headers["X-Total-Count"])

    rows, total = listed("entity=product_area&action=update&limit=2")
    assert total == 3 and [r["changes"]["name"][1] for r in rows] == ["C", "B"]  # newest first
    rows, total = listed("entity=product_area&action=update&limit=2&offset=2")
    assert [r["changes"]["name"] for r in rows] == [["Mejeri", "A"]]
    assert listed(f"entity=municipality&entity_id={world.eslov.id}&action=update")[1] == 1
    assert listed("actor=koordinator")[1] == 4
    assert listed(f"actor_user_id={user.id}&action=update")[1] == 4
    assert listed("source=system")[0][0]["changes"]["name"] == ["Hörby", "Hörby kommun"]
    assert listed("action=delete")[1] == 0 and listed("action=create")[1] > 0
    assert listed("from=2020-01-01&to=2020-01-31")[1] == 0
    today = datetime.now(ZoneInfo(app.config["TIMEZONE"])).date().isoformat()
    assert listed(f"from={today}&to={today}")[1] == listed("")[1] > 5
    assert client.get("/api/v1/audit?action=erase", headers=headers).status_code == 422


def test_csv_for_swedish_excel(client, world, coord):
    _, headers = coord
    client.patch(f"/api/v1/product-areas/{world.dairy_area.id}", json={"name": "Mejerivaror"}, headers=headers)
    answer = client.get("/api/v1/audit.csv", headers=headers | {"Accept-Language": "sv"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    content = answer.get_data(as_text=True)
    assert content.startswith("\ufeff")
    header, row = content.lstrip("\ufeff").splitlines()[:2]
    assert header == "Tid;Vem;Via;Åtgärd;Vad;Id;Ändringar"
    cells = row.split(";")
    assert cells[1:5] == ["Kim Koordinator", "Appen", "Ändrad", "Varuområde"]
    assert "Namn: Mejeri → Mejerivaror" in cells[6]
    assert len(cells[0]) == len("2026-11-30 09:12:00") and "T" not in cells[0]  # local time, no ISO
    english = client.get("/api/v1/audit.csv", headers=headers | {"Accept-Language": "en"}).get_data(as_text=True)
    assert "Changed" in english and "Product area" in english


# Append-only in the database ----------------------------------------------------------------


def _migrated(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "FLASK_APP": "samlast", "SAMLAST_INSTANCE": str(tmp_path), "DATABASE_URL": url}
    env.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _refuses_changes(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_entry (at, actor_name, source, action, entity, entity_id, changes)"
                " VALUES (CURRENT_TIMESTAMP, 'Kim', 'api', 'update', 'vehicle', '1', '{}')"
            )
        )
    for statement in ("UPDATE audit_entry SET actor_name = 'Someone else'", "DELETE FROM audit_entry"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text(statement))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT actor_name FROM audit_entry")).scalars().all() == ["Kim"]


def test_entries_cannot_be_changed_or_deleted_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    _migrated(url, tmp_path)
    engine = sa.create_engine(url)
    try:
        _refuses_changes(engine)
    finally:
        engine.dispose()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="needs TEST_DATABASE_URL (PostgreSQL)"
)
def test_entries_cannot_be_changed_or_deleted_postgresql(tmp_path):
    import psycopg

    base, _ = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)
    own = "samlast_audit_migrated"
    with psycopg.connect(os.environ["TEST_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{own}"')
        conn.execute(f'CREATE DATABASE "{own}"')
    url = f"{base}/{own}".replace("postgresql://", "postgresql+psycopg://", 1)
    _migrated(url, tmp_path)
    engine = sa.create_engine(url)
    try:
        _refuses_changes(engine)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text("TRUNCATE audit_entry"))
    finally:
        engine.dispose()


# Every write endpoint leaves an entry -------------------------------------------------------

#: Writes that are not audited, each with why. A new write endpoint fails the test below until it
#: is either audited (an entry in WRITES) or listed here.
EXEMPT = {
    ("POST", "/api/v1/auth/login"): "logging in changes nothing (the token is no record of anyone's)",
    ("POST", "/api/v1/auth/oidc/exchange"): "like logging in: a token for a sign-in already made (that one is audited)",
    ("POST", "/api/v1/driver/events"): "a driver's event and proof are facts kept as recorded, never changed",
    ("POST", "/api/v1/driver/positions"): "positions are a high-volume stream, not a change of data",
    ("POST", "/api/v1/recipient/confirmations"): "a kitchen's receipt is a fact of its own, with who and when",
    ("POST", "/api/v1/goods-in/receipts"): "a goods-in record is a fact of its own (the hand-over), with who and when",
    ("POST", "/api/v1/goods-in/despatch-advices"): "a supplier's document, stored as it came with its import time",
    ("POST", "/api/v1/loading/scans"): "a unit scanned onto a vehicle is a fact of its own, with who and when",
    ("POST", "/api/v1/loading/handovers"): "the driver's signed load is a fact of its own (the hand-over)",
    ("POST", "/api/v1/push/subscriptions"): "a device's push address, no business data",
    ("POST", "/api/v1/feedback/learn"): "learned parameters are derived from proofs, each run stored with its time",
    ("POST", "/api/v1/feedback/points/<int:point_id>/reset"): "stores a new learned-parameter row, derived data",
    ("POST", "/api/v1/impact/reports"): "a report is computed from stored facts and kept with who asked",
    ("POST", "/api/v1/followup/reports"): "a follow-up is computed from stored facts and kept with who asked",
    ("POST", "/api/v1/region/runs"): "a region analysis is computed from stored facts and kept with who asked",
    ("POST", "/api/v1/planning/fleet-advice"): "advice only: it changes no plan or master data",
    ("POST", "/api/v1/imports/registers/<any(skolverket, preschools):source>/preview"): "reads a file, writes nothing",
    ("POST", "/api/v1/rural/consignments"): "a resident's consignment is kept with who registered it and when",
    ("POST", "/api/v1/rural/consignments.csv"): "consignments kept with who registered them and when",
    ("POST", "/api/v1/rural/handovers"): "a consignment's hand-over is a fact of its own, with who and when",
    ("POST", "/api/v1/rural/plan"): "derived: where consignments ride along, planned again after every plan",
    ("POST", "/api/v1/rural/track/<code>/collect"): "the resident's collection is a hand-over record, with when",
    ("POST", "/api/v1/rural/track/<code>/push"): "a resident's browser push address, no business data",
}
CRUD_BODIES = {
    "clusters": lambda w: {"name": "Norra klustret"},
    "municipalities": lambda w: {"name": "Höör", "cluster_id": w.cluster.id},
    "terminals": lambda w: {"name": "Höör terminal", "cluster_id": w.cluster.id, "lat": 55.9, "lon": 13.5},
    "product-areas": lambda w: {"name": "Bröd", "temperature_class": "ambient"},
    "delivery-points": lambda w: {
        "external_id": "DP-X",
        "name": "Köket X",
        "kind": "preschool",
        "municipality_id": w.eslov.id,
        "lat": 55.8,
        "lon": 13.3,
    },
    "suppliers": lambda w: {
        "external_id": "S-X",
        "name": "Bageriet",
        "kind": "local_producer",
        "lat": 55.8,
        "lon": 13.4,
    },
    "orders": lambda w: {
        "external_id": "O-X",
        "delivery_point_id": w.school.id,
        "supplier_id": w.farm.id,
        "requested_date": "2031-12-01",
        "lines": [{"article": "Bröd", "quantity": 1, "unit": "st", "weight_kg": 1, "temperature_class": "ambient"}],
    },
    "vehicles": lambda w: {
        "external_id": "V-X",
        "name": "Bil X",
        "terminal_id": w.terminal.id,
        "energy_type": "electric",
        "co2e_kg_per_km": 0.03,
        "cost_per_km": 9,
        "cost_per_hour": 480,
        "shift_start": "06:00",
        "shift_end": "14:00",
        "compartments": [{"temperature_class": "ambient", "capacity_kg": 500, "capacity_pallets": 2}],
    },
    "users": lambda w: {"username": "ny-anvandare", "password": "ett-lösen", "role": "driver"},
    "slot-templates": lambda w: {
        "terminal_id": w.terminal.id,
        "name": "Tisdag",
        "kind": "farm_pickup",
        "weekday": 1,
        "start": "09:00",
        "end": "12:00",
        "capacity_kg": 1000,
        "capacity_pallets": 2,
    },
}
CRUD_PATCHES = {"orders": {"note": "Ring på"}, "users": {"display_name": "Ny Användare"}}
CRUD_ENTITIES = {
    "clusters": "cluster",
    "municipalities": "municipality",
    "terminals": "terminal",
    "product-areas": "product_area",
    "delivery-points": "delivery_point",
    "suppliers": "supplier",
    "orders": "purchase_order",
    "vehicles": "vehicle",
    "users": "user_account",
    "slot-templates": "slot_template",
}


class Writes:
    """Performs a valid write of each audited endpoint, so that an entry is due."""

    def __init__(self, client, world, headers, make_user, monkeypatch):
        self.client, self.world, self.headers, self.make_user = client, world, headers, make_user
        monkeypatch.setattr("samlast.services.bookings.now", lambda: EARLY)
        self.created: dict[str, int] = {}
        self.booking_id: int | None = None

    def crud(self, method: str, collection: str) -> tuple[object, str]:
        entity = CRUD_ENTITIES[collection]
        if method == "POST":
            answer = self.client.post(
                f"/api/v1/{collection}/", json=CRUD_BODIES[collection](self.world), headers=self.headers
            )
            self.created[collection] = answer.json["id"]
            return answer, entity
        object_id = self.created[collection]
        if method == "PATCH":
            body = CRUD_PATCHES.get(collection, {"name": f"Ändrat {collection}"})
            return self.client.patch(f"/api/v1/{collection}/{object_id}", json=body, headers=self.headers), entity
        return self.client.delete(f"/api/v1/{collection}/{object_id}", headers=self.headers), entity

    def booking(self, method: str) -> tuple[object, str]:
        path = "/api/v1/producer/bookings"
        if method == "POST":
            template = SlotTemplate(
                terminal=self.world.terminal,
                name="Gård",
                kind=SlotKind.FARM_PICKUP,
                weekday=1,
                start=time(9),
                end=time(12),
                capacity_kg=1000,
                capacity_pallets=2,
            )
            db.session.add(template)
            db.session.commit()
            answer = self.client.post(
                path,
                headers=self.headers,
                json={
                    "template_id": template.id,
                    "date": FUTURE_TUESDAY.isoformat(),
                    "kg": 100,
                    "pallets": 1,
                    "temperature_class": "ambient",
                    "supplier_id": self.world.farm.id,
                },
            )
            self.booking_id = answer.json["id"]
            return answer, "booking"
        if method == "PATCH":
            return self.client.patch(f"{path}/{self.booking_id}", json={"kg": 50}, headers=self.headers), "booking"
        return self.client.delete(f"{path}/{self.booking_id}", headers=self.headers), "booking"

    def other(self, method: str, rule: str) -> tuple[object, str]:
        client, world, headers = self.client, self.world, self.headers
        if rule == "/api/v1/auth/logout":
            _, own = self.make_user(Role.DRIVER)
            return client.post(rule, headers=own), "auth_token"
        if rule.endswith("/revoke-tokens"):
            driver, _ = self.make_user(Role.DRIVER)
            return client.post(f"/api/v1/auth/users/{driver.id}/revoke-tokens", headers=headers), "auth_token"
        if rule.startswith("/api/v1/deviations/"):
            deviation = Deviation(
                delivery_point_id=world.school.id,
                plan_date=MONDAY,
                code="receipt_mismatch",
                status="resolved" if rule.endswith("reopen") else "open",
            )
            db.session.add(deviation)
            db.session.commit()
            return client.post(
                rule.replace("<int:deviation_id>", str(deviation.id)), json={"note": "Klart"}, headers=headers
            ), "deviation"
        if rule.startswith("/api/v1/driver-events/"):
            driver, _ = self.make_user(Role.DRIVER)
            event = DriverEvent(
                client_id=f"e-{driver.id}",
                user_id=driver.id,
                kind=EventKind.ARRIVE,
                plan_date=MONDAY,
                job_key="d:1",
                recorded_at=EARLY,
                flagged=True,
            )
            db.session.add(event)
            db.session.commit()
            return client.post(rule.replace("<int:event_id>", str(event.id)), headers=headers), "driver_event"
        if rule == "/api/v1/planning/jobs":
            answer = client.post(rule, json={"date": MONDAY.isoformat(), "time_limit_s": 1}, headers=headers)
            jobs.drain()
            db.session.expire_all()
            return answer, "plan"
        if rule == "/api/v1/imports/peppol":
            from tests.api.test_peppol_orders import MILK, order

            place = f"<cbc:ID>{world.school.external_id}</cbc:ID>"
            number, seller = f"PO-{uuid.uuid4().hex[:6]}", world.wholesaler.external_id
            body = order(MILK, number=number, location=place, supplier=seller)
            return client.post(rule, data={"file": (io.BytesIO(body), "o.xml")}, headers=headers), "purchase_order"
        if rule == "/api/v1/imports/peppol/mappings":
            body = {"kind": "supplier", "scheme": "0007", "identifier": uuid.uuid4().hex[:10],
                    "target_id": world.wholesaler.id}  # fmt: skip
            return client.post(rule, json=body, headers=headers), "party_mapping"
        if rule == "/api/v1/imports/registers/<any(skolverket, preschools):source>":
            csv = "id;namn;kommun;lat;lon\nFS-AUDIT;Granen;Eslöv;55,83;13,31\n"
            answer = client.post("/api/v1/imports/registers/preschools", headers=headers,
                                 data={"file": (io.BytesIO(csv.encode()), "f.csv"),
                                       "selected": "FS-AUDIT"})  # fmt: skip
            return answer, "delivery_point"
        if rule.startswith("/api/v1/imports/") and rule.endswith("/runs"):
            csv = (
                "external_id,name,kind,address,lat,lon,product_areas,contact_name,contact_phone\r\n"
                "S-RUN,Importerad i bakgrunden AB,wholesaler,,55.6,13.0,,,\r\n"
            )
            answer = client.post("/api/v1/imports/suppliers/runs", data={"file": (io.BytesIO(csv.encode()), "s.csv")},
                                 headers=headers)  # fmt: skip
            import_runs.drain()
            return answer, "supplier"
        if rule.startswith("/api/v1/imports/"):
            csv = (
                "external_id,name,kind,address,lat,lon,product_areas,contact_name,contact_phone\r\n"
                "S-IMP,Importerad AB,wholesaler,,55.6,13.0,,,\r\n"
            )
            return client.post(
                "/api/v1/imports/suppliers", data=csv.encode(), content_type="text/csv", headers=headers
            ), "supplier"
        if rule.startswith("/api/v1/stock/"):
            return self.stock(method, rule)
        if rule.startswith("/api/v1/region/sites"):
            site = {"name": f"Plats {uuid.uuid4().hex[:6]}", "lat": 55.8, "lon": 13.3, "fixed_sek_per_year": 1e6,
                    "handling_sek_per_pallet": 30}  # fmt: skip
            created = client.post("/api/v1/region/sites", json=site, headers=headers)
            if method == "POST":
                return created, "region_site"
            return client.delete(rule.replace("<int:site_id>", str(created.json["id"])), headers=headers), "region_site"
        raise AssertionError(f"No audited write known for {method} {rule}: add it to Writes or EXEMPT")

    def stock(self, method: str, rule: str) -> tuple[object, str]:
        client, world, headers = self.client, self.world, self.headers
        if rule == "/api/v1/stock/minimums":
            body = {"minimums": [{"kind": "care_home", "days": 3}]}
            return client.put(rule, json=body, headers=headers), "stock_minimum"
        created = client.post("/api/v1/stock/articles", headers=headers, json={
            "article": f"Pasta {uuid.uuid4().hex[:6]}", "unit": "st", "temperature_class": "ambient",
            "batches": [{"quantity": 10, "best_before": "2027-06-01"}]})  # fmt: skip
        if rule == "/api/v1/stock/articles":
            return created, "stock_article"
        if rule.endswith("/batches"):
            path = rule.replace("<int:article_id>", str(created.json["id"]))
            return client.post(path, json={"quantity": 5, "best_before": "2027-07-01"}, headers=headers), "stock_batch"
        if rule == "/api/v1/stock/articles/<int:article_id>":
            path = rule.replace("<int:article_id>", str(created.json["id"]))
            if method == "PATCH":
                return client.patch(path, json={"unit": "kg"}, headers=headers), "stock_article"
            return client.delete(path, headers=headers), "stock_article"
        batch = db.session.scalar(sa.select(StockBatch).order_by(StockBatch.id.desc()))
        if rule == "/api/v1/stock/batches/<int:batch_id>":
            path = rule.replace("<int:batch_id>", str(batch.id))
            if method == "PATCH":
                return client.patch(path, json={"quantity": 7}, headers=headers), "stock_batch"
            return client.delete(path, headers=headers), "stock_batch"
        if rule == "/api/v1/stock/crisis":
            if not db.session.scalar(sa.select(StockArticle).where(StockArticle.article == "Pasta")):
                client.post("/api/v1/stock/articles", headers=headers, json={
                    "article": "Pasta", "unit": "st", "temperature_class": "ambient",
                    "batches": [{"quantity": 50, "best_before": "2027-06-01"}]})  # fmt: skip
            body = {"client_id": uuid.uuid4().hex, "date": MONDAY.isoformat(), "supplier_id": world.wholesaler.id}
            return client.post(rule, json=body, headers=headers), "stock_issue"
        if rule == "/api/v1/stock/issues":
            body = {"client_id": uuid.uuid4().hex, "batch_id": batch.id, "delivery_point_id": world.school.id,
                    "date": clock.today().isoformat(), "quantity": 2}  # fmt: skip
            return client.post(rule, json=body, headers=headers), "stock_issue"
        raise AssertionError(f"No audited write known for {rule}")

    def perform(self, method: str, rule: str) -> tuple[object, str]:
        collection = rule.removeprefix("/api/v1/").split("/")[0]
        if collection in CRUD_BODIES:
            return self.crud(method, collection)
        if collection == "producer":
            return self.booking(method)
        return self.other(method, rule)


def test_every_write_endpoint_leaves_an_entry(app, client, world, day, make_user, monkeypatch):
    """Walks the URL map like the authorization matrix: each write is either audited or exempt."""
    writes = sorted(
        (method, rule) for method, rule in api_endpoints(app) if method in {"POST", "PUT", "PATCH", "DELETE"}
    )
    assert not sorted(EXEMPT.keys() - set(writes)), "EXEMPT lists endpoints that no longer exist"
    _, headers = make_user(Role.COORDINATOR, "kim")
    performer = Writes(client, world, headers, make_user, monkeypatch)
    # POST before PATCH before DELETE: each resource is created, changed, then deleted.
    order = {"POST": 0, "PUT": 1, "PATCH": 1, "DELETE": 2}
    unaudited = []
    for method, rule in sorted((w for w in writes if w not in EXEMPT), key=lambda w: (order[w[0]], w[1])):
        before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
        answer, entity = performer.perform(method, rule)
        assert answer.status_code < 300, f"{method} {rule}: {answer.status_code} {answer.get_data(as_text=True)[:300]}"
        new = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)).all()
        if not any(e.entity == entity for e in new):
            unaudited.append(f"{method} {rule}")
    assert not unaudited, f"Write endpoints that leave no audit entry: {unaudited}"


def test_a_command_line_change_is_recorded_as_such(app, runner):
    result = runner.invoke(
        args=["samlast", "create-user", "kim.cli", "--role", "driver"], input="hemligt-1234\nhemligt-1234\n"
    )
    assert result.exit_code == 0, result.output
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "user_account")).all()
    assert (entry.action, entry.source, entry.actor_user_id) == ("create", "cli", None)
    assert entry.changes["username"] == "kim.cli" and entry.changes["password_hash"] == "***"
    assert audit.current_actor().source == "system"  # the command's actor ends with the command


def test_every_audited_table_has_a_name_in_each_language():
    """The change log names what changed in words ("Leveransställe 12"), never a table name."""
    from samlast.i18n import table as words
    from samlast.services.audit import AUDITED_TABLES

    for name in AUDITED_TABLES:
        for locale in ("sv", "en"):
            assert f"audit.entity.{name}" in words(locale), f"audit.entity.{name} missing in {locale}"
