"""Split the cost of shared routes between the municipalities of a cluster.

Cooperative cost game: ``cost(S)`` is what serving only coalition ``S``'s
delivery points would cost with the terminal's fleet (one planning run per
coalition and day). Allocations shown side by side:

* per delivery, per kg, per stand-alone km (proportional rules);
* the Shapley value: each municipality's average marginal cost over all
  orders in which the coalition could have been formed;
* the nucleolus: the split that makes the worst-off coalition's saving
  ``cost(S) - x(S)`` as large as possible, then the next worst, and so on
  (a sequence of linear programs); it lies in the core whenever the core is
  non-empty;
* the equal-profit method: the split that makes the smallest *relative*
  saving ``1 - x_i / cost({i})`` as large as possible while no coalition pays
  more than its own cost (ties broken the same way, lexicographically), so
  that the municipalities save as equal a share of their stand-alone cost as
  the coalition costs allow (after Frisk et al., EJOR 205, 2010).

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


_TOL = 1e-7


class _LexMaxMin:
    """Lexicographic max-min over linear terms of an allocation, by a sequence of LPs (GLOP).

    Maximises the smallest of the terms ``g_k(x) = a_k - sum(x[p] for p in S_k) * w_k``
    subject to ``x(N) = cost(N)`` and the extra constraints, fixes the terms
    that cannot rise above that level in any optimum, and repeats with the
    rest until the allocation is determined.
    """

    def __init__(self, players: Sequence[str]):
        from ortools.linear_solver import pywraplp

        self.pywraplp = pywraplp
        self.players = list(players)

    def solve(
        self,
        terms: list[tuple[frozenset[str], float, float]],
        grand_cost: float,
        upper: list[tuple[frozenset[str], float]],
    ) -> tuple[dict[str, float], float]:
        """Return the allocation and the first (smallest) level.

        terms : (coalition S, constant a, weight w) for ``g = a - w * x(S)``.
        upper : (coalition S, bound b) for ``x(S) <= b``.
        """
        import numpy as np

        n = len(self.players)
        index = {p: i for i, p in enumerate(self.players)}

        def vec(s: frozenset[str]) -> np.ndarray:
            v = np.zeros(n)
            for p in s:
                v[index[p]] = 1.0
            return v

        fixed: list[tuple[int, float]] = []
        free = list(range(len(terms)))
        span = [np.ones(n)]
        first: float | None = None
        x: dict[str, float] = {}
        scale = max(1.0, abs(grand_cost))
        while True:
            level, x = self._lp(terms, grand_cost, upper, fixed, free, None)
            if first is None:
                first = level
            if not free or np.linalg.matrix_rank(np.array(span)) >= n:
                break
            still_free = []
            for k in free:
                s, a, wt = terms[k]
                in_span = np.linalg.matrix_rank(np.array(span + [vec(s)])) == np.linalg.matrix_rank(np.array(span))
                if in_span:  # determined by the fixed ones: drop it (an equality would be redundant)
                    continue
                best, _ = self._lp(terms, grand_cost, upper, fixed, free, (k, level))
                if best <= level + _TOL * scale:
                    fixed.append((k, level))
                    span.append(vec(s))
                else:
                    still_free.append(k)
            if len(still_free) == len(free):  # pragma: no cover - an LP optimum always fixes one
                break
            free = still_free
            if not free:
                level, x = self._lp(terms, grand_cost, upper, fixed, free, None)
                break
        if np.linalg.matrix_rank(np.array(span)) >= n:
            # Determined by the grand coalition and the fixed levels: solve that system exactly
            # rather than keep the LP's point (held only within the tolerance).
            rows, rhs = [np.ones(n)], [grand_cost]
            for k, value in fixed:
                s, a, wt = terms[k]
                rows.append(wt * vec(s))
                rhs.append(a - value)
            exact = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
            x = {p: float(exact[index[p]]) for p in self.players}
        return x, float(first if first is not None else 0.0)

    def _lp(self, terms, grand_cost, upper, fixed, free, probe):
        """Maximise the smallest free term (or, with `probe` = (k, level), term k alone)."""
        pywraplp = self.pywraplp
        lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = lp.infinity()
        x = {p: lp.NumVar(-inf, inf, f"x{i}") for i, p in enumerate(self.players)}
        t = lp.NumVar(-inf, inf, "t")

        def g(k):
            s, a, wt = terms[k]
            return a - wt * sum(x[p] for p in s)

        # Levels found by earlier LPs are held within a small tolerance, so round-off cannot make
        # the next LP infeasible.
        tol = 1e-9 * max(1.0, abs(grand_cost))
        lp.Add(sum(x.values()) == grand_cost)
        for s, b in upper:
            lp.Add(sum(x[p] for p in s) <= b + tol)
        for k, value in fixed:
            band = 1e-9 * max(1.0, abs(value))
            lp.Add(g(k) >= value - band)
            lp.Add(g(k) <= value + band)
        if probe is None:
            for k in free:
                lp.Add(g(k) >= t)
            if not free:  # nothing left to raise: any feasible point (the allocation is fixed)
                lp.Add(t == 0)
            lp.Maximize(t)
        else:
            k, level = probe
            for j in free:
                lp.Add(g(j) >= level - tol)
            lp.Add(t == g(k))
            lp.Maximize(t)
        status = lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # pragma: no cover - the LPs are always feasible
            raise ArithmeticError(f"cost-split LP not solved: status {status}, probe {probe}, fixed {fixed}")
        return t.solution_value(), {p: v.solution_value() for p, v in x.items()}


def _least_core_excess(players: Sequence[str], cost: Mapping[frozenset[str], float]) -> float:
    """The largest ``e`` such that every proper coalition can save at least ``e`` (``< 0``: empty core)."""
    grand = frozenset(players)
    proper = [s for s in cost if s != grand]
    terms = [(s, cost[s], 1.0) for s in proper]
    _, level = _LexMaxMin(players).solve(terms, cost[grand], [])
    return level


def nucleolus(players: Sequence[str], cost: Mapping[frozenset[str], float]) -> dict[str, float]:
    """The nucleolus of a cost game.

    The allocation ``x`` with ``x(N) = cost(N)`` and ``x_i <= cost({i})``
    that lexicographically maximises the savings ``cost(S) - x(S)`` of the
    proper coalitions sorted from smallest up: first the smallest saving is
    made as large as possible (one LP), the coalitions held at that level in
    every optimum are fixed, and the next LP raises the smallest of the rest,
    until the allocation is determined. If the players' stand-alone costs add
    up to less than ``cost(N)`` (no individually rational split), the bound
    ``x_i <= cost({i})`` is dropped (the prenucleolus).

    Parameters
    ----------
    players : sequence of str
    cost : mapping frozenset -> float
        Every non-empty coalition.

    Returns
    -------
    dict str -> float
        Each player's share; they sum to ``cost(N)``. Unique; in the core when
        the core is non-empty.
    """
    grand = frozenset(players)
    if len(players) == 1:
        return {players[0]: cost[grand]}
    proper = sorted((s for s in cost if s != grand), key=lambda s: (len(s), sorted(s)))
    terms = [(s, cost[s], 1.0) for s in proper]
    alone = sum(cost[frozenset([p])] for p in players)
    upper = [(frozenset([p]), cost[frozenset([p])]) for p in players] if alone >= cost[grand] else []
    x, _ = _LexMaxMin(players).solve(terms, cost[grand], upper)
    return x


def equal_profit(players: Sequence[str], cost: Mapping[frozenset[str], float]) -> dict[str, float]:
    """The equal-profit method: as equal a relative saving for every player as the core allows.

    Maximises the smallest relative saving ``1 - x_i / cost({i})`` subject to
    ``x(N) = cost(N)`` and ``x(S) <= cost(S)`` for every coalition (the core),
    then, for the players not held at that level, the next smallest, and so
    on (lexicographic max-min, a sequence of LPs). If the core is empty, the
    coalition constraints are relaxed by the least amount that makes them
    feasible (the least core: ``x(S) <= cost(S) + e*``).

    Parameters
    ----------
    players : sequence of str
    cost : mapping frozenset -> float
        Every non-empty coalition; a player's stand-alone cost should be positive.

    Returns
    -------
    dict str -> float
        Each player's share; they sum to ``cost(N)``.
    """
    grand = frozenset(players)
    if len(players) == 1:
        return {players[0]: cost[grand]}
    relax = max(0.0, -_least_core_excess(players, cost))
    proper = [s for s in cost if s != grand]
    upper = [(s, cost[s] + relax) for s in proper]
    terms = []
    for p in players:
        alone = cost[frozenset([p])]
        # Relative saving 1 - x_p / alone; with a stand-alone cost of 0 the absolute saving.
        terms.append((frozenset([p]), 1.0, 1.0 / alone) if alone > 0 else (frozenset([p]), 0.0, 1.0))
    x, _ = _LexMaxMin(players).solve(terms, cost[grand], upper)
    return x


def split_table(
    players: Sequence[str],
    total: float,
    deliveries: Mapping[str, float],
    kg: Mapping[str, float],
    standalone_km: Mapping[str, float],
    standalone_cost: Mapping[str, float],
    shapley_value: Mapping[str, float] | None,
    *,
    nucleolus_value: Mapping[str, float] | None = None,
    equal_profit_value: Mapping[str, float] | None = None,
) -> list[dict]:
    """One row per municipality: every rule's share next to the stand-alone cost.

    Parameters
    ----------
    total : float
        The shared routes' cost to split, currency.
    deliveries, kg, standalone_km, standalone_cost : mappings per municipality
        Deliveries, kg delivered, km and cost when served alone.
    shapley_value, nucleolus_value, equal_profit_value : mapping, optional
        Computed from the coalition costs (all of them or none).

    Returns
    -------
    list of dict
        Keys ``municipality``, ``standalone_cost``, ``per_delivery``,
        ``per_kg``, ``per_standalone_km``, ``shapley``, ``nucleolus``,
        ``equal_profit`` (each None if not computed),
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
    if nucleolus_value is not None:
        rules["nucleolus"] = dict(nucleolus_value)
    if equal_profit_value is not None:
        rules["equal_profit"] = dict(equal_profit_value)
    rows = []
    for p in players:
        alone = standalone_cost.get(p)
        row: dict[str, Any] = {"municipality": p, "standalone_cost": None if alone is None else round(alone, 2)}
        worse = []
        for name, shares in rules.items():
            row[name] = round(shares[p], 2)
            if alone is not None and shares[p] > alone + 1e-6 * max(1.0, alone):
                worse.append(name)
        for name in ("shapley", "nucleolus", "equal_profit"):
            row.setdefault(name, None)
        row["pays_more_than_alone"] = worse
        rows.append(row)
    return rows
