"""Models against a real database: every model round-trips, and the constraints hold.

Runs on SQLite by default and on PostgreSQL with TEST_DATABASE_URL, so nothing
here depends on one dialect (datetimes are compared after making them aware,
because SQLite hands them back naive).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from samlast.extensions import db
from samlast.models import (
    AuthToken,
    Cluster,
    DeliveryPoint,
    DeliveryPointKind,
    EnergyType,
    GeocodeCache,
    Municipality,
    Order,
    OrderLine,
    OrderStatus,
    ProductArea,
    ReceivingWindow,
    Role,
    Supplier,
    SupplierKind,
    TemperatureClass,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from tests.conftest import count

T0 = datetime(2026, 3, 2, 6, 15, 30, 123456, tzinfo=UTC)


def aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def reread(obj):
    """Forget everything the session knows and load the row again from the database."""
    db.session.commit()
    model, object_id = type(obj), obj.id
    db.session.expunge_all()
    fresh = db.session.get(model, object_id)
    assert fresh is not None and fresh is not obj
    return fresh


def make_cluster(name: str = "Mellersta Skåne") -> Cluster:
    return Cluster(name=name)


def make_point(municipality: Municipality, external_id: str = "DP-1", **kw) -> DeliveryPoint:
    defaults = dict(
        external_id=external_id,
        name=f"Kök {external_id}",
        kind=DeliveryPointKind.PRESCHOOL,
        municipality=municipality,
        lat=55.84,
        lon=13.31,
    )
    return DeliveryPoint(**{**defaults, **kw})


def make_supplier(external_id: str = "S-1", **kw) -> Supplier:
    defaults = dict(
        external_id=external_id,
        name=f"Leverantör {external_id}",
        kind=SupplierKind.WHOLESALER,
        lat=55.6,
        lon=13.0,
    )
    return Supplier(**{**defaults, **kw})


@pytest.fixture
def base():
    """A cluster, a municipality and a terminal, committed."""
    cluster = make_cluster()
    municipality = Municipality(name="Eslöv", cluster=cluster, population=33092, code="1285")
    terminal = Terminal(name="Terminalen", cluster=cluster, lat=55.839, lon=13.303)
    db.session.add_all([cluster, municipality, terminal])
    db.session.commit()
    return cluster, municipality, terminal


# Round trips -----------------------------------------------------------------


def test_cluster_municipality_terminal_round_trip():
    cluster = make_cluster()
    municipality = Municipality(name="Hörby", cluster=cluster, population=15378, code="1266")
    terminal = Terminal(
        name="Eslöv terminal",
        cluster=cluster,
        address="Väg 1",
        lat=55.839,
        lon=13.303,
        opens_at=time(4, 45),
        closes_at=time(19, 15),
    )
    db.session.add_all([cluster, municipality, terminal])
    db.session.commit()
    before = datetime.now(UTC)

    cluster = reread(cluster)
    assert cluster.name == "Mellersta Skåne"
    assert [m.name for m in cluster.municipalities] == ["Hörby"]
    assert [t.name for t in cluster.terminals] == ["Eslöv terminal"]
    assert aware(cluster.created_at) <= before
    assert before - aware(cluster.created_at) < timedelta(minutes=1)

    municipality = cluster.municipalities[0]
    assert (municipality.population, municipality.code) == (15378, "1266")
    assert municipality.cluster_id == cluster.id

    terminal = cluster.terminals[0]
    assert (terminal.address, terminal.lat, terminal.lon) == ("Väg 1", 55.839, 13.303)
    assert (terminal.opens_at, terminal.closes_at) == (time(4, 45), time(19, 15))


def test_terminal_defaults(base):
    _, _, terminal = base
    terminal = reread(terminal)
    assert (terminal.opens_at, terminal.closes_at) == (time(5, 0), time(18, 0))
    assert terminal.address == ""


def test_delivery_point_round_trip_with_windows(base):
    _, municipality, _ = base
    point = make_point(
        municipality,
        kind=DeliveryPointKind.CARE_HOME,
        address="Storgatan 1",
        service_time_min=25,
        access_notes="Port code 1234\nRing the bell.",
        max_vehicle_length_m=12.5,
        unloading_place="Rear dock",
        contact_name="Eva",
        contact_phone="+46 70 000 00 00",
        contact_email="eva@example.org",
        receiving_windows=[
            ReceivingWindow(weekday=2, start=time(13, 0), end=time(15, 0)),
            ReceivingWindow(weekday=0, start=time(10, 0), end=time(11, 0)),
            ReceivingWindow(weekday=0, start=time(6, 30), end=time(8, 0)),
        ],
    )
    db.session.add(point)
    point = reread(point)

    assert point.kind is DeliveryPointKind.CARE_HOME
    assert point.municipality.name == "Eslöv"
    assert point.service_time_min == 25
    assert point.access_notes == "Port code 1234\nRing the bell."
    assert point.max_vehicle_length_m == 12.5
    assert (point.unloading_place, point.contact_name) == ("Rear dock", "Eva")
    assert (point.contact_phone, point.contact_email) == ("+46 70 000 00 00", "eva@example.org")
    # Ordered by weekday, then start time.
    assert [(w.weekday, w.start, w.end) for w in point.receiving_windows] == [
        (0, time(6, 30), time(8, 0)),
        (0, time(10, 0), time(11, 0)),
        (2, time(13, 0), time(15, 0)),
    ]
    assert all(w.delivery_point_id == point.id for w in point.receiving_windows)


def test_delivery_point_defaults(base):
    _, municipality, _ = base
    point = make_point(municipality)
    db.session.add(point)
    point = reread(point)
    assert point.service_time_min == 10
    assert point.max_vehicle_length_m is None
    assert point.access_notes == point.address == point.contact_email == ""
    assert point.receiving_windows == []


def test_supplier_round_trip_with_product_areas():
    fruit = ProductArea(name="Frukt", temperature_class=TemperatureClass.AMBIENT)
    dairy = ProductArea(name="Mejeri", temperature_class=TemperatureClass.CHILLED)
    ice = ProductArea(name="Glass", temperature_class=TemperatureClass.FROZEN)
    supplier = make_supplier(
        kind=SupplierKind.LOCAL_PRODUCER,
        address="Gården 3",
        contact_name="Per",
        contact_phone="0413-123",
        product_areas=[fruit, dairy, ice],
    )
    db.session.add(supplier)
    supplier = reread(supplier)

    assert supplier.kind is SupplierKind.LOCAL_PRODUCER
    assert (supplier.address, supplier.contact_name, supplier.contact_phone) == (
        "Gården 3",
        "Per",
        "0413-123",
    )
    # Many-to-many, ordered by name.
    assert [(a.name, a.temperature_class) for a in supplier.product_areas] == [
        ("Frukt", TemperatureClass.AMBIENT),
        ("Glass", TemperatureClass.FROZEN),
        ("Mejeri", TemperatureClass.CHILLED),
    ]
    # A product area can belong to several suppliers.
    other = make_supplier("S-2", product_areas=[supplier.product_areas[0]])
    db.session.add(other)
    other = reread(other)
    assert [a.name for a in other.product_areas] == ["Frukt"]
    assert count(ProductArea) == 3


def test_order_round_trip_with_lines(base):
    _, municipality, _ = base
    point = make_point(municipality)
    supplier = make_supplier()
    area = ProductArea(name="Mejeri", temperature_class=TemperatureClass.CHILLED)
    order = Order(
        external_id="O-1",
        delivery_point=point,
        supplier=supplier,
        requested_date=date(2026, 3, 2),
        note="Leave at the back door",
        lines=[
            OrderLine(
                line_no=2,
                article="Ost",
                quantity=3,
                unit="kg",
                weight_kg=3.2,
                temperature_class=TemperatureClass.CHILLED,
            ),
            OrderLine(
                line_no=1,
                article="Mjölk",
                product_area=area,
                quantity=24.5,
                unit="l",
                weight_kg=25.0,
                pallet_places=0.25,
                volume_m3=0.03,
                temperature_class=TemperatureClass.CHILLED,
            ),
        ],
    )
    db.session.add(order)
    order = reread(order)

    assert order.status is OrderStatus.OPEN  # default
    assert order.requested_date == date(2026, 3, 2)
    assert order.note == "Leave at the back door"
    assert (order.delivery_point.external_id, order.supplier.external_id) == ("DP-1", "S-1")
    assert [line.line_no for line in order.lines] == [1, 2]  # ordered by line_no
    milk, cheese = order.lines
    assert (milk.article, milk.quantity, milk.unit, milk.weight_kg) == ("Mjölk", 24.5, "l", 25.0)
    assert (milk.pallet_places, milk.volume_m3) == (0.25, 0.03)
    assert milk.product_area.name == "Mejeri"
    assert milk.temperature_class is TemperatureClass.CHILLED
    assert cheese.product_area is None
    assert cheese.pallet_places == 0.0  # default
    assert cheese.volume_m3 is None

    order.status = OrderStatus.CANCELLED
    assert reread(order).status is OrderStatus.CANCELLED


def test_vehicle_round_trip_with_compartments(base):
    _, _, terminal = base
    vehicle = Vehicle(
        external_id="V-1",
        name="Kylbil 1",
        terminal=terminal,
        energy_type=EnergyType.HVO100,
        co2e_kg_per_km=0.12,
        cost_per_km=9.5,
        cost_per_hour=480.0,
        shift_start=time(5, 30),
        shift_end=time(14, 45),
        length_m=9.8,
        compartments=[
            VehicleCompartment(
                temperature_class=TemperatureClass.FROZEN, capacity_kg=800, capacity_pallets=4
            ),
            VehicleCompartment(
                temperature_class=TemperatureClass.CHILLED, capacity_kg=2200.5, capacity_pallets=10
            ),
        ],
    )
    db.session.add(vehicle)
    vehicle = reread(vehicle)

    assert vehicle.energy_type is EnergyType.HVO100
    assert vehicle.terminal.name == "Terminalen"
    assert (vehicle.co2e_kg_per_km, vehicle.cost_per_km, vehicle.cost_per_hour) == (
        0.12,
        9.5,
        480.0,
    )
    assert (vehicle.shift_start, vehicle.shift_end) == (time(5, 30), time(14, 45))
    assert vehicle.length_m == 9.8
    assert vehicle.active is True  # default
    assert [
        (c.temperature_class, c.capacity_kg, c.capacity_pallets) for c in vehicle.compartments
    ] == [
        (TemperatureClass.FROZEN, 800.0, 4.0),
        (TemperatureClass.CHILLED, 2200.5, 10.0),
    ]


def test_user_round_trip_with_delivery_points_and_supplier(base):
    _, municipality, _ = base
    points = [
        make_point(municipality, "DP-B", name="Björkskolan"),
        make_point(municipality, "DP-A", name="Ankdammen"),
    ]
    recipient = User(
        username="rita",
        display_name="Rita R",
        role=Role.RECIPIENT,
        locale="en",
        delivery_points=points,
    )
    recipient.set_password("correct horse battery")
    supplier = make_supplier()
    producer = User(username="per", role=Role.PRODUCER, supplier=supplier)
    producer.set_password("another secret")
    db.session.add_all([recipient, producer])
    db.session.commit()

    recipient = reread(recipient)
    assert (recipient.username, recipient.display_name) == ("rita", "Rita R")
    assert recipient.role is Role.RECIPIENT
    assert (recipient.locale, recipient.active, recipient.supplier_id) == ("en", True, None)
    assert [p.name for p in recipient.delivery_points] == ["Ankdammen", "Björkskolan"]
    assert recipient.delivery_point_ids == [p.id for p in recipient.delivery_points]
    # The password is stored hashed, and checks.
    assert "correct horse battery" not in recipient.password_hash
    assert recipient.check_password("correct horse battery")
    assert not recipient.check_password("Correct horse battery")

    producer = db.session.scalar(sa.select(User).where(User.username == "per"))
    assert producer.role is Role.PRODUCER
    assert producer.supplier.external_id == "S-1"
    assert producer.delivery_points == []
    assert producer.locale == "sv"


def test_auth_token_round_trip():
    user = User(username="dora", role=Role.DRIVER)
    user.set_password("x" * 10)
    token = AuthToken(
        user=user,
        token_hash="a" * 64,
        device="Pixel 7",
        expires_at=T0 + timedelta(days=30),
        last_used_at=T0,
    )
    db.session.add(token)
    token = reread(token)
    assert token.user.username == "dora"
    assert (token.token_hash, token.device) == ("a" * 64, "Pixel 7")
    assert aware(token.expires_at) == T0 + timedelta(days=30)
    assert aware(token.last_used_at) == T0  # microseconds survive
    assert token.revoked_at is None
    assert aware(token.created_at) is not None


def test_geocode_cache_round_trip():
    entry = GeocodeCache(query="storgatan 1, eslöv", lat=55.8391234, lon=13.3034567)
    db.session.add(entry)
    entry = reread(entry)
    assert (entry.query, entry.lat, entry.lon) == ("storgatan 1, eslöv", 55.8391234, 13.3034567)


def test_updated_at_moves_on_update(base):
    cluster, _, _ = base
    cluster = reread(cluster)
    created, updated = aware(cluster.created_at), aware(cluster.updated_at)
    cluster.name = "Norra Skåne"
    cluster = reread(cluster)
    assert aware(cluster.created_at) == created
    assert aware(cluster.updated_at) > updated


# Constraints -----------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda m, t: [make_point(m, "DUP"), make_point(m, "DUP")], id="delivery_point"
        ),
        pytest.param(lambda m, t: [make_supplier("DUP"), make_supplier("DUP")], id="supplier"),
        pytest.param(
            lambda m, t: [
                Vehicle(
                    external_id="DUP",
                    name=f"Bil {i}",
                    terminal=t,
                    energy_type=EnergyType.DIESEL,
                    co2e_kg_per_km=1,
                    cost_per_km=1,
                    cost_per_hour=1,
                    shift_start=time(6),
                    shift_end=time(14),
                )
                for i in range(2)
            ],
            id="vehicle",
        ),
        pytest.param(
            lambda m, t: [
                Order(
                    external_id="DUP",
                    delivery_point=point,
                    supplier=make_supplier(f"S-{i}"),
                    requested_date=date(2026, 3, 2),
                )
                for point in [make_point(m)]
                for i in range(2)
            ],
            id="order",
        ),
    ],
)
def test_duplicate_external_id_is_rejected(base, build):
    _, municipality, terminal = base
    first, second = build(municipality, terminal)
    db.session.add(first)
    db.session.commit()
    model = type(first)
    db.session.add(second)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(model) == 1


def test_duplicate_username_is_rejected():
    for _ in range(2):
        user = User(username="same", role=Role.DRIVER, password_hash="x")
        db.session.add(user)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(User) == 0


def test_producer_without_supplier_is_rejected_by_check_constraint():
    db.session.add(User(username="per", role=Role.PRODUCER, password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(User) == 0


def test_non_producer_with_supplier_is_rejected_by_check_constraint():
    db.session.add(
        User(username="dora", role=Role.DRIVER, password_hash="x", supplier=make_supplier())
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(User) == 0


@pytest.mark.parametrize(
    "window",
    [
        pytest.param((7, time(6), time(8)), id="weekday-too-high"),
        pytest.param((-1, time(6), time(8)), id="weekday-negative"),
        pytest.param((0, time(8), time(8)), id="empty-window"),
        pytest.param((0, time(9), time(8)), id="end-before-start"),
    ],
)
def test_receiving_window_check_constraints(base, window):
    _, municipality, _ = base
    weekday, start, end = window
    point = make_point(municipality)
    db.session.add(point)
    db.session.commit()
    db.session.add(ReceivingWindow(delivery_point=point, weekday=weekday, start=start, end=end))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(ReceivingWindow) == 0


def test_enum_check_constraint_rejects_unknown_value_written_directly(base):
    _, municipality, _ = base
    point = make_point(municipality)
    db.session.add(point)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text("UPDATE delivery_point SET kind = 'castle' WHERE id = :id"), {"id": point.id}
        )
        db.session.flush()
    db.session.rollback()
    assert db.session.get(DeliveryPoint, point.id).kind is DeliveryPointKind.PRESCHOOL


def test_two_compartments_of_one_class_are_rejected(base):
    _, _, terminal = base
    vehicle = Vehicle(
        external_id="V-1",
        name="Bil",
        terminal=terminal,
        energy_type=EnergyType.ELECTRIC,
        co2e_kg_per_km=0,
        cost_per_km=1,
        cost_per_hour=1,
        shift_start=time(6),
        shift_end=time(14),
        compartments=[
            VehicleCompartment(
                temperature_class=TemperatureClass.CHILLED, capacity_kg=1, capacity_pallets=1
            )
            for _ in range(2)
        ],
    )
    db.session.add(vehicle)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(VehicleCompartment) == 0


@pytest.fixture
def parents(base):
    """One delivery point with windows, one order with lines, one vehicle with compartments."""
    _, municipality, terminal = base
    point = make_point(
        municipality,
        receiving_windows=[
            ReceivingWindow(weekday=d, start=time(6), end=time(9)) for d in range(5)
        ],
    )
    order = Order(
        external_id="O-1",
        delivery_point=make_point(municipality, "DP-2"),
        supplier=make_supplier(),
        requested_date=date(2026, 3, 2),
        lines=[
            OrderLine(
                line_no=n,
                article=f"A{n}",
                quantity=1,
                unit="st",
                weight_kg=1,
                temperature_class=TemperatureClass.AMBIENT,
            )
            for n in (1, 2, 3)
        ],
    )
    vehicle = Vehicle(
        external_id="V-1",
        name="Bil",
        terminal=terminal,
        energy_type=EnergyType.BIOGAS,
        co2e_kg_per_km=0.3,
        cost_per_km=1,
        cost_per_hour=1,
        shift_start=time(6),
        shift_end=time(14),
        compartments=[
            VehicleCompartment(temperature_class=c, capacity_kg=100, capacity_pallets=2)
            for c in TemperatureClass
        ],
    )
    db.session.add_all([point, order, vehicle])
    db.session.commit()
    assert (count(ReceivingWindow), count(OrderLine), count(VehicleCompartment)) == (5, 3, 3)
    return {DeliveryPoint: point.id, Order: order.id, Vehicle: vehicle.id}


CHILDREN = {DeliveryPoint: ReceivingWindow, Order: OrderLine, Vehicle: VehicleCompartment}


@pytest.mark.parametrize("model", [DeliveryPoint, Order, Vehicle], ids=lambda m: m.__name__)
def test_deleting_parent_in_the_orm_deletes_children(parents, model):
    db.session.delete(db.session.get(model, parents[model]))
    db.session.commit()
    assert count(CHILDREN[model]) == 0
    assert sum(count(child) for child in CHILDREN.values()) > 0  # the others are untouched


@pytest.mark.parametrize("model", [DeliveryPoint, Order, Vehicle], ids=lambda m: m.__name__)
def test_database_cascades_children_on_delete(parents, model):
    # A plain DELETE, bypassing the ORM: the foreign keys' ON DELETE CASCADE does the work.
    db.session.execute(sa.delete(model).where(model.id == parents[model]))
    db.session.commit()
    assert count(CHILDREN[model]) == 0
    assert sum(count(child) for child in CHILDREN.values()) > 0


def test_deleting_a_municipality_in_use_is_restricted(base):
    _, municipality, _ = base
    db.session.add(make_point(municipality))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(Municipality).where(Municipality.id == municipality.id))
        db.session.commit()
    db.session.rollback()
    assert count(Municipality) == 1
    assert count(DeliveryPoint) == 1


def test_deleting_an_unused_municipality_is_allowed(base):
    _, municipality, _ = base
    db.session.execute(sa.delete(Municipality).where(Municipality.id == municipality.id))
    db.session.commit()
    assert count(Municipality) == 0


@pytest.mark.parametrize(
    "target",
    ["cluster", "terminal", "supplier", "delivery_point"],
)
def test_other_restricting_foreign_keys(parents, target):
    models = {
        "cluster": Cluster,
        "terminal": Terminal,
        "supplier": Supplier,
        "delivery_point": DeliveryPoint,
    }
    model = models[target]
    if target == "delivery_point":
        object_id = db.session.get(Order, parents[Order]).delivery_point_id
    else:
        object_id = db.session.scalar(sa.select(model.id))
    before = count(model)
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(model).where(model.id == object_id))
        db.session.commit()
    db.session.rollback()
    assert count(model) == before


def test_deleting_a_product_area_nulls_order_lines_and_unlinks_suppliers(base):
    _, municipality, _ = base
    area = ProductArea(name="Mejeri", temperature_class=TemperatureClass.CHILLED)
    supplier = make_supplier(product_areas=[area])
    order = Order(
        external_id="O-1",
        delivery_point=make_point(municipality),
        supplier=supplier,
        requested_date=date(2026, 3, 2),
        lines=[
            OrderLine(
                line_no=1,
                article="Mjölk",
                product_area=area,
                quantity=1,
                unit="l",
                weight_kg=1,
                temperature_class=TemperatureClass.CHILLED,
            )
        ],
    )
    db.session.add(order)
    db.session.commit()
    db.session.execute(sa.delete(ProductArea).where(ProductArea.id == area.id))
    db.session.commit()
    db.session.expunge_all()
    assert db.session.scalar(sa.select(OrderLine)).product_area_id is None
    assert db.session.scalar(sa.select(Supplier)).product_areas == []


def test_deleting_a_user_deletes_tokens_and_links_but_not_points(base):
    _, municipality, _ = base
    user = User(
        username="rita",
        role=Role.RECIPIENT,
        password_hash="x",
        delivery_points=[make_point(municipality)],
    )
    db.session.add(AuthToken(user=user, token_hash="b" * 64, expires_at=T0))
    db.session.commit()
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.commit()
    assert count(AuthToken) == 0
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("user_delivery_point")))
        == 0
    )
    assert count(DeliveryPoint) == 1
