"""Plain-text tables of an impact report (CLI and benchmark output)."""

from __future__ import annotations

ROWS = (
    ("deliveries", "Deliveries to municipal buildings", "{:,.0f}"),
    ("deliveries_per_building", "Deliveries per building", "{:.1f}"),
    ("vehicle_km", "Vehicle-km", "{:,.0f}"),
    (
        "heavy_vehicle_visits_schools_preschools",
        "Heavy vehicle visits, schools+preschools",
        "{:,.0f}",
    ),
    ("co2e_kg", "CO2e, kg (well-to-wheel)", "{:,.0f}"),
    ("cost_sek", "Transport cost, SEK", "{:,.0f}"),
    ("vehicle_hours", "Vehicle hours", "{:,.1f}"),
    ("local_share", "Local producers' share of kg", "{:.1%}"),
    ("deliveries_outside_window", "Deliveries outside receiving window", "{:,.0f}"),
)


def _fmt(fmt: str, value) -> str:
    return "-" if value is None else fmt.format(value)


def _change(value) -> str:
    return "-" if value is None else f"{value:+.0%}"


def format_summary(report: dict) -> str:
    """A readable summary: per-week comparison, patterns, suppliers and cost split.

    Parameters
    ----------
    report : dict
        From :func:`samlast.impact.analyse`.

    Returns
    -------
    str
    """
    lines = []
    h = report["horizon"]
    lines.append(
        f"Impact analysis {h['start']} to {h['end']} ({len(h['weeks'])} week(s)), "
        f"coordinated pattern: {report['primary_pattern']}"
    )
    lines.append("")
    lines.append(
        f"{'Per average week':<42} {'Free delivery':>14} {'Coordinated':>14} {'Change':>8}"
    )
    for key, label, fmt in ROWS:
        row = report["comparison"][key]
        lines.append(
            f"{label:<42} {_fmt(fmt, row['free_delivery']):>14} "
            f"{_fmt(fmt, row['coordinated']):>14} {_change(row['change']):>8}"
        )
    s = report["suppliers"]
    lines.append(
        f"{'Suppliers that can take part':<42} {s['can_take_part_free_delivery']:>14} "
        f"{s['can_take_part_coordinated']:>14}   (of {s['suppliers']})"
    )
    lines.append("")
    lines.append("Delivery-day patterns (coordinated, per average week, incl. trunk trips):")
    lines.append(
        f"  {'pattern':<20} {'deliv.':>7} {'km':>8} {'CO2e kg':>9} {'cost SEK':>10} "
        f"{'stops/day CV':>12} {'max veh-h/day':>13} {'days early':>10}"
    )
    for name, p in report["pattern_comparison"].items():
        lines.append(
            f"  {name:<20} {p['deliveries']:>7,.0f} {p['vehicle_km']:>8,.0f} "
            f"{p['co2e_kg']:>9,.0f} {p['cost_sek']:>10,.0f} {p['stops_per_day_cv']:>12.2f} "
            f"{p['vehicle_hours_per_day_max']:>13.1f} {p['mean_days_early']:>10.2f}"
        )
    lines.append("")
    lines.append("Per municipality, per average week (free delivery -> coordinated):")
    base = report["baseline"]["by_municipality_per_week"]
    coord = report["coordinated"]["by_municipality_per_week"]
    for m in report["inputs"]["municipalities"]:
        b, c = base[m], coord[m]
        lines.append(
            f"  {m:<12} deliveries {b['deliveries']:>6,.0f} -> {c['deliveries']:<6,.0f} "
            f"km {b['vehicle_km']:>7,.0f} -> {c['vehicle_km']:<7,.0f} "
            f"CO2e kg {b['co2e_kg']:>6,.0f} -> {c['co2e_kg']:<6,.0f} "
            f"SEK {b['cost_sek']:>8,.0f} -> {c['cost_sek']:,.0f}"
        )
    split = report["cost_split"]
    lines.append("")
    lines.append(
        f"Cost split of the coordinated routes over the period "
        f"(total {split['total_cost']:,.0f} SEK, stand-alone sum "
        f"{split['sum_of_standalone_costs']:,.0f} SEK):"
    )
    lines.append(
        f"  {'municipality':<12} {'alone':>9} {'per deliv.':>10} {'per kg':>9} "
        f"{'per alone km':>12} {'Shapley':>9}  pays more than alone under"
    )
    for row in split["table"]:
        lines.append(
            f"  {row['municipality']:<12} {_fmt('{:,.0f}', row['standalone_cost']):>9} "
            f"{row['per_delivery']:>10,.0f} {row['per_kg']:>9,.0f} "
            f"{row['per_standalone_km']:>12,.0f} {_fmt('{:,.0f}', row['shapley']):>9}  "
            f"{', '.join(row['pays_more_than_alone']) or '-'}"
        )
    if "core" in split:
        core = split["core"]
        lines.append(
            f"  Core non-empty: {core['core_nonempty']}; Shapley value in the core: "
            f"{core['allocation_in_core']} ({len(split['coalition_costs'])} coalitions)"
        )
    else:
        lines.append(f"  Shapley value not computed: {split['shapley_skipped']}")
    for note in report["notes"]:
        lines.append(f"Note: {note}")
    lines.append(f"Wall time {report['wall_time_s']:.0f} s")
    return "\n".join(lines)
