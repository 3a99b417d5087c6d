"""Local producers book pickup (or terminal drop-off) capacity.

Capacity is enforced by one conditional UPDATE on the dated slot row
("add my kg only if it still fits"), so two producers booking the last place
at the same moment cannot both succeed, on SQLite or PostgreSQL, without
locks held across requests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast import clock
from samlast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    Booking,
    BookingStatus,
    Order,
    OrderStatus,
    PickupSlot,
    ProductArea,
    Role,
    SlotTemplate,
    Supplier,
    User,
)
from samlast.models.base import utcnow

MAX_DAYS_AHEAD = 56


def cutoff(template: SlotTemplate, slot_date: date) -> datetime:
    """When booking, changing and cancelling closes for this slot (local time)."""
    day = slot_date - timedelta(days=template.cutoff_days_before)
    return datetime.combine(day, template.cutoff_time, tzinfo=clock.tz())


def now() -> datetime:
    return clock.now()


def _slot_row(template: SlotTemplate, slot_date: date) -> PickupSlot:
    """The dated slot, created on first use (safe when two requests create it at once)."""
    query = sa.select(PickupSlot).where(PickupSlot.template_id == template.id, PickupSlot.slot_date == slot_date)
    slot = db.session.scalar(query)
    if slot is not None:
        return slot
    try:
        with db.session.begin_nested():
            db.session.add(
                PickupSlot(
                    template_id=template.id,
                    slot_date=slot_date,
                    capacity_kg=template.capacity_kg,
                    capacity_pallets=template.capacity_pallets,
                )
            )
    except IntegrityError:
        pass  # the other request created it first
    return db.session.scalars(query).one()


def _check_range(start: date, end: date) -> None:
    if (end - start).days > MAX_DAYS_AHEAD:
        raise ValidationFailed(
            "booking.range_too_long",
            {"max_days": MAX_DAYS_AHEAD},
            {"to": [Message("field.max_days", max=MAX_DAYS_AHEAD)]},
        )


def free_slots(start: date, end: date) -> list[dict[str, Any]]:
    """Every offered slot between two dates with what is left and whether it can be booked.

    ``closed_reason`` says why a slot cannot be booked: ``"cutoff"`` (the last time to book
    has passed) or ``"full"`` (no kg or no pallet place left); None when it can be.
    """
    _check_range(start, end)
    templates = db.session.scalars(sa.select(SlotTemplate).where(SlotTemplate.active.is_(True))).all()
    existing = {
        (s.template_id, s.slot_date): s
        for s in db.session.scalars(
            sa.select(PickupSlot).where(PickupSlot.slot_date >= start, PickupSlot.slot_date <= end)
        )
    }
    moment = now()
    slots = []
    day = start
    while day <= end:
        for template in templates:
            if template.weekday != day.weekday():
                continue
            row = existing.get((template.id, day))
            booked_kg = row.booked_kg if row else 0.0
            booked_pallets = row.booked_pallets if row else 0.0
            capacity_kg = row.capacity_kg if row else template.capacity_kg
            capacity_pallets = row.capacity_pallets if row else template.capacity_pallets
            closes = cutoff(template, day)
            full = capacity_kg - booked_kg <= 0 or capacity_pallets - booked_pallets <= 0
            closed_reason = "cutoff" if moment >= closes else "full" if full else None
            slots.append(
                {
                    "template_id": template.id,
                    "date": day,
                    "name": template.name,
                    "kind": template.kind.value,
                    "start": template.start,
                    "end": template.end,
                    "free_kg": round(capacity_kg - booked_kg, 3),
                    "free_pallets": round(capacity_pallets - booked_pallets, 3),
                    "capacity_kg": capacity_kg,
                    "capacity_pallets": capacity_pallets,
                    "cutoff": closes,
                    "bookable": closed_reason is None,
                    "closed_reason": closed_reason,
                }
            )
        day += timedelta(days=1)
    return slots


def _reserve(slot: PickupSlot, kg: float, pallets: float) -> bool:
    result = db.session.execute(
        sa.update(PickupSlot)
        .where(
            PickupSlot.id == slot.id,
            PickupSlot.booked_kg + kg <= PickupSlot.capacity_kg + 0.0001,
            PickupSlot.booked_pallets + pallets <= PickupSlot.capacity_pallets + 0.0001,
        )
        .values(booked_kg=PickupSlot.booked_kg + kg, booked_pallets=PickupSlot.booked_pallets + pallets)
        .execution_options(synchronize_session=False)
    )
    return cast(sa.CursorResult, result).rowcount == 1


def _room_left_error(slot_id: int, kg: float, pallets: float) -> Conflict:
    """The slot is full: name each quantity that does not fit and what is left of it."""
    slot = db.session.get_one(PickupSlot, slot_id)
    free_kg = round(slot.capacity_kg - slot.booked_kg, 3)
    free_pallets = round(slot.capacity_pallets - slot.booked_pallets, 3)
    fields = {}
    if kg > free_kg + 0.0001:
        fields["kg"] = [Message("field.slot_kg_left", free=max(free_kg, 0.0))]
    if pallets > free_pallets + 0.0001:
        fields["pallets"] = [Message("field.slot_pallets_left", free=max(free_pallets, 0.0))]
    return Conflict("booking.slot_full", {"free_kg": max(free_kg, 0.0), "free_pallets": max(free_pallets, 0.0)}, fields)


def _check_open(template: SlotTemplate, slot_date: date) -> None:
    closes = cutoff(template, slot_date)
    if now() >= closes:
        raise Conflict(
            "booking.closed",
            {"date": slot_date.isoformat(), "closed_at": f"{closes:%Y-%m-%d %H:%M}"},
            {"date": [Message("field.past_cutoff")]},
        )


def _supplier_of(user: User, supplier_id: int | None) -> Supplier:
    if user.role == Role.PRODUCER:
        if supplier_id not in (None, user.supplier_id):
            raise Forbidden("booking.own_farm_only")
        assert user.supplier is not None  # a producer account is always linked to its farm
        return user.supplier
    if supplier_id is None:
        raise ValidationFailed("booking.supplier_required", {}, {"supplier_id": [Message("field.required")]})
    supplier = db.session.get(Supplier, supplier_id)
    if supplier is None:
        raise ValidationFailed(
            "booking.unknown_supplier", {}, {"supplier_id": [Message("field.unknown_reference", id=supplier_id)]}
        )
    return supplier


def supplier_orders(user: User, start: date, end: date, supplier_id: int | None = None) -> list[Order]:
    """Open orders to deliver between two dates, with their delivery points.

    A producer gets only its own farm's orders (whatever `supplier_id` says); a coordinator
    gets every supplier's, or one supplier's with `supplier_id`.
    """
    _check_range(start, end)
    query = (
        sa.select(Order)
        .where(Order.requested_date >= start, Order.requested_date <= end, Order.status == OrderStatus.OPEN)
        .options(selectinload(Order.lines), selectinload(Order.delivery_point))
        .order_by(Order.requested_date, Order.external_id)
    )
    if user.role == Role.PRODUCER:
        query = query.where(Order.supplier_id == user.supplier_id)
    elif supplier_id is not None:
        query = query.where(Order.supplier_id == supplier_id)
    return list(db.session.scalars(query))


def view(booking: Booking) -> dict[str, Any]:
    """A booking as the producer and the coordinator see it: its slot, cut-off, what is left of
    the slot and its orders with the delivery points' names."""
    slot, template = booking.slot, booking.slot.template
    return {
        "id": booking.id,
        "supplier_id": booking.supplier_id,
        "supplier_name": booking.supplier.name,
        "template_id": slot.template_id,
        "slot_name": template.name,
        "kind": template.kind,
        "date": slot.slot_date,
        "start": template.start,
        "end": template.end,
        "status": booking.status,
        "product_area_id": booking.product_area_id,
        "temperature_class": booking.temperature_class,
        "kg": booking.kg,
        "pallets": booking.pallets,
        "order_refs": booking.order_refs,
        "note": booking.note,
        "confirmed_time": booking.confirmed_time,
        "cutoff": cutoff(template, slot.slot_date),
        "slot_free_kg": round(slot.capacity_kg - slot.booked_kg, 3),
        "slot_free_pallets": round(slot.capacity_pallets - slot.booked_pallets, 3),
        "orders": booked_orders(booking),
    }


def list_bookings(user: User) -> list[dict[str, Any]]:
    """A producer's own bookings (every booking for a coordinator), newest slot first, at most 500."""
    query = sa.select(Booking).join(PickupSlot).order_by(PickupSlot.slot_date.desc(), Booking.id.desc())
    if user.role == Role.PRODUCER:
        query = query.where(Booking.supplier_id == user.supplier_id)
    return [view(booking) for booking in db.session.scalars(query.limit(500))]


def booked_orders(booking: Booking) -> list[dict[str, Any]]:
    """A booking's order references with the delivery point each goes to (None: no such order now)."""
    if not booking.order_refs:
        return []
    orders = {
        order.external_id: order
        for order in db.session.scalars(
            sa.select(Order)
            .where(Order.supplier_id == booking.supplier_id, Order.external_id.in_(booking.order_refs))
            .options(selectinload(Order.delivery_point))
        )
    }
    return [
        {
            "external_id": ref,
            "delivery_point_name": orders[ref].delivery_point.name if ref in orders else None,
            "requested_date": orders[ref].requested_date if ref in orders else None,
        }
        for ref in booking.order_refs
    ]


def _checked_order_refs(supplier: Supplier, slot_date: date, refs: list[str]) -> list[str]:
    """The references, each an open order of `supplier` requested for `slot_date`; else 422.

    A reference that is not the supplier's is reported exactly like one that does not exist,
    so a producer learns nothing about other suppliers' orders.
    """
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    if not wanted:
        return []
    found = {
        order.external_id: order
        for order in db.session.scalars(
            sa.select(Order).where(Order.supplier_id == supplier.id, Order.external_id.in_(wanted))
        )
    }
    problems: list[Message] = []
    bad: list[str] = []
    for ref in wanted:
        order = found.get(ref)
        if order is None:
            problems.append(Message("field.order_ref_unknown", ref=ref, supplier=supplier.name))
        elif order.requested_date != slot_date:
            problems.append(Message("field.order_ref_other_date", ref=ref, date=order.requested_date.isoformat()))
        elif order.status != OrderStatus.OPEN:
            problems.append(Message("field.order_ref_cancelled", ref=ref))
        else:
            continue
        bad.append(ref)
    if problems:
        raise ValidationFailed("booking.bad_order_refs", {"refs": ", ".join(bad)}, {"order_refs": problems})
    return wanted


def create_booking(user: User, data: dict[str, Any]) -> Booking:
    template = db.session.get(SlotTemplate, data["template_id"])
    if template is None or not template.active:
        raise ValidationFailed("booking.unknown_slot", {}, {"template_id": [Message("field.no_such_slot")]})
    if template.weekday != data["date"].weekday():
        raise ValidationFailed("booking.wrong_weekday", {}, {"date": [Message("field.wrong_weekday")]})
    supplier = _supplier_of(user, data.get("supplier_id"))
    _check_open(template, data["date"])
    area = db.session.get(ProductArea, data["product_area_id"]) if data.get("product_area_id") else None
    if data.get("product_area_id") and area is None:
        raise ValidationFailed(
            "booking.unknown_product_area",
            {},
            {"product_area_id": [Message("field.unknown_reference", id=data["product_area_id"])]},
        )
    order_refs = _checked_order_refs(supplier, data["date"], data.get("order_refs", []))
    slot = _slot_row(template, data["date"])
    if not _reserve(slot, data["kg"], data["pallets"]):
        # Read what is left before the rollback: a slot row made by this request goes with it.
        error = _room_left_error(slot.id, data["kg"], data["pallets"])
        db.session.rollback()
        raise error
    booking = Booking(
        slot_id=slot.id,
        supplier=supplier,
        created_by_id=user.id,
        product_area=area,
        temperature_class=data.get("temperature_class") or (area.temperature_class if area else "ambient"),
        kg=data["kg"],
        pallets=data["pallets"],
        order_refs=order_refs,
        note=data.get("note", ""),
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def get_booking(user: User, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or (user.role == Role.PRODUCER and booking.supplier_id != user.supplier_id):
        raise NotFound("booking.not_found", {"id": booking_id})
    return booking


def change_booking(user: User, booking: Booking, data: dict[str, Any]) -> Booking:
    if booking.status != BookingStatus.BOOKED:
        raise Conflict("booking.cancelled")
    _check_open(booking.slot.template, booking.slot.slot_date)
    if "order_refs" in data:
        data = {**data, "order_refs": _checked_order_refs(booking.supplier, booking.slot.slot_date, data["order_refs"])}
    kg, pallets = data.get("kg", booking.kg), data.get("pallets", booking.pallets)
    delta_kg, delta_pallets = kg - booking.kg, pallets - booking.pallets
    if (delta_kg or delta_pallets) and not _reserve(booking.slot, delta_kg, delta_pallets):
        slot_id = booking.slot_id
        db.session.rollback()
        raise _room_left_error(slot_id, delta_kg, delta_pallets)
    if data.get("product_area_id") is not None and db.session.get(ProductArea, data["product_area_id"]) is None:
        db.session.rollback()
        raise ValidationFailed(
            "booking.unknown_product_area",
            {},
            {"product_area_id": [Message("field.unknown_reference", id=data["product_area_id"])]},
        )
    for name in ("kg", "pallets", "note", "order_refs", "temperature_class", "product_area_id"):
        if name in data:
            setattr(booking, name, data[name])
    db.session.commit()
    return booking


def cancel_booking(user: User, booking: Booking) -> Booking:
    if booking.status == BookingStatus.CANCELLED:
        return booking
    _check_open(booking.slot.template, booking.slot.slot_date)
    _reserve(booking.slot, -booking.kg, -booking.pallets)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    db.session.commit()
    return booking


def bookings_due(plan_date: date, terminal_id: int) -> list[Booking]:
    """Bookings that become planner jobs on their day."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .join(PickupSlot)
            .join(SlotTemplate)
            .where(
                PickupSlot.slot_date == plan_date,
                SlotTemplate.terminal_id == terminal_id,
                Booking.status == BookingStatus.BOOKED,
            )
            .order_by(Booking.id)
        )
    )


def slot_window(booking: Booking) -> tuple[time, time]:
    return booking.slot.template.start, booking.slot.template.end
