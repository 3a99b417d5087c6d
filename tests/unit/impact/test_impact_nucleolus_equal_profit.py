"""The nucleolus and the equal-profit split on a 3-player cost game solved by hand."""

from __future__ import annotations

import pytest

from samlast.impact.costsplit import coalitions, core_check, equal_profit, nucleolus, shapley, split_table

PLAYERS = ["a", "b", "c"]

# A textbook 3-player cost game: stand-alone 6, 8, 10; pairs save 4 (ab), 2 (ac), 3 (bc); all three
# save 5 (cost 19). Its core is non-empty (e.g. a 4, b 5, c 10).
GAME = {
    frozenset("a"): 6.0,
    frozenset("b"): 8.0,
    frozenset("c"): 10.0,
    frozenset("ab"): 10.0,
    frozenset("ac"): 14.0,
    frozenset("bc"): 15.0,
    frozenset("abc"): 19.0,
}


def test_nucleolus_of_the_textbook_game():
    # By hand, in savings s_i = cost({i}) - x_i (sum 5). The coalition savings are
    # s_a, s_b, s_c, s_a + s_b - 4 = 1 - s_c, s_a + s_c - 2 = 3 - s_b, s_b + s_c - 3 = 2 - s_a.
    # Raise the smallest to t: s_a <= 2 - t, s_b <= 3 - t, s_c <= 1 - t, so 5 = sum <= 6 - 3t,
    # t <= 1/3, and at t = 1/3 every upper bound is tight: s = (5/3, 8/3, 2/3), unique.
    # So x = (6 - 5/3, 8 - 8/3, 10 - 2/3) = (13/3, 16/3, 28/3); every pair saves exactly 1/3.
    x = nucleolus(PLAYERS, GAME)
    assert x["a"] == pytest.approx(13 / 3, abs=1e-6)
    assert x["b"] == pytest.approx(16 / 3, abs=1e-6)
    assert x["c"] == pytest.approx(28 / 3, abs=1e-6)
    assert sum(x.values()) == pytest.approx(GAME[frozenset("abc")])
    assert core_check(PLAYERS, GAME, x)["allocation_in_core"] is True


def test_equal_profit_split_of_the_textbook_game():
    # By hand: the same relative saving t for all gives x_i = cost_i (1 - t), 24 (1 - t) = 19,
    # t = 5/24, but then a + b pay 14 * 19/24 = 11.08 > 10: not in the core. With x_a + x_b <= 10,
    # c pays at least 9, so c's saving 1 - x_c/10 is at most 0.1: the first level is t = 0.1, c
    # pays 9 and a + b pay 10. Next, raise the smaller of a's and b's savings: 1 - x_a/6 =
    # 1 - x_b/8 with x_a + x_b = 10 gives x_a = 30/7, x_b = 40/7 (both save 2/7), which keeps
    # a + c = 93/7 <= 14 and b + c = 103/7 <= 15.
    x = equal_profit(PLAYERS, GAME)
    assert x["a"] == pytest.approx(30 / 7, abs=1e-6)
    assert x["b"] == pytest.approx(40 / 7, abs=1e-6)
    assert x["c"] == pytest.approx(9.0, abs=1e-6)
    assert sum(x.values()) == pytest.approx(19.0)
    assert core_check(PLAYERS, GAME, x)["allocation_in_core"] is True
    savings = {p: 1 - x[p] / GAME[frozenset(p)] for p in PLAYERS}
    assert min(savings.values()) == pytest.approx(0.1, abs=1e-6)


def test_symmetric_savings_game():
    # Pairs all save 3, all three save 6: the savings nucleolus is (2, 2, 2), so x = (4, 6, 8);
    # equal relative savings 1 - 18/24 = 1/4 give (4.5, 6, 7.5), inside the core.
    game = {frozenset("a"): 6.0, frozenset("b"): 8.0, frozenset("c"): 10.0, frozenset("ab"): 11.0,
            frozenset("ac"): 13.0, frozenset("bc"): 15.0, frozenset("abc"): 18.0}
    assert nucleolus(PLAYERS, game) == pytest.approx({"a": 4.0, "b": 6.0, "c": 8.0}, abs=1e-6)
    assert equal_profit(PLAYERS, game) == pytest.approx({"a": 4.5, "b": 6.0, "c": 7.5}, abs=1e-6)


def test_airport_game_nucleolus():
    # Runways 1, 2, 3 (Littlechild and Owen's airport game). Savings: a 1 - x_a, b 2 - x_b,
    # c 3 - x_c, ab x_c - 1, ac x_b, bc x_a. First x_a and 1 - x_a: level 1/2, x_a = 1/2. Then
    # x_b and 1.5 - x_b (x_b + x_c = 2.5): x_b = 3/4, x_c = 7/4. Both rules stay in the core.
    cost = {s: max({"a": 1.0, "b": 2.0, "c": 3.0}[p] for p in s) for s in coalitions(PLAYERS)}
    for rule in (nucleolus, equal_profit):
        x = rule(PLAYERS, cost)
        assert sum(x.values()) == pytest.approx(3.0)
        assert core_check(PLAYERS, cost, x)["allocation_in_core"] is True
    assert nucleolus(PLAYERS, cost) == pytest.approx({"a": 0.5, "b": 0.75, "c": 1.75}, abs=1e-6)


def test_empty_core_still_gives_an_efficient_split():
    # Any two for 1, all three for 2: the core is empty; both rules still split exactly 2.
    cost = {s: {1: 1.0, 2: 1.0, 3: 2.0}[len(s)] for s in coalitions(PLAYERS)}
    for rule in (nucleolus, equal_profit):
        x = rule(PLAYERS, cost)
        assert sum(x.values()) == pytest.approx(2.0)
        assert x == pytest.approx({"a": 2 / 3, "b": 2 / 3, "c": 2 / 3}, abs=1e-6)


def test_four_players_efficient_and_in_the_core():
    players = ["w", "x", "y", "z"]
    cost = {s: 10 * len(s) ** 0.5 + (3 if "x" in s else 0) for s in coalitions(players)}
    assert core_check(players, cost)["core_nonempty"] is True
    for rule in (nucleolus, equal_profit):
        x = rule(players, cost)
        assert sum(x.values()) == pytest.approx(cost[frozenset(players)])
        assert core_check(players, cost, x)["allocation_in_core"] is True
        for p in players:
            assert x[p] <= cost[frozenset([p])] + 1e-6


def test_one_player_pays_everything():
    assert nucleolus(["a"], {frozenset("a"): 5.0}) == {"a": 5.0}
    assert equal_profit(["a"], {frozenset("a"): 5.0}) == {"a": 5.0}


def test_split_table_carries_the_new_rules_and_flags_paying_more():
    x = nucleolus(PLAYERS, GAME)
    e = equal_profit(PLAYERS, GAME)
    alone = {p: GAME[frozenset(p)] for p in PLAYERS}
    rows = split_table(
        PLAYERS, 19.0, {"a": 1, "b": 1, "c": 10}, {"a": 1, "b": 1, "c": 1}, alone, alone,
        shapley(PLAYERS, GAME), nucleolus_value=x, equal_profit_value=e,
    )
    by = {r["municipality"]: r for r in rows}
    assert by["a"]["nucleolus"] == pytest.approx(4.33)
    assert by["c"]["equal_profit"] == pytest.approx(9.0)
    # Per delivery c pays 19 * 10/12 = 15.83 > 10 alone; never under the nucleolus or equal profit.
    assert "per_delivery" in by["c"]["pays_more_than_alone"]
    assert all(
        "nucleolus" not in r["pays_more_than_alone"] and "equal_profit" not in r["pays_more_than_alone"]
        for r in rows
    )


def test_working_together_costing_more_than_alone_still_splits_the_whole_cost():
    # A heuristic's coalition costs may not be subadditive: alone 1 each, all three 4. No split
    # lets everyone pay at most their stand-alone cost; both rules still split 4, evenly here.
    cost = {s: {1: 1.0, 2: 2.5, 3: 4.0}[len(s)] for s in coalitions(PLAYERS)}
    for rule in (nucleolus, equal_profit):
        assert rule(PLAYERS, cost) == pytest.approx({p: 4 / 3 for p in PLAYERS}, abs=1e-6)


def test_a_player_with_no_cost_alone():
    # c costs nothing alone and adds nothing: it pays nothing under either rule.
    base = {frozenset("a"): 4.0, frozenset("b"): 6.0, frozenset("ab"): 8.0}
    cost = {s: base.get(s - {"c"}, 0.0) for s in coalitions(PLAYERS)}
    for rule in (nucleolus, equal_profit):
        x = rule(PLAYERS, cost)
        assert x["c"] == pytest.approx(0.0, abs=1e-6)
        assert sum(x.values()) == pytest.approx(8.0)
