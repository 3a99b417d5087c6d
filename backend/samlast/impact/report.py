"""Run the whole analysis: free delivery vs coordinated, patterns, cost split."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from samlast import planning as pl
from samlast.i18n import Message
from samlast.impact import factors
from samlast.impact.baseline import SUPPLIER_SHIFT, run_baseline, supplier_days
from samlast.impact.coordinated import (
    Schedule,
    distribution_runs,
    moved_before,
    run_distribution,
    run_trunk,
    schedule,
)
from samlast.impact.costsplit import coalitions, core_check, equal_profit, nucleolus, shapley, split_table
from samlast.impact.decomposition import CostRates, decompose
from samlast.impact.figures import FIGURE_KEYS, change, scenario_figures, week_of, weeks_with_orders
from samlast.impact.fleetneed import fleet_need_requests, rows_done
from samlast.impact.model import ImpactInput, ImpactParams
from samlast.impact.routing import DayRouter, PrecomputedTravel
from samlast.impact.sensitivity import tornado
from samlast.impact.shapley_sampling import sampled_shapley

ProgressFn = Callable[[float, Message], None]

HEADLINE_KEYS = (
    "deliveries",
    "deliveries_per_building",
    "vehicle_km",
    "heavy_vehicle_visits_schools_preschools",
    "co2e_kg",
    "cost_sek",
    "local_share",
)


# Above ImpactParams.max_shapley_players the Shapley split is sampled: stop when every
# share's 95 % interval is within 2 % of the total cost, or after this many coalition
# planning runs / seconds (each run is one heuristic solve per day of the pattern).
SAMPLED_SHAPLEY_TARGET_SHARE = 0.02
SAMPLED_SHAPLEY_MAX_RUNS = 400
SAMPLED_SHAPLEY_MAX_SECONDS = 900.0


class _Steps:
    """Turns "one more planning run done" into a progress fraction."""

    def __init__(self, total: int, progress: ProgressFn):
        self.total, self.done, self.progress = max(1, total), 0, progress

    def __call__(self, message: Message) -> None:
        self.done += 1
        self.progress(min(0.99, self.done / self.total), message)


def _level(plan: Schedule, run, start: str, end: str) -> dict:
    """How even the days are: stops, kg, km and vehicle hours per delivery date.

    The spread statistics use the dates from `start` to `end` (ISO); a fixed
    pattern may also deliver on a day before the period (see ``daily``).
    """
    days: dict[str, dict] = defaultdict(
        lambda: {"stops": 0, "kg": 0.0, "km": 0.0, "hours": 0.0, "trips": 0}
    )
    for d in run.deliveries:
        days[d.day.isoformat()]["stops"] += 1
        days[d.day.isoformat()]["kg"] += d.kg
    for t in run.trips:
        if t.kind == "distribution":
            row = days[t.day.isoformat()]
            row["km"] += t.km
            row["hours"] += t.hours
            row["trips"] += 1
    daily = [
        {"date": k, **{n: round(v, 2) for n, v in row.items()}} for k, row in sorted(days.items())
    ]
    inside = [row for row in daily if start <= row["date"] <= end]
    stops = [row["stops"] for row in inside] or [0]
    hours = [row["hours"] for row in inside] or [0.0]
    mean = statistics.fmean(stops) or 1.0
    return {
        "daily": daily,
        "stops_per_day_min": min(stops),
        "stops_per_day_max": max(stops),
        "stops_per_day_cv": round(statistics.pstdev(stops) / mean, 4),
        "vehicle_hours_per_day_max": round(max(hours), 2),
        "vehicle_hours_per_day_mean": round(statistics.fmean(hours), 2),
        "weekday_counts": _weekday_counts(plan),
        "mean_days_early": plan.mean_days_early,
    }


def _weekday_counts(plan: Schedule) -> dict[str, int]:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    counts = dict.fromkeys(names[:5], 0)
    for days in plan.weekdays.values():
        for d in days:
            counts[names[d]] = counts.get(names[d], 0) + 1
    return counts


def _participation(data: ImpactInput, params: ImpactParams, base_hours, coord_hours) -> dict:
    limit = params.producer_max_hours_per_day
    detail, ok_base, ok_coord = [], 0, 0
    active = {o.supplier for o in data.orders if data.start <= o.day <= data.end}
    for s in data.suppliers:
        if s.id not in active:
            continue
        bh, ch = base_hours.get(s.id, 0.0), coord_hours.get(s.id, 0.0)
        base_ok = not s.local or bh <= limit
        coord_ok = not s.local or ch <= limit
        ok_base += base_ok
        ok_coord += coord_ok
        detail.append(
            {
                "supplier": s.name,
                "kind": s.kind,
                "vehicle": s.profile.name,
                "vehicle_key": s.profile.key,
                "free_delivery_max_hours_per_day": round(bh, 2),
                "coordinated_max_hours_per_day": round(ch, 2),
                "can_take_part_free_delivery": base_ok,
                "can_take_part_coordinated": coord_ok,
            }
        )
    return {
        "suppliers": len(detail),
        "can_take_part_free_delivery": ok_base,
        "can_take_part_coordinated": ok_coord,
        "rule": Message("impact.rule.participation", hours=float(limit)).as_json(),
        "detail": detail,
    }


def _cost_split(data, params, travel, plan, main_run, step, router=None) -> dict:
    players = list(data.municipality_names())
    municipality_of = {p.id: p.municipality for p in data.points}
    active = {municipality_of[pid] for pid, _ in plan.loads}
    players = [p for p in players if p in active]
    full = params.shapley and len(players) <= params.max_shapley_players
    sample = params.shapley and not full
    wanted = coalitions(players) if full else [frozenset([p]) for p in players]
    grand = frozenset(players)
    cost, km = {}, {}

    def evaluate_all(groups: list[frozenset[str]]) -> None:
        """Each coalition's cost, its days all handed to the router at once."""
        others = [s for s in groups if s != grand]
        runs = distribution_runs(data, plan, params, travel, others, time_limit_s=params.shapley_time_limit_s,
                                 step=step, router=router)  # fmt: skip
        for s, run in [*zip(others, runs, strict=True), *([(grand, main_run)] if grand in groups else [])]:
            cost[s] = sum(t.cost for t in run.trips if t.kind == "distribution")
            km[s] = sum(t.km for t in run.trips if t.kind == "distribution")

    def evaluate(s: frozenset[str]) -> float:
        evaluate_all([s])
        return cost[s]

    evaluate_all(list(wanted))
    total = sum(t.cost for t in main_run.trips if t.kind == "distribution")
    cost[grand] = total
    sampled = None
    if sample:
        # Too many municipalities for every coalition: estimate the Shapley value from
        # sampled joining orders, each share with its 95 % interval (impact.shapley_sampling).
        sampled = sampled_shapley(
            players,
            lambda s: cost[s] if s in cost else evaluate(s),
            seed=0,
            target_share=SAMPLED_SHAPLEY_TARGET_SHARE,
            max_evaluations=SAMPLED_SHAPLEY_MAX_RUNS,
            max_seconds=SAMPLED_SHAPLEY_MAX_SECONDS,
        )
    deliveries: defaultdict[str, float] = defaultdict(float)
    kg: defaultdict[str, float] = defaultdict(float)
    for d in main_run.deliveries:
        deliveries[d.municipality] += 1
        kg[d.municipality] += d.kg
    alone = {p: cost[frozenset([p])] for p in players}
    alone_km = {p: km.get(frozenset([p]), 0.0) for p in players}
    value = shapley(players, cost) if full else (sampled.shares if sampled else None)
    nucleolus_value = equal_profit_value = None
    if full:
        try:
            nucleolus_value = nucleolus(players, cost)
            equal_profit_value = equal_profit(players, cost)
        except (ArithmeticError, ImportError):  # pragma: no cover - no LP solver, or it gave up
            nucleolus_value = equal_profit_value = None
    out = {
        "pattern": plan.pattern,
        "players": players,
        "total_cost": round(total, 2),
        "sum_of_standalone_costs": round(sum(alone.values()), 2),
        "coalition_runs": len([s for s in cost if s != grand]),
        "table": split_table(
            players,
            total,
            deliveries,
            kg,
            alone_km,
            alone,
            value,
            nucleolus_value=nucleolus_value,
            equal_profit_value=equal_profit_value,
        ),
        "coalition_costs": [
            {"coalition": sorted(s), "cost": round(c, 2)}
            for s, c in sorted(cost.items(), key=lambda i: (len(i[0]), sorted(i[0])))
        ],
    }
    if full:
        out["core"] = core_check(players, cost, value)
    elif sampled is not None:
        out["shapley_sampled"] = {
            "pairs": sampled.pairs,
            "evaluations": sampled.evaluations,
            "converged": sampled.converged,
            "stopped_by": sampled.stopped_by,
            "target_share": sampled.target_share,
            "max_half_width_share": round(sampled.max_half_width_share(), 6),
            "half_width": {p: round(w, 2) for p, w in sampled.half_width.items()},
            "note": Message(
                "impact.shapley_sampled",
                pairs=sampled.pairs,
                percent=round(100 * sampled.max_half_width_share(), 1),
            ).as_json(),
        }
    else:
        # A stable code, and the reason in the reader's language.
        if not params.shapley:
            out["shapley_skipped"] = "disabled"
            reason = Message("impact.shapley_skipped.disabled")
        else:
            out["shapley_skipped"] = "too_many_municipalities"
            reason = Message("impact.shapley_skipped.too_many_municipalities", max=params.max_shapley_players)
        out["shapley_skipped_reason"] = reason.as_json()
    return out


def analyse(
    data: ImpactInput,
    params: ImpactParams | None = None,
    *,
    travel: pl.TravelMatrixProvider | None = None,
    progress: ProgressFn | None = None,
    router: DayRouter | None = None,
) -> dict:
    """Free delivery vs coordinated distribution for the orders from ``data.start`` to ``end``.

    Parameters
    ----------
    data : ImpactInput
    params : ImpactParams, optional
    travel : TravelMatrixProvider, optional
        Defaults to :class:`samlast.planning.GeodesicTravelModel`.
    progress : callable, optional
        ``progress(fraction 0-1, message)``, called after every planning run.
    router : DayRouter, optional
        Runs the routing runs (supplier-days, days, coalition-days) and each weekday's fleet
        advice: by default one after the other in this process; services/impact_workers.QueueRouter
        hands them to RQ workers (the fleet advice first, collected last). The figures do not
        depend on it.

    Returns
    -------
    dict
        JSON-ready report: ``baseline`` and ``coordinated`` figures (total,
        average week with orders, per week, per municipality), ``patterns``,
        ``comparison`` (headline figures per average week with relative
        change), ``decomposition`` (the CO2e change split into km, fill
        rate and cleaner vehicles, the cost change into transport, terminal
        handling and administration, per average week; see
        :mod:`samlast.impact.decomposition`), ``tornado`` (the CO2e change
        with each of five uncertain inputs at a low and a high value; see
        :mod:`samlast.impact.sensitivity`), ``moved_before_period`` (coordinated deliveries a fixed
        pattern brings forward to before the period), ``suppliers``
        (participation), ``cost_split``, ``assumptions`` and ``notes``. Units:
        km, kg CO2e, SEK, hours, kg. Every text for a reader is a message
        ``{"key", "params"}`` of the word tables (:mod:`samlast.i18n`).
    """
    params = params or ImpactParams()
    report_progress = progress or (lambda fraction, message: None)
    started = time.monotonic()
    report_progress(0.0, Message("progress.impact.distances"))
    locations = (
        [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
    )
    matrix = PrecomputedTravel(travel or pl.GeodesicTravelModel(), locations)
    schedules = {spec.name: schedule(data, spec, params) for spec in params.patterns}
    primary = schedules[params.primary_pattern]
    n_players = len({p.municipality for p in data.points})
    per_day = (
        2**n_players - 1
        if params.shapley and n_players <= params.max_shapley_players
        else n_players
    ) - 1
    total_runs = len(supplier_days(data)) + sum(len(s.dates()) for s in schedules.values())
    total_runs += max(0, per_day) * len(primary.dates())
    total_runs += len({day.weekday() for day in primary.dates()}) if params.fleet_need else 0
    step = _Steps(total_runs, report_progress)
    router = router or DayRouter()
    # The fleet advice is needed only at the end but depends only on the primary pattern: handed
    # over first, workers do it while this process routes the rest (one weekday's advice at city
    # size takes minutes, bench/RESULTS.md "The fleet need at city size").
    need_requests = fleet_need_requests(data, primary, params) if params.fleet_need else []
    need_batch = router.submit(need_requests, matrix)
    try:
        result = _analysed(data, params, matrix, schedules, step, router)
        result["fleet_need"] = router.collect(need_batch, rows_done(need_requests, step))
    finally:
        router.discard(need_batch)  # nothing, once collected
    report_progress(1.0, Message("progress.done"))
    result["wall_time_s"] = round(time.monotonic() - started, 2)
    return result


def _analysed(
    data: ImpactInput,
    params: ImpactParams,
    matrix: PrecomputedTravel,
    schedules: dict[str, Schedule],
    step: _Steps,
    router: DayRouter,
) -> dict:
    """The report of :func:`analyse` but its fleet need and wall time."""
    primary = schedules[params.primary_pattern]
    baseline = run_baseline(data, params, matrix, step, router)
    trunk = run_trunk(data, matrix, params)
    municipalities = list(data.municipality_names())
    weeks = sorted(
        {week_of(data.start + timedelta(days=i)) for i in range((data.end - data.start).days + 1)}
    )
    # Averages are per week WITH orders: a week without any would only dilute them.
    ordered = weeks_with_orders(o.day for o in data.orders if data.start <= o.day <= data.end)
    empty_weeks = [w for w in weeks if w not in ordered]
    patterns, runs = {}, {}
    for name, plan in schedules.items():
        run = run_distribution(
            data, plan, params, matrix, time_limit_s=params.time_limit_s, step=step, router=router
        )
        runs[name] = run
        patterns[name] = {
            "figures": scenario_figures(
                run.deliveries, trunk.trips + run.trips, municipalities, weeks, ordered, data.start
            ),
            "level": _level(plan, run, data.start.isoformat(), data.end.isoformat()),
            "moved_before_period": moved_before(plan, data.start),
        }
    base_fig = scenario_figures(
        baseline.deliveries, baseline.trips, municipalities, weeks, ordered, data.start
    )
    coord_fig = patterns[params.primary_pattern]["figures"]
    comparison = {
        key: {
            "free_delivery": base_fig["per_week"][key],
            "coordinated": coord_fig["per_week"][key],
            "change": change(base_fig["per_week"][key], coord_fig["per_week"][key]),
        }
        for key in FIGURE_KEYS
    }
    pattern_table = {
        name: {key: p["figures"]["per_week"][key] for key in HEADLINE_KEYS}
        | {
            "stops_per_day_cv": p["level"]["stops_per_day_cv"],
            "vehicle_hours_per_day_max": p["level"]["vehicle_hours_per_day_max"],
            "mean_days_early": p["level"]["mean_days_early"],
            "deliveries_outside_window": p["figures"]["per_week"]["deliveries_outside_window"],
            "fallback_trips": p["figures"]["per_week"]["fallback_trips"],
            "deliveries_before_period": p["moved_before_period"]["deliveries"],
        }
        for name, p in patterns.items()
    }
    primary_run = runs[params.primary_pattern]
    decomposition = decompose(
        baseline.trips,
        trunk.trips + primary_run.trips,
        baseline.deliveries,
        primary_run.deliveries,
        CostRates(
            params.terminal_handling_sek_per_kg,
            params.admin_sek_per_delivery,
            params.coordination_admin_sek_per_week,
        ),
        weeks=max(1, len(ordered)),
    )
    early = patterns[params.primary_pattern]["moved_before_period"]
    split = _cost_split(data, params, matrix, primary, runs[params.primary_pattern], step, router)
    return {
        "horizon": {
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
            "weeks": weeks,
            "weeks_with_orders": ordered,
            "empty_weeks": empty_weeks,
        },
        "inputs": {
            "municipalities": municipalities,
            "delivery_points": len(data.points),
            "suppliers": len(data.suppliers),
            "local_producers": sum(s.local for s in data.suppliers),
            "orders": sum(1 for o in data.orders if data.start <= o.day <= data.end),
            "fleet_vehicles": len(data.fleet),
        },
        "parameters": _jsonable(dataclasses.asdict(params)),
        "primary_pattern": params.primary_pattern,
        "comparison": comparison,
        "baseline": base_fig,
        "coordinated": coord_fig,
        "patterns": patterns,
        "pattern_comparison": pattern_table,
        "moved_before_period": early,
        "suppliers": _participation(data, params, baseline.supplier_hours, trunk.supplier_hours),
        "decomposition": decomposition,
        "tornado": tornado(data, baseline.trips, trunk.trips, primary_run.trips),
        "cost_split": split,
        "fleet_need": [],  # filled in by analyse()
        "assumptions": _assumptions(data),
        "notes": [note.as_json() for note in _notes(baseline.notes, weeks, ordered, empty_weeks, early, params)],
        "wall_time_s": None,  # filled in by analyse()
    }


def _notes(baseline_notes, weeks, ordered, empty_weeks, early, params) -> list[Message]:
    """What a reader must know to read the figures right, as messages of the word tables."""
    notes = []
    if empty_weeks:
        notes.append(
            Message(
                "impact.note.empty_weeks",
                weeks=", ".join(empty_weeks),
                with_orders=len(ordered),
                total=len(weeks),
            )
        )
    if early["deliveries"]:
        notes.append(
            Message(
                "impact.note.before_period",
                deliveries=early["deliveries"],
                orders=early["orders"],
                dates=", ".join(early["dates"]),
                pattern=Message(f"impact.pattern.{params.primary_pattern}"),
            )
        )
    notes += baseline_notes
    notes += [Message("impact.note.trunk_included"), Message("impact.note.trip_split")]
    return notes


def _assumptions(data: ImpactInput) -> dict:
    """Emission factors, vehicles and cost rates the figures rest on, with units and sources."""
    profiles = {s.profile for s in data.suppliers}
    return {
        "emission_factors": [
            {
                "energy": energy,
                "kg_co2e_per_unit": round(value, 4),
                "unit": factors.EMISSION_FACTOR_UNITS[energy],
                "source": factors.EMISSION_FACTOR_SOURCES[energy],
            }
            for energy, value in factors.EMISSION_FACTORS_KG_CO2E.items()
        ],
        "supplier_vehicles": [
            dataclasses.asdict(p)
            | {"co2e_kg_per_km": round(p.co2e_kg_per_km, 4), "source": factors.VEHICLE_SOURCE}
            for p in sorted(profiles, key=lambda p: p.name)
        ],
        "fleet": [
            {
                "id": f.vehicle.id,
                "name": f.name,
                "energy": f.energy,
                "co2e_kg_per_km": f.co2e_kg_per_km,
                "heavy": f.heavy,
                "cost_per_km": f.vehicle.cost_per_km,
                "cost_per_hour": f.vehicle.cost_per_hour,
            }
            for f in data.fleet
        ],
        "supplier_shift": [moment.strftime("%H:%M") for moment in SUPPLIER_SHIFT],
        "source": Message("impact.note.assumptions_source").as_json(),
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
