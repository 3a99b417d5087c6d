"""Plain-data planning problem and plan.

Everything here is a frozen dataclass with no dependency on Flask, the
database or OR-Tools, so problems can be built in tests, serialised by the
web layer and solved in a worker process.

Units used throughout the package
---------------------------------
* times: seconds since midnight of the planning day (int)
* durations: seconds (int)
* distances: metres (float)
* weights: kilograms (float)
* volume: pallet places (float; half pallets are allowed)
* money: the currency of the cost rates (float)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeVar

from .params import SolveParams

TemperatureClass = Literal["frozen", "chilled", "ambient"]
TEMPERATURE_CLASSES: tuple[TemperatureClass, ...] = ("frozen", "chilled", "ambient")


@dataclass(frozen=True)
class Location:
    """A point on the map (WGS84 degrees), or planar x/y for matrix problems."""

    lat: float
    lon: float


@dataclass(frozen=True)
class TimeWindow:
    """Interval during which service may *start*, in seconds since midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends before it starts: {self}")


_Seconds = TypeVar("_Seconds", int, float)


def earliest_start(arrival: _Seconds, windows: Sequence[TimeWindow]) -> _Seconds | None:
    """The earliest service start at or after `arrival` inside one of `windows` (a vehicle early
    waits for the window); `arrival` itself without windows; None when every window has closed."""
    if not windows:
        return arrival
    starts = [max(arrival, w.start) for w in windows if max(arrival, w.start) <= w.end]
    return min(starts) if starts else None


@dataclass(frozen=True)
class Load:
    """An amount of goods in one temperature class.

    Parameters
    ----------
    kg : float
        Weight in kilograms.
    pallets : float
        Pallet places.
    """

    kg: float = 0.0
    pallets: float = 0.0

    def __post_init__(self) -> None:
        if self.kg < 0 or self.pallets < 0:
            raise ValueError(f"negative load: {self}")

    def fits_in(self, capacity: Load) -> bool:
        return self.kg <= capacity.kg and self.pallets <= capacity.pallets

    def is_empty(self) -> bool:
        return self.kg == 0 and self.pallets == 0


#: A compartment capacity is the same pair of numbers as a load.
Capacity = Load


def _check_classes(mapping: Mapping[str, Load], what: str) -> None:
    unknown = set(mapping) - set(TEMPERATURE_CLASSES)
    if unknown:
        raise ValueError(f"unknown temperature class in {what}: {sorted(unknown)}")


@dataclass(frozen=True)
class BreakRule:
    """Driver driving-time rule (EU 561/2006 by default).

    The regulation asks for a break of at least ``break_s`` after at most
    ``max_driving_s`` of *driving* (art. 7) and at most
    ``max_daily_driving_s`` of driving per day (art. 6). Service and waiting
    time do not count as driving.

    The solver enforces it for vehicles with ``Vehicle.break_rule`` like this:

    * no trip drives more than ``max_driving_s`` (a driving-time dimension
      per trip: travel time only);
    * between two trips of the vehicle the terminal stop lasts at least
      ``max(reload_s, break_s)``; the driver takes the break while the
      vehicle is reloaded, and the plan reports it as a
      :class:`PlannedBreak` at the start of that gap (on the following trip);
    * the driving of all trips of the day together is at most
      ``max_daily_driving_s`` (a constraint across trips, added only when
      ``max_trips * max_driving_s`` could exceed it: with the default two
      trips of 4.5 h the 9 h hold by construction).

    This is legal because the driving between two breaks is exactly the
    driving of one trip (<= 4.5 h), and every trip after the first is
    preceded by a break of ``break_s``. It is stricter than the regulation
    only in that a break is never taken *during* a trip, so a single
    destination more than ``max_driving_s`` of driving away (there and
    back) cannot be served by a break-rule vehicle; such a job is reported
    as ``DRIVING_TIME_LIMIT``. In a municipal cluster (trips of tens of
    kilometres) this never binds, and breaks at the terminal keep the
    routing model as cheap as one without breaks.

    Parameters
    ----------
    max_driving_s : int
        Longest driving time, in seconds, without a break (per trip).
    break_s : int
        Break duration in seconds.
    max_daily_driving_s : int
        Longest driving time, in seconds, over all trips of a day.
    """

    max_driving_s: int = 4 * 3600 + 30 * 60
    break_s: int = 45 * 60
    max_daily_driving_s: int = 9 * 3600

    def __post_init__(self) -> None:
        if min(self.max_driving_s, self.break_s, self.max_daily_driving_s) <= 0:
            raise ValueError(f"break rule durations must be positive: {self}")


@dataclass(frozen=True)
class Vehicle:
    """A vehicle with its driver's shift.

    Parameters
    ----------
    id : str
        Stable identifier, echoed in the plan.
    shift_start, shift_end : int
        Earliest departure from / latest return to the terminal, seconds since
        midnight.
    capacities : Mapping[str, Capacity]
        Compartment capacity per temperature class. A class missing from the
        mapping (or with zero capacity) means the vehicle has no such
        compartment and can never carry goods of that class.
    cost_per_km : float
        Distance cost, currency per kilometre.
    cost_per_hour : float
        Time cost (driver and vehicle), currency per hour of route duration,
        waiting included.
    max_route_duration : int or None
        Upper bound in seconds on the time between the first departure and the
        last return of the day (all trips together).
    break_rule : bool
        Whether the driver is bound by the problem's :class:`BreakRule`
        (driving per trip and per day, break at the terminal between trips).
    max_trips : int
        How many times the vehicle may leave the terminal in one day.
    reload_s : int
        Time at the terminal, in seconds, between two trips (at least the
        rule's ``break_s`` for a break-rule vehicle).
    """

    id: str
    shift_start: int
    shift_end: int
    capacities: Mapping[str, Capacity]
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    max_route_duration: int | None = None
    break_rule: bool = False
    max_trips: int = 1
    reload_s: int = 0

    def __post_init__(self) -> None:
        _check_classes(self.capacities, f"vehicle {self.id}")
        if self.shift_end < self.shift_start:
            raise ValueError(f"vehicle {self.id}: shift ends before it starts")
        if self.max_trips < 1:
            raise ValueError(f"vehicle {self.id}: max_trips must be >= 1")

    def capacity(self, temperature: str) -> Capacity:
        return self.capacities.get(temperature, Capacity())


class JobKind(StrEnum):
    """What a job asks for."""

    #: Goods loaded at the terminal and delivered to a recipient.
    DELIVERY = "delivery"
    #: Goods collected at a producer and brought to the terminal.
    PICKUP = "pickup"
    #: Goods collected at a producer and delivered on the same route.
    PICKUP_DELIVERY = "pickup_delivery"


class StopAction(StrEnum):
    """What happens at a stop."""

    PICKUP = "pickup"
    DELIVERY = "delivery"


@dataclass(frozen=True)
class Visit:
    """Where and when a job is served.

    Parameters
    ----------
    location : Location
        Address of the stop.
    time_windows : tuple of TimeWindow
        Allowed service start intervals (one or more per day, disjoint).
        Empty means "any time within the shift".
    service_fixed_s : int
        Service time in seconds per visit (parking, paperwork).
    service_per_pallet_s : int
        Additional service time in seconds per pallet place handled.
    soft_latest_s : int or None
        Preferred latest service start: starting later (still inside a
        window) is allowed but costs ``SolveParams.soft_latest_cost_per_s``
        per second. The planner's safety margin before a window closes,
        kept soft so that a job is never dropped for the margin alone.
    """

    location: Location
    time_windows: tuple[TimeWindow, ...] = ()
    service_fixed_s: int = 0
    service_per_pallet_s: int = 0
    soft_latest_s: int | None = None

    def service_s(self, pallets: float) -> int:
        return int(round(self.service_fixed_s + self.service_per_pallet_s * pallets))


@dataclass(frozen=True)
class Job:
    """A transport order.

    Use the constructors :meth:`delivery_job`, :meth:`pickup_job` and
    :meth:`pickup_delivery_job`.

    Parameters
    ----------
    id : str
        Stable identifier, echoed in the plan.
    kind : JobKind
        Delivery from the terminal, pickup to the terminal, or both ends on
        the same route.
    demand : Mapping[str, Load]
        Goods per temperature class.
    pickup : Visit or None
        Producer visit (``PICKUP`` and ``PICKUP_DELIVERY``).
    delivery : Visit or None
        Recipient visit (``DELIVERY`` and ``PICKUP_DELIVERY``).
    """

    id: str
    kind: JobKind
    demand: Mapping[str, Load]
    pickup: Visit | None = None
    delivery: Visit | None = None

    def __post_init__(self) -> None:
        _check_classes(self.demand, f"job {self.id}")
        needs_pickup = self.kind in (JobKind.PICKUP, JobKind.PICKUP_DELIVERY)
        needs_delivery = self.kind in (JobKind.DELIVERY, JobKind.PICKUP_DELIVERY)
        if needs_pickup != (self.pickup is not None):
            raise ValueError(f"job {self.id}: pickup visit does not match kind {self.kind}")
        if needs_delivery != (self.delivery is not None):
            raise ValueError(f"job {self.id}: delivery visit does not match kind {self.kind}")

    @property
    def pallets(self) -> float:
        return sum(load.pallets for load in self.demand.values())

    def visits(self) -> list[tuple[StopAction, Visit]]:
        """Visits in the order they must happen on a route."""
        out: list[tuple[StopAction, Visit]] = []
        if self.pickup is not None:
            out.append((StopAction.PICKUP, self.pickup))
        if self.delivery is not None:
            out.append((StopAction.DELIVERY, self.delivery))
        return out

    @classmethod
    def delivery_job(
        cls,
        id: str,
        location: Location,
        demand: Mapping[str, Load],
        time_windows: tuple[TimeWindow, ...] = (),
        service_fixed_s: int = 0,
        service_per_pallet_s: int = 0,
        soft_latest_s: int | None = None,
    ) -> Job:
        visit = Visit(location, tuple(time_windows), service_fixed_s, service_per_pallet_s, soft_latest_s)
        return cls(id, JobKind.DELIVERY, dict(demand), delivery=visit)

    @classmethod
    def pickup_job(
        cls,
        id: str,
        location: Location,
        demand: Mapping[str, Load],
        time_windows: tuple[TimeWindow, ...] = (),
        service_fixed_s: int = 0,
        service_per_pallet_s: int = 0,
    ) -> Job:
        visit = Visit(location, tuple(time_windows), service_fixed_s, service_per_pallet_s)
        return cls(id, JobKind.PICKUP, dict(demand), pickup=visit)

    @classmethod
    def pickup_delivery_job(
        cls, id: str, pickup: Visit, delivery: Visit, demand: Mapping[str, Load]
    ) -> Job:
        return cls(id, JobKind.PICKUP_DELIVERY, dict(demand), pickup=pickup, delivery=delivery)


@dataclass(frozen=True)
class Problem:
    """A day's planning problem for one consolidation terminal.

    Parameters
    ----------
    terminal : Location
        Where every trip starts and ends (and where vehicles reload).
    vehicles : tuple of Vehicle
    jobs : tuple of Job
    break_rule : BreakRule
        Applied to vehicles with ``break_rule=True``.
    """

    terminal: Location
    vehicles: tuple[Vehicle, ...]
    jobs: tuple[Job, ...]
    break_rule: BreakRule = field(default_factory=BreakRule)

    def __post_init__(self) -> None:
        for what, items in (("vehicle", self.vehicles), ("job", self.jobs)):
            ids = [item.id for item in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"duplicate {what} ids")


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Stop:
    """A served visit in a planned route.

    ``arrival`` <= ``service_start`` (the difference is waiting time) and
    ``departure`` = ``service_start`` + service time, all in seconds since
    midnight. ``load_after`` is the vehicle's load per temperature class when
    it leaves the stop.
    """

    job_id: str
    job_kind: JobKind
    action: StopAction
    location: Location
    arrival: int
    service_start: int
    departure: int
    load_after: Mapping[str, Load]


@dataclass(frozen=True)
class PlannedBreak:
    """A driver break: ``start`` seconds since midnight, ``duration_s`` seconds.

    The solver places breaks at the terminal between two trips (see
    :class:`BreakRule`): the break is listed on the trip it precedes and
    starts when the previous trip returns, i.e. before that trip's ``start``.
    """

    start: int
    duration_s: int


@dataclass(frozen=True)
class Route:
    """One trip of one vehicle: terminal -> stops -> terminal.

    ``distance_m`` in metres, ``duration_s`` from ``start`` (departure from
    the terminal) to ``end`` (return), ``cost`` in currency.
    """

    vehicle_id: str
    trip: int
    start: int
    end: int
    stops: tuple[Stop, ...]
    breaks: tuple[PlannedBreak, ...]
    distance_m: float
    duration_s: int
    cost: float

    @property
    def key(self) -> tuple[str, int]:
        return (self.vehicle_id, self.trip)


class UnassignedReason(StrEnum):
    """Why a job is not in the plan (computed independently of the solver)."""

    NO_VEHICLE_COMPARTMENT = "no_vehicle_compartment"
    TOO_HEAVY_FOR_ANY_VEHICLE = "too_heavy_for_any_vehicle"
    TIME_WINDOW_UNREACHABLE = "time_window_unreachable"
    #: Terminal -> job -> terminal alone drives longer than the break rule's
    #: ``max_driving_s`` and only break-rule vehicles could otherwise serve it.
    DRIVING_TIME_LIMIT = "driving_time_limit"
    NO_CAPACITY_OR_TIME_LEFT = "no_capacity_or_time_left"


@dataclass(frozen=True)
class UnassignedJob:
    job_id: str
    reason: UnassignedReason


@dataclass(frozen=True)
class Plan:
    """Solver output.

    ``objective`` is the solver's internal objective (integer, includes drop
    penalties); ``total_cost`` is the sum of route costs in currency.
    ``status`` is the OR-Tools routing status name. ``params`` echoes the
    :class:`~.params.SolveParams` used (seed included), None for a plan no solver made.
    ``warm_started`` says whether ``initial_plan`` was loaded;
    ``first_solution_source`` where the OR-Tools search started from:
    ``"initial_plan"``, ``"pyvrp"``, ``"pyvrp_repaired:<n>"`` (PyVRP routes
    with the *n* stops of vehicles whose trips OR-Tools rejected left out,
    e.g. a trip driving longer than the break rule allows; the OR-Tools
    search re-inserted them) or ``"ortools"``
    (the ``first_solution`` heuristic).
    """

    routes: tuple[Route, ...]
    unassigned: tuple[UnassignedJob, ...]
    objective: int
    total_distance_m: float
    total_cost: float
    status: str
    wall_time_s: float
    params: SolveParams | None
    warm_started: bool = False
    first_solution_source: str = "ortools"

    def route(self, vehicle_id: str, trip: int = 0) -> Route | None:
        for route in self.routes:
            if route.key == (vehicle_id, trip):
                return route
        return None
