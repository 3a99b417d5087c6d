"""Rural service: residents' consignments ride along on the municipal routes.

- Agents (role ``agent``, tied to their service points as their delivery points) and the
  coordinator register consignments, one at a time or by CSV (all or nothing).
- ``plan`` inserts the waiting consignments into the current plans of the coming days
  (planning/ride_along.py): municipal stops keep their windows; a consignment no route can
  take before its wait limit gets the reason "no room on a route to <village> before <date>".
- Hand-overs (agent to driver, driver to service point or locker, locker to resident) are
  facts, idempotent by client id like the driver's other records.
- ``track`` answers the public tracking page: what the holder of the code needs, nothing else.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast import clock
from samlast.errors import Forbidden, NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.impact import rural as rural_figures
from samlast.models import (
    HANDOVER_STATUS,
    Consignment,
    ConsignmentHandover,
    ConsignmentStatus,
    DeliveryPoint,
    DeliveryPointKind,
    HandoverKind,
    LockerCompartment,
    Municipality,
    Role,
    Route,
    SizeClass,
    StopStatus,
    Terminal,
    TrackingSubscription,
    User,
)
from samlast.models.rural import STATUS_RANK
from samlast.planning import ride_along as ra
from samlast.planning.model import Location, TimeWindow
from samlast.services import idempotency, images, notify, planning, push
from samlast.services.feedback import stop_windows

#: Tracking codes: no 0/O, 1/I/L, so a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: not guessable at the tracking page's rate limit
#: How long a consignment waits for a route by default (its wait limit), in days.
DEFAULT_WAIT_DAYS = 7
#: The longest wait limit: a consignment is not kept waiting for a route for months.
MAX_WAIT_DAYS = 60
#: Ride-along room per route, in size units (planning.ride_along.SIZE_UNITS): a shelf of crates.
RIDE_ALONG_SPACE_UNITS = 12
DESTINATION_KINDS = (DeliveryPointKind.SERVICE_POINT, DeliveryPointKind.PARCEL_LOCKER)
SIZE_RANK = {size: rank for rank, size in enumerate(SizeClass)}
#: Who records which hand-over: the driver at the agent, at a hub and at the destination, the
#: agent when the resident collects at the service point.
HANDOVER_ROLES = {
    HandoverKind.AGENT_TO_DRIVER: (Role.DRIVER,),
    HandoverKind.DRIVER_TO_HUB: (Role.DRIVER,),
    HandoverKind.HUB_TO_DRIVER: (Role.DRIVER,),
    HandoverKind.DRIVER_TO_POINT: (Role.DRIVER, Role.AGENT),
    HandoverKind.DRIVER_TO_LOCKER: (Role.DRIVER,),
    HandoverKind.TO_RESIDENT: (Role.AGENT, Role.COORDINATOR),
}
#: A day it is expected: planned and not yet at its destination.
ON_THE_WAY = (ConsignmentStatus.PLANNED, ConsignmentStatus.PICKED_UP, ConsignmentStatus.AT_HUB,
              ConsignmentStatus.ONWARD)  # fmt: skip
#: Hand-overs the first route's driver records; the others are the route's that reaches the destination.
FIRST_LEG = (HandoverKind.AGENT_TO_DRIVER, HandoverKind.DRIVER_TO_HUB)
TRANSFER_KINDS = (HandoverKind.DRIVER_TO_HUB, HandoverKind.HUB_TO_DRIVER)
SIGNED_KINDS = (HandoverKind.AGENT_TO_DRIVER, HandoverKind.DRIVER_TO_HUB, HandoverKind.HUB_TO_DRIVER,
                HandoverKind.DRIVER_TO_POINT)  # fmt: skip


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalised_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# --- Scope ----------------------------------------------------------------------------------


def _visible(user: User, query: sa.Select) -> sa.Select:
    """Agents see the consignments picked up or delivered at their own points; the coordinator all."""
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.AGENT:
        mine = user.delivery_point_ids
        return query.where(sa.or_(Consignment.pickup_point_id.in_(mine), Consignment.destination_point_id.in_(mine)))
    raise Forbidden()


def consignments(user: User, status: ConsignmentStatus | None = None) -> list[Consignment]:
    query = _visible(user, sa.select(Consignment)).options(
        selectinload(Consignment.pickup_point), selectinload(Consignment.destination_point)
    )
    if status is not None:
        query = query.where(Consignment.status == status)
    return list(db.session.scalars(query.order_by(Consignment.created_at.desc(), Consignment.id.desc()).limit(500)))


def consignment(user: User, consignment_id: int) -> Consignment:
    found = db.session.scalar(_visible(user, sa.select(Consignment)).where(Consignment.id == consignment_id))
    if found is None:
        raise NotFound("rural.consignment_not_found")
    return found


def places(user: User) -> list[DeliveryPoint]:
    """The points an agent registers at (its own) and every destination (service points, lockers)."""
    query = sa.select(DeliveryPoint).where(DeliveryPoint.kind.in_(DESTINATION_KINDS)).order_by(DeliveryPoint.name)
    return list(db.session.scalars(query.options(selectinload(DeliveryPoint.municipality))))


# --- Registering ----------------------------------------------------------------------------


def check_references(
    user: User, data: dict[str, Any], points: dict[int, DeliveryPoint], field_prefix: str = ""
) -> dict[str, list[Message]]:
    """Field -> messages for one consignment's references (empty: fine)."""
    errors: dict[str, list[Message]] = {}
    destination = points.get(data.get("destination_point_id") or 0)
    if destination is None or destination.kind not in DESTINATION_KINDS:
        errors[f"{field_prefix}destination_point_id"] = [Message("field.rural_not_a_destination",
                                                                 id=data.get("destination_point_id"))]  # fmt: skip
    pickup_id = data.get("pickup_point_id")
    if pickup_id is not None and pickup_id not in points:
        errors[f"{field_prefix}pickup_point_id"] = [Message("field.unknown_reference", id=pickup_id)]
    if user.role == Role.AGENT:
        mine = set(user.delivery_point_ids)
        if pickup_id not in mine and data.get("destination_point_id") not in mine:
            errors[f"{field_prefix}pickup_point_id"] = [Message("field.rural_not_your_point", id=pickup_id)]
    if pickup_id is not None and pickup_id == data.get("destination_point_id"):
        errors[f"{field_prefix}destination_point_id"] = [Message("field.rural_same_place")]
    first = data.get("available_from") or clock.today()
    if data.get("latest_date") and data["latest_date"] < first:
        errors[f"{field_prefix}latest_date"] = [Message("field.rural_latest_before_available")]
    elif data.get("latest_date") and (data["latest_date"] - first).days > MAX_WAIT_DAYS:
        errors[f"{field_prefix}latest_date"] = [Message("field.rural_wait_too_long", days=MAX_WAIT_DAYS)]
    return errors


def points_by_id(ids: set[int | None]) -> dict[int, DeliveryPoint]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = sa.select(DeliveryPoint).where(DeliveryPoint.id.in_(wanted))
    return {point.id: point for point in db.session.scalars(query)}


def with_defaults(user: User, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if user.role == Role.AGENT and data.get("pickup_point_id") is None and user.delivery_point_ids:
        # An agent registers at its own (first) point unless it names another of its points.
        data["pickup_point_id"] = user.delivery_point_ids[0]
    data.setdefault("available_from", clock.today())
    data["available_from"] = data["available_from"] or clock.today()
    data["latest_date"] = data.get("latest_date") or data["available_from"] + timedelta(days=DEFAULT_WAIT_DAYS)
    return data


def new_consignment(user: User, data: dict[str, Any], terminal: Terminal) -> Consignment:
    code = new_code()
    while db.session.scalar(sa.select(Consignment.id).where(Consignment.tracking_code == code)) is not None:
        code = new_code()
    return Consignment(
        tracking_code=code, kind=data["kind"], terminal_id=terminal.id, pickup_point_id=data.get("pickup_point_id"),
        destination_point_id=data["destination_point_id"], size_class=data["size_class"],
        temperature_class=data.get("temperature_class"), resident_name=data["resident_name"],
        resident_phone=data.get("resident_phone", ""), resident_email=data.get("resident_email", ""),
        reference=data.get("reference", ""), available_from=data["available_from"], latest_date=data["latest_date"],
        registered_by=user,
    )  # fmt: skip


def register(user: User, data: dict[str, Any]) -> Consignment:
    """One consignment; planned onto the next route that passes at once."""
    data = with_defaults(user, data)
    errors = check_references(user, data, points_by_id({data.get("pickup_point_id"), data.get("destination_point_id")}))
    if errors:
        raise ValidationFailed("rural.invalid", {"count": len(errors)}, errors)
    terminal = planning.default_terminal()
    made = new_consignment(user, data, terminal)
    db.session.add(made)
    db.session.commit()
    plan(terminal.id)
    db.session.refresh(made)
    return made


# --- Planning -------------------------------------------------------------------------------


def _place(point: DeliveryPoint | None, terminal: Terminal) -> ra.Place | None:
    if point is None:
        return None
    opening: dict[int, list[TimeWindow]] = defaultdict(list)
    for window in point.receiving_windows:
        opening[window.weekday].append(TimeWindow(clock.seconds(window.start), clock.seconds(window.end)))
    return ra.Place(point.name, Location(point.lat, point.lon), {k: tuple(v) for k, v in opening.items()},
                    service_s=point.service_time_min * 60)  # fmt: skip


def _planned_route(route: Route, day: date, next_start: datetime | None = None) -> ra.PlannedRoute:
    terminal = route.plan.terminal
    stops = tuple(
        ra.RouteStop(str(stop.sequence), Location(stop.lat, stop.lon), clock.seconds_of(day, stop.planned_arrival),
                     clock.seconds_of(day, stop.planned_service_start), clock.seconds_of(day, stop.planned_departure),
                     tuple(TimeWindow(a, b) for a, b in stop_windows(stop)))
        for stop in route.stops
    )  # fmt: skip
    # Back by the end of the shift, or before the vehicle's next trip leaves.
    shift_end = clock.seconds(route.vehicle.shift_end) if next_start is None else clock.seconds_of(day, next_start)
    end = clock.seconds_of(day, route.planned_end)
    return ra.PlannedRoute(str(route.id), day, Location(terminal.lat, terminal.lon),
                           clock.seconds_of(day, route.planned_start), end, max(end, shift_end), stops,
                           RIDE_ALONG_SPACE_UNITS)  # fmt: skip


def plan(terminal_id: int, today: date | None = None) -> dict[str, int]:
    """(Re)plan the consignments not yet picked up onto the current plans of today and the days
    up to their wait limits, changing vehicles at a hub (the terminal or a village service point)
    where no one route passes both ends; and the onward route of those left at a hub. Returns how
    many were planned and how many not."""
    today = today or clock.today()
    waiting = list(db.session.scalars(
        sa.select(Consignment).where(
            Consignment.terminal_id == terminal_id,
            Consignment.status.in_([ConsignmentStatus.REGISTERED, ConsignmentStatus.PLANNED,
                                    ConsignmentStatus.AT_HUB]),
        ).options(selectinload(Consignment.pickup_point).selectinload(DeliveryPoint.receiving_windows),
                  selectinload(Consignment.destination_point).selectinload(DeliveryPoint.receiving_windows),
                  selectinload(Consignment.hub_point).selectinload(DeliveryPoint.receiving_windows))
    ))  # fmt: skip
    # One on a route of today's current plan that is under way stays where it is: the driver has it
    # on the list (its route is not changed either, below).
    waiting = [item for item in waiting if not _under_way(item, today)]
    if not waiting:
        return {"planned": 0, "unplanned": 0}
    terminal = db.session.get_one(Terminal, terminal_id)
    last = max(item.latest_date for item in waiting)
    routes, by_id = [], {}
    day = today
    while day <= last:
        current = planning.current_plan(terminal_id, day)
        of_day = list(current.routes) if current is not None else []
        for route in of_day:
            if route.stops and not _started(route):
                later = [other.planned_start for other in of_day
                         if other.vehicle_id == route.vehicle_id and other.trip > route.trip]  # fmt: skip
                # A route under way is not changed.
                routes.append(_planned_route(route, day, min(later) if later else None))
                by_id[str(route.id)] = route
        day += timedelta(days=1)
    items = [_ride_along(item, terminal, today) for item in waiting]
    hubs = [_place(point, terminal) for point in _hub_points(terminal)]
    result = ra.insert(routes, items, hubs=[hub for hub in hubs if hub is not None])
    by_item = {str(item.id): item for item in waiting}
    news: list[Consignment] = []
    for placed in result.insertions:
        item = by_item[placed.consignment_id]
        arrival = item.arrival_date
        if item.status == ConsignmentStatus.AT_HUB:
            _set_onward(item, placed, by_id[placed.route_id])
        else:
            _set_first_leg(item, placed, by_id[placed.route_id])
            if placed.onward is not None:
                item.hub_point_id = int(placed.hub.key) if placed.hub is not None else None
                _set_onward(item, placed.onward, by_id[placed.onward.route_id])
            else:
                _clear_onward(item)
        item.extra_m = placed.extra_m + (placed.onward.extra_m if placed.onward else 0)
        item.extra_s = placed.extra_s + (placed.onward.extra_s if placed.onward else 0)
        item.unplanned_reason = None
        if item.arrival_date != arrival:
            news.append(item)
    for missed in result.unplaced:
        item = by_item[missed.consignment_id]
        key, params = missed.reason
        if item.status == ConsignmentStatus.AT_HUB:
            _clear_onward(item, keep_hub=True)  # it waits at the hub for a route out
        else:
            item.status = ConsignmentStatus.REGISTERED
            item.planned_route_id = item.planned_date = item.planned_pickup_at = item.planned_drop_at = None
            item.pickup_after_sequence = item.drop_after_sequence = item.extra_m = item.extra_s = None
            _clear_onward(item)
        item.unplanned_reason = {"key": key, "params": params}
    db.session.commit()
    for item in news:  # the residents who follow it hear the (new) expected day
        arrives = item.arrival_date
        if arrives is None:
            continue
        push.notify_tracking(item.id, {"type": "consignment_planned", "url": f"/spara/{item.tracking_code}",
                                       "params": {"day": arrives.isoformat(),
                                                  "place": item.destination_point.name}})  # fmt: skip
    return {"planned": len(result.insertions), "unplanned": len(result.unplaced)}


def _ride_along(item: Consignment, terminal: Terminal, today: date) -> ra.RideAlong:
    """What the planner is asked to carry: from the pickup place, or on from the hub it waits at."""
    units = ra.SIZE_UNITS[item.size_class.value]
    destination = _place(item.destination_point, terminal)
    if item.status == ConsignmentStatus.AT_HUB:
        return ra.RideAlong(str(item.id), _place(item.hub_point, terminal), destination, units, today,
                            max(item.latest_date, today), may_transfer=False)  # fmt: skip
    return ra.RideAlong(str(item.id), _place(item.pickup_point, terminal), destination, units,
                        max(item.available_from, today), item.latest_date)  # fmt: skip


def _hub_points(terminal: Terminal) -> list[DeliveryPoint]:
    """Village hubs: the staffed service points of the terminal's cluster (not lockers)."""
    return list(db.session.scalars(
        sa.select(DeliveryPoint).join(DeliveryPoint.municipality)
        .where(DeliveryPoint.kind == DeliveryPointKind.SERVICE_POINT, Municipality.cluster_id == terminal.cluster_id)
        .options(selectinload(DeliveryPoint.receiving_windows)).order_by(DeliveryPoint.id)
    ))  # fmt: skip


def _set_first_leg(item: Consignment, placed: ra.Insertion, route: Route) -> None:
    item.status = ConsignmentStatus.PLANNED
    item.planned_route_id, item.planned_date = route.id, placed.day
    item.pickup_after_sequence = _sequence(route, placed.pickup_after)
    item.drop_after_sequence = _sequence(route, placed.drop_after)
    item.planned_pickup_at = clock.at(placed.day, placed.pickup_at)
    item.planned_drop_at = clock.at(placed.day, placed.drop_at)


def _set_onward(item: Consignment, placed: ra.Insertion, route: Route) -> None:
    item.transfer_route_id, item.transfer_date = route.id, placed.day
    item.transfer_pickup_after_sequence = _sequence(route, placed.pickup_after)
    item.transfer_drop_after_sequence = _sequence(route, placed.drop_after)
    item.transfer_pickup_at = clock.at(placed.day, placed.pickup_at)
    item.transfer_drop_at = clock.at(placed.day, placed.drop_at)


def _clear_onward(item: Consignment, keep_hub: bool = False) -> None:
    item.transfer_route_id = item.transfer_date = item.transfer_pickup_at = item.transfer_drop_at = None
    item.transfer_pickup_after_sequence = item.transfer_drop_after_sequence = None
    if not keep_hub:
        item.hub_point_id = None


def _started(route: Route) -> bool:
    return any(stop.status != StopStatus.PLANNED for stop in route.stops)


def _under_way(item: Consignment, today: date) -> bool:
    """On a route of today that has started (the leg still to come: the onward one at a hub)."""
    at_hub = item.status == ConsignmentStatus.AT_HUB
    route = item.transfer_route if at_hub else item.planned_route
    day = item.transfer_date if at_hub else item.planned_date
    if item.status not in (ConsignmentStatus.PLANNED, ConsignmentStatus.AT_HUB) or route is None or day != today:
        return False
    current = planning.current_plan(item.terminal_id, today)
    return current is not None and route.plan_id == current.id and _started(route)


def _sequence(route: Route, index: int) -> int:
    """The stop sequence a ride-along stop follows (-1: the start at the terminal)."""
    return route.stops[index].sequence if index >= 0 else -1


def unplanned_reason(item: Consignment) -> Message | None:
    if not item.unplanned_reason:
        return None
    return Message(item.unplanned_reason["key"], **item.unplanned_reason.get("params", {}))


# --- Hand-overs -----------------------------------------------------------------------------


def _find(code: str) -> Consignment | None:
    return db.session.scalar(sa.select(Consignment).where(Consignment.tracking_code == normalised_code(code)))


def _may_hand_over(user: User, item: Consignment, kind: HandoverKind) -> bool:
    if user.role not in HANDOVER_ROLES[kind]:
        return False
    if user.role == Role.DRIVER:
        route = item.planned_route if kind in FIRST_LEG else item.final_route
        return route is not None and route.driver_id == user.id
    if user.role == Role.AGENT:
        return item.destination_point_id in user.delivery_point_ids
    return True


def hand_over(user: User, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Record a hand-over; returns (answer, replay). A locker drop makes the resident's pickup code."""
    stored = idempotency.replayed_answer(ConsignmentHandover, data["client_id"], user)
    if stored is not None:
        return stored, True
    kind = data["kind"]
    item = _find(data["tracking_code"])
    if item is None or not _may_hand_over(user, item, kind):
        raise NotFound("rural.consignment_not_found")
    errors: dict[str, list[Message]] = {}
    if kind == HandoverKind.DRIVER_TO_LOCKER:
        errors.update(_compartment_errors(item, data.get("compartment_number")))
    if kind in SIGNED_KINDS and not data.get("signed_by_name"):
        errors["signed_by_name"] = [Message("field.required")]
    if kind in TRANSFER_KINDS and item.transfer_route_id is None and item.status != ConsignmentStatus.AT_HUB:
        errors["kind"] = [Message("field.rural_no_transfer")]
    if STATUS_RANK[item.status] >= STATUS_RANK[HANDOVER_STATUS[kind]]:
        status = Message(f"rural.status.{item.status.value}")
        errors["kind"] = [Message("field.rural_already_handed_over", status=status)]
    if errors:
        raise ValidationFailed("rural.handover_invalid", {"count": len(errors)}, errors)
    signature = images.decode_data_url(data["signature"], "signature") if data.get("signature") else None
    if signature is not None:
        images.check(signature, "signature")
    record = ConsignmentHandover(
        client_id=data["client_id"], consignment=item, user=user, kind=kind,
        signed_by_name=data.get("signed_by_name") or "", signature_png=signature,
        compartment_number=data.get("compartment_number"), recorded_at=data["recorded_at"].astimezone(UTC),
    )  # fmt: skip
    if kind == HandoverKind.DRIVER_TO_LOCKER:
        item.compartment_number = data["compartment_number"]
        item.pickup_code = f"{secrets.randbelow(10**6):06d}"
    answer, replay = _store(item, record)
    if not replay and item.status == ConsignmentStatus.READY:
        # The code itself is not in the notice: the tracking page shows it to the code holder.
        push.notify_tracking(item.id, {"type": "consignment_ready", "url": f"/spara/{item.tracking_code}",
                                       "params": {"place": item.destination_point.name}})  # fmt: skip
    return answer, replay


def _store(item: Consignment, record: ConsignmentHandover) -> tuple[dict[str, Any], bool]:
    """Record the hand-over and where it leaves the consignment; the answer, or the stored one
    when a resend of the same client id got there first."""
    item.status = HANDOVER_STATUS[record.kind]
    client_id = record.client_id
    db.session.add(record)
    if item.status == ConsignmentStatus.COLLECTED:
        _unfollow(item)
    try:
        db.session.flush()
        record.response = {"handover_id": record.id, "client_id": record.client_id, "consignment_id": item.id,
                           "status": item.status.value, "replay": False}  # fmt: skip
        notify.after_commit(notify.Event("consignment", {"consignment_id": item.id, "status": item.status.value}))
        db.session.commit()
    except IntegrityError:
        return idempotency.after_race(ConsignmentHandover, client_id), True
    return record.response, False


def collect(code: str, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The resident took the consignment out of the locker: the last hand-over, recorded from the
    tracking page without an account (the pickup code is the proof). Idempotent by client id."""
    replay = idempotency.replayed_answer(ConsignmentHandover, data["client_id"])
    if replay is not None:
        return replay, True
    item = _find(code)
    if item is None:
        raise NotFound("rural.tracking_not_found")
    in_locker = item.status == ConsignmentStatus.READY and item.pickup_code is not None
    if not in_locker:
        status = Message(f"rural.status.{item.status.value}")
        raise ValidationFailed("rural.collect_invalid", {"count": 1},
                               {"pickup_code": [Message("field.rural_not_in_locker", status=status)]})  # fmt: skip
    if not secrets.compare_digest(str(data["pickup_code"]).strip(), item.pickup_code or ""):
        raise ValidationFailed("rural.collect_invalid", {"count": 1},
                               {"pickup_code": [Message("field.rural_wrong_pickup_code")]})  # fmt: skip
    record = ConsignmentHandover(
        client_id=data["client_id"], consignment=item, user=None, kind=HandoverKind.TO_RESIDENT,
        compartment_number=item.compartment_number, recorded_at=data["recorded_at"].astimezone(UTC),
    )  # fmt: skip
    return _store(item, record)


def _unfollow(item: Consignment) -> None:
    """Collected: nothing more to tell, so the browsers following it are forgotten."""
    db.session.execute(sa.delete(TrackingSubscription).where(TrackingSubscription.consignment_id == item.id))


def follow(code: str, subscription: dict[str, Any], locale: str) -> None:
    """Web Push notices about one consignment to the browser showing its tracking page."""
    item = _find(code)
    if item is None:
        raise NotFound("rural.tracking_not_found")
    keys = subscription["keys"]
    push.subscribe_tracking(item.id, subscription["endpoint"], keys["p256dh"], keys["auth"], locale)


def _compartment_errors(item: Consignment, number: int | None) -> dict[str, list[Message]]:
    if number is None:
        return {"compartment_number": [Message("field.required")]}
    query = sa.select(LockerCompartment).where(LockerCompartment.delivery_point_id == item.destination_point_id)
    compartments = {compartment.number: compartment for compartment in db.session.scalars(query)}
    if not compartments:
        return {}  # a locker whose compartments are not listed: any number is taken as given
    compartment = compartments.get(number)
    if compartment is None:
        return {"compartment_number": [Message("field.rural_no_such_compartment", number=number)]}
    if SIZE_RANK[compartment.size_class] < SIZE_RANK[item.size_class]:
        return {"compartment_number": [Message("field.rural_compartment_too_small", number=number)]}
    return {}


# --- Public tracking ------------------------------------------------------------------------


def track(code: str) -> dict[str, Any]:
    """What the holder of a tracking code may know: the status, the expected day, where to
    collect it, and the pickup code once it is in the locker. No name, phone or other parcel."""
    item = _find(code)
    if item is None:
        raise NotFound("rural.tracking_not_found")
    place = item.destination_point
    ready = item.status == ConsignmentStatus.READY
    return {
        "tracking_code": item.tracking_code,
        "kind": item.kind.value,
        "status": item.status.value,
        "expected_date": item.arrival_date if item.status in ON_THE_WAY else None,
        "latest_date": item.latest_date,
        "waiting_reason": unplanned_reason(item),
        "collect_at": {"name": place.name, "address": place.address,
                       "locker": place.kind == DeliveryPointKind.PARCEL_LOCKER,
                       "opening_hours": [{"weekday": w.weekday, "start": clock.hhmm(clock.seconds(w.start)),
                                          "end": clock.hhmm(clock.seconds(w.end))} for w in place.receiving_windows]},
        "compartment_number": item.compartment_number if ready else None,
        "pickup_code": item.pickup_code if ready else None,
    }  # fmt: skip


# --- Figures --------------------------------------------------------------------------------


def figures(start: date, end: date) -> list[dict[str, Any]]:
    """Per village (destination) and ISO week: consignments carried, the km and minutes the
    ride-along added to the routes, and residents' car trips to the pickup place avoided, with
    the CO2e of both."""
    items = db.session.scalars(
        sa.select(Consignment).where(Consignment.planned_date >= start, Consignment.planned_date <= end,
                                     Consignment.planned_route_id.is_not(None))
        .options(selectinload(Consignment.destination_point), selectinload(Consignment.pickup_point),
                 selectinload(Consignment.terminal),
                 selectinload(Consignment.planned_route).selectinload(Route.vehicle))
    ).all()  # fmt: skip
    trips = []
    for item in items:
        origin = item.pickup_point or item.terminal
        if item.planned_date is None or item.planned_route is None:
            continue  # the query asks for planned ones only
        trips.append(rural_figures.CarriedConsignment(
            village=item.destination_point.name, week=_week(item.planned_date),
            extra_km=(item.extra_m or 0.0) / 1000, extra_min=(item.extra_s or 0) / 60,
            vehicle_co2e_kg_per_km=item.planned_route.vehicle.co2e_kg_per_km,
            resident_trip_km=rural_figures.round_trip_km(
                (item.destination_point.lat, item.destination_point.lon), (origin.lat, origin.lon)),
        ))  # fmt: skip
    return rural_figures.per_village_and_week(trips)


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-V{week:02d}"
