"""Region planning on the synthetic Skåne region: which municipalities share a terminal (not a test).

Builds the synthetic region straight from the pure generator (`samlast.demo.region`,
the same data `flask samlast demo --region skane` stores: 13 municipalities, ~900
delivery points, 6 invented candidate sites, two weeks of orders) and answers
`samlast.impact.region.analyse_region` with the default settings (one sampled week
priced by the impact analysis, 0.5 s per planning run):

    .venv/bin/python bench/region.py --json /tmp/region.json

Prints each option's terminals, yearly cost and the municipalities that would pay
more than alone, and the wall time. Target: under 20 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from samlast.demo.generator import DEFAULT_SEED  # noqa: E402
from samlast.demo.region import generate_region, region_input  # noqa: E402
from samlast.i18n import text  # noqa: E402
from samlast.impact.region import RegionParams, analyse_region  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--points", type=int, default=900)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--in-process", action="store_true", help="run every analysis in this process")
    args = parser.parse_args(argv)

    started = time.monotonic()
    region = region_input(generate_region(seed=args.seed, points=args.points))
    last = [-1]

    def progress(fraction: float, message) -> None:
        if int(fraction * 20) != last[0]:
            last[0] = int(fraction * 20)
            print(
                f"{time.monotonic() - started:7.1f} s {fraction:5.0%} {text(message.key, message.params, 'en')}",
                flush=True,
            )

    # As the product runs it: each impact analysis in a child process of its own.
    result = analyse_region(region, RegionParams(isolate=not args.in_process), progress=progress)
    wall = time.monotonic() - started
    sites = {s["id"]: s["name"] for s in result["sites"]}
    for option in result["options"]:
        totals = option["totals"]
        print(
            f"\n{option['kind']}: {len(option['groups'])} terminals, "
            f"{totals['total_sek_per_year']:,.0f} SEK/year (fixed {totals['fixed_sek_per_year']:,.0f}, "
            f"handling {totals['handling_sek_per_year']:,.0f}, transport {totals['transport_sek_per_year']:,.0f}); "
            f"per week {totals['coordinated']['deliveries']:,.0f} deliveries, "
            f"{totals['coordinated']['vehicle_km']:,.0f} km, {totals['coordinated']['co2e_kg']:,.0f} kg CO2e "
            f"(free delivery {totals['free_delivery']['deliveries']:,.0f}, "
            f"{totals['free_delivery']['vehicle_km']:,.0f} km, {totals['free_delivery']['co2e_kg']:,.0f} kg)"
        )
        for group in option["groups"]:
            print(f"  {sites[group['site']]}: {', '.join(group['municipalities'])}")
        if option["pays_more_than_alone"]:
            print(f"  pays more than alone: {', '.join(option['pays_more_than_alone'])}")
    print(
        f"\n{result['analysis_runs']} impact runs, sampled {result['sample']['start']} to "
        f"{result['sample']['end']}; wall time {wall:.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
