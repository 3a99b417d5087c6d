"""The residents' consignments riding along on a driver's route (rural service), as the driver's
app shows them. Apart from services/rural.py so that the route's pushes (services/route_changes)
can name them without importing the planning."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from samlast.extensions import db
from samlast.models import Consignment, DeliveryPointKind, Route


def ride_along_of(route: Route) -> list[dict[str, Any]]:
    """The driver's ride-along stops on a route: pick up at the agent, drop at the destination,
    each placed after a stop of the route (after_sequence; -1: at the start)."""
    items = db.session.scalars(
        sa.select(Consignment).where(Consignment.planned_route_id == route.id)
        .options(selectinload(Consignment.pickup_point), selectinload(Consignment.destination_point))
        .order_by(Consignment.planned_drop_at, Consignment.id)
    ).all()  # fmt: skip
    stops = []
    for item in items:
        common = {"consignment_id": item.id, "tracking_code": item.tracking_code, "kind": item.kind.value,
                  "size_class": item.size_class.value, "status": item.status.value}  # fmt: skip
        place = item.pickup_point
        stops.append({**common, "action": "pickup", "after_sequence": item.pickup_after_sequence,
                      "planned_at": item.planned_pickup_at, "place_name": place.name if place else None,
                      "address": place.address if place else "", "locker": False})  # fmt: skip
        place = item.destination_point
        stops.append({**common, "action": "drop", "after_sequence": item.drop_after_sequence,
                      "planned_at": item.planned_drop_at, "place_name": place.name, "address": place.address,
                      "locker": place.kind == DeliveryPointKind.PARCEL_LOCKER})  # fmt: skip
    stops.sort(key=lambda stop: (stop["after_sequence"] if stop["after_sequence"] is not None else -1,
                                 stop["planned_at"] or route.planned_start))  # fmt: skip
    return stops
