"""The scenario presets land near the published outcomes, and the baseline-realism inputs do what they say."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from samlast import planning as pl
from samlast.impact.model import ImpactInput, ImpactOrder, ImpactParams, ImpactPoint, ImpactSupplier
from samlast.impact.presets import HEADLINE, PRESETS, build_input, headline
from samlast.impact.report import analyse

TABLES = Path(__file__).resolve().parents[3] / "backend" / "samlast" / "i18n"


@pytest.fixture(scope="module")
def reports():
    return {key: analyse(p.input(), p.params()) for key, p in PRESETS.items()}


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_each_preset_lands_in_its_published_range(reports, key):
    figures = headline(reports[key])
    for name, (low, high) in PRESETS[key].expected.items():
        assert low <= figures[name] <= high, (key, name, figures[name], (low, high))


def test_vaxjo_like_cuts_deliveries_and_co2_per_tonne(reports):
    figures = headline(reports["vaxjo"])
    assert figures["deliveries"] == pytest.approx(-0.82, abs=0.04)
    assert figures["co2e_kg_per_tonne"] == pytest.approx(-0.74, abs=0.10)


def test_sodertorn_like_saves_co2_mostly_from_fuel(reports):
    report = reports["sodertorn"]
    figures = headline(report)
    assert figures["deliveries"] == pytest.approx(-0.50, abs=0.05)
    assert figures["vehicle_km"] == pytest.approx(-0.04, abs=0.10)
    assert figures["co2e_kg"] == pytest.approx(-0.70, abs=0.10)
    terms = report["decomposition"]["co2e_kg"]["terms"]
    # The cleaner fuel (HVO100 in the terminal's trucks) explains most of the drop.
    assert terms["cleaner"] < 0
    assert abs(terms["cleaner"]) > 0.6 * abs(report["decomposition"]["co2e_kg"]["change"])
    assert abs(terms["cleaner"]) > abs(terms["km"]) + abs(terms["fill_rate"])


def test_borlange_like_hardly_changes_because_the_trucks_leave_half_empty(reports):
    report = reports["borlange"]
    assert headline(report)["co2e_kg"] == pytest.approx(0.0, abs=0.15)
    terms = report["decomposition"]["co2e_kg"]["terms"]
    assert terms["fill_rate"] > 0  # the delivery-time rule keeps the loads small
    assert report["coordinated"]["per_week"]["deliveries_outside_window"] == 0


def test_presets_are_deterministic():
    for preset in PRESETS.values():
        assert preset.input() == preset.input()


def test_headline_keys():
    report = {"comparison": {
        "deliveries": {"change": -0.5},
        "vehicle_km": {"change": 0.1},
        "co2e_kg": {"free_delivery": 100.0, "coordinated": 50.0, "change": -0.5},
        "kg": {"free_delivery": 1000.0, "coordinated": 2000.0},
    }}
    figures = headline(report)
    assert tuple(figures) == HEADLINE
    assert figures["co2e_kg_per_tonne"] == pytest.approx(-0.75)  # 0.1 -> 0.025 kg per kg


def test_every_preset_has_words_in_both_languages():
    for language in ("sv", "en"):
        table = json.loads((TABLES / f"{language}.json").read_text(encoding="utf-8"))
        for key in PRESETS:
            assert table[f"impact.preset.{key}.name"]
            assert table[f"impact.preset.{key}.why"]


# --- the baseline-realism inputs --------------------------------------------------------------

def _one_supplier_case(**supplier) -> ImpactInput:
    """One wholesaler 10 km north of the terminal, three points on one day."""
    terminal = pl.Location(59.0, 15.0)
    points = tuple(
        ImpactPoint(f"P{i}", f"P{i}", "A", "preschool", pl.Location(59.0 + 0.01 * i, 15.05)) for i in range(3)
    )
    day = date(2026, 3, 2)
    orders = tuple(
        ImpactOrder(f"O{i}", f"P{i}", "W", day, {"ambient": pl.Load(1000.0, 2.0)}) for i in range(3)
    )
    return ImpactInput(
        terminal=terminal,
        points=points,
        suppliers=(ImpactSupplier("W", "W", "wholesaler", pl.Location(59.09, 15.0), **supplier),),
        orders=orders,
        fleet=build_input(PRESETS["vaxjo"].shape).fleet[:1],
        start=day,
        end=day,
    )


FAST = ImpactParams(time_limit_s=0.2, shapley=False, fleet_need=False)


def test_defaults_leave_the_baseline_as_it_was():
    supplier = ImpactSupplier("W", "W", "wholesaler", pl.Location(59.0, 15.0))
    assert (supplier.cluster_share, supplier.fill_rate) == (1.0, 1.0)
    assert ImpactParams().delivery_window is None
    default = analyse(_one_supplier_case(), FAST)
    explicit = analyse(_one_supplier_case(cluster_share=1.0, fill_rate=1.0), FAST)
    assert default["baseline"]["total"] == explicit["baseline"]["total"]


def test_cluster_share_charges_only_the_clusters_part_of_a_trip():
    whole = analyse(_one_supplier_case(), FAST)["baseline"]["total"]
    part = analyse(_one_supplier_case(cluster_share=0.4), FAST)["baseline"]["total"]
    for key in ("vehicle_km", "co2e_kg", "cost_sek", "vehicle_hours"):
        assert part[key] == pytest.approx(0.4 * whole[key], rel=1e-3), key
    assert part["deliveries"] == whole["deliveries"]


def test_a_low_fill_rate_needs_more_trips():
    full = analyse(_one_supplier_case(), FAST)
    low = analyse(_one_supplier_case(fill_rate=0.2), FAST)  # 1 600 kg of 8 000: one delivery per trip
    trips = lambda r: r["decomposition"]["co2e_kg"]["factors"]["free_delivery"]["trips"]  # noqa: E731
    assert trips(full) == 1
    assert trips(low) == 3
    assert low["baseline"]["total"]["vehicle_km"] > full["baseline"]["total"]["vehicle_km"]


def test_bad_realism_inputs_are_refused():
    with pytest.raises(ValueError):
        ImpactSupplier("W", "W", "wholesaler", pl.Location(59.0, 15.0), cluster_share=0.0)
    with pytest.raises(ValueError):
        ImpactSupplier("W", "W", "wholesaler", pl.Location(59.0, 15.0), fill_rate=1.5)
    with pytest.raises(ValueError):
        ImpactParams(delivery_window=(9 * 3600, 8 * 3600))


def test_delivery_window_cuts_the_points_own_windows():
    point = ImpactPoint(
        "P", "P", "A", "preschool", pl.Location(59.0, 15.0),
        {0: (pl.TimeWindow(6 * 3600, 10 * 3600),), 1: (pl.TimeWindow(12 * 3600, 14 * 3600),)},
    )
    rule = (7 * 3600, 9 * 3600)
    assert point.receiving_windows(0, rule) == (pl.TimeWindow(7 * 3600, 9 * 3600),)
    assert point.receiving_windows(1, rule) == (pl.TimeWindow(*rule),)  # the rule wins
    assert point.receiving_windows(0, None) == (pl.TimeWindow(6 * 3600, 10 * 3600),)
    anytime = dataclasses.replace(point, windows={})
    assert anytime.receiving_windows(3, rule) == (pl.TimeWindow(*rule),)
    assert anytime.receiving_windows(3, None) == ()
