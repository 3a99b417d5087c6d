"""Plain-data input and parameters of the impact analysis (no Flask, no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from samlast import planning as pl
from samlast.impact.factors import DEFAULT_SUPPLIER_VEHICLES, VehicleProfile

#: Delivery point kinds that count as "schools and preschools" for heavy-vehicle visits.
CHILD_KINDS = ("school_kitchen", "preschool")


@dataclass(frozen=True)
class ImpactSupplier:
    """A supplier and the vehicle it would use under free delivery.

    Parameters
    ----------
    id : str
    name : str
    kind : str
        "wholesaler" or "local_producer".
    location : Location
        Where its deliveries start (depot, farm).
    vehicle : VehicleProfile or None
        Defaults to :data:`~samlast.impact.factors.DEFAULT_SUPPLIER_VEHICLES` by kind.
    cluster_share : float
        Share (0-1] of each free-delivery trip's km, hours, cost and CO2e that
        belongs to the cluster. A wholesaler's truck also serves other
        customers (restaurants, shops) on the same trip, so only part of the
        trip is the cluster's. Default 1.0: the whole trip is charged to the
        cluster (an upper bound on the free-delivery figures, as before).
    fill_rate : float
        Share (0-1] of the vehicle's capacity the cluster's goods may take on a
        free-delivery trip (the rest carries other customers' goods or stays
        empty). Default 1.0: the whole capacity (as before). A low fill rate
        means more trips for the same goods.
    """

    id: str
    name: str
    kind: str
    location: pl.Location
    vehicle: VehicleProfile | None = None
    cluster_share: float = 1.0
    fill_rate: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.cluster_share <= 1 or not 0 < self.fill_rate <= 1:
            raise ValueError("cluster_share and fill_rate must be in (0, 1]")

    @property
    def profile(self) -> VehicleProfile:
        return self.vehicle or DEFAULT_SUPPLIER_VEHICLES[self.kind]

    @property
    def local(self) -> bool:
        return self.kind == "local_producer"


@dataclass(frozen=True)
class ImpactPoint:
    """A municipal delivery point.

    Parameters
    ----------
    id : str
    name : str
    municipality : str
    kind : str
        "school_kitchen", "preschool", "care_home" or "other".
    location : Location
    windows : mapping int -> tuple of TimeWindow
        Receiving windows per weekday (0 = Monday), seconds since midnight.
        A point without any windows receives at any time.
    service_s : int
        Fixed service time per delivery, seconds.
    """

    id: str
    name: str
    municipality: str
    kind: str
    location: pl.Location
    windows: Mapping[int, tuple[pl.TimeWindow, ...]] = field(default_factory=dict)
    service_s: int = 600

    def windows_on(self, weekday: int) -> tuple[pl.TimeWindow, ...] | None:
        """Windows on `weekday`; () = any time; None = does not receive that day."""
        if not self.windows:
            return ()
        return self.windows.get(weekday) or None

    def receiving_windows(self, weekday: int, restriction: tuple[int, int] | None) -> tuple[pl.TimeWindow, ...]:
        """The windows on `weekday` cut to a delivery-time `restriction` (() = any time).

        A window outside the restriction is dropped; if none is left, the
        restriction itself is used (the rule wins over the point's habits).
        """
        own = self.windows_on(weekday) or ()
        if restriction is None:
            return own
        start, end = restriction
        if not own:
            return (pl.TimeWindow(start, end),)
        cut = tuple(
            pl.TimeWindow(max(w.start, start), min(w.end, end)) for w in own if max(w.start, start) < min(w.end, end)
        )
        return cut or (pl.TimeWindow(start, end),)


@dataclass(frozen=True)
class ImpactOrder:
    """One order in the history.

    Parameters
    ----------
    id : str
    point : str
        Delivery point id.
    supplier : str
        Supplier id.
    day : date
        Requested delivery date.
    loads : mapping str -> Load
        kg and pallet places per temperature class.
    """

    id: str
    point: str
    supplier: str
    day: date
    loads: Mapping[str, pl.Load]

    @property
    def kg(self) -> float:
        return sum(load.kg for load in self.loads.values())

    @property
    def pallets(self) -> float:
        return sum(load.pallets for load in self.loads.values())


@dataclass(frozen=True)
class FleetVehicle:
    """A vehicle of the terminal's distributor.

    Parameters
    ----------
    vehicle : samlast.planning.Vehicle
        Shift, compartments and cost rates, as the planner sees it.
    co2e_kg_per_km : float
        kg CO2e per km.
    heavy : bool
        Gross weight above 3.5 t.
    energy : str
        "diesel", "hvo100", "biogas" or "electric".
    name : str
        What the distributor calls it (shown in the report's assumptions).
    """

    vehicle: pl.Vehicle
    co2e_kg_per_km: float
    heavy: bool = True
    energy: str = "diesel"
    name: str = ""


@dataclass(frozen=True)
class ImpactInput:
    """Everything the analysis needs, for the dates ``start`` to ``end`` inclusive."""

    terminal: pl.Location
    points: tuple[ImpactPoint, ...]
    suppliers: tuple[ImpactSupplier, ...]
    orders: tuple[ImpactOrder, ...]
    fleet: tuple[FleetVehicle, ...]
    start: date
    end: date
    #: Order of municipalities in the report (defaults to sorted names).
    municipalities: tuple[str, ...] = ()

    def municipality_names(self) -> tuple[str, ...]:
        return self.municipalities or tuple(sorted({p.municipality for p in self.points}))


@dataclass(frozen=True)
class PatternSpec:
    """A delivery-day rule for the coordinated scenario.

    Parameters
    ----------
    name : str
    frequency_by_kind : mapping str -> int or None
        Deliveries per week (1, 2 or 3) per delivery point kind. None means
        "as ordered": each point is served on every day it has orders.
    default_frequency : int
        For kinds missing from ``frequency_by_kind``.
    """

    name: str
    frequency_by_kind: Mapping[str, int] | None = None
    default_frequency: int = 2

    def frequency(self, kind: str) -> int | None:
        if self.frequency_by_kind is None:
            return None
        return self.frequency_by_kind.get(kind, self.default_frequency)


AS_ORDERED = PatternSpec("as_ordered")
FIXED_2 = PatternSpec("fixed_2_per_week", {}, 2)
BY_KIND = PatternSpec(
    "by_kind_3_2_1",
    {"school_kitchen": 3, "care_home": 3, "preschool": 2, "other": 1},
    2,
)


@dataclass(frozen=True)
class ImpactParams:
    """How to run the analysis.

    Parameters
    ----------
    time_limit_s : float
        Solver limit per planning run (one supplier-day, one terminal day), seconds.
    shapley_time_limit_s : float
        Solver limit per coalition-day in the cost split, seconds.
    metaheuristic : str
        Same for every run so the scenarios are solved alike. The default,
        greedy descent, stops at the first local optimum, so most runs end
        well before the time limit.
    shapley : bool
        Compute the coalition costs (one run per coalition and day).
    max_shapley_players : int
        Refuse the coalition runs above this many municipalities (2^n - 1 runs per day).
    patterns : tuple of PatternSpec
        Delivery-day patterns to compare in the coordinated scenario.
    primary_pattern : str
        The pattern used for the headline comparison and the cost split.
    clusters_per_day : int
        Geographic clusters per weekday when choosing delivery days.
    terminal_handling_s : int
        Unloading time at the terminal per trunk trip, seconds.
    producer_max_hours_per_day : float
        A local producer "can take part" if its transport takes at most this
        many hours on each delivery day (assumption: spare time on a farm).
    fleet_max_trips : int
        Trips per terminal vehicle and day.
    service_per_pallet_s : int
        Unloading time per pallet place, seconds.
    terminal_handling_sek_per_kg : float
        Cross-docking cost at the terminal per kg delivered (coordinated only;
        assumption: about 400 SEK per tonne, the order of a cross-dock's price).
    admin_sek_per_delivery : float
        Receiving a delivery and handling its delivery note and invoice line,
        SEK per delivery (both scenarios; assumption: a quarter of an hour of
        a kitchen's or an administrator's time).
    coordination_admin_sek_per_week : float
        The coordination's fixed administration per week (coordinator, order
        system), SEK; 0 by default: enter your own.
    delivery_window : (int, int) or None
        The coordinated scenario's delivery-time restriction, seconds since
        midnight: what the municipalities ask of the terminal's distributor
        (e.g. "every kitchen before 08:30", or a town-centre time limit), cut
        with each point's own windows. Free delivery keeps the points' own
        windows (each supplier already comes when it suits its round). None
        (default): no restriction beyond the points' windows. Together with
        the "as ordered" pattern (deliveries on the days the kitchens order,
        no fixed delivery days) it is how a scenario's delivery-day and
        delivery-time restrictions keep the terminal's trucks from filling up.
    fleet_need : bool
        Work out, per weekday, the vehicles the primary pattern needs to serve every delivery
        inside its window (:mod:`samlast.impact.fleetneed`; one fleet advice per weekday).
    seed : int
    """

    time_limit_s: float = 2.0
    shapley_time_limit_s: float = 0.5
    metaheuristic: str = "greedy_descent"
    shapley: bool = True
    max_shapley_players: int = 8
    patterns: tuple[PatternSpec, ...] = (AS_ORDERED, FIXED_2, BY_KIND)
    primary_pattern: str = FIXED_2.name
    clusters_per_day: int = 3
    terminal_handling_s: int = 20 * 60
    producer_max_hours_per_day: float = 3.0
    fleet_max_trips: int = 2
    service_per_pallet_s: int = 60
    terminal_handling_sek_per_kg: float = 0.4
    admin_sek_per_delivery: float = 100.0
    coordination_admin_sek_per_week: float = 0.0
    delivery_window: tuple[int, int] | None = None
    fleet_need: bool = True
    seed: int = 0
    #: Stop each routing run after this many solutions (OR-Tools) and PyVRP iterations, not only at
    #: its time limit: with both set (and time limits long enough never to bind) every run gives
    #: the same routes on any machine and under any load, so an analysis spread over workers has
    #: the very figures of one run in one process. None: the time limits decide.
    solution_limit: int | None = None
    warm_start_iterations: int | None = None

    def __post_init__(self) -> None:
        names = [p.name for p in self.patterns]
        if self.primary_pattern not in names:
            raise ValueError(f"primary_pattern {self.primary_pattern!r} is not in {names}")
        if self.time_limit_s <= 0 or self.shapley_time_limit_s <= 0:
            raise ValueError("time limits must be positive")
        if self.delivery_window is not None:
            start, end = self.delivery_window
            if not 0 <= start < end <= 24 * 3600:
                raise ValueError("delivery_window must be (start, end) seconds since midnight, start < end")

    def solve_params(self, time_limit_s: float) -> pl.SolveParams:
        return pl.SolveParams(
            time_limit_s=time_limit_s,
            seed=self.seed,
            metaheuristic=self.metaheuristic,
            solution_limit=self.solution_limit,
            warm_start_iterations=self.warm_start_iterations,
        )
