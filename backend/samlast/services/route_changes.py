"""What changed for each driver between two versions of a day's plan."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import Plan, StopStatus
from samlast.schemas.driver import DriverRouteSchema
from samlast.services import ride_along_stops


def _diff(old_keys: list[str], new_keys: list[str], happened: set[str]) -> dict[str, Any]:
    """Added, removed and reordered stops, leaving out the ones that already happened: a re-plan
    never moves those, so a notice must not announce them (they may sit earlier on the new route,
    in the order driven)."""
    old_keys = [k for k in old_keys if k not in happened]
    new_keys = [k for k in new_keys if k not in happened]
    kept_old = [k for k in old_keys if k in new_keys]
    kept_new = [k for k in new_keys if k in old_keys]
    return {
        "added": [k for k in new_keys if k not in old_keys],
        "removed": [k for k in old_keys if k not in new_keys],
        "reordered": kept_old != kept_new,
    }


def route_changes(plan: Plan) -> list[dict[str, Any]]:
    """Messages for drivers whose route is new, changed or gone in `plan`."""

    previous = db.session.scalar(
        sa.select(Plan).where(
            Plan.terminal_id == plan.terminal_id,
            Plan.plan_date == plan.plan_date,
            Plan.version == plan.version - 1,
        )
    )
    before = {(r.vehicle_id, r.trip): r for r in previous.routes} if previous else {}
    happened = {s.job_key for r in plan.routes for s in r.stops if s.status != StopStatus.PLANNED}
    messages = []
    seen = set()
    for route in plan.routes:
        seen.add((route.vehicle_id, route.trip))
        old = before.get((route.vehicle_id, route.trip))
        if route.driver_id is None:
            continue
        if old is not None and old.version == route.version and old.driver_id == route.driver_id:
            continue
        old_keys = [s.job_key for s in old.stops] if old is not None and old.driver_id == route.driver_id else []
        messages.append(
            {
                "event": "route_updated",
                "driver_id": route.driver_id,
                "payload": {
                    "route": DriverRouteSchema().dump(_with_ride_along(route)),
                    "changes": _diff(old_keys, [s.job_key for s in route.stops], happened),
                },
            }
        )
    for key, old in before.items():
        current = next((r for r in plan.routes if (r.vehicle_id, r.trip) == key), None)
        if old.driver_id is not None and (current is None or current.driver_id != old.driver_id):
            messages.append(
                {
                    "event": "route_removed",
                    "driver_id": old.driver_id,
                    "payload": {"route_id": old.id, "plan_date": plan.plan_date.isoformat()},
                }
            )
    return messages


def _with_ride_along(route):
    """The route as the driver's app gets it, with residents' consignments riding along."""
    route.ride_along = ride_along_stops.ride_along_of(route)
    return route
