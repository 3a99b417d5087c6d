"""Generate the synthetic Mellersta Skåne demo cluster as plain frozen dataclasses.

SYNTHETIC DATA. Municipal populations and village locations are real (roughly);
every delivery point, supplier, person, address, order and vehicle is invented
and must not be read as facts about the municipalities of Eslöv, Hörby, Höör or
Kävlinge. The data feeds demos, screenshots and planning benchmarks.

Pure on purpose (no Flask, no database): benchmarks call it without an app,
and the same seed gives the same cluster on every machine and every day. Each
concern draws from its own `random.Random`, so changing how orders are drawn
does not move the delivery points.
"""

from __future__ import annotations

import math
import random
import unicodedata
from datetime import date, timedelta

from samlast.demo import (
    WEEKS,
    DemoCluster,
    DemoCompartment,
    DemoDeliveryPoint,
    DemoMunicipality,
    DemoOrder,
    DemoOrderLine,
    DemoProductArea,
    DemoSupplier,
    DemoTerminal,
    DemoVehicle,
    DemoWindow,
    catalog,
)

DEFAULT_SEED = 2026
DEFAULT_START = date(2026, 11, 30)  # a Monday


def generate_cluster(
    seed: int = DEFAULT_SEED, scale: float = 1.0, start: date = DEFAULT_START
) -> DemoCluster:
    """The demo cluster for `seed`; `scale` multiplies points, orders and vehicles."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    if start.weekday() != 0:
        raise ValueError("start must be a Monday")
    areas = tuple(DemoProductArea(*row) for row in catalog.PRODUCT_AREAS)
    suppliers = _suppliers(_rng(seed, "suppliers"))
    points = _delivery_points(_rng(seed, "points"), scale)
    return DemoCluster(
        name=catalog.CLUSTER_NAME,
        seed=seed,
        scale=scale,
        start=start,
        municipalities=tuple(DemoMunicipality(*row) for row in catalog.MUNICIPALITIES),
        terminal=DemoTerminal(**catalog.TERMINAL),
        product_areas=areas,
        suppliers=suppliers,
        delivery_points=points,
        vehicles=_vehicles(max(1, round(catalog.VEHICLES_AT_SCALE_1 * scale))),
        orders=_orders(_rng(seed, "orders"), points, {a.name: a for a in areas}, start),
    )


def _rng(seed: int, topic: str) -> random.Random:
    # String seeds are hashed with SHA-512, so they are stable across processes
    # (unlike hash(), which PYTHONHASHSEED randomises).
    return random.Random(f"samlast-demo:{seed}:{topic}")


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder, ties to the first)."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def slug(text: str) -> str:
    """ASCII lower-case letters and digits only: 'Bergaskolan' -> 'bergaskolan'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _fictional_phone(rng: random.Random) -> str:
    return f"070-174 06 {rng.randint(5, 99):02d}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.LAST_NAMES)}"


def _suppliers(rng: random.Random) -> tuple[DemoSupplier, ...]:
    return tuple(
        DemoSupplier(key, ext, name, kind, address, lat, lon, tuple(weights), _person(rng),
                     _fictional_phone(rng))
        for key, (ext, name, kind, address, lat, lon, weights) in catalog.SUPPLIERS.items()
    )


def _scatter(rng: random.Random, lat: float, lon: float, radius_km: tuple[float, float],
             bearings: tuple[float, float]) -> tuple[float, float]:
    distance = rng.uniform(*radius_km)
    bearing = math.radians(rng.uniform(*bearings))
    dlat = distance * math.cos(bearing) / 111.2
    dlon = distance * math.sin(bearing) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


class _Namer:
    """Hands out names per kind from a shuffled pool, never twice in one municipality."""

    def __init__(self, rng: random.Random, municipality: str) -> None:
        self.pools: dict[str, list[str]] = {}
        for kind, pool in catalog.NAME_POOLS.items():
            names = list(pool)
            rng.shuffle(names)
            # Anchors head their own municipality's pool and appear nowhere else,
            # so the demo recipients' units are unambiguous.
            for (home, anchor_kind), anchor in catalog.ANCHOR_NAMES.items():
                if anchor_kind == kind:
                    names.remove(anchor)
                    if home == municipality:
                        names.insert(0, anchor)
            self.pools[kind] = names
        self.issued: dict[str, int] = dict.fromkeys(self.pools, 0)
        self.used: set[str] = set()

    def name(self, kind: str, place: str) -> str:
        pool = self.pools[kind]
        index = self.issued[kind]
        self.issued[kind] += 1
        candidate = pool[index % len(pool)]
        round_no = 2
        while candidate in self.used:
            candidate = f"{pool[index % len(pool)]}, {place}"
            if candidate in self.used:
                candidate = f"{pool[index % len(pool)]} {round_no}, {place}"
                round_no += 1
        self.used.add(candidate)
        return candidate


def _windows(rng: random.Random, kind: str) -> tuple[DemoWindow, ...]:
    options, weights = zip(*catalog.WINDOWS[kind], strict=True)
    spans = [rng.choices(options, weights)[0]]
    if kind == "care_home" and rng.random() < catalog.AFTERNOON_WINDOW_SHARE:
        spans.append(catalog.AFTERNOON_WINDOW)
    return tuple(DemoWindow(day, start, end) for day in range(5) for start, end in spans)


def _access(rng: random.Random) -> tuple[str, float | None]:
    if rng.random() > 0.35:
        return "", None
    picks = rng.sample(catalog.ACCESS_NOTES, 2 if rng.random() < 0.25 else 1)
    limits = [limit for _, limit in picks if limit is not None]
    return ". ".join(note for note, _ in picks), min(limits) if limits else None


def _delivery_points(rng: random.Random, scale: float, municipalities=catalog.MUNICIPALITIES,
                     places_of=catalog.PLACES, points_at_scale_1: int = catalog.POINTS_AT_SCALE_1,
                     ) -> tuple[DemoDeliveryPoint, ...]:
    # The tables are parameters so the region demo (samlast.demo.region) draws its towns alike.
    total = round(points_at_scale_1 * scale)
    per_municipality = allocate(total, [pop for _, pop, _ in municipalities])
    kinds, kind_shares = zip(*catalog.KIND_SHARES, strict=True)
    points: list[DemoDeliveryPoint] = []
    for (municipality, _, _), count in zip(municipalities, per_municipality, strict=True):
        places = places_of[municipality]
        kind_list = [k for k, n in zip(kinds, allocate(count, list(kind_shares)), strict=True)
                     for _ in range(n)]
        rng.shuffle(kind_list)
        place_list = [p for p, n in zip(places, allocate(count, [p[3] for p in places]),
                                        strict=True) for _ in range(n)]
        namer = _Namer(rng, municipality)
        for kind, (place, lat, lon, _, radius, bearings) in zip(kind_list, place_list,
                                                                 strict=True):
            name = namer.name(kind, place)
            p_lat, p_lon = _scatter(rng, lat, lon, radius, bearings)
            notes, max_length = _access(rng)
            contact = _person(rng)
            first, last = contact.split(" ", 1)
            portions = rng.randint(*catalog.PORTIONS[kind])
            cooking = kind in ("school_kitchen", "care_home") or (
                kind == "preschool" and rng.random() < catalog.COOKING_PRESCHOOL_SHARE
            )
            points.append(DemoDeliveryPoint(
                external_id=f"DEMO-DP-{len(points) + 1:04d}",
                name=name,
                kind=kind,
                municipality=municipality,
                place=place,
                address=f"{rng.choice(catalog.STREETS)} {rng.randint(1, 60)}, {place}",
                lat=p_lat,
                lon=p_lon,
                service_time_min=rng.randint(*catalog.SERVICE_MINUTES[kind]),
                access_notes=notes,
                max_vehicle_length_m=max_length,
                unloading_place=rng.choice(catalog.UNLOADING_PLACES),
                contact_name=contact,
                contact_phone=_fictional_phone(rng),
                contact_email=f"{slug(first)}.{slug(last)}@{slug(municipality)}.example",
                portions=portions - portions % 10 if kind == "school_kitchen" else portions,
                cooking=cooking,
                windows=_windows(rng, kind),
            ))
    return tuple(points)


def _vehicles(count: int) -> tuple[DemoVehicle, ...]:
    vehicles: list[DemoVehicle] = []
    numbers: dict[str, int] = {}
    for i in range(count):
        energy = catalog.VEHICLE_ORDER[i % len(catalog.VEHICLE_ORDER)]
        spec = catalog.VEHICLE_TYPES[energy]
        numbers[energy] = numbers.get(energy, 0) + 1
        vehicles.append(DemoVehicle(
            external_id=f"DEMO-V-{i + 1:02d}",
            name=f"{spec['label']} {numbers[energy]}",
            energy_type=energy,
            co2e_kg_per_km=spec["co2e_kg_per_km"],
            cost_per_km=spec["cost_per_km"],
            cost_per_hour=spec["cost_per_hour"],
            shift_start=spec["shift"][0],
            shift_end=spec["shift"][1],
            length_m=spec["length_m"],
            compartments=tuple(DemoCompartment(*c) for c in spec["compartments"]),
        ))
    return tuple(vehicles)


# A stream is (weekdays it orders on, weeks of the two it orders in).
Stream = tuple[tuple[int, ...], tuple[int, ...]]


def _streams(rng: random.Random, point: DemoDeliveryPoint, start: date) -> dict[str, Stream]:
    """Which suppliers a point buys from and on which days, like municipal standing orders."""
    # Kitchens take goods on their own fixed receiving days, so suppliers' days
    # overlap there; otherwise nearly every unit would need a stop every day.
    receiving_days = sorted(rng.sample(range(5), rng.randint(*catalog.RECEIVING_DAYS[point.kind])))

    def weekly(times: int) -> Stream:
        days = rng.sample(receiving_days, min(times, len(receiving_days)))
        return tuple(sorted(days)), (0, 1)

    def every_other_week() -> Stream:
        return (rng.choice(receiving_days),), (rng.randrange(2),)

    kind = point.kind
    streams = {"grossist": weekly(rng.randint(2, 3)), "mejeri": weekly(rng.randint(2, 3))}
    if rng.random() < 0.2:
        streams["stenugn"] = weekly(rng.randint(2, 3))
    else:
        streams["bageri"] = weekly(rng.randint(2, 5))
    streams["fruktgront"] = weekly(1 if kind == "other" else rng.randint(1, 2))
    if kind != "other" and rng.random() < 0.8:
        streams["agg"] = weekly(1)
    if start.month in catalog.APPLE_SEASON_MONTHS and (
        kind in ("school_kitchen", "preschool") or (kind == "care_home" and rng.random() < 0.5)
    ):
        streams["applen"] = weekly(1)
    if rng.random() < 0.25:
        streams["gardsmejeri"] = weekly(1)
    if point.cooking:
        streams["potatis"] = weekly(1)
        if rng.random() < 0.7:
            streams["frys"] = weekly(1)
        if rng.random() < 0.4:
            streams["chark"] = weekly(1)
        fish = rng.random()
        if fish < 0.5:
            streams["fisk"] = weekly(1)
        elif fish < 0.8:
            streams["ringsjofisk"] = every_other_week()
        if rng.random() < 0.4:
            streams["kalrot"] = every_other_week()
        if rng.random() < 0.5:
            streams["kalkon"] = every_other_week()
    return streams


def _lines(rng: random.Random, supplier_key: str, targets: dict[str, float],
           areas: dict[str, DemoProductArea]) -> tuple[DemoOrderLine, ...]:
    lines: list[DemoOrderLine] = []
    for area_name, target in targets.items():
        area = areas[area_name]
        articles = catalog.PRODUCER_ARTICLES.get(supplier_key, {}).get(area_name)
        articles = articles or catalog.ARTICLES[area_name]
        most = min(len(articles), 6, 2 + int(target // 15))
        picks = rng.sample(articles, rng.randint(max(1, most - 1), most))
        shares = [rng.uniform(0.5, 1.5) for _ in picks]
        for (article, unit, unit_kg), share in zip(picks, shares, strict=True):
            part = target * share / sum(shares)
            quantity = max(0.5, round(part * 2) / 2) if unit == "kg" else float(max(1, round(part / unit_kg)))
            weight = round(quantity * unit_kg, 2)
            pallets = max(0.01, round(weight / area.kg_per_pallet, 2))
            lines.append(DemoOrderLine(len(lines) + 1, article, area_name, quantity, unit,
                                       weight, pallets, area.temperature_class))
    return tuple(lines)


def _orders(rng: random.Random, points: tuple[DemoDeliveryPoint, ...],
            areas: dict[str, DemoProductArea], start: date) -> tuple[DemoOrder, ...]:
    orders: list[DemoOrder] = []
    for point in points:
        weekly_kg = point.portions * catalog.KG_PER_PORTION_WEEK[point.kind]
        if point.cooking:
            shares = catalog.AREA_SHARES_COOKING
        else:
            shares = catalog.AREA_SHARES_WARMING
            if point.kind == "preschool":
                weekly_kg *= catalog.WARMING_KG_FACTOR
        streams = _streams(rng, point, start)
        # Each area's two-week demand is split between the suppliers the point
        # buys it from (by catalogue weight), then evenly over their orders.
        per_order: dict[str, dict[str, float]] = {key: {} for key in streams}
        for area_name, share in shares.items():
            weights = {key: catalog.SUPPLIERS[key][6][area_name] for key in streams
                       if area_name in catalog.SUPPLIERS[key][6]}
            for key, weight in weights.items():
                days, weeks = streams[key]
                two_weeks_kg = WEEKS * weekly_kg * share * weight / sum(weights.values())
                per_order[key][area_name] = two_weeks_kg / (len(days) * len(weeks))
        for week in range(WEEKS):
            for weekday in range(5):
                day = start + timedelta(days=7 * week + weekday)
                for key, (days, weeks) in streams.items():
                    if weekday not in days or week not in weeks or not per_order[key]:
                        continue
                    targets = {a: kg * rng.uniform(0.75, 1.25) for a, kg in per_order[key].items()}
                    note = "Leverans före kl. 09:00, lunchen lagas samma dag" if (
                        point.cooking and rng.random() < 0.03) else ""
                    orders.append(DemoOrder(
                        external_id=f"DEMO-O-{len(orders) + 1:06d}",
                        delivery_point=point.external_id,
                        supplier=catalog.SUPPLIERS[key][0],
                        requested_date=day,
                        note=note,
                        lines=_lines(rng, key, targets, areas),
                    ))
    return tuple(orders)
