"""Instant insertion on the 623-stop day (issue 20, not a test).

    .venv/bin/python bench/replan.py                       # scale 4.35, busiest day, 20 tries

Builds the ~1 000-point synthetic demo day exactly as bench/municipal.py does (scale 4.35,
busiest day 2026-12-03, 623 stops), holds 20 deliveries out, plans the other 603 with the
ordinary solver (``--time-limit``), then inserts each held-out delivery into that plan with
``samlast.planning.insertion.cheapest_insertion`` (the geodesic travel model, as the bench
planner uses) and times it, at ``--now`` (seconds since midnight; trips that left earlier are
not touched). Measures the PURE insertion only: NOT the stored plan version or the push to
the phones (services.planning.insert_new_deliveries does that; its end-to-end time is not measured here).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))
sys.path.insert(0, str(REPO / "bench"))

from municipal import busiest_day, day_problem  # noqa: E402
from samlast import planning as pl  # noqa: E402
from samlast.demo.generator import generate_cluster  # noqa: E402
from samlast.planning.insertion import cheapest_insertion  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=4.35)
    ap.add_argument("--tries", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--now", type=int, default=0)
    args = ap.parse_args(argv)
    cluster = generate_cluster(seed=2026, scale=args.scale)
    day = busiest_day(cluster)
    problem, _ = day_problem(cluster, day)
    rng = random.Random(20)
    held = set(rng.sample([j.id for j in problem.jobs if j.kind is pl.JobKind.DELIVERY], args.tries))
    base = pl.Problem(
        problem.terminal, problem.vehicles, tuple(j for j in problem.jobs if j.id not in held), problem.break_rule
    )
    travel = pl.GeodesicTravelModel()
    plan = pl.solve(base, pl.SolveParams(time_limit_s=args.time_limit, seed=1), travel=travel)
    jobs = {j.id: j for j in problem.jobs}
    vehicles = {v.id: v for v in problem.vehicles}
    print(
        f"{day}: {len(problem.jobs)} stops, {len(problem.vehicles)} vehicles; plan of {len(base.jobs)} "
        f"({len(plan.routes)} trips, {len(plan.unassigned)} unassigned) in {args.time_limit:.0f} s"
    )
    times, placed = [], 0
    for job_id in sorted(held):
        started = time.perf_counter()
        found = cheapest_insertion(
            jobs[job_id],
            plan.routes,
            jobs,
            vehicles,
            problem.terminal,
            travel,
            now=args.now,
            break_rule=problem.break_rule,
        )
        times.append(time.perf_counter() - started)
        placed += found is not None
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(
        f"insertion of one held-out delivery into {len(plan.routes)} trips: median "
        f"{1000 * times[len(times) // 2]:.0f} ms, p95 {1000 * p95:.0f} ms, max {1000 * times[-1]:.0f} ms "
        f"over {len(times)} tries; placed {placed}/{len(times)} (the others fit no trip as planned)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
