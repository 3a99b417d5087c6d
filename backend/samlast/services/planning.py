"""Plan a date for a terminal: orders in, a stored, versioned plan out.

The database is translated into the planner's plain data (one consolidated
delivery job per delivery point and day), the pure planner solves it, and the
result is stored as a new plan version. Re-planning warm-starts from the
current plan and keeps stops that are done or under way fixed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from samlast import planning as pl
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    Order,
    OrderStatus,
    Plan,
    Route,
    Stop,
    StopKind,
    StopStatus,
    Terminal,
    Vehicle,
)
from samlast.services import unassigned as unassigned_jobs

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


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def at(plan_date: date, seconds: int) -> datetime:
    """Seconds since local midnight of `plan_date` as an aware datetime."""
    midnight = datetime.combine(plan_date, time(0), tzinfo=tz())
    return midnight + timedelta(seconds=seconds)


def seconds_of(plan_date: date, moment: datetime) -> int:
    if moment.tzinfo is None:  # SQLite returns naive UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    midnight = datetime.combine(plan_date, time(0), tzinfo=tz())
    return int((moment - midnight).total_seconds())


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


def _planner_vehicle(vehicle: Vehicle) -> pl.Vehicle:
    config = current_app.config
    return pl.Vehicle(
        id=str(vehicle.id),
        shift_start=_seconds(vehicle.shift_start),
        shift_end=_seconds(vehicle.shift_end),
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
    from samlast.services import feedback

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
    out_since = min((_seconds(v.shift_start) for v in vehicles.values()), default=0)
    for orders in by_point.values():
        point = orders[0].delivery_point
        load: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for line in (line for order in orders for line in order.lines):
            load[line.temperature_class.value][0] += line.weight_kg
            load[line.temperature_class.value][1] += line.pallet_places
        windows = [
            pl.TimeWindow(_seconds(w.start), _seconds(w.end))
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
            windows=[[_clock(w.start), _clock(w.end)] for w in windows],
            label=point.name,
        )
        infos[key] = info
        if point.receiving_windows and not windows:
            # The point receives goods on other weekdays only: say so rather than guess a time.
            unplannable.append({"job_key": key, "reason": NO_WINDOW_THAT_DAY, "label": point.name})
            continue
        fixed_s, pallet_s = learned.service_model(point.id, point.service_time_min * 60, per_pallet_s)
        fixed_s += int(round(learned.excess.per_visit_s))  # the day's expected lunches and detours
        windows, soft_latest_s = _with_margin(windows, learned.arrival_margin.margin_s, out_since)
        jobs.append(
            pl.Job.delivery_job(
                key,
                pl.Location(point.lat, point.lon),
                {k: pl.Load(v[0], v[1]) for k, v in load.items()},
                time_windows=windows,
                service_fixed_s=fixed_s,
                service_per_pallet_s=pallet_s,
                soft_latest_s=soft_latest_s,
            )
        )
    jobs += _pickup_jobs(terminal, plan_date, infos, per_pallet_s)
    problem = pl.Problem(
        terminal=pl.Location(terminal.lat, terminal.lon),
        vehicles=tuple(_planner_vehicle(v) for v in vehicles.values()),
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
    from samlast.models import SlotKind
    from samlast.services import bookings

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
            windows=[[_clock(_seconds(start)), _clock(_seconds(end))]],
            label=booking.supplier.name,
            booking_id=booking.id,
        )
        jobs.append(
            pl.Job.pickup_job(
                key,
                pl.Location(booking.supplier.lat, booking.supplier.lon),
                {temperature: pl.Load(booking.kg, booking.pallets)},
                time_windows=(pl.TimeWindow(_seconds(start), _seconds(end)),),
                service_fixed_s=10 * 60,
                service_per_pallet_s=per_pallet_s,
            )
        )
    return jobs


def current_plan(terminal_id: int, plan_date: date) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.terminal_id == terminal_id, Plan.plan_date == plan_date)
        .order_by(Plan.version.desc())
        .limit(1)
    )


def _as_planner_plan(plan: Plan, day: DayProblem) -> tuple[pl.Plan, dict[tuple[str, int], int]]:
    """The stored plan in the planner's terms, and how many leading stops per route are fixed."""
    routes, fixed = [], {}
    for route in plan.routes:
        stops = []
        for stop in route.stops:
            stops.append(
                pl.Stop(
                    job_id=stop.job_key,
                    job_kind=pl.JobKind.DELIVERY if stop.kind == StopKind.DELIVERY else pl.JobKind.PICKUP,
                    action=pl.StopAction.DELIVERY if stop.kind == StopKind.DELIVERY else pl.StopAction.PICKUP,
                    location=pl.Location(stop.lat, stop.lon),
                    arrival=seconds_of(plan.plan_date, stop.planned_arrival),
                    service_start=seconds_of(plan.plan_date, stop.planned_service_start),
                    departure=seconds_of(plan.plan_date, stop.planned_departure),
                    load_after={},
                )
            )
        key = (str(route.vehicle_id), route.trip)
        done = 0
        for stop in route.stops:
            if stop.status not in FIXED_STATUSES:
                break
            done += 1
        if done and str(route.vehicle_id) in day.vehicles:
            fixed[key] = done
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


def _store(
    terminal: Terminal, plan_date: date, day: DayProblem, result: pl.Plan, previous: Plan | None
) -> Plan:
    previous_routes = {(r.vehicle_id, r.trip): r for r in previous.routes} if previous else {}
    previous_status = {
        s.job_key: s.status for r in previous_routes.values() for s in r.stops
    }
    plan = Plan(
        terminal_id=terminal.id,
        plan_date=plan_date,
        version=(previous.version + 1) if previous else 1,
        solver_status=result.status,
        warm_started=result.warm_started,
        wall_time_s=round(result.wall_time_s, 3),
        total_distance_m=round(result.total_distance_m, 1),
        total_cost=round(result.total_cost, 2),
        # each with its reason in numbers (the load against the largest compartment, ...)
        unassigned=unassigned_jobs.entries(day, result, plan_date, _travel_model),
        params={k: v for k, v in asdict(result.params).items()} if result.params else {},
        learned_parameters_id=day.learned_parameters_id,
    )
    order_ids = [order_id for info in day.jobs.values() for order_id in info.order_ids]
    orders = {o.id: o for o in db.session.scalars(sa.select(Order).where(Order.id.in_(order_ids)))}
    for planned in result.routes:
        vehicle = day.vehicles[planned.vehicle_id]
        route = Route(
            vehicle=vehicle,
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
        for sequence, planned_stop in enumerate(planned.stops, start=1):
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
        before = previous_routes.get((vehicle.id, planned.trip))
        if before is None:
            route.version = 1
        else:
            same = [s.job_key for s in before.stops] == [s.job_key for s in route.stops]
            route.version = before.version if same else before.version + 1
        plan.routes.append(route)
    db.session.add(plan)
    _confirm_bookings(plan_date, terminal, plan)
    db.session.commit()
    return plan


def _confirm_bookings(plan_date: date, terminal: Terminal, plan: Plan) -> None:
    """Producers see the pickup time once the day is planned (the slot start for drop-offs)."""
    from samlast.models import SlotKind
    from samlast.services import bookings

    planned = {stop.booking_id: stop for route in plan.routes for stop in route.stops if stop.booking_id}
    for booking in bookings.bookings_due(plan_date, terminal.id):
        if booking.slot.template.kind == SlotKind.TERMINAL_DROPOFF:
            booking.confirmed_time = at(plan_date, _seconds(booking.slot.template.start))
        else:
            stop = planned.get(booking.id)
            booking.confirmed_time = stop.planned_service_start if stop else None


ProgressFn = Callable[[float, Message], None]


class _Progress(pl.SolveCallbacks):
    def __init__(self, report: ProgressFn):
        self.report = report

    def on_progress(self, fraction: float, best_cost: int) -> None:
        self.report(0.1 + 0.85 * min(fraction, 1.0), Message("progress.planning.searching"))


def plan_day(
    terminal: Terminal,
    plan_date: date,
    *,
    time_limit_s: float,
    fresh: bool = False,
    progress: ProgressFn | None = None,
    seed: int = 0,
) -> Plan:
    """Plan `plan_date` and store the result as the next version; returns the stored plan."""
    report = progress or (lambda fraction, message: None)
    report(0.02, Message("progress.planning.reading"))
    day = build_day_problem(terminal, plan_date)
    previous = current_plan(terminal.id, plan_date)
    initial, fixed = (None, None)
    if previous is not None and not fresh:
        initial, fixed = _as_planner_plan(previous, day)
    report(0.08, Message("progress.planning.planning", stops=len(day.problem.jobs), vehicles=len(day.vehicles)))
    if not day.problem.vehicles:
        day.unplannable += [
            {"job_key": job.id, "reason": NO_ACTIVE_VEHICLE, "label": day.jobs[job.id].label}
            for job in day.problem.jobs
        ]
        day.problem = pl.Problem(day.problem.terminal, (), ())
        empty = pl.Plan((), (), 0, 0.0, 0.0, "NO_VEHICLES", 0.0, None)
        plan = _store(terminal, plan_date, day, empty, previous)
        _push(plan)
        return plan
    travel = _travel_model()
    result = pl.solve(
        day.problem,
        pl.SolveParams(time_limit_s=time_limit_s, seed=seed),
        callbacks=_Progress(report),
        travel=travel,
        initial_plan=initial,
        fixed=fixed or None,
    )
    report(0.97, Message("progress.planning.storing"))
    plan = _store(terminal, plan_date, day, result, previous)
    _push(plan)
    return plan


def _push(plan: Plan) -> None:
    from samlast.realtime import events
    from samlast.services.route_changes import route_changes

    events.routes_changed(route_changes(plan))


def _travel_model() -> pl.TravelMatrixProvider:
    from samlast.services import feedback

    url = current_app.config.get("OSRM_URL")
    return pl.OsrmTravelModel(url) if url else feedback.current_model().travel_model()
