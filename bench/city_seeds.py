"""The city day at a short limit with several solver seeds: does every seed give a complete plan?

PyVRP's way from its first plan to a feasible one depends on the seed and has a long tail at city
size (``planning/pyvrp_start.py``, ``RESTART_AFTER``). This plans the 962-stop city day of
``bench/municipal.py --city`` once per seed and prints km, unassigned stops and the time of the
first complete checked plan. ``--no-restart`` makes one attempt, given up at a quarter of PyVRP's
time, as before 1bf1a23; the fallback of 4db5073 (optional jobs from the nearest-neighbour plan)
stays on, so the failures of 9b7e654 in bench/RESULTS.md (measured on 1bf1a23, before that
fallback) do not come back with it. Runs ``--jobs`` plans side by side (one core each).

    .venv/bin/python bench/city_seeds.py --seeds 0-5 --limit 60 --jobs 2
    .venv/bin/python bench/city_seeds.py --seeds 0-5 --limit 60 --jobs 2 --no-restart
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import municipal as m  # noqa: E402  (bench/municipal.py: day_problem, run, summary, check)
from samlast import planning as pl  # noqa: E402
from samlast.demo.city import generate_city  # noqa: E402
from samlast.planning import pyvrp_start  # noqa: E402


def plan_with_seed(seed: int, limit: float, restart: bool) -> dict:
    if not restart:
        pyvrp_start.RESTART_AFTER = 2**62
        pyvrp_start.LARGE_FEASIBLE_SHARE = pyvrp_start.REQUIRED_FIRST_SHARE
    cluster, day = generate_city(seed=2026)
    problem, _ = m.day_problem(cluster, day)
    travel = pl.GeodesicTravelModel()
    plan, timer = m.run(problem, pl.SolveParams(time_limit_s=limit, seed=seed), travel)
    record = m.summary(f"seed {seed}", problem, plan, timer, m.check(problem, plan, travel))
    return {"seed": seed, "restart": restart, **record}


def seeds_of(text: str) -> list[int]:
    """'0-5', '1,2' or '1,3-4'."""
    seeds = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=seeds_of, default=seeds_of("0-5"), help="e.g. 0-5")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per plan")
    ap.add_argument("--jobs", type=int, default=1, help="plans side by side")
    ap.add_argument("--no-restart", action="store_true", help="the rule before restarts")
    args = ap.parse_args()
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(plan_with_seed, s, args.limit, not args.no_restart) for s in args.seeds]
        records = [f.result() for f in futures]
    print("| seed | km | unassigned | first complete checked plan s | objective |")
    print("|---:|---:|---:|---:|---:|")
    for r in records:
        first = "–" if r["ortools_first_s"] is None else f"{r['ortools_first_s']:.1f}"
        row = f"| {r['seed']} | {r['km']:,.1f} | {r['unassigned']} | {first} | {r['objective']:,} |"
        print(row.replace(",", " "))
    print(json.dumps(records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
