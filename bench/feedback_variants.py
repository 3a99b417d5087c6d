"""Why does a simulated day leave stops unassigned? Re-solve it with planner variants (not a test).

Runs the feedback simulator (same twin as ``bench/feedback.py``) and, for every day planned with a
learned window margin, solves the same problem again: without the margin, with OR-Tools alone (no
PyVRP warm start), with PyVRP's prize-collecting fallback (with the usual and a 100× smaller drop
penalty), with other margin weights and (``--extra-margin-min``) with every margin made larger.
Prints per variant: unassigned stops and their
reasons, vehicles and trips used, km, and the stops planned inside the margin (minutes past their
preferred latest start).

    .venv/bin/python bench/feedback_variants.py --days 2 --scale 1 --time-limit 15
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

import samlast.planning as pl  # noqa: E402


def without_margin(problem: pl.Problem) -> pl.Problem:
    def plain(job: pl.Job) -> pl.Job:
        if job.delivery is None:
            return job
        return dataclasses.replace(job, delivery=dataclasses.replace(job.delivery, soft_latest_s=None))

    return dataclasses.replace(problem, jobs=tuple(plain(j) for j in problem.jobs))


def tighter_margin(problem: pl.Problem, extra_s: int) -> pl.Problem:
    """The same problem with every soft latest start `extra_s` earlier (not before its window opens)."""

    def tighten(job: pl.Job) -> pl.Job:
        visit = job.delivery
        if visit is None or visit.soft_latest_s is None:
            return job
        opens = max((w.start for w in visit.time_windows if w.end >= visit.soft_latest_s), default=0)
        return dataclasses.replace(
            job, delivery=dataclasses.replace(visit, soft_latest_s=max(opens, visit.soft_latest_s - extra_s))
        )

    return dataclasses.replace(problem, jobs=tuple(tighten(j) for j in problem.jobs))


def describe(tag: str, problem: pl.Problem, plan: pl.Plan) -> str:
    soft = {j.id: j.delivery.soft_latest_s for j in problem.jobs if j.delivery is not None}
    over = [
        s.service_start - soft[s.job_id]
        for r in plan.routes
        for s in r.stops
        if soft.get(s.job_id) is not None and s.service_start > soft[s.job_id]
    ]
    reasons = collections.Counter(str(u.reason) for u in plan.unassigned)
    vehicles = {r.vehicle_id for r in plan.routes}
    return (
        f"  {tag:<22} unassigned {len(plan.unassigned):3d} {dict(reasons)}  vehicles {len(vehicles)} "
        f"trips {len(plan.routes)}  km {plan.total_distance_m / 1000:6.0f}  inside margin "
        f"{len(over)} stops, {sum(over) / 60:.0f} min  start {plan.first_solution_source}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--time-limit", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--weights", default="500,100,20", help="other soft_latest_cost_per_s values")
    parser.add_argument("--extra-margin-min", type=int, default=0,
                        help="also solve with every margin this much larger (product, OR-Tools alone)")
    args = parser.parse_args()

    from samlast import create_app, simulate

    product_solve = pl.solve
    weights = [int(w) for w in args.weights.split(",") if w]

    def solve_and_compare(problem, params, **kw):
        plan = product_solve(problem, params, **kw)
        print(f"day with {len(problem.jobs)} jobs, {len(problem.vehicles)} vehicles", flush=True)
        print(describe("product", problem, plan), flush=True)
        has_margin = any(j.delivery is not None and j.delivery.soft_latest_s is not None for j in problem.jobs)
        if has_margin and kw.get("initial_plan") is None:
            variants = [
                ("no margin", without_margin(problem), params),
                ("OR-Tools alone", problem, dataclasses.replace(params, warm_start="none")),
                ("PyVRP prize-collecting", problem, dataclasses.replace(params, warm_start_fallback="optional")),
                ("prize-coll., drop 1e8", problem,
                 dataclasses.replace(params, warm_start_fallback="optional", drop_penalty=10**8)),
            ]
            variants += [
                (f"margin weight {w}", problem, dataclasses.replace(params, soft_latest_cost_per_s=w)) for w in weights
            ]
            if args.extra_margin_min:
                tight = tighter_margin(problem, args.extra_margin_min * 60)
                variants += [
                    (f"margin +{args.extra_margin_min} min", tight, params),
                    (f"margin +{args.extra_margin_min}, OR-Tools", tight,
                     dataclasses.replace(params, warm_start="none")),
                ]
            for tag, variant, variant_params in variants:
                print(describe(tag, variant, product_solve(variant, variant_params, **kw)), flush=True)
        return plan

    # The product calls samlast.planning.solve through the module, so this sees every day's problem.
    pl.solve = solve_and_compare
    try:
        options = simulate.SimulationOptions(
            days=args.days, vehicles=None, scale=args.scale, seed=args.seed, time_limit_s=args.time_limit,
            fleet="demo", advice_each_day=False,  # the demo's fleet, as in the runs of bench/RESULTS.md
        )
        simulate.run_isolated(options, create_app, echo=lambda line: None)
    finally:
        pl.solve = product_solve
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
