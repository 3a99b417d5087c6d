"""Goods in at the terminal: the day's expected arrivals per supplier (from the orders), and a
supplier's delivery received line by line by terminal staff (idempotent by client id, like the
driver's records: the device's outbox may send it again).

A received line short of what was ordered is known before the route leaves:

- the kitchen sees it on its upcoming delivery (services/recipient: ``terminal_quantity``);
- the coordinator sees it in "to handle": a deviation with the goods-in record;
- the planned stop's load is corrected for what did not arrive, and the planning of the day
  loads only what arrived (services/planning via services/arrivals);
- a stop with nothing left to bring starts a re-plan of the day (services/replan).

Nothing recorded is changed: not the stop's status, not a proof, not an earlier goods-in
record (a correction is a new record, and the latest one counts).
"""

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
    DeliveryPoint,
    Deviation,
    GoodsInDeviation,
    GoodsReceipt,
    GoodsReceiptLine,
    Municipality,
    Order,
    OrderLine,
    OrderStatus,
    Role,
    Route,
    Stop,
    StopStatus,
    Supplier,
    TemperatureClass,
    Terminal,
    User,
)
from samlast.services import arrivals, despatch, idempotency, images, notify, planning, replan

#: The warmest reading accepted at goods in, per temperature class (°C). Chilled food is kept at
#: +8 °C at most (Livsmedelsverket's guidance for cold storage); frozen at −18 °C, with the
#: −15 °C tolerance allowed briefly during transport and handling.
TEMPERATURE_LIMITS_C = {TemperatureClass.CHILLED: 8.0, TemperatureClass.FROZEN: -15.0}
#: A quantity this much below the ordered one is short (rounding of weighed goods aside).
SHORT_TOLERANCE = 1e-6


def terminal_of(user: User, terminal_id: int | None = None) -> Terminal:
    """The terminal asked about: terminal staff only ever their own; the coordinator any (the
    first one when none is named)."""
    if user.role == Role.TERMINAL:
        if terminal_id not in (None, user.terminal_id):
            raise NotFound("goods_in.terminal_not_found")
        terminal = user.terminal
    elif terminal_id is not None:
        terminal = db.session.get(Terminal, terminal_id)
    else:
        terminal = db.session.scalar(sa.select(Terminal).order_by(Terminal.id).limit(1))
    if terminal is None:
        raise NotFound("goods_in.terminal_not_found")
    return terminal


def _orders(terminal: Terminal, day: date, supplier_id: int | None = None) -> list[Order]:
    query = (
        sa.select(Order)
        .join(DeliveryPoint)
        .join(Municipality)
        .join(Supplier, Order.supplier_id == Supplier.id)
        # Goods from the emergency stock are at the terminal already: nobody delivers them.
        .where(Municipality.cluster_id == terminal.cluster_id, Order.requested_date == day,
               Order.status == OrderStatus.OPEN, Supplier.terminal_stock_of.is_(None))
        .options(selectinload(Order.lines), selectinload(Order.supplier), selectinload(Order.delivery_point))
        .order_by(Order.supplier_id, Order.delivery_point_id, Order.id)
    )  # fmt: skip
    if supplier_id is not None:
        query = query.where(Order.supplier_id == supplier_id)
    return list(db.session.scalars(query))


def _stops(terminal: Terminal, day: date) -> dict[int, Stop]:
    """Delivery point id -> its stop in the day's current plan."""
    plan = planning.current_plan(terminal.id, day)
    if plan is None:
        return {}
    stops = db.session.scalars(
        sa.select(Stop).join(Route).where(Route.plan_id == plan.id, Stop.delivery_point_id.is_not(None))
        .options(selectinload(Stop.route).selectinload(Route.vehicle))
    )  # fmt: skip
    return {stop.delivery_point_id: stop for stop in stops if stop.delivery_point_id is not None}


def _receipts(terminal: Terminal, day: date) -> dict[int, GoodsReceipt]:
    """Supplier id -> its latest goods-in record of the day."""
    rows = db.session.scalars(
        sa.select(GoodsReceipt).where(GoodsReceipt.terminal_id == terminal.id, GoodsReceipt.plan_date == day)
        .order_by(GoodsReceipt.received_at, GoodsReceipt.id)
    )  # fmt: skip
    return {receipt.supplier_id: receipt for receipt in rows}


def expected(user: User, day: date, terminal_id: int | None = None) -> dict[str, Any]:
    """The day's expected arrivals at the terminal, per supplier: the order lines, for which
    delivery point and planned stop, and whether (and how) goods in has received them."""
    terminal = terminal_of(user, terminal_id)
    orders = _orders(terminal, day)
    stops = _stops(terminal, day)
    receipts = _receipts(terminal, day)
    received = arrivals.latest_lines(line.id for order in orders for line in order.lines)
    shipped = despatch.announced([line.id for order in orders for line in order.lines])
    by_supplier: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        by_supplier[order.supplier_id].append(order)
    suppliers = []
    for supplier_id, supplier_orders in by_supplier.items():
        receipt = receipts.get(supplier_id)
        lines = []
        for order in supplier_orders:
            stop = stops.get(order.delivery_point_id)
            for line in order.lines:
                got = received.get(line.id)
                lines.append({
                    "order_line_id": line.id,
                    "order_external_id": order.external_id,
                    "article": line.article,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "weight_kg": line.weight_kg,
                    "temperature_class": line.temperature_class.value,
                    "temperature_limit_c": TEMPERATURE_LIMITS_C.get(line.temperature_class),
                    "delivery_point_id": order.delivery_point_id,
                    "delivery_point_name": order.delivery_point.name,
                    "vehicle_name": stop.route.vehicle.name if stop else None,
                    "trip": stop.route.trip + 1 if stop else None,
                    "stop_sequence": stop.sequence if stop else None,
                    "announced_quantity": shipped[line.id].shipped_quantity if line.id in shipped else None,
                    "received_quantity": got.received_quantity if got else None,
                    "deviation": got.deviation.value if got and got.deviation else None,
                })  # fmt: skip
        suppliers.append({
            "supplier_id": supplier_id,
            "supplier_name": supplier_orders[0].supplier.name,
            "received": receipt is not None,
            "receipt_id": receipt.id if receipt else None,
            "received_at": receipt.received_at if receipt else None,
            "received_by": (receipt.user.display_name or receipt.user.username) if receipt else None,
            "supplier_driver_name": receipt.supplier_driver_name if receipt else None,
            "lines": lines,
        })  # fmt: skip
    suppliers.sort(key=lambda entry: (entry["received"], entry["supplier_name"]))
    return {"terminal_id": terminal.id, "terminal_name": terminal.name, "date": day, "suppliers": suppliers}


def _line_errors(lines: list[dict[str, Any]], order_lines: dict[int, OrderLine]) -> dict[str, list[Message]]:
    """Every problem of every line at once, named by field and line number (1-based)."""
    errors: dict[str, list[Message]] = {}
    for number, line in enumerate(lines, start=1):
        order_line = order_lines.get(line["order_line_id"])
        if order_line is None:
            errors[f"lines.{number}.order_line_id"] = [Message("field.unknown_reference", id=line["order_line_id"])]
            continue
        limit = TEMPERATURE_LIMITS_C.get(order_line.temperature_class)
        if limit is not None and line.get("temperature_c") is None:
            errors[f"lines.{number}.temperature_c"] = [Message("field.goods_in_temperature_required",
                                                               article=order_line.article)]  # fmt: skip
        if line["received_quantity"] > order_line.quantity and line.get("deviation") != GoodsInDeviation.NOT_ORDERED:
            errors[f"lines.{number}.received_quantity"] = [Message(
                "field.goods_in_more_than_ordered", article=order_line.article, ordered=float(order_line.quantity),
                unit=order_line.unit)]  # fmt: skip
    return errors


def receive(user: User, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Store a supplier's delivery received at the terminal; returns (answer, replay)."""
    replay = idempotency.replayed_answer(GoodsReceipt, data["client_id"], user)
    if replay is not None:
        return replay, True
    terminal = terminal_of(user, data.get("terminal_id"))
    supplier = db.session.get(Supplier, data["supplier_id"])
    if supplier is None:
        unknown = {"supplier_id": [Message("field.unknown_reference", id=data["supplier_id"])]}
        raise ValidationFailed("goods_in.unknown_supplier", {}, unknown)
    order_lines = {line.id: line for order in _orders(terminal, data["plan_date"], supplier.id) for line in order.lines}
    errors = _line_errors(data["lines"], order_lines)
    given = {line["order_line_id"] for line in data["lines"]}
    missing = sorted(set(order_lines) - given)
    if missing:
        errors["lines"] = [Message("field.goods_in_lines_missing", count=len(missing))]
    if errors:
        raise ValidationFailed("goods_in.invalid", {"count": len(errors)}, errors)
    signature = images.decode_data_url(data["signature"], "signature") if data.get("signature") else None
    if signature is not None:
        images.check(signature, "signature")
    receipt = GoodsReceipt(
        client_id=data["client_id"], user=user, terminal_id=terminal.id, supplier_id=supplier.id,
        plan_date=data["plan_date"], supplier_driver_name=data["supplier_driver_name"], signature_png=signature,
        note=data.get("note", ""), recorded_at=data["recorded_at"].astimezone(UTC),
    )  # fmt: skip
    for number, line in enumerate(data["lines"], start=1):
        order_line = order_lines[line["order_line_id"]]
        photo = None
        if line.get("photo"):
            photo = images.reencode(images.decode_data_url(line["photo"], f"lines.{number}.photo"),
                                    f"lines.{number}.photo")[0]  # fmt: skip
        code = line.get("deviation")
        limit = TEMPERATURE_LIMITS_C.get(order_line.temperature_class)
        if code is None and limit is not None and line["temperature_c"] > limit:
            code = GoodsInDeviation.WRONG_TEMPERATURE  # a reading above the limit is a deviation whatever was chosen
        if code is None and line["received_quantity"] < order_line.quantity - SHORT_TOLERANCE:
            code = GoodsInDeviation.SHORT
        receipt.lines.append(GoodsReceiptLine(
            order_line_id=order_line.id, article=order_line.article, unit=order_line.unit,
            temperature_class=order_line.temperature_class, ordered_quantity=order_line.quantity,
            received_quantity=line["received_quantity"], temperature_c=line.get("temperature_c"),
            deviation=code, note=line.get("note", ""), photo_jpeg=photo,
        ))  # fmt: skip
    db.session.add(receipt)
    try:
        db.session.flush()
        deviations = _deviations(receipt, order_lines)
        corrected, emptied = _correct_loads(terminal, receipt, order_lines)
        notify.after_commit(notify.Event("goods_in", {"receipt_id": receipt.id, "supplier_id": supplier.id,
                                                      "plan_date": receipt.plan_date.isoformat(),
                                                      "deviations": len(deviations)}))  # fmt: skip
        receipt.response = {
            "receipt_id": receipt.id, "client_id": receipt.client_id, "deviations": len(deviations),
            "short_lines": sum(1 for line in receipt.lines if line.received_quantity < line.ordered_quantity),
            "stops_corrected": corrected, "replan": bool(emptied), "replay": False,
        }  # fmt: skip
        db.session.commit()
    except IntegrityError:
        return idempotency.after_race(GoodsReceipt, data["client_id"]), True
    # After the commit: a stop with nothing left to bring is planned away.
    if emptied:
        replan.replan_dates([receipt.plan_date], "goods missing from a supplier")
    return receipt.response, False


def _deviations(receipt: GoodsReceipt, order_lines: dict[int, OrderLine]) -> list[Deviation]:
    """A deviation for the coordinator for every line received short or with a deviation."""
    made = []
    for line in receipt.lines:
        if line.deviation is None:
            continue
        order_line = order_lines[line.order_line_id]  # type: ignore[index]
        deviation = Deviation(
            delivery_point_id=order_line.order.delivery_point_id, plan_date=receipt.plan_date,
            order_line_id=order_line.id, goods_receipt_id=receipt.id,
            code="missing_from_supplier" if line.deviation == GoodsInDeviation.SHORT else line.deviation.value,
            description="", article=line.article, unit=line.unit, ordered_quantity=line.ordered_quantity,
            terminal_quantity=line.received_quantity, note=line.note,
        )  # fmt: skip
        db.session.add(deviation)
        made.append(deviation)
    return made


def _correct_loads(
    terminal: Terminal, receipt: GoodsReceipt, order_lines: dict[int, OrderLine]
) -> tuple[int, list[int]]:
    """Take what did not arrive off the planned stops' loads (and off the vehicle's load before
    them); a stop already under way or done is left as it is. Returns (stops corrected, delivery
    points with nothing left to bring)."""
    stops = _stops(terminal, receipt.plan_date)
    missing: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for line in receipt.lines:
        order_line = order_lines[line.order_line_id]  # type: ignore[index]
        share = 1.0 - arrivals.arrived_share(order_line.quantity, line)
        if share > 0:
            kg_pallets = missing[order_line.order.delivery_point_id][order_line.temperature_class.value]
            kg_pallets[0] += order_line.weight_kg * share
            kg_pallets[1] += order_line.pallet_places * share
    corrected, emptied = 0, []
    for point_id, by_class in missing.items():
        stop = stops.get(point_id)
        if stop is None or stop.status != StopStatus.PLANNED:
            continue
        load = {cls: dict(values) for cls, values in stop.load.items()}
        for cls, (kg, pallets) in by_class.items():
            if cls in load:
                load[cls] = {"kg": round(max(0.0, load[cls]["kg"] - kg), 3),
                             "pallets": round(max(0.0, load[cls]["pallets"] - pallets), 3)}  # fmt: skip
        stop.load = load
        # The vehicle carries it from the terminal to the stop: less on board before the stop.
        for earlier in stop.route.stops:
            if earlier.sequence < stop.sequence:
                after = {cls: dict(values) for cls, values in earlier.load_after.items()}
                for cls, (kg, pallets) in by_class.items():
                    if cls in after:
                        after[cls] = {"kg": round(max(0.0, after[cls]["kg"] - kg), 3),
                                      "pallets": round(max(0.0, after[cls]["pallets"] - pallets), 3)}  # fmt: skip
                earlier.load_after = after
        corrected += 1
        if all(values["kg"] <= SHORT_TOLERANCE and values["pallets"] <= SHORT_TOLERANCE for values in load.values()):
            emptied.append(point_id)
    return corrected, emptied


# --- Supplier follow-up ---------------------------------------------------------------------

FOLLOW_UP_COLUMNS = ("supplier", "week", "deliveries", "on_time", "completeness", "short_lines",
                     "temperature_deviations")  # fmt: skip


def _first_departure(terminal_id: int, day: date):
    """When the day's first route leaves the terminal: a supplier is on time if goods in received
    its delivery before that (None while the day is not planned)."""
    plan = planning.current_plan(terminal_id, day)
    starts = [route.planned_start for route in plan.routes] if plan else []
    return min(starts) if starts else None


def supplier_follow_up(start: date, end: date) -> list[dict[str, Any]]:
    """Per supplier and ISO week: deliveries received, how many before the first route left,
    the share of the ordered weight that arrived, short lines and temperature deviations."""
    receipts = db.session.scalars(
        sa.select(GoodsReceipt).where(GoodsReceipt.plan_date >= start, GoodsReceipt.plan_date <= end)
        .options(selectinload(GoodsReceipt.lines).selectinload(GoodsReceiptLine.order_line),
                 selectinload(GoodsReceipt.supplier))
        .order_by(GoodsReceipt.plan_date, GoodsReceipt.id)
    ).all()  # fmt: skip
    # A later record for the same supplier and day corrects the earlier one: the latest counts.
    latest = {(r.terminal_id, r.supplier_id, r.plan_date): r for r in receipts}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (terminal_id, _, day), receipt in sorted(latest.items(), key=lambda item: (item[1].supplier.name, item[0][2])):
        year, week, _ = day.isocalendar()
        key = (receipt.supplier.name, f"{year}-V{week:02d}")
        row = rows.setdefault(key, {"supplier_id": receipt.supplier_id, "supplier": key[0], "week": key[1],
                                    "deliveries": 0, "on_time": 0, "ordered_kg": 0.0, "arrived_kg": 0.0,
                                    "short_lines": 0, "temperature_deviations": 0})  # fmt: skip
        row["deliveries"] += 1
        departure = _first_departure(terminal_id, day)
        received = receipt.received_at if receipt.received_at.tzinfo else receipt.received_at.replace(tzinfo=UTC)
        if departure is not None and received <= (departure if departure.tzinfo else departure.replace(tzinfo=UTC)):
            row["on_time"] += 1
        for line in receipt.lines:
            weight = line.order_line.weight_kg if line.order_line else 0.0
            row["ordered_kg"] += weight
            row["arrived_kg"] += weight * arrivals.arrived_share(line.ordered_quantity, line)
            row["short_lines"] += line.received_quantity < line.ordered_quantity - SHORT_TOLERANCE
            row["temperature_deviations"] += line.deviation == GoodsInDeviation.WRONG_TEMPERATURE
    result = []
    for row in rows.values():
        ordered = row.pop("ordered_kg")
        arrived = row.pop("arrived_kg")
        row["completeness"] = round(arrived / ordered, 4) if ordered else 1.0
        result.append(row)
    return result


def supplier_follow_up_csv(rows: list[dict[str, Any]], locale: str) -> str:
    """The follow-up for Excel in the reader's language (see services.people_csv)."""
    from samlast.services import people_csv

    def cell(column: str, row: dict[str, Any]) -> Any:
        if column == "completeness":
            return people_csv.number(round(row[column] * 100, 1), locale)
        return row[column] if column in ("supplier", "week") else people_csv.number(row[column], locale)

    return people_csv.write([f"csv.suppliers.{column}" for column in FOLLOW_UP_COLUMNS],
                            ([cell(column, row) for column in FOLLOW_UP_COLUMNS] for row in rows), locale)  # fmt: skip
