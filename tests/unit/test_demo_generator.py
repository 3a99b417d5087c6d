"""The synthetic demo cluster: deterministic, plausible, and shaped as the brief says."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from datetime import date, time, timedelta

import pytest

from samlast.demo.generator import allocate, generate_cluster
from samlast.models import (
    DeliveryPointKind,
    EnergyType,
    SupplierKind,
    TemperatureClass,
)

START = date(2026, 11, 30)
# The four municipalities' towns and villages, with ~3 km of margin.
LAT_RANGE = (55.68, 56.03)
LON_RANGE = (12.85, 13.75)


@pytest.fixture(scope="module")
def cluster():
    return generate_cluster()


def test_same_seed_gives_equal_cluster_and_another_seed_does_not(cluster):
    assert generate_cluster(seed=2026) == cluster
    other = generate_cluster(seed=7)
    assert other != cluster
    assert [p.lat for p in other.delivery_points] != [p.lat for p in cluster.delivery_points]


def test_output_does_not_depend_on_hash_randomisation():
    # Equality within one process would not catch iteration over a set of strings.
    code = (
        "import hashlib; from samlast.demo.generator import generate_cluster;"
        "print(hashlib.sha256(repr(generate_cluster(scale=0.1)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], env={"PYTHONHASHSEED": hash_seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(generate_cluster(scale=0.1)).encode()).hexdigest()}


def test_points_are_proportional_to_population(cluster):
    assert cluster.name == "Mellersta Skåne (syntetisk demo)"
    populations = {m.name: m.population for m in cluster.municipalities}
    assert populations == {"Eslöv": 33092, "Hörby": 15378, "Höör": 16300, "Kävlinge": 30652}
    counts = Counter(p.municipality for p in cluster.delivery_points)
    assert 225 <= len(cluster.delivery_points) <= 235
    total_population = sum(populations.values())
    for name, population in populations.items():
        expected = len(cluster.delivery_points) * population / total_population
        assert abs(counts[name] - expected) <= 1, name


def test_every_kind_is_present_with_unique_ids(cluster):
    kinds = Counter(p.kind for p in cluster.delivery_points)
    # The municipal kinds; service points and lockers of the rural service are added by services/demo.py.
    rural = {DeliveryPointKind.SERVICE_POINT.value, DeliveryPointKind.PARCEL_LOCKER.value}
    assert set(kinds) == {k.value for k in DeliveryPointKind} - rural
    assert kinds["preschool"] > kinds["school_kitchen"] > kinds["other"]
    ids = [p.external_id for p in cluster.delivery_points]
    assert len(set(ids)) == len(ids)
    other_ids = [x.external_id for x in (*cluster.suppliers, *cluster.vehicles, *cluster.orders)]
    assert all(i.startswith("DEMO-") for i in ids + other_ids)  # the service relies on it
    names = [(p.municipality, p.name) for p in cluster.delivery_points]
    assert len(set(names)) == len(names)


def test_coordinates_lie_in_the_cluster(cluster):
    places = [*cluster.delivery_points, cluster.terminal]
    for place in places:
        assert LAT_RANGE[0] < place.lat < LAT_RANGE[1], place
        assert LON_RANGE[0] < place.lon < LON_RANGE[1], place
    assert (cluster.terminal.lat, cluster.terminal.lon) == (55.839, 13.303)
    assert (cluster.terminal.opens_at, cluster.terminal.closes_at) == (time(5), time(18))
    for supplier in cluster.suppliers:  # somewhere in Skåne
        assert 55.3 < supplier.lat < 56.5 and 12.4 < supplier.lon < 14.6, supplier


def test_receiving_windows_are_weekday_mornings_or_early_afternoons(cluster):
    for point in cluster.delivery_points:
        assert point.windows, point.name
        assert {w.weekday for w in point.windows} == {0, 1, 2, 3, 4}
        for window in point.windows:
            assert time(5) <= window.start < window.end <= time(16), point.name
        assert 8 <= point.service_time_min <= 20
    afternoon = [p for p in cluster.delivery_points if any(w.start >= time(13) for w in p.windows)]
    assert afternoon and all(p.kind == "care_home" for p in afternoon)
    assert any("Max 12 m fordon" in p.access_notes for p in cluster.delivery_points)


def test_suppliers_are_mostly_local_producers(cluster):
    kinds = Counter(s.kind for s in cluster.suppliers)
    assert kinds[SupplierKind.LOCAL_PRODUCER.value] == 8
    assert 14 <= len(cluster.suppliers) <= 16
    assert set(kinds) <= {k.value for k in SupplierKind}
    area_names = {a.name for a in cluster.product_areas}
    for supplier in cluster.suppliers:
        assert supplier.product_areas and set(supplier.product_areas) <= area_names


def test_product_areas_have_the_expected_temperature_classes(cluster):
    classes = {a.name: a.temperature_class for a in cluster.product_areas}
    assert classes["Frysvaror"] == TemperatureClass.FROZEN.value
    assert classes["Mejeri"] == classes["Ägg"] == TemperatureClass.CHILLED.value
    assert classes["Kolonial/torrvaror"] == TemperatureClass.AMBIENT.value
    assert len(classes) == 9


def test_order_lines_match_their_product_area(cluster):
    classes = {a.name: a.temperature_class for a in cluster.product_areas}
    supplier_areas = {s.external_id: set(s.product_areas) for s in cluster.suppliers}
    for order in cluster.orders:
        assert order.lines
        assert [line.line_no for line in order.lines] == list(range(1, len(order.lines) + 1))
        for line in order.lines:
            assert line.temperature_class == classes[line.product_area]
            assert line.product_area in supplier_areas[order.supplier]
            assert line.quantity > 0 and line.weight_kg > 0 and 0 < line.pallet_places < 5
            assert line.unit in {"kg", "st", "fp", "l"}


def test_orders_are_for_weekdays_of_the_two_weeks(cluster):
    days = {START + timedelta(days=i) for i in range(14)}
    point_ids = {p.external_id for p in cluster.delivery_points}
    for order in cluster.orders:
        assert order.requested_date in days and order.requested_date.weekday() < 5
        assert order.delivery_point in point_ids
    assert {o.requested_date for o in cluster.orders} == set(cluster.dates)
    assert len(cluster.dates) == 10
    ids = [o.external_id for o in cluster.orders]
    assert len(set(ids)) == len(ids)


def test_order_volume_is_shaped_like_municipal_purchasing(cluster):
    per_point = Counter(o.delivery_point for o in cluster.orders)
    assert 15 <= len(cluster.orders) / len(cluster.delivery_points) <= 35
    assert set(per_point) == {p.external_id for p in cluster.delivery_points}
    # Units receive on fixed days, so a day's orders meet at far fewer stops.
    for day in cluster.dates:
        stops = {o.delivery_point for o in cluster.orders if o.requested_date == day}
        assert len(stops) < 0.8 * len(cluster.delivery_points)
    big_wholesaler = "DEMO-S-01"
    for point in cluster.delivery_points[:40]:
        orders = [o for o in cluster.orders if o.delivery_point == point.external_id
                  and o.supplier == big_wholesaler]
        assert 4 <= len(orders) <= 6, point.name  # 2-3 a week
    kinds = {p.external_id: p.kind for p in cluster.delivery_points}
    kg_by_kind: Counter[str] = Counter()
    for order in cluster.orders:
        kg_by_kind[kinds[order.delivery_point]] += order.weight_kg
    points_by_kind = Counter(kinds.values())
    per_school = kg_by_kind["school_kitchen"] / points_by_kind["school_kitchen"]
    per_preschool = kg_by_kind["preschool"] / points_by_kind["preschool"]
    per_care_home = kg_by_kind["care_home"] / points_by_kind["care_home"]
    assert per_school > per_care_home > per_preschool


def test_vehicles_mix_electric_and_bigger_trucks(cluster):
    energy = Counter(v.energy_type for v in cluster.vehicles)
    assert len(cluster.vehicles) == 8
    assert 2 <= energy["electric"] <= 3 and energy["hvo100"] and energy["diesel"]
    assert set(energy) <= {e.value for e in EnergyType}
    for vehicle in cluster.vehicles:
        classes = [c.temperature_class for c in vehicle.compartments]
        assert sorted(classes) == ["ambient", "chilled", "frozen"]
        assert vehicle.shift_start < vehicle.shift_end
        if vehicle.energy_type == "electric":
            assert vehicle.capacity_kg == 2500 and vehicle.capacity_pallets == 8
            assert vehicle.co2e_kg_per_km < 0.1
        else:
            assert 6000 <= vehicle.capacity_kg <= 9000 and 14 <= vehicle.capacity_pallets <= 18
    by_type = {v.energy_type: v.co2e_kg_per_km for v in cluster.vehicles}
    assert by_type["electric"] < by_type["hvo100"] < by_type["diesel"]


def test_scale_makes_a_benchmark_sized_cluster():
    big = generate_cluster(scale=4.35)
    assert 980 <= len(big.delivery_points) <= 1020
    assert len(big.vehicles) == 35
    tiny = generate_cluster(scale=0.01)
    assert len(tiny.vehicles) == 1 and len(tiny.delivery_points) >= 1


def test_date_does_not_come_from_the_clock():
    later = generate_cluster(scale=0.2, start=date(2027, 1, 4))
    assert min(o.requested_date for o in later.orders) == date(2027, 1, 4)
    with pytest.raises(ValueError):
        generate_cluster(start=date(2026, 12, 1))
    with pytest.raises(ValueError):
        generate_cluster(scale=0)


def test_allocate_keeps_the_total():
    assert allocate(230, [33092, 15378, 16300, 30652]) == [80, 37, 39, 74]
    assert sum(allocate(7, [1, 1, 1])) == 7
