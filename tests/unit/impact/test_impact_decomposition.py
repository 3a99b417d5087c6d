"""The CO2e and cost changes split into causes: the terms add up to the change, exactly."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samlast.impact.decomposition import (
    CO2E_TERMS,
    COST_TERMS,
    CostRates,
    TripTotals,
    co2e_terms,
    decompose,
    log_mean,
    rounded_terms,
)
from samlast.impact.routing import DeliveryRecord, TripRecord

DAY = date(2026, 11, 30)
RATES = CostRates(0.4, 100.0, 500.0)

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
#: None of something, or a realistic amount of it (km, kg, trips per week).
quantity = st.one_of(st.just(0.0), positive)
#: kg CO2e per km: from an electric van (0) to a heavy diesel truck (about 1) with a margin.
intensity = st.floats(min_value=0.0, max_value=3.0)


def totals(kg, trips, km, per_km):
    return TripTotals(kg, trips, km, km * per_km)


@given(
    st.tuples(positive, positive, positive, st.floats(min_value=1e-3, max_value=3.0)),
    st.tuples(positive, positive, positive, st.floats(min_value=1e-3, max_value=3.0)),
)
def test_lmdi_terms_add_up_to_the_change(before, after):
    b, a = totals(*before), totals(*after)
    terms = co2e_terms(b, a)
    assert set(terms) == set(CO2E_TERMS)
    change = a.co2e_kg - b.co2e_kg
    assert math.fsum(terms.values()) == pytest.approx(change, rel=1e-9, abs=1e-9 * max(a.co2e_kg, b.co2e_kg, 1))


@given(st.tuples(quantity, quantity, quantity, intensity), st.tuples(quantity, quantity, quantity, intensity))
def test_the_chained_fallback_adds_up_too(before, after):
    # Any of the quantities may be 0 (no trips, no load): no logarithm, still exact.
    b, a = totals(*before), totals(*after)
    terms = co2e_terms(b, a)
    assert math.fsum(terms.values()) == pytest.approx(a.co2e_kg - b.co2e_kg, rel=1e-9, abs=1e-6)


def trip(km, co2_per_km, kg, cost=0.0, kind="distribution"):
    return TripRecord(DAY, kind, "v", km, 1.0, cost, km * co2_per_km, True, {"A": 1.0}, False, kg)


def delivery(kg):
    return DeliveryRecord(DAY, "p", "A", "school_kitchen", True, kg, 0.0)


trip_st = st.builds(
    trip,
    st.floats(min_value=0.1, max_value=500),
    st.floats(min_value=0.0, max_value=2.0),
    st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=20_000)),
    st.floats(min_value=0.0, max_value=20_000),
)


@given(
    st.lists(trip_st, min_size=0, max_size=12),
    st.lists(trip_st, min_size=0, max_size=12),
    st.lists(st.floats(min_value=0, max_value=3000), max_size=20),
    st.lists(st.floats(min_value=0, max_value=3000), max_size=20),
    st.integers(min_value=1, max_value=8),
)
def test_the_reported_terms_add_up_to_the_reported_change(before, after, kg0, kg1, weeks):
    # After rounding to öre and grams the terms still add up to the change shown, exactly.
    out = decompose(before, after, [delivery(k) for k in kg0], [delivery(k) for k in kg1], RATES, weeks)
    for key, names in (("co2e_kg", CO2E_TERMS), ("cost_sek", COST_TERMS)):
        part = out[key]
        assert list(part["terms"]) == list(names)
        assert round(sum(part["terms"].values()), 2) == part["change"]
        assert part["change"] == round(part["coordinated"] - part["free_delivery"], 2)


def test_a_textbook_case_by_hand():
    # Free delivery: 10 trips of 20 km with 200 kg each, 1 kg CO2e/km -> 200 kg CO2e.
    # Coordinated: 4 trips of 30 km with 500 kg each, 0.5 kg CO2e/km (renewable fuel) -> 60 kg CO2e.
    # Lm(60, 200) = 140 / ln(200/60). km: Lm ln((2000/2000) (30/20)); fill: -Lm ln(500/200);
    # cleaner: Lm ln(0.5). Sum: Lm ln(1.5 * 0.4 * 0.5) = Lm ln(0.3) = -140.
    before = [trip(20, 1.0, 200) for _ in range(10)]
    after = [trip(30, 0.5, 500) for _ in range(4)]
    lm = 140 / math.log(200 / 60)
    terms = co2e_terms(TripTotals.of(before), TripTotals.of(after))
    assert terms["km"] == pytest.approx(lm * math.log(1.5))
    assert terms["fill_rate"] == pytest.approx(-lm * math.log(2.5))
    assert terms["cleaner"] == pytest.approx(lm * math.log(0.5))
    assert sum(terms.values()) == pytest.approx(-140)
    # Fewer trips for the same goods drive most of it; longer trips add some back.
    assert terms["fill_rate"] < terms["cleaner"] < 0 < terms["km"]


def test_same_vehicles_same_fill_only_km_moves():
    # Södertörn-like: only the fuel changes -> all of the change is "cleaner".
    before = [trip(25, 1.0, 300) for _ in range(8)]
    after = [trip(25, 0.3, 300) for _ in range(8)]
    terms = co2e_terms(TripTotals.of(before), TripTotals.of(after))
    assert terms["km"] == pytest.approx(0) and terms["fill_rate"] == pytest.approx(0)
    assert terms["cleaner"] == pytest.approx(0.3 * 200 - 200)


def test_cost_parts():
    before = [trip(10, 1.0, 100, cost=1000.0, kind="supplier_route")] * 4
    after = [trip(10, 1.0, 100, cost=700.0)] * 2
    out = decompose(before, after, [delivery(100)] * 8, [delivery(200)] * 4, RATES, weeks=2)
    cost = out["cost_sek"]
    # Per week: transport 2000 -> 700; terminal 0 -> 0.4 * 800 / 2 = 160;
    # administration 100 * 8 / 2 = 400 -> 100 * 4 / 2 + 500 = 700.
    assert cost["terms"] == {"transport": -1300.0, "terminal_handling": 160.0, "administration": 300.0}
    assert cost["free_delivery"] == 2400.0 and cost["coordinated"] == 1560.0 and cost["change"] == -840.0


def test_log_mean():
    assert log_mean(3.0, 3.0) == 3.0
    assert log_mean(1.0, math.e) == pytest.approx((math.e - 1) / 1.0)
    assert rounded_terms({"a": 0.004, "b": 0.004, "c": 0.004}, 0.012) == {"a": 0.01, "b": 0.0, "c": 0.0}
