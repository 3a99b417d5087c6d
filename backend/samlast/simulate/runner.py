"""The digital twin: plan each day, drive it through the driver app's API and sockets, learn, repeat.

Per simulated day:

1. plan the day with the newest learned parameters (the planning service,
   as a planning job would);
2. every simulated driver is connected on ``/driver`` and takes the routes
   pushed there (``route_updated``); a coordinator listens on ``/coordinator``;
3. the drivers' events (with proofs) and positions are sent in time order to
   ``POST /api/v1/driver/events`` / ``/positions`` through the Flask test
   client; ~2 % of the events are sent twice, as a replayed outbox would;
4. the figures are taken and the invariants checked, then
   ``POST /api/v1/feedback/learn`` learns from everything driven so far.

The fleet (``SimulationOptions.fleet = "advice"``, the default) is sized on day 1 by the fleet
advice (:mod:`samlast.services.fleet_advice`) with the times the planner has then, the defaults:
the fewest vehicles of a pool (the demo's vehicles and a few more of the same kinds) that serve
every stop of day 1 in its window. It stays that size (``follow_advice``: it follows each day's
advice); each day the advice is worked out again with the times learned so far and reported
beside what the day gave (``advice_needed``), so the report shows how the advice changed as the
times were learned. ``"demo"`` keeps the demo's own vehicles (the runs in bench/RESULTS.md
before the advice).

Each day's report separates the stops served (driven), those left unassigned and those on time
among *all* the day's stops (``on_time_all_share``), beside the share inside the window among
the served ones (``inside_window_share``).
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from samlast.clock import at, seconds_of
from samlast.extensions import db, socketio
from samlast.models import (
    DeliveryPoint,
    DriverEvent,
    Order,
    Plan,
    Role,
    Stop,
    StopStatus,
    User,
    Vehicle,
)
from samlast.simulate.driver import drive
from samlast.simulate.truth import Truth

PASSWORD = "simulated-driver"


class SimulationError(RuntimeError):
    """The simulation could not run (e.g. no orders on enough days)."""


#: How the fleet is chosen: sized by the day-1 fleet advice, or the demo's own vehicles.
FLEETS = ("advice", "demo")


@dataclass(frozen=True)
class SimulationOptions:
    """``days`` weekdays of the demo cluster at ``scale``.

    ``fleet``: ``"advice"`` sizes the fleet from the day-1 fleet advice over a pool of vehicles
    (:func:`pool_size`), ``"demo"`` uses the demo's own. ``vehicles`` overrides both: that many
    vehicles of the pool. ``advice_each_day``: work out the advice every day (with the times
    learned so far) for the report. ``follow_advice``: with ``fleet="advice"``, size the fleet
    from each day's advice instead of day 1's only (a coordinator adding or taking off a vehicle
    as the times are learned).
    """

    days: int = 10
    vehicles: int | None = None
    scale: float = 0.3
    seed: int = 1
    time_limit_s: float = 4.0
    duplicate_p: float = 0.02
    learn: bool = True
    fleet: str = "advice"
    advice_each_day: bool = True
    follow_advice: bool = False

    def __post_init__(self) -> None:
        if self.fleet not in FLEETS:
            raise ValueError(f"fleet must be one of {FLEETS}")


def pool_size(demo_vehicles: int) -> int:
    """Vehicles the advice may choose from: the demo's and half as many again (at least 3 more)."""
    return demo_vehicles + max(3, math.ceil(demo_vehicles / 2))


@dataclass
class DayReport:
    """Figures of one simulated day (times in minutes or hours as named)."""

    day: int
    date: str
    parameters_version: int | None
    routes: int
    #: Stops served (driven) and stops the plan left unassigned: together all the day's stops.
    stops: int
    unassigned: int
    eta_error_departure_min: float
    eta_error_live_min: float
    inside_window_share: float
    planned_duration_h: float
    actual_duration_h: float
    late_risk_pushes: int
    events_sent: int
    events_stored: int
    replays: int
    problems: list[str] = field(default_factory=list)
    #: Stops reached after their last window: where in the trip, how late, lunches/detours before.
    late_stops: list[dict[str, Any]] = field(default_factory=list)
    #: Served stops reached inside their window, and that count over all the day's stops (served +
    #: unassigned): an unassigned stop is never on time.
    on_time: int = 0
    on_time_all_share: float = 1.0
    #: Active vehicles that day, and the vehicles the fleet advice found needed with the times the
    #: day was planned with (None: not worked out, or more than the pool holds).
    fleet: int = 0
    advice_needed: int | None = None
    #: The largest fleet the advice tried (the pool); 0 when the advice was not worked out.
    advice_max: int = 0
    #: The advice's stops left out with one vehicle fewer than needed (job keys).
    advice_binding: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StopFigures:
    """The day's stops counted: served, unassigned, on time (served inside the window)."""

    served: int
    unassigned: int
    on_time: int

    @property
    def all(self) -> int:
        return self.served + self.unassigned

    @property
    def inside_window_share(self) -> float:
        """On time among the served stops (1.0 when none was served)."""
        return round(self.on_time / self.served, 4) if self.served else 1.0

    @property
    def on_time_all_share(self) -> float:
        """On time among all the day's stops, the unassigned ones counted as not on time."""
        return round(self.on_time / self.all, 4) if self.all else 1.0


def stop_figures(driven: list[Any], unassigned: int) -> StopFigures:
    """Served, unassigned and on-time counts from the driven stops (``inside_window``) and the plan."""
    return StopFigures(len(driven), unassigned, sum(1 for s in driven if s.inside_window))


def setup_world(options: SimulationOptions) -> list[date]:
    """Persist the demo cluster at `options.scale` (with the vehicle pool of the advice), a driver per vehicle."""
    import dataclasses

    from samlast.demo import generator
    from samlast.demo.generator import generate_cluster
    from samlast.services import demo

    cluster = generate_cluster(seed=2026, scale=options.scale)
    own = len(cluster.vehicles)
    if options.fleet == "advice" or options.vehicles is not None:
        # The demo's vehicles and more of the same kinds, numbered on (generator's cycle of kinds).
        cluster = dataclasses.replace(cluster, vehicles=generator._vehicles(max(pool_size(own), options.vehicles or 0)))
    demo._persist(cluster)
    coordinator = User(username="sim-coordinator", role=Role.COORDINATOR)
    coordinator.password_hash = generate_password_hash(PASSWORD, method=demo.DEMO_HASH_METHOD)
    db.session.add(coordinator)
    vehicles = db.session.scalars(sa.select(Vehicle).order_by(Vehicle.external_id)).all()
    active = options.vehicles if options.vehicles is not None else (own if options.fleet == "demo" else len(vehicles))
    for index, vehicle in enumerate(vehicles):
        # Every vehicle of the pool has a driver: the advice chooses which drive (run_simulation).
        vehicle.active = index < active
        driver = User(username=f"sim-driver-{index + 1}", role=Role.DRIVER)
        driver.password_hash = generate_password_hash(PASSWORD, method=demo.DEMO_HASH_METHOD)
        db.session.add(driver)
        db.session.flush()
        vehicle.driver_id = driver.id
    db.session.commit()
    dates = sorted(db.session.scalars(sa.select(Order.requested_date).distinct()))
    if len(dates) < options.days:
        raise SimulationError(f"The demo has orders on {len(dates)} days; asked for {options.days}.")
    return dates[: options.days]


def _token(username: str) -> dict[str, str]:
    from samlast.services import auth

    return {"Authorization": f"Bearer {auth.login(username, PASSWORD, ttl_hours=24)[0]}"}


def _areas() -> list[tuple[float, float, float, float]]:
    from samlast.services import feedback

    return [(a.min_lat, a.min_lon, a.max_lat, a.max_lon) for a in feedback.areas()]


def run_simulation(app, options: SimulationOptions, echo=lambda line: None) -> list[DayReport]:
    """Run the twin inside `app`'s context on a database the simulation may fill."""
    from samlast.services import fleet_advice, planning

    dates = setup_world(options)
    defaults = {p.id: p.service_time_min * 60.0 for p in db.session.scalars(sa.select(DeliveryPoint))}
    truth = Truth.draw(options.seed, defaults, _areas())
    coordinator = _token("sim-coordinator")
    drivers = {u.id: u for u in db.session.scalars(sa.select(User).where(User.role == Role.DRIVER))}
    headers = {uid: _token(u.username) for uid, u in drivers.items()}
    client = app.test_client()
    sockets = {uid: socketio.test_client(app, namespace="/driver", auth={"token": h["Authorization"][7:]})
               for uid, h in headers.items()}
    watcher = socketio.test_client(app, namespace="/coordinator", auth={"token": coordinator["Authorization"][7:]})
    rng = random.Random(f"samlast-sim-replays:{options.seed}")
    reports = []
    terminal = planning.default_terminal()
    pool = db.session.scalars(sa.select(Vehicle).order_by(Vehicle.external_id)).all()
    sizing = options.fleet == "advice" and options.vehicles is None
    try:
        for number, day in enumerate(dates, start=1):
            for sock in (*sockets.values(), watcher):
                sock.get_received(sock_namespace(sock, watcher))
            advice = None
            resize = sizing and (number == 1 or options.follow_advice)
            if resize or options.advice_each_day:
                advice = fleet_advice.compute(terminal, day, vehicles=pool, types=[])
            if resize and advice is not None:
                _size_fleet(pool, advice, number, echo)
            plan = planning.plan_day(terminal, day, time_limit_s=options.time_limit_s, seed=options.seed)
            report = _run_day(number, day, plan, truth, client, sockets, watcher, headers, rng, options)
            report.fleet = sum(1 for v in pool if v.active)
            if advice is not None:
                report.advice_needed = advice["needed"]
                report.advice_max = advice["max_size"]
                report.advice_binding = [stop["job_key"] for stop in advice["binding"]]
            if options.learn:
                learned = client.post("/api/v1/feedback/learn", headers=coordinator)
                if learned.status_code != 201:
                    report.problems.append(f"learning failed: {learned.status_code} {learned.json}")
            reports.append(report)
            echo(format_day(report))
    finally:
        for sock in (*sockets.values(), watcher):
            sock.disconnect(namespace=sock_namespace(sock, watcher))
    return reports


def _size_fleet(pool: list[Vehicle], advice: dict[str, Any], number: int, echo) -> None:
    """Keep the first `advice["needed"]` vehicles of the pool in service (all of it when none suffice)."""
    needed = advice["needed"] if advice["needed"] is not None else len(pool)
    if needed == sum(1 for v in pool if v.active) and number > 1:
        return
    for index, vehicle in enumerate(pool):
        vehicle.active = index < needed
    db.session.commit()
    times = "the planned times" if not advice["learned"] else "the times learned so far"
    echo(f"fleet: {needed} of {len(pool)} vehicles (day-{number} advice, {advice['solves']} planner runs; "
         f"{'more than the pool' if advice['needed'] is None else 'enough'} for day {number} with {times})")


def sock_namespace(sock, watcher) -> str:
    return "/coordinator" if sock is watcher else "/driver"


def _run_day(number, day, plan, truth, client, sockets, watcher, headers, rng, options) -> DayReport:

    problems: list[str] = []
    pushed: dict[int, dict[str, Any]] = {}
    for sock in sockets.values():
        for message in sock.get_received("/driver"):
            if message["name"] == "route_updated":
                route = message["args"][0]["route"]
                if route["plan_date"] == day.isoformat():
                    pushed[route["id"]] = route
    planned_ids = {r.id for r in plan.routes if r.driver_id is not None}
    if set(pushed) != planned_ids:
        problems.append(f"routes pushed {sorted(pushed)} != planned {sorted(planned_ids)}")
    driver_of = {r.id: r.driver_id for r in plan.routes}
    driven = []
    for uid in sockets:
        mine = [route for rid, route in pushed.items() if driver_of.get(rid) == uid]
        driven += [(uid, d) for d in drive(mine, day, truth, seconds_of, lambda d, s: at(d, int(s)).isoformat())]
    actions = sorted(((a.at_s, i, uid, a) for i, (uid, d) in enumerate(driven) for a in d.actions),
                     key=lambda item: (item[0], item[1]))
    arrival_of = {s.stop_id: s for _, d in driven for s in d.stops}
    planned_at = {s.stop_id: s.planned_arrival_s for _, d in driven for s in d.stops}
    last_eta: dict[int, int] = {}
    live_errors, risk_pushes, sent, replays = [], 0, set(), 0
    for _, _, uid, action in actions:
        if action.arrival:
            guess = last_eta.get(action.stop_id, planned_at[action.stop_id])
            live_errors.append(abs(guess - arrival_of[action.stop_id].actual_arrival_s) / 60)
        response = client.post(action.path, json=action.body, headers=headers[uid])
        expected = 201 if "kind" in action.body else 200
        if response.status_code != expected:
            problems.append(f"{action.path} answered {response.status_code}: {response.json}")
            continue
        if "kind" not in action.body:
            continue
        sent.add(action.body["client_id"])
        if response.json["flagged"]:
            problems.append(f"event flagged: {response.json['flag_reason']}")
        if rng.random() < options.duplicate_p:
            again = client.post(action.path, json=action.body, headers=headers[uid])
            replays += 1
            if again.status_code != 200 or not again.json["replay"]:
                problems.append(f"replay answered {again.status_code}")
        for message in watcher.get_received("/coordinator"):
            if message["name"] == "eta":
                payload = message["args"][0]
                last_eta[payload["stop_id"]] = seconds_of(day, datetime.fromisoformat(payload["eta"]))
            elif message["name"] == "late_risk":
                risk_pushes += 1
    problems += _check_invariants(plan, sent)
    stops = [s for _, d in driven for s in d.stops]
    figures = stop_figures(stops, len(plan.unassigned))
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(DriverEvent)
                               .where(DriverEvent.plan_date == day)) or 0
    def mean(xs: list[float]) -> float:
        return round(statistics.fmean(xs), 2) if xs else 0.0

    return DayReport(
        day=number, date=day.isoformat(),
        parameters_version=_version(plan), routes=len(plan.routes), stops=figures.served,
        unassigned=figures.unassigned,
        eta_error_departure_min=mean([abs(s.planned_arrival_s - s.actual_arrival_s) / 60 for s in stops]),
        eta_error_live_min=mean(live_errors),
        inside_window_share=figures.inside_window_share,
        on_time=figures.on_time,
        on_time_all_share=figures.on_time_all_share,
        planned_duration_h=round(sum(d.planned_s for _, d in driven) / 3600, 2),
        actual_duration_h=round(sum(d.actual_s for _, d in driven) / 3600, 2),
        late_risk_pushes=risk_pushes, events_sent=len(sent), events_stored=stored, replays=replays,
        problems=problems, late_stops=[_late(s) for s in stops if not s.inside_window],
    )


def _late(stop) -> dict[str, Any]:
    def clock(seconds: float) -> str:
        return f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"

    return {
        "job_key": stop.job_key, "vehicle": stop.vehicle, "trip": stop.trip, "position": stop.position,
        "planned_arrival": clock(stop.planned_arrival_s), "actual_arrival": clock(stop.actual_arrival_s),
        "window_end": clock(stop.last_window_end_s),
        "late_min": round((stop.actual_arrival_s - stop.last_window_end_s) / 60, 1),
        "planned_slack_min": round((stop.last_window_end_s - stop.planned_arrival_s) / 60, 1),
        "outliers_before_min": round(stop.outliers_before_s / 60, 1),
    }


def _version(plan: Plan) -> int | None:
    from samlast.models import LearnedParameters

    if plan.learned_parameters_id is None:
        return None
    return db.session.get(LearnedParameters, plan.learned_parameters_id).version


def _check_invariants(plan: Plan, sent: set[str]) -> list[str]:
    """Every planned stop ends done with its events; every event sent is stored exactly once."""
    problems = []
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(DriverEvent.client_id, DriverEvent.stop_id, DriverEvent.kind)
        .where(DriverEvent.plan_date == plan.plan_date)
    ).all()
    stored_ids = [r.client_id for r in rows]
    if len(stored_ids) != len(set(stored_ids)):
        problems.append("a client_id is stored twice")
    if set(stored_ids) != sent:
        problems.append(f"events sent {len(sent)} != stored {len(stored_ids)}")
    kinds: dict[int, set[str]] = {}
    for row in rows:
        kinds.setdefault(row.stop_id, set()).add(row.kind.value)
    for route in plan.routes:
        for stop in route.stops:
            stop = db.session.get(Stop, stop.id)
            have = kinds.get(stop.id, set())
            if stop.status != StopStatus.DONE or "arrive" not in have or "leave" not in have:
                problems.append(f"stop {stop.job_key} ended {stop.status.value} with events {sorted(have)}")
    return problems


def format_day(r: DayReport) -> str:
    ok = "ok" if not r.problems else f"{len(r.problems)} PROBLEMS: {'; '.join(r.problems[:3])}"
    advice = str(r.advice_needed) if r.advice_needed is not None else f">{r.advice_max}" if r.advice_max else "-"
    return (f"day {r.day:2d} {r.date} params v{r.parameters_version or 0:<2} fleet {r.fleet} (advice {advice}) "
            f"{r.routes} routes | served {r.stops:3d}, unassigned {r.unassigned}, on time {r.on_time} of "
            f"{r.stops + r.unassigned} ({r.on_time_all_share:6.1%}; of served {r.inside_window_share:6.1%}) | "
            f"ETA error at departure {r.eta_error_departure_min:5.1f} min, live {r.eta_error_live_min:5.1f} min | "
            f"duration planned {r.planned_duration_h:5.1f} h, actual "
            f"{r.actual_duration_h:5.1f} h | events {r.events_stored}/{r.events_sent} "
            f"(+{r.replays} replays) | {ok}")


def as_json(options: SimulationOptions, reports: list[DayReport]) -> dict[str, Any]:
    return {"options": asdict(options), "days": [asdict(r) for r in reports]}
