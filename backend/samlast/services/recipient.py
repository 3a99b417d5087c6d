"""Kitchen staff: what is coming and when, confirming receipt, history of deliveries."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast.errors import NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    Deviation,
    DeviationCode,
    DriverEvent,
    Order,
    OrderLine,
    OrderStatus,
    ProofOfDelivery,
    ReceiptConfirmation,
    ReceiptLine,
    Route,
    Stop,
    User,
)
from samlast.services import idempotency, images, planning


def _points(user: User, delivery_point_id: int | None) -> list[int]:
    points = user.delivery_point_ids
    if delivery_point_id is not None:
        if delivery_point_id not in points:
            raise NotFound("recipient.not_your_point", {"id": delivery_point_id})
        return [delivery_point_id]
    return points


def _latest_proof(point_id: int, plan_date: date) -> ProofOfDelivery | None:
    return db.session.scalar(
        sa.select(ProofOfDelivery)
        .join(DriverEvent)
        .where(ProofOfDelivery.delivery_point_id == point_id, DriverEvent.plan_date == plan_date)
        .order_by(ProofOfDelivery.id.desc())
        .limit(1)
    )


def upcoming(user: User, start: date, end: date, delivery_point_id: int | None = None) -> list[dict[str, Any]]:
    """One entry per delivery point and date with orders, planned time, live ETA and status."""
    points = _points(user, delivery_point_id)
    orders = db.session.scalars(
        sa.select(Order)
        .where(
            Order.delivery_point_id.in_(points),
            Order.requested_date >= start,
            Order.requested_date <= end,
            Order.status == OrderStatus.OPEN,
        )
        .options(selectinload(Order.lines), selectinload(Order.supplier), selectinload(Order.delivery_point))
        .order_by(Order.requested_date, Order.id)
    ).all()
    grouped: dict[tuple[int, date], list[Order]] = defaultdict(list)
    for order in orders:
        grouped[(order.delivery_point_id, order.requested_date)].append(order)
    stops = _stops_by_point_and_date(points, start, end)
    entries = []
    for (point_id, day), day_orders in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        stop = stops.get((point_id, day))
        proof = _latest_proof(point_id, day)
        confirmation = db.session.scalar(
            sa.select(ReceiptConfirmation)
            .where(ReceiptConfirmation.delivery_point_id == point_id, ReceiptConfirmation.plan_date == day)
            .order_by(ReceiptConfirmation.id.desc())
            .limit(1)
        )
        entries.append(
            {
                "delivery_point_id": point_id,
                "delivery_point_name": day_orders[0].delivery_point.name,
                "date": day,
                "time_windows": stop.time_windows if stop else [],
                "planned_arrival": stop.planned_arrival if stop else None,
                "eta": (stop.eta or stop.planned_arrival) if stop else None,
                "stop_id": stop.id if stop else None,
                "job_key": stop.job_key if stop else f"dp:{point_id}",
                "status": stop.status.value if stop else "not_planned",
                "proof_id": proof.id if proof else None,
                "confirmed": confirmation is not None,
                "lines": [
                    {
                        "order_line_id": line.id,
                        "order_external_id": order.external_id,
                        "supplier_name": order.supplier.name,
                        "article": line.article,
                        "quantity": line.quantity,
                        "unit": line.unit,
                        "temperature_class": line.temperature_class.value,
                        "delivered_quantity": _delivered(proof, line.id),
                    }
                    for order in day_orders
                    for line in order.lines
                ],
            }
        )
    return entries


def _delivered(proof: ProofOfDelivery | None, order_line_id: int) -> float | None:
    if proof is None:
        return None
    return next((line.delivered_quantity for line in proof.lines if line.order_line_id == order_line_id), None)


def _stops_by_point_and_date(points: list[int], start: date, end: date) -> dict[tuple[int, date], Stop]:
    found: dict[tuple[int, date], Stop] = {}
    day = start
    while day <= end:
        plan_ids = [plan.id for plan in planning.current_plans(day)]
        if plan_ids:
            for stop in db.session.scalars(
                sa.select(Stop).join(Route).where(Route.plan_id.in_(plan_ids), Stop.delivery_point_id.in_(points))
            ):
                found[(stop.delivery_point_id, day)] = stop
        day = date.fromordinal(day.toordinal() + 1)
    return found


def confirm(user: User, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Store a confirmation of receipt (idempotent by client_id); returns (answer, replay)."""
    replay = idempotency.replayed_answer(ReceiptConfirmation, data["client_id"], user)
    if replay is not None:
        return replay, True
    point_id = data["delivery_point_id"]
    _points(user, point_id)
    order_lines = {
        line.id: line
        for line in db.session.scalars(
            sa.select(OrderLine)
            .join(Order)
            .where(Order.delivery_point_id == point_id, Order.requested_date == data["plan_date"])
        )
    }
    if not order_lines:
        raise ValidationFailed(
            "recipient.nothing_ordered",
            {"date": data["plan_date"].isoformat()},
            {"plan_date": [Message("field.no_orders_that_day")]},
        )
    proof = _latest_proof(point_id, data["plan_date"])
    given = {line["order_line_id"]: line for line in data["lines"]}
    unknown = sorted(set(given) - set(order_lines))
    if unknown:
        raise ValidationFailed(
            "recipient.unknown_lines",
            {"count": len(unknown)},
            {"lines": [Message("field.unknown_reference", id=unknown)]},
        )
    for index, photo in enumerate(data["photos"]):
        images.reencode(images.decode_data_url(photo, f"photos.{index}"), f"photos.{index}")
    confirmation = ReceiptConfirmation(
        client_id=data["client_id"],
        user=user,
        delivery_point_id=point_id,
        plan_date=data["plan_date"],
        proof=proof,
        accepted_all=data["accept_all"],
        confirmed_by_name=data["confirmed_by_name"],
        note=data["note"],
        recorded_at=data["recorded_at"].astimezone(UTC),
        photo_count=len(data["photos"]),
    )
    deviations = []
    for line_id, order_line in order_lines.items():
        driver_says = _delivered(proof, line_id)
        line = given.get(line_id)
        received = (
            line["received_quantity"] if line else (driver_says if driver_says is not None else order_line.quantity)
        )
        code = line.get("deviation") if line else None
        if code is None and received < order_line.quantity:
            code = DeviationCode.MISSING
        confirmation.lines.append(
            ReceiptLine(
                order_line_id=line_id, received_quantity=received, deviation=code, note=line["note"] if line else ""
            )
        )
        if code is not None or (driver_says is not None and abs(driver_says - received) > 1e-9):
            disagreement = driver_says is not None and abs(driver_says - received) > 1e-9
            deviations.append(
                Deviation(
                    delivery_point_id=point_id,
                    plan_date=data["plan_date"],
                    proof_id=proof.id if proof else None,
                    order_line_id=line_id,
                    code="receipt_mismatch" if disagreement else code.value,
                    description=(
                        f"{order_line.article}: ordered {order_line.quantity:g} {order_line.unit}, "
                        f"driver delivered {'-' if driver_says is None else f'{driver_says:g}'}, "
                        f"kitchen received {received:g}"
                        + (f" ({code.value})" if code else "")
                        + (f": {line['note']}" if line and line["note"] else "")
                    ),
                )
            )
    db.session.add(confirmation)
    try:
        db.session.flush()
        for deviation in deviations:
            deviation.confirmation_id = confirmation.id
            db.session.add(deviation)
        confirmation.response = {
            "confirmation_id": confirmation.id,
            "client_id": confirmation.client_id,
            "proof_id": proof.id if proof else None,
            "deviations": len(deviations),
            "replay": False,
        }
        db.session.commit()
    except IntegrityError:
        return idempotency.after_race(ReceiptConfirmation, data["client_id"]), True
    return confirmation.response, False


def history(user: User, start: date, end: date, delivery_point_id: int | None = None) -> list[dict[str, Any]]:
    """Past deliveries with what the driver delivered, what the kitchen received, and deviations."""
    points = _points(user, delivery_point_id) if user.role.value == "recipient" else (
        [delivery_point_id] if delivery_point_id else None
    )
    query = (
        sa.select(ProofOfDelivery, DriverEvent)
        .join(DriverEvent)
        .where(
            DriverEvent.plan_date >= start,
            DriverEvent.plan_date <= end,
            ProofOfDelivery.delivery_point_id.is_not(None),
        )
        .order_by(DriverEvent.plan_date, ProofOfDelivery.id)
    )
    if points is not None:
        query = query.where(ProofOfDelivery.delivery_point_id.in_(points))
    rows = []
    for proof, event in db.session.execute(query):
        confirmation = db.session.scalar(
            sa.select(ReceiptConfirmation)
            .where(ReceiptConfirmation.proof_id == proof.id)
            .order_by(ReceiptConfirmation.id.desc())
            .limit(1)
        )
        received = {line.order_line_id: line for line in confirmation.lines} if confirmation else {}
        for line in proof.lines:
            kitchen = received.get(line.order_line_id)
            rows.append(
                {
                    "date": event.plan_date.isoformat(),
                    "delivery_point": proof.delivery_point.name,
                    "delivered_at": event.recorded_at.isoformat(),
                    "receiver_name": proof.receiver_name,
                    "article": line.article,
                    "ordered": line.ordered_quantity,
                    "delivered": line.delivered_quantity,
                    "received": kitchen.received_quantity if kitchen else None,
                    "unit": line.unit,
                    "temperature_c": line.temperature_c,
                    "driver_deviation": line.deviation.value if line.deviation else "",
                    "kitchen_deviation": kitchen.deviation.value if kitchen and kitchen.deviation else "",
                    "proof_id": proof.id,
                }
            )
    return rows


HISTORY_COLUMNS = [
    "date", "delivery_point", "delivered_at", "receiver_name", "article", "ordered", "delivered",
    "received", "unit", "temperature_c", "driver_deviation", "kitchen_deviation", "proof_id",
]  # fmt: skip


def history_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HISTORY_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
