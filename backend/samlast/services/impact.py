"""Impact analysis in the product: DB orders in, a stored :class:`ImpactReport` out.

The database is read into :mod:`samlast.impact`'s plain input (orders between
two dates, their delivery points and suppliers, the terminal's active
vehicles), the pure analysis runs, and its report is stored on the row.
Runs take minutes (one planning run per supplier-day, pattern-day and
coalition-day), so the API runs them on a worker thread of their own, apart
from the planner's, and records progress on the row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from samlast import impact
from samlast import planning as pl
from samlast.errors import Conflict, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.impact import presets
from samlast.impact.factors import is_heavy
from samlast.impact.routing import DayRouter
from samlast.models import (
    DeliveryPoint,
    ImpactReport,
    JobStatus,
    Order,
    OrderStatus,
    Supplier,
    Terminal,
    User,
    Vehicle,
)
from samlast.services import impact_workers
from samlast.services.background import (
    Worker,
    fail_run,
    heartbeat,
    progress_writer,
    rq_queue,
    start_run,
    succeed_run,
)
from samlast.services.impact_workers import QueueRouter
from samlast.services.lookups import get_or_404

log = logging.getLogger(__name__)

MAX_DAYS = 62
# Impact runs have their own thread, so they never wait behind (or delay) day planning.
_analyst = Worker("impact")


def drain(timeout_s: float = 300.0) -> None:
    """Wait until queued impact runs have finished (tests, shutdown)."""
    _analyst.drain(timeout_s)


def _s(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def check_dates(date_from: date, date_to: date) -> None:
    """Raise ValidationFailed naming the field if the period is empty or too long."""
    if date_to < date_from:
        raise ValidationFailed("impact.period_reversed", {}, {"date_to": [Message("field.not_before_start")]})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            "impact.period_too_long", {"max_days": MAX_DAYS}, {"date_to": [Message("field.max_days", max=MAX_DAYS)]}
        )


def build_input(terminal: Terminal, date_from: date, date_to: date) -> impact.ImpactInput:
    """The pure analysis input for the open orders requested between the dates (inclusive)."""
    orders = db.session.scalars(
        sa.select(Order)
        .join(Supplier, Order.supplier_id == Supplier.id)
        # Goods from the terminal's emergency stock are no supplier's delivery in either scenario.
        .where(Order.requested_date.between(date_from, date_to), Order.status == OrderStatus.OPEN,
               Supplier.terminal_stock_of.is_(None))
        .options(
            selectinload(Order.lines),
            selectinload(Order.delivery_point).selectinload(DeliveryPoint.receiving_windows),
            selectinload(Order.delivery_point).selectinload(DeliveryPoint.municipality),
        )
        .order_by(Order.id)
    ).all()
    point_rows = {o.delivery_point_id: o.delivery_point for o in orders}
    supplier_ids = {o.supplier_id for o in orders}
    supplier_rows = (
        db.session.scalars(
            sa.select(Supplier).where(Supplier.id.in_(supplier_ids)).order_by(Supplier.id)
        ).all()
        if supplier_ids
        else []
    )
    points = []
    for p in sorted(point_rows.values(), key=lambda p: p.id):
        windows: dict[int, list[pl.TimeWindow]] = defaultdict(list)
        for w in p.receiving_windows:
            windows[w.weekday].append(pl.TimeWindow(_s(w.start), _s(w.end)))
        points.append(
            impact.ImpactPoint(
                str(p.id),
                p.name,
                p.municipality.name,
                p.kind.value,
                pl.Location(p.lat, p.lon),
                {d: tuple(ws) for d, ws in windows.items()},
                p.service_time_min * 60,
            )
        )
    suppliers = tuple(
        impact.ImpactSupplier(str(s.id), s.name, s.kind.value, pl.Location(s.lat, s.lon))
        for s in supplier_rows
    )
    impact_orders = []
    for o in orders:
        loads: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for line in o.lines:
            loads[line.temperature_class.value][0] += line.weight_kg
            loads[line.temperature_class.value][1] += line.pallet_places
        impact_orders.append(
            impact.ImpactOrder(
                str(o.id),
                str(o.delivery_point_id),
                str(o.supplier_id),
                o.requested_date,
                {k: pl.Load(kg, pallets) for k, (kg, pallets) in loads.items()},
            )
        )
    vehicles = db.session.scalars(
        sa.select(Vehicle)
        .where(Vehicle.terminal_id == terminal.id, Vehicle.active.is_(True))
        .options(selectinload(Vehicle.compartments))
        .order_by(Vehicle.id)
    ).all()
    fleet = tuple(
        impact.FleetVehicle(
            pl.Vehicle(
                id=str(v.id),
                shift_start=_s(v.shift_start),
                shift_end=_s(v.shift_end),
                capacities={
                    c.temperature_class.value: pl.Capacity(c.capacity_kg, c.capacity_pallets)
                    for c in v.compartments
                },
                cost_per_km=v.cost_per_km,
                cost_per_hour=v.cost_per_hour,
            ),
            co2e_kg_per_km=v.co2e_kg_per_km,
            heavy=is_heavy(sum(c.capacity_kg for c in v.compartments), v.length_m),
            energy=v.energy_type.value,
            name=v.name,
        )
        for v in vehicles
    )
    if not fleet and orders:
        raise ValidationFailed("impact.no_vehicle", {}, {"terminal_id": [Message("field.no_active_vehicle")]})
    return impact.ImpactInput(
        terminal=pl.Location(terminal.lat, terminal.lon),
        points=tuple(points),
        suppliers=suppliers,
        orders=tuple(impact_orders),
        fleet=fleet,
        start=date_from,
        end=date_to,
    )


#: The analysis' options an API request or the command line may set.
PARAMETERS = (
    "time_limit_s",
    "shapley_time_limit_s",
    "shapley",
    "primary_pattern",
    "terminal_handling_sek_per_kg",
    "admin_sek_per_delivery",
    "coordination_admin_sek_per_week",
    "preset",
)

#: What the coordinator may still set when running a preset (the rest is the preset's).
PRESET_OVERRIDES = (
    "time_limit_s",
    "terminal_handling_sek_per_kg",
    "admin_sek_per_delivery",
    "coordination_admin_sek_per_week",
)


def params_from(values: dict[str, Any]) -> impact.ImpactParams:
    """ImpactParams from API/CLI options (missing keys keep the defaults)."""
    kwargs = {k: values[k] for k in PARAMETERS if k != "preset" and values.get(k) is not None}
    try:
        if values.get("preset"):
            preset = presets.PRESETS[values["preset"]]
            return preset.params(**{k: v for k, v in kwargs.items() if k in PRESET_OVERRIDES})
        return impact.ImpactParams(**kwargs)
    except ValueError as exc:
        raise ValidationFailed("impact.bad_parameters", {"detail": str(exc)}) from None


def create_report(
    terminal: Terminal,
    date_from: date,
    date_to: date,
    *,
    name: str = "",
    parameters: dict[str, Any] | None = None,
    user: User | None = None,
) -> ImpactReport:
    """Store a queued report row (validated, not yet run).

    With ``parameters["preset"]`` the report runs on that scenario preset's
    synthetic week (:mod:`samlast.impact.presets`), not on the terminal's
    orders, and its dates are the preset's.
    """
    parameters = {k: v for k, v in (parameters or {}).items() if v is not None}
    if parameters.get("preset"):
        week = presets.PRESETS[parameters["preset"]].input()
        date_from, date_to = week.start, week.end
    check_dates(date_from, date_to)
    params_from(parameters)
    report = ImpactReport(
        name=name or f"{date_from.isoformat()} – {date_to.isoformat()}",
        date_from=date_from,
        date_to=date_to,
        terminal_id=terminal.id,
        parameters=parameters,
        requested_by_id=user.id if user else None,
        message="progress.impact.waiting",
    )
    db.session.add(report)
    db.session.commit()
    return report


def list_reports(limit: int, offset: int) -> list[ImpactReport]:
    """Stored reports, newest first."""
    return list(
        db.session.scalars(
            sa.select(ImpactReport).order_by(ImpactReport.created_at.desc()).limit(limit).offset(offset)
        )
    )


def finished_report(report_id: str) -> ImpactReport:
    """A report with its result; one still running (or failed) has nothing to export yet."""
    report = get_or_404(ImpactReport, report_id, "impact.report_not_found")
    if not report.result:
        raise Conflict("impact.no_result_yet")
    return report


def start_report(report: ImpactReport) -> ImpactReport:
    """Run `report` inline (PLANNING_RUNNER=inline) or on the impact worker thread."""
    _analyst.run_or_submit(run_report, report.id)
    db.session.refresh(report)
    return report



def run_report(report_id: str, progress=None) -> None:
    """Run one queued report to the end; never raises, the row records failures.

    Parameters
    ----------
    progress : callable, optional
        Also called with ``(fraction, message)`` (the CLI's progress bar).
    """
    report = db.session.get(ImpactReport, report_id)
    if report is None or report.status != JobStatus.QUEUED:
        log.warning("Impact report %s is missing or already started", report_id)
        return
    start_run(ImpactReport, report_id)
    write_progress = progress_writer(ImpactReport, report_id)

    def on_progress(fraction: float, message: Message) -> None:
        if progress is not None:
            progress(fraction, message)
        write_progress(fraction, message)

    try:
        terminal = db.session.get(Terminal, report.terminal_id) if report.terminal_id else None
        if terminal is None:
            raise ValidationFailed("impact.terminal_gone")
        preset = (report.parameters or {}).get("preset")
        if preset:
            # A preset is a synthetic cluster: straight-line travel, as its ranges were set with.
            data, travel = presets.PRESETS[preset].input(), None
        else:
            data, travel = build_input(terminal, report.date_from, report.date_to), _travel_model()
        params = params_from(report.parameters or {})
        with heartbeat(ImpactReport, report_id):
            result = impact.analyse(data, params, travel=travel, progress=on_progress, router=_router())
        if preset:
            result["preset"] = preset
    except Exception as exc:  # the row must end in a recorded state whatever went wrong
        log.exception("Impact report %s failed", report_id)
        db.session.rollback()
        fail_run(ImpactReport, report_id, exc, "progress.impact.failed")
    else:
        db.session.rollback()
        succeed_run(ImpactReport, report_id, Message("progress.impact.done", **_headline(result)), result=result)
    db.session.expire_all()


def _router() -> DayRouter:
    """Where the analysis's routing runs go: RQ workers (IMPACT_ROUTER=rq, the default with
    Redis; this process works too, so it finishes without any worker) or this process only."""
    if current_app.config["IMPACT_ROUTER"] == "rq":
        return QueueRouter(rq_queue(impact_workers.QUEUE_NAME))
    return DayRouter()


def _headline(result: dict[str, Any]) -> dict[str, Any]:
    """Parameters of the finished report's one-line summary (changes in whole per cent)."""
    c = result["comparison"]

    def pct(key: str) -> str:
        ch = c[key]["change"]
        return "–" if ch is None else f"{ch * 100:+.0f}"

    return {
        "deliveries": pct("deliveries"),
        "km": pct("vehicle_km"),
        "co2e": pct("co2e_kg"),
        "cost": pct("cost_sek"),
        "pattern": Message(f"impact.pattern.{result['primary_pattern']}").as_json(),
    }


def _travel_model() -> pl.TravelMatrixProvider:
    url = current_app.config.get("OSRM_URL")
    return pl.OsrmTravelModel(url) if url else pl.GeodesicTravelModel()
