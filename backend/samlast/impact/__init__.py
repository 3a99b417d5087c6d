"""Impact analysis: free delivery vs coordinated distribution (pure: no Flask, no database).

Typical use::

    from samlast.impact import ImpactInput, ImpactParams, analyse
    report = analyse(data, ImpactParams(time_limit_s=2), progress=print)

``report`` is a JSON-ready dict; see :func:`analyse`. Emission factors and
vehicle defaults, with their sources, are in :mod:`samlast.impact.factors`.
"""

from samlast.impact.costsplit import core_check, proportional, shapley, split_table
from samlast.impact.factors import (
    DEFAULT_SUPPLIER_VEHICLES,
    EMISSION_FACTORS_KG_CO2E,
    PRODUCER_VAN,
    WHOLESALER_TRUCK,
    VehicleProfile,
)
from samlast.impact.model import (
    AS_ORDERED,
    BY_KIND,
    FIXED_2,
    FleetVehicle,
    ImpactInput,
    ImpactOrder,
    ImpactParams,
    ImpactPoint,
    ImpactSupplier,
    PatternSpec,
)
from samlast.impact.patterns import choose_days, delivery_date
from samlast.impact.report import analyse

__all__ = [
    "AS_ORDERED",
    "BY_KIND",
    "DEFAULT_SUPPLIER_VEHICLES",
    "EMISSION_FACTORS_KG_CO2E",
    "FIXED_2",
    "PRODUCER_VAN",
    "WHOLESALER_TRUCK",
    "FleetVehicle",
    "ImpactInput",
    "ImpactOrder",
    "ImpactParams",
    "ImpactPoint",
    "ImpactSupplier",
    "PatternSpec",
    "VehicleProfile",
    "analyse",
    "choose_days",
    "core_check",
    "delivery_date",
    "proportional",
    "shapley",
    "split_table",
]
