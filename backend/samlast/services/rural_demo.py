"""Rural service in the demo cluster: a parcel agent in the central town, a parcel locker and a
village-shop service point in the two villages farthest from the terminal that municipal routes
already serve, an agent login, and a week of synthetic residents' consignments (services/demo.py
calls these)."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import sqlalchemy as sa
from geopy.distance import geodesic

from samlast.extensions import db
from samlast.models import (
    Cluster,
    Consignment,
    ConsignmentKind,
    DeliveryPoint,
    DeliveryPointKind,
    LockerCompartment,
    Municipality,
    ReceivingWindow,
    SizeClass,
    Terminal,
)
from samlast.services import rural

AGENT_EXTERNAL_ID = "RURAL-AGENT"
#: Locker compartments: 1-4 small, 5-7 medium, 8-9 large.
COMPARTMENTS = [(n, SizeClass.SMALL) for n in range(1, 5)] + [(n, SizeClass.MEDIUM) for n in range(5, 8)] + [
    (8, SizeClass.LARGE), (9, SizeClass.LARGE)]  # fmt: skip
RESIDENTS = ("Greta Ek", "Olle Lind", "Maj Berg", "Sven Holm", "Ingrid Nyberg", "Karl Sjö", "Astrid Dahl",
             "Bertil Ström", "Elsa Lund", "Gösta Vik")  # fmt: skip
KINDS = (ConsignmentKind.PARCEL, ConsignmentKind.PARCEL, ConsignmentKind.PHARMACY, ConsignmentKind.LIBRARY,
         ConsignmentKind.GROCERY)  # fmt: skip


def _windows(start: time, end: time, days: range = range(5)) -> list[ReceivingWindow]:
    return [ReceivingWindow(weekday=day, start=start, end=end) for day in days]


def create(cluster: Cluster, first_day: date, seed: int) -> None:
    """The rural-service points and a week of consignments from `first_day` (once)."""
    if db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == AGENT_EXTERNAL_ID)):
        return
    terminal = db.session.scalar(sa.select(Terminal).where(Terminal.cluster_id == cluster.id).order_by(Terminal.id))
    if terminal is None:
        return
    points = db.session.scalars(
        sa.select(DeliveryPoint).join(Municipality).where(Municipality.cluster_id == cluster.id,
                                                           DeliveryPoint.kind.in_([DeliveryPointKind.CARE_HOME,
                                                                                   DeliveryPointKind.PRESCHOOL]))
    ).all()  # fmt: skip
    if len(points) < 2:
        return
    # The villages: the care homes and preschools farthest from the terminal, in two municipalities.
    by_distance = sorted(points, key=lambda p: -geodesic((p.lat, p.lon), (terminal.lat, terminal.lon)).km)
    first = by_distance[0]
    second = next((p for p in by_distance if p.municipality_id != first.municipality_id), by_distance[1])
    town = by_distance[-1].municipality  # the agent is in the town by the terminal
    agent = DeliveryPoint(
        external_id=AGENT_EXTERNAL_ID, name="Paketombudet vid terminalen", kind=DeliveryPointKind.SERVICE_POINT,
        municipality=db.session.get(Municipality, town.id), address="Storgatan 1", lat=terminal.lat + 0.002,
        lon=terminal.lon + 0.003, service_time_min=3, receiving_windows=_windows(time(6), time(19)),
    )  # fmt: skip
    locker = DeliveryPoint(
        external_id="RURAL-LOCKER", name=f"Paketskåpet vid {first.name}", kind=DeliveryPointKind.PARCEL_LOCKER,
        municipality_id=first.municipality_id, address=first.address, lat=first.lat + 0.0005, lon=first.lon + 0.0005,
        service_time_min=2,
    )  # fmt: skip
    shop = DeliveryPoint(
        external_id="RURAL-SHOP", name=f"Byaboden vid {second.name}", kind=DeliveryPointKind.SERVICE_POINT,
        municipality_id=second.municipality_id, address=second.address, lat=second.lat + 0.0005,
        lon=second.lon - 0.0005, service_time_min=3, receiving_windows=_windows(time(7), time(18), range(6)),
    )  # fmt: skip
    db.session.add_all([agent, locker, shop])
    db.session.flush()
    db.session.add_all(
        LockerCompartment(delivery_point_id=locker.id, number=n, size_class=size) for n, size in COMPARTMENTS
    )
    rng = random.Random(f"{seed}:rural")
    made = 0
    for offset in range(5):  # a working week
        day = first_day + timedelta(days=offset)
        for _ in range(rng.randint(2, 4)):
            made += 1
            destination = rng.choice([locker, shop])
            db.session.add(Consignment(
                tracking_code=rural.new_code(), kind=rng.choice(KINDS), terminal_id=terminal.id,
                pickup_point_id=agent.id, destination_point_id=destination.id,
                size_class=rng.choice([SizeClass.SMALL, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE]),
                resident_name=rng.choice(RESIDENTS), resident_phone=f"070-{rng.randint(0, 999):03d} {made:02d} 00",
                available_from=day, latest_date=day + timedelta(days=rural.DEFAULT_WAIT_DAYS),
            ))  # fmt: skip
    db.session.commit()
    rural.plan(terminal.id, first_day)


def agent_login(cluster: Cluster):
    """(login, links) of the demo agent at the parcel agent, or None before the points exist."""
    point = db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == AGENT_EXTERNAL_ID))
    if point is None:
        return None
    return ("ombud", "demo-ombud", f"parcel agent, {point.name}"), {
        "display_name": "Ombudet",
        "delivery_points": [point],
    }
