"""Shapley value estimated by sampling orders of joining, for many municipalities.

The exact Shapley value (:func:`samlast.impact.costsplit.shapley`) needs the
cost of all ``2^n - 1`` coalitions; with 33 municipalities that is about 8.6
billion planning runs. Here the average marginal cost is estimated from
random orders in which the municipalities join (Castro, Gómez & Tejada,
Computers & OR 36, 2009), with two cheap variance reductions:

* antithetic pairs: every random order is followed by its reverse, so a
  municipality that joins early in one joins late in the other (Illés &
  Kerényi 2019 show this is never worse for cost games that grow with size);
* a cache of coalition costs, so an evaluation is only spent on a coalition
  not seen before.

Every order's marginal costs add up to the grand coalition's cost exactly, so
the estimated shares always sum to ``cost(N)``. Each share carries a 95 %
confidence interval from the spread over the antithetic pairs (
``t(pairs - 1) * sd / sqrt(pairs)``, Student's t since the
stop may come after a dozen pairs). Sampling stops when every
half-width is within ``target_share`` of the total cost, or when the budget
of coalition evaluations or seconds is spent (then ``converged`` is False and
the intervals say how far off the shares may be). The same seed gives the
same result unless the seconds budget cuts the run short.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Two-sided 95 % normal quantile.
Z95 = 1.959963984540054


def t95(degrees_of_freedom: int) -> float:
    """Two-sided 95 % quantile of Student's t (Cornish-Fisher expansion, within 0.002 for df >= 5).

    With the few pairs a stop after ``min_pairs`` allows, the normal quantile gives
    intervals that hold the value clearly less than 95 % of the time.
    """
    nu, z = float(degrees_of_freedom), Z95
    return (
        z
        + (z**3 + z) / (4 * nu)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * nu**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * nu**3)
    )


CostFn = Callable[[frozenset[str]], float]


@dataclass(frozen=True)
class SampledShapley:
    """Estimated Shapley shares with their 95 % confidence half-widths.

    Attributes
    ----------
    shares : dict str -> float
        Estimated share per player (currency); they sum to ``total``.
    half_width : dict str -> float
        Half-width of each share's 95 % confidence interval (currency).
    total : float
        ``cost(all players)``.
    pairs : int
        Antithetic pairs of joining orders sampled (two orders each).
    evaluations : int
        Distinct coalitions whose cost was computed (the expensive part).
    seconds : float
        Wall time spent.
    converged : bool
        Every half-width is within ``target_share * |total|``.
    stopped_by : str
        ``"precision"``, ``"evaluations"`` or ``"seconds"``.
    """

    shares: dict[str, float]
    half_width: dict[str, float]
    total: float
    pairs: int
    evaluations: int
    seconds: float
    converged: bool
    stopped_by: str
    target_share: float = field(default=0.02)

    def interval(self, player: str) -> tuple[float, float]:
        """The 95 % confidence interval of ``player``'s share."""
        return self.shares[player] - self.half_width[player], self.shares[player] + self.half_width[player]

    def max_half_width_share(self) -> float:
        """The widest interval's half-width as a share of the total cost."""
        scale = abs(self.total) or 1.0
        return max(self.half_width.values(), default=0.0) / scale


def sampled_shapley(
    players: Sequence[str],
    cost: CostFn,
    *,
    seed: int = 0,
    target_share: float = 0.02,
    max_evaluations: int | None = None,
    max_seconds: float | None = None,
    min_pairs: int = 10,
    clock: Callable[[], float] = time.monotonic,
) -> SampledShapley:
    """Estimate the Shapley value of a cost game by antithetic permutation sampling.

    Parameters
    ----------
    players : sequence of str
    cost : callable
        ``cost(S)`` (currency) for a non-empty coalition ``S``; the empty
        coalition costs 0. Called at most once per coalition.
    seed : int
        Seed of the random joining orders.
    target_share : float
        Stop when every 95 % half-width is at most this share of ``cost(N)``.
    max_evaluations : int, optional
        Never compute more coalition costs than this (a pair is only started
        if it cannot exceed it; the grand and single coalitions come first).
    max_seconds : float, optional
        Stop after this much wall time (checked between pairs).
    min_pairs : int
        Pairs sampled before the precision rule may stop (a spread from two
        or three pairs is itself too uncertain to trust).

    Returns
    -------
    SampledShapley
    """
    if target_share <= 0:
        raise ValueError("target_share must be positive")
    players = list(players)
    n = len(players)
    started = clock()
    known: dict[frozenset[str], float] = {frozenset(): 0.0}

    def v(s: frozenset[str]) -> float:
        if s not in known:
            known[s] = float(cost(s))
        return known[s]

    grand = frozenset(players)
    total = v(grand) if n else 0.0
    if n <= 1:
        shares = {p: total for p in players}
        return SampledShapley(
            shares,
            dict.fromkeys(players, 0.0),
            total,
            0,
            len(known) - 1,
            clock() - started,
            True,
            "precision",
            target_share,
        )
    for p in players:  # the stand-alone costs are wanted by the report anyway
        v(frozenset([p]))

    rng = random.Random(seed)
    # Running sums of each player's pair-mean marginal cost and its square (Welford would
    # be steadier, but the values are currency of similar size and pairs are few).
    sums = dict.fromkeys(players, 0.0)
    squares = dict.fromkeys(players, 0.0)
    pairs = 0
    tolerance = target_share * (abs(total) or 1.0)
    stopped_by = "precision"

    def marginals(order: list[str]) -> dict[str, float]:
        out: dict[str, float] = {}
        coalition: frozenset[str] = frozenset()
        before = 0.0
        for p in order:
            coalition = coalition | {p}
            after = v(coalition)
            out[p] = after - before
            before = after
        return out

    def half_widths() -> dict[str, float]:
        if pairs < 2:
            return dict.fromkeys(players, math.inf)
        out, quantile = {}, t95(pairs - 1)
        for p in players:
            mean = sums[p] / pairs
            variance = max(0.0, (squares[p] - pairs * mean * mean) / (pairs - 1))
            out[p] = quantile * math.sqrt(variance / pairs)
        return out

    while True:
        if pairs >= min_pairs and max(half_widths().values()) <= tolerance:
            stopped_by = "precision"
            break
        # A pair adds at most 2 * (n - 1) new coalitions (the grand one is known).
        if max_evaluations is not None and len(known) - 1 + 2 * (n - 1) > max_evaluations:
            stopped_by = "evaluations"
            break
        if max_seconds is not None and clock() - started >= max_seconds:
            stopped_by = "seconds"
            break
        order = players[:]
        rng.shuffle(order)
        forward, backward = marginals(order), marginals(order[::-1])
        for p in players:
            pair_mean = (forward[p] + backward[p]) / 2
            sums[p] += pair_mean
            squares[p] += pair_mean * pair_mean
        pairs += 1

    widths = half_widths()
    if pairs:
        shares = {p: sums[p] / pairs for p in players}
        # Each order's marginals sum to cost(N); remove the float round-off so the
        # table adds up to the cent.
        drift = total - sum(shares.values())
        shares[players[-1]] += drift
    else:
        # No pair fitted in the budget: the stand-alone costs scaled to the total,
        # with an interval as wide as the total (nothing is known).
        alone = {p: known[frozenset([p])] for p in players}
        scale = sum(alone.values())
        shares = {p: total * alone[p] / scale if scale else total / n for p in players}
        widths = dict.fromkeys(players, abs(total))
    converged = all(w <= tolerance for w in widths.values())
    return SampledShapley(
        shares=shares,
        half_width=widths,
        total=total,
        pairs=pairs,
        evaluations=len(known) - 1,
        seconds=clock() - started,
        converged=converged,
        stopped_by=stopped_by,
        target_share=target_share,
    )
