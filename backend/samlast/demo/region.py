"""The synthetic Skåne region for region planning: the three groups' 13 towns, ~900 points.

SYNTHETIC DATA. Town populations are the figures the mission cites and the town
coordinates are real (roughly); every delivery point, order, vehicle and candidate
terminal site (name, place, cost) is invented and says nothing about the
municipalities of Mellersta Skåne, Sydvästra Skåne or the 6K group. Points and
orders are drawn by the demo cluster's generator (same kinds, windows, suppliers
and two weeks of standing orders), so the two demos read alike.

Pure (no Flask, no database): the benchmark and the tests use it directly, and
`flask samlast demo --region skane` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samlast.demo import DemoCluster, DemoMunicipality, DemoProductArea, DemoTerminal, catalog
from samlast.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_START,
    _delivery_points,
    _orders,
    _rng,
    _suppliers,
    _vehicles,
)

REGION_NAME = "Region Skåne (syntetisk demo)"
POINTS = 900
VEHICLES = 8

# (name, population, municipality code, town lat, town lon, group)
TOWNS = (
    ("Eslöv", 33092, "1285", 55.839, 13.303, "Mellersta Skåne"),
    ("Hörby", 15378, "1266", 55.854, 13.662, "Mellersta Skåne"),
    ("Höör", 16300, "1267", 55.937, 13.542, "Mellersta Skåne"),
    ("Kävlinge", 30652, "1261", 55.794, 13.113, "Mellersta Skåne"),
    ("Trelleborg", 44314, "1287", 55.376, 13.157, "Sydvästra Skåne"),
    ("Skurup", 15471, "1264", 55.480, 13.500, "Sydvästra Skåne"),
    ("Svedala", 20941, "1263", 55.508, 13.234, "Sydvästra Skåne"),
    ("Klippan", 17532, "1276", 56.134, 13.130, "6K"),
    ("Bjuv", 15330, "1260", 56.084, 12.918, "6K"),
    ("Perstorp", 7374, "1275", 56.137, 13.395, "6K"),
    ("Svalöv", 13887, "1214", 55.913, 13.107, "6K"),
    ("Åstorp", 15628, "1277", 56.135, 12.945, "6K"),
    ("Örkelljunga", 9977, "1257", 56.283, 13.280, "6K"),
)

#: The groups as the Skåne project names them (the "named clusters" of the demo).
GROUPS = {
    group: tuple(name for name, *_, g in TOWNS if g == group) for group in ("Mellersta Skåne", "Sydvästra Skåne", "6K")
}


@dataclass(frozen=True)
class DemoSite:
    """An invented candidate terminal site."""

    name: str
    lat: float
    lon: float
    fixed_sek_per_year: float
    handling_sek_per_pallet: float


SITES = (
    DemoSite("Eslöv, industriområdet vid väg 113 (syntetisk)", 55.828, 13.322, 1_600_000, 55),
    DemoSite("Hörby, västra industriområdet (syntetisk)", 55.850, 13.640, 1_200_000, 60),
    DemoSite("Trelleborg, hamnens logistikområde (syntetisk)", 55.372, 13.175, 1_500_000, 55),
    DemoSite("Svedala, Industrivägen (syntetisk)", 55.505, 13.220, 1_400_000, 55),
    DemoSite("Åstorp, logistikparken vid E4 (syntetisk)", 56.128, 12.962, 1_300_000, 55),
    DemoSite("Klippan, Ljungbyhedsvägen (syntetisk)", 56.125, 13.150, 1_200_000, 60),
)

#: Places per municipality for the point generator: the four Mellersta Skåne towns keep the demo
#: cluster's villages; the others have the town (three quarters of the points) and its countryside.
PLACES = {
    **{name: catalog.PLACES[name] for name in GROUPS["Mellersta Skåne"]},
    **{
        name: (
            (name, lat, lon, 0.75, (0.3, 2.5), catalog.ALL_BEARINGS),
            (name, lat, lon, 0.25, (3.0, 9.0), catalog.ALL_BEARINGS),
        )
        for name, _, _, lat, lon, group in TOWNS
        if group != "Mellersta Skåne"
    },
}
# Trelleborg and Skurup lie on the south coast: their countryside points go north, onto land.
for _town in ("Trelleborg", "Skurup"):
    (_name, _lat, _lon, _share, _radius, _), _country = PLACES[_town]
    PLACES[_town] = ((_name, _lat, _lon, _share, _radius, (280.0, 440.0)), _country[:5] + ((280.0, 440.0),))


def generate_region(seed: int = DEFAULT_SEED, start: date = DEFAULT_START, points: int = POINTS) -> DemoCluster:
    """The Skåne region as a demo cluster (13 municipalities, `points` delivery points, two weeks of
    orders from `start`, a Monday); its terminal is the first candidate site (see :data:`SITES`)."""
    if start.weekday() != 0:
        raise ValueError("start must be a Monday")
    municipalities = tuple((name, population, code) for name, population, code, *_ in TOWNS)
    areas = tuple(DemoProductArea(*row) for row in catalog.PRODUCT_AREAS)
    delivery_points = _delivery_points(_rng(seed, "region-points"), 1.0, municipalities, PLACES, points)
    orders = _orders(_rng(seed, "region-orders"), delivery_points, {a.name: a for a in areas}, start)
    site = SITES[0]
    return DemoCluster(
        name=REGION_NAME,
        seed=seed,
        scale=points / catalog.POINTS_AT_SCALE_1,
        start=start,
        municipalities=tuple(DemoMunicipality(*row) for row in municipalities),
        terminal=DemoTerminal(
            site.name, site.name, site.lat, site.lon, catalog.TERMINAL["opens_at"], catalog.TERMINAL["closes_at"]
        ),
        product_areas=areas,
        suppliers=_suppliers(_rng(seed, "suppliers")),
        delivery_points=delivery_points,
        vehicles=_vehicles(VEHICLES),
        orders=orders,
    )


def region_input(cluster: DemoCluster, start: date | None = None, end: date | None = None):
    """The region's impact input (its two weeks, or `start`-`end`), its candidate sites and the three
    groups as named clusters: what :func:`samlast.impact.region.analyse_region` takes."""
    from samlast import planning as pl
    from samlast.impact.demo import from_demo_cluster
    from samlast.impact.region import CandidateSite, RegionInput

    sites = tuple(
        CandidateSite(
            f"site-{i + 1}", s.name, pl.Location(s.lat, s.lon), s.fixed_sek_per_year, s.handling_sek_per_pallet
        )
        for i, s in enumerate(SITES)
    )
    return RegionInput(from_demo_cluster(cluster, start, end), sites, GROUPS)
