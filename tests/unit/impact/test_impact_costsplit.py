"""The Shapley value and core check on characteristic functions given directly (no planner)."""

from __future__ import annotations

import pytest

from samlast.impact.costsplit import coalitions, core_check, proportional, shapley, split_table


def airport(costs: dict[str, float]) -> dict[frozenset[str], float]:
    """Airport game: a coalition pays for the longest runway its members need."""
    return {s: max(costs[p] for p in s) for s in coalitions(list(costs))}


def test_coalitions_are_all_non_empty_subsets():
    assert len(coalitions(["a", "b", "c"])) == 7
    assert len(coalitions([str(i) for i in range(8)])) == 255


def test_airport_game_has_the_textbook_shapley_value():
    value = shapley(["a", "b", "c"], airport({"a": 1.0, "b": 2.0, "c": 3.0}))
    assert value["a"] == pytest.approx(1 / 3)
    assert value["b"] == pytest.approx(1 / 3 + 1 / 2)
    assert value["c"] == pytest.approx(1 / 3 + 1 / 2 + 1)


def test_shapley_sums_to_the_grand_coalition_cost():
    cost = {
        s: 10 * len(s) ** 0.5 + (3 if "x" in s else 0) for s in coalitions(["x", "y", "z", "w"])
    }
    value = shapley(["x", "y", "z", "w"], cost)
    assert sum(value.values()) == pytest.approx(cost[frozenset("xyzw")])


def test_symmetric_players_pay_the_same():
    # b and c are interchangeable: every coalition's cost depends on how many of them it has.
    def cost(s):
        return (5.0 if "a" in s else 0.0) + 4.0 * min(1, len(s & {"b", "c"})) + len(s & {"b", "c"})

    value = shapley(["a", "b", "c"], cost)
    assert value["b"] == pytest.approx(value["c"])
    assert sum(value.values()) == pytest.approx(cost(frozenset("abc")))


def test_a_dummy_pays_exactly_its_own_marginal_cost():
    base = airport({"a": 4.0, "b": 6.0})
    # d adds 2.5 to every coalition it joins, whatever the others do.
    cost = {}
    for s in coalitions(["a", "b", "d"]):
        rest = s - {"d"}
        cost[s] = (base[rest] if rest else 0.0) + (2.5 if "d" in s else 0.0)
    value = shapley(["a", "b", "d"], cost)
    assert value["d"] == pytest.approx(2.5)
    assert value["a"] + value["b"] == pytest.approx(6.0)


def test_core_of_a_subadditive_airport_game_is_not_empty_and_holds_shapley():
    cost = airport({"a": 1.0, "b": 2.0, "c": 3.0})
    value = shapley(["a", "b", "c"], cost)
    check = core_check(["a", "b", "c"], cost, value)
    assert check["core_nonempty"] is True
    assert check["allocation_in_core"] is True
    assert check["violations"] == []


def test_empty_core_is_detected():
    # Any two can be served for 1, all three cost 2: no split of 2 gives every pair <= 1.
    players = ["a", "b", "c"]
    cost = {s: {1: 1.0, 2: 1.0, 3: 2.0}[len(s)] for s in coalitions(players)}
    check = core_check(players, cost, shapley(players, cost))
    assert check["core_nonempty"] is False
    assert check["max_collectable"] == pytest.approx(1.5)
    assert check["allocation_in_core"] is False
    assert {tuple(v["coalition"]) for v in check["violations"]} == {
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
    }


def test_proportional_split_and_the_stand_alone_flag():
    assert proportional(100.0, {"a": 1, "b": 3}) == {"a": 25.0, "b": 75.0}
    assert proportional(10.0, {"a": 0, "b": 0}) == {"a": 5.0, "b": 5.0}
    rows = split_table(
        ["a", "b"],
        100.0,
        deliveries={"a": 9, "b": 1},
        kg={"a": 1, "b": 1},
        standalone_km={"a": 1, "b": 1},
        standalone_cost={"a": 80.0, "b": 60.0},
        shapley_value={"a": 60.0, "b": 40.0},
    )
    a, b = rows
    assert a["per_delivery"] == 90.0 and a["pays_more_than_alone"] == ["per_delivery"]
    assert b["pays_more_than_alone"] == []
    assert a["shapley"] == 60.0 and a["standalone_cost"] == 80.0
