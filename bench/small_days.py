"""Small days: does stopping when PyVRP has settled cost anything? (not a test)

``planning/pyvrp_start.py``, ``SETTLE_UP_TO``: up to 20 stops, PyVRP's search ends after
``SETTLE_ITERATIONS`` iterations without a better plan and OR-Tools only descends to the nearest
local optimum, instead of both searching until the time limit. This plans random subsets of the
demo cluster's busiest day (every window, compartment, shift and the break rule kept) of each
``--sizes`` stops, ``--samples`` each, once with the rule and once without it (the whole limit, as
before), and prints per size the wall time of each and how much dearer the settled plan is. Every
plan is checked independently (bench/municipal.check, which stops the run at the first fault).

    .venv/bin/python bench/small_days.py --sizes 2,5,10,15,20 --samples 8 --limit 1
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import municipal as m  # noqa: E402  (bench/municipal.py: day_problem, run, check)
from samlast import planning as pl  # noqa: E402
from samlast.demo.generator import generate_cluster  # noqa: E402
from samlast.planning import pyvrp_start  # noqa: E402

SETTLE_UP_TO = pyvrp_start.SETTLE_UP_TO


def solve(problem: pl.Problem, limit: float, settle: bool, travel) -> pl.Plan:
    pyvrp_start.SETTLE_UP_TO = SETTLE_UP_TO if settle else -1
    plan, _ = m.run(problem, pl.SolveParams(time_limit_s=limit, seed=0), travel)
    m.check(problem, plan, travel)
    return plan


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="2,5,10,15,20")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--limit", type=float, default=1.0)
    args = ap.parse_args()
    cluster = generate_cluster(seed=2026)
    day_all, _ = m.day_problem(cluster, m.busiest_day(cluster))
    travel = pl.GeodesicTravelModel()
    rng = random.Random(2026)
    print("| stops | plans | wall s, settled | wall s, whole limit | dearer, mean | dearer, worst | unassigned |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        walls, whole_walls, dearer, unassigned = [], [], [], [0, 0]
        for _ in range(args.samples):
            jobs = tuple(rng.sample(day_all.jobs, size))
            problem = dataclasses.replace(day_all, jobs=jobs)
            settled = solve(problem, args.limit, True, travel)
            whole = solve(problem, args.limit, False, travel)
            walls.append(settled.wall_time_s)
            whole_walls.append(whole.wall_time_s)
            dearer.append(settled.total_cost / whole.total_cost - 1 if whole.total_cost else 0.0)
            unassigned[0] += len(settled.unassigned)
            unassigned[1] += len(whole.unassigned)
        print(
            f"| {size} | {args.samples} | {statistics.mean(walls):.2f} | {statistics.mean(whole_walls):.2f} "
            f"| {statistics.mean(dearer):+.2%} | {max(dearer):+.2%} | {unassigned[0]} / {unassigned[1]} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
