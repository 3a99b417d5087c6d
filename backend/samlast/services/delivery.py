"""Recording what drivers do: arrivals, proofs of delivery, departures, positions.

Idempotent by the client's id: a replay returns the first answer unchanged.
The proof, its lines, photos and signature are committed in
one transaction before the answer is sent, so an acknowledged proof is stored.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast.errors import NotFound, StorageFull, ValidationFailed, storage_outage
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    Deviation,
    DeviationCode,
    DriverEvent,
    EventKind,
    GoodsReceiptLine,
    Order,
    OrderLine,
    ProofLine,
    ProofOfDelivery,
    ProofPhoto,
    Role,
    Route,
    Stop,
    StopStatus,
    User,
    VehiclePosition,
)
from samlast.models.base import utcnow
from samlast.services import (
    eta,
    idempotency,
    images,
    lateness,
    mail,
    notify,
    planning,
    push,
    receipts,
    ride_along_stops,
)
from samlast.services.lookups import get_or_404

log = logging.getLogger(__name__)

NEXT_STATUS = {
    EventKind.ARRIVE: StopStatus.ARRIVED,
    EventKind.DELIVER: StopStatus.DONE,
    EventKind.PICKUP: StopStatus.DONE,
    EventKind.LEAVE: StopStatus.DONE,
}
STATUS_RANK = {StopStatus.PLANNED: 0, StopStatus.ARRIVED: 1, StopStatus.SKIPPED: 2, StopStatus.DONE: 2}


def routes_of_driver(user: User, plan_date: date) -> list[Route]:
    plan_ids = [plan.id for plan in planning.current_plans(plan_date)]
    if not plan_ids:
        return []
    routes = list(
        db.session.scalars(
            sa.select(Route)
            .where(Route.plan_id.in_(plan_ids), Route.driver_id == user.id)
            .options(
                # The lines with what goods in received of them (terminal_quantity), in a few queries
                # rather than one per line.
                selectinload(Route.stops).selectinload(Stop.orders).selectinload(Order.lines)
                .selectinload(OrderLine.terminal_records).selectinload(GoodsReceiptLine.receipt)
            )
            .order_by(Route.planned_start)
        )
    )
    for route in routes:
        route.ride_along = ride_along_stops.ride_along_of(route)  # type: ignore[attr-defined]
    return routes


def current_stop(plan_date: date, job_key: str) -> Stop | None:
    plan_ids = [plan.id for plan in planning.current_plans(plan_date)]
    if not plan_ids:
        return None
    return db.session.scalar(
        sa.select(Stop).join(Route).where(Route.plan_id.in_(plan_ids), Stop.job_key == job_key)
    )


def _flag(stop: Stop | None, user: User) -> str:
    """Why a record is kept but set apart for the coordinator, as a table key ("" if it is not)."""
    if stop is None:
        return "flag.not_in_plan"
    if stop.route.driver_id != user.id:
        return "flag.other_driver"
    return ""


def _proof(event: DriverEvent, stop: Stop | None, data: dict[str, Any]) -> ProofOfDelivery:
    proof = ProofOfDelivery(
        event=event,
        delivery_point_id=stop.delivery_point_id if stop else _point_of(event.job_key),
        supplier_id=stop.supplier_id if stop else None,
        receiver_name=data["receiver_name"].strip(),
        note=data["note"],
        crates_returned=data["returns"].get("crates", 0),
        roll_cages_returned=data["returns"].get("roll_cages", 0),
        pallets_returned=data["returns"].get("pallets", 0),
    )
    # Checked here (type by content, size, readable); re-encoded by the worker that renders
    # the receipt (receipts.finish_proof), so the driver's phone gets its answer sooner.
    if data.get("signature"):
        raw = images.decode_data_url(data["signature"], "proof.signature")
        images.check(raw, "proof.signature")
        proof.signature_png = raw
    photos = [images.decode_data_url(photo, f"proof.photos.{index}") for index, photo in enumerate(data["photos"])]
    if photos and not images.room_for(sum(len(raw) for raw in photos)):
        raise StorageFull()  # record_event stores the proof without them
    for index, raw in enumerate(photos):
        content_type, width, height = images.check(raw, f"proof.photos.{index}")
        proof.photos.append(ProofPhoto(content_type=content_type, width=width, height=height, data=raw))
    proof.images_sanitized = False
    line_ids = [line["order_line_id"] for line in data["lines"]]
    known = {
        line.id: line
        for line in db.session.scalars(sa.select(OrderLine).where(OrderLine.id.in_(line_ids)))
    }
    for index, line in enumerate(data["lines"]):
        order_line = known.get(line["order_line_id"])
        if order_line is None:
            raise ValidationFailed(
                "proof.unknown_order_line",
                {"id": line["order_line_id"]},
                {f"proof.lines.{index}.order_line_id": [Message("field.unknown_reference", id=line["order_line_id"])]},
            )
        # Only what the driver chose: a line left short without a code shows as short by its
        # quantities (ordered, left), never as a code the driver did not report.
        deviation = line.get("deviation")
        proof.lines.append(
            ProofLine(
                order_line=order_line,
                article=order_line.article,
                ordered_quantity=order_line.quantity,
                delivered_quantity=line["delivered_quantity"],
                unit=order_line.unit,
                temperature_c=line.get("temperature_c"),
                deviation=deviation,
                note=line["note"],
            )
        )
    if data.get("deviation"):
        proof.deviation = data["deviation"].value
    return proof


def _point_of(job_key: str) -> int | None:

    kind, _, ident = job_key.partition(":")
    if kind != "dp" or not ident.isdigit():
        return None
    return int(ident) if db.session.get(DeliveryPoint, int(ident)) is not None else None


def server_time(recorded_at: datetime, received_at: datetime, client_time: datetime | None) -> datetime:
    """When an event happened by the server's clock: the phone's `recorded_at` moved by the phone's
    clock offset (`client_time`, its clock when it sent the request, against `received_at`) when
    that is more than CLOCK_SKEW_TOLERANCE_S, and never later than the server received it."""
    moment = recorded_at.astimezone(UTC)
    if client_time is not None:
        offset = received_at - client_time.astimezone(UTC)
        if abs(offset.total_seconds()) > float(current_app.config["CLOCK_SKEW_TOLERANCE_S"]):
            moment += offset
    return min(moment, received_at)


def record_event(
    user: User, data: dict[str, Any], client_time: datetime | None = None
) -> tuple[dict[str, Any], bool]:
    """Store one driver event; returns (answer, replay). A replay changes nothing.

    One transaction: the event, its proof, the stop's status, the orders delivered and the
    new ETAs of the rest of the route. Once committed the coordinators, the kitchen being
    served and the next kitchen hear of it; then a driver far behind may start a re-plan.

    If the server's disk is too full for the proof's photos, the proof is stored without them
    (the delivery fact matters most) and the answer says so (`photos_refused`, `photo_notice`);
    nothing of the refused photos is written.
    """
    try:
        return _record_event(user, data, client_time)
    except Exception as exc:
        photos = (data.get("proof") or {}).get("photos") or []
        if not photos or storage_outage(exc) != (507, "storage_full"):
            raise
        log.warning("Disk full: proof %s stored without its %d photo(s)", data["client_id"], len(photos))
        without = {**data, "proof": {**data["proof"], "photos": []}}
        return _record_event(user, without, client_time, photos_refused=len(photos))


def _record_event(
    user: User, data: dict[str, Any], client_time: datetime | None, photos_refused: int = 0
) -> tuple[dict[str, Any], bool]:
    replay = idempotency.replayed_answer(DriverEvent, data["client_id"], user)
    if replay is not None:
        return replay, True

    stop = current_stop(data["plan_date"], data["job_key"])
    flag = _flag(stop, user)
    received = utcnow()
    event = DriverEvent(
        client_id=data["client_id"],
        user=user,
        kind=data["kind"],
        plan_date=data["plan_date"],
        job_key=data["job_key"],
        stop=stop,
        route=stop.route if stop else None,
        recorded_at=data["recorded_at"].astimezone(UTC),
        received_at=received,
        occurred_at=server_time(data["recorded_at"], received, client_time),
        lat=data.get("lat"),
        lon=data.get("lon"),
        flagged=bool(flag),
        flag_reason=flag,
    )
    db.session.add(event)
    proof = None
    try:
        if data.get("proof") is not None:
            with db.session.no_autoflush:
                proof = _proof(event, stop, data["proof"])
            db.session.add(proof)
        if stop is not None and not flag:
            target = NEXT_STATUS[data["kind"]]
            if data.get("proof") and data["proof"].get("deviation") in ("nobody_there", "refused"):
                target = StopStatus.SKIPPED
            if STATUS_RANK[target] >= STATUS_RANK[stop.status]:
                stop.status = target
        if proof is not None and stop is not None and not flag:
            _mark_delivered(proof, event.occurred_at)
        db.session.flush()
        if proof is not None and stop is not None and not flag:
            _report_deviations(proof, stop, event.plan_date)
        queued_mail = mail.queue_receipt(proof) if proof is not None and not flag else None
        if queued_mail is not None:
            db.session.flush()
        event.response = {
            "event_id": event.id,
            "client_id": event.client_id,
            "kind": event.kind.value,
            "stop_id": stop.id if stop else None,
            "stop_status": stop.status.value if stop else None,
            "flagged": event.flagged,
            "flag_reason": event.flag_reason,
            "proof_id": proof.id if proof else None,
            "receipt_url": f"/api/v1/proofs/{proof.id}/receipt.pdf" if proof else None,
            "replay": False,
        }
        if photos_refused:
            event.response |= {"photos_refused": photos_refused, "photo_notice": "err.photo_storage_full",
                               "photo_notice_params": {"count": photos_refused}}  # fmt: skip
        answer, proof_id = event.response, proof.id if proof else None
        mail_id = queued_mail.id if queued_mail is not None else None
        near = _progress(event)
        db.session.commit()
    except IntegrityError:
        # The same client id raced in on another connection: answer with the stored one.
        return idempotency.after_race(DriverEvent, data["client_id"]), True
    except Exception:
        db.session.rollback()
        raise
    if proof_id is not None:
        receipts.render_later(proof_id)
    mail.send_later(mail_id)
    if near is not None:
        push.notify_delivery_point(near["delivery_point_id"], {"type": "vehicle_near", **near})
    lateness.check(event)
    return answer, False


def _progress(event: DriverEvent) -> dict[str, Any] | None:
    """ETAs after `event` and the news of it, published on commit; returns the "vehicle near"
    notice for the next stop's kitchen (sent as Web Push after the commit), if any."""
    notify.after_commit(notify.Event("stop_event", dict(event.response)))
    here = event.stop
    if here is None or event.flagged:
        return None
    if here.delivery_point_id:
        # The kitchen being served sees the hand-over at once (to confirm receipt).
        notify.after_commit(
            notify.Event(
                "stop_status",
                {
                    "stop_id": here.id,
                    "job_key": here.job_key,
                    "delivery_point_id": here.delivery_point_id,
                    "plan_date": event.plan_date.isoformat(),
                    "status": here.status.value,
                    "proof_id": event.proof.id if event.proof else None,
                },
                notify.delivery_point(here.delivery_point_id),
            )
        )
    ahead, next_stop = eta.update_after(event)
    db.session.flush()
    for stop in ahead:
        payload = eta.eta_payload(stop)
        notify.after_commit(notify.Event("eta", payload))
        if stop.delivery_point_id:
            notify.after_commit(notify.Event("eta", payload, notify.delivery_point(stop.delivery_point_id)))
    if next_stop is None or not next_stop.delivery_point_id:
        return None
    near = eta.eta_payload(next_stop)
    notify.after_commit(notify.Event("vehicle_near", near, notify.delivery_point(next_stop.delivery_point_id)))
    return near


def _report_deviations(proof: ProofOfDelivery, stop: Stop, plan_date: date) -> None:
    """What the driver reported goes to the coordinator's list: each line with a code the driver
    chose, and every line of a stop nobody received or that was refused."""
    if stop.delivery_point_id is None:
        return
    refused = proof.deviation in (DeviationCode.NOBODY_THERE, DeviationCode.REFUSED)
    reported: dict[int, ProofLine | None] = {}
    for proof_line in proof.lines:
        if proof_line.deviation is not None or refused:
            # Every line of a proof being recorded names an order line (_proof); it is flushed.
            assert proof_line.order_line_id is not None
            reported[proof_line.order_line_id] = proof_line
    if refused:
        for order_line in (line for order in stop.orders for line in order.lines):
            reported.setdefault(order_line.id, None)
    for order_line_id, line in reported.items():
        # The reported line's own order line (already in the session), or one nobody received.
        order_line = db.session.get_one(OrderLine, order_line_id)
        code = line.deviation.value if line is not None and line.deviation else proof.deviation
        db.session.add(
            Deviation(
                delivery_point_id=stop.delivery_point_id,
                plan_date=plan_date,
                proof_id=proof.id,
                order_line_id=order_line_id,
                code=code,
                driver_code=code,
                article=order_line.article,
                unit=order_line.unit,
                ordered_quantity=order_line.quantity,
                delivered_quantity=line.delivered_quantity if line is not None else 0.0,
            )
        )


def _mark_delivered(proof: ProofOfDelivery, moment: datetime) -> None:
    """Orders whose goods were handed over (a line with a quantity) are delivered from now on."""
    for line in proof.lines:
        order = line.order_line.order if line.order_line is not None else None
        if order is not None and line.delivered_quantity > 0 and order.delivered_at is None:
            order.delivered_at = moment


def record_positions(user: User, positions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store new positions (a resent one is skipped) and pass them on to the coordinators;
    returns the stored ones as plain data."""
    stored = []
    for item in positions:
        recorded = item["recorded_at"].astimezone(UTC)
        duplicate = db.session.scalar(
            sa.select(VehiclePosition.id).where(
                VehiclePosition.user_id == user.id, VehiclePosition.recorded_at == recorded
            )
        )
        if duplicate is None:
            db.session.add(VehiclePosition(user_id=user.id, **{**item, "recorded_at": recorded}))
            stored.append({**item, "recorded_at": recorded})
            notify.after_commit(
                notify.Event(
                    "vehicle_position",
                    {
                        "driver_id": user.id,
                        "route_id": item.get("route_id"),
                        "lat": item["lat"],
                        "lon": item["lon"],
                        "recorded_at": recorded.isoformat(),
                    },
                )
            )
    db.session.commit()
    return stored


def acknowledge_route(user: User, route_id: int, version: Any) -> int | None:
    """The driver's app shows `version` of the route: remember the newest shown; returns the
    acknowledged version, or None if the route is not the driver's."""
    route = db.session.get(Route, route_id)
    if route is None or route.driver_id != user.id:
        return None
    if isinstance(version, int) and version > route.acknowledged_version:
        route.acknowledged_version = min(version, route.version)
        db.session.commit()
    return route.acknowledged_version


def _visible_proofs(user: User, query: sa.Select) -> sa.Select:
    """Proofs a user may see: all for the coordinator, their own points' for kitchen staff, their
    own for a driver, none for anyone else."""
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.RECIPIENT:
        return query.where(ProofOfDelivery.delivery_point_id.in_(user.delivery_point_ids))
    if user.role == Role.DRIVER:
        return query.where(DriverEvent.user_id == user.id)
    return query.where(sa.false())


def proofs_visible(user: User, plan_date: date | None, delivery_point_id: int | None) -> list[ProofOfDelivery]:
    """The newest 500 proofs of delivery the user may see, newest first."""
    query = sa.select(ProofOfDelivery).join(DriverEvent)
    if plan_date is not None:
        query = query.where(DriverEvent.plan_date == plan_date)
    if delivery_point_id is not None:
        query = query.where(ProofOfDelivery.delivery_point_id == delivery_point_id)
    return list(db.session.scalars(_visible_proofs(user, query).order_by(ProofOfDelivery.id.desc()).limit(500)))


def proof_visible(user: User, proof_id: int) -> ProofOfDelivery:
    """One proof the user may see (one they may not is as missing as one that is not there)."""
    query = sa.select(ProofOfDelivery).join(DriverEvent).where(ProofOfDelivery.id == proof_id)
    proof = db.session.scalar(_visible_proofs(user, query))
    if proof is None:
        raise NotFound("proof.not_found", {"id": proof_id})
    return proof


def flagged_events() -> list[DriverEvent]:
    """Events kept although their stop was re-planned away, not yet resolved, oldest first."""
    return list(
        db.session.scalars(
            sa.select(DriverEvent)
            .where(DriverEvent.flagged.is_(True), DriverEvent.resolved.is_(False))
            .order_by(DriverEvent.id)
        )
    )


def resolve_flagged(event_id: int) -> DriverEvent:
    """The coordinator has dealt with a flagged event (the event itself stays as recorded)."""
    event = get_or_404(DriverEvent, event_id, "driver_event.not_found", id=event_id)
    event.resolved = True
    db.session.commit()
    return event


def return_balance() -> list[dict[str, Any]]:

    rows = db.session.execute(
        sa.select(
            DeliveryPoint.id,
            DeliveryPoint.name,
            sa.func.sum(ProofOfDelivery.crates_returned),
            sa.func.sum(ProofOfDelivery.roll_cages_returned),
            sa.func.sum(ProofOfDelivery.pallets_returned),
        )
        .join(ProofOfDelivery, ProofOfDelivery.delivery_point_id == DeliveryPoint.id)
        .group_by(DeliveryPoint.id, DeliveryPoint.name)
        .order_by(DeliveryPoint.name)
    )
    return [
        {"delivery_point_id": i, "name": n, "crates": c or 0, "roll_cages": r or 0, "pallets": p or 0}
        for i, n, c, r, p in rows
    ]
