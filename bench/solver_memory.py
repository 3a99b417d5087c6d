"""Resident memory of one process over repeated solves of the same 54-stop day: it must stay flat
(a routing model kept alive by its own callbacks once added about 5 MB a solve).

    .venv/bin/python bench/solver_memory.py [--solves 12]
"""

from __future__ import annotations

import argparse
import gc
import random

from samlast import planning as pl
from samlast.planning.model import Capacity, Vehicle


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solves", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(1)
    jobs = tuple(
        pl.Job.delivery_job(f"j{i}", pl.Location(55.7 + rng.random() * 0.3, 13.1 + rng.random() * 0.5),
                            {"ambient": pl.Load(50, 0.2)}, (), 300, 60)
        for i in range(54)
    )  # fmt: skip
    vehicles = tuple(Vehicle(f"v{k}", 6 * 3600, 16 * 3600, {"ambient": Capacity(1000, 10)}) for k in range(3))
    problem = pl.Problem(pl.Location(55.84, 13.30), vehicles, jobs)
    sizes = []
    for _ in range(args.solves):
        pl.solve(problem, pl.SolveParams(time_limit_s=0.5, seed=0))
        gc.collect()
        sizes.append(rss_mb())
    print(f"resident MB after each of {args.solves} solves: {', '.join(f'{s:.0f}' for s in sizes)}")
    print(f"growth from the 2nd to the last solve: {sizes[-1] - sizes[1]:.1f} MB")


if __name__ == "__main__":
    main()
