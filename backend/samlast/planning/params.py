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

#: Warm starts accepted by :class:`SolveParams`.
WARM_STARTS = ("pyvrp", "none")
#: What happens when PyVRP's all-jobs-required search finds nothing feasible.
WARM_START_FALLBACKS = ("ortools", "optional")

#: Improvement phases: an OR-Tools local-search metaheuristic, or
#: "iterated_local_search" (ruin-and-recreate ILS, OR-Tools >= 9.12).
METAHEURISTICS = (
    "guided_local_search",
    "iterated_local_search",
    "simulated_annealing",
    "tabu_search",
    "greedy_descent",
)


#: From this many jobs on, a day planned without a plan to start from is a city-size day: the
#: planner's way to a first complete plan takes much longer (``pyvrp_start.LARGE_SEARCH_FROM``
#: is this size).
LARGE_DAY_JOBS = 800
#: The least time limit for such a day. On the 962-stop city day, 60 s planned every stop for each
#: of six solver seeds; at the product's default 10 s, 26 stops were left out for seeds 0 and 1,
#: and the plan then said the vehicles had no room or time for them, which was not true
#: (bench/RESULTS.md, "City-size day" and "Every seed").
LARGE_DAY_TIME_LIMIT_S = 60.0


def is_large_day(jobs: int) -> bool:
    """Whether a day of ``jobs`` jobs is city size (:data:`LARGE_DAY_JOBS`)."""
    return jobs >= LARGE_DAY_JOBS


def least_time_limit_s(jobs: int, time_limit_s: float, *, from_scratch: bool) -> float:
    """The time limit to plan ``jobs`` jobs with, given the one asked for: at least
    :data:`LARGE_DAY_TIME_LIMIT_S` for a city-size day planned from scratch. A day that starts from
    its previous plan (a re-plan) keeps the limit asked for: it has a complete plan at once."""
    if from_scratch and is_large_day(jobs):
        return max(time_limit_s, LARGE_DAY_TIME_LIMIT_S)
    return time_limit_s


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
    warm_start : str
        One of :data:`WARM_STARTS`. ``"pyvrp"``: PyVRP's iterated local
        search runs first for ``warm_start_share`` of the time limit and its
        routes become the OR-Tools first solution, which OR-Tools checks
        against every constraint, then improves. PyVRP gets each vehicle's
        trip gap (reload and, for break-rule drivers, the 45-min break at
        the terminal) but not the 4.5 h driving limit per trip: a trip that
        drives longer loses its last stops, a vehicle OR-Tools still rejects
        loses its trips, and the OR-Tools search re-inserts those jobs
        (``Plan.first_solution_source``). Used for break-rule fleets too;
        skipped (OR-Tools alone) when re-planning from ``initial_plan`` and
        for pickup-and-delivery jobs.
        ``"none"``: OR-Tools ``first_solution`` heuristic only.
    warm_start_share : float
        Share of ``time_limit_s`` given to PyVRP, in (0, 1).
    warm_start_iterations : int or None
        Also stop PyVRP after this many iterations. With it binding (and
        ``solution_limit`` for OR-Tools) a solve is reproducible on any
        machine; with None the runtime share decides.
    gls_lambda : float or None
        OR-Tools ``guided_local_search_lambda_coefficient`` (None: the
        OR-Tools default, 0.1).
    warm_start_fallback : str
        One of :data:`WARM_START_FALLBACKS`: what happens when PyVRP, with
        every job required, finds nothing feasible in its first quarter
        (more work than the fleet can do in the windows). ``"ortools"``:
        OR-Tools plans from its own first solution with the rest of the
        budget; on two overloaded simulated days it left 12 stops unassigned
        each, where PyVRP's prize-collecting routes left 21 and 29 (OR-Tools'
        local search inserts few jobs into foreign routes; bench/RESULTS.md).
        ``"optional"``: PyVRP goes on with optional jobs (prize-collecting)
        and OR-Tools improves its routes. From ``pyvrp_start.LARGE_SEARCH_FROM``
        jobs on the fallback is always ``"optional"``, from the
        nearest-neighbour plan: there OR-Tools alone left 731 of the city
        day's 962 stops unplanned.
    soft_latest_cost_per_s : int
        Cost, in internal units, of each second a service starts after its
        visit's ``soft_latest_s``. The default (2 currency units a second) is
        over ten times a demo truck's cost per hour, yet far below
        ``drop_penalty``: the planner gives up kilometres to keep the margin
        but never drops a job for it.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    first_solution: str = "parallel_cheapest_insertion"
    metaheuristic: str = "guided_local_search"
    solution_limit: int | None = None
    drop_penalty: int = 10**10
    cost_scale: float = 1000.0
    log_search: bool = False
    warm_start: str = "pyvrp"
    warm_start_share: float = 0.7
    warm_start_iterations: int | None = None
    gls_lambda: float | None = None
    soft_latest_cost_per_s: int = 2000
    warm_start_fallback: str = "ortools"

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTION_STRATEGIES:
            raise ValueError(f"unknown first_solution {self.first_solution!r}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")
        if self.warm_start_fallback not in WARM_START_FALLBACKS:
            raise ValueError(f"unknown warm_start_fallback {self.warm_start_fallback!r}")
        if self.warm_start not in WARM_STARTS:
            raise ValueError(f"unknown warm_start {self.warm_start!r}")
        if not 0 < self.warm_start_share < 1:
            raise ValueError("warm_start_share must be in (0, 1)")
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

    def on_phase(self, phase: str) -> None:
        """A search phase begins: ``"pyvrp"`` (warm start) or ``"ortools"``.

        ``on_progress`` calls after ``"ortools"`` report solutions of the
        full model (every product constraint checked); during ``"pyvrp"``
        they report PyVRP's own feasible solutions.
        """

    def should_stop(self) -> bool:
        """Return True to end the search early and keep the best plan so far."""
        return False
