"""The city-size day with two terminals (issue 20, not a test).

    .venv/bin/python bench/city.py [--terminals 2] [--short 60] [--long 600]

`samlast.demo.city`: 1 100 points, the city day's ~960 stops, split between `--terminals`
terminals (`split_by_terminal`: nearest terminal, vehicles in proportion). Each terminal's day is
planned with the ordinary planner, the terminals side by side in their own processes (as two
planning jobs on two workers would run), first for `--long` seconds, then for `--short`. Each
plan is checked independently (bench/municipal.check: windows, compartments, shifts, driving
and breaks). Prints each terminal's km and when its first checked plan came, and the city's
total against the long run's.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))
sys.path.insert(0, str(REPO / "bench"))


def solve_part(index: int, terminals: int, limit: float) -> dict:
    from municipal import check, day_problem, run, summary
    from samlast import planning as pl
    from samlast.demo.city import generate_city, split_by_terminal

    city, day = generate_city()
    part = split_by_terminal(city, terminals)[index]
    problem, _ = day_problem(part, day)
    travel = pl.GeodesicTravelModel()
    plan, timer = run(problem, pl.SolveParams(time_limit_s=limit, seed=1), travel)
    record = summary(f"t{index + 1} {limit:.0f}s", problem, plan, timer, check(problem, plan, travel))
    record["terminal"] = part.terminal.name
    return record


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--terminals", type=int, default=2)
    ap.add_argument("--short", type=float, default=60.0)
    ap.add_argument("--long", type=float, default=600.0)
    args = ap.parse_args()
    totals = {}
    for limit in (args.long, args.short):
        with ProcessPoolExecutor(max_workers=args.terminals) as pool:
            records = list(pool.map(solve_part, range(args.terminals), [args.terminals] * args.terminals,
                                    [limit] * args.terminals))  # fmt: skip
        km = sum(r["km"] for r in records)
        first = max(r["ortools_first_s"] for r in records)
        unassigned = sum(r["unassigned"] for r in records)
        totals[limit] = km
        print(f"{limit:.0f} s per terminal: {sum(r['stops'] for r in records)} stops, {km:.1f} km, "
              f"{unassigned} unassigned, first checked plan of every terminal by {first:.1f} s",
              flush=True)  # fmt: skip
    gap = totals[args.short] / totals[args.long] - 1
    print(f"{args.short:.0f} s against {args.long:.0f} s: {100 * gap:+.1f} % km")


if __name__ == "__main__":
    main()
