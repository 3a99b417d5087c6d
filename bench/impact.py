"""Impact analysis of the synthetic demo cluster: free delivery vs coordinated (not a test).

Builds the Mellersta Skåne demo cluster straight from the pure generator
(`samlast.demo.generator.generate_cluster`, the same data `flask samlast demo`
stores) and runs `samlast.impact.analyse` on its two weeks of orders:

    .venv/bin/python bench/impact.py --json /tmp/impact_demo.json
    .venv/bin/python bench/impact.py --scale 0.2 --time-limit 1 --no-shapley   # quick look
    .venv/bin/python bench/impact.py --wholesalers-at-terminal --no-shapley     # sensitivity
    .venv/bin/python bench/impact.py --scale 0.2 --time-limit 1 --no-shapley --presets
                                      # + each scenario preset (samlast.impact.presets)

With ``--presets`` it also runs every scenario preset and prints, for the
demo cluster and each preset, the headline changes (deliveries, vehicle-km,
CO2e, CO2e per tonne), each preset's published range and the wall time.

Prints the summary tables and the wall time; `--json` writes every figure.
Nothing here is tuned to any published claim: the figures are what the
generated orders, the documented default factors and the planner give.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from samlast.demo.generator import DEFAULT_SEED, generate_cluster  # noqa: E402
from samlast.impact import ImpactParams, analyse  # noqa: E402
from samlast.impact.demo import from_demo_cluster  # noqa: E402
from samlast.impact.presets import HEADLINE, PRESETS, headline  # noqa: E402
from samlast.impact.summary import format_summary  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=2.0,
        help="solver seconds per supplier-day and terminal day",
    )
    parser.add_argument(
        "--shapley-time-limit", type=float, default=0.5, help="solver seconds per coalition-day"
    )
    parser.add_argument("--no-shapley", action="store_true")
    parser.add_argument("--pattern", default="fixed_2_per_week")
    parser.add_argument(
        "--wholesalers-at-terminal",
        action="store_true",
        help="sensitivity: place every wholesaler at the terminal, so neither scenario counts "
        "the long haul from the wholesaler's depot to the cluster",
    )
    parser.add_argument("--presets", action="store_true", help="also run every scenario preset")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    started = time.monotonic()
    cluster = generate_cluster(seed=args.seed, scale=args.scale)
    data = from_demo_cluster(cluster)
    if args.wholesalers_at_terminal:
        data = dataclasses.replace(
            data,
            suppliers=tuple(
                dataclasses.replace(s, location=data.terminal) if s.kind == "wholesaler" else s
                for s in data.suppliers
            ),
        )
    print(
        f"{cluster.name}: {len(data.points)} delivery points, {len(data.suppliers)} suppliers, "
        f"{len(data.orders)} orders, {len(data.fleet)} terminal vehicles, "
        f"{data.start} to {data.end}",
        flush=True,
    )
    params = ImpactParams(
        time_limit_s=args.time_limit,
        shapley_time_limit_s=args.shapley_time_limit,
        shapley=not args.no_shapley,
        primary_pattern=args.pattern,
    )
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] > 10 or fraction >= 1.0:
            last[0] = now
            print(f"  {fraction:5.1%} {message}", file=sys.stderr, flush=True)

    report = analyse(data, params, progress=progress)
    report["bench"] = {
        "seed": args.seed,
        "scale": args.scale,
        "wall_time_s": round(time.monotonic() - started, 1),
    }
    print(format_summary(report))
    print(f"Total wall time incl. data generation: {report['bench']['wall_time_s']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"Wrote {args.json}")
    if args.presets:
        print()
        print(_headline_row("demo", headline(report), {}, report["bench"]["wall_time_s"]))
        for key, preset in PRESETS.items():
            began = time.monotonic()
            result = analyse(preset.input(), preset.params())
            print(_headline_row(key, headline(result), preset.expected, time.monotonic() - began), flush=True)
    return 0


def _headline_row(name: str, figures: dict, expected: dict, seconds: float) -> str:
    """One line: each headline change in per cent, a preset's range in brackets, the wall time."""

    def cell(key: str) -> str:
        value = figures[key]
        text = "   n/a" if value is None else f"{value * 100:+6.1f}%"
        if key in expected:
            low, high = expected[key]
            text += f" [{low * 100:+.0f}..{high * 100:+.0f}]"
        return f"{key} {text}"

    return f"{name:10s} " + "  ".join(cell(key) for key in HEADLINE) + f"  wall {seconds:.1f} s"


if __name__ == "__main__":
    raise SystemExit(main())
