"""Local producers book pickup slots: scoping, cut-off, capacity (also under concurrency)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from samlast.clock import tz
from samlast.extensions import db
from samlast.models import Booking, PickupSlot, Role, SlotKind, SlotTemplate
from samlast.services import bookings, planning
from tests.conftest import MONDAY, count

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def slots(world):
    """A farm pickup on Tuesdays 09-12 (1000 kg, 2 pallets) and a terminal drop-off Tuesdays 06-08."""
    pickup = SlotTemplate(terminal=world.terminal, name="Gård tisdag", kind=SlotKind.FARM_PICKUP, weekday=1,
                          start=time(9), end=time(12), capacity_kg=1000, capacity_pallets=2,
                          cutoff_days_before=1, cutoff_time=time(14))
    dropoff = SlotTemplate(terminal=world.terminal, name="Terminal tisdag", kind=SlotKind.TERMINAL_DROPOFF,
                           weekday=1, start=time(6), end=time(8), capacity_kg=3000, capacity_pallets=8)
    db.session.add_all([pickup, dropoff])
    db.session.commit()
    return pickup, dropoff


@pytest.fixture
def clock(monkeypatch):
    """Freeze "now" for cut-off checks; returns a setter."""
    moment = {"now": datetime(2026, 11, 27, 10, 0, tzinfo=tz())}
    monkeypatch.setattr(bookings, "now", lambda: moment["now"])

    def set_now(value: datetime) -> None:
        moment["now"] = value.replace(tzinfo=tz())

    return set_now


@pytest.fixture
def farmers(make_user, world):
    """Two producers: one for the farm, one for the wholesaler (another tenant)."""
    _, farm = make_user(Role.PRODUCER, "farmer", supplier_id=world.farm.id)
    _, other = make_user(Role.PRODUCER, "other-farmer", supplier_id=world.wholesaler.id)
    return farm, other


def _book(client, headers, template, kg=400, pallets=1, day=TUESDAY):
    return client.post(
        "/api/v1/producer/bookings",
        json={"template_id": template.id, "date": day.isoformat(), "kg": kg, "pallets": pallets,
              "product_area_id": None, "temperature_class": "ambient", "note": "Potatis"},
        headers=headers,
    )


def test_free_slots_show_capacity_and_cutoff(client, farmers, slots, clock):
    response = client.get(f"/api/v1/producer/slots?from={MONDAY}&to={MONDAY + timedelta(days=7)}", headers=farmers[0])
    assert response.status_code == 200
    tuesday = [s for s in response.json if s["date"] == TUESDAY.isoformat()]
    assert {s["name"] for s in tuesday} == {"Gård tisdag", "Terminal tisdag"}
    farm = next(s for s in tuesday if s["kind"] == "farm_pickup")
    assert (farm["free_kg"], farm["free_pallets"], farm["bookable"]) == (1000, 2, True)
    assert farm["cutoff"].startswith(f"{MONDAY}T14:00")


def test_book_change_cancel_before_cutoff(client, farmers, slots, clock, world):
    booked = _book(client, farmers[0], slots[0])
    assert booked.status_code == 201, booked.json
    booking_id = booked.json["id"]
    changed = client.patch(
        f"/api/v1/producer/bookings/{booking_id}",
        json={"kg": 900, "product_area_id": world.dairy_area.id},
        headers=farmers[0],
    )
    assert changed.status_code == 200 and changed.json["kg"] == 900
    assert changed.json["product_area_id"] == world.dairy_area.id
    bad_area = client.patch(
        f"/api/v1/producer/bookings/{booking_id}", json={"product_area_id": 999999}, headers=farmers[0]
    )
    assert bad_area.status_code == 422 and "product_area_id" in bad_area.json["error"]["fields"]
    slot = db.session.scalar(sa.select(PickupSlot))
    db.session.refresh(slot)
    assert slot.booked_kg == 900
    assert _book(client, farmers[0], slots[0], kg=200).status_code == 409  # only 100 kg left
    cancelled = client.delete(f"/api/v1/producer/bookings/{booking_id}", headers=farmers[0])
    assert cancelled.json["status"] == "cancelled"
    db.session.refresh(slot)
    assert (slot.booked_kg, slot.booked_pallets) == (0, 0)


def test_cutoff_is_enforced(client, farmers, slots, clock):
    booked = _book(client, farmers[0], slots[0]).json
    clock(datetime.combine(MONDAY, time(14, 0)))
    late = _book(client, farmers[0], slots[0])
    assert late.status_code == 409 and "date" in late.json["error"]["fields"]
    patched = client.patch(f"/api/v1/producer/bookings/{booked['id']}", json={"kg": 10}, headers=farmers[0])
    assert patched.status_code == 409
    assert client.delete(f"/api/v1/producer/bookings/{booked['id']}", headers=farmers[0]).status_code == 409
    assert db.session.get(Booking, booked["id"]).kg == 400


def test_producer_sees_and_changes_only_own_bookings(client, farmers, slots, clock, coordinator):
    mine = _book(client, farmers[0], slots[0]).json
    theirs = _book(client, farmers[1], slots[1]).json
    assert [b["id"] for b in client.get("/api/v1/producer/bookings", headers=farmers[0]).json] == [mine["id"]]
    assert client.get(f"/api/v1/producer/bookings/{theirs['id']}", headers=farmers[0]).status_code == 404
    patched = client.patch(f"/api/v1/producer/bookings/{theirs['id']}", json={"kg": 1}, headers=farmers[0])
    assert patched.status_code == 404
    assert client.delete(f"/api/v1/producer/bookings/{theirs['id']}", headers=farmers[0]).status_code == 404
    forged = client.post("/api/v1/producer/bookings", json={"template_id": slots[0].id, "date": TUESDAY.isoformat(),
                         "kg": 1, "pallets": 0, "supplier_id": theirs["supplier_id"]}, headers=farmers[0])
    assert forged.status_code == 403
    assert len(client.get("/api/v1/producer/bookings", headers=coordinator).json) == 2


def test_wrong_weekday_and_bad_input_name_the_field(client, farmers, slots, clock):
    wrong_day = _book(client, farmers[0], slots[0], day=MONDAY + timedelta(days=2))
    assert wrong_day.status_code == 422 and "date" in wrong_day.json["error"]["fields"]
    negative = _book(client, farmers[0], slots[0], kg=-5)
    assert negative.status_code == 422 and "kg" in negative.json["error"]["fields"]
    assert count(Booking) == 0


def test_other_roles_cannot_book(client, make_user, slots, clock):
    _, driver = make_user(Role.DRIVER)
    assert _book(client, driver, slots[0]).status_code == 403


def test_last_place_goes_to_exactly_one_of_two_concurrent_bookings(app, farmers, slots, clock):
    """Two producers book the last 600 kg at the same moment: one wins, capacity holds."""
    _book(app.test_client(), farmers[0], slots[0], kg=400)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def book(headers):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            results.append(_book(client, headers, slots[0], kg=600, pallets=1).status_code)
            db.session.remove()

    threads = [threading.Thread(target=book, args=(h,)) for h in farmers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [201, 409]
    db.session.expire_all()
    slot = db.session.scalar(sa.select(PickupSlot).where(PickupSlot.template_id == slots[0].id))
    assert slot.booked_kg == 1000 and slot.booked_pallets == 2
    assert count(Booking) == 2


def test_booking_becomes_a_pickup_and_is_confirmed_after_planning(client, farmers, slots, clock, day, world):
    pickup = _book(client, farmers[0], slots[0], kg=300, pallets=1).json
    dropoff = _book(client, farmers[0], slots[1], kg=100, pallets=0.5).json
    # Give the Tuesday a delivery too, so the vehicle has a reason to be out.
    plan = planning.plan_day(world.terminal, TUESDAY, time_limit_s=1)
    stops = [s for r in plan.routes for s in r.stops]
    farm_stop = next(s for s in stops if s.job_key == f"bk:{pickup['id']}")
    assert farm_stop.kind.value == "pickup" and farm_stop.supplier_id == world.farm.id
    seen = client.get(f"/api/v1/producer/bookings/{pickup['id']}", headers=farmers[0]).json
    confirmed = datetime.fromisoformat(seen["confirmed_time"]).astimezone(tz())
    assert time(9) <= confirmed.time() <= time(12)
    drop = client.get(f"/api/v1/producer/bookings/{dropoff['id']}", headers=farmers[0]).json
    assert datetime.fromisoformat(drop["confirmed_time"]).astimezone(tz()).time() == time(6)


def test_slot_templates_are_coordinator_crud(client, coordinator, farmers, world):
    body = {"terminal_id": world.terminal.id, "name": "Fredag", "kind": "farm_pickup", "weekday": 4,
            "start": "10:00", "end": "09:00", "capacity_kg": 500, "capacity_pallets": 2}
    assert client.post("/api/v1/slot-templates/", json=body, headers=coordinator).status_code == 422
    body["end"] = "12:00"
    assert client.post("/api/v1/slot-templates/", json=body, headers=coordinator).status_code == 201
    assert client.post("/api/v1/slot-templates/", json=body, headers=farmers[0]).status_code == 403


def test_unused_date_helper():
    assert TUESDAY.weekday() == 1 and isinstance(MONDAY, date)
