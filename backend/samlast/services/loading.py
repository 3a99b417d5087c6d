"""Cross-dock and loading: package units from the plan, loading lists, load scans, hand-over.

Units are made from the current plan version of a date (`ensure_units`, idempotent): each
delivery stop's order lines are packed per temperature class into crates, roll cages and
pallets (`pack`, a pure rule). A re-plan keeps the units of a stop (known by its `job_key`)
and moves them to the stop's new route; a unit already scanned onto a vehicle stays where it
is unless the new route is the same vehicle and trip (a fact is never rewritten).

Scans and the hand-over are written once, idempotent by the device's client id.
"""

from __future__ import annotations

import math
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from samlast import clock
from samlast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message, format_number, text
from samlast.models import (
    GoodsReceiptLine,
    LoadHandover,
    LoadScan,
    Order,
    OrderLine,
    OrderStatus,
    PackageUnit,
    Plan,
    Role,
    Route,
    Stop,
    StopKind,
    Supplier,
    TemperatureClass,
    UnitKind,
    User,
)
from samlast.services import arrivals, idempotency, images, planning

# --- The packing rule (pure) ----------------------------------------------------------------

#: A line of half a pallet place or more comes palletised from the supplier and is loaded as
#: it came; smaller lines are picked into crates or roll cages at the terminal.
PALLET_LINE_MIN_PLACES = 0.5
#: One plastic crate (600 x 400 mm) is carried by one person: 20 kg keeps within the usual
#: manual-handling guidance, and ~50 litres is what such a crate holds.
CRATE_MAX_KG = 20.0
CRATE_MAX_M3 = 0.05
#: More crates than this for one stop and temperature class go in roll cages instead: fewer
#: pieces to load, count and carry in at the kitchen.
MAX_LOOSE_CRATES = 6
#: A roll cage is pushed by hand over thresholds and ramps: 250 kg, about 1 m³ of goods.
ROLL_CAGE_MAX_KG = 250.0
ROLL_CAGE_MAX_M3 = 1.0

#: Compartments in loading-list order (and the order of their words on a label).
CLASS_ORDER = (TemperatureClass.FROZEN, TemperatureClass.CHILLED, TemperatureClass.AMBIENT)
KIND_ORDER = (UnitKind.PALLET, UnitKind.ROLL_CAGE, UnitKind.CRATE)


class Goods(Protocol):
    temperature_class: TemperatureClass
    weight_kg: float
    volume_m3: float | None
    pallet_places: float


def _count(amount: float, per_unit: float) -> int:
    # A hair over a whole unit (floating sums) is not another unit.
    return math.ceil(round(amount / per_unit, 6)) if amount > 0 else 0


def pack(lines: Iterable[Goods]) -> dict[TemperatureClass, dict[UnitKind, int]]:
    """How many units of each kind one stop's lines need, per temperature class (no zeros)."""
    by_class: dict[TemperatureClass, list[Goods]] = {}
    for line in lines:
        by_class.setdefault(TemperatureClass(line.temperature_class), []).append(line)
    packed: dict[TemperatureClass, dict[UnitKind, int]] = {}
    for temperature_class, goods in by_class.items():
        palletised = [line for line in goods if (line.pallet_places or 0) >= PALLET_LINE_MIN_PLACES]
        loose = [line for line in goods if (line.pallet_places or 0) < PALLET_LINE_MIN_PLACES]
        counts: dict[UnitKind, int] = {}
        pallets = _count(sum(line.pallet_places for line in palletised), 1.0)
        if pallets:
            counts[UnitKind.PALLET] = pallets
        if loose:
            kg = sum(line.weight_kg or 0 for line in loose)
            m3 = sum(line.volume_m3 or 0 for line in loose)
            crates = max(_count(kg, CRATE_MAX_KG), _count(m3, CRATE_MAX_M3), 1)
            if crates > MAX_LOOSE_CRATES:
                counts[UnitKind.ROLL_CAGE] = max(_count(kg, ROLL_CAGE_MAX_KG), _count(m3, ROLL_CAGE_MAX_M3), 1)
            else:
                counts[UnitKind.CRATE] = crates
        if counts:
            packed[temperature_class] = counts
    return packed


# --- Units from the plan --------------------------------------------------------------------

#: No 0/O, 1/I, 2/Z, 5/S, 8/B: a code read aloud or typed from a cold label stays one code.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 6


def normalize_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken and db.session.scalar(sa.select(PackageUnit.id).where(PackageUnit.code == code)) is None:
            taken.add(code)
            return code


def _plan_of(terminal_id: int, plan_date: date) -> Plan | None:
    return next((plan for plan in planning.current_plans(plan_date) if plan.terminal_id == terminal_id), None)


def _same_load(a: Route | None, b: Route | None) -> bool:
    return a is not None and b is not None and (a.vehicle_id, a.trip) == (b.vehicle_id, b.trip)


def _arrived(line: OrderLine, received: GoodsReceiptLine | None) -> SimpleNamespace:
    """An order line as much of it as arrived at the terminal (all of it until goods in says otherwise)."""
    share = arrivals.arrived_share(line.quantity, received)
    return SimpleNamespace(
        temperature_class=line.temperature_class, weight_kg=(line.weight_kg or 0) * share,
        volume_m3=(line.volume_m3 or 0) * share, pallet_places=(line.pallet_places or 0) * share,
    )  # fmt: skip


def ensure_units(terminal_id: int, plan_date: date) -> None:
    """Make (or move) the package units of the terminal's current plan of `plan_date`, packed from
    what arrived at the terminal (no label for goods goods in found missing)."""
    plan = _plan_of(terminal_id, plan_date)
    if plan is None:
        return
    stops = [stop for route in plan.routes for stop in route.stops
             if stop.kind == StopKind.DELIVERY and stop.delivery_point_id is not None]  # fmt: skip
    received = arrivals.latest_lines(line.id for stop in stops for order in stop.orders for line in order.lines)
    wanted: dict[tuple[str, TemperatureClass, UnitKind, int], Stop] = {}
    for stop in stops:
        lines = [_arrived(line, received.get(line.id))
                 for order in stop.orders if order.status == OrderStatus.OPEN for line in order.lines]  # fmt: skip
        for temperature_class, counts in pack(line for line in lines if line.weight_kg or line.pallet_places).items():
            for kind, count in counts.items():
                for number in range(1, count + 1):
                    wanted[(stop.job_key, temperature_class, kind, number)] = stop
    existing = {
        (unit.job_key, unit.temperature_class, unit.kind, unit.number): unit
        for unit in db.session.scalars(
            sa.select(PackageUnit)
            .where(PackageUnit.terminal_id == terminal_id, PackageUnit.plan_date == plan_date)
            .options(selectinload(PackageUnit.scan).selectinload(LoadScan.route))
        )
    }
    changed = False
    taken: set[str] = set()
    # No flush before the commit below: a code lookup would otherwise flush the new units early,
    # outside the handling of two tablets making the same units at once.
    with db.session.no_autoflush:
        for key, stop in wanted.items():
            unit = existing.get(key)
            if unit is None:
                db.session.add(
                    PackageUnit(
                        code=_new_code(taken), terminal_id=terminal_id, plan_date=plan_date, job_key=key[0],
                        delivery_point_id=stop.delivery_point_id, temperature_class=key[1], kind=key[2],
                        number=key[3], route=stop.route, stop=stop,
                    )
                )
                changed = True
            elif (unit.stop_id, unit.route_id) != (stop.id, stop.route_id) and (
                unit.scan is None or _same_load(unit.scan.route, stop.route)
            ):
                unit.route, unit.stop = stop.route, stop
                changed = True
        for key, unit in existing.items():
            if key not in wanted and unit.scan is None:
                db.session.delete(unit)
                changed = True
    if changed:
        try:
            db.session.commit()
        except IntegrityError:
            # Another request (two tablets opening the list at once) made the same units first.
            db.session.rollback()


# --- Reading --------------------------------------------------------------------------------


def _scope_terminal(user: User) -> int | None:
    """The one terminal terminal staff may see; None (all) for the coordinator."""
    return user.terminal_id if user.role == Role.TERMINAL else None


def _route_params(route: Route) -> dict[str, Any]:
    return {"vehicle": route.vehicle.name, "trip": route.trip + 1}


def routes_for(user: User, plan_date: date) -> list[dict[str, Any]]:
    """The routes of the current plans of `plan_date` the user loads, with their load status."""
    terminal_id = _scope_terminal(user)
    plans = [
        plan for plan in planning.current_plans(plan_date) if terminal_id is None or plan.terminal_id == terminal_id
    ]
    answer = []
    for plan in plans:
        ensure_units(plan.terminal_id, plan_date)
        for route in sorted(plan.routes, key=lambda r: (r.planned_start, r.vehicle_id, r.trip)):
            units = _units_of(route)
            handover = _handover_of(route)
            answer.append(
                {
                    "id": route.id,
                    "plan_date": plan_date,
                    "vehicle_name": route.vehicle.name,
                    "trip": route.trip,
                    "driver_name": (route.driver.display_name or route.driver.username) if route.driver else None,
                    "planned_start": route.planned_start,
                    "stops": sum(1 for stop in route.stops if stop.kind == StopKind.DELIVERY),
                    "units_total": len(units),
                    "units_loaded": sum(1 for unit in units if unit.scan is not None),
                    "signed": handover is not None,
                }
            )
    return answer


def _route_visible(user: User, route_id: int) -> Route:
    route = db.session.get(Route, route_id)
    terminal_id = _scope_terminal(user)
    if route is None or (terminal_id is not None and route.plan.terminal_id != terminal_id):
        raise NotFound("record.not_found", {"what": Message("noun.route"), "id": route_id})
    return route


def _units_of(route: Route) -> list[PackageUnit]:
    return list(
        db.session.scalars(
            sa.select(PackageUnit).where(PackageUnit.route_id == route.id).options(selectinload(PackageUnit.scan))
        )
    )


def _handover_of(route: Route) -> LoadHandover | None:
    """The hand-over of this load: the same vehicle and trip on the same date and terminal
    (a re-plan makes new route rows for a route that did not change)."""
    return db.session.scalar(
        sa.select(LoadHandover)
        .join(Route, LoadHandover.route_id == Route.id)
        .join(Plan, Route.plan_id == Plan.id)
        .where(
            Plan.terminal_id == route.plan.terminal_id,
            Plan.plan_date == route.plan.plan_date,
            Route.vehicle_id == route.vehicle_id,
            Route.trip == route.trip,
        )
    )


def _unit_order(unit: PackageUnit) -> tuple:
    return (KIND_ORDER.index(unit.kind), unit.number)


def _from_stock(route: Route) -> dict[tuple[int | None, TemperatureClass], list[str]]:
    """(delivery point, temperature class) -> the goods from the emergency stock for it that day."""
    points = [stop.delivery_point_id for stop in route.stops if stop.delivery_point_id is not None]
    lines = db.session.scalars(
        sa.select(OrderLine).join(Order).join(Supplier, Order.supplier_id == Supplier.id)
        .where(Supplier.terminal_stock_of.is_not(None), Order.requested_date == route.plan.plan_date,
               Order.delivery_point_id.in_(points), Order.status == OrderStatus.OPEN)
        .order_by(OrderLine.id)
    )  # fmt: skip
    # One entry per article: a cover from two batches is still one article on the load.
    summed: dict[tuple[int | None, TemperatureClass], dict[tuple[str, str], float]] = defaultdict(dict)
    for line in lines:
        goods = summed[(line.order.delivery_point_id, line.temperature_class)]
        goods[(line.article, line.unit)] = goods.get((line.article, line.unit), 0.0) + line.quantity
    return defaultdict(list, {
        key: [f"{article} {format_number(quantity, 'sv')} {unit}" for (article, unit), quantity in goods.items()]
        for key, goods in summed.items()
    })  # fmt: skip


def loading_list(user: User, route_id: int) -> dict[str, Any]:
    """Per compartment, the route's stops in REVERSE stop order (the last stop's goods go in
    first, so the first stop's come out first), with the unit counts of each stop."""
    route = _route_visible(user, route_id)
    ensure_units(route.plan.terminal_id, route.plan.plan_date)
    units = _units_of(route)
    stops: dict[int | None, Stop] = {stop.id: stop for stop in route.stops}
    from_stock = _from_stock(route)
    compartments = []
    for temperature_class in CLASS_ORDER:
        mine = [unit for unit in units if unit.temperature_class == temperature_class and unit.stop_id in stops]
        if not mine:
            continue
        rows = []
        for stop in sorted({stops[unit.stop_id] for unit in mine}, key=lambda s: -s.sequence):
            at_stop = sorted((unit for unit in mine if unit.stop_id == stop.id), key=_unit_order)
            rows.append(
                {
                    "sequence": stop.sequence,
                    "job_key": stop.job_key,
                    "point_name": stop.delivery_point.name if stop.delivery_point else "",
                    "crates": sum(1 for unit in at_stop if unit.kind == UnitKind.CRATE),
                    "roll_cages": sum(1 for unit in at_stop if unit.kind == UnitKind.ROLL_CAGE),
                    "pallets": sum(1 for unit in at_stop if unit.kind == UnitKind.PALLET),
                    "from_stock": from_stock.get((stop.delivery_point_id, temperature_class), []),
                    "units": [
                        {"code": unit.code, "kind": unit.kind, "loaded": unit.scan is not None} for unit in at_stop
                    ],
                }
            )
        compartments.append({"temperature_class": temperature_class, "stops": rows})
    handover = _handover_of(route)
    return {
        "id": route.id,
        "plan_date": route.plan.plan_date,
        "vehicle_name": route.vehicle.name,
        "trip": route.trip,
        "driver_name": (route.driver.display_name or route.driver.username) if route.driver else None,
        "units_total": len(units),
        "units_loaded": sum(1 for unit in units if unit.scan is not None),
        "handover": (
            {
                "driver_name": handover.driver_name,
                "recorded_at": handover.recorded_at,
                "units_loaded": handover.units_loaded,
            }
            if handover
            else None
        ),
        "compartments": compartments,
    }


@dataclass(frozen=True)
class Label:
    code: str
    point_name: str
    route: str
    trip: int
    stop_number: int
    temperature_class: TemperatureClass
    kind: UnitKind
    number: int
    of: int


def labels_of(user: User, route_id: int) -> tuple[Route, list[Label]]:
    """The labels of a route's units, by stop then compartment (the order they are packed)."""
    route = _route_visible(user, route_id)
    ensure_units(route.plan.terminal_id, route.plan.plan_date)
    units = _units_of(route)
    stops: dict[int | None, Stop] = {stop.id: stop for stop in route.stops}
    units = [unit for unit in units if unit.stop_id in stops]
    units.sort(key=lambda u: (stops[u.stop_id].sequence, CLASS_ORDER.index(u.temperature_class), _unit_order(u)))
    totals: dict[tuple[int | None, TemperatureClass, UnitKind], int] = {}
    for unit in units:
        key = (unit.stop_id, unit.temperature_class, unit.kind)
        totals[key] = totals.get(key, 0) + 1
    return route, [
        Label(
            code=unit.code,
            point_name=unit.delivery_point.name,
            route=route.vehicle.name,
            trip=route.trip + 1,
            stop_number=stops[unit.stop_id].sequence,
            temperature_class=unit.temperature_class,
            kind=unit.kind,
            number=unit.number,
            of=totals[(unit.stop_id, unit.temperature_class, unit.kind)],
        )
        for unit in units
    ]


# --- Scanning -------------------------------------------------------------------------------


def _unit_by_code(code: str, terminal_id: int | None) -> PackageUnit:
    unit = db.session.scalar(sa.select(PackageUnit).where(PackageUnit.code == normalize_code(code)))
    if unit is None or (terminal_id is not None and unit.terminal_id != terminal_id):
        raise ValidationFailed(
            "loading.unknown_unit", {"code": code.strip()}, {"unit_code": [Message("field.unknown_unit")]}
        )
    return unit


def _when(data: dict[str, Any]) -> datetime:
    recorded = data.get("recorded_at")
    return recorded.astimezone(UTC) if recorded else clock.now().astimezone(UTC)


def record_scan(user: User, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A unit put on a route's vehicle. A unit of another vehicle (or trip) is refused and
    nothing is recorded; a unit already scanned answers with its first record."""
    replay = idempotency.replayed_answer(LoadScan, data["client_id"], user)  # type: ignore[type-var]
    if replay is not None:
        return replay, True
    route = _route_visible(user, data["route_id"])
    ensure_units(route.plan.terminal_id, route.plan.plan_date)
    unit = _unit_by_code(data["unit_code"], route.plan.terminal_id)
    if unit.route is None or unit.stop is None or unit.plan_date != route.plan.plan_date:
        raise Conflict("loading.unit_not_planned", {"code": unit.code, "point": unit.delivery_point.name})
    if not _same_load(unit.route, route):
        raise Conflict(
            "loading.wrong_vehicle",
            {"code": unit.code, "vehicle": unit.route.vehicle.name, "trip": unit.route.trip + 1,
             "point": unit.delivery_point.name},
        )
    if unit.scan is not None:
        # Scanned twice on the floor: the first record stands.
        return {**unit.scan.response, "replay": True}, True
    if _handover_of(route) is not None:
        raise Conflict("loading.already_signed", _route_params(route))
    scan = LoadScan(client_id=data["client_id"], user=user, unit=unit, route=route, recorded_at=_when(data))
    db.session.add(scan)
    try:
        db.session.flush()
        scan.response = {
            "scan_id": scan.id,
            "client_id": scan.client_id,
            "unit_code": unit.code,
            "route_id": route.id,
            "stop_number": unit.stop.sequence,
            "point_name": unit.delivery_point.name,
            "temperature_class": unit.temperature_class.value,
            "kind": unit.kind.value,
            "replay": False,
        }
        answer = dict(scan.response)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = idempotency.replayed_answer(LoadScan, data["client_id"])  # type: ignore[type-var]
        if stored is not None:
            return stored, True
        unit = _unit_by_code(data["unit_code"], route.plan.terminal_id)
        if unit.scan is None:
            raise
        return {**unit.scan.response, "replay": True}, True
    return answer, False


def record_handover(user: User, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The driver signs for the route's load: responsibility passes from terminal to driver."""
    replay = idempotency.replayed_answer(LoadHandover, data["client_id"], user)  # type: ignore[type-var]
    if replay is not None:
        return replay, True
    route = _route_visible(user, data["route_id"])
    if _handover_of(route) is not None:
        raise Conflict("loading.already_signed", _route_params(route))
    units = _units_of(route)
    loaded = sum(1 for unit in units if unit.scan is not None)
    if not loaded:
        raise ValidationFailed("loading.nothing_loaded", _route_params(route))
    raw = images.decode_data_url(data["signature"], "signature")
    png, _, _, _ = images.reencode(raw, "signature", as_png=True)
    handover = LoadHandover(
        client_id=data["client_id"], user=user, route=route, driver_name=data["driver_name"].strip(),
        signature_png=png, units_loaded=loaded, units_total=len(units), recorded_at=_when(data),
    )
    db.session.add(handover)
    try:
        db.session.flush()
        handover.response = {
            "handover_id": handover.id,
            "client_id": handover.client_id,
            "route_id": route.id,
            "driver_name": handover.driver_name,
            "units_loaded": loaded,
            "units_total": len(units),
            "replay": False,
        }
        answer = dict(handover.response)
        db.session.commit()
    except IntegrityError:
        return idempotency.after_race(LoadHandover, data["client_id"]), True  # type: ignore[type-var]
    return answer, False


def check_at_stop(user: User, code: str, plan_date: date, job_key: str, locale: str) -> dict[str, Any]:
    """At a stop, the driver scans or types a unit: is it for this stop? Records nothing."""
    from samlast.services.delivery import current_stop

    stop = current_stop(plan_date, job_key)
    if stop is None:
        raise NotFound("record.not_found", {"what": Message("noun.stop"), "id": job_key})
    if user.role == Role.DRIVER and stop.route.driver_id != user.id:
        raise Forbidden()
    unit = _unit_by_code(code, stop.route.plan.terminal_id)
    matches = unit.plan_date == plan_date and unit.job_key == stop.job_key
    return {
        "unit_code": unit.code,
        "matches": matches,
        "point_name": unit.delivery_point.name,
        "temperature_class": unit.temperature_class,
        "kind": unit.kind,
        "message": text(
            "loading.stop.right" if matches else "loading.stop.wrong", {"point": unit.delivery_point.name}, locale
        ),
    }
