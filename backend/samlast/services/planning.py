"""Plan a date for a terminal: orders in, a stored, versioned plan out.

The database is translated into the planner's plain data (one consolidated
delivery job per delivery point and day), the pure planner solves it, and the
result is stored as a new plan version. Re-planning warm-starts from the
current plan (unless asked to plan from scratch).

Stops that were reached (arrived, done, skipped) are facts. Whatever the re-plan,
fresh or not, they stay on their vehicle's trip, first, in the order the vehicle
visited them, with their status and planned times; the rest of the trip continues
from them. A fact whose vehicle is no longer planned (broken down) or whose order
has since gone keeps its place as well.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from samlast import clock
from samlast import planning as pl
from samlast.clock import at, aware, hhmm, seconds, seconds_of
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    DriverEvent,
    Order,
    OrderStatus,
    Plan,
    Route,
    SlotKind,
    Stop,
    StopKind,
    StopStatus,
    Terminal,
    Vehicle,
)
from samlast.planning.insertion import cheapest_insertion
from samlast.services import arrivals, bookings, feedback, notify
from samlast.services import unassigned as unassigned_jobs
from samlast.services.route_changes import route_changes

log = logging.getLogger(__name__)

# A stop is fixed on re-planning once the driver has reached it.
FIXED_STATUSES = (StopStatus.ARRIVED, StopStatus.DONE, StopStatus.SKIPPED)
NO_WINDOW_THAT_DAY = "no_receiving_window_that_day"
NO_ACTIVE_VEHICLE = "no_active_vehicle"


@dataclass
class JobInfo:
    """What the database knows about one planner job."""

    key: str
    kind: StopKind
    delivery_point_id: int | None
    supplier_id: int | None
    order_ids: list[int]
    load: dict[str, dict[str, float]]
    windows: list[list[str]]
    label: str
    booking_id: int | None = None


@dataclass
class DayProblem:
    problem: pl.Problem
    jobs: dict[str, JobInfo]
    vehicles: dict[str, Vehicle]
    unplannable: list[dict] = field(default_factory=list)
    learned_parameters_id: int | None = None


def default_terminal() -> Terminal:
    terminal = db.session.scalar(sa.select(Terminal).order_by(Terminal.id))
    if terminal is None:
        raise NotFound("planning.no_terminal")
    return terminal


def _vehicles(terminal: Terminal) -> dict[str, Vehicle]:
    query = (
        sa.select(Vehicle)
        .where(Vehicle.terminal_id == terminal.id, Vehicle.active.is_(True))
        .options(selectinload(Vehicle.compartments))
        .order_by(Vehicle.id)
    )
    return {str(v.id): v for v in db.session.scalars(query)}


def planner_vehicle(vehicle: Vehicle) -> pl.Vehicle:
    config = current_app.config
    return pl.Vehicle(
        id=str(vehicle.id),
        shift_start=seconds(vehicle.shift_start),
        shift_end=seconds(vehicle.shift_end),
        capacities={
            c.temperature_class.value: pl.Capacity(c.capacity_kg, c.capacity_pallets)
            for c in vehicle.compartments
        },
        cost_per_km=vehicle.cost_per_km,
        cost_per_hour=vehicle.cost_per_hour,
        break_rule=True,
        max_trips=config["PLANNING_MAX_TRIPS"],
        reload_s=config["PLANNING_RELOAD_MIN"] * 60,
    )


def _orders_due(plan_date: date) -> list[Order]:
    query = (
        sa.select(Order)
        .where(Order.requested_date == plan_date, Order.status == OrderStatus.OPEN)
        .options(
            selectinload(Order.lines),
            selectinload(Order.delivery_point).selectinload(DeliveryPoint.receiving_windows),
        )
        .order_by(Order.delivery_point_id, Order.id)
    )
    return list(db.session.scalars(query))


def build_day_problem(terminal: Terminal, plan_date: date) -> DayProblem:
    """Translate the orders due on `plan_date` into the planner's problem."""

    per_pallet_s = current_app.config["PLANNING_SERVICE_PER_PALLET_S"]
    learned = feedback.current_model()
    by_point: dict[int, list[Order]] = defaultdict(list)
    for order in _orders_due(plan_date):
        by_point[order.delivery_point_id].append(order)

    jobs: list[pl.Job] = []
    infos: dict[str, JobInfo] = {}
    unplannable: list[dict] = []
    weekday = plan_date.weekday()
    vehicles = _vehicles(terminal)
    # The learned margin grows with the time a vehicle has been out when it reaches the stop; a stop
    # served just before its window closes has been out that long since the earliest shift start.
    out_since = min((seconds(v.shift_start) for v in vehicles.values()), default=0)
    # What goods in found missing from a supplier is not loaded (a line not received yet is).
    received = arrivals.latest_lines(line.id for orders in by_point.values() for o in orders for line in o.lines)
    for orders in by_point.values():
        point = orders[0].delivery_point
        load: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        shares = [(line, arrivals.arrived_share(line.quantity, received.get(line.id)))
                  for order in orders for line in order.lines]  # fmt: skip
        if shares and not any(share for _, share in shares):
            continue  # nothing left to bring this point: no stop
        for line, share in shares:
            load[line.temperature_class.value][0] += line.weight_kg * share
            load[line.temperature_class.value][1] += line.pallet_places * share
        windows = [
            pl.TimeWindow(seconds(w.start), seconds(w.end))
            for w in point.receiving_windows
            if w.weekday == weekday
        ]
        key = f"dp:{point.id}"
        info = JobInfo(
            key=key,
            kind=StopKind.DELIVERY,
            delivery_point_id=point.id,
            supplier_id=None,
            order_ids=[o.id for o in orders],
            load={k: {"kg": round(v[0], 3), "pallets": round(v[1], 3)} for k, v in load.items()},
            windows=[[hhmm(w.start), hhmm(w.end)] for w in windows],
            label=point.name,
        )
        infos[key] = info
        if point.receiving_windows and not windows:
            # The point receives goods on other weekdays only: say so rather than guess a time.
            unplannable.append({"job_key": key, "reason": NO_WINDOW_THAT_DAY, "label": point.name})
            continue
        fixed_s, pallet_s = learned.service_model(point.id, point.service_time_min * 60, per_pallet_s)
        fixed_s += int(round(learned.excess.per_visit_s))  # the day's expected lunches and detours
        job_windows, soft_latest_s = _with_margin(windows, learned.arrival_margin.margin_s, out_since)
        jobs.append(
            pl.Job.delivery_job(
                key,
                pl.Location(point.lat, point.lon),
                {k: pl.Load(v[0], v[1]) for k, v in load.items()},
                time_windows=job_windows,
                service_fixed_s=fixed_s,
                service_per_pallet_s=pallet_s,
                soft_latest_s=soft_latest_s,
            )
        )
    jobs += _pickup_jobs(terminal, plan_date, infos, per_pallet_s)
    problem = pl.Problem(
        terminal=pl.Location(terminal.lat, terminal.lon),
        vehicles=tuple(planner_vehicle(v) for v in vehicles.values()),
        jobs=tuple(jobs),
    )
    return DayProblem(problem, infos, vehicles, unplannable, learned.id)


def _with_margin(
    windows: list[pl.TimeWindow], margin_s: Callable[[float], int], out_since: int
) -> tuple[tuple[pl.TimeWindow, ...], int | None]:
    """Keep the learned margin free before a window closes: hard before a later window, soft in the last.

    A margin on a window with another one after it only moves the stop to the later window; on the
    last (or only) window a hard margin would drop the job, so there the margin is a preferred
    latest start that the solver may exceed at a cost.
    """
    if not windows:
        return (), None
    ordered = sorted(windows, key=lambda w: w.start)

    def margin_end(w: pl.TimeWindow) -> int:
        return max(w.start, w.end - margin_s(w.end - out_since))

    hard = [pl.TimeWindow(w.start, margin_end(w)) for w in ordered[:-1]] + [ordered[-1]]
    soft = margin_end(ordered[-1])
    return tuple(hard), (soft if soft < ordered[-1].end else None)


def _pickup_jobs(terminal: Terminal, plan_date: date, infos: dict[str, JobInfo], per_pallet_s: int) -> list[pl.Job]:
    """Farm pickups booked for the day become pickup jobs (goods to the terminal)."""

    jobs = []
    for booking in bookings.bookings_due(plan_date, terminal.id):
        if booking.slot.template.kind != SlotKind.FARM_PICKUP:
            continue
        start, end = bookings.slot_window(booking)
        key = f"bk:{booking.id}"
        temperature = booking.temperature_class.value
        infos[key] = JobInfo(
            key=key,
            kind=StopKind.PICKUP,
            delivery_point_id=None,
            supplier_id=booking.supplier_id,
            order_ids=[],
            load={temperature: {"kg": booking.kg, "pallets": booking.pallets}},
            windows=[[hhmm(seconds(start)), hhmm(seconds(end))]],
            label=booking.supplier.name,
            booking_id=booking.id,
        )
        jobs.append(
            pl.Job.pickup_job(
                key,
                pl.Location(booking.supplier.lat, booking.supplier.lon),
                {temperature: pl.Load(booking.kg, booking.pallets)},
                time_windows=(pl.TimeWindow(seconds(start), seconds(end)),),
                service_fixed_s=10 * 60,
                service_per_pallet_s=per_pallet_s,
            )
        )
    return jobs


def current_plans(plan_date: date) -> list[Plan]:
    """The newest plan version of each terminal for a date."""
    newest = (
        sa.select(Plan.terminal_id, sa.func.max(Plan.version).label("version"))
        .where(Plan.plan_date == plan_date)
        .group_by(Plan.terminal_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Plan).join(
                newest, sa.and_(Plan.terminal_id == newest.c.terminal_id, Plan.version == newest.c.version)
            ).where(Plan.plan_date == plan_date)
        )
    )


def plan_versions(terminal: Terminal, plan_date: date) -> list[Plan]:
    """Every stored version of the plan of a date, newest first."""
    return list(
        db.session.scalars(
            sa.select(Plan)
            .where(Plan.terminal_id == terminal.id, Plan.plan_date == plan_date)
            .order_by(Plan.version.desc())
        )
    )


def current_plan_or_404(terminal: Terminal, plan_date: date) -> Plan:
    plan = current_plan(terminal.id, plan_date)
    if plan is None:
        raise NotFound("planning.no_plan", {"date": plan_date.isoformat()})
    return plan


def current_plan(terminal_id: int, plan_date: date) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.terminal_id == terminal_id, Plan.plan_date == plan_date)
        .order_by(Plan.version.desc())
        .limit(1)
    )


RouteKey = tuple[int, int]  # (vehicle id, trip)


@dataclass
class Facts:
    """The stops of a day that happened, per (vehicle, trip), in the order they were visited.

    `pinned` are on trips the planner still plans (the trip continues from them); `carried`
    are on trips it cannot plan any more (the vehicle is inactive): those are stored as they are.
    """

    pinned: dict[RouteKey, list[Stop]] = field(default_factory=dict)
    carried: dict[RouteKey, list[Stop]] = field(default_factory=dict)
    visited_at: dict[str, datetime] = field(default_factory=dict)
    #: The stop a driver under way is heading to (the first not yet visited on a trip with facts):
    #: a re-plan keeps it next on that trip, because the driver may already be on the road to it.
    heading: dict[RouteKey, Stop] = field(default_factory=dict)

    @property
    def keys(self) -> set[str]:
        return {s.job_key for stops in (*self.pinned.values(), *self.carried.values()) for s in stops}


def _facts(previous: Plan | None, day: DayProblem) -> Facts:
    facts = Facts()
    if previous is None:
        return facts
    happened = [s for route in previous.routes for s in route.stops if s.status in FIXED_STATUSES]
    if not happened:
        return facts

    rows = db.session.execute(
        sa.select(DriverEvent.job_key, sa.func.min(DriverEvent.occurred_at))
        .where(
            DriverEvent.plan_date == previous.plan_date,
            DriverEvent.job_key.in_([s.job_key for s in happened]),
            DriverEvent.flagged.is_(False),
        )
        .group_by(DriverEvent.job_key)
    )
    facts.visited_at = {key: aware(moment) for key, moment in rows}
    planned_trips = {(int(v.id), k) for v in day.problem.vehicles for k in range(v.max_trips)}
    for route in previous.routes:
        stops = [s for s in route.stops if s.status in FIXED_STATUSES]
        if not stops:
            continue
        # In the order the vehicle visited them; a stop without an event keeps its planned place.
        stops.sort(key=lambda s: (facts.visited_at.get(s.job_key, s.planned_service_start), s.sequence))
        key = (route.vehicle_id, route.trip)
        (facts.pinned if key in planned_trips else facts.carried)[key] = stops
        ahead = [s for s in route.stops if s.status not in FIXED_STATUSES]
        if key in planned_trips and ahead:
            facts.heading[key] = min(ahead, key=lambda s: s.sequence)
    return facts


def _with_facts(day: DayProblem, facts: Facts) -> None:
    """Make the problem fit the facts: a pinned fact's job is in it (rebuilt from the stored stop
    if its order has gone since), a carried fact's job is not (it must not be planned again)."""
    carried = {s.job_key for stops in facts.carried.values() for s in stops}
    present = {job.id for job in day.problem.jobs}
    added = []
    for stop in (s for stops in facts.pinned.values() for s in stops):
        if stop.job_key in present:
            continue
        service_s = max(0, int((stop.planned_departure - stop.planned_service_start).total_seconds()))
        load = {k: pl.Load(v["kg"], v["pallets"]) for k, v in stop.load.items()}
        make = pl.Job.delivery_job if stop.kind == StopKind.DELIVERY else pl.Job.pickup_job
        added.append(make(stop.job_key, pl.Location(stop.lat, stop.lon), load, service_fixed_s=service_s))
        day.jobs.setdefault(stop.job_key, _job_info(stop))
    jobs = tuple(job for job in day.problem.jobs if job.id not in carried) + tuple(added)
    day.problem = pl.Problem(day.problem.terminal, day.problem.vehicles, jobs)
    day.unplannable = [u for u in day.unplannable if u["job_key"] not in facts.keys]


def _same_load(stop: Stop, job: pl.Job | None) -> bool:
    """Whether the job is still the stop as stored (there, with the same load)."""
    if job is None:
        return False
    stored = {k: (round(v["kg"], 6), round(v["pallets"], 6)) for k, v in (stop.load or {}).items()}
    return stored == {k: (round(v.kg, 6), round(v.pallets, 6)) for k, v in job.demand.items()}


def _job_info(stop: Stop) -> JobInfo:
    return JobInfo(
        key=stop.job_key,
        kind=stop.kind,
        delivery_point_id=stop.delivery_point_id,
        supplier_id=stop.supplier_id,
        order_ids=[o.id for o in stop.orders],
        load=stop.load,
        windows=stop.time_windows,
        label=stop.delivery_point.name if stop.delivery_point else (stop.supplier.name if stop.supplier else ""),
        booking_id=stop.booking_id,
    )


def _planner_stop(stop: Stop, plan_date: date, service_start: int | None = None) -> pl.Stop:
    delivery = stop.kind == StopKind.DELIVERY
    return pl.Stop(
        job_id=stop.job_key,
        job_kind=pl.JobKind.DELIVERY if delivery else pl.JobKind.PICKUP,
        action=pl.StopAction.DELIVERY if delivery else pl.StopAction.PICKUP,
        location=pl.Location(stop.lat, stop.lon),
        arrival=seconds_of(plan_date, stop.planned_arrival),
        service_start=seconds_of(plan_date, stop.planned_service_start) if service_start is None else service_start,
        departure=seconds_of(plan_date, stop.planned_departure),
        # Kept so that a version stored without the solver (insert_new_deliveries) keeps it.
        load_after={k: pl.Load(v["kg"], v["pallets"]) for k, v in (stop.load_after or {}).items()},
    )


def _as_planner_plan(
    plan: Plan, day: DayProblem, facts: Facts, *, keep_rest: bool
) -> tuple[pl.Plan, dict[tuple[str, int], int]]:
    """The stored plan in the planner's terms: each trip's facts first, in the order visited (served
    no earlier than they were), then, unless planning from scratch, the rest as planned."""
    routes, fixed = [], {}
    shifts = {v.id: (v.shift_start, v.shift_end) for v in day.problem.vehicles}
    jobs = {job.id: job for job in day.problem.jobs}
    for route in plan.routes:
        key = (route.vehicle_id, route.trip)
        happened = facts.pinned.get(key, [])
        if not happened and not keep_rest:
            continue
        start, end = shifts.get(str(route.vehicle_id), (0, 24 * 3600))
        stops = []
        for stop in happened:
            visited = facts.visited_at.get(stop.job_key)
            served = seconds_of(plan.plan_date, visited) if visited is not None else None
            # A phone clock far off (outside the shift) is not trusted as a time; its order is kept.
            stops.append(_planner_stop(stop, plan.plan_date, served if served and start <= served <= end else None))
        # The stop the driver is on the way to stays next (unless its order has gone or changed since).
        heading = facts.heading.get(key) if happened else None
        if heading is not None and _same_load(heading, jobs.get(heading.job_key)):
            stops.append(_planner_stop(heading, plan.plan_date))
        else:
            heading = None
        if keep_rest:
            stops += [
                _planner_stop(s, plan.plan_date)
                for s in route.stops
                if s.status not in FIXED_STATUSES and s is not heading
            ]
        if happened:
            fixed[(str(route.vehicle_id), route.trip)] = len(happened) + (heading is not None)
        routes.append(
            pl.Route(
                vehicle_id=str(route.vehicle_id),
                trip=route.trip,
                start=seconds_of(plan.plan_date, route.planned_start),
                end=seconds_of(plan.plan_date, route.planned_end),
                stops=tuple(stops),
                breaks=(),
                distance_m=route.distance_m,
                duration_s=route.duration_s,
                cost=route.cost,
            )
        )
    initial = pl.Plan(
        routes=tuple(routes),
        unassigned=(),
        objective=0,
        total_distance_m=plan.total_distance_m,
        total_cost=plan.total_cost,
        status="stored",
        wall_time_s=0.0,
        params=None,
    )
    return initial, fixed


def _copy(stop: Stop, sequence: int) -> Stop:
    """A fact in the new version: the same stop, status and planned times, only renumbered."""
    return Stop(
        sequence=sequence,
        **{
            name: getattr(stop, name)
            for name in (
                "job_key", "kind", "status", "delivery_point_id", "supplier_id", "booking_id", "lat", "lon",
                "planned_arrival", "planned_service_start", "planned_departure", "time_windows", "load",
                "load_after", "eta",
            )
        },
        orders=list(stop.orders),
    )  # fmt: skip


def _driven_m(terminal: Terminal, stops: list[Stop], travel: pl.TravelMatrixProvider) -> tuple[float, int]:
    """Metres and seconds of terminal -> stops in order -> terminal (a trip stored without the planner)."""
    places = [pl.Location(terminal.lat, terminal.lon)] + [pl.Location(s.lat, s.lon) for s in stops]
    matrix = travel.matrix(places)
    legs = list(range(len(places))) + [0]
    pairs = list(zip(legs, legs[1:], strict=False))
    return sum(matrix.distances_m[a][b] for a, b in pairs), int(sum(matrix.durations_s[a][b] for a, b in pairs))


def _store(
    terminal: Terminal,
    plan_date: date,
    day: DayProblem,
    result: pl.Plan,
    previous: Plan | None,
    facts: Facts | None = None,
    travel: pl.TravelMatrixProvider | None = None,
) -> Plan:
    facts = facts or Facts()
    previous_routes = {(r.vehicle_id, r.trip): r for r in previous.routes} if previous else {}
    previous_status = {
        s.job_key: s.status for r in previous_routes.values() for s in r.stops
    }
    happened = facts.keys
    plan = Plan(
        terminal_id=terminal.id,
        plan_date=plan_date,
        version=(previous.version + 1) if previous else 1,
        solver_status=result.status,
        warm_started=result.warm_started,
        wall_time_s=round(result.wall_time_s, 3),
        total_distance_m=round(result.total_distance_m, 1),
        total_cost=round(result.total_cost, 2),
        # each with its reason in numbers (the load against the largest compartment, ...); a job
        # that already happened is kept as a fact, never listed as left out
        unassigned=[
            entry
            for entry in unassigned_jobs.entries(day, result, plan_date, lambda: travel or travel_model())
            if entry["job_key"] not in happened
        ],
        params={k: v for k, v in asdict(result.params).items()} if result.params else {},
        learned_parameters_id=day.learned_parameters_id,
    )
    order_ids = [order_id for info in day.jobs.values() for order_id in info.order_ids]
    orders = {o.id: o for o in db.session.scalars(sa.select(Order).where(Order.id.in_(order_ids)))}
    stored_keys = set()
    for planned in result.routes:
        vehicle = day.vehicles[planned.vehicle_id]
        key = (vehicle.id, planned.trip)
        stored_keys.add(key)
        own_facts = facts.pinned.get(key, [])
        route = Route(
            vehicle=vehicle,
            vehicle_id=vehicle.id,
            driver_id=vehicle.driver_id,
            trip=planned.trip,
            planned_start=at(plan_date, planned.start),
            planned_end=at(plan_date, planned.end),
            distance_m=round(planned.distance_m, 1),
            duration_s=planned.duration_s,
            cost=round(planned.cost, 2),
            co2e_kg=round(planned.distance_m / 1000 * vehicle.co2e_kg_per_km, 3),
            breaks=[{"start": at(plan_date, b.start).isoformat(), "duration_s": b.duration_s} for b in planned.breaks],
        )
        for sequence, fact in enumerate(own_facts, start=1):
            route.stops.append(_copy(fact, sequence))
        rest = [s for s in planned.stops if s.job_id not in happened]
        for sequence, planned_stop in enumerate(rest, start=len(own_facts) + 1):
            info = day.jobs[planned_stop.job_id]
            route.stops.append(
                Stop(
                    sequence=sequence,
                    job_key=info.key,
                    kind=info.kind,
                    status=previous_status.get(info.key, StopStatus.PLANNED),
                    delivery_point_id=info.delivery_point_id,
                    supplier_id=info.supplier_id,
                    booking_id=info.booking_id,
                    lat=planned_stop.location.lat,
                    lon=planned_stop.location.lon,
                    planned_arrival=at(plan_date, planned_stop.arrival),
                    planned_service_start=at(plan_date, planned_stop.service_start),
                    planned_departure=at(plan_date, planned_stop.departure),
                    time_windows=info.windows,
                    load=info.load,
                    load_after={k: asdict(v) for k, v in planned_stop.load_after.items()},
                    orders=[orders[order_id] for order_id in info.order_ids],
                )
            )
        if [s.job_id for s in planned.stops[: len(own_facts)]] != [s.job_key for s in own_facts]:
            # The planner could not keep the facts in front (it never should): the stored trip
            # still does, and its km are the driven order's.
            log.error("planner moved facts of %s on %s; stored as driven", key, plan_date)
            _measure(route, vehicle, terminal, travel)
        plan.routes.append(route)
    for key, stops in {**facts.pinned, **facts.carried}.items():
        if key in stored_keys:
            continue
        # A trip of facts only: its vehicle is no longer planned, or the planner dropped the trip.
        first = previous_routes[key]
        route = Route(
            vehicle_id=key[0], driver_id=first.driver_id, trip=key[1], planned_start=first.planned_start,
            planned_end=stops[-1].planned_departure, breaks=[],
            stops=[_copy(stop, sequence) for sequence, stop in enumerate(stops, start=1)],
        )  # fmt: skip
        _measure(route, first.vehicle, terminal, travel)
        plan.routes.append(route)
    for route in plan.routes:
        before = previous_routes.get((route.vehicle_id, route.trip))
        if before is None:
            route.version = 1
        else:
            same = [s.job_key for s in before.stops] == [s.job_key for s in route.stops]
            route.version = before.version if same else before.version + 1
    plan.total_distance_m = round(sum(r.distance_m for r in plan.routes), 1)
    plan.total_cost = round(sum(r.cost for r in plan.routes), 2)
    if isinstance(travel, pl.RoadTimesWithFallback) and travel.fell_back:
        # OSRM was down: the plan stands on estimated times and says so until it is re-planned.
        plan.params = {**(plan.params or {}), ROAD_TIMES_ESTIMATED: True}
    db.session.add(plan)
    _confirm_bookings(plan_date, terminal, plan)
    db.session.flush()
    _announce(plan)
    db.session.commit()
    return plan


def _measure(route: Route, vehicle: Vehicle, terminal: Terminal, travel: pl.TravelMatrixProvider | None) -> None:
    """Distance, time, cost and CO2e of a trip stored as driven rather than as the planner built it."""
    metres, seconds = _driven_m(terminal, list(route.stops), travel or travel_model())
    route.distance_m = round(metres, 1)
    route.duration_s = seconds
    route.cost = round(metres / 1000 * vehicle.cost_per_km + seconds / 3600 * vehicle.cost_per_hour, 2)
    route.co2e_kg = round(metres / 1000 * vehicle.co2e_kg_per_km, 3)


def _confirm_bookings(plan_date: date, terminal: Terminal, plan: Plan) -> None:
    """Producers see the pickup time once the day is planned (the slot start for drop-offs)."""

    planned = {stop.booking_id: stop for route in plan.routes for stop in route.stops if stop.booking_id}
    for booking in bookings.bookings_due(plan_date, terminal.id):
        if booking.slot.template.kind == SlotKind.TERMINAL_DROPOFF:
            booking.confirmed_time = at(plan_date, seconds(booking.slot.template.start))
        else:
            stop = planned.get(booking.id)
            booking.confirmed_time = stop.planned_service_start if stop else None


ProgressFn = Callable[[float, Message], None]


class _Progress(pl.SolveCallbacks):
    def __init__(self, report: ProgressFn, searching: Message):
        self.report = report
        # Says for the whole search why it takes longer or starts from today's trips, not only
        # until the first plan is found.
        self.searching = searching

    def on_progress(self, fraction: float, best_cost: int) -> None:
        self.report(0.1 + 0.85 * min(fraction, 1.0), self.searching)


def plan_day(
    terminal: Terminal,
    plan_date: date,
    *,
    time_limit_s: float,
    fresh: bool = False,
    progress: ProgressFn | None = None,
    seed: int = 0,
    min_gain: float = 0.0,
) -> Plan:
    """Plan `plan_date` and store the result as the next version; returns the stored plan.

    With `min_gain` (a fraction), a plan of the same jobs as the stored version is only stored if
    it costs at least that much less; else the stored version is returned unchanged, so drivers
    are not sent a new route for a minute saved."""
    report = progress or (lambda fraction, message: None)
    report(0.02, Message("progress.planning.reading"))
    day = build_day_problem(terminal, plan_date)
    previous = current_plan(terminal.id, plan_date)
    facts = _facts(previous, day)
    _with_facts(day, facts)
    stops, vehicles = len(day.problem.jobs), len(day.vehicles)
    # Stops that already happened keep the planner from PyVRP's start (it cannot hold them), and
    # OR-Tools alone plans only a small part of a city-size day (bench/RESULTS.md, "Every seed"):
    # a day that large and under way is planned again from its current plan instead.
    kept_current = fresh and bool(facts.pinned) and pl.is_large_day(stops)
    fresh = fresh and not kept_current
    initial, fixed = (None, None)
    if previous is not None and (facts.pinned or not fresh):
        initial, fixed = _as_planner_plan(previous, day, facts, keep_rest=not fresh)
    limit = pl.least_time_limit_s(stops, time_limit_s, from_scratch=initial is None or fresh)
    searching = Message("progress.planning.searching")
    if kept_current:
        report(0.08, Message("progress.planning.fresh_large", stops=stops, vehicles=vehicles))
        searching = Message("progress.planning.searching_from_trips")
    elif limit > time_limit_s:
        seconds = round(limit)
        report(0.08, Message("progress.planning.planning_large", stops=stops, vehicles=vehicles, seconds=seconds))
        searching = Message("progress.planning.searching_large", seconds=seconds)
    else:
        report(0.08, Message("progress.planning.planning", stops=stops, vehicles=vehicles))
    travel = travel_model()
    if not day.problem.vehicles:
        day.unplannable += [
            {"job_key": job.id, "reason": NO_ACTIVE_VEHICLE, "label": day.jobs[job.id].label}
            for job in day.problem.jobs
            if job.id not in facts.keys
        ]
        day.problem = pl.Problem(day.problem.terminal, (), ())
        empty = pl.Plan((), (), 0, 0.0, 0.0, "NO_VEHICLES", 0.0, None)
        return _store(terminal, plan_date, day, empty, previous, facts, travel)
    result = pl.solve(
        day.problem,
        pl.SolveParams(time_limit_s=limit, seed=seed),
        callbacks=_Progress(report, searching),
        travel=travel,
        initial_plan=initial,
        fixed=fixed or None,
        warm_start=not fresh,
    )
    if previous is not None and not fresh and not facts.carried and _not_better(result, previous, day, min_gain):
        return previous
    report(0.97, Message("progress.planning.storing"))
    return _store(terminal, plan_date, day, result, previous, facts, travel)


def _not_better(result: pl.Plan, stored: Plan, day: DayProblem, min_gain: float) -> bool:
    """Whether `result` is no real improvement on the stored plan: the stored plan serves exactly the
    day's jobs (each with the load it has now) and `result` serves them all for less than `min_gain`
    (a fraction) less. A plan of other jobs than the stored one is never judged by its gain."""
    if min_gain <= 0:
        return False
    jobs = {job.id: job for job in day.problem.jobs}
    stops = {s.job_key: s for route in stored.routes for s in route.stops}
    if stops.keys() != jobs.keys() or not all(_same_load(stop, jobs[key]) for key, stop in stops.items()):
        return False
    return bool(result.unassigned) or result.total_cost > stored.total_cost * (1 - min_gain)


def insert_new_deliveries(terminal: Terminal, plan_date: date) -> Plan | None:
    """Put deliveries the day's plan does not have yet into it at once, each where it adds the least
    cost (planning.insertion), store that as the next version and push it; None if there is nothing
    to insert or the day changed otherwise (a job changed or gone): the background re-plan, queued
    anyway, handles that and improves on the insertion."""
    previous = current_plan(terminal.id, plan_date)
    if previous is None or not previous.routes:
        return None
    day = build_day_problem(terminal, plan_date)
    facts = _facts(previous, day)
    _with_facts(day, facts)
    jobs = {job.id: job for job in day.problem.jobs}
    planned = {s.job_key: s for route in previous.routes for s in route.stops}
    if not all(_same_load(stop, jobs.get(key)) for key, stop in planned.items()):
        return None
    new = [job for job in day.problem.jobs if job.id not in planned and job.kind is pl.JobKind.DELIVERY]
    if not new:
        return None
    travel = travel_model()
    initial, _ = _as_planner_plan(previous, day, facts, keep_rest=True)
    routes = list(initial.routes)
    vehicles = {v.id: v for v in day.problem.vehicles}
    now = seconds_of(plan_date, clock.now())
    placed = 0
    for job in new:
        found = cheapest_insertion(
            job, routes, jobs, vehicles, day.problem.terminal, travel, now=now, break_rule=day.problem.break_rule
        )
        if found is not None:
            routes = [found.route if r.key == found.route.key else r for r in routes]
            placed += 1
    if not placed:
        return None
    on_routes = {s.job_id for r in routes for s in r.stops}
    left_out = tuple(
        pl.UnassignedJob(job.id, pl.UnassignedReason.NO_CAPACITY_OR_TIME_LEFT)
        for job in day.problem.jobs
        if job.id not in on_routes
    )
    result = pl.Plan(
        routes=tuple(routes),
        unassigned=left_out,
        objective=0,
        total_distance_m=sum(r.distance_m for r in routes),
        total_cost=sum(r.cost for r in routes),
        status="inserted",
        wall_time_s=0.0,
        params=None,
    )
    return _store(terminal, plan_date, day, result, previous, facts, travel)


def _announce(plan: Plan) -> None:
    """Once stored: each driver whose route changed gets it, the coordinators get the new version."""
    for change in route_changes(plan):
        notify.after_commit(notify.Event(change["event"], change["payload"], notify.driver(change["driver_id"])))
    notify.after_commit(
        notify.Event(
            "plan_updated",
            {
                "plan_id": plan.id,
                "plan_date": plan.plan_date.isoformat(),
                "version": plan.version,
                "routes": len(plan.routes),
                "unassigned": len(plan.unassigned),
            },
        )
    )


ROAD_TIMES_ESTIMATED = "road_times_estimated"


def travel_model() -> pl.TravelMatrixProvider:
    """OSRM's road times when OSRM_URL is set (the learned straight-line model when it cannot be
    reached), else the learned straight-line model."""
    url = current_app.config.get("OSRM_URL")
    learned = feedback.current_model().travel_model()
    return pl.RoadTimesWithFallback(pl.OsrmTravelModel(url), learned) if url else learned
