"""The residents' consignments riding along on a driver's route (rural service), as the driver's
app shows them. Apart from services/rural.py so that the route's pushes (services/route_changes)
can name them without importing the planning."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from samlast.extensions import db
from samlast.models import HANDOVER_STATUS, Consignment, DeliveryPoint, DeliveryPointKind, HandoverKind, Route
from samlast.models.rural import STATUS_RANK


def ride_along_of(route: Route) -> list[dict[str, Any]]:
    """The driver's ride-along stops on a route, each placed after a stop of the route
    (after_sequence; -1: at the start), with the hand-over the driver records there: take it at the
    agent, leave it at the destination, or, when it changes vehicles, leave it at the hub (the
    terminal or a village service point) on the first route and take it there on the onward one."""
    items = db.session.scalars(
        sa.select(Consignment).where(sa.or_(Consignment.planned_route_id == route.id,
                                            Consignment.transfer_route_id == route.id))
        .options(selectinload(Consignment.pickup_point), selectinload(Consignment.destination_point),
                 selectinload(Consignment.hub_point))
        .order_by(Consignment.planned_drop_at, Consignment.id)
    ).all()  # fmt: skip
    stops = []
    for item in items:
        common = {"consignment_id": item.id, "tracking_code": item.tracking_code, "kind": item.kind.value,
                  "size_class": item.size_class.value, "status": item.status.value}  # fmt: skip
        transfer = item.transfer_route_id is not None
        hub = item.hub_point
        destination = item.destination_point
        to_destination = HandoverKind.DRIVER_TO_LOCKER if destination.kind == DeliveryPointKind.PARCEL_LOCKER \
            else HandoverKind.DRIVER_TO_POINT  # fmt: skip
        if item.planned_route_id == route.id:
            stops.append(_stop(common, item, "pickup", HandoverKind.AGENT_TO_DRIVER, item.pickup_after_sequence,
                               item.planned_pickup_at, item.pickup_point))  # fmt: skip
            if transfer:
                stops.append(_stop(common, item, "drop", HandoverKind.DRIVER_TO_HUB, item.drop_after_sequence,
                                   item.planned_drop_at, hub, hub=True))  # fmt: skip
            else:
                stops.append(_stop(common, item, "drop", to_destination, item.drop_after_sequence,
                                   item.planned_drop_at, destination))  # fmt: skip
        if transfer and item.transfer_route_id == route.id:
            stops.append(_stop(common, item, "pickup", HandoverKind.HUB_TO_DRIVER,
                               item.transfer_pickup_after_sequence, item.transfer_pickup_at, hub, hub=True))
            stops.append(_stop(common, item, "drop", to_destination, item.transfer_drop_after_sequence,
                               item.transfer_drop_at, destination))  # fmt: skip
    stops.sort(key=lambda stop: (stop["after_sequence"] if stop["after_sequence"] is not None else -1,
                                 stop["planned_at"] or route.planned_start))  # fmt: skip
    return stops


def _stop(common: dict[str, Any], item: Consignment, action: str, handover: HandoverKind, after: int | None,
          at: Any, place: DeliveryPoint | None, hub: bool = False) -> dict[str, Any]:  # fmt: skip
    """One ride-along stop; `place` None is the terminal. `done` once its hand-over is recorded."""
    return {**common, "action": action, "handover": handover.value, "hub": hub, "after_sequence": after,
            "planned_at": at, "place_name": place.name if place else None, "address": place.address if place else "",
            "locker": place is not None and place.kind == DeliveryPointKind.PARCEL_LOCKER,
            "done": STATUS_RANK[item.status] >= STATUS_RANK[HANDOVER_STATUS[handover]]}  # fmt: skip
