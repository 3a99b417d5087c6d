"""Benchmark of the monthly follow-up on days driven by the digital twin (demo cluster).

    .venv/bin/python bench/followup.py [--days 5] [--scale 0.2] [--time-limit 2] [--baseline-limit 0.5] [--pdf PATH]

Drives ``--days`` weekdays through the driver API on a temporary SQLite database (the twin of
``flask samlast simulate``), then produces the follow-up of those days: what was delivered
(proofs, GPS km, vehicle CO2e) against free delivery of the same orders, and the settlement.
Prints the figures, the wall time of the follow-up, and checks that it equals the sum of its days.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--time-limit", type=float, default=2.0, help="planner seconds per simulated day")
    parser.add_argument("--baseline-limit", type=float, default=0.5, help="planner seconds per supplier-day")
    parser.add_argument("--pdf", type=Path, default=None, help="also write the council's PDF (Swedish) here")
    args = parser.parse_args()

    from samlast import create_app
    from samlast.extensions import db
    from samlast.impact import followup as fu
    from samlast.services import followup, planning
    from samlast.simulate import SimulationOptions, run_simulation

    with tempfile.TemporaryDirectory(prefix="samlast-followup-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}", "REDIS_URL": None,
                          "RATELIMIT_ENABLED": False, "GEOCODING_ENABLED": False, "OSRM_URL": None,
                          "REPLAN_WHEN_LATE_MIN": 10**6, "PLANNING_RUNNER": "inline",
                          "FOLLOWUP_TIME_LIMIT_S": args.baseline_limit})  # fmt: skip
        with app.app_context():
            db.create_all()
            started = time.monotonic()
            reports = run_simulation(app, SimulationOptions(days=args.days, scale=args.scale,
                                                            time_limit_s=args.time_limit, fleet="demo",
                                                            advice_each_day=False, learn=False))  # fmt: skip
            print(f"simulated {len(reports)} days in {time.monotonic() - started:.0f} s")
            days = [r.date for r in reports]
            terminal = planning.default_terminal()
            from datetime import date

            first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
            started = time.monotonic()
            month = followup.compute(terminal, first, last, "shapley")
            wall = time.monotonic() - started
            per_day = [followup.compute(terminal, date.fromisoformat(d), date.fromisoformat(d), "shapley")
                       for d in days]  # fmt: skip
            summed = fu.add_up(per_day)
    if args.pdf:
        from samlast.services import followup_export

        args.pdf.write_bytes(followup_export.report_pdf(first, month, [], "sv"))
        print(f"wrote {args.pdf}")
    t = month["totals"]
    c, b, ch = t["coordinated"], t["baseline"], t["change"]
    pct = lambda v: "–" if v is None else f"{v * 100:+.0f} %"  # noqa: E731
    print(f"period {first} – {last}: {c['deliveries']} deliveries on {c['routes']} routes")
    print(f"  deliveries {b['deliveries']} -> {c['deliveries']} ({pct(ch['deliveries'])})")
    print(f"  km         {b['km']:.0f} -> {c['km']:.0f} ({pct(ch['km'])}), of which GPS {c['gps_km']:.0f}")
    print(f"  kg CO2e    {b['co2e_kg']:.0f} -> {c['co2e_kg']:.0f} ({pct(ch['co2e_kg'])})")
    print(f"  on time {c['on_time']} of {c['stops_with_window']} stops with a window, local share "
          f"{(t['local_share'] or 0) * 100:.0f} %, deviations {c['deviations']}")  # fmt: skip
    for row in month["settlement"]["rows"]:
        alone = row["standalone_cost"]
        print(f"  settlement (Shapley) {row['municipality']}: {row['amount']:.0f} SEK (alone {alone:.0f})")
    equal = all(c[k] == summed["coordinated"][k] for k in ("deliveries", "routes", "on_time", "deviations"))
    equal &= b["deliveries"] == summed["baseline"]["deliveries"]
    print(f"follow-up wall time {wall:.1f} s (baseline routing {args.baseline_limit} s per supplier-day); "
          f"month equals the sum of its days: {'yes' if equal else 'NO'}")  # fmt: skip
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
