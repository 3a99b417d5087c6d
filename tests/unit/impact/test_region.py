"""Region planning on small hand-made regions whose answer is known (the planner runs for real)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from samlast import planning as pl
from samlast.impact import ImpactInput, ImpactOrder, ImpactPoint, ImpactSupplier, analyse
from samlast.impact.model import FleetVehicle
from samlast.impact.region import (
    CandidateSite,
    Group,
    RegionInput,
    RegionParams,
    analyse_region,
    estimate_costs,
    group_input,
    optimize,
    propose_sites,
    volumes,
)

MONDAY = date(2026, 11, 30)
# Two towns about 110 km apart (Trelleborg-ish and Örkelljunga-ish), each with a site in the middle.
TOWNS = {"Söderby": (55.38, 13.16), "Norrköping": (56.28, 13.28)}


def _point(i: int, town: str) -> ImpactPoint:
    lat, lon = TOWNS[town]
    return ImpactPoint(f"{town}-{i}", f"Skola {i}", town, "school_kitchen", pl.Location(lat + 0.01 * i, lon + 0.01 * i))


def region(fixed: float = 50_000.0, clusters: dict | None = None) -> RegionInput:
    points = tuple(_point(i, town) for town in TOWNS for i in range(3))
    suppliers = tuple(
        ImpactSupplier(f"s-{town}", f"Grossist {town}", "wholesaler", pl.Location(lat + 0.05, lon))
        for town, (lat, lon) in TOWNS.items()
    )
    orders = []
    for day in (MONDAY, MONDAY + timedelta(days=2)):
        for p in points:
            for s in suppliers:
                orders.append(ImpactOrder(f"{p.id}-{s.id}-{day}", p.id, s.id, day, {"ambient": pl.Load(150.0, 0.5)}))
    fleet = (
        FleetVehicle(
            pl.Vehicle(
                id="bil",
                shift_start=6 * 3600,
                shift_end=16 * 3600,
                capacities={"ambient": pl.Capacity(4000.0, 12.0)},
                cost_per_km=12.0,
                cost_per_hour=550.0,
            ),
            co2e_kg_per_km=0.2,
        ),
    )
    data = ImpactInput(
        terminal=pl.Location(0.0, 0.0),
        points=points,
        suppliers=suppliers,
        orders=tuple(orders),
        fleet=fleet,
        start=MONDAY,
        end=MONDAY + timedelta(days=6),
    )
    sites = tuple(
        CandidateSite(f"site-{town}", f"Terminal {town}", pl.Location(lat + 0.01, lon + 0.01), fixed, 50.0)
        for town, (lat, lon) in TOWNS.items()
    )
    return RegionInput(data, sites, clusters or {})


PARAMS = RegionParams(solver_time_limit_s=5)


def test_the_optimizer_gives_each_far_town_its_own_site():
    r = region()
    cost = estimate_costs(r, PARAMS, volumes(r.data), pl.GeodesicTravelModel())
    groups, info = optimize(list(TOWNS), list(r.sites), cost)
    assert info["status"] == "optimal"
    assert sorted(groups, key=lambda g: g.site) == [
        Group("site-Norrköping", ("Norrköping",)),
        Group("site-Söderby", ("Söderby",)),
    ]


def test_an_expensive_site_makes_the_optimizer_share_one():
    r = region(fixed=5_000_000.0)
    cost = estimate_costs(r, PARAMS, volumes(r.data), pl.GeodesicTravelModel())
    groups, _ = optimize(list(TOWNS), list(r.sites), cost)
    assert len(groups) == 1 and set(groups[0].municipalities) == set(TOWNS)


def test_max_sites_holds_even_where_two_sites_would_be_cheaper():
    r = region()
    cost = estimate_costs(r, PARAMS, volumes(r.data), pl.GeodesicTravelModel())
    groups, _ = optimize(list(TOWNS), list(r.sites), cost, max_sites=1)
    assert len(groups) == 1 and set(groups[0].municipalities) == set(TOWNS)


@pytest.fixture(scope="module")
def answer():
    r = region(clusters={"Hela regionen": ("Söderby", "Norrköping")})
    return r, analyse_region(r, PARAMS)


def test_options_are_alone_named_and_optimized(answer):
    _, result = answer
    kinds = [o["kind"] for o in result["options"]]
    assert kinds == ["alone", "named", "optimized"]
    optimized = result["options"][2]
    assert {g["site"]: g["municipalities"] for g in optimized["groups"]} == {
        "site-Söderby": ["Söderby"],
        "site-Norrköping": ["Norrköping"],
    }
    # Alone and optimized are the same grouping here, so they are priced by the same runs.
    assert result["analysis_runs"] == 3
    assert optimized["totals"]["total_sek_per_year"] == result["options"][0]["totals"]["total_sek_per_year"]


def test_a_municipality_that_pays_more_in_the_named_cluster_is_flagged(answer):
    _, result = answer
    named = result["options"][1]
    (group,) = named["groups"]
    far = next(m for m in TOWNS if f"site-{m}" != group["site"])
    rows = {row["municipality"]: row for row in group["per_municipality"]}
    assert rows[far]["pays_more_than_alone"] is True
    assert rows[far]["total_sek_per_year"] > rows[far]["alone_sek_per_year"]
    assert far in named["pays_more_than_alone"]
    assert result["options"][0]["pays_more_than_alone"] == []


def test_the_options_table_equals_the_impact_analysis_of_the_same_grouping(answer):
    r, result = answer
    group = result["options"][1]["groups"][0]
    alone = analyse(group_input(r, Group(group["site"], tuple(group["municipalities"])), PARAMS), PARAMS.impact)
    for key in ("deliveries", "vehicle_km", "co2e_kg", "cost_sek", "local_kg"):
        assert group["per_week"]["coordinated"][key] == pytest.approx(alone["coordinated"]["per_week"][key])
        assert group["per_week"]["free_delivery"][key] == pytest.approx(alone["baseline"]["per_week"][key])
    assert group["transport_sek_per_year"] == pytest.approx(alone["coordinated"]["per_week"]["cost_sek"] * 52, abs=0.01)
    assert group["cost_split"]["table"] == alone["cost_split"]["table"]


def test_sites_proposed_at_town_centres_and_on_a_grid():
    points = region().data.points
    towns = propose_sites(points, mode="towns")
    assert [s.name for s in towns] == sorted(TOWNS)
    assert towns[0].location.lat == pytest.approx(TOWNS["Norrköping"][0] + 0.01)
    grid = propose_sites(points, mode="grid", grid_km=20)
    assert len(grid) == 2 and all(s.proposed for s in grid)


def test_the_free_delivery_reference_is_one_run_over_the_whole_region(answer):
    _, result = answer
    whole = result["options"][1]["groups"][0]["per_week"]["free_delivery"]  # the named cluster is everything
    for key in ("deliveries", "vehicle_km", "co2e_kg", "cost_sek"):
        assert result["free_delivery"][key] == pytest.approx(whole[key])
    # Alone, each terminal's analysis routes every supplier once per town: more km than together.
    assert result["options"][0]["totals"]["free_delivery"]["vehicle_km"] > result["free_delivery"]["vehicle_km"]


def test_isolated_runs_give_the_same_answer():
    """Each analysis in a child process of its own (what the product does) answers like in-process."""
    import dataclasses

    r = region(clusters={"Hela regionen": ("Söderby", "Norrköping")})
    here = analyse_region(r, PARAMS)
    apart = analyse_region(r, dataclasses.replace(PARAMS, isolate=True))
    for a, b in zip(here["options"], apart["options"], strict=True):
        assert a["totals"] == b["totals"]
    assert here["free_delivery"] == apart["free_delivery"]
