"""Persist the synthetic demo cluster and its demo users (`flask samlast demo`).

Idempotent: the cluster is recognised by its name, and a second run leaves the
data alone and only makes sure the demo users exist. Orders and their lines go
in as two bulk INSERTs, because the ORM unit of work needs seconds for the
~5 600 orders and ~16 000 lines of the default cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from samlast import clock
from samlast.demo import DemoCluster, catalog
from samlast.demo.generator import DEFAULT_SEED, generate_cluster, slug
from samlast.extensions import db
from samlast.models import (
    AuditEntry,
    Cluster,
    DeliveryPoint,
    DeliveryPointKind,
    EnergyType,
    Municipality,
    Order,
    OrderLine,
    OrderStatus,
    ProductArea,
    ReceivingWindow,
    Role,
    SlotKind,
    SlotTemplate,
    StockArticle,
    StockBatch,
    StockMinimum,
    Supplier,
    SupplierKind,
    TemperatureClass,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from samlast.models.base import Base, utcnow
from samlast.services import rural_demo

DRIVER_COUNT = 3
ID_PREFIX = "DEMO-"  # of every external id the generator makes
DEMO_HASH_METHOD = "scrypt:1024:8:1"
PRODUCER_SUPPLIERS = ("potatis", "agg")  # catalog.SUPPLIERS keys with a demo producer login


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    note: str


class DemoDataConflict(RuntimeError):
    """Existing rows clash with the demo cluster's unique names or external ids."""


def create_demo_data(
    seed: int = DEFAULT_SEED, reset: bool = False, start: date | None = None
) -> list[DemoLogin]:
    """Create the demo cluster unless it exists; return the demo logins.

    `start` is the Monday of the first of the two weeks of orders (default: the
    generator's fixed Monday, so tests see the same dates on every run).
    """
    if reset:
        delete_everything()
    if _demo_cluster() is None:
        demo = generate_cluster(seed=seed) if start is None else generate_cluster(seed=seed, start=start)
        _persist(demo)
        _slot_templates()
        _emergency_stock()
        stored = _demo_cluster()
        assert stored is not None  # just persisted
        rural_demo.create(stored, start or demo.start, seed)
    logins = _ensure_users()
    db.session.commit()
    return logins


# Pickup capacity offered to local producers: farm pickups twice a week, daily drop-off.
DEMO_SLOTS = (
    ("Upphämtning gård tisdag förmiddag", "farm_pickup", 1, time(9, 0), time(12, 0), 1500, 4),
    ("Upphämtning gård torsdag förmiddag", "farm_pickup", 3, time(9, 0), time(12, 0), 1500, 4),
    *(
        (f"Avlämning terminal {day_name}", "terminal_dropoff", day, time(6, 0), time(8, 0), 3000, 8)
        for day, day_name in enumerate(("måndag", "tisdag", "onsdag", "torsdag", "fredag"))
    ),
)


def _slot_templates() -> None:

    terminal = db.session.scalar(sa.select(Terminal).order_by(Terminal.id))
    for name, kind, weekday, start, end, kg, pallets in DEMO_SLOTS:
        db.session.add(
            SlotTemplate(
                terminal=terminal, name=name, kind=SlotKind(kind), weekday=weekday, start=start, end=end,
                capacity_kg=kg, capacity_pallets=pallets, cutoff_days_before=1, cutoff_time=time(14, 0),
            )
        )
    db.session.commit()


# Emergency stock at the terminal (article as the kitchens order it, unit, kg per unit, class,
# batches as (quantity, days until best before)): one batch near its date, so a proposal shows.
DEMO_STOCK = (
    ("Pasta penne 5 kg", "fp", 5.0, "ambient", ((40, 9), (120, 300))),
    ("Havregryn 5 kg", "fp", 5.0, "ambient", ((60, 200),)),
    ("Rapsolja", "l", 0.92, "ambient", ((80, 250),)),
    ("Köttbullar frysta", "kg", 1.0, "frozen", ((150, 120),)),
    ("Gröna ärter 2,5 kg", "fp", 2.5, "frozen", ((20, 180),)),
)
DEMO_STOCK_MINIMUMS = {"care_home": 3.0, "preschool": 2.0, "school_kitchen": 1.0, "other": 0.0}


def _emergency_stock() -> None:
    terminal = db.session.scalars(sa.select(Terminal).order_by(Terminal.id)).first()
    if terminal is None:
        return
    today = clock.today()
    for article, unit, kg, temperature, batches in DEMO_STOCK:
        db.session.add(StockArticle(
            terminal=terminal, article=article, unit=unit, weight_kg_per_unit=kg,
            temperature_class=TemperatureClass(temperature),
            batches=[StockBatch(quantity=q, best_before=today + timedelta(days=days)) for q, days in batches],
        ))  # fmt: skip
    for kind, days in DEMO_STOCK_MINIMUMS.items():
        db.session.add(StockMinimum(terminal_id=terminal.id, kind=DeliveryPointKind(kind), days=days))
    db.session.commit()


def delete_everything() -> None:
    """Delete every row of every table, children before parents; the audit trail is append-only."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if table.name != AuditEntry.__tablename__:
            db.session.execute(table.delete())
    db.session.commit()


def summary() -> str:
    """Counts of what the database holds, for the CLI."""
    per_municipality = db.session.execute(
        sa.select(Municipality.name, sa.func.count(DeliveryPoint.id))
        .outerjoin(DeliveryPoint, DeliveryPoint.municipality_id == Municipality.id)
        .group_by(Municipality.name)
        .order_by(Municipality.name)
    ).all()
    local = _count(Supplier, Supplier.kind == SupplierKind.LOCAL_PRODUCER)
    first, last = db.session.execute(
        sa.select(sa.func.min(Order.requested_date), sa.func.max(Order.requested_date))
    ).one()
    span = f", requested {first} to {last}" if first else ""
    weight = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(OrderLine.weight_kg), 0)))
    points = ", ".join(f"{name} {n}" for name, n in per_municipality)
    return "\n".join([
        f"Clusters: {_count(Cluster)} ({', '.join(_cluster_names())})",
        f"Municipalities: {len(per_municipality)}",
        f"Delivery points: {_count(DeliveryPoint)} ({points})",
        f"Suppliers: {_count(Supplier)} ({local} local producers)",
        f"Vehicles: {_count(Vehicle)}",
        f"Orders: {_count(Order)} with {_count(OrderLine)} lines, {weight:,.0f} kg{span}",
        f"Users: {_count(User)}",
    ])


def _count(model: type, *where: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def _cluster_names() -> Sequence[str]:
    return db.session.scalars(sa.select(Cluster.name).order_by(Cluster.name)).all()


def _demo_cluster() -> Cluster | None:
    return db.session.scalar(sa.select(Cluster).where(Cluster.name == catalog.CLUSTER_NAME))


def _check_conflicts(demo: DemoCluster) -> None:
    # Checked up front so a clash is one readable message, not an IntegrityError.
    clashes: list[str] = []
    names = (
        (Municipality.name, [m.name for m in demo.municipalities]),
        (Terminal.name, [demo.terminal.name]),
    )
    for column, values in names:
        found = db.session.scalars(sa.select(column).where(column.in_(values))).all()
        if found:
            clashes.append(f"{column.class_.__name__} {', '.join(found)}")
    # Every demo external id starts with DEMO-; a prefix test avoids an IN list
    # of ~6 000 order ids.
    for model in (Supplier, DeliveryPoint, Vehicle, Order):
        found = db.session.scalars(
            sa.select(model.external_id).where(model.external_id.like(f"{ID_PREFIX}%")).limit(3)
        ).all()
        if found:
            clashes.append(f"{model.__name__} {', '.join(found)}")
    if clashes:
        raise DemoDataConflict(
            "Existing data clashes with the demo cluster (" + "; ".join(clashes)
            + "). Run `flask samlast demo --reset` to replace ALL data with the demo."
        )


def _product_areas(demo: DemoCluster) -> dict[str, ProductArea]:
    """Reuse product areas that exist by name; they are shared vocabulary."""
    existing = {
        area.name: area
        for area in db.session.scalars(
            sa.select(ProductArea).where(ProductArea.name.in_([a.name for a in demo.product_areas]))
        )
    }
    areas: dict[str, ProductArea] = {}
    for spec in demo.product_areas:
        wanted = TemperatureClass(spec.temperature_class)
        area = existing.get(spec.name) or ProductArea(name=spec.name, temperature_class=wanted)
        if area.temperature_class != wanted:
            raise DemoDataConflict(
                f"Product area {spec.name!r} exists as {area.temperature_class.value}, "
                f"the demo needs {wanted.value}."
            )
        areas[spec.name] = area
    return areas


def _persist(demo: DemoCluster) -> None:
    _check_conflicts(demo)
    areas = _product_areas(demo)
    cluster = Cluster(name=demo.name)
    municipalities = {
        m.name: Municipality(cluster=cluster, name=m.name, population=m.population, code=m.code)
        for m in demo.municipalities
    }
    t = demo.terminal
    terminal = Terminal(cluster=cluster, name=t.name, address=t.address, lat=t.lat, lon=t.lon,
                        opens_at=t.opens_at, closes_at=t.closes_at)
    suppliers = {
        s.external_id: Supplier(
            external_id=s.external_id, name=s.name, kind=SupplierKind(s.kind), address=s.address,
            lat=s.lat, lon=s.lon, contact_name=s.contact_name, contact_phone=s.contact_phone,
            product_areas=[areas[name] for name in s.product_areas],
        )
        for s in demo.suppliers
    }
    vehicles = [
        Vehicle(
            external_id=v.external_id, name=v.name, terminal=terminal,
            energy_type=EnergyType(v.energy_type), co2e_kg_per_km=v.co2e_kg_per_km,
            cost_per_km=v.cost_per_km, cost_per_hour=v.cost_per_hour,
            shift_start=v.shift_start, shift_end=v.shift_end, length_m=v.length_m,
            compartments=[
                VehicleCompartment(temperature_class=TemperatureClass(c.temperature_class),
                                   capacity_kg=c.capacity_kg, capacity_pallets=c.capacity_pallets)
                for c in v.compartments
            ],
        )
        for v in demo.vehicles
    ]
    points = {
        p.external_id: DeliveryPoint(
            external_id=p.external_id, name=p.name, kind=DeliveryPointKind(p.kind),
            municipality=municipalities[p.municipality], address=p.address, lat=p.lat,
            lon=p.lon, service_time_min=p.service_time_min, access_notes=p.access_notes,
            max_vehicle_length_m=p.max_vehicle_length_m, unloading_place=p.unloading_place,
            contact_name=p.contact_name, contact_phone=p.contact_phone,
            contact_email=p.contact_email,
            receiving_windows=[ReceivingWindow(weekday=w.weekday, start=w.start, end=w.end)
                               for w in p.windows],
        )
        for p in demo.delivery_points
    }
    db.session.add_all([cluster, terminal, *areas.values(), *suppliers.values(), *vehicles,
                        *points.values()])
    db.session.flush()  # assigns the ids the bulk inserts below refer to
    now = utcnow()
    _bulk_insert(Order, [
        {
            "external_id": o.external_id,
            "delivery_point_id": points[o.delivery_point].id,
            "supplier_id": suppliers[o.supplier].id,
            "requested_date": o.requested_date,
            "status": OrderStatus.OPEN.value,
            "note": o.note,
            "created_at": now,
            "updated_at": now,
        }
        for o in demo.orders
    ])
    order_ids = dict(db.session.execute(
        sa.select(Order.external_id, Order.id).where(Order.external_id.like(f"{ID_PREFIX}O-%"))
    ).all())
    _bulk_insert(OrderLine, [
        {
            "order_id": order_ids[order.external_id],
            "line_no": line.line_no,
            "article": line.article,
            "product_area_id": areas[line.product_area].id,
            "quantity": line.quantity,
            "unit": line.unit,
            "weight_kg": line.weight_kg,
            "pallet_places": line.pallet_places,
            "temperature_class": line.temperature_class,
        }
        for order in demo.orders
        for line in order.lines
    ])


def _bulk_insert(model: type[Base], rows: list[dict]) -> None:
    """Insert plain rows (enum columns as their values) into the model's table in the session's
    transaction.

    PostgreSQL gets COPY: psycopg's executemany is one round trip per row,
    which for ~17 000 order lines takes many seconds; COPY takes a fraction.
    """
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, sa.Table)  # a declarative model maps one table (typed as any FromClause)
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None  # None only once the connection is closed
    cursor = driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _ensure_users() -> list[DemoLogin]:
    """Create the demo users that are missing; existing accounts are left as they are."""
    wanted: list[tuple[DemoLogin, dict]] = [
        (DemoLogin(Role.COORDINATOR.value, "samordnare", "demo-samordnare",
                   f"logistics coordinator, {catalog.CLUSTER_NAME}"),
         {"display_name": "Samordnare"}),
    ]
    cluster = _demo_cluster()
    if cluster is not None:
        wanted += (_driver_logins(cluster) + _terminal_logins(cluster) + _recipient_logins(cluster)
                   + _producer_logins())
        agent = rural_demo.agent_login(cluster)
        if agent is not None:
            wanted.append((DemoLogin(Role.AGENT.value, *agent[0]), agent[1]))
    logins = []
    for login, links in wanted:
        vehicle = links.pop("vehicle", None)
        user = db.session.scalar(sa.select(User).where(User.username == login.username))
        if user is None:
            user = User(username=login.username, role=Role(login.role),
                        display_name=links.pop("display_name", login.note), **links)
            # The demo passwords are printed for anyone to read, so a costly KDF
            # protects nothing and would make every demo run seconds slower.
            user.password_hash = generate_password_hash(login.password, method=DEMO_HASH_METHOD)
            db.session.add(user)
        elif not user.check_password(login.password):
            login = DemoLogin(login.role, login.username, "(unchanged)",
                              f"{login.note}; account exists with another password")
        if vehicle is not None and vehicle.driver_id is None and user.role == Role.DRIVER:
            db.session.flush()  # the new user's id
            vehicle.driver_id = user.id
        logins.append(login)
    return logins


def _driver_logins(cluster: Cluster) -> list[tuple[DemoLogin, dict]]:
    vehicles = db.session.scalars(
        sa.select(Vehicle).join(Terminal).where(Terminal.cluster_id == cluster.id)
        .order_by(Vehicle.external_id).limit(DRIVER_COUNT)
    ).all()
    return [
        (DemoLogin(Role.DRIVER.value, f"forare{i}", f"demo-forare{i}",
                   f"driver of {vehicle.name} ({vehicle.external_id})"),
         {"display_name": f"Förare {i}", "vehicle": vehicle})
        for i, vehicle in enumerate(vehicles, start=1)
    ]


def _terminal_logins(cluster: Cluster) -> list[tuple[DemoLogin, dict]]:
    terminal = db.session.scalar(
        sa.select(Terminal).where(Terminal.cluster_id == cluster.id).order_by(Terminal.id).limit(1)
    )
    if terminal is None:
        return []
    return [(DemoLogin(Role.TERMINAL.value, "terminal", "demo-terminal", f"terminal staff, {terminal.name}"),
             {"display_name": "Terminalpersonal", "terminal": terminal})]


def _recipient_logins(cluster: Cluster) -> list[tuple[DemoLogin, dict]]:
    points = db.session.scalars(
        sa.select(DeliveryPoint).join(Municipality).where(Municipality.cluster_id == cluster.id)
        .order_by(DeliveryPoint.external_id)
    ).all()

    def first(municipality: str, kind: DeliveryPointKind, taken: list) -> DeliveryPoint | None:
        candidates = [p for p in points if p not in taken]
        return next((p for p in candidates if p.municipality.name == municipality
                     and p.kind == kind), candidates[0] if candidates else None)

    school = first("Eslöv", DeliveryPointKind.SCHOOL_KITCHEN, [])
    # The school's kitchen staff also receive for the nearest preschool, as
    # when a production kitchen and a preschool share a building or a yard.
    preschools = [p for p in points if p.kind == DeliveryPointKind.PRESCHOOL]
    preschool = school and min(
        preschools, default=None,
        # 0.56 = cos(56°): a degree of longitude is that much shorter than one of latitude.
        key=lambda p: (p.lat - school.lat) ** 2 + ((p.lon - school.lon) * 0.56) ** 2,
    )
    care_home = first("Hörby", DeliveryPointKind.CARE_HOME, [school, preschool])
    logins: list[tuple[DemoLogin, dict]] = []
    for chosen in ([school, preschool], [care_home]):
        units = [u for u in chosen if u is not None]
        if not units:
            continue
        username = f"kok.{slug(units[0].name.split()[0])}"
        if any(login.username == username for login, _ in logins):
            username += "2"
        names = " + ".join(u.name for u in units)
        logins.append((DemoLogin(Role.RECIPIENT.value, username, f"demo-{username}",
                                 f"kitchen staff, {names}"),
                       {"display_name": f"Kök {units[0].name}", "delivery_points": units}))
    return logins


def _producer_logins() -> list[tuple[DemoLogin, dict]]:
    logins: list[tuple[DemoLogin, dict]] = []
    for key in PRODUCER_SUPPLIERS:
        external_id = catalog.SUPPLIERS[key][0]
        supplier = db.session.scalar(sa.select(Supplier).where(Supplier.external_id == external_id))
        if supplier is None:
            continue
        username = f"producent.{key}"
        logins.append((DemoLogin(Role.PRODUCER.value, username, f"demo-{username}",
                                 f"local producer, {supplier.name}"),
                       {"display_name": supplier.name, "supplier": supplier}))
    return logins
