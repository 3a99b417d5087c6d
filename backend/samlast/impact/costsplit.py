"""Split the cost of shared routes between the municipalities of a cluster.

Cooperative cost game: ``cost(S)`` is what serving only coalition ``S``'s
delivery points would cost with the terminal's fleet (one planning run per
coalition and day). Allocations shown side by side:

* per delivery, per kg, per stand-alone km (proportional rules);
* the Shapley value: each municipality's average marginal cost over all
  orders in which the coalition could have been formed.

Each is compared with the municipality's stand-alone cost (individual
rationality), and the core of the computed game is checked with a linear
program (GLOP): it is non-empty iff the cheapest way to cover every coalition
constraint ``x(S) <= cost(S)`` can collect the full ``cost(N)``.

The coalition costs come from a heuristic with a time limit, so the
characteristic function is itself approximate (it may be slightly
non-subadditive); the report says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

CostFn = Callable[[frozenset[str]], float]


def coalitions(players: Sequence[str]) -> list[frozenset[str]]:
    """Every non-empty coalition, smallest first (2^n - 1 of them)."""
    return [
        frozenset(c)
        for size in range(1, len(players) + 1)
        for c in itertools.combinations(players, size)
    ]


def shapley(
    players: Sequence[str], cost: Mapping[frozenset[str], float] | CostFn
) -> dict[str, float]:
    """Shapley value of a cost game.

    Parameters
    ----------
    players : sequence of str
    cost : mapping or callable
        ``cost(S)`` (currency) for every non-empty coalition ``S``; the empty
        coalition costs 0.

    Returns
    -------
    dict str -> float
        Each player's share; the shares sum to ``cost(all players)``.
    """
    value = cost if callable(cost) else cost.__getitem__
    n = len(players)
    out = dict.fromkeys(players, 0.0)
    fact = [math.factorial(k) for k in range(n + 1)]

    def v(s: frozenset[str]) -> float:
        return value(s) if s else 0.0

    for player in players:
        others = [p for p in players if p != player]
        for size in range(n):
            weight = fact[size] * fact[n - size - 1] / fact[n]
            for c in itertools.combinations(others, size):
                s = frozenset(c)
                out[player] += weight * (v(s | {player}) - v(s))
    return out


def proportional(total: float, weights: Mapping[str, float]) -> dict[str, float]:
    """Split `total` in proportion to `weights` (equal split if all weights are 0)."""
    s = sum(weights.values())
    if not s:
        return {k: total / len(weights) for k in weights}
    return {k: total * w / s for k, w in weights.items()}


def core_check(
    players: Sequence[str],
    cost: Mapping[frozenset[str], float],
    allocation: Mapping[str, float] | None = None,
) -> dict:
    """Is the core of the cost game non-empty, and is `allocation` in it?

    Parameters
    ----------
    players : sequence of str
    cost : mapping frozenset -> float
        Every non-empty coalition.
    allocation : mapping, optional
        Checked against every coalition constraint.

    Returns
    -------
    dict
        ``core_nonempty`` (bool or None if no LP solver), ``max_collectable``
        (the LP optimum, currency), ``grand_cost``, and for `allocation`:
        ``allocation_in_core`` and ``violations`` (coalitions paying more than
        their own cost, with the excess).
    """
    grand = frozenset(players)
    out: dict = {"grand_cost": cost[grand]}
    try:
        from ortools.linear_solver import pywraplp
    except ImportError:  # pragma: no cover - ortools is a dependency
        out.update(core_nonempty=None, max_collectable=None)
    else:
        lp = pywraplp.Solver.CreateSolver("GLOP")
        x = {p: lp.NumVar(-lp.infinity(), lp.infinity(), p) for p in players}
        for s, c in cost.items():
            lp.Add(sum(x[p] for p in s) <= c)
        lp.Maximize(sum(x.values()))
        status = lp.Solve()
        if status == pywraplp.Solver.OPTIMAL:
            best = lp.Objective().Value()
            out["max_collectable"] = round(best, 4)
            out["core_nonempty"] = best >= cost[grand] - 1e-6 * max(1.0, abs(cost[grand]))
        else:
            out.update(core_nonempty=None, max_collectable=None)
    if allocation is not None:
        violations = []
        for s, c in cost.items():
            paid = sum(allocation[p] for p in s)
            if paid > c + 1e-6 * max(1.0, abs(c)):
                violations.append(
                    {
                        "coalition": sorted(s),
                        "pays": round(paid, 2),
                        "alone_cost": round(c, 2),
                        "excess": round(paid - c, 2),
                    }
                )
        out["allocation_in_core"] = not violations
        out["violations"] = violations
    return out


def split_table(
    players: Sequence[str],
    total: float,
    deliveries: Mapping[str, float],
    kg: Mapping[str, float],
    standalone_km: Mapping[str, float],
    standalone_cost: Mapping[str, float],
    shapley_value: Mapping[str, float] | None,
) -> list[dict]:
    """One row per municipality: every rule's share next to the stand-alone cost.

    Parameters
    ----------
    total : float
        The shared routes' cost to split, currency.
    deliveries, kg, standalone_km, standalone_cost : mappings per municipality
        Deliveries, kg delivered, km and cost when served alone.
    shapley_value : mapping, optional

    Returns
    -------
    list of dict
        Keys ``municipality``, ``standalone_cost``, ``per_delivery``,
        ``per_kg``, ``per_standalone_km``, ``shapley`` (None if not computed),
        and ``pays_more_than_alone``: the rules under which it pays more than
        its stand-alone cost.
    """
    rules = {
        "per_delivery": proportional(total, {p: deliveries.get(p, 0.0) for p in players}),
        "per_kg": proportional(total, {p: kg.get(p, 0.0) for p in players}),
        "per_standalone_km": proportional(total, {p: standalone_km.get(p, 0.0) for p in players}),
    }
    if shapley_value is not None:
        rules["shapley"] = dict(shapley_value)
    rows = []
    for p in players:
        alone = standalone_cost.get(p)
        row: dict[str, Any] = {"municipality": p, "standalone_cost": None if alone is None else round(alone, 2)}
        worse = []
        for name, shares in rules.items():
            row[name] = round(shares[p], 2)
            if alone is not None and shares[p] > alone + 1e-6 * max(1.0, alone):
                worse.append(name)
        row.setdefault("shapley", None)
        row["pays_more_than_alone"] = worse
        rows.append(row)
    return rows
