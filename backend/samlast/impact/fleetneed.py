"""How many vehicles the coordinated distribution needs, per weekday, to serve every delivery
inside its receiving window: the fleet advice (:mod:`samlast.planning.fleet`) run on the
busiest day of each weekday of the analysed schedule.

The distribution scenario itself always carries every delivery (a stop the fleet cannot reach
in its window is planned outside it, and counted as such); this says what it would take not to:
"Tuesdays need 3 vehicles, the terminal has 2". The busiest day of a weekday is the one with the
most stops (then the earliest), so the figure is what the weekday needs at its peak, not on
average. Vehicles that could be added are modelled on the terminal's own, one type per make-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from samlast import planning as pl
from samlast.i18n import Message
from samlast.impact.coordinated import Schedule, fleet_vehicles, jobs_of_day
from samlast.impact.model import ImpactInput, ImpactParams
from samlast.impact.routing import DayRouter, PrecomputedTravel
from samlast.planning import fleet


def busiest_days(plan: Schedule, stops_on: Callable[[date], int]) -> dict[int, date]:
    """Weekday (0 = Monday) to its date with the most stops, the earliest among equals."""
    by_weekday: dict[int, list[date]] = defaultdict(list)
    for day in plan.dates():
        by_weekday[day.weekday()].append(day)
    return {
        weekday: min(days, key=lambda d: (-stops_on(d), d)) for weekday, days in sorted(by_weekday.items())
    }


def _types(vehicles: list[pl.Vehicle], data: ImpactInput) -> list[fleet.VehicleType]:
    names = {f.vehicle.id: f.name or f.vehicle.id for f in data.fleet}
    types: dict[tuple, fleet.VehicleType] = {}
    for vehicle in vehicles:
        types.setdefault(fleet.make_up(vehicle), fleet.VehicleType(f"like-{vehicle.id}", names[vehicle.id], vehicle))
    return list(types.values())


@dataclass(frozen=True)
class FleetNeedRequest:
    """The fleet advice of one weekday's busiest date, as a piece of work any router can run
    (:class:`~samlast.impact.routing.RoutingRequest`): on an RQ worker while the analysis goes on."""

    weekday: int
    day: date
    terminal: pl.Location
    vehicles: tuple[pl.Vehicle, ...]
    types: tuple[fleet.VehicleType, ...]
    jobs: tuple[pl.Job, ...]

    @property
    def timeout_s(self) -> float:
        # Every planner run of the advice at its time limit, and as much again for the rest.
        return 2 * fleet.max_solves(len(self.vehicles), len(self.types)) * fleet.ADVICE_PARAMS.time_limit_s

    def run(self, travel: pl.TravelMatrixProvider) -> dict:
        """The weekday's row (see :func:`fleet_need`)."""
        advice = fleet.advise(pl.Problem(self.terminal, self.vehicles, self.jobs), self.types, travel=travel)
        enough = advice.enough
        return {
            "weekday": self.weekday,
            "date": self.day.isoformat(),
            "stops": len(self.jobs),
            "vehicles_at_hand": len(self.vehicles),
            "vehicles_needed": advice.needed,
            "vehicles_tried": advice.limit,
            "trips": enough.trips if enough else None,
            "km": round(enough.distance_m / 1000, 1) if enough else None,
            # With one vehicle needed, "one fewer" is none at all: no stop forces an extra vehicle.
            "binding_stops": len(advice.binding) if (advice.needed or 0) >= 2 else 0,
            "unservable_stops": len(advice.unservable),
        }  # fmt: skip


def fleet_need_requests(data: ImpactInput, plan: Schedule, params: ImpactParams) -> list[FleetNeedRequest]:
    """One fleet advice per weekday of `plan`, on its busiest date (none without a fleet)."""
    vehicles = fleet_vehicles(data, params)
    if not vehicles:
        return []
    types = tuple(_types(vehicles, data))

    def jobs_on(day: date) -> list[pl.Job]:
        return jobs_of_day(data, plan, day, params, None)[0]

    return [
        FleetNeedRequest(weekday, day, data.terminal, tuple(vehicles), types, tuple(jobs_on(day)))
        for weekday, day in busiest_days(plan, lambda d: len(jobs_on(d))).items()
    ]


def fleet_need(
    data: ImpactInput,
    plan: Schedule,
    params: ImpactParams,
    travel: PrecomputedTravel,
    step: Callable[[Message], None] = lambda message: None,
    router: DayRouter | None = None,
) -> list[dict]:
    """Per weekday of `plan`: its busiest date, the stops, the vehicles at hand, the vehicles
    needed to serve every stop in its window (None: more than the advice tries), the binding
    stops (left out with one vehicle fewer) and those no vehicle could serve in their window.

    The analysis hands the requests (:func:`fleet_need_requests`) to its router at its start
    instead, and collects them at its end (:func:`rows_done`)."""
    router = router or DayRouter()
    requests = fleet_need_requests(data, plan, params)
    return router.collect(router.submit(requests, travel), rows_done(requests, step))


def rows_done(requests: list[FleetNeedRequest], step: Callable[[Message], None]) -> Callable[[int], None]:
    """The progress step of each weekday's row as it is done."""
    return lambda index: step(Message("progress.impact.fleet_need", date=requests[index].day.isoformat()))
