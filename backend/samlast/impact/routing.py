"""Route one depot's deliveries of one day with the planner, and the records the figures use.

Both scenarios go through :func:`route_day`, so they are planned alike: same
solver, same settings, same travel model. Jobs the planner cannot fit into
their receiving windows are planned again without windows (counted as
``outside_window``); a run whose time limit ends before any solution is
repeated with twice the time (up to 16x); what still does not fit is driven as a separate
out-and-back trip (counted as ``fallback``) so that every order is carried
and the comparison never gains from goods left behind.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from samlast import planning as pl

#: One temperature class for vehicles without compartments (supplier vehicles).
SINGLE_CLASS = "ambient"


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery to a municipal building (one vehicle stop).

    ``kg`` is what was delivered, ``local_kg`` the part from local producers.
    """

    day: date
    point: str
    municipality: str
    kind: str
    heavy: bool
    kg: float
    local_kg: float
    outside_window: bool = False


@dataclass(frozen=True)
class TripRecord:
    """One vehicle trip: ``km``, ``hours``, ``cost`` (SEK) and ``co2e_kg``.

    ``shares`` splits the trip between municipalities (sums to 1); ``kg`` is
    the load it leaves with (0 when not known).
    """

    day: date
    kind: str  # "supplier_route", "trunk" or "distribution"
    vehicle: str
    km: float
    hours: float
    cost: float
    co2e_kg: float
    heavy: bool
    shares: Mapping[str, float] = field(default_factory=dict)
    fallback: bool = False
    kg: float = 0.0


@dataclass(frozen=True)
class DayJob:
    """A job and what the figures need to know about it."""

    job: pl.Job
    municipality: str


@dataclass(frozen=True)
class RoutedTrip:
    vehicle_id: str
    distance_m: float
    duration_s: int
    cost: float
    job_ids: tuple[str, ...]
    fallback: bool = False


@dataclass
class DayResult:
    trips: list[RoutedTrip]
    outside_window: set[str]


class PrecomputedTravel:
    """A travel model that computes each pair of locations once and then looks it up.

    Parameters
    ----------
    base : TravelMatrixProvider
        The model that builds the full matrix.
    locations : sequence of Location
        Every location the analysis may ask about.
    """

    def __init__(self, base: pl.TravelMatrixProvider, locations: Sequence[pl.Location]):
        unique = list(dict.fromkeys(locations))
        full = base.matrix(unique)
        self._index = {loc: i for i, loc in enumerate(unique)}
        self._dist = full.distances_m
        self._dur = full.durations_s

    def distance_m(self, a: pl.Location, b: pl.Location) -> float:
        return self._dist[self._index[a]][self._index[b]]

    def duration_s(self, a: pl.Location, b: pl.Location) -> float:
        return self._dur[self._index[a]][self._index[b]]

    def matrix(self, locations: Sequence[pl.Location]) -> pl.TravelMatrix:
        ids = [self._index[loc] for loc in locations]
        d, t = self._dist, self._dur
        return pl.TravelMatrix(
            tuple(tuple(d[i][j] for j in ids) for i in ids),
            tuple(tuple(t[i][j] for j in ids) for i in ids),
        )


def _without_windows(job: pl.Job) -> pl.Job:
    visit = job.delivery
    assert visit is not None
    return pl.Job.delivery_job(
        job.id, visit.location, job.demand, (), visit.service_fixed_s, visit.service_per_pallet_s
    )


def _trips(plan: pl.Plan) -> list[RoutedTrip]:
    return [
        RoutedTrip(
            r.vehicle_id, r.distance_m, r.duration_s, r.cost, tuple(s.job_id for s in r.stops)
        )
        for r in plan.routes
    ]


#: A run that ends without any solution is repeated with twice the time, up to this many times.
MAX_DOUBLINGS = 4


def _solve(problem: pl.Problem, params: pl.SolveParams, travel: PrecomputedTravel) -> pl.Plan:
    """Solve; if the time limit ran out before a first solution, try again with more time."""
    plan = pl.solve(problem, params, travel=travel)
    for _ in range(MAX_DOUBLINGS):
        if plan.routes or "TIMEOUT" not in plan.status:
            break
        params = dataclasses.replace(params, time_limit_s=params.time_limit_s * 2)
        plan = pl.solve(problem, params, travel=travel)
    return plan


def route_day(
    depot: pl.Location,
    vehicles: Sequence[pl.Vehicle],
    jobs: Sequence[pl.Job],
    travel: PrecomputedTravel,
    params: pl.SolveParams,
) -> DayResult:
    """Plan one depot's deliveries of one day so that every job is carried.

    Parameters
    ----------
    depot : Location
        Start and end of every trip.
    vehicles : sequence of samlast.planning.Vehicle
    jobs : sequence of samlast.planning.Job
        Delivery jobs.
    travel : PrecomputedTravel
    params : SolveParams

    Returns
    -------
    DayResult
        Trips (``distance_m`` metres, ``duration_s`` seconds, ``cost`` SEK) and
        the ids of jobs planned outside their receiving windows.
    """
    if not jobs:
        return DayResult([], set())
    plan = _solve(pl.Problem(depot, tuple(vehicles), tuple(jobs)), params, travel)
    trips = _trips(plan)
    left = {u.job_id for u in plan.unassigned}
    outside: set[str] = set()
    if left:
        retry = tuple(_without_windows(j) for j in jobs if j.id in left)
        again = _solve(pl.Problem(depot, tuple(vehicles), retry), params, travel)
        trips += _trips(again)
        still = {u.job_id for u in again.unassigned}
        outside = left - still
        vehicle = vehicles[0]
        for job in (j for j in retry if j.id in still):
            trips.append(_out_and_back(depot, vehicle, job, travel))
    return DayResult(trips, outside)


class RoutingRequest(Protocol):
    """A piece of the analysis's routing work a router can hand to anyone: a routing run
    (:class:`DayRequest`) or a day's fleet advice (:mod:`samlast.impact.fleetneed`).

    ``jobs`` are its stops (a router packs small requests together by them); ``timeout_s`` is
    how long it may take at most, or None for a router's time per routing run."""

    @property
    def jobs(self) -> Sequence[pl.Job]: ...

    @property
    def timeout_s(self) -> float | None: ...

    def run(self, travel: PrecomputedTravel) -> Any: ...


@dataclass(frozen=True)
class DayRequest:
    """One routing run of the analysis (a supplier-day, a coordinated day, a coalition-day)."""

    depot: pl.Location
    vehicles: tuple[pl.Vehicle, ...]
    jobs: tuple[pl.Job, ...]
    params: pl.SolveParams
    timeout_s: float | None = None

    def run(self, travel: PrecomputedTravel) -> DayResult:
        return route_day(self.depot, self.vehicles, self.jobs, travel, self.params)


@dataclass
class Batch:
    """Requests handed to a router (:meth:`DayRouter.submit`) whose results are not yet collected.

    ``handle`` is the router's own record of them (e.g. its queued jobs)."""

    requests: Sequence[RoutingRequest]
    travel: PrecomputedTravel
    handle: Any = None


class DayRouter:
    """Runs the analysis's routing runs: here, one after the other. A router that hands them to
    workers (services/impact_workers.py) answers the same results in the same order.

    :meth:`submit` hands requests over at once and :meth:`collect` waits for their results, so
    an analysis can hand over work it needs only at its end (the fleet advice) first and let
    workers do it while the analysis goes on; here, :meth:`collect` runs them."""

    def route_days(
        self,
        requests: Sequence[RoutingRequest],
        travel: PrecomputedTravel,
        done: Callable[[int], None] = lambda i: None,
    ) -> list[Any]:
        """The result of each request, in the requests' order; `done(index)` as each ends."""
        return self.collect(self.submit(requests, travel), done)

    def submit(self, requests: Sequence[RoutingRequest], travel: PrecomputedTravel) -> Batch:
        """Hand `requests` over; their results come from :meth:`collect`."""
        return Batch(requests, travel)

    def collect(self, batch: Batch, done: Callable[[int], None] = lambda i: None) -> list[Any]:
        """The result of each request of `batch`, in order; `done(index)` as each ends."""
        results = []
        for index, request in enumerate(batch.requests):
            results.append(request.run(batch.travel))
            done(index)
        return results

    def discard(self, batch: Batch) -> None:
        """Give up a batch whose results will not be collected (the analysis failed)."""


def _out_and_back(
    depot: pl.Location, vehicle: pl.Vehicle, job: pl.Job, travel: PrecomputedTravel
) -> RoutedTrip:
    visit = job.delivery
    assert visit is not None
    metres = travel.distance_m(depot, visit.location) + travel.distance_m(visit.location, depot)
    seconds = int(
        travel.duration_s(depot, visit.location)
        + travel.duration_s(visit.location, depot)
        + visit.service_s(job.pallets)
    )
    cost = vehicle.cost_per_km * metres / 1000 + vehicle.cost_per_hour * seconds / 3600
    return RoutedTrip(vehicle.id, metres, seconds, cost, (job.id,), fallback=True)


def vehicle_count(jobs: Sequence[pl.Job], capacity_kg: float, capacity_pallets: float) -> int:
    """Vehicles to offer the planner: enough for the load, plus slack for time windows."""
    kg = sum(load.kg for job in jobs for load in job.demand.values())
    pallets = sum(job.pallets for job in jobs)
    needed = math.ceil(max(kg / capacity_kg, pallets / capacity_pallets, 1e-9))
    return max(1, min(len(jobs), needed + 1 + len(jobs) // 8))


def trip_records(
    day: date,
    kind: str,
    trips: Sequence[RoutedTrip],
    municipality_of: Mapping[str, str],
    rate: Callable[[str], tuple[float, bool]],
    jobs: Sequence[pl.Job] = (),
) -> list[TripRecord]:
    """Turn routed trips into records, splitting each trip by its stops' municipalities.

    Parameters
    ----------
    rate : callable
        ``rate(vehicle_id) -> (kg CO2e per km, heavy)``.
    jobs : sequence of Job, optional
        The day's jobs, for each trip's load in kg.
    """
    kg_of = {job.id: sum(load.kg for load in job.demand.values()) for job in jobs}
    records = []
    for trip in trips:
        shares: dict[str, float] = {}
        for job_id in trip.job_ids:
            m = municipality_of[job_id]
            shares[m] = shares.get(m, 0.0) + 1.0 / len(trip.job_ids)
        co2_per_km, heavy = rate(trip.vehicle_id)
        km = trip.distance_m / 1000.0
        records.append(
            TripRecord(
                day,
                kind,
                trip.vehicle_id,
                km,
                trip.duration_s / 3600.0,
                trip.cost,
                km * co2_per_km,
                heavy,
                shares,
                trip.fallback,
                sum(kg_of.get(j, 0.0) for j in trip.job_ids),
            )
        )
    return records
