"""Local producers book pickup slots: scoping, cut-off, capacity (also under concurrency)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from samlast.clock import tz
from samlast.extensions import db
from samlast.models import (
    Booking,
    Order,
    OrderLine,
    OrderStatus,
    PickupSlot,
    Role,
    SlotKind,
    SlotTemplate,
    TemperatureClass,
)
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


def _book(client, headers, template, kg=400, pallets=1, day=TUESDAY, refs=None):
    return client.post(
        "/api/v1/producer/bookings",
        json={"template_id": template.id, "date": day.isoformat(), "kg": kg, "pallets": pallets,
              "product_area_id": None, "temperature_class": "ambient", "note": "Potatis",
              **({"order_refs": refs} if refs is not None else {})},
        headers=headers,
    )


@pytest.fixture
def orders(world):
    """The farm's orders: two on Tuesday (one cancelled), one on Wednesday; the wholesaler's on Tuesday."""

    def order(ref, supplier, point, day, status=OrderStatus.OPEN):
        return Order(external_id=ref, supplier=supplier, delivery_point=point, requested_date=day, status=status,
                     lines=[OrderLine(line_no=1, article="Potatis", quantity=4, unit="säck", weight_kg=100,
                                      pallet_places=0.25, temperature_class=TemperatureClass.AMBIENT)])

    rows = [
        order("F-TUE", world.farm, world.school, TUESDAY),
        order("F-TUE-2", world.farm, world.care_home, TUESDAY),
        order("F-GONE", world.farm, world.school, TUESDAY, OrderStatus.CANCELLED),
        order("F-WED", world.farm, world.care_home, TUESDAY + timedelta(days=1)),
        order("W-TUE", world.wholesaler, world.school, TUESDAY),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return {o.external_id: o for o in rows}


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


def test_a_producer_lists_its_own_open_orders_of_a_day_with_the_delivery_points_names(
    client, farmers, orders, coordinator, world
):
    listed = client.get(f"/api/v1/producer/orders?from={TUESDAY}&to={TUESDAY}", headers=farmers[0])
    assert listed.status_code == 200, listed.json
    assert [(o["external_id"], o["delivery_point_name"]) for o in listed.json] == [
        ("F-TUE", "Bergaskolan kök"),
        ("F-TUE-2", "Ljungbacka äldreboende"),
    ]
    assert listed.json[0]["total_weight_kg"] == 100 and listed.json[0]["lines"][0]["article"] == "Potatis"
    # Another supplier's id in the query changes nothing for a producer.
    forged = client.get(f"/api/v1/producer/orders?from={TUESDAY}&to={TUESDAY}&supplier_id={world.wholesaler.id}",
                        headers=farmers[0])
    assert [o["external_id"] for o in forged.json] == ["F-TUE", "F-TUE-2"]
    assert [o["external_id"] for o in client.get(f"/api/v1/producer/orders?from={TUESDAY}&to={TUESDAY}",
                                                  headers=farmers[1]).json] == ["W-TUE"]
    week = client.get(f"/api/v1/producer/orders?from={MONDAY}&to={MONDAY + timedelta(days=6)}", headers=farmers[0])
    assert [o["external_id"] for o in week.json] == ["F-TUE", "F-TUE-2", "F-WED"]
    everyone = client.get(f"/api/v1/producer/orders?from={TUESDAY}&to={TUESDAY}", headers=coordinator).json
    assert {o["external_id"] for o in everyone} == {"F-TUE", "F-TUE-2", "W-TUE"}
    reversed_range = client.get(f"/api/v1/producer/orders?from={TUESDAY}&to={MONDAY}", headers=farmers[0])
    assert reversed_range.status_code == 422 and "to" in reversed_range.json["error"]["fields"]


@pytest.mark.parametrize(
    ("ref", "field_message"),
    [
        ("NOPE-1", "NOPE-1 finns inte bland beställningarna till Ågårdens potatis."),
        ("W-TUE", "W-TUE finns inte bland beställningarna till Ågårdens potatis."),  # the wholesaler's
        ("F-WED", "F-WED ska levereras 2026-12-02, inte den här dagen."),
        ("F-GONE", "F-GONE är makulerad."),
    ],
    ids=["unknown", "other-supplier", "other-date", "cancelled"],
)
def test_a_booking_names_only_the_farms_open_orders_of_its_day(client, farmers, slots, clock, orders, ref,
                                                               field_message):
    refused = _book(client, farmers[0], slots[0], refs=["F-TUE", ref])
    assert refused.status_code == 422, refused.json
    error = refused.json["error"]
    assert error["code"] == "booking.bad_order_refs"
    assert error["message"] == f"Kontrollera beställningarna: {ref} kan inte kopplas till den här bokningen."
    assert error["fields"] == {"order_refs": [field_message]}
    assert count(Booking) == 0
    slot = db.session.scalar(sa.select(PickupSlot))
    assert slot is None or slot.booked_kg == 0  # nothing reserved


def test_own_orders_of_the_day_are_accepted_and_shown_with_their_points(client, farmers, slots, clock, orders):
    booked = _book(client, farmers[0], slots[0], refs=[" F-TUE", "F-TUE-2", "F-TUE"])
    assert booked.status_code == 201, booked.json
    assert booked.json["order_refs"] == ["F-TUE", "F-TUE-2"]
    assert booked.json["orders"] == [
        {"external_id": "F-TUE", "delivery_point_name": "Bergaskolan kök", "requested_date": TUESDAY.isoformat()},
        {"external_id": "F-TUE-2", "delivery_point_name": "Ljungbacka äldreboende",
         "requested_date": TUESDAY.isoformat()},
    ]
    # Changing the references is checked the same way, and in English for an English reader.
    changed = client.patch(f"/api/v1/producer/bookings/{booked.json['id']}", json={"order_refs": ["F-WED"]},
                           headers={**farmers[0], "Accept-Language": "en"})
    assert changed.status_code == 422
    assert changed.json["error"]["fields"] == {
        "order_refs": ["F-WED is to be delivered on 2026-12-02, not on this day."]
    }
    kept = client.patch(f"/api/v1/producer/bookings/{booked.json['id']}", json={"order_refs": ["F-TUE-2"], "kg": 450},
                        headers=farmers[0])
    assert kept.status_code == 200 and kept.json["order_refs"] == ["F-TUE-2"] and kept.json["kg"] == 450


def test_too_many_pallets_are_named_next_to_the_pallets_field(client, farmers, slots, clock):
    """The slot has 1000 kg and 2 pallet places: 3 pallets (at 100 kg) are refused on the pallets field only."""
    refused = _book(client, farmers[0], slots[0], kg=100, pallets=3)
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "booking.slot_full"
    assert error["fields"] == {"pallets": ["Fler än de lediga pallplatserna (2)."]}
    assert error["message"] == "Det finns inte plats kvar i tidsluckan: 1\u00a0000 kg och 2 pallplatser är lediga."
    both = _book(client, farmers[0], slots[0], kg=1500, pallets=2.5)
    assert both.json["error"]["fields"] == {
        "kg": ["Mer än det som är ledigt (1\u00a0000 kg)."],
        "pallets": ["Fler än de lediga pallplatserna (2)."],
    }
    half = _book(client, farmers[0], slots[0], kg=100, pallets=1.5).json
    # Changing a booking: its own places count as free for itself; only what is beyond is refused.
    assert (half["slot_free_kg"], half["slot_free_pallets"]) == (900, 0.5)
    ok = client.patch(f"/api/v1/producer/bookings/{half['id']}", json={"pallets": 2}, headers=farmers[0])
    assert ok.status_code == 200 and (ok.json["slot_free_pallets"], ok.json["pallets"]) == (0, 2)
    over = client.patch(f"/api/v1/producer/bookings/{half['id']}", json={"pallets": 2.5}, headers=farmers[0])
    assert over.status_code == 409
    assert over.json["error"]["fields"] == {"pallets": ["Fler än de lediga pallplatserna (0)."]}


def test_free_slots_say_why_a_slot_is_closed(client, farmers, slots, clock):
    _book(client, farmers[0], slots[0], kg=100, pallets=2)  # every pallet place of the farm pickup
    listed = client.get(f"/api/v1/producer/slots?from={TUESDAY}&to={TUESDAY}", headers=farmers[0]).json
    reasons = {s["kind"]: (s["bookable"], s["closed_reason"]) for s in listed}
    assert reasons == {"farm_pickup": (False, "full"), "terminal_dropoff": (True, None)}
    clock(datetime.combine(MONDAY, time(14, 0)))  # the cut-off of both
    listed = client.get(f"/api/v1/producer/slots?from={TUESDAY}&to={TUESDAY}", headers=farmers[0]).json
    assert {s["closed_reason"] for s in listed} == {"cutoff"}
