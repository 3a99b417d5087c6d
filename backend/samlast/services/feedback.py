"""The feedback loop: driver events -> learned parameters -> the next plan and live ETAs.

Payload layout of :class:`~samlast.models.LearnedParameters` (JSON)::

    {"config": {...LearningConfig...},
     "services": {"<delivery point id>": {"fixed_s", "per_pallet_s", "n", "outliers"}},
     "travel": {"default": {"factor", "n"}, "time_bands": [{"start_s", "end_s", "factor", "n"}],
                "areas": [{"name", "min_lat", "min_lon", "max_lat", "max_lon", "factor", "n"}],
                "reference_time_s", "log_scale", "n"},
     "resets": {"<delivery point id>": "<ISO time>"},   # observations before are ignored
     "arrival": {"fixed_s", "per_hour_s", "max_s", "n", "quantile", "days"},  # margin before windows close
     "excess": {"service_s", "leg_s", "n"},             # mean time per visit lost to lunches, detours
     "observations": {"services", "legs", "routes"}}

Everything is stored as learned; the planner and the live ETAs use each value only from its
minimum number of observations (:class:`~samlast.planning.learning.Minimums`, applied in
:func:`model_from`), and the coordinator sees the others as provisional (:func:`parameters_view`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from samlast import planning as pl
from samlast.clock import seconds_of
from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    DeliveryPoint,
    DriverEvent,
    EventKind,
    LearnedParameters,
    Municipality,
    Route,
    Stop,
    VehiclePosition,
)
from samlast.planning import learning as lrn

#: A position this far (metres) from the stop shows the vehicle has left.
AWAY_M = 300.0


@dataclass(frozen=True)
class LearnedModel:
    """The learned parameters the planner uses (empty: the defaults).

    Built by :func:`model_from`, which leaves out (keeps at their defaults) the values that rest on
    fewer observations than their minimum.
    """

    id: int | None = None
    version: int | None = None
    services: dict[int, lrn.ServiceEstimate] = field(default_factory=dict)
    travel: lrn.TravelEstimate = field(default_factory=lrn.TravelEstimate)
    #: Time the planner keeps free before a window closes, by time out (see :func:`window_margin`).
    arrival_margin: lrn.ArrivalMargin = field(default_factory=lrn.ArrivalMargin)
    #: Mean time per visit lost to lunches and detours; the plan counts it, so the plan does not drift late.
    excess: lrn.OutlierExcess = field(default_factory=lrn.OutlierExcess)

    def service_s(self, point_id: int | None, pallets: float, fixed_s: float, per_pallet_s: float) -> int:
        """Service seconds at a point: learned if known, else the given defaults."""
        estimate = self.services.get(point_id) if point_id is not None else None
        if estimate is None:
            return int(round(fixed_s + per_pallet_s * pallets))
        return estimate.service_s(pallets)

    def service_model(self, point_id: int, fixed_s: int, per_pallet_s: int) -> tuple[int, int]:
        """``(fixed_s, per_pallet_s)`` for the planner's :class:`~samlast.planning.Visit`."""
        estimate = self.services.get(point_id)
        if estimate is None:
            return fixed_s, per_pallet_s
        return max(0, int(round(estimate.fixed_s))), max(0, int(round(estimate.per_pallet_s)))

    def travel_model(self) -> pl.GeodesicTravelModel:
        """The solver's (time-independent) model: the day's average time-band factor on every leg."""
        return pl.GeodesicTravelModel(factors=self.travel.planning_factors())

    def leg_s(self, origin: pl.Location, destination: pl.Location, base_s: float, depart_s: int) -> float:
        """Learned leg seconds from the base model's `base_s`, departing at `depart_s`."""
        return base_s * self.travel.travel_factors().duration_factor(origin, destination, depart_s)


# ------------------------------------------------------------------ payload


def _payload(services: dict[int, lrn.ServiceEstimate], travel: lrn.TravelEstimate,
             resets: dict[str, str], counts: dict[str, int]) -> dict[str, Any]:
    return {
        "config": asdict(lrn.LearningConfig()),
        "services": {
            str(pid): {"fixed_s": round(e.fixed_s, 1), "per_pallet_s": round(e.per_pallet_s, 1),
                       "n": e.n, "outliers": e.outliers}
            for pid, e in sorted(services.items())
        },
        "travel": {
            "default": asdict(travel.default),
            "time_bands": [{"start_s": s, "end_s": e, **asdict(f)} for s, e, f in travel.time_bands],
            "areas": [{**asdict(a), **asdict(f)} for a, f in travel.areas],
            "reference_time_s": travel.reference_time_s,
            "log_scale": round(travel.log_scale, 4),
            "n": travel.n,
        },
        "resets": resets,
        "observations": counts,
    }


#: Observations each kind of learned value needs before the planner uses it (see planning.learning).
MINIMUMS = lrn.Minimums()


def model_from(row: LearnedParameters | None, minimums: lrn.Minimums = MINIMUMS) -> LearnedModel:
    """The stored version in the planner's terms, each value below its minimum replaced by its default."""
    if row is None:
        return LearnedModel()
    p = row.payload
    services = {
        int(pid): lrn.ServiceEstimate(int(pid), s["fixed_s"], s["per_pallet_s"], s["n"], s.get("outliers", 0))
        for pid, s in p.get("services", {}).items()
    }
    t = p.get("travel", {})
    travel = lrn.TravelEstimate(
        default=lrn.FactorEstimate(**t.get("default", {})),
        time_bands=tuple(
            (b["start_s"], b["end_s"], lrn.FactorEstimate(b["factor"], b["n"])) for b in t.get("time_bands", [])
        ),
        areas=tuple(
            (lrn.Area(a["name"], a["min_lat"], a["min_lon"], a["max_lat"], a["max_lon"]),
             lrn.FactorEstimate(a["factor"], a["n"]))
            for a in t.get("areas", [])
        ),
        reference_time_s=t.get("reference_time_s"),
        log_scale=t.get("log_scale", 0.0),
        n=t.get("n", 0),
    )
    return LearnedModel(
        row.id,
        row.version,
        lrn.services_in_use(services, minimums.point_visits),
        lrn.travel_in_use(travel, minimums.travel_legs),
        lrn.margin_in_use(arrival_margin(p.get("arrival", {})), minimums.margin_stops),
        lrn.excess_in_use(lrn.OutlierExcess(**p.get("excess", {})), minimums.excess_visits),
    )


def arrival_margin(payload: dict[str, Any]) -> lrn.ArrivalMargin:
    """The stored margin; older versions stored one constant ``margin_s``."""
    if "per_hour_s" not in payload:
        constant = payload.get("margin_s", 0)
        return lrn.ArrivalMargin(constant, 0.0, constant, payload.get("n", 0))
    return lrn.ArrivalMargin(payload["fixed_s"], payload["per_hour_s"], payload["max_s"], payload["n"],
                             payload.get("quantile"))


def latest() -> LearnedParameters | None:
    return db.session.scalar(sa.select(LearnedParameters).order_by(LearnedParameters.version.desc()).limit(1))


_cache: dict[tuple[int, datetime], LearnedModel] = {}


def current_model() -> LearnedModel:
    """The newest learned parameters (parsed once per stored row and process)."""
    row = latest()
    if row is None:
        return LearnedModel()
    key = (row.id, row.created_at)  # ids can be reused after a database is emptied
    if key not in _cache:
        _cache.clear()
        _cache[key] = model_from(row)
    return _cache[key]


def _store(reason: str, payload: dict[str, Any]) -> LearnedParameters:
    from sqlalchemy.exc import IntegrityError

    # Two requests at once may pick the same next version (unique): the loser takes the next one.
    for attempt in range(5):
        previous = latest()
        row = LearnedParameters(version=(previous.version + 1) if previous else 1, reason=reason, payload=payload)
        db.session.add(row)
        try:
            db.session.commit()
            return row
        except IntegrityError:
            db.session.rollback()
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------- observations


def areas() -> list[lrn.Area]:
    """One area per municipality: the box around its delivery points (padded ~0.5 km)."""
    rows = db.session.execute(
        sa.select(Municipality.name, sa.func.min(DeliveryPoint.lat), sa.func.min(DeliveryPoint.lon),
                  sa.func.max(DeliveryPoint.lat), sa.func.max(DeliveryPoint.lon))
        .join(DeliveryPoint, DeliveryPoint.municipality_id == Municipality.id)
        .group_by(Municipality.name).order_by(Municipality.name)
    ).all()
    pad = 0.005
    return [lrn.Area(n, a - pad, b - pad, c + pad, d + pad) for n, a, b, c, d in rows]


def _metres(a: pl.Location, b: pl.Location) -> float:
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 6_371_000 * math.hypot(dlat, dlon)


def stop_windows(stop: Stop) -> tuple[tuple[int, int], ...]:
    def secs(clock: str) -> int:
        h, m = clock.split(":")[:2]
        return int(h) * 3600 + int(m) * 60

    return tuple((secs(a), secs(b)) for a, b in stop.time_windows)


def stop_pallets(stop: Stop) -> float:
    return sum(v.get("pallets", 0.0) for v in stop.load.values())


def _route_visits(route: Route, events: list[DriverEvent], resets: dict[str, str]) -> list[lrn.VisitRecord]:

    day = route.plan.plan_date
    by_stop: dict[int, list[DriverEvent]] = defaultdict(list)
    for event in events:
        if event.stop_id is not None:
            by_stop[event.stop_id].append(event)
    times = [e.recorded_at for e in events]
    positions = list(db.session.scalars(
        sa.select(VehiclePosition).where(
            VehiclePosition.user_id == events[0].user_id,
            VehiclePosition.recorded_at >= min(times), VehiclePosition.recorded_at <= max(times))
        .order_by(VehiclePosition.recorded_at)
    )) if times else []
    visits = []
    for stop in route.stops:
        mine = by_stop.get(stop.id, [])
        arrived = min((e.recorded_at for e in mine if e.kind == EventKind.ARRIVE), default=None)
        leave = max((e.recorded_at for e in mine if e.kind == EventKind.LEAVE), default=None)
        done = max((e.recorded_at for e in mine if e.kind in (EventKind.DELIVER, EventKind.PICKUP)), default=None)
        left = leave or done
        point_id = stop.delivery_point_id
        reset_at = resets.get(str(point_id)) if point_id else None
        received = min((e.received_at for e in mine), default=None)
        if reset_at and received is not None and received < datetime.fromisoformat(reset_at):
            point_id = None  # the coordinator reset this point after this visit
        here = pl.Location(stop.lat, stop.lon)
        away = None
        if arrived is not None and left is not None:
            away = next((p for p in positions if arrived < p.recorded_at <= left
                         and _metres(here, pl.Location(p.lat, p.lon)) >= AWAY_M), None)
        visits.append(lrn.VisitRecord(
            point_id=point_id, location=here, pallets=stop_pallets(stop),
            arrived_s=seconds_of(day, arrived) if arrived else None,
            left_s=seconds_of(day, left) if left else None,
            windows=stop_windows(stop),
            away_s=seconds_of(day, away.recorded_at) if away else None,
            away_m=_metres(here, pl.Location(away.lat, away.lon)) if away else 0.0,
        ))
    return visits


@dataclass(frozen=True)
class DrivenDeviation:
    """A stop's arrival deviation on `day`; `learned`: its plan used learned parameters."""

    day: date
    learned: bool
    deviation: lrn.ArrivalDeviation


def collect_observations(resets: dict[str, str] | None = None, until: date | None = None):
    """Service and leg observations from every stored, unflagged driver event.

    Returns ``(services, legs, routes driven, deviations)``; the deviations
    (:class:`DrivenDeviation`) are actual minus planned arrival per stop.
    """
    query = sa.select(DriverEvent).where(DriverEvent.flagged.is_(False), DriverEvent.route_id.is_not(None),
                                         DriverEvent.stop_id.is_not(None))
    if until is not None:
        query = query.where(DriverEvent.plan_date <= until)
    by_route: dict[int, list[DriverEvent]] = defaultdict(list)
    for event in db.session.scalars(query.order_by(DriverEvent.id)):
        if event.route_id is not None:
            by_route[event.route_id].append(event)
    routes = db.session.scalars(
        sa.select(Route).where(Route.id.in_(by_route)).options(selectinload(Route.stops))
    ).all()
    base = pl.GeodesicTravelModel()
    services, legs, deviations = [], [], []
    for route in routes:
        arrivals = {e.stop_id: e.recorded_at for e in by_route[route.id] if e.kind == EventKind.ARRIVE}
        day = route.plan.plan_date
        shift_start = route.vehicle.shift_start
        out_since = shift_start.hour * 3600 + shift_start.minute * 60
        learned = route.plan.learned_parameters_id is not None
        deviations += [
            DrivenDeviation(day, learned, lrn.ArrivalDeviation(
                seconds_of(day, s.planned_arrival) - out_since, (arrivals[s.id] - s.planned_arrival).total_seconds()))
            for s in route.stops if s.id in arrivals
        ]
        visits = _route_visits(route, by_route[route.id], resets or {})
        matrix = base.matrix([v.location for v in visits]).durations_s
        index = {v.location: i for i, v in enumerate(visits)}
        def predict_s(a: pl.Location, b: pl.Location, m=matrix, ix=index) -> float:
            return m[ix[a]][ix[b]]

        s, g = lrn.observations_from_route(visits, predict_s)
        services += s
        legs += g
    return services, legs, len(routes), deviations


#: Days of driving the arrival margin is learned from, and its quantile and cap.
MARGIN_DAYS = 5
MARGIN_QUANTILE = 0.9
MARGIN_MAX_S = 3600


def window_margin(deviations: list[DrivenDeviation]) -> dict[str, Any]:
    """Planning margin before a window closes, growing with the time the vehicle has been out.

    From the arrival deviations of the latest :data:`MARGIN_DAYS` driven days
    whose plans used learned parameters (the days planned with the defaults
    only while there are fewer than 10 such stops; their deviations are
    mostly the defaults' bias), :func:`~samlast.planning.learning.learn_arrival_margin`
    takes the 90 % quantile of lateness per hour since the shift start,
    lunches and detours included, at most :data:`MARGIN_MAX_S`. The planner
    aims to start each visit that much before its window closes, for the hours
    a vehicle needs to get there (never before the window's start), so the
    delays that add up along a day rarely push an arrival past a window. The
    margin is soft in a visit's last window (``Visit.soft_latest_s``): a job is
    planned inside it at a cost rather than dropped.
    """
    learned = [d for d in deviations if d.learned]
    pool = learned if len(learned) >= 10 else deviations
    days = sorted({d.day for d in pool})[-MARGIN_DAYS:]
    recent = [d.deviation for d in pool if d.day in days]
    margin = lrn.learn_arrival_margin(recent, MARGIN_QUANTILE, max_s=MARGIN_MAX_S)
    return {"fixed_s": margin.fixed_s, "per_hour_s": round(margin.per_hour_s, 1), "max_s": margin.max_s,
            "n": margin.n, "quantile": margin.quantile, "days": [d.isoformat() for d in days]}


def priors() -> dict[int, lrn.ServicePrior]:
    per_pallet = current_app.config["PLANNING_SERVICE_PER_PALLET_S"]
    rows = db.session.execute(sa.select(DeliveryPoint.id, DeliveryPoint.service_time_min))
    return {pid: lrn.ServicePrior(minutes * 60.0, float(per_pallet)) for pid, minutes in rows}


def learn(until: date | None = None) -> LearnedParameters:
    """Re-learn from every recorded route and store the next version."""
    previous = latest()
    resets = dict(previous.payload.get("resets", {})) if previous else {}
    services, legs, routes, deviations = collect_observations(resets, until)
    estimates = lrn.learn_service_times(services, priors())
    travel = lrn.learn_travel(legs, areas())
    counts = {"services": len(services), "legs": len(legs), "routes": routes}
    payload = _payload(estimates, travel, resets, counts)
    payload["arrival"] = window_margin(deviations)
    excess = lrn.outlier_excess(services, estimates, legs, travel)
    payload["excess"] = {"service_s": round(excess.service_s, 1), "leg_s": round(excess.leg_s, 1), "n": excess.n}
    return _store("learn", payload)


def reset_point(point_id: int) -> LearnedParameters:
    """A new version without `point_id`'s estimate; later learning ignores its older visits."""
    if db.session.get(DeliveryPoint, point_id) is None:
        raise NotFound("record.not_found", {"what": Message("noun.delivery_point"), "id": point_id})
    previous = latest()
    payload = dict(previous.payload) if previous else _payload({}, lrn.TravelEstimate(), {}, {})
    payload["services"] = {k: v for k, v in payload.get("services", {}).items() if k != str(point_id)}
    payload["resets"] = {**payload.get("resets", {}), str(point_id): datetime.now(UTC).isoformat()}
    return _store(f"reset:{point_id}", payload)


def _flagged(values: dict[str, Any] | None, minimum: int) -> dict[str, Any] | None:
    """A stored value with ``provisional``: true while it rests on fewer than `minimum` observations."""
    if values is None:
        return None
    return {**values, "provisional": lrn.provisional(values.get("n", 0), minimum)}


def _flagged_travel(travel: dict[str, Any] | None) -> dict[str, Any] | None:
    if travel is None:
        return None
    legs = MINIMUMS.travel_legs
    return {
        **travel,
        "default": _flagged(travel.get("default", {"factor": 1.0, "n": 0}), legs),
        "time_bands": [_flagged(b, legs) for b in travel.get("time_bands", [])],
        "areas": [_flagged(a, legs) for a in travel.get("areas", [])],
    }


def parameters_view(row: LearnedParameters | None) -> dict[str, Any]:
    """The coordinator's view: version, travel factors, window margin, per-point estimates with defaults.

    Each value carries ``provisional`` (not used by the planner yet) and ``minimums`` says how many
    observations each kind needs.
    """
    minimums = asdict(MINIMUMS)
    if row is None:
        return {"id": None, "version": None, "created_at": None, "reason": None, "travel": None,
                "arrival_margin": None, "excess": None, "observations": {}, "points": [], "minimums": minimums}
    per_pallet = current_app.config["PLANNING_SERVICE_PER_PALLET_S"]
    ids = [int(k) for k in row.payload.get("services", {})]
    points = {p.id: p for p in db.session.scalars(sa.select(DeliveryPoint).where(DeliveryPoint.id.in_(ids)))}
    return {
        "id": row.id, "version": row.version, "created_at": row.created_at.isoformat(), "reason": row.reason,
        "travel": _flagged_travel(row.payload.get("travel")),
        "arrival_margin": _flagged(row.payload.get("arrival"), MINIMUMS.margin_stops),
        "excess": _flagged(row.payload.get("excess"), MINIMUMS.excess_visits),
        "observations": row.payload.get("observations", {}),
        "points": [
            {"delivery_point_id": int(k), "name": points[int(k)].name if int(k) in points else None,
             **v, "default_fixed_s": points[int(k)].service_time_min * 60 if int(k) in points else None,
             "default_per_pallet_s": per_pallet, "provisional": lrn.provisional(v["n"], MINIMUMS.point_visits)}
            for k, v in row.payload.get("services", {}).items()
        ],
        "minimums": minimums,
    }
