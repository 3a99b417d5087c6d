"""Region planning in the product: candidate sites in the database, a region analysis as a
background run (:class:`RegionRun`) through the job queue, with progress on its row.

The region's points, suppliers, orders and fleet are read the way the impact analysis reads
them (:func:`samlast.services.impact.build_input`: every open order in the period, the first
terminal's active vehicles as every terminal's fleet), cut to the chosen municipalities; the pure
:func:`samlast.impact.region.analyse_region` answers.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import sqlalchemy as sa

from samlast import planning as pl
from samlast.errors import Conflict, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.impact.region import CandidateSite, RegionInput, RegionParams, analyse_region, propose_sites
from samlast.models import JobStatus, Municipality, RegionRun, RegionSite, User
from samlast.services import impact, planning
from samlast.services.background import (
    Worker,
    dispatch,
    fail_run,
    heartbeat,
    progress_writer,
    start_run,
    succeed_run,
)
from samlast.services.lookups import get_or_404

log = logging.getLogger(__name__)
QUEUE_NAME = "region"
_analyst = Worker("region")


# --- candidate sites -----------------------------------------------------------------------


def list_sites() -> list[RegionSite]:
    return list(db.session.scalars(sa.select(RegionSite).order_by(RegionSite.name)))


def create_site(values: dict[str, Any]) -> RegionSite:
    """Store a candidate site; a name already in use is refused, naming the field."""
    if db.session.scalar(sa.select(RegionSite.id).where(RegionSite.name == values["name"])) is not None:
        raise ValidationFailed(
            "region.site_exists",
            {"name": values["name"]},
            {"name": [Message("field.region.site_exists", name=values["name"])]},
        )
    site = RegionSite(**values)
    db.session.add(site)
    db.session.commit()
    return site


def delete_site(site_id: int) -> None:
    site = get_or_404(RegionSite, site_id, "region.site_not_found")
    db.session.delete(site)
    db.session.commit()


# --- runs ----------------------------------------------------------------------------------


def drain(timeout_s: float = 600.0) -> None:
    """Wait until queued region runs have finished (tests, shutdown)."""
    _analyst.drain(timeout_s)


def check_request(values: dict[str, Any]) -> None:
    """Refuse, all at once and naming each field, what the analysis cannot answer."""
    impact.check_dates(values["date_from"], values["date_to"])
    known = set(db.session.scalars(sa.select(Municipality.name)))
    errors: dict[str, list[Message]] = {}
    unknown = [m for m in values.get("municipalities") or [] if m not in known]
    for i, cluster in enumerate(values.get("clusters") or []):
        unknown += [m for m in cluster["municipalities"] if m not in known]
        chosen = values.get("municipalities")
        outside = [m for m in cluster["municipalities"] if chosen and m not in chosen]
        if outside:
            errors.setdefault(f"clusters.{i}", []).append(Message("field.region.not_chosen", names=", ".join(outside)))
    if unknown:
        errors.setdefault("municipalities", []).append(
            Message("field.region.unknown_municipality", names=", ".join(sorted(set(unknown))))
        )
    seen: dict[str, str] = {}
    for cluster in values.get("clusters") or []:
        for m in cluster["municipalities"]:
            if m in seen and seen[m] != cluster["name"]:
                errors.setdefault("clusters", []).append(
                    Message("field.region.in_two_clusters", name=m, first=seen[m], second=cluster["name"])
                )
            seen[m] = cluster["name"]
    site_ids = values.get("site_ids")
    if site_ids:
        found = set(db.session.scalars(sa.select(RegionSite.id).where(RegionSite.id.in_(site_ids))))
        missing = [str(i) for i in site_ids if i not in found]
        if missing:
            errors.setdefault("site_ids", []).append(Message("field.region.unknown_site", ids=", ".join(missing)))
    elif not values.get("propose") and not list_sites():
        errors.setdefault("site_ids", []).append(Message("field.region.no_sites"))
    if errors:
        raise ValidationFailed("region.bad_request", {}, errors)


def create_run(values: dict[str, Any], user: User | None = None) -> RegionRun:
    """Validate and queue a region analysis, then start it (inline, RQ worker or thread)."""
    check_request(values)
    parameters = {k: v for k, v in values.items() if k not in ("name", "date_from", "date_to") and v is not None}
    run = RegionRun(
        name=values.get("name") or f"{values['date_from'].isoformat()} – {values['date_to'].isoformat()}",
        date_from=values["date_from"],
        date_to=values["date_to"],
        parameters=parameters,
        requested_by_id=user.id if user else None,
        message="progress.region.waiting",
    )
    db.session.add(run)
    db.session.commit()
    dispatch(_analyst, run_region, run.id, queue=QUEUE_NAME, task_path="samlast.tasks.run_region_task", timeout_s=3600)
    db.session.refresh(run)
    return run


def list_runs(limit: int, offset: int) -> list[RegionRun]:
    return list(
        db.session.scalars(sa.select(RegionRun).order_by(RegionRun.created_at.desc()).limit(limit).offset(offset))
    )


def get_run(run_id: str) -> RegionRun:
    return get_or_404(RegionRun, run_id, "region.run_not_found")


def finished_run(run_id: str) -> RegionRun:
    """A run with its answer; one still running (or failed) has nothing to export yet."""
    run = get_run(run_id)
    if not run.result:
        raise Conflict("region.no_result_yet")
    return run


def region_input(run: RegionRun) -> tuple[RegionInput, RegionParams]:
    """The pure input of a stored run: the DB's points and orders of the period cut to the run's
    municipalities, its sites (stored and proposed) and named clusters."""
    p = run.parameters or {}
    data = impact.build_input(planning.default_terminal(), run.date_from, run.date_to)
    chosen = set(p.get("municipalities") or {pt.municipality for pt in data.points})
    points = tuple(pt for pt in data.points if pt.municipality in chosen)
    ids = {pt.id for pt in points}
    orders = tuple(o for o in data.orders if o.point in ids)
    order_names = [m.name for m in db.session.scalars(sa.select(Municipality).order_by(Municipality.id))]
    data = dataclasses.replace(
        data,
        points=points,
        orders=orders,
        municipalities=tuple(m for m in order_names if m in {pt.municipality for pt in points}),
    )
    rows = list_sites()
    if p.get("site_ids"):
        rows = [s for s in rows if s.id in set(p["site_ids"])]
    sites = [
        CandidateSite(str(s.id), s.name, pl.Location(s.lat, s.lon), s.fixed_sek_per_year, s.handling_sek_per_pallet)
        for s in rows
    ]
    if p.get("propose"):
        sites += propose_sites(
            points,
            mode=p["propose"],
            grid_km=p.get("grid_km") or 15.0,
            **{k: p[k] for k in ("fixed_sek_per_year", "handling_sek_per_pallet") if p.get(k) is not None},
        )
    if not sites:
        raise ValidationFailed("region.bad_request", {}, {"site_ids": [Message("field.region.no_sites")]})
    clusters = {c["name"]: tuple(c["municipalities"]) for c in p.get("clusters") or []}
    defaults = RegionParams()
    params = dataclasses.replace(
        defaults,
        weeks_per_year=p.get("weeks_per_year") or defaults.weeks_per_year,
        max_sites=p.get("max_sites"),
        sample_days=p.get("sample_days") or defaults.sample_days,
        isolate=True,  # this process lives on: the planner's memory must go with each analysis
        impact=dataclasses.replace(defaults.impact, time_limit_s=p.get("time_limit_s") or defaults.impact.time_limit_s),
    )
    return RegionInput(data, tuple(sites), clusters), params


def run_region(run_id: str) -> None:
    """Run one queued region analysis to the end; never raises, the row records the outcome."""
    run = db.session.get(RegionRun, run_id)
    if run is None or run.status != JobStatus.QUEUED:
        log.warning("Region run %s is missing or already started", run_id)
        return
    start_run(RegionRun, run_id)
    progress = progress_writer(RegionRun, run_id)
    try:
        region, params = region_input(run)
        db.session.rollback()  # nothing is written through the session while the analysis runs
        with heartbeat(RegionRun, run_id):
            result = analyse_region(region, params, travel=impact._travel_model(), progress=progress)
    except Exception as exc:  # the row must end in a recorded state whatever went wrong
        log.exception("Region run %s failed", run_id)
        db.session.rollback()
        fail_run(RegionRun, run_id, exc, "progress.region.failed")
    else:
        done = Message("progress.region.done", options=len(result["options"]), runs=result["analysis_runs"])
        succeed_run(RegionRun, run_id, done, result=result)
    db.session.expire_all()
