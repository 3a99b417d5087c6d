"""A simulated driver: drives the routes pushed to the app and records what a real driver would.

From the routes received on ``/driver`` (``route_updated`` payloads) and the
hidden :class:`~samlast.simulate.truth.Truth`, :func:`drive` produces the
driver's actions in time order: ``arrive``, ``deliver`` (with a proof of
delivery) and ``leave`` events and GPS positions, exactly as the app sends
them, plus what really happened (for the simulator's figures).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from samlast import planning as pl
from samlast.planning.learning import service_start_s
from samlast.simulate.truth import Truth

RELOAD_S = 20 * 60


@dataclass
class Action:
    """Something the app sends at simulated time ``at_s`` (seconds since midnight)."""

    at_s: float
    path: str
    body: dict[str, Any]
    stop_id: int | None = None
    arrival: bool = False


@dataclass
class DrivenStop:
    """What happened at one stop; the last fields explain a late arrival.

    ``position`` is the stop's place in its trip (1-based), ``outliers_before_s``
    the seconds of lunches and detours the driver had on the day before arriving
    here (this leg's detour included).
    """

    stop_id: int
    planned_arrival_s: int
    actual_arrival_s: float
    last_window_end_s: int | None
    inside_window: bool
    vehicle: str = ""
    trip: int = 1
    position: int = 0
    job_key: str = ""
    outliers_before_s: float = 0.0


@dataclass
class DrivenRoute:
    route_id: int
    planned_s: int
    actual_s: float
    stops: list[DrivenStop] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _secs(moment: str, day: date, to_seconds) -> int:
    return to_seconds(day, datetime.fromisoformat(moment))


def _clock(value: str) -> int:
    h, m = value.split(":")[:2]
    return int(h) * 3600 + int(m) * 60


def _proof(stop: dict[str, Any]) -> dict[str, Any]:
    return {
        "receiver_name": "Simulerad mottagare",
        "lines": [{"order_line_id": line["order_line_id"], "delivered_quantity": line["quantity"]}
                  for line in stop["lines"]],
        "note": "simulated",
    }


def drive(routes: list[dict[str, Any]], day: date, truth: Truth, to_seconds, to_iso) -> list[DrivenRoute]:
    """Drive one driver's routes (sorted by planned start); `to_seconds`/`to_iso` convert times."""
    out = []
    free_at = 0.0
    outliers_s = 0.0
    for route in sorted(routes, key=lambda r: r["planned_start"]):
        start = _secs(route["planned_start"], day, to_seconds)
        end = _secs(route["planned_end"], day, to_seconds)
        breaks = [(_secs(b["start"], day, to_seconds), int(b["duration_s"])) for b in route["breaks"]]
        terminal = pl.Location(route["terminal"]["lat"], route["terminal"]["lon"])
        clock = max(float(start), free_at + RELOAD_S if free_at else 0.0)
        driven = DrivenRoute(route["id"], end - start, 0.0)
        here = terminal
        previous_departure = start
        pending_leave: Action | None = None
        for position, stop in enumerate(route["stops"], start=1):
            place = pl.Location(stop["lat"], stop["lon"])
            planned_start = _secs(stop["planned_arrival"], day, to_seconds)
            # Breaks placed in the plan between the previous stop and this one are taken on leaving.
            clock += sum(d for b, d in breaks if previous_departure <= b < planned_start)
            leg = truth.leg_s(here, place, clock)
            outliers_s += truth.last_outlier_s
            position_at = clock + min(60.0, leg / 2)
            fraction = min(0.5, 60.0 / leg) if leg > 0 else 0.0
            driven.actions.append(Action(position_at, "/api/v1/driver/positions", {"positions": [{
                "lat": here.lat + (place.lat - here.lat) * fraction,
                "lon": here.lon + (place.lon - here.lon) * fraction,
                "recorded_at": to_iso(day, position_at), "route_id": route["id"]}]}))
            arrival = clock + leg
            if pending_leave is not None:  # the forgotten tap, remembered on arrival here
                pending_leave.at_s = arrival - 30
                driven.actions.append(pending_leave)
                pending_leave = None
            windows = tuple((_clock(a), _clock(b)) for a, b in stop["time_windows"])
            begin = service_start_s(int(arrival), windows)
            point_id = int(stop["job_key"].split(":")[1]) if stop["job_key"].startswith("dp:") else None
            pallets = sum(line["pallet_places"] for line in stop["lines"])
            default_fixed = truth.default_fixed_s.get(point_id, 600.0)
            service, _ = truth.service_s(point_id, default_fixed, pallets)
            done = begin + service
            last_end = max((e for _, e in windows), default=None)
            driven.stops.append(DrivenStop(stop["id"], planned_start, arrival, last_end,
                                           last_end is None or arrival <= last_end,
                                           route.get("vehicle_name", ""), route.get("trip", 1), position,
                                           stop["job_key"], outliers_s))
            outliers_s += truth.last_outlier_s  # a lunch here delays the stops after it
            base = {"plan_date": day.isoformat(), "job_key": stop["job_key"], "stop_id": stop["id"],
                    "lat": stop["lat"], "lon": stop["lon"]}
            kind = "deliver" if stop["kind"] == "delivery" else "pickup"
            driven.actions += [
                Action(arrival, "/api/v1/driver/events", {**base, "kind": "arrive"}, stop["id"], True),
                Action(done - 20, "/api/v1/driver/events", {**base, "kind": kind, "proof": _proof(stop)}),
            ]
            leave = Action(done, "/api/v1/driver/events", {**base, "kind": "leave"})
            if truth.forgets_leave():
                pending_leave = leave
            else:
                driven.actions.append(leave)
            here, clock = place, done
            previous_departure = _secs(stop["planned_departure"], day, to_seconds)
        clock += truth.leg_s(here, terminal, clock)
        outliers_s += truth.last_outlier_s
        if pending_leave is not None:
            pending_leave.at_s = clock - 30
            driven.actions.append(pending_leave)
        driven.actual_s = clock - max(float(start), free_at + RELOAD_S if free_at else 0.0)
        free_at = clock
        for action in driven.actions:
            if "kind" in action.body:
                action.body["client_id"] = uuid.uuid4().hex
                action.body["recorded_at"] = to_iso(day, action.at_s)
        out.append(driven)
    return out
