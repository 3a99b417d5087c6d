"""Route planning: plain-data problem in, plain-data plan out.

No Flask and no database here. Typical use::

    from samlast.planning import Problem, SolveParams, solve
    plan = solve(problem, SolveParams(time_limit_s=30))

See :func:`solve` for re-planning (``initial_plan``/``fixed``) and
determinism. OR-Tools is imported only by :mod:`samlast.planning.solver`,
PyVRP (optional warm start) only by :mod:`samlast.planning.pyvrp_start`.
"""

from .model import (
    TEMPERATURE_CLASSES,
    BreakRule,
    Capacity,
    Job,
    JobKind,
    Load,
    Location,
    Plan,
    PlannedBreak,
    Problem,
    Route,
    Stop,
    StopAction,
    TemperatureClass,
    TimeWindow,
    UnassignedJob,
    UnassignedReason,
    Vehicle,
    Visit,
)
from .params import (
    FIRST_SOLUTION_STRATEGIES,
    LARGE_DAY_TIME_LIMIT_S,
    METAHEURISTICS,
    WARM_START_FALLBACKS,
    WARM_STARTS,
    SolveCallbacks,
    SolveParams,
    is_large_day,
    least_time_limit_s,
)
from .solver import solve
from .travel import (
    DEFAULT_SPEED_BANDS,
    AreaFactor,
    EuclideanTravelModel,
    GeodesicTravelModel,
    MatrixTravelModel,
    OsrmTravelModel,
    OsrmUnavailable,
    RoadTimesWithFallback,
    SpeedBand,
    TimeBandFactor,
    TravelFactors,
    TravelMatrix,
    TravelMatrixProvider,
)

__all__ = [
    "TEMPERATURE_CLASSES",
    "DEFAULT_SPEED_BANDS",
    "FIRST_SOLUTION_STRATEGIES",
    "LARGE_DAY_TIME_LIMIT_S",
    "METAHEURISTICS",
    "WARM_START_FALLBACKS",
    "WARM_STARTS",
    "AreaFactor",
    "BreakRule",
    "Capacity",
    "EuclideanTravelModel",
    "GeodesicTravelModel",
    "Job",
    "JobKind",
    "Load",
    "Location",
    "MatrixTravelModel",
    "OsrmTravelModel",
    "OsrmUnavailable",
    "RoadTimesWithFallback",
    "Plan",
    "PlannedBreak",
    "Problem",
    "Route",
    "SolveCallbacks",
    "SolveParams",
    "SpeedBand",
    "Stop",
    "StopAction",
    "TemperatureClass",
    "TimeBandFactor",
    "TimeWindow",
    "TravelFactors",
    "TravelMatrix",
    "TravelMatrixProvider",
    "UnassignedJob",
    "UnassignedReason",
    "Vehicle",
    "Visit",
    "is_large_day",
    "least_time_limit_s",
    "solve",
]
