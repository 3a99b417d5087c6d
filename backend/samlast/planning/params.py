"""Solver parameters and progress callbacks (no OR-Tools import here)."""

from __future__ import annotations

from dataclasses import dataclass

#: First-solution heuristics accepted by :class:`SolveParams` (OR-Tools names, lower case).
FIRST_SOLUTION_STRATEGIES = (
    "parallel_cheapest_insertion",
    "local_cheapest_insertion",
    "local_cheapest_cost_insertion",
    "sequential_cheapest_insertion",
    "savings",
    "path_cheapest_arc",
    "automatic",
)

#: Improvement phases: an OR-Tools local-search metaheuristic, or
#: "iterated_local_search" (ruin-and-recreate ILS, OR-Tools >= 9.12).
METAHEURISTICS = (
    "guided_local_search",
    "iterated_local_search",
    "simulated_annealing",
    "tabu_search",
    "greedy_descent",
)


@dataclass(frozen=True)
class SolveParams:
    """How to solve.

    Parameters
    ----------
    time_limit_s : float
        Wall-clock limit in seconds for the whole search.
    seed : int
        Recorded in the plan and passed to the randomised sub-solvers
        (CP-SAT). The routing local search itself has no randomness; see
        *Determinism* in :func:`samlast.planning.solve`.
    first_solution : str
        One of :data:`FIRST_SOLUTION_STRATEGIES`. Cheapest insertion builds
        feasible routes on tight time windows where ``path_cheapest_arc``
        often finds nothing.
    metaheuristic : str
        One of :data:`METAHEURISTICS`.
    solution_limit : int or None
        Stop after this many improving solutions; makes runs reproducible
        independently of machine speed.
    drop_penalty : int
        Cost, in internal units, of leaving one visit unserved. Must exceed
        the cost of any route so that jobs are dropped only when infeasible.
    cost_scale : float
        Internal integer cost units per currency unit.
    log_search : bool
        Let OR-Tools log its search to stderr.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    first_solution: str = "parallel_cheapest_insertion"
    metaheuristic: str = "guided_local_search"
    solution_limit: int | None = None
    drop_penalty: int = 10**10
    cost_scale: float = 1000.0
    log_search: bool = False

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTION_STRATEGIES:
            raise ValueError(f"unknown first_solution {self.first_solution!r}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")


class SolveCallbacks:
    """Hooks called during the search; subclass and override what you need.

    Called from the solver thread, synchronously: keep them cheap.
    """

    def on_progress(self, fraction: float, best_cost: int) -> None:
        """An improving solution was found.

        Parameters
        ----------
        fraction : float
            Elapsed share of the time limit, in [0, 1].
        best_cost : int
            Internal objective of the solution (lower is better).
        """

    def should_stop(self) -> bool:
        """Return True to end the search early and keep the best plan so far."""
        return False
