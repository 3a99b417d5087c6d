"""The impact analysis's routing runs can be run by anyone in any order (issue 20): the figures
do not depend on the router, given reproducible runs (solution and iteration limits)."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

from samlast import planning as pl
from samlast.demo.generator import generate_cluster
from samlast.impact import ImpactParams, analyse
from samlast.impact.demo import from_demo_cluster
from samlast.impact.routing import DayRouter

#: Limits that bind long before the time limits: the same routes on any machine, under any load.
REPRODUCIBLE = ImpactParams(time_limit_s=30, shapley_time_limit_s=30, solution_limit=30, warm_start_iterations=100,
                            fleet_need=False)  # fmt: skip


class ShuffledRouter(DayRouter):
    """Runs the requests in a random order, as workers finishing at different times would."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def collect(self, batch, done=lambda i: None):
        order = list(range(len(batch.requests)))
        random.Random(len(batch.requests)).shuffle(order)
        results = [None] * len(batch.requests)
        for index in order:
            results[index] = batch.requests[index].run(batch.travel)
            self.calls.append(index)
            done(index)
        return results


def test_the_figures_do_not_depend_on_who_runs_the_routing_or_in_which_order():
    cluster = generate_cluster(seed=2026, scale=0.2)
    data = from_demo_cluster(cluster, cluster.start, cluster.start + timedelta(days=4))  # one week
    steps_here, steps_shuffled = [], []
    here = analyse(data, REPRODUCIBLE, progress=lambda f, m: steps_here.append(f))
    router = ShuffledRouter()
    shuffled = analyse(data, REPRODUCIBLE, progress=lambda f, m: steps_shuffled.append(f), router=router)
    assert router.calls and router.calls != sorted(router.calls)  # really out of order
    here.pop("wall_time_s")
    shuffled.pop("wall_time_s")
    assert shuffled == here
    assert len(steps_shuffled) == len(steps_here) and steps_shuffled[-1] == 1.0
    assert here["cost_split"]["coalition_runs"] > 0  # the coalition-days went through the router too


def test_small_runs_travel_together_and_a_large_one_alone():
    from samlast.impact.routing import DayRequest
    from samlast.services.impact_workers import pack

    def request(stops: int) -> DayRequest:
        jobs = tuple(pl.Job.delivery_job(f"j{i}", pl.Location(55.8, 13.3), {"ambient": pl.Load(1, 0.1)})
                     for i in range(stops))  # fmt: skip
        return DayRequest(pl.Location(55.8, 13.3), (), jobs, pl.SolveParams())

    sizes = [9, 9, 9, 120, 5, 60, 60, 3]
    packed = pack([request(n) for n in sizes], stops=20)
    assert packed == [[0, 1, 2], [3], [4, 5], [6], [7]]
    assert sorted(i for job in packed for i in job) == list(range(len(sizes)))  # each run once, in order
    assert pack([request(n) for n in sizes], stops=1) == [[i] for i in range(len(sizes))]


class RecordingRouter(DayRouter):
    """Runs like the plain router and records what was handed over and collected, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int]] = []

    def submit(self, requests, travel):
        self.events.append(("submit", _kinds(requests), len(requests)))
        return super().submit(requests, travel)

    def collect(self, batch, done=lambda i: None):
        results = super().collect(batch, done)
        self.events.append(("collect", _kinds(batch.requests), len(batch.requests)))
        return results


def _kinds(requests) -> str:
    return ",".join(sorted({type(r).__name__ for r in requests}))


def test_the_fleet_advice_is_handed_over_first_and_collected_last_with_the_same_rows():
    """Workers can do the weekdays' fleet advice (minutes each at city size) while the analysis
    routes everything else: it is submitted before any routing run and collected at the end."""
    from samlast.impact.coordinated import schedule
    from samlast.impact.fleetneed import fleet_need
    from samlast.impact.routing import PrecomputedTravel

    cluster = generate_cluster(seed=2026, scale=0.2)
    data = from_demo_cluster(cluster, cluster.start, cluster.start + timedelta(days=4))  # one week
    params = dataclasses.replace(REPRODUCIBLE, fleet_need=True)
    router = RecordingRouter()
    steps: list[tuple[float, str]] = []
    report = analyse(data, params, router=router, progress=lambda f, m: steps.append((f, str(m))))

    assert router.events[0] == ("submit", "FleetNeedRequest", 5)  # one per weekday, before all else
    assert router.events[-1] == ("collect", "FleetNeedRequest", 5)
    assert {kind for _, kind, _ in router.events[1:-1]} == {"DayRequest"}
    assert [row["weekday"] for row in report["fleet_need"]] == [0, 1, 2, 3, 4]
    # The progress steps name each weekday's date as its advice is collected, then the end.
    assert [key for _, key in steps[-6:]] == ["progress.impact.fleet_need"] * 5 + ["progress.done"]
    assert steps[-1][0] == 1.0
    # The same rows as the fleet need run on its own.
    primary = schedule(data, next(p for p in params.patterns if p.name == params.primary_pattern), params)
    places = [data.terminal] + [s.location for s in data.suppliers] + [p.location for p in data.points]
    alone = fleet_need(data, primary, params, PrecomputedTravel(pl.GeodesicTravelModel(), places))
    assert report["fleet_need"] == alone
    assert all(row["vehicles_needed"] for row in alone)
