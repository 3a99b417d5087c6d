"""An impact analysis in one process, and spread over RQ workers (issue 20).

    .venv/bin/python bench/impact_workers.py [--scale 1.0] [--workers 1 2]
    .venv/bin/python bench/impact_workers.py --city --no-single --workers 1 2   # city size
    .venv/bin/python bench/impact_workers.py --city --no-single --workers 2 --fleet-need

The demo cluster's two weeks (synthetic, `samlast.impact.demo.from_demo_cluster`) analysed with
reproducible routing runs (OR-Tools solution limit and PyVRP iteration limit; time limits that do
not bind), first in this process (`DayRouter`), then with a `QueueRouter` and N `flask samlast
worker --queues routing` processes on a Redis started here. The analysing process takes queued
runs too, so "N workers" is N + 1 processes. Prints the wall time of each, the speed-up, how many
runs each took, and whether the figures are identical.

The worker runs come first, the one-process run last. `--city`: the city-size purchasing of
`samlast.demo.city.generate_city_weeks` instead (1 100 points, 300 suppliers, 4 weeks;
synthetic). `--no-single` skips the one-process run; the speed-up is then against the first
worker run. `--fleet-need` adds the fleet advice of each weekday (the product's default), handed
to the workers first, as the analysis does; without it the routing runs alone are timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))


class _Progress:
    """Prints the analysis's progress at most once a minute (a city-size run takes many)."""

    def __init__(self, label: str) -> None:
        self.label, self.started, self.last = label, time.monotonic(), 0.0

    def __call__(self, fraction: float, message) -> None:
        now = time.monotonic() - self.started
        if now - self.last >= 60:
            self.last = now
            print(f"  {self.label}: {fraction:.0%} after {now:.0f} s ({message})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--city", action="store_true", help="1 100 points, 300 suppliers, 4 weeks")
    parser.add_argument("--no-single", action="store_true", help="skip the one-process run")
    parser.add_argument("--fleet-need", action="store_true", help="with each weekday's fleet advice")
    args = parser.parse_args()

    from redis import Redis as RedisClient
    from rq import Queue
    from rq import Worker as RqWorker
    from tests.integration.harness import Redis, Worker, base_env
    from tests.waiting import wait_until

    from samlast.demo.city import CITY_WEEKS, generate_city_weeks
    from samlast.demo.generator import generate_cluster
    from samlast.impact import ImpactParams, analyse
    from samlast.impact.demo import from_demo_cluster
    from samlast.services.impact_workers import QUEUE_NAME, QueueRouter

    params = ImpactParams(time_limit_s=60, shapley_time_limit_s=60, solution_limit=30, warm_start_iterations=100,
                          fleet_need=args.fleet_need)  # fmt: skip
    if args.city:
        cluster = generate_city_weeks(seed=2026)
        data = from_demo_cluster(cluster, end=cluster.start + timedelta(weeks=CITY_WEEKS, days=-1))
    else:
        cluster = generate_cluster(seed=2026, scale=args.scale)
        data = from_demo_cluster(cluster)
    print(f"{cluster.name}, scale {cluster.scale:.2f}: {len(data.points)} points, {len(data.suppliers)} suppliers, "
          f"{len({p.municipality for p in data.points})} municipalities, {len(data.orders)} orders, "
          f"{data.start} – {data.end}")  # fmt: skip
    runs: list[tuple[str, float, dict]] = []  # (label, wall seconds, report)

    def timed(label: str, **kwargs) -> dict:
        started = time.monotonic()
        report = analyse(data, params, progress=_Progress(label), **kwargs)
        report.pop("wall_time_s")
        runs.append((label, time.monotonic() - started, report))
        print(f"{label}: {runs[-1][1]:.1f} s", flush=True)
        return report

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
                    timed(f"{count} worker(s) + the analysing process", router=router)
                    print(f"  {router.runs} routing runs, {router.ran_here} in the analysing process, "
                          f"{router.runs - router.ran_here} on the workers in {len(router.finished_ids)} jobs",
                          flush=True)  # fmt: skip
                finally:
                    for worker in workers:
                        worker.stop()
                    wait_until(lambda: len(RqWorker.all(queue=queue)) == 0, 60, "workers gone")
        finally:
            redis.stop()
    if not args.no_single:  # last, so the figures of a long city run arrive with the workers' first
        timed("one process")
    reference = next((wall for label, wall, _ in runs if label == "one process"), runs[0][1])
    print("summary (speed-up against " + ("one process" if not args.no_single else runs[0][0]) + "):")
    for label, wall, report in runs:
        print(f"  {label}: {wall:.1f} s, speed-up {reference / wall:.2f}x, "
              f"figures identical to the first run: {report == runs[0][2]}")  # fmt: skip

if __name__ == "__main__":
    main()
