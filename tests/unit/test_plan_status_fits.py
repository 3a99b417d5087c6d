"""Every status the planner can write fits the plan table's column (PostgreSQL refuses longer text)."""

from ortools.constraint_solver import routing_enums_pb2

from samlast.models import Plan
from samlast.planning.solver import _STATUS


def test_every_routing_status_fits_the_plan_column():
    width = Plan.__table__.c.solver_status.type.length
    names = set(_STATUS.values()) | set(routing_enums_pb2.RoutingSearchStatus.Value.keys())
    assert "ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED" in names
    too_long = sorted(name for name in names if len(name) > width)
    assert too_long == []
