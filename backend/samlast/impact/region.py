"""Region planning: which municipalities share a terminal, and where it stands (pure).

The question before any route: a region of municipalities, each with its delivery
points and purchases, and candidate terminal sites (fixed yearly cost, handling
cost per pallet). Three kinds of options are compared:

* ``alone``: every municipality runs its own terminal at its cheapest site;
* ``named``: the clusters the user names (a municipality in none stays alone),
  each at its cheapest site;
* ``optimized``: a facility-location model (OR-Tools MIP, SCIP or CBC) decides
  which sites to open and which municipality goes to which site, a
  municipality whole, minimising fixed cost + handling + an estimate of the
  transport.

The transport estimate of the model is linear, so the solver can use it:

* trunk: every supplier's weekly tonnes for a municipality travel to the site
  and back in a truck carrying ``trunk_load_kg`` (cost per km and per hour of
  the wholesaler truck profile);
* distribution: the municipality's deliveries per week (``deliveries_per_week``
  per point) in trips of ``stops_per_trip`` stops, each driving from the site
  to the municipality's centre of gravity and back. Driving inside the
  municipality does not depend on the site and is left out of the estimate.

Every option is then priced with the existing impact analysis
(:func:`samlast.impact.analyse`), one run per terminal and its municipalities,
on a sampled week of orders (the figures are per week with orders and scaled
to a year by ``weeks_per_year``). Options with the same terminal and
municipalities share one run. A municipality whose yearly cost inside its
grouping (its share of the routes as the analysis splits them, its pallets'
handling and its share of the site's fixed cost by pallets) exceeds its cost
alone is flagged.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from samlast import planning as pl
from samlast.i18n import Message
from samlast.impact.baseline import run_baseline
from samlast.impact.factors import WHOLESALER_TRUCK
from samlast.impact.figures import scenario_figures, week_of, weeks_with_orders
from samlast.impact.model import FIXED_2, FleetVehicle, ImpactInput, ImpactParams, ImpactPoint
from samlast.impact.report import analyse
from samlast.impact.routing import PrecomputedTravel

ProgressFn = Callable[[float, Message], object]  # what it answers is not used

#: Option kinds, in the order they are shown.
OPTION_KINDS = ("alone", "named", "optimized")


@dataclass(frozen=True)
class CandidateSite:
    """A place a terminal could stand.

    Parameters
    ----------
    id, name : str
    location : Location
    fixed_sek_per_year : float
        Rent or capital cost and staff that do not depend on volume, SEK a year.
    handling_sek_per_pallet : float
        Cross-docking cost per pallet place through the terminal, SEK.
    proposed : bool
        Made by :func:`propose_sites`, not entered by the user.
    """

    id: str
    name: str
    location: pl.Location
    fixed_sek_per_year: float
    handling_sek_per_pallet: float
    proposed: bool = False


@dataclass(frozen=True)
class RegionInput:
    """The region: delivery points, suppliers and orders (an :class:`ImpactInput`
    whose terminal is ignored), the candidate sites and the fleet every terminal
    would get (its vehicles are repeated as the terminal's volume needs)."""

    data: ImpactInput
    sites: tuple[CandidateSite, ...]
    #: Clusters the user names: name -> municipalities.
    named_clusters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RegionParams:
    """How to answer.

    Parameters
    ----------
    weeks_per_year : float
        Weekly figures times this give yearly ones.
    trunk_load_kg : float
        Average load of a supplier's truck on its way to the terminal (estimate only).
    deliveries_per_week : float
        Deliveries per point and week under coordination (the estimate; the pricing
        uses the analysis' fixed two-a-week pattern).
    stops_per_trip : float
        Deliveries per distribution trip (estimate only).
    solver_time_limit_s : float
        Limit of the facility-location MIP.
    max_sites : int or None
        Open at most this many sites in the optimized option.
    points_per_vehicle : int
        A terminal gets one vehicle of the fleet template per this many delivery points.
    impact : ImpactParams
        The pricing runs' settings: short solver limits, one pattern, no fleet sizing.
    sample_days : int
        Days of orders priced, from the input's start (7: one week).
    """

    weeks_per_year: float = 52.0
    trunk_load_kg: float = 4000.0
    deliveries_per_week: float = 2.0
    stops_per_trip: float = 12.0
    solver_time_limit_s: float = 20.0
    max_sites: int | None = None
    points_per_vehicle: int = 25
    impact: ImpactParams = field(
        default_factory=lambda: ImpactParams(
            time_limit_s=0.5,
            shapley_time_limit_s=0.2,
            patterns=(FIXED_2,),
            primary_pattern=FIXED_2.name,
            max_shapley_players=4,
            fleet_need=False,
        )
    )
    sample_days: int = 7
    #: Run each impact analysis in a child process that ends with it: the planner keeps some
    #: memory per solve, so a long-lived process (a worker, the web server) would grow by
    #: gigabytes over a region run. Costs a few seconds of start-up per analysis.
    isolate: bool = False


# --- volumes and the linear estimate ---------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityVolume:
    """What one municipality receives per week (from the sampled orders)."""

    name: str
    points: int
    kg: float
    pallets: float
    centre: pl.Location
    kg_by_supplier: Mapping[str, float]


def sample_input(data: ImpactInput, days: int) -> ImpactInput:
    """`data` cut to its first `days` days (the sampled period that is priced)."""
    end = min(data.end, data.start + timedelta(days=days - 1))
    return dataclasses.replace(data, end=end)


def _weeks(data: ImpactInput) -> float:
    return max(1.0, ((data.end - data.start).days + 1) / 7.0)


def volumes(data: ImpactInput) -> dict[str, MunicipalityVolume]:
    """Per municipality: points, weekly kg and pallets, kg-weighted centre, kg per supplier."""
    weeks = _weeks(data)
    points = {p.id: p for p in data.points}
    kg: dict[str, float] = defaultdict(float)
    pallets: dict[str, float] = defaultdict(float)
    by_supplier: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    weight_of_point: dict[str, float] = defaultdict(float)
    for o in data.orders:
        if not data.start <= o.day <= data.end:
            continue
        m = points[o.point].municipality
        kg[m] += o.kg / weeks
        pallets[m] += o.pallets / weeks
        by_supplier[m][o.supplier] += o.kg / weeks
        weight_of_point[o.point] += o.kg
    out = {}
    for m in data.municipality_names():
        members = [p for p in data.points if p.municipality == m]
        weights = [weight_of_point.get(p.id, 0.0) or 1e-6 for p in members]
        total = sum(weights) or 1.0
        centre = pl.Location(
            sum(p.location.lat * w for p, w in zip(members, weights, strict=True)) / total,
            sum(p.location.lon * w for p, w in zip(members, weights, strict=True)) / total,
        )
        out[m] = MunicipalityVolume(m, len(members), kg[m], pallets[m], centre, dict(by_supplier[m]))
    return out


def estimate_costs(
    region: RegionInput,
    params: RegionParams,
    volume: Mapping[str, MunicipalityVolume],
    travel: pl.TravelMatrixProvider,
) -> dict[str, dict[str, dict[str, float]]]:
    """Yearly estimate per municipality and site: ``trunk``, ``distribution``, ``handling`` (SEK).

    Returns
    -------
    dict
        ``{municipality: {site id: {"trunk", "distribution", "handling", "total"}}}``.
    """
    suppliers = {s.id: s for s in region.data.suppliers}
    locations = [s.location for s in region.sites]
    locations += [s.location for s in region.data.suppliers] + [v.centre for v in volume.values()]
    unique = list(dict.fromkeys(locations))
    index = {loc: i for i, loc in enumerate(unique)}
    matrix = travel.matrix(unique)
    fleet = region.data.fleet[0].vehicle if region.data.fleet else None
    dist_per_km = fleet.cost_per_km if fleet else WHOLESALER_TRUCK.cost_per_km
    dist_per_h = fleet.cost_per_hour if fleet else WHOLESALER_TRUCK.cost_per_hour

    def round_trip(a: pl.Location, b: pl.Location, per_km: float, per_h: float) -> float:
        i, j = index[a], index[b]
        km = (matrix.distances_m[i][j] + matrix.distances_m[j][i]) / 1000.0
        hours = (matrix.durations_s[i][j] + matrix.durations_s[j][i]) / 3600.0
        return km * per_km + hours * per_h

    year = params.weeks_per_year
    out: dict[str, dict[str, dict[str, float]]] = {}
    for m, v in volume.items():
        out[m] = {}
        trips = v.points * params.deliveries_per_week / params.stops_per_trip
        for site in region.sites:
            trunk = sum(
                kg
                / params.trunk_load_kg
                * round_trip(
                    suppliers[s].location, site.location, WHOLESALER_TRUCK.cost_per_km, WHOLESALER_TRUCK.cost_per_hour
                )
                for s, kg in v.kg_by_supplier.items()
            )
            distribution = trips * round_trip(site.location, v.centre, dist_per_km, dist_per_h)
            handling = v.pallets * site.handling_sek_per_pallet
            row = {"trunk": trunk * year, "distribution": distribution * year, "handling": handling * year}
            row["total"] = sum(row.values())
            out[m][site.id] = {k: round(x, 2) for k, x in row.items()}
    return out


# --- the options -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Municipalities sharing one terminal at one site."""

    site: str
    municipalities: tuple[str, ...]


def cheapest_site(
    members: Sequence[str], sites: Sequence[CandidateSite], cost: Mapping[str, Mapping[str, Mapping[str, float]]]
) -> str:
    """The site where `members` together cost the least a year (fixed cost + estimate)."""
    return min(sites, key=lambda s: (s.fixed_sek_per_year + sum(cost[m][s.id]["total"] for m in members), s.id)).id


def optimize(
    municipalities: Sequence[str],
    sites: Sequence[CandidateSite],
    cost: Mapping[str, Mapping[str, Mapping[str, float]]],
    *,
    max_sites: int | None = None,
    time_limit_s: float = 20.0,
) -> tuple[list[Group], dict]:
    """The facility-location model: open sites, assign each municipality whole to one.

    minimise sum_j f_j y_j + sum_mj c_mj x_mj, sum_j x_mj = 1, x_mj <= y_j,
    sum_j y_j <= max_sites; x, y binary.

    Returns
    -------
    (list of Group, dict)
        The groups (by site, municipalities in the given order) and the solver's
        ``status``, ``objective`` and ``wall_time_s``.
    """
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SCIP") or pywraplp.Solver.CreateSolver("CBC")
    if solver is None:  # pragma: no cover - ortools ships SCIP
        raise RuntimeError("no MIP solver in OR-Tools")
    solver.SetTimeLimit(int(time_limit_s * 1000))
    y = {s.id: solver.BoolVar(f"open_{s.id}") for s in sites}
    x = {(m, s.id): solver.BoolVar(f"assign_{i}_{s.id}") for i, m in enumerate(municipalities) for s in sites}
    for m in municipalities:
        solver.Add(sum(x[m, s.id] for s in sites) == 1)
        for s in sites:
            solver.Add(x[m, s.id] <= y[s.id])
    if max_sites is not None:
        solver.Add(sum(y.values()) <= max_sites)
    solver.Minimize(
        sum(s.fixed_sek_per_year * y[s.id] for s in sites)
        + sum(cost[m][s.id]["total"] * x[m, s.id] for m in municipalities for s in sites)
    )
    status = solver.Solve()
    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "feasible"}
    if status not in names:
        raise RuntimeError(f"facility-location model not solved (status {status})")
    groups = [
        Group(s.id, tuple(m for m in municipalities if x[m, s.id].solution_value() > 0.5))
        for s in sites
        if any(x[m, s.id].solution_value() > 0.5 for m in municipalities)
    ]
    info = {
        "status": names[status],
        "objective": round(solver.Objective().Value(), 2),
        "wall_time_s": round(solver.WallTime() / 1000.0, 3),
    }
    return groups, info


def candidate_options(
    region: RegionInput, cost: Mapping[str, Mapping[str, Mapping[str, float]]], params: RegionParams
) -> list[dict]:
    """The groupings to compare: alone, each named set of clusters, optimized."""
    municipalities = list(region.data.municipality_names())
    sites = list(region.sites)
    options: list[dict[str, Any]] = [
        {
            "kind": "alone",
            "name": "alone",
            "groups": [Group(cheapest_site([m], sites, cost), (m,)) for m in municipalities],
        }
    ]
    if region.named_clusters:
        placed = {m for members in region.named_clusters.values() for m in members}
        groups = [
            Group(cheapest_site(list(members), sites, cost), tuple(m for m in municipalities if m in members))
            for members in region.named_clusters.values()
        ]
        groups += [Group(cheapest_site([m], sites, cost), (m,)) for m in municipalities if m not in placed]
        options.append(
            {
                "kind": "named",
                "name": "named",
                "groups": groups,
                "clusters": {k: list(v) for k, v in region.named_clusters.items()},
            }
        )
    groups, info = optimize(
        municipalities, sites, cost, max_sites=params.max_sites, time_limit_s=params.solver_time_limit_s
    )
    options.append({"kind": "optimized", "name": "optimized", "groups": groups, "solver": info})
    return options


# --- pricing with the impact analysis --------------------------------------------------------


def group_input(region: RegionInput, group: Group, params: RegionParams) -> ImpactInput:
    """The impact analysis' input for one terminal: its site, its municipalities' points and
    orders (the sampled period), the suppliers, and the fleet template repeated as needed."""
    data = sample_input(region.data, params.sample_days)
    site = next(s for s in region.sites if s.id == group.site)
    members = set(group.municipalities)
    points = tuple(p for p in data.points if p.municipality in members)
    ids = {p.id for p in points}
    orders = tuple(o for o in data.orders if o.point in ids)
    used = {o.supplier for o in orders}
    copies = max(1, math.ceil(len(points) / params.points_per_vehicle / max(1, len(data.fleet))))
    fleet = tuple(_vehicle_copy(v, n) for n in range(copies) for v in data.fleet)
    return dataclasses.replace(
        data,
        terminal=site.location,
        points=points,
        suppliers=tuple(s for s in data.suppliers if s.id in used),
        orders=orders,
        fleet=fleet,
        municipalities=tuple(m for m in data.municipality_names() if m in members),
    )


def _vehicle_copy(vehicle: FleetVehicle, n: int) -> FleetVehicle:
    if n == 0:
        return vehicle
    renamed = dataclasses.replace(vehicle.vehicle, id=f"{vehicle.vehicle.id}#{n + 1}")
    return dataclasses.replace(vehicle, vehicle=renamed)


def _per_week(report: dict, scenario: str, key: str) -> float:
    return float(report[scenario]["per_week"][key])


HEADLINE = ("deliveries", "vehicle_km", "co2e_kg", "cost_sek", "kg", "local_kg")


def _group_row(region: RegionInput, group: Group, report: dict, volume, params: RegionParams) -> dict:
    site = next(s for s in region.sites if s.id == group.site)
    year = params.weeks_per_year
    pallets = {m: volume[m].pallets for m in group.municipalities}
    total_pallets = sum(pallets.values()) or 1.0
    coordinated = {k: _per_week(report, "coordinated", k) for k in HEADLINE}
    baseline = {k: _per_week(report, "baseline", k) for k in HEADLINE}
    handling_year = sum(pallets.values()) * site.handling_sek_per_pallet * year
    per_municipality = []
    for m in group.municipalities:
        fig = report["coordinated"]["by_municipality_per_week"].get(m, {})
        base = report["baseline"]["by_municipality_per_week"].get(m, {})
        share = pallets[m] / total_pallets
        transport = float(fig.get("cost_sek", 0.0)) * year
        handling = pallets[m] * site.handling_sek_per_pallet * year
        fixed = site.fixed_sek_per_year * share
        per_municipality.append(
            {
                "municipality": m,
                "site": site.id,
                "deliveries_per_week": fig.get("deliveries", 0.0),
                "free_delivery_deliveries_per_week": base.get("deliveries", 0.0),
                "vehicle_km_per_week": fig.get("vehicle_km", 0.0),
                "co2e_kg_per_week": fig.get("co2e_kg", 0.0),
                "transport_sek_per_year": round(transport, 2),
                "handling_sek_per_year": round(handling, 2),
                "fixed_share_sek_per_year": round(fixed, 2),
                "total_sek_per_year": round(transport + handling + fixed, 2),
                "free_delivery_sek_per_year": round(float(base.get("cost_sek", 0.0)) * year, 2),
            }
        )
    return {
        "site": site.id,
        "site_name": site.name,
        "location": {"lat": site.location.lat, "lon": site.location.lon},
        "municipalities": list(group.municipalities),
        "per_week": {"coordinated": coordinated, "free_delivery": baseline},
        "fixed_sek_per_year": site.fixed_sek_per_year,
        "handling_sek_per_year": round(handling_year, 2),
        "transport_sek_per_year": round(coordinated["cost_sek"] * year, 2),
        "total_sek_per_year": round(site.fixed_sek_per_year + handling_year + coordinated["cost_sek"] * year, 2),
        "per_municipality": per_municipality,
        "cost_split": report["cost_split"],
        "trunk_flows": _trunk_flows(region, group, volume, site),
        "analysis_wall_time_s": report["wall_time_s"],
    }


def _trunk_flows(region: RegionInput, group: Group, volume, site: CandidateSite) -> list[dict]:
    """Weekly kg each supplier sends to the site (the map's flow lines)."""
    kg: dict[str, float] = defaultdict(float)
    for m in group.municipalities:
        for s, value in volume[m].kg_by_supplier.items():
            kg[s] += value
    suppliers = {s.id: s for s in region.data.suppliers}
    return [
        {
            "supplier": suppliers[s].name,
            "kind": suppliers[s].kind,
            "from": {"lat": suppliers[s].location.lat, "lon": suppliers[s].location.lon},
            "to": {"lat": site.location.lat, "lon": site.location.lon},
            "kg_per_week": round(value, 1),
        }
        for s, value in sorted(kg.items())
        if value > 0
    ]


def _totals(groups: list[dict]) -> dict:
    out: dict = {}
    for scenario in ("coordinated", "free_delivery"):
        sums = {k: sum(g["per_week"][scenario][k] for g in groups) for k in HEADLINE}
        sums["local_share"] = sums["local_kg"] / sums["kg"] if sums["kg"] else 0.0
        out[scenario] = {k: round(v, 4) for k, v in sums.items()}
    for key in ("fixed_sek_per_year", "handling_sek_per_year", "transport_sek_per_year", "total_sek_per_year"):
        out[key] = round(sum(g[key] for g in groups), 2)
    return out


def _flag(options: list[dict], tolerance: float = 1e-6) -> None:
    """Mark each municipality that would pay more a year inside its grouping than alone."""
    alone = {
        row["municipality"]: row["total_sek_per_year"] for g in options[0]["groups"] for row in g["per_municipality"]
    }
    for option in options:
        option["pays_more_than_alone"] = []
        for g in option["groups"]:
            for row in g["per_municipality"]:
                own = alone[row["municipality"]]
                row["alone_sek_per_year"] = own
                row["saving_sek_per_year"] = round(own - row["total_sek_per_year"], 2)
                row["pays_more_than_alone"] = row["total_sek_per_year"] > own * (1 + tolerance) + tolerance
                if row["pays_more_than_alone"]:
                    option["pays_more_than_alone"].append(row["municipality"])


def region_baseline(data: ImpactInput, params: RegionParams, travel: pl.TravelMatrixProvider, step) -> dict:
    """Free delivery today for the whole region in one run (every supplier routes all its
    region's orders of a day together), per week with orders: the reference every option is
    compared with. An option's own ``free_delivery`` sums its terminals' separate analyses,
    which route each supplier once per terminal and so count more km the more terminals."""
    locations = [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
    matrix = PrecomputedTravel(travel, locations)
    run = run_baseline(data, params.impact, matrix, step)
    days = [data.start + timedelta(days=i) for i in range((data.end - data.start).days + 1)]
    weeks = sorted({week_of(day) for day in days})
    ordered = weeks_with_orders(o.day for o in data.orders if data.start <= o.day <= data.end)
    figures = scenario_figures(run.deliveries, run.trips, list(data.municipality_names()), weeks, ordered, data.start)
    out: dict[str, Any] = {k: round(float(figures["per_week"][k]), 4) for k in (*HEADLINE, "local_share")}
    out["by_municipality"] = {
        m: {k: round(float(v[k]), 4) for k in HEADLINE} for m, v in figures["by_municipality_per_week"].items()
    }
    return out


def _no_step(message: Message) -> None:
    """Progress of a run in a child process goes nowhere (module level: it is pickled)."""


def _analyse_quietly(data: ImpactInput, params: ImpactParams, travel: pl.TravelMatrixProvider) -> dict:
    return analyse(data, params, travel=travel)


class _Runner:
    """Calls functions in a fresh child process each (``isolate``), or says to call them here."""

    def __init__(self, isolate: bool):
        self.isolate = isolate
        self.pool: Any = None

    def __enter__(self) -> _Runner:
        if self.isolate:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # "spawn": a child of a threaded process (the web server, a worker) must not fork its locks.
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1)
        return self

    def call(self, function, *args):
        assert self.pool is not None
        return self.pool.submit(function, *args).result()

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def analyse_region(
    region: RegionInput,
    params: RegionParams | None = None,
    *,
    travel: pl.TravelMatrixProvider | None = None,
    progress: ProgressFn | None = None,
) -> dict:
    """Compare the groupings and terminal sites of a region.

    Parameters
    ----------
    region : RegionInput
    params : RegionParams, optional
    travel : TravelMatrixProvider, optional
        Defaults to :class:`samlast.planning.GeodesicTravelModel`.
    progress : callable, optional
        ``progress(fraction 0-1, message)``.

    Returns
    -------
    dict
        JSON-ready: ``municipalities`` (volumes, centres), ``sites``, ``estimate``
        (the model's yearly cost per municipality and site), ``options`` (each
        with ``groups``: site, municipalities, weekly figures of the impact
        analysis for both scenarios, yearly costs, per-municipality rows with
        ``pays_more_than_alone``, the analysis' cost split and the trunk flows;
        and ``totals``), ``sample`` (the priced period) and ``notes``.
    """
    params = params or RegionParams()
    travel = travel or pl.GeodesicTravelModel()
    report_progress = progress or (lambda fraction, message: None)
    if not region.sites:
        raise ValueError("a region needs at least one candidate site")
    report_progress(0.0, Message("progress.region.estimate"))
    sampled = sample_input(region.data, params.sample_days)
    volume = volumes(sampled)
    cost = estimate_costs(region, params, volume, travel)
    options = candidate_options(region, cost, params)
    runs: dict[Group, dict] = {}
    wanted = list(dict.fromkeys(g for o in options for g in o["groups"]))
    # The whole region's baseline counts as one more run of the same size as a terminal's.
    total = len(wanted) + 1
    baseline_days = max(1, len({(o.supplier, o.day) for o in sampled.orders if sampled.start <= o.day <= sampled.end}))
    done_days = [0]

    def baseline_step(message: Message) -> None:
        done_days[0] += 1
        report_progress(0.02 + 0.97 * min(1.0, done_days[0] / baseline_days) / total, message)

    with _Runner(params.isolate) as runner:
        if runner.pool is None:
            baseline = region_baseline(sampled, params, travel, baseline_step)
        else:
            baseline = runner.call(region_baseline, sampled, params, travel, _no_step)
        for i, group in enumerate(wanted):
            share = (i + 1, total)

            def forward(fraction: float, message: Message, share=share) -> None:
                report_progress(0.02 + 0.97 * (share[0] + fraction) / share[1], message)

            forward(0.0, Message("progress.region.pricing", done=i + 1, n=len(wanted)))
            data = group_input(region, group, params)
            if runner.pool is None:
                runs[group] = analyse(data, params.impact, travel=travel, progress=forward)
            else:  # a child process reports no progress of its own: the step per terminal shows
                runs[group] = runner.call(_analyse_quietly, data, params.impact, travel)
    out_options = []
    for option in options:
        groups = [_group_row(region, g, runs[g], volume, params) for g in option["groups"]]
        entry = {k: v for k, v in option.items() if k != "groups"}
        entry["groups"] = groups
        entry["totals"] = _totals(groups)
        out_options.append(entry)
    _flag(out_options)
    report_progress(1.0, Message("progress.done"))
    return {
        "municipalities": [
            {
                "name": v.name,
                "points": v.points,
                "kg_per_week": round(v.kg, 1),
                "pallets_per_week": round(v.pallets, 2),
                "centre": {"lat": v.centre.lat, "lon": v.centre.lon},
            }
            for v in volume.values()
        ],
        "sites": [
            {
                "id": s.id,
                "name": s.name,
                "lat": s.location.lat,
                "lon": s.location.lon,
                "fixed_sek_per_year": s.fixed_sek_per_year,
                "handling_sek_per_pallet": s.handling_sek_per_pallet,
                "proposed": s.proposed,
            }
            for s in region.sites
        ],
        "estimate": cost,
        "free_delivery": baseline,
        "options": out_options,
        "sample": {
            "start": sampled.start.isoformat(),
            "end": sampled.end.isoformat(),
            "weeks_per_year": params.weeks_per_year,
        },
        "analysis_runs": len(runs),
        "notes": [
            Message(
                "region.note.sampled",
                start=sampled.start.isoformat(),
                end=sampled.end.isoformat(),
                weeks=params.weeks_per_year,
            ).as_json(),
            Message("region.note.estimate").as_json(),
            Message("region.note.fixedShare").as_json(),
            Message("region.note.baseline").as_json(),
        ],
    }


# --- proposing sites -------------------------------------------------------------------------


def propose_sites(
    points: Sequence[ImpactPoint],
    *,
    mode: str = "towns",
    fixed_sek_per_year: float = 1_500_000.0,
    handling_sek_per_pallet: float = 60.0,
    grid_km: float = 15.0,
) -> list[CandidateSite]:
    """Candidate sites at each municipality's centre of its delivery points (``towns``), or on a
    square grid of `grid_km` over the points, keeping cells with a point in them (``grid``)."""
    sites = []
    if mode == "towns":
        by_m: dict[str, list[ImpactPoint]] = defaultdict(list)
        for p in points:
            by_m[p.municipality].append(p)
        for i, (m, members) in enumerate(sorted(by_m.items())):
            lat = sum(p.location.lat for p in members) / len(members)
            lon = sum(p.location.lon for p in members) / len(members)
            sites.append(
                CandidateSite(
                    f"town-{i + 1}",
                    m,
                    pl.Location(round(lat, 5), round(lon, 5)),
                    fixed_sek_per_year,
                    handling_sek_per_pallet,
                    proposed=True,
                )
            )
        return sites
    if mode != "grid":
        raise ValueError(f"unknown mode {mode!r}")
    lat0 = min(p.location.lat for p in points)
    lon0 = min(p.location.lon for p in points)
    dlat = grid_km / 111.2
    dlon = grid_km / (111.2 * math.cos(math.radians(lat0)))
    cells = sorted({(int((p.location.lat - lat0) / dlat), int((p.location.lon - lon0) / dlon)) for p in points})
    for n, (i, j) in enumerate(cells):
        lat, lon = lat0 + (i + 0.5) * dlat, lon0 + (j + 0.5) * dlon
        sites.append(
            CandidateSite(
                f"grid-{n + 1}",
                f"{lat:.3f}, {lon:.3f}",
                pl.Location(round(lat, 5), round(lon, 5)),
                fixed_sek_per_year,
                handling_sek_per_pallet,
                proposed=True,
            )
        )
    return sites
