"""The lot planner: never a lot over the limit, the whole volume covered (pure, no planner)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samlast.impact.lots import PointVolume, plan_lots

volumes = st.lists(
    st.builds(
        PointVolume,
        point=st.sampled_from([f"DP-{i}" for i in range(12)]),
        municipality=st.sampled_from(["Eslöv", "Hörby", "Höör", "Kävlinge"]),
        weekday=st.integers(0, 4),
        kg=st.floats(min_value=0, max_value=50_000, allow_nan=False, allow_infinity=False),
    ),
    max_size=40,
)
# From the smallest lot the product accepts (schemas.tender_lots.MIN_LOT_KG): below it a 50-tonne
# point became 100 000 lots and this test alone took three minutes.
limits = st.floats(min_value=100, max_value=20_000, allow_nan=False, allow_infinity=False)


def grams(kg: float) -> int:
    return int(round(kg * 1000))


@settings(max_examples=300, deadline=None)
@given(volumes, limits)
def test_no_lot_is_over_the_limit_and_the_whole_volume_is_covered(items, max_kg):
    lots = plan_lots("Rotfrukter", items, max_kg)
    limit = int(max_kg * 1000)
    wanted: defaultdict[tuple, int] = defaultdict(int)
    for v in items:
        wanted[(v.municipality, v.weekday, v.point)] += grams(v.kg)
    got: defaultdict[tuple, int] = defaultdict(int)
    for lot in lots:
        assert 0 < grams(lot["kg"]) <= limit
        assert grams(lot["kg"]) == sum(grams(p["kg"]) for p in lot["points"])
        for p in lot["points"]:
            got[(lot["municipality"], lot["weekday"], p["point"])] += grams(p["kg"])
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in wanted.items() if v}
    assert [lot["lot"] for lot in lots] == list(range(1, len(lots) + 1))


def test_lots_follow_municipality_and_day_and_pack_small_points_together():
    items = [
        PointVolume("Skola A", "Eslöv", 0, 300),
        PointVolume("Skola B", "Eslöv", 0, 500),
        PointVolume("Förskola C", "Eslöv", 0, 150),
        PointVolume("Äldreboende D", "Eslöv", 2, 2500),  # over the limit: three equal parts
        PointVolume("Skola E", "Hörby", 0, 900),
    ]
    lots = plan_lots("Rotfrukter", items, 1000)
    shape = [(lot["municipality"], lot["weekday"], lot["kg"], [p["point"] for p in lot["points"]]) for lot in lots]
    assert shape == [
        ("Eslöv", 0, 950.0, ["Skola B", "Skola A", "Förskola C"]),
        ("Eslöv", 2, 833.334, ["Äldreboende D"]),
        ("Eslöv", 2, 833.333, ["Äldreboende D"]),
        ("Eslöv", 2, 833.333, ["Äldreboende D"]),
        ("Hörby", 0, 900.0, ["Skola E"]),
    ]


def test_a_limit_below_a_gram_is_refused():
    with pytest.raises(ValueError):
        plan_lots("Rotfrukter", [PointVolume("A", "Eslöv", 0, 1)], 0.0001)
