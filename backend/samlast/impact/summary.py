"""Plain-text tables of an impact report (CLI and benchmark output), in the reader's language."""

from __future__ import annotations

from samlast.i18n import DEFAULT_LOCALE, text
from samlast.impact import wording as w
from samlast.impact.decomposition import CO2E_TERMS, COST_TERMS

#: Figures of the comparison table and their decimals (a share is written in per cent).
ROWS = (
    ("deliveries", 0),
    ("deliveries_per_building", 1),
    ("vehicle_km", 0),
    ("heavy_vehicle_visits_schools_preschools", 0),
    ("co2e_kg", 0),
    ("cost_sek", 0),
    ("vehicle_hours", 1),
    ("local_share", 1),
    ("deliveries_outside_window", 0),
)


def _value(key: str, value, decimals: int, locale: str) -> str:
    return w.percent(value, locale, decimals) if key == "local_share" else w.number(value, locale, decimals)


def _signed(value: float, locale: str) -> str:
    written = w.number(value, locale)
    return "+" + written if round(value) > 0 else written


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def format_summary(report: dict, locale: str = DEFAULT_LOCALE) -> str:
    """A readable summary: per-week comparison, patterns, municipalities, cost split and notes.

    Parameters
    ----------
    report : dict
        From :func:`samlast.impact.analyse`.
    locale : str
        "sv" (default) or "en"; every word comes from the word tables.

    Returns
    -------
    str
    """

    def t(key: str, **params) -> str:
        return text(key, params, locale)

    lines = []
    h = report["horizon"]
    lines.append(t("impact.pdf.title"))
    lines.append(
        t(
            "impact.pdf.period",
            start=h["start"],
            end=h["end"],
            with_orders=len(h.get("weeks_with_orders", h["weeks"])),
            total=len(h["weeks"]),
        )
    )
    lines.append(t("impact.pdf.pattern", pattern=w.pattern(report["primary_pattern"], locale)))
    lines.append("")
    lines.append(
        f"{t('impact.pdf.col.perWeek'):<48} {t('impact.pdf.col.today'):>12} "
        f"{t('impact.pdf.col.coordinated'):>12} {t('impact.pdf.col.change'):>11}"
    )
    for key, decimals in ROWS:
        row = report["comparison"][key]
        change = (
            w.points_change(row["free_delivery"], row["coordinated"], locale)
            if key == "local_share"
            else w.change(row["change"], locale)
        )
        lines.append(
            f"{_fit(w.figure(key, locale), 48):<48} {_value(key, row['free_delivery'], decimals, locale):>12} "
            f"{_value(key, row['coordinated'], decimals, locale):>12} {change:>11}"
        )
    s = report["suppliers"]
    lines.append(
        f"{_fit(w.figure('suppliers_taking_part', locale, n=s['suppliers']), 48):<48} "
        f"{s['can_take_part_free_delivery']:>12} {s['can_take_part_coordinated']:>12}"
    )
    lines.append("")
    lines.append(t("impact.pdf.patterns"))
    for name, p in report["pattern_comparison"].items():
        lines.append(
            f"  {w.pattern(name, locale)}: {t('impact.pdf.col.deliveries')} {w.number(p['deliveries'], locale)}, "
            f"{t('impact.pdf.col.km')} {w.number(p['vehicle_km'], locale)}, "
            f"{t('impact.pdf.col.co2e')} {w.number(p['co2e_kg'], locale)}, "
            f"{t('impact.pdf.col.cost')} {w.number(p['cost_sek'], locale)}, "
            f"{t('impact.pdf.col.daysEarly')} {w.number(p['mean_days_early'], locale, 1)}"
        )
    lines.append("")
    lines.append(f"{t('impact.pdf.towns')} ({t('impact.pdf.col.today')} / {t('impact.pdf.col.coordinated')})")
    base = report["baseline"]["by_municipality_per_week"]
    coord = report["coordinated"]["by_municipality_per_week"]
    for m in report["inputs"]["municipalities"]:
        b, c = base[m], coord[m]
        parts = [
            f"{t(f'impact.pdf.col.{label}')} {w.number(b[key], locale)} / {w.number(c[key], locale)}"
            for key, label in (
                ("deliveries", "deliveries"),
                ("vehicle_km", "km"),
                ("co2e_kg", "co2e"),
                ("cost_sek", "cost"),
            )
        ]
        lines.append(f"  {m:<12} " + ", ".join(parts))
    why = report.get("decomposition")
    if why:
        lines.append("")
        lines.append(t("impact.decomp.title"))
        currency = "kr" if locale == "sv" else "SEK"
        for key, title, terms, unit in (
            ("co2e_kg", "impact.decomp.co2Title", CO2E_TERMS, "kg"),
            ("cost_sek", "impact.decomp.costTitle", COST_TERMS, currency),
        ):
            part = why[key]
            steps = ", ".join(
                f"{t(f'impact.decomp.term.{term}')} {_signed(part['terms'][term], locale)} {unit}" for term in terms
            )
            lines.append(
                f"  {t(title)}: {t('impact.decomp.start')} {w.number(part['free_delivery'], locale)} {unit}, {steps}, "
                f"{t('impact.decomp.end')} {w.number(part['coordinated'], locale)} {unit}"
            )
    split = report["cost_split"]
    lines.append("")
    lines.append(t("impact.pdf.split"))
    lines.append(
        "  "
        + t(
            "impact.split.intro",
            total=w.number(split["total_cost"], locale),
            alone=w.number(split["sum_of_standalone_costs"], locale),
        )
    )
    lines.append(
        f"  {t('coordinator.col.municipality'):<12} "
        + " ".join(f"{_fit(w.split_rule(r, locale), 14):>14}" for r in w.SPLIT_RULES)
    )
    for row in split["table"]:
        cells = []
        for rule in w.SPLIT_RULES:
            mark = " *" if rule in row["pays_more_than_alone"] else ""
            cells.append(f"{w.number(row.get(rule), locale) + mark:>14}")
        lines.append(f"  {row['municipality']:<12} " + " ".join(cells))
    if any(row["pays_more_than_alone"] for row in split["table"]):
        lines.append("  " + t("impact.split.paysMoreMark"))
    core = split.get("core")
    if core and core.get("core_nonempty") is not None:
        lines.append("  " + t("coordinator.split.coreYes" if core["core_nonempty"] else "coordinator.split.coreNo"))
        if core.get("allocation_in_core") is not None:
            lines.append(
                "  "
                + (
                    t("impact.core.shapley_inside")
                    if core["allocation_in_core"]
                    else t(
                        "impact.core.shapley_outside",
                        groups=", ".join(" + ".join(v["coalition"]) for v in core.get("violations", [])),
                    )
                )
            )
    elif split.get("shapley_sampled"):
        lines.append("  " + (w.message(split["shapley_sampled"]["note"], locale) or ""))
    elif split.get("shapley_skipped_reason"):
        lines.append(
            "  " + t("coordinator.split.shapleySkipped", reason=w.message(split["shapley_skipped_reason"], locale))
        )
    notes = [w.message(note, locale) for note in report.get("notes", [])]
    for note in filter(None, notes):
        lines.append(f"* {note}")
    lines.append(t("impact.summary.wallTime", seconds=round(report["wall_time_s"])))
    return "\n".join(lines)
