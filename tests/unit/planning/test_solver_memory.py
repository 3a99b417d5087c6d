"""A solve leaves nothing behind: OR-Tools keeps the Python callbacks registered with a routing
model, and those callbacks once closed over the model, so every solve's routing model (about 5 MB
on a 54-stop day) lived until the process ended: a web server or worker grew with each plan."""

from __future__ import annotations

import gc
import random

from samlast import planning as pl
from samlast.planning.model import Capacity, Vehicle


def _alive(name: str) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o).__name__ == name)


def test_no_routing_model_outlives_its_solve():
    rng = random.Random(1)
    jobs = tuple(
        pl.Job.delivery_job(f"j{i}", pl.Location(55.7 + rng.random() * 0.3, 13.1 + rng.random() * 0.5),
                            {"ambient": pl.Load(50, 0.2)}, (), 300, 60)
        for i in range(20)
    )  # fmt: skip
    vehicles = (Vehicle("v", 6 * 3600, 16 * 3600, {"ambient": Capacity(1000, 10)}),)
    problem = pl.Problem(pl.Location(55.84, 13.30), vehicles, jobs)
    before = _alive("RoutingModel"), _alive("_Model")
    for _ in range(3):
        plan = pl.solve(problem, pl.SolveParams(time_limit_s=0.2, seed=0))
        assert plan.routes  # a real solve, with its callbacks run
    assert (_alive("RoutingModel"), _alive("_Model")) == before
