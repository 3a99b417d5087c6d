"""Emergency stock (beredskapslager) at a terminal: what is held and for how many days, batches
to use before they expire (first in, first out), and a crisis day's cover when a supplier does not
deliver, care homes first.

Stock leaves as ordinary order lines of the terminal's own supplier "Beredskapslager", so
planning, loading lists, labels, proofs and the timeline show it like any other goods; a
StockIssue row records the batch, the reason and the request."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast import clock
from samlast.errors import NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    DeliveryPointKind,
    Municipality,
    Order,
    OrderLine,
    OrderStatus,
    StockArticle,
    StockBatch,
    StockIssue,
    StockIssueReason,
    StockMinimum,
    StockRequest,
    Supplier,
    SupplierKind,
    Terminal,
    User,
)
from samlast.services import arrivals, goods_in, replan
from samlast.services.stock_rules import Batch, cover_order, days_of_supply, fifo, near_expiry

#: Batches this close to their best-before date are proposed for ordinary deliveries (the
#: default; the app's STOCK_ROTATION_DAYS and a request's rotation_days override it).
ROTATION_DAYS = 14
#: Daily use is the mean over the delivery days of this many past days.
USE_WINDOW_DAYS = 28
STOCK_SUPPLIER_NAME = "Beredskapslager"


def _key(article: str) -> str:
    return " ".join(article.casefold().split())


def stock_supplier(terminal: Terminal) -> Supplier:
    """The terminal's own supplier for goods from its emergency stock (made the first time)."""
    supplier = db.session.scalar(sa.select(Supplier).where(Supplier.terminal_stock_of == terminal.id))
    if supplier is None:
        supplier = Supplier(external_id=f"BEREDSKAP-{terminal.id}", name=STOCK_SUPPLIER_NAME,
                            kind=SupplierKind.WHOLESALER, address=terminal.address, lat=terminal.lat,
                            lon=terminal.lon, terminal_stock_of=terminal.id)  # fmt: skip
        db.session.add(supplier)
        db.session.flush()
    return supplier


def _articles(terminal: Terminal) -> list[StockArticle]:
    return list(db.session.scalars(
        sa.select(StockArticle).where(StockArticle.terminal_id == terminal.id)
        .options(selectinload(StockArticle.batches)).order_by(StockArticle.article)
        .execution_options(populate_existing=True)
    ))  # fmt: skip


def _points(terminal: Terminal) -> list[DeliveryPoint]:
    return list(db.session.scalars(
        sa.select(DeliveryPoint).join(Municipality).where(Municipality.cluster_id == terminal.cluster_id)
        .options(selectinload(DeliveryPoint.municipality)).order_by(DeliveryPoint.name)
    ))  # fmt: skip


def daily_use(terminal: Terminal, today: date) -> dict[tuple[str, int], float]:
    """(article, delivery point id) -> quantity ordered per delivery day, over the delivery days
    of the last USE_WINDOW_DAYS (goods from the stock itself not counted)."""
    start = today - timedelta(days=USE_WINDOW_DAYS)
    rows = db.session.execute(
        sa.select(OrderLine.article, Order.delivery_point_id, Order.requested_date, OrderLine.quantity)
        .join(Order).join(DeliveryPoint).join(Municipality).join(Supplier, Order.supplier_id == Supplier.id)
        .where(Municipality.cluster_id == terminal.cluster_id, Order.status == OrderStatus.OPEN,
               Order.requested_date >= start, Order.requested_date < today, Supplier.terminal_stock_of.is_(None))
    ).all()  # fmt: skip
    days = {row.requested_date for row in rows}
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for row in rows:
        totals[(_key(row.article), row.delivery_point_id)] += row.quantity
    return {key: total / len(days) for key, total in totals.items()} if days else {}


def _minimums(terminal: Terminal) -> dict[str, float]:
    rows = db.session.scalars(sa.select(StockMinimum).where(StockMinimum.terminal_id == terminal.id))
    return {row.kind.value: row.days for row in rows}


def rotation_days(requested: int | None = None) -> int:
    """How near its best-before date a batch is proposed for ordinary deliveries."""
    if requested is not None:
        return requested
    return int(current_app.config.get("STOCK_ROTATION_DAYS", ROTATION_DAYS))


def overview(terminal: Terminal, today: date | None = None, within_days: int | None = None) -> dict[str, Any]:
    """Every article with its batches, days of supply per municipality and in all, the least it
    should be by the minimum levels, and whether it is below; the batches to rotate."""
    today = today or clock.today()
    within = rotation_days(within_days)
    use = daily_use(terminal, today)
    points = _points(terminal)
    minimums = _minimums(terminal)
    held = _articles(terminal)
    articles = []
    for article in held:
        key = _key(article.article)
        per_municipality: dict[str, dict[str, float]] = defaultdict(lambda: {"use": 0.0, "required": 0.0})
        for point in points:
            used = use.get((key, point.id), 0.0)
            if used:
                row = per_municipality[point.municipality.name]
                row["use"] += used
                row["required"] += used * minimums.get(point.kind.value, 0.0)
        quantity = article.quantity
        total_use = sum(row["use"] for row in per_municipality.values())
        required = round(sum(row["required"] for row in per_municipality.values()), 3)
        articles.append({
            "id": article.id, "article": article.article, "unit": article.unit,
            "temperature_class": article.temperature_class.value, "quantity": quantity,
            "daily_use": round(total_use, 3), "days_of_supply": days_of_supply(quantity, total_use),
            "required": required, "below_minimum": quantity < required - 1e-9,
            "batches": [{"id": b.id, "quantity": b.quantity, "best_before": b.best_before,
                         "days_left": (b.best_before - today).days, "note": b.note}
                        for b in article.batches if b.quantity > 1e-9],
            "municipalities": [{"name": name, "daily_use": round(row["use"], 3),
                                "days_of_supply": days_of_supply(quantity, row["use"]),
                                "required": round(row["required"], 3)}
                               for name, row in sorted(per_municipality.items())],
        })  # fmt: skip
    return {
        "today": today,
        "rotation_days": within,
        "use_window_days": USE_WINDOW_DAYS,
        "minimums": [{"kind": kind.value, "days": minimums.get(kind.value, 0.0)} for kind in DeliveryPointKind],
        "articles": articles,
        "proposals": _proposals(held, today, use, points, within),
    }


def _next_delivery(point_id: int, today: date) -> date | None:
    """The next day (today included) the point has goods ordered for: stock rides along with them."""
    return db.session.scalar(
        sa.select(sa.func.min(Order.requested_date))
        .where(Order.delivery_point_id == point_id, Order.requested_date >= today, Order.status == OrderStatus.OPEN)
    )  # fmt: skip


def _proposals(held: list[StockArticle], today: date, use: dict[tuple[str, int], float], points: list[DeliveryPoint],
               within: int) -> list[dict[str, Any]]:  # fmt: skip
    """Batches near their best-before date, earliest first, each with the delivery point that uses
    the article most and its next delivery day (None when no point uses it), and the quantity to
    buy back so the stock stays whole."""
    by_id = {p.id: p for p in points}
    found = []
    for article in held:
        key = _key(article.article)
        users = sorted(((used, pid) for (k, pid), used in use.items() if k == key and pid in by_id), reverse=True)
        target = next(((pid, day) for _, pid in users if (day := _next_delivery(pid, today))), None)
        batches = {b.id: b for b in article.batches}
        for batch in near_expiry([Batch(b.id, b.quantity, b.best_before) for b in article.batches], today,
                                 within):  # fmt: skip
            point = by_id[target[0]] if target else None
            found.append({
                "batch_id": batch.id, "article_id": article.id, "article": article.article, "unit": article.unit,
                "quantity": batch.quantity, "best_before": batch.best_before,
                "days_left": (batch.best_before - today).days, "note": batches[batch.id].note,
                "delivery_point_id": point.id if point else None,
                "delivery_point_name": point.name if point else None,
                "date": target[1] if target else None,
                "replacement_quantity": batch.quantity,
            })  # fmt: skip
    return sorted(found, key=lambda p: (p["best_before"], p["batch_id"]))


# ------------------------------------------------------------------ master data


def create_article(terminal: Terminal, data: dict[str, Any]) -> StockArticle:
    name = " ".join(data["article"].split())
    if not name or not data["unit"].strip():
        empty = {key: [Message("field.required")] for key in ("article", "unit") if not " ".join(data[key].split())}
        raise ValidationFailed("validation_error", {"count": len(empty)}, empty)
    held = db.session.scalars(sa.select(StockArticle.article).where(StockArticle.terminal_id == terminal.id))
    if _key(name) in {_key(article) for article in held}:  # compared here: SQL's lower() knows only ASCII
        raise ValidationFailed("stock.article_exists", {"article": name},
                               {"article": [Message("field.already_used", value=name)]})  # fmt: skip
    article = StockArticle(terminal_id=terminal.id, article=name, unit=data["unit"].strip(),
                           temperature_class=data["temperature_class"],
                           weight_kg_per_unit=data.get("weight_kg_per_unit") or 1.0)  # fmt: skip
    for batch in data.get("batches") or []:
        article.batches.append(StockBatch(quantity=batch["quantity"], best_before=batch["best_before"],
                                          note=batch.get("note", "")))  # fmt: skip
    db.session.add(article)
    db.session.commit()
    return article


def add_batch(user: User, article_id: int, data: dict[str, Any]) -> StockBatch:
    article = _own_article(user, article_id)
    batch = StockBatch(article=article, quantity=data["quantity"], best_before=data["best_before"],
                       note=data.get("note", ""))  # fmt: skip
    db.session.add(batch)
    db.session.commit()
    return batch


def _own_article(user: User, article_id: int) -> StockArticle:
    """The article if the user may keep its terminal's stock (the coordinator: any terminal)."""
    article = db.session.get(StockArticle, article_id)
    if article is None:
        raise NotFound("stock.no_article", {"id": article_id})
    try:
        goods_in.terminal_of(user, article.terminal_id)
    except NotFound:
        raise NotFound("stock.no_article", {"id": article_id}) from None
    return article


def _own_batch(user: User, batch_id: int) -> StockBatch:
    batch = db.session.get(StockBatch, batch_id)
    if batch is None:
        raise NotFound("stock.no_batch", {"id": batch_id})
    try:
        goods_in.terminal_of(user, batch.article.terminal_id)
    except NotFound:
        raise NotFound("stock.no_batch", {"id": batch_id}) from None
    return batch


def _issued_from(batch_ids: list[int]) -> int:
    if not batch_ids:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockIssue)
                             .where(StockIssue.batch_id.in_(batch_ids))) or 0  # fmt: skip


def update_article(user: User, article_id: int, data: dict[str, Any]) -> StockArticle:
    """Correct an article; order lines already issued from it keep what they were issued as."""
    article = _own_article(user, article_id)
    errors: dict[str, list[Message]] = {}
    name = " ".join(data["article"].split()) if "article" in data else article.article
    unit = data["unit"].strip() if "unit" in data else article.unit
    for key, value in (("article", name), ("unit", unit)):
        if not value:
            errors[key] = [Message("field.required")]
    if name and _key(name) != _key(article.article):
        held = db.session.scalars(sa.select(StockArticle.article).where(
            StockArticle.terminal_id == article.terminal_id, StockArticle.id != article.id))  # fmt: skip
        if _key(name) in {_key(other) for other in held}:
            errors["article"] = [Message("field.already_used", value=name)]
    if errors:
        raise ValidationFailed("validation_error", {"count": len(errors)}, errors)
    article.article, article.unit = name, unit
    if "temperature_class" in data:
        article.temperature_class = data["temperature_class"]
    if "weight_kg_per_unit" in data:
        article.weight_kg_per_unit = data["weight_kg_per_unit"]
    db.session.commit()
    return article


def delete_article(user: User, article_id: int) -> None:
    """Remove an article never issued from; one that was stays (its issues are records): its
    batches can be counted down to 0 instead."""
    article = _own_article(user, article_id)
    used = _issued_from([batch.id for batch in article.batches])
    if used:
        raise ValidationFailed("stock.article_in_use", {"article": article.article, "n": used},
                               {"article": [Message("field.stock_in_use", value=article.article, n=used)]})  # fmt: skip
    db.session.delete(article)
    db.session.commit()


def update_batch(user: User, batch_id: int, data: dict[str, Any]) -> StockBatch:
    """Correct a batch, e.g. after a stock count; what was issued from it keeps its own quantity
    and best-before date."""
    batch = _own_batch(user, batch_id)
    for key in ("quantity", "best_before", "note"):
        if key in data:
            setattr(batch, key, data[key])
    db.session.commit()
    return batch


def delete_batch(user: User, batch_id: int) -> None:
    """Remove a batch entered by mistake; one issued from stays (set its quantity to 0 instead)."""
    batch = _own_batch(user, batch_id)
    used = _issued_from([batch.id])
    if used:
        raise ValidationFailed("stock.batch_in_use", {"date": batch.best_before.isoformat(), "n": used},
                               {"batch_id": [Message("field.stock_batch_in_use", value=batch.best_before.isoformat(),
                                                     n=used)]})  # fmt: skip
    db.session.delete(batch)
    db.session.commit()


def set_minimums(terminal: Terminal, rows: list[dict[str, Any]]) -> None:
    existing = {row.kind: row for row in db.session.scalars(
        sa.select(StockMinimum).where(StockMinimum.terminal_id == terminal.id))}  # fmt: skip
    for row in rows:
        current = existing.get(row["kind"])
        if current is None:
            db.session.add(StockMinimum(terminal_id=terminal.id, kind=row["kind"], days=row["days"]))
        else:
            current.days = row["days"]
    db.session.commit()


# ------------------------------------------------------------------ issues


def _stock_line(terminal: Terminal, point: DeliveryPoint, day: date, article: StockArticle,
                quantity: float) -> OrderLine:  # fmt: skip
    """A line on the point's order of the day from the terminal's emergency stock."""
    supplier = stock_supplier(terminal)
    external_id = f"BEREDSKAP-{terminal.id}-{point.id}-{day.isoformat()}"
    order = db.session.scalar(sa.select(Order).where(Order.external_id == external_id))
    if order is None:
        order = Order(external_id=external_id, delivery_point=point, supplier=supplier, requested_date=day,
                      note=STOCK_SUPPLIER_NAME)  # fmt: skip
        db.session.add(order)
    line = OrderLine(line_no=len(order.lines) + 1, article=article.article, quantity=round(quantity, 6),
                     unit=article.unit, weight_kg=round(quantity * article.weight_kg_per_unit, 3),
                     temperature_class=article.temperature_class)  # fmt: skip
    order.lines.append(line)
    return line


def _issue(line: OrderLine, batch: StockBatch, quantity: float, reason: StockIssueReason, user: User | None,
           request_id: str, covers: int | None = None) -> StockIssue:  # fmt: skip
    batch.quantity = round(batch.quantity - quantity, 6)
    issue = StockIssue(order_line=line, batch=batch, quantity=quantity, best_before=batch.best_before, reason=reason,
                       covers_supplier_id=covers, created_by_id=user.id if user else None, request_id=request_id)
    db.session.add(issue)
    return issue


def _replayed(request_id: str) -> list[StockIssue] | None:
    """The issues a request already made (possibly none), or None when it is new."""
    if db.session.scalar(sa.select(StockRequest.id).where(StockRequest.client_id == request_id)) is None:
        return None
    return list(db.session.scalars(sa.select(StockIssue).where(StockIssue.request_id == request_id)
                                   .order_by(StockIssue.id)))  # fmt: skip


def _claim(request_id: str, user: User | None) -> bool:
    """Take the request's client id before any stock is taken; False when another copy of the
    same request has it already (its transaction is rolled back here, nothing written)."""
    db.session.add(StockRequest(client_id=request_id, user_id=user.id if user else None))
    try:
        db.session.flush()  # no savepoint: SQLite's driver would commit on releasing it
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _client_id_taken() -> None:
    raise ValidationFailed("validation_error", {"count": 1}, {"client_id": [Message("field.client_id_taken")]})


def _locked_batches(ids: list[int]) -> None:
    """Lock the batches' rows until commit (PostgreSQL; SQLite writes one at a time anyway), so
    two requests at once never take the same stock twice."""
    if ids:
        db.session.execute(sa.select(StockBatch.id).where(StockBatch.id.in_(ids)).with_for_update())


def add_to_delivery(terminal: Terminal, user: User | None, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Use (part of) a batch in a point's ordinary delivery: rotation, first in first out."""
    _locked_batches([data["batch_id"]])  # first: a copy of this request may hold it and be about to commit
    done = _replayed(data["client_id"])
    if done:
        return _issue_answer(done[0]), True
    if done is not None:  # the client id of another request (a crisis cover that took nothing)
        _client_id_taken()
    if not _claim(data["client_id"], user):  # rolled back with everything else if the request is refused
        again = _replayed(data["client_id"])  # the other copy's answer
        if not again:
            raise ValidationFailed("validation_error", {"count": 1}, {"client_id": [Message("field.client_id_taken")]})
        return _issue_answer(again[0]), True
    batch = db.session.get(StockBatch, data["batch_id"], populate_existing=True)
    point = db.session.get(DeliveryPoint, data["delivery_point_id"])
    errors: dict[str, list[Message]] = {}
    if batch is None or batch.article.terminal_id != terminal.id:
        errors["batch_id"] = [Message("field.unknown_reference", id=data["batch_id"])]
    if point is None or point.municipality.cluster_id != terminal.cluster_id:
        errors["delivery_point_id"] = [Message("field.unknown_reference", id=data["delivery_point_id"])]
    if data["date"] < clock.today():
        errors["date"] = [Message("field.stock_date_past", value=data["date"].isoformat())]
    if batch is not None and data["quantity"] > batch.quantity + 1e-9:
        errors["quantity"] = [Message("field.stock_more_than_left", value=data["quantity"], left=batch.quantity,
                                      unit=batch.article.unit)]  # fmt: skip
    if batch is not None and batch.best_before < data["date"]:
        errors["batch_id"] = [Message("field.stock_expired", date=batch.best_before.isoformat())]
    if errors:
        db.session.rollback()  # the claim too: the request may come again, corrected
        raise ValidationFailed("validation_error", {"count": len(errors)}, errors)
    assert batch is not None and point is not None
    line = _stock_line(terminal, point, data["date"], batch.article, data["quantity"])
    issue = _issue(line, batch, data["quantity"], StockIssueReason.ROTATION, user, data["client_id"])
    db.session.commit()
    replan.replan_dates([data["date"]], "goods from the emergency stock")
    return _issue_answer(issue), False


def _issue_answer(issue: StockIssue) -> dict[str, Any]:
    line = issue.order_line
    point = line.order.delivery_point
    return {"order_line_id": line.id, "order_id": line.order_id, "delivery_point_name": point.name,
            "kind": point.kind.value, "date": line.order.requested_date, "article": line.article,
            "quantity": issue.quantity, "unit": line.unit, "best_before": issue.best_before}  # fmt: skip


def missing_from(terminal: Terminal, day: date, supplier_id: int) -> list[dict[str, Any]]:
    """What the supplier's orders of the day lack at the terminal: all of it when nothing was
    received from it, else what goods in found short; less what stock already covers."""
    orders = list(db.session.scalars(
        sa.select(Order).join(DeliveryPoint).join(Municipality)
        .where(Municipality.cluster_id == terminal.cluster_id, Order.requested_date == day,
               Order.supplier_id == supplier_id, Order.status == OrderStatus.OPEN)
        .options(selectinload(Order.lines), selectinload(Order.delivery_point))
    ))  # fmt: skip
    lines = [(order, line) for order in orders for line in order.lines]
    received = arrivals.latest_lines(line.id for _, line in lines)
    covered: dict[tuple[int, str], float] = defaultdict(float)
    for issue in db.session.scalars(
        sa.select(StockIssue).join(OrderLine).join(Order)
        .where(StockIssue.covers_supplier_id == supplier_id, Order.requested_date == day)
    ):  # fmt: skip
        covered[(issue.order_line.order.delivery_point_id, _key(issue.order_line.article))] += issue.quantity
    missing = []
    for order, line in lines:
        at_terminal = received.get(line.id)
        short = line.quantity - (at_terminal.received_quantity if at_terminal else 0.0)
        key = (order.delivery_point_id, _key(line.article))
        already = min(covered[key], max(short, 0.0))
        covered[key] -= already
        if short - already > 1e-9:
            missing.append({"order_line_id": line.id, "point": order.delivery_point, "article": line.article,
                            "unit": line.unit, "missing": round(short - already, 6)})  # fmt: skip
    return missing


def crisis(terminal: Terminal, user: User | None, data: dict[str, Any], commit: bool) -> tuple[dict[str, Any], bool]:
    """Cover what a supplier did not deliver from stock, care homes first, earliest best-before
    first. With commit=False only what it would do (nothing written)."""
    supplier = db.session.get(Supplier, data["supplier_id"])
    if supplier is None or supplier.terminal_stock_of is not None:
        unknown = Message("field.unknown_reference", id=data["supplier_id"])
        raise ValidationFailed("validation_error", {"count": 1}, {"supplier_id": [unknown]})
    day = data["date"]
    if commit:
        # Lock first: a copy of this request may hold the stock and be about to commit.
        _locked_batches(list(db.session.scalars(
            sa.select(StockBatch.id).join(StockArticle).where(StockArticle.terminal_id == terminal.id))))  # fmt: skip
        done = _replayed(data["client_id"])
        if done is not None:
            return _crisis_answer(data, [_issue_answer(i) for i in done], [], supplier.name), True
        if not _claim(data["client_id"], user):
            return crisis(terminal, user, data, commit)  # the other copy's answer
    missing = missing_from(terminal, day, supplier.id)
    articles = {_key(a.article): a for a in _articles(terminal)}
    left = {b.id: b.quantity for a in articles.values() for b in a.batches}
    covered, uncovered = [], []
    for index in cover_order([(m["point"].kind.value, m["point"].name) for m in missing]):
        need = missing[index]
        article = articles.get(_key(need["article"]))
        taken = fifo([Batch(b.id, left[b.id], b.best_before) for b in article.batches], need["missing"], day) \
            if article else []  # fmt: skip
        got = round(sum(amount for _, amount in taken), 6)
        for batch, amount in taken:
            left[batch.id] -= amount
            row = {"order_line_id": None, "order_id": None, "delivery_point_name": need["point"].name,
                   "kind": need["point"].kind.value, "article": need["article"], "quantity": amount,
                   "unit": need["unit"], "best_before": batch.best_before, "date": day}  # fmt: skip
            if commit:
                assert article is not None
                stock_batch = next(b for b in article.batches if b.id == batch.id)
                line = _stock_line(terminal, need["point"], day, article, amount)
                issue = _issue(line, stock_batch, amount, StockIssueReason.CRISIS, user, data["client_id"],
                               covers=supplier.id)  # fmt: skip
                db.session.flush()
                row = _issue_answer(issue)
            covered.append(row)
        if need["missing"] - got > 1e-9:
            uncovered.append({"order_line_id": None, "order_id": None, "delivery_point_name": need["point"].name,
                              "kind": need["point"].kind.value, "article": need["article"],
                              "quantity": round(need["missing"] - got, 6), "unit": need["unit"],
                              "best_before": None, "date": day})  # fmt: skip
    if commit:
        db.session.commit()
        if covered:
            replan.replan_dates([day], "goods from the emergency stock")
    return _crisis_answer(data, covered, uncovered, supplier.name), False


def _crisis_answer(data: dict[str, Any], covered: list, uncovered: list, supplier_name: str = "") -> dict[str, Any]:
    return {"date": data["date"], "supplier_id": data["supplier_id"], "supplier_name": supplier_name,
            "covered": covered, "uncovered": uncovered}  # fmt: skip


def is_from_stock(line: OrderLine) -> bool:
    return line.order.supplier.terminal_stock_of is not None
