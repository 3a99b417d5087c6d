"""Every word of an impact report comes from the word tables; numbers are written the reader's way."""

from __future__ import annotations

import pytest
from tests.unit.impact.test_impact_scenarios import PARAMS, TRAVEL, cluster

from samlast import i18n
from samlast.impact import factors, wording
from samlast.impact.figures import FIGURE_KEYS
from samlast.impact.summary import format_summary

RAW_CODES = (
    "fixed_2_per_week",
    "as_ordered",
    "by_kind_3_2_1",
    "per_standalone_km",
    "per_delivery",
    "hvo100",
    "school_kitchen",
    "care_home",
    "local_producer",
    "wholesaler_truck",
)


@pytest.fixture(scope="module")
def result() -> dict:
    from samlast.impact import analyse

    return analyse(cluster(), PARAMS, travel=TRAVEL)


def test_every_name_the_report_builds_has_a_text_in_both_languages():
    built = [f"impact.figure.{k}" for k in FIGURE_KEYS]
    built += [f"impact.energy.{e}" for e in factors.EMISSION_FACTORS_KG_CO2E]
    built += [f"impact.unit.{u}" for u in factors.EMISSION_FACTOR_UNITS.values()]
    built += [f"impact.source.{s}" for s in (*factors.EMISSION_FACTOR_SOURCES.values(), factors.VEHICLE_SOURCE)]
    built += [f"impact.vehicle.{p.key}" for p in factors.DEFAULT_SUPPLIER_VEHICLES.values()]
    built += [f"dpKind.{k}" for k in ("school_kitchen", "preschool", "care_home", "other")]
    built += [f"impact.explain.{r}" for r in wording.SPLIT_RULES]
    assert [k for k in built if not i18n.has(k)] == []
    for rule in wording.SPLIT_RULES:
        assert wording.split_rule(rule, "sv") and wording.split_rule(rule, "en")
    assert wording.split_rule("per_standalone_km", "sv") == "Per km ensam"
    assert wording.energy("hvo100", "sv") == "HVO100 (förnybar diesel)"


@pytest.mark.parametrize(
    ("call", "sv", "en"),
    [
        (lambda loc: wording.number(1234567.4, loc), "1\u00a0234\u00a0567", "1,234,567"),
        (lambda loc: wording.number(-12.34, loc, 1), "\u221212,3", "\u221212.3"),
        (lambda loc: wording.number(-0.2, loc), "0", "0"),
        (lambda loc: wording.number(None, loc), "–", "–"),
        (lambda loc: wording.percent(0.1875, loc, 1), "18,8\u00a0%", "18.8%"),
        (lambda loc: wording.change(-0.854, loc), "\u221285\u00a0%", "\u221285%"),
        (lambda loc: wording.change(0.104, loc), "+10\u00a0%", "+10%"),
        (lambda loc: wording.change(0.0, loc), "±0\u00a0%", "±0%"),
        (lambda loc: wording.points_change(0.10, 0.15, loc), "+5,0 procentenheter", "+5.0 percentage points"),
        (lambda loc: wording.points_change(0.2, 0.2, loc), "oförändrad", "unchanged"),
        (lambda loc: wording.csv_number(12035.734, loc), "12035,73", "12035.73"),
        (lambda loc: wording.csv_number(-0.001, loc), "0", "0"),
    ],
)
def test_numbers_are_written_the_readers_way(call, sv, en):
    assert call("sv") == sv
    assert call("en") == en


def test_every_text_the_analysis_produces_is_a_message_with_a_text(result):
    assert result["notes"], "the analysis has notes"
    for note in result["notes"]:
        assert set(note) == {"key", "params"}
        assert wording.message(note, "sv") != wording.message(note, "en")
    assert wording.message(result["suppliers"]["rule"], "sv").startswith("En grossist kan alltid delta")
    assert wording.message(result["assumptions"]["source"], "sv")
    far = next(n for n in result["notes"] if n["key"] == "impact.note.far_suppliers")
    assert wording.message(far, "sv").startswith(f"{far['params']['percent']} % av kilometrarna")
    assert all(
        isinstance(f["unit"], str) and i18n.has(f"impact.unit.{f['unit']}")
        for f in result["assumptions"]["emission_factors"]
    )


def test_a_skipped_shapley_split_says_why_in_words():
    from samlast.impact import AS_ORDERED, ImpactParams, analyse

    params = ImpactParams(time_limit_s=0.5, shapley=False, patterns=(AS_ORDERED,), primary_pattern="as_ordered")
    split = analyse(cluster(), params, travel=TRAVEL)["cost_split"]
    assert split["shapley_skipped"] == "disabled"
    assert wording.message(split["shapley_skipped_reason"], "sv") == "den var avstängd för den här analysen"


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_command_line_summary_is_written_from_the_tables(result, locale):
    summary = format_summary(result, locale)
    for code in RAW_CODES:
        assert code not in summary
    assert "{" not in summary and "[" not in summary
    if locale == "sv":
        assert "Leveranser till kommunens verksamheter" in summary
        assert "Kostnadsfördelning" in summary and "Per km ensam" in summary
    else:
        assert "Deliveries to municipal buildings" in summary and "Cost split" in summary


def test_a_sampled_shapley_split_says_how_precise_it_is_in_words():
    from samlast.impact import AS_ORDERED, ImpactParams, analyse

    params = ImpactParams(
        time_limit_s=0.5, shapley_time_limit_s=0.5, patterns=(AS_ORDERED,), primary_pattern="as_ordered",
        max_shapley_players=1,
    )
    report = analyse(cluster(), params, travel=TRAVEL)
    note = wording.message(report["cost_split"]["shapley_sampled"]["note"], "sv")
    # Two municipalities: ten pairs (the minimum) of one order and its reverse, no spread.
    assert note.startswith("Shapleyfördelningen är uppskattad från 10 slumpade par")
    assert "mer än 0 % av den totala kostnaden" in note
    assert note in format_summary(report, "sv")
