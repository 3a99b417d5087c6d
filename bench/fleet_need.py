"""How long the impact analysis's fleet need takes: one fleet advice per weekday, on the busiest day
of each weekday of the primary delivery pattern (`samlast.impact.fleetneed.fleet_need`), one
weekday after the other in this process, as `samlast.impact.report.analyse` runs it without workers
(with workers it hands the five advices to them first and collects them last).

    .venv/bin/python bench/fleet_need.py --city            # 1 100 points, 4 weeks (synthetic)
    .venv/bin/python bench/fleet_need.py --scale 1.0       # the demo cluster's two weeks

Prints each weekday's busiest date, its stops, the vehicles at hand and needed, and the seconds
since the start of the fleet need when its row was done. `bench/impact_workers.py --fleet-need`
times the whole analysis with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", action="store_true", help="1 100 points, 300 suppliers, 4 weeks")
    parser.add_argument("--scale", type=float, default=1.0, help="demo cluster scale (without --city)")
    args = parser.parse_args()

    from samlast import planning as pl
    from samlast.demo.city import CITY_WEEKS, generate_city_weeks
    from samlast.demo.generator import generate_cluster
    from samlast.impact import ImpactParams
    from samlast.impact.coordinated import schedule
    from samlast.impact.demo import from_demo_cluster
    from samlast.impact.fleetneed import fleet_need
    from samlast.impact.routing import PrecomputedTravel

    started = time.monotonic()
    if args.city:
        cluster = generate_city_weeks(seed=2026)
        data = from_demo_cluster(cluster, end=cluster.start + timedelta(weeks=CITY_WEEKS, days=-1))
    else:
        data = from_demo_cluster(generate_cluster(seed=2026, scale=args.scale))
    params = ImpactParams()  # the analysis's defaults: the fleet need on, the advice's own budget
    primary = schedule(data, next(p for p in params.patterns if p.name == params.primary_pattern), params)
    locations = [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
    travel = PrecomputedTravel(pl.GeodesicTravelModel(), locations)
    print(f"data, schedule and matrix: {time.monotonic() - started:.1f} s", flush=True)

    began = time.monotonic()
    rows = fleet_need(data, primary, params, travel,
                      lambda message: print(f"  {message.params['date']} done at {time.monotonic() - began:.1f} s",
                                            flush=True))  # fmt: skip
    for row in rows:
        print(f"weekday {row['weekday']} {row['date']}: {row['stops']} stops, {row['vehicles_at_hand']} vehicles at "
              f"hand, {row['vehicles_needed']} needed (tried up to {row['vehicles_tried']})")  # fmt: skip
    print(f"fleet need: {time.monotonic() - began:.1f} s for {len(rows)} weekdays")


if __name__ == "__main__":
    main()
