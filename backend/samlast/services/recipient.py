"""Kitchen staff: what is coming and when, confirming receipt, history of deliveries."""

from __future__ import annotations

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
    DriverEvent,
    GoodsReceiptLine,
    Order,
    OrderLine,
    OrderStatus,
    ProofLine,
    ProofOfDelivery,
    ReceiptConfirmation,
    ReceiptLine,
    Route,
    Stop,
    User,
)
from samlast.models.receipt import RECEIPT_MISMATCH
from samlast.services import arrivals, idempotency, images, mail, people_csv, planning
from samlast.services import deviations as deviation_words


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
    at_terminal = arrivals.latest_lines(line.id for order in orders for line in order.lines)
    entries = []
    for (point_id, day), day_orders in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        stop = stops.get((point_id, day))
        proof = _latest_proof(point_id, day)
        confirmation = _latest_confirmation(point_id, day)
        proof_lines = _proof_lines(proof)
        receipt_lines = {line.order_line_id: line for line in confirmation.lines} if confirmation else {}
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
                "handed_over_at": proof.event.occurred_at if proof else None,
                "receiver_name": proof.receiver_name if proof else "",
                "confirmed": confirmation is not None,
                "confirmation": _confirmation_summary(confirmation),
                "lines": [
                    _expected_line(
                        order, line, proof_lines.get(line.id), receipt_lines.get(line.id), at_terminal.get(line.id)
                    )
                    for order in day_orders
                    for line in order.lines
                ],
            }
        )
    return entries


def _latest_confirmation(point_id: int, plan_date: date) -> ReceiptConfirmation | None:
    return db.session.scalar(
        sa.select(ReceiptConfirmation)
        .where(ReceiptConfirmation.delivery_point_id == point_id, ReceiptConfirmation.plan_date == plan_date)
        .order_by(ReceiptConfirmation.id.desc())
        .limit(1)
    )


def _proof_lines(proof: ProofOfDelivery | None) -> dict[int, ProofLine]:
    return {line.order_line_id: line for line in proof.lines if line.order_line_id is not None} if proof else {}


def _code(value) -> str | None:
    return value.value if value is not None else None


def _confirmation_summary(confirmation: ReceiptConfirmation | None) -> dict[str, Any] | None:
    """Who confirmed in the kitchen (the name typed on the shared tablet and the account), when."""
    if confirmation is None:
        return None
    return {
        "confirmed_by_name": confirmation.confirmed_by_name,
        "confirmed_by_account": confirmation.user.username,
        "confirmed_at": confirmation.recorded_at,
        "accepted_all": confirmation.accepted_all,
        "note": confirmation.note,
    }


def _expected_line(
    order: Order,
    line: OrderLine,
    left: ProofLine | None,
    received: ReceiptLine | None,
    at_terminal: GoodsReceiptLine | None = None,
) -> dict[str, Any]:
    """An order line with each side's own record: what the driver left and reported, what the
    kitchen received and reported (None / "" where that side has recorded nothing)."""
    return {
        "order_line_id": line.id,
        "order_external_id": order.external_id,
        "supplier_name": order.supplier.name,
        "article": line.article,
        "quantity": line.quantity,
        "unit": line.unit,
        "temperature_class": line.temperature_class.value,
        "delivered_quantity": left.delivered_quantity if left else None,
        "driver_deviation": _code(left.deviation) if left else None,
        "driver_note": left.note if left else "",
        "temperature_c": left.temperature_c if left else None,
        "received_quantity": received.received_quantity if received else None,
        "kitchen_deviation": _code(received.deviation) if received else None,
        "kitchen_note": received.note if received else "",
        # What arrived from the supplier at the terminal: short of `quantity`, it is missing
        # before the truck leaves.
        "terminal_quantity": at_terminal.received_quantity if at_terminal else None,
    }


def _stops_by_point_and_date(points: list[int], start: date, end: date) -> dict[tuple[int, date], Stop]:
    found: dict[tuple[int, date], Stop] = {}
    day = start
    while day <= end:
        plan_ids = [plan.id for plan in planning.current_plans(day)]
        if plan_ids:
            for stop in db.session.scalars(
                sa.select(Stop).join(Route).where(Route.plan_id.in_(plan_ids), Stop.delivery_point_id.in_(points))
            ):
                assert stop.delivery_point_id is not None  # selected by its delivery point
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
    # Each side's record is exactly what that side reported: the kitchen's code is the one it
    # chose (none when it chose none, whatever the quantities); a quantity other than the one
    # the driver left is a fact of its own (receipt_mismatch), never renamed as the kitchen's.
    proof_lines = _proof_lines(proof)
    deviations = []
    for line_id, order_line in order_lines.items():
        left = proof_lines.get(line_id)
        left_quantity = left.delivered_quantity if left else None
        line = given.get(line_id)
        if line is not None:
            received, code, note = line["received_quantity"], line.get("deviation"), line["note"]
        else:  # "all received": what the driver left, or what was ordered when there is no proof
            received, code, note = (left_quantity if left_quantity is not None else order_line.quantity), None, ""
        confirmation.lines.append(
            ReceiptLine(order_line_id=line_id, received_quantity=received, deviation=code, note=note)
        )
        disagreement = deviation_words.disagree(left_quantity, received)
        if code is not None or disagreement:
            deviations.append(
                Deviation(
                    delivery_point_id=point_id,
                    plan_date=data["plan_date"],
                    proof_id=proof.id if proof else None,
                    order_line_id=line_id,
                    code=RECEIPT_MISMATCH if disagreement else code.value,
                    description="",
                    article=order_line.article,
                    unit=order_line.unit,
                    ordered_quantity=order_line.quantity,
                    delivered_quantity=left_quantity,
                    received_quantity=received,
                    driver_code=_code(left.deviation) if left else None,
                    kitchen_code=_code(code),
                    note=note,
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
        queued_mail = mail.queue_confirmation(confirmation)
        db.session.flush()
        mail_id = queued_mail.id if queued_mail is not None else None
        db.session.commit()
    except IntegrityError:
        return idempotency.after_race(ReceiptConfirmation, data["client_id"]), True
    mail.send_later(mail_id)
    return confirmation.response, False


def history(user: User, start: date, end: date, delivery_point_id: int | None = None) -> list[dict[str, Any]]:
    """Past deliveries line by line: ordered, left by the driver (with the driver's own deviation),
    received by the kitchen (with the kitchen's own deviation), and who confirmed in the kitchen."""
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
        point = proof.delivery_point
        assert point is not None  # the query takes proofs left at delivery points only
        confirmation = db.session.scalar(
            sa.select(ReceiptConfirmation)
            .where(ReceiptConfirmation.proof_id == proof.id)
            .order_by(ReceiptConfirmation.id.desc())
            .limit(1)
        )
        received = {line.order_line_id: line for line in confirmation.lines} if confirmation else {}
        summary = _confirmation_summary(confirmation) or {}
        for line in proof.lines:
            kitchen = received.get(line.order_line_id) if line.order_line_id is not None else None
            rows.append(
                {
                    "date": event.plan_date.isoformat(),
                    "delivery_point": point.name,
                    "delivered_at": event.occurred_at,
                    "receiver_name": proof.receiver_name,
                    "article": line.article,
                    "ordered": line.ordered_quantity,
                    "delivered": line.delivered_quantity,
                    "received": kitchen.received_quantity if kitchen else None,
                    "unit": line.unit,
                    "temperature_c": line.temperature_c,
                    "driver_deviation": _code(line.deviation) or "",
                    "driver_note": line.note,
                    "kitchen_deviation": _code(kitchen.deviation) if kitchen and kitchen.deviation else "",
                    "kitchen_note": kitchen.note if kitchen else "",
                    "disagreement": bool(
                        kitchen and deviation_words.disagree(line.delivered_quantity, kitchen.received_quantity)
                    ),
                    "confirmed": confirmation is not None,
                    "confirmed_by_name": summary.get("confirmed_by_name", ""),
                    "confirmed_by_account": summary.get("confirmed_by_account", ""),
                    "confirmed_at": summary.get("confirmed_at"),
                    "confirmation_note": summary.get("note", ""),
                    "proof_id": proof.id,
                }
            )
    return rows


# The CSV's columns (a header is the table text of "csv.history.<column>").
HISTORY_COLUMNS = [
    "date", "delivery_point", "delivered_at", "receiver_name", "article", "ordered", "delivered", "received",
    "unit", "temperature_c", "driver_deviation", "driver_note", "kitchen_deviation", "kitchen_note",
    "disagreement", "confirmed_by_name", "confirmed_by_account", "confirmed_at", "proof_id",
]  # fmt: skip
NUMBER_COLUMNS = {"ordered", "delivered", "received", "temperature_c"}
TIME_COLUMNS = {"delivered_at", "confirmed_at"}


def _cell(column: str, row: dict[str, Any], locale: str, timezone: str) -> Any:
    value = row[column]
    if column in NUMBER_COLUMNS:
        return people_csv.number(value, locale)
    if column in TIME_COLUMNS:
        return deviation_words.local_time(value, timezone)
    if column in {"driver_deviation", "kitchen_deviation"}:
        return deviation_words.code_text(value, locale) if value else ""
    if column == "disagreement":
        return people_csv.yes(value, locale)
    return value


def history_csv(rows: list[dict[str, Any]], locale: str, timezone: str) -> str:
    """The history for Excel in the reader's language (see services.people_csv)."""
    return people_csv.write(
        [f"csv.history.{column}" for column in HISTORY_COLUMNS],
        ([_cell(column, row, locale, timezone) for column in HISTORY_COLUMNS] for row in rows),
        locale,
    )
