"""Fleet advice for a date: how many vehicles serve every stop in its window, and which stops decide it.

The day is the planner's own (:func:`samlast.services.planning.build_day_problem`: the orders due,
the learned service times and margins, the learned travel model), so the advice counts the
times the planner has learned, not the defaults. The vehicles at hand are the terminal's
active vehicles in the order the planner takes them; the kinds that could be added are the
terminal's vehicles of each distinct make-up (shift, compartments, costs, active or not), each
named after the first vehicle of that make-up ("one more like Ellastbil 1, from 06:00").
The pure search is :func:`samlast.planning.fleet.advise`.

At full demo scale (140 stops, 8 vehicles) the advice takes about a minute (one planner run
per fleet tried), so it runs off the request path like an impact report: a
:class:`~samlast.models.FleetAdviceRun` row is queued, worked on by a thread (inline with
``PLANNING_RUNNER=inline``) and records its progress; asking again for the same plan version
answers with the run already there.

``FleetAdviceRun.result``::

    {"current": 2, "needed": 3, "max_size": 6, "lower_bound": 1, "solves": 4, "learned": true,
     "fewer": 2, "enough": 3, "more": 4,
     "options": [{"size": 2, "vehicles": [{"name": "Lastbil HVO 1", "like": null, "start": "05:30",
                  "end": "14:30"}, ...], "unassigned": 7, "km": 259.8, "cost": 9996.0, "trips": 2,
                  "vehicles_used": 2}, ...],
     "binding": [{"job_key": "dp:19", "label": "Bergaskolan", "windows": [["06:30", "10:30"]]}],
     "unservable": [...]}

``like`` names the vehicle an added one is modelled on (null for the vehicles at hand); ``km``
and ``cost`` (SEK) are the planned day's; ``binding`` are the stops left out with
``needed - 1`` vehicles, ``unservable`` those no vehicle could serve (their reasons are in the
plan's unassigned list).
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from samlast import planning as pl
from samlast.clock import hhmm
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import FleetAdviceRun, JobStatus, Terminal, User, Vehicle
from samlast.planning import fleet
from samlast.services import planning
from samlast.services.background import Worker, fail_run, heartbeat, progress_writer, start_run, succeed_run

log = logging.getLogger(__name__)

_adviser = Worker("fleet-advice")


def drain(timeout_s: float = 300.0) -> None:
    """Wait until the advice worker has finished what was queued (tests, shutdown)."""
    _adviser.drain(timeout_s)


# ----------------------------------------------------------------------------- the advice


def terminal_vehicles(terminal: Terminal) -> list[Vehicle]:
    """Every vehicle of the terminal, active or not, in id order."""
    query = (
        sa.select(Vehicle)
        .where(Vehicle.terminal_id == terminal.id)
        .options(selectinload(Vehicle.compartments))
        .order_by(Vehicle.id)
    )
    return list(db.session.scalars(query))


def vehicle_types(vehicles: Sequence[Vehicle]) -> list[fleet.VehicleType]:
    """One type per distinct make-up among `vehicles`, named after the first vehicle of it."""
    types: dict[tuple, fleet.VehicleType] = {}
    for vehicle in vehicles:
        planned = planning.planner_vehicle(vehicle)
        types.setdefault(fleet.make_up(planned), fleet.VehicleType(f"like-{vehicle.id}", vehicle.name, planned))
    return list(types.values())


class _Progress(fleet.AdviceCallbacks):
    def __init__(self, report):
        self.report = report

    def on_solve(self, size: int, solves: int) -> None:
        # The number of runs is not known beforehand (3 to 8 in practice): the bar slows down.
        self.report(0.1 + 0.85 * (1 - 0.75**solves), Message("progress.fleet.planning", vehicles=size))


def compute(
    terminal: Terminal,
    plan_date: date,
    *,
    vehicles: Sequence[Vehicle] | None = None,
    types: Sequence[fleet.VehicleType] | None = None,
    params: pl.SolveParams = fleet.ADVICE_PARAMS,
    max_added: int = fleet.MAX_ADDED,
    progress=None,
) -> dict[str, Any]:
    """The advice for `plan_date` as plain JSON (see the module docstring).

    Parameters
    ----------
    vehicles : sequence of Vehicle, optional
        The vehicles at hand, in order (default: the terminal's active ones).
    types : sequence of VehicleType, optional
        What may be added (default: :func:`vehicle_types` of all the terminal's vehicles; give
        ``[]`` to count only `vehicles`).
    progress : callable, optional
        ``progress(fraction, message)``.
    """
    report = progress or (lambda fraction, message: None)
    report(0.02, Message("progress.fleet.reading"))
    day = planning.build_day_problem(terminal, plan_date)
    at_hand = list(vehicles) if vehicles is not None else list(day.vehicles.values())
    if types is None:
        types = vehicle_types(terminal_vehicles(terminal))
    problem = pl.Problem(day.problem.terminal, tuple(planning.planner_vehicle(v) for v in at_hand), day.problem.jobs,
                         day.problem.break_rule)
    started = clock.monotonic()
    advice = fleet.advise(problem, types, params=params, travel=planning.travel_model(), max_added=max_added,
                          callbacks=_Progress(report))
    log.info("fleet advice for %s: %s of %d vehicles, %d runs, %.1f s", plan_date, advice.needed, advice.current,
             advice.solves, clock.monotonic() - started)
    return as_json(advice, day, {str(v.id): v for v in at_hand}, learned=day.learned_parameters_id is not None)


def as_json(
    advice: fleet.FleetAdvice, day: planning.DayProblem, at_hand: dict[str, Vehicle], *, learned: bool
) -> dict[str, Any]:
    """The advice in plain JSON with names, clock times, km and SEK (the module docstring's shape)."""
    added_like = {t.id: t for t in advice.types}

    def vehicle(vehicle_id: str, type_id: str | None) -> dict[str, Any]:
        if type_id is not None:
            kind = added_like[type_id]
            return {"name": kind.label, "like": kind.label, "start": hhmm(kind.template.shift_start),
                    "end": hhmm(kind.template.shift_end)}
        own = at_hand[vehicle_id]
        return {"name": own.name, "like": None, "start": own.shift_start.strftime("%H:%M"),
                "end": own.shift_end.strftime("%H:%M")}

    def option(o: fleet.FleetOption) -> dict[str, Any]:
        own = [vehicle(v, None) for v in o.vehicle_ids[: min(o.size, advice.current)]]
        return {
            "size": o.size,
            "vehicles": own + [vehicle("", t) for t in o.added],
            "unassigned": len(o.unassigned),
            "km": round(o.distance_m / 1000, 1),
            "cost": round(o.cost, 0),
            "trips": o.trips,
            "vehicles_used": o.vehicles_used,
        }

    def stop(s: fleet.AdviceStop) -> dict[str, Any]:
        info = day.jobs.get(s.job_id)
        return {"job_key": s.job_id, "label": info.label if info else s.job_id,
                "windows": [[hhmm(w.start), hhmm(w.end)] for w in s.windows]}

    def size(o: fleet.FleetOption | None) -> int | None:
        return o.size if o is not None else None

    return {
        "current": advice.current,
        "needed": advice.needed,
        "max_size": advice.limit,
        "lower_bound": advice.lower_bound,
        "solves": advice.solves,
        "learned": learned,
        "fewer": size(advice.fewer),
        "enough": size(advice.enough),
        "more": size(advice.more),
        "options": [option(o) for o in advice.options],
        "binding": [stop(s) for s in advice.binding],
        "unservable": [stop(s) for s in advice.unservable],
    }


# ------------------------------------------------------------------------------ the runs


def latest(terminal: Terminal, plan_date: date) -> FleetAdviceRun:
    """The newest advice asked for the date, or NotFound."""
    run = db.session.scalar(
        sa.select(FleetAdviceRun)
        .where(FleetAdviceRun.terminal_id == terminal.id, FleetAdviceRun.plan_date == plan_date)
        .order_by(FleetAdviceRun.created_at.desc())
        .limit(1)
    )
    if run is None:
        raise NotFound("planning.no_fleet_advice", {"date": plan_date.isoformat()})
    return run


def request_advice(terminal: Terminal, plan_date: date, user: User | None = None) -> FleetAdviceRun:
    """Queue the advice for the date's current plan, or answer with the run already asked for it."""
    plan = planning.current_plan_or_404(terminal, plan_date)
    existing = db.session.scalar(
        sa.select(FleetAdviceRun)
        .where(FleetAdviceRun.plan_id == plan.id, FleetAdviceRun.status != JobStatus.FAILED)
        .order_by(FleetAdviceRun.created_at.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    run = FleetAdviceRun(
        terminal_id=terminal.id,
        plan_date=plan_date,
        plan_id=plan.id,
        requested_by_id=user.id if user else None,
        message="progress.fleet.waiting",
    )
    db.session.add(run)
    db.session.commit()
    _adviser.run_or_submit(run_advice, run.id)
    db.session.refresh(run)
    return run


def run_advice(run_id: str) -> None:
    """Work out one queued advice to the end; never raises, the row records failures."""
    run = db.session.get(FleetAdviceRun, run_id)
    if run is None or run.status != JobStatus.QUEUED:
        log.warning("Fleet advice %s is missing or already started", run_id)
        return
    start_run(FleetAdviceRun, run_id)
    try:
        terminal = db.session.get_one(Terminal, run.terminal_id)
        with heartbeat(FleetAdviceRun, run_id):
            result = compute(terminal, run.plan_date, progress=progress_writer(FleetAdviceRun, run_id))
    except Exception as exc:  # the row must end in a recorded state whatever went wrong
        log.exception("Fleet advice %s failed", run_id)
        db.session.rollback()
        fail_run(FleetAdviceRun, run_id, exc, "progress.fleet.failed")
    else:
        db.session.rollback()
        done = (Message("progress.fleet.done", needed=result["needed"]) if result["needed"] is not None
                else Message("progress.fleet.none", max=result["max_size"]))
        succeed_run(FleetAdviceRun, run_id, done, result=result)
    db.session.expire_all()
