"""Small seed data for the multi-process tests and bench/load.py, written in a subprocess.

    DATABASE_URL=... SAMLAST_INSTANCE=... python -m tests.integration.seed --drivers 3 --plan

Creates the schema, a terminal with a few delivery points, one vehicle per driver,
orders for today to all but the last delivery point (kept free for a test to
order to), optionally plans today, and prints JSON: ids and bearer tokens.
Tokens are written directly (hashed) so hundreds of users cost no password hashing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
from datetime import datetime, time, timedelta

from werkzeug.security import generate_password_hash


def _token(db, user) -> str:
    from samlast.models import AuthToken
    from samlast.models.base import utcnow

    plain = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            user=user,
            token_hash=hashlib.sha256(plain.encode()).hexdigest(),
            device="seed",
            expires_at=utcnow() + timedelta(hours=12),
        )
    )
    return plain


def seed(drivers: int, points: int, plan: bool, time_limit_s: float) -> dict:
    from samlast import clock, create_app
    from samlast.extensions import db
    from samlast.models import (
        Cluster,
        DeliveryPoint,
        DeliveryPointKind,
        EnergyType,
        Municipality,
        Order,
        OrderLine,
        Role,
        Supplier,
        SupplierKind,
        TemperatureClass,
        Terminal,
        User,
        Vehicle,
        VehicleCompartment,
    )
    from samlast.services import planning

    app = create_app({"GEOCODING_ENABLED": False})
    with app.app_context():
        db.create_all()
        today = datetime.now(clock.tz()).date()
        cheap = generate_password_hash(
            "not-used-" + secrets.token_hex(8), method="pbkdf2:sha256:1000"
        )

        def user(name: str, role: Role, **links) -> User:
            account = User(username=name, role=role, password_hash=cheap, **links)
            db.session.add(account)
            return account

        cluster = Cluster(name="Integration")
        town = Municipality(name="Eslöv", cluster=cluster, population=33092)
        terminal = Terminal(name="Terminal", cluster=cluster, lat=55.839, lon=13.303)
        supplier = Supplier(
            external_id="S-1", name="Grossisten", kind=SupplierKind.WHOLESALER, lat=55.6, lon=13.0
        )
        farm = Supplier(
            external_id="S-2", name="Gården", kind=SupplierKind.LOCAL_PRODUCER, lat=55.9, lon=13.5
        )
        dps = [
            DeliveryPoint(
                external_id=f"DP-{i}",
                name=f"Kök {i}",
                kind=DeliveryPointKind.SCHOOL_KITCHEN,
                municipality=town,
                lat=55.80 + 0.01 * i,
                lon=13.25 + 0.01 * i,
            )
            for i in range(points)
        ]
        db.session.add_all([cluster, terminal, supplier, farm, *dps])
        coordinator = user("coord", Role.COORDINATOR)
        kitchen = user("kok", Role.RECIPIENT, delivery_points=[dps[0]])
        producer = user("producent", Role.PRODUCER, supplier=farm)
        driver_users = [user(f"driver{i}", Role.DRIVER) for i in range(drivers)]
        db.session.flush()
        vehicles = [
            Vehicle(
                external_id=f"V-{i}",
                name=f"Bil {i}",
                terminal=terminal,
                energy_type=EnergyType.HVO100,
                co2e_kg_per_km=0.25,
                cost_per_km=14,
                cost_per_hour=500,
                shift_start=time(0, 0),
                shift_end=time(23, 0),
                driver_id=driver.id,
                compartments=[
                    VehicleCompartment(
                        temperature_class=TemperatureClass.CHILLED,
                        capacity_kg=3000,
                        capacity_pallets=10,
                    )
                ],
            )
            for i, driver in enumerate(driver_users)
        ]
        orders = [
            Order(
                external_id=f"O-{point.external_id}",
                delivery_point=point,
                supplier=supplier,
                requested_date=today,
                lines=[
                    OrderLine(
                        line_no=1,
                        article="Mjölk",
                        quantity=10,
                        unit="l",
                        weight_kg=10,
                        pallet_places=0.1,
                        temperature_class=TemperatureClass.CHILLED,
                    )
                ],
            )
            for point in dps[:-1]
        ]
        db.session.add_all([*vehicles, *orders])
        db.session.flush()
        out = {
            "today": today.isoformat(),
            "terminal_id": terminal.id,
            "supplier_id": supplier.id,
            "farm_id": farm.id,
            "free_point_id": dps[-1].id,
            "point_ids": [p.id for p in dps],
            "coordinator": {"id": coordinator.id, "token": _token(db, coordinator)},
            "recipient": {"id": kitchen.id, "token": _token(db, kitchen)},
            "producer": {"id": producer.id, "token": _token(db, producer)},
            "drivers": [{"id": d.id, "token": _token(db, d)} for d in driver_users],
        }
        db.session.commit()
        if plan:
            result = planning.plan_day(terminal, today, time_limit_s=time_limit_s)
            out["plan_id"] = result.id
            out["routes"] = {str(r.driver_id): [s.job_key for s in r.stops] for r in result.routes}
        db.session.remove()
        db.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drivers", type=int, default=3)
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--plan", action="store_true")
    parser.add_argument("--time-limit", type=float, default=1.0)
    args = parser.parse_args()
    print("SEED " + json.dumps(seed(args.drivers, args.points, args.plan, args.time_limit)))


if __name__ == "__main__":
    main()
