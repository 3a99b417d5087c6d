"""Sampled Shapley value: agrees with the exact one, adds up, obeys its budget."""

import math

import pytest

from samlast.impact.costsplit import shapley
from samlast.impact.shapley_sampling import sampled_shapley

# Six municipalities on a line from the terminal at 0; a coalition's cost is a
# fixed vehicle cost plus driving out to its farthest member and back, plus a
# stop cost per member, plus one extra vehicle per 3 members (a routing-like,
# subadditive, non-additive game, so the marginal costs really vary by order).
POSITIONS = {"A": 3.0, "B": 7.0, "C": 8.0, "D": 15.0, "E": 21.0, "F": 30.0}


def line_cost(coalition: frozenset[str]) -> float:
    far = max(POSITIONS[p] for p in coalition)
    vehicles = math.ceil(len(coalition) / 3)
    return 100.0 * vehicles + 2 * far * 10.0 + 25.0 * len(coalition)


PLAYERS = sorted(POSITIONS)


def test_exact_shapley_lies_within_each_interval():
    exact = shapley(PLAYERS, line_cost)
    result = sampled_shapley(PLAYERS, line_cost, seed=1, target_share=0.01)
    assert result.converged and result.stopped_by == "precision"
    for p in PLAYERS:
        low, high = result.interval(p)
        assert low <= exact[p] <= high, (p, exact[p], low, high)
        assert result.half_width[p] <= 0.01 * result.total + 1e-9
    # The intervals are informative, not trivially wide.
    assert result.max_half_width_share() < 0.01


def test_shares_sum_to_the_grand_coalition_cost():
    result = sampled_shapley(PLAYERS, line_cost, seed=7, max_evaluations=30)
    grand = line_cost(frozenset(PLAYERS))
    assert result.total == pytest.approx(grand)
    assert sum(result.shares.values()) == pytest.approx(grand, abs=1e-9)


def test_stops_on_evaluation_budget_and_counts_each_coalition_once():
    calls = []

    def counted(coalition):
        calls.append(coalition)
        return line_cost(coalition)

    result = sampled_shapley(PLAYERS, counted, seed=3, target_share=1e-9, max_evaluations=40)
    assert result.stopped_by == "evaluations"
    assert not result.converged
    assert result.evaluations == len(calls) == len(set(calls))
    assert result.evaluations <= 40
    assert result.pairs >= 1


def test_stops_on_seconds_budget():
    ticks = iter(range(1000))
    result = sampled_shapley(PLAYERS, line_cost, seed=3, target_share=1e-9, max_seconds=5, clock=lambda: next(ticks))
    assert result.stopped_by == "seconds"
    assert result.pairs < 10


def test_same_seed_same_result_other_seed_differs():
    a = sampled_shapley(PLAYERS, line_cost, seed=11, max_evaluations=25)
    b = sampled_shapley(PLAYERS, line_cost, seed=11, max_evaluations=25)
    c = sampled_shapley(PLAYERS, line_cost, seed=12, max_evaluations=25)
    assert a.shares == b.shares and a.half_width == b.half_width
    assert a.shares != c.shares


def test_additive_game_is_exact_with_zero_width():
    weights = {"A": 10.0, "B": 20.0, "C": 5.0}
    result = sampled_shapley(list(weights), lambda s: sum(weights[p] for p in s), seed=0)
    assert result.converged
    for p, w in weights.items():
        assert result.shares[p] == pytest.approx(w)
        assert result.half_width[p] == pytest.approx(0.0, abs=1e-9)
