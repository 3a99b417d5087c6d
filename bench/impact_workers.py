"""An impact analysis in one process, and spread over RQ workers (issue 20).

    .venv/bin/python bench/impact_workers.py [--scale 1.0] [--workers 1 2]

The demo cluster's two weeks (synthetic, `samlast.impact.demo.from_demo_cluster`) analysed with
reproducible routing runs (OR-Tools solution limit and PyVRP iteration limit; time limits that do
not bind), first in this process (`DayRouter`), then with a `QueueRouter` and N `flask samlast
worker --queues routing` processes on a Redis started here. The analysing process takes queued
runs too, so "N workers" is N + 1 processes. Prints the wall time of each, the speed-up, how many
runs each took, and whether the figures are identical.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    from redis import Redis as RedisClient
    from rq import Queue
    from rq import Worker as RqWorker
    from tests.integration.harness import Redis, Worker, base_env
    from tests.waiting import wait_until

    from samlast.demo.generator import generate_cluster
    from samlast.impact import ImpactParams, analyse
    from samlast.impact.demo import from_demo_cluster
    from samlast.services.impact_workers import QUEUE_NAME, QueueRouter

    params = ImpactParams(time_limit_s=60, shapley_time_limit_s=60, solution_limit=30, warm_start_iterations=100,
                          fleet_need=False)  # fmt: skip
    cluster = generate_cluster(seed=2026, scale=args.scale)
    data = from_demo_cluster(cluster)
    print(f"demo cluster scale {args.scale}: {len(data.points)} points, {len(data.suppliers)} suppliers, "
          f"{len({p.municipality for p in data.points})} municipalities, {len(data.orders)} orders, "
          f"{data.start} – {data.end}")  # fmt: skip
    started = time.monotonic()
    here = analyse(data, params)
    single = time.monotonic() - started
    print(f"one process: {single:.1f} s")
    here.pop("wall_time_s")
    with tempfile.TemporaryDirectory(prefix="samlast-impact-workers-") as tmp:
        workdir = Path(tmp)
        redis = Redis(workdir)
        env = base_env(workdir, f"sqlite:///{workdir / 'unused.db'}", redis.url)
        queue = Queue(QUEUE_NAME, connection=RedisClient.from_url(redis.url))
        try:
            for count in args.workers:
                workers = [Worker(env, workdir, queues=QUEUE_NAME, name=f"w{count}-{n}") for n in range(count)]
                try:
                    wait_until(lambda: len(RqWorker.all(queue=queue)) == count, 60, "workers up")  # noqa: B023
                    router = QueueRouter(queue)
                    started = time.monotonic()
                    spread = analyse(data, params, router=router)
                    wall = time.monotonic() - started
                    spread.pop("wall_time_s")
                    print(f"{count} worker(s) + the analysing process: {wall:.1f} s, "
                          f"speed-up {single / wall:.2f}x; "
                          f"{router.runs} routing runs, {router.ran_here} in the analysing process, "
                          f"{len(router.finished_ids)} on the workers; "
                          f"figures identical: {spread == here}")  # fmt: skip
                finally:
                    for worker in workers:
                        worker.stop()
                    wait_until(lambda: len(RqWorker.all(queue=queue)) == 0, 60, "workers gone")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
