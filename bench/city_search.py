"""PyVRP's search alone on the city day's model: which settings descend furthest in a given time?

The planner hands the 962-stop city day of ``bench/municipal.py --city`` to PyVRP as one
``pyvrp.ProblemData`` (``planning/pyvrp_start.py``). This builds that model through the planner
itself (the first ``pyvrp.solve`` call is caught, nothing is solved), reaches one feasible plan
from the nearest-neighbour start as the planner does, and then runs PyVRP's search from that same
plan for ``--seconds`` with each setting and solver seed, two runs side by side (one core each).
A setting is ``exhaustive,history,neighbours,max_perturbations``: ``1,300,20,10`` is the large-day
search before ``LARGE_HISTORY`` (PyVRP's acceptance), ``0,50,20,10`` is ``LARGE_SEARCH`` now.
Plans are PyVRP's, km on its integer matrix; the whole planner is ``bench/city_seeds.py``.

    .venv/bin/python bench/city_search.py --seconds 30 --seeds 1,2 1,300,20,10 0,300,20,10 0,50,20,10
    .venv/bin/python bench/city_search.py --seconds 600 --seeds 1 --curve 0,50,20,10
    .venv/bin/python bench/city_search.py --seconds 30 --seeds 1-4 0,50,20,10 0,50,20,10,core

A fifth field ``core`` searches with PyVRP's cheapest operators only (``CORE_OPERATORS``) instead
of all of them. ``--to-feasible`` measures instead the way from the nearest-neighbour plan to a
first feasible one with each setting (``default`` is PyVRP's own), by the planner's restart rule,
given up after a minute:

    .venv/bin/python bench/city_search.py --to-feasible --seeds 0-5 default 0,50,20,10 1,300,50,25,core
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyvrp  # noqa: E402
from pyvrp import IteratedLocalSearchParams  # noqa: E402
from pyvrp.IteratedLocalSearch import IteratedLocalSearchCallbacks  # noqa: E402
from pyvrp.search import NeighbourhoodParams, PerturbationParams  # noqa: E402
from pyvrp.stop import FirstFeasible, MaxIterations, MultipleCriteria  # noqa: E402

import municipal as m  # noqa: E402  (bench/municipal.py: day_problem, run)
from city_seeds import seeds_of  # noqa: E402
from samlast import planning as pl  # noqa: E402
from samlast.demo.city import generate_city  # noqa: E402
from samlast.planning import pyvrp_start  # noqa: E402

MARKS = (10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600)
#: One client moved, two clients swapped, 2-opt* between routes, and the two moves a multi-trip
#: vehicle's reload needs; without PyVRP's moves of client pairs (Relocate2, Swap21, Swap22) and
#: its optional-client moves.
CORE_OPERATORS = ("Relocate1", "Swap11", "SwapTails", "RelocateWithDepot", "RemoveAdjacentDepot")


class _Caught(Exception):
    """The planner's model, caught at its first ``pyvrp.solve`` call."""

    def __init__(self, data: pyvrp.ProblemData):
        self.data = data


def city_model() -> pyvrp.ProblemData:
    """The city day's PyVRP model, exactly as the planner builds it."""
    real = pyvrp_start.pyvrp.solve

    def catch(data, **_):
        raise _Caught(data)

    cluster, day = generate_city(seed=2026)
    problem, _ = m.day_problem(cluster, day)
    pyvrp_start.pyvrp.solve = catch
    try:
        m.run(problem, pl.SolveParams(time_limit_s=60, seed=1), pl.GeodesicTravelModel())
    except _Caught as caught:
        return caught.data
    finally:
        pyvrp_start.pyvrp.solve = real
    raise RuntimeError("the planner did not call PyVRP")


def feasible_start(data: pyvrp.ProblemData, seed: int = 1) -> pyvrp.Solution:
    """The planner's way to a first feasible plan: the nearest-neighbour plan, searched until
    feasible, restarted with the next seed every ``RESTART_AFTER`` iterations."""
    start = pyvrp_start._nearest_start(data)
    for attempt in range(100):
        stop = MultipleCriteria([FirstFeasible(), MaxIterations(pyvrp_start.RESTART_AFTER)])
        result = pyvrp.solve(data, stop=stop, seed=seed + attempt, display=False, initial_solution=start)
        if result.best.is_feasible():
            return result.best
    raise RuntimeError("no feasible plan in 100 attempts")


class _Clock:
    """Stops at a wall-clock time; counts iterations."""

    def __init__(self, seconds: float):
        self.iterations = 0
        self._end = time.monotonic() + seconds

    def __call__(self, best_cost: float) -> bool:
        self.iterations += 1
        return time.monotonic() >= self._end


class _Curve(IteratedLocalSearchCallbacks):
    """(seconds, km) of every new best plan."""

    def __init__(self):
        self.started = time.monotonic()
        self.points: list[tuple[float, float]] = []

    def on_best(self, best: pyvrp.Solution) -> None:
        self.points.append((time.monotonic() - self.started, best.distance() / 1000))


def params_of(setting: str, callbacks: IteratedLocalSearchCallbacks | None = None) -> pyvrp.SolveParams:
    if setting == "default":
        return pyvrp.SolveParams()
    exhaustive, history, neighbours, perturbations, *operators = setting.split(",")
    ils = IteratedLocalSearchParams(
        history_length=int(history),
        exhaustive_on_best=exhaustive == "1",
        callbacks=callbacks or IteratedLocalSearchCallbacks(),
    )
    return pyvrp.SolveParams(
        ils=ils,
        neighbourhood=NeighbourhoodParams(num_neighbours=int(neighbours)),
        perturbation=PerturbationParams(min_perturbations=1, max_perturbations=int(perturbations)),
        operators=[getattr(pyvrp.search, name) for name in CORE_OPERATORS]
        if operators == ["core"]
        else pyvrp.SolveParams().operators,
    )


def search(model: Path, setting: str, seed: int, seconds: float, curve: bool) -> dict:
    data, start = pickle.loads(model.read_bytes())
    callbacks = _Curve() if curve else None
    clock = _Clock(seconds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pyvrp.exceptions.PenaltyBoundWarning)
        result = pyvrp.solve(
            data, stop=clock, seed=seed, display=False, initial_solution=start, params=params_of(setting, callbacks)
        )
    best = result.best
    return {
        "setting": setting,
        "seed": seed,
        "iterations": clock.iterations,
        "km": best.distance() / 1000,
        "cost": int(result.cost()),
        "feasible": best.is_feasible(),
        "curve": callbacks.points if callbacks else [],
    }


def to_feasible(model: Path, setting: str, seed: int, give_up_s: float = 60.0) -> dict:
    """Seconds and iterations from the nearest-neighbour plan to a feasible one (restarts as in
    ``feasible_start``), with this setting."""
    data, _ = pickle.loads(model.read_bytes())
    began = time.monotonic()
    start = pyvrp_start._nearest_start(data)
    iterations, attempt, feasible = 0, 0, False
    while not feasible and time.monotonic() - began < give_up_s:
        clock = _Clock(give_up_s - (time.monotonic() - began))
        stop = MultipleCriteria([clock, FirstFeasible(), MaxIterations(pyvrp_start.RESTART_AFTER)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pyvrp.exceptions.PenaltyBoundWarning)
            result = pyvrp.solve(
                data, stop=stop, seed=seed + attempt, display=False, initial_solution=start, params=params_of(setting)
            )
        iterations += clock.iterations
        attempt += 1
        feasible = result.best.is_feasible()
    return {
        "setting": setting,
        "seed": seed,
        "feasible": feasible,
        "iterations": iterations,
        "attempts": attempt,
        "seconds": time.monotonic() - began,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("settings", nargs="+", help="exhaustive,history,neighbours,max_perturbations[,core]")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seeds", default="1,2", help="solver seeds, e.g. 1,2 or 1-4")
    ap.add_argument("--curve", action="store_true", help="print km at 10, 20, 30 ... s as well")
    ap.add_argument("--jobs", type=int, default=2, help="runs side by side")
    ap.add_argument("--to-feasible", action="store_true", help="time to a first feasible plan instead")
    args = ap.parse_args()
    data = city_model()
    if args.to_feasible:
        return report_to_feasible(data, args)
    began = time.monotonic()
    start = feasible_start(data)
    print(f"first feasible plan: {start.distance() / 1000:.1f} km after {time.monotonic() - began:.1f} s")
    records = each_setting_and_seed(data, start, args, search, args.seconds, args.curve)
    print(f"| setting | seed | iterations in {args.seconds:g} s | km | PyVRP cost | feasible |")
    print("|---|---:|---:|---:|---:|---|")
    for r in records:
        print(f"| {r['setting']} | {r['seed']} | {r['iterations']} | {r['km']:.1f} | {r['cost']} | {r['feasible']} |")
    for setting in args.settings:
        kms = [r["km"] for r in records if r["setting"] == setting]
        print(f"{setting}: mean {sum(kms) / len(kms):.1f} km over {len(kms)} seeds")
    for r in records:
        if r["curve"]:
            marks = [t for t in MARKS if t <= args.seconds]
            # the best plan at each mark (best by cost, so its km is not the least km so far)
            at = [next((km for s, km in reversed(r["curve"]) if s <= t), float("nan")) for t in marks]
            points = ", ".join(f"{t} s {km:.1f}" for t, km in zip(marks, at, strict=True))
            print(f"{r['setting']} seed {r['seed']}: {points}")
    return 0


def each_setting_and_seed(data, start, args: argparse.Namespace, run, *extra) -> list[dict]:
    """``run(model, setting, seed, *extra)`` for every setting and seed, ``--jobs`` side by side;
    the model (and start) go to the processes through a file."""
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.pickle"
        model.write_bytes(pickle.dumps((data, start)))
        with ProcessPoolExecutor(args.jobs) as pool:
            runs = [
                pool.submit(run, model, setting, seed, *extra)
                for setting in args.settings
                for seed in seeds_of(args.seeds)
            ]
            return [r.result() for r in runs]


def report_to_feasible(data: pyvrp.ProblemData, args: argparse.Namespace) -> int:
    records = each_setting_and_seed(data, None, args, to_feasible)
    print("| setting | seed | feasible | iterations | attempts | s |")
    print("|---|---:|---|---:|---:|---:|")
    for r in records:
        row = (r["setting"], r["seed"], r["feasible"], r["iterations"], r["attempts"], f"{r['seconds']:.1f}")
        print("| " + " | ".join(str(x) for x in row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
