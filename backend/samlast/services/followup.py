"""Monthly follow-up in the product: what was delivered, read from the database, in a stored report.

What happened is read as facts: every stop delivered with a proof (its arrival against its
receiving windows, the delivered kg per product area from the proof lines, the deviations of that
building and day), every route those stops were on (GPS kilometres from the driver's positions
when at least two were sent, the planned kilometres otherwise; CO2e and cost from the vehicle).
The baseline is free delivery of the *same* orders, routed by the impact analysis' own baseline
(:func:`samlast.impact.baseline.run_baseline`). The pure figures are
:func:`samlast.impact.followup.follow_up`.

Runs are queued rows (:class:`FollowupReport`), run by :func:`run_report` on demand
(services.background.dispatch) or on the first of every month (the RQ cron job in
:mod:`samlast.cron_config`, or ``flask samlast followup --month``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from samlast import planning as pl
from samlast.clock import seconds_of
from samlast.errors import Conflict, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.impact import ImpactParams
from samlast.impact import followup as fu
from samlast.impact.baseline import run_baseline
from samlast.impact.routing import PrecomputedTravel
from samlast.models import (
    Deviation,
    DriverEvent,
    EventKind,
    FollowupReport,
    JobStatus,
    Order,
    Plan,
    Route,
    Stop,
    StopKind,
    SupplierKind,
    Terminal,
    User,
    VehiclePosition,
)
from samlast.services import impact as impact_service
from samlast.services.background import Worker, dispatch, fail_run, heartbeat, start_run, succeed_run
from samlast.services.feedback import stop_windows
from samlast.services.lookups import get_or_404

log = logging.getLogger(__name__)

QUEUE_NAME = "followup"
_reporter = Worker("followup")


def drain(timeout_s: float = 300.0) -> None:
    """Wait until queued follow-ups have finished (tests, shutdown)."""
    _reporter.drain(timeout_s)


def month_range(month: date) -> tuple[date, date]:
    """First and last day of the month of `month`."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s (what the monthly schedule reports on)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def check_rule(rule: str) -> None:
    if rule not in fu.RULES:
        raise ValidationFailed(
            "followup.bad_rule", {"rule": rule}, {"rule": [Message("field.one_of", choices=", ".join(fu.RULES))]}
        )


# Reading what happened ------------------------------------------------------------------------


def _windows_hit(stop: Stop, moment) -> bool | None:
    """Whether `moment` is inside one of the stop's receiving windows (None: it had none)."""
    windows = stop_windows(stop)
    if not windows:
        return None
    at = seconds_of(stop.route.plan.plan_date, moment)
    return any(start <= at <= end for start, end in windows)


def _delivered_events(terminal: Terminal, date_from: date, date_to: date) -> list[DriverEvent]:
    """The first unflagged delivery event of each delivered stop of the terminal's plans."""
    events = db.session.scalars(
        sa.select(DriverEvent)
        .join(Stop, DriverEvent.stop_id == Stop.id)
        .join(Route, Stop.route_id == Route.id)
        .join(Plan, Route.plan_id == Plan.id)
        .where(
            DriverEvent.kind == EventKind.DELIVER,
            DriverEvent.plan_date.between(date_from, date_to),
            DriverEvent.flagged.is_(False),
            Plan.terminal_id == terminal.id,
            Stop.kind == StopKind.DELIVERY,
            Stop.delivery_point_id.is_not(None),
        )
        .options(
            selectinload(DriverEvent.proof),
            selectinload(DriverEvent.stop).selectinload(Stop.orders).selectinload(Order.lines),
            selectinload(DriverEvent.stop).selectinload(Stop.orders).selectinload(Order.supplier),
            selectinload(DriverEvent.stop).selectinload(Stop.delivery_point),
        )
        .order_by(DriverEvent.occurred_at, DriverEvent.id)
    ).all()
    seen: set[tuple[date, str]] = set()
    first = []
    for e in events:
        key = (e.plan_date, e.job_key)
        if key not in seen:
            seen.add(key)
            first.append(e)
    return first


def _arrivals(stop_ids: list[int]) -> dict[int, Any]:
    rows = db.session.execute(
        sa.select(DriverEvent.stop_id, sa.func.min(DriverEvent.occurred_at))
        .where(DriverEvent.stop_id.in_(stop_ids), DriverEvent.kind == EventKind.ARRIVE,
               DriverEvent.flagged.is_(False))
        .group_by(DriverEvent.stop_id)
    ).all() if stop_ids else []  # fmt: skip
    return {stop_id: first for stop_id, first in rows if stop_id is not None}


def _deviation_counts(date_from: date, date_to: date) -> dict[tuple[int, date], int]:
    rows = db.session.execute(
        sa.select(Deviation.delivery_point_id, Deviation.plan_date, sa.func.count())
        .where(Deviation.plan_date.between(date_from, date_to))
        .group_by(Deviation.delivery_point_id, Deviation.plan_date)
    ).all()
    return {(p, d): n for p, d, n in rows}


def _delivered_kg(event: DriverEvent) -> tuple[dict[str, float], dict[str, float]]:
    """kg per product area and its local part: ordered weight times delivered/ordered quantity."""
    delivered_share: dict[int, float] = {}
    if event.proof is not None:
        for line in event.proof.lines:
            if line.order_line_id is not None and line.ordered_quantity:
                delivered_share[line.order_line_id] = max(0.0, line.delivered_quantity / line.ordered_quantity)
    kg: dict[str, float] = defaultdict(float)
    local: dict[str, float] = defaultdict(float)
    assert event.stop is not None  # a delivery is an event at a stop (_delivered_events)
    for order in event.stop.orders:
        is_local = order.supplier.kind == SupplierKind.LOCAL_PRODUCER
        for order_line in order.lines:
            area = order_line.product_area.name if order_line.product_area else ""
            weight = order_line.weight_kg * delivered_share.get(order_line.id, 1.0)
            kg[area] += weight
            if is_local:
                local[area] += weight
    return dict(kg), dict(local)


def collect(terminal: Terminal, date_from: date, date_to: date) -> tuple[list, list, list[int]]:
    """Delivered stops, driven routes and the delivered order ids between the dates (inclusive)."""
    events = _delivered_events(terminal, date_from, date_to)
    arrivals = _arrivals([e.stop_id for e in events if e.stop_id is not None])
    deviations = _deviation_counts(date_from, date_to)
    stops: list[fu.DeliveredStop] = []
    by_route: dict[int, list[Stop]] = defaultdict(list)
    order_ids: list[int] = []
    for e in events:
        stop = e.stop
        # _delivered_events reads delivery events of stops at delivery points only.
        assert stop is not None and stop.delivery_point is not None
        point = stop.delivery_point
        kg, local = _delivered_kg(e)
        stop_level = 1 if e.proof is not None and e.proof.deviation else 0
        stops.append(
            fu.DeliveredStop(
                day=e.plan_date,
                point=str(point.id),
                point_name=point.name,
                municipality=point.municipality.name,
                on_time=_windows_hit(stop, arrivals.get(stop.id) or e.occurred_at),
                kg_by_area=kg,
                local_kg_by_area=local,
                deviations=deviations.get((point.id, e.plan_date), 0) + stop_level,
            )
        )
        by_route[stop.route_id].append(stop)
        order_ids += [o.id for o in stop.orders]
    depot = pl.Location(terminal.lat, terminal.lon)
    routes = []
    for route_id, route_stops in sorted(by_route.items()):
        route = db.session.get(Route, route_id)
        assert route is not None  # the route of a delivered stop
        track = [
            pl.Location(lat, lon)
            for lat, lon in db.session.execute(
                sa.select(VehiclePosition.lat, VehiclePosition.lon)
                .where(VehiclePosition.route_id == route_id)
                .order_by(VehiclePosition.recorded_at)
            ).all()
        ]
        gps = len(track) >= 2
        km = fu.track_km(track) if gps else route.distance_m / 1000
        vehicle = route.vehicle
        visits = [(s.delivery_point.municipality.name if s.delivery_point else "", pl.Location(s.lat, s.lon))
                  for s in sorted(route_stops, key=lambda s: s.sequence)]  # fmt: skip (each has its point, above)
        routes.append(
            fu.DrivenRoute(
                day=route.plan.plan_date,
                vehicle=vehicle.name,
                km=km,
                gps=gps,
                # Kilometres as driven, hours as planned (the driven hours include waits the
                # municipality does not pay the distributor for).
                cost=km * vehicle.cost_per_km + route.duration_s / 3600 * vehicle.cost_per_hour,
                co2e_kg=km * vehicle.co2e_kg_per_km,
                coalition_km=fu.coalition_km(depot, visits),
            )
        )
    return stops, routes, order_ids


def baseline(terminal: Terminal, date_from: date, date_to: date, order_ids: list[int]) -> list[fu.BaselineDay]:
    """Free delivery of the delivered orders, per day (routed like the impact analysis does)."""
    if not order_ids:
        return []
    data = impact_service.build_input(terminal, date_from, date_to)
    wanted = {str(i) for i in order_ids}
    data = dataclasses.replace(data, orders=tuple(o for o in data.orders if o.id in wanted))
    locations = [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
    travel = PrecomputedTravel(impact_service._travel_model(), locations)
    params = ImpactParams(time_limit_s=current_app.config.get("FOLLOWUP_TIME_LIMIT_S", 1.0))
    run = run_baseline(data, params, travel)
    return fu.baseline_days(run.deliveries, run.trips)


def compute(terminal: Terminal, date_from: date, date_to: date, rule: str) -> dict:
    """The follow-up of the dates at `terminal` (pure figures of what was delivered)."""
    stops, routes, order_ids = collect(terminal, date_from, date_to)
    result = fu.follow_up(stops, routes, baseline(terminal, date_from, date_to, order_ids), rule)
    result["period"] = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    return result


# Stored reports ------------------------------------------------------------------------------


def create_report(
    terminal: Terminal, month: date | str, rule: str = "shapley", *, user: User | None = None, scheduled: bool = False
) -> FollowupReport:
    """Store a queued follow-up of `month` (validated, not yet run)."""
    check_rule(rule)
    if isinstance(month, str):  # "2026-11"
        month = date.fromisoformat(f"{month}-01")
    first, _ = month_range(month)
    report = FollowupReport(
        month=first,
        terminal_id=terminal.id,
        rule=rule,
        scheduled=scheduled,
        requested_by_id=user.id if user else None,
        message="progress.followup.waiting",
    )
    db.session.add(report)
    db.session.commit()
    return report


def start_report(report: FollowupReport) -> FollowupReport:
    """Run now (inline), on an RQ worker, or on this process's follow-up thread."""
    dispatch(_reporter, run_report, report.id, queue=QUEUE_NAME,
             task_path="samlast.tasks.run_followup_task", timeout_s=3600)  # fmt: skip
    db.session.refresh(report)
    return report


def list_reports(limit: int = 24, offset: int = 0) -> list[FollowupReport]:
    """Stored follow-ups, newest month first (newest run first within a month)."""
    return list(
        db.session.scalars(
            sa.select(FollowupReport)
            .order_by(FollowupReport.month.desc(), FollowupReport.created_at.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def finished_report(report_id: str) -> FollowupReport:
    report = get_or_404(FollowupReport, report_id, "followup.report_not_found")
    if not report.result:
        raise Conflict("followup.no_result_yet")
    return report


def local_trend(report: FollowupReport, months: int = 12) -> list[dict]:
    """Local share per municipality and product area over the months up to `report`'s (one row per
    month, municipality and area), from the newest finished report of each month."""
    rows = db.session.scalars(
        sa.select(FollowupReport)
        .where(FollowupReport.status == JobStatus.SUCCEEDED, FollowupReport.month <= report.month,
               FollowupReport.terminal_id == report.terminal_id)
        .order_by(FollowupReport.month.desc(), FollowupReport.finished_at.desc())
    ).all()  # fmt: skip
    newest: dict[date, FollowupReport] = {}
    for row in rows:
        newest.setdefault(row.month, row)
    out = []
    for month in sorted(newest)[-months:]:
        for row in (newest[month].result or {}).get("local_by_area", []):
            out.append({"month": month.strftime("%Y-%m"), **row})
    return out


def view(report: FollowupReport, rule: str | None = None) -> dict:
    """The report with its settlement under `rule` (default its own) and the local share over the months."""
    columns = ("id", "month", "terminal_id", "rule", "scheduled", "status", "progress", "message", "message_params",
               "created_at", "finished_at")  # fmt: skip
    return {
        **{c: getattr(report, c) for c in columns},
        "result": with_rule(report, rule or report.rule) if report.result else None,
        "local_trend": local_trend(report) if report.result else [],
    }


def with_rule(report: FollowupReport, rule: str) -> dict:
    """The stored result with the settlement under `rule` (the council may compare rules before
    agreeing); the stored report keeps the rule it was run with."""
    check_rule(rule)
    result = dict(report.result or {})
    table = result.get("settlement", {}).get("table", [])
    if rule == result.get("settlement", {}).get("rule") or not table:
        return result
    chosen = rule if table[0].get(rule) is not None else "per_delivery"
    result["settlement"] = {
        **result["settlement"],
        "rule": chosen,
        "asked_rule": rule,
        "rows": [
            {
                "municipality": r["municipality"],
                "amount": r[chosen],
                "standalone_cost": r["standalone_cost"],
                "pays_more_than_alone": chosen in r["pays_more_than_alone"],
            }
            for r in table
        ],  # fmt: skip
    }
    return result


def run_report(report_id: str) -> None:
    """Run one queued follow-up to the end; never raises, the row records failures."""
    report = db.session.get(FollowupReport, report_id)
    if report is None or report.status != JobStatus.QUEUED:
        log.warning("Follow-up %s is missing or already started", report_id)
        return
    start_run(FollowupReport, report_id)
    try:
        terminal = db.session.get(Terminal, report.terminal_id) if report.terminal_id else None
        if terminal is None:
            raise ValidationFailed("impact.terminal_gone")
        first, last = month_range(report.month)
        with heartbeat(FollowupReport, report_id):
            result = compute(terminal, first, last, report.rule)
    except Exception as exc:  # the row must end in a recorded state whatever went wrong
        log.exception("Follow-up %s failed", report_id)
        db.session.rollback()
        fail_run(FollowupReport, report_id, exc, "progress.followup.failed")
    else:
        db.session.rollback()
        done = Message("progress.followup.done", n=result["totals"]["coordinated"]["deliveries"])
        succeed_run(FollowupReport, report_id, done, result=result)
    db.session.expire_all()


def run_scheduled(today: date, terminal: Terminal | None = None) -> FollowupReport:
    """The monthly schedule: the follow-up of the month before `today`, with the rule of the
    month's newest report (the council's last choice), else Shapley."""
    from samlast.services import planning

    terminal = terminal or planning.default_terminal()
    last_rule = db.session.scalar(
        sa.select(FollowupReport.rule).where(FollowupReport.scheduled.is_(False))
        .order_by(FollowupReport.created_at.desc()).limit(1)
    ) or "shapley"  # fmt: skip
    report = create_report(terminal, previous_month(today), last_rule, scheduled=True)
    run_report(report.id)
    db.session.refresh(report)
    return report
