"""Figures of the rural service: what carrying residents' consignments on the municipal routes
cost the routes, and the residents' car trips to the pickup place it saved.

Pure: plain data in, plain data out (services/rural.py gathers the data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geopy.distance import geodesic

from .factors import EMISSION_FACTORS_KG_CO2E

#: Road distance / straight-line distance, as the planner's default travel model assumes.
CIRCUITY = 1.3
#: A resident's car: ASSUMPTION, a Swedish average petrol/diesel car uses about 0.06 l/km
#: (Trafikverket's vehicle fleet figures); counted at the pump-diesel factor of factors.py.
CAR_LITRES_PER_KM = 0.06
CAR_CO2E_KG_PER_KM = CAR_LITRES_PER_KM * EMISSION_FACTORS_KG_CO2E["diesel"]


@dataclass(frozen=True)
class CarriedConsignment:
    village: str
    week: str  # ISO week, e.g. 2026-V49
    extra_km: float  # what it added to its route
    extra_min: float
    vehicle_co2e_kg_per_km: float
    resident_trip_km: float  # the resident's round trip to the pickup place, saved


def round_trip_km(village: tuple[float, float], pickup_place: tuple[float, float]) -> float:
    """From the village to the pickup place and back, by road (estimated from the straight line)."""
    return 2 * geodesic(village, pickup_place).km * CIRCUITY


def per_village_and_week(items: Iterable[CarriedConsignment]) -> list[dict]:
    rows: dict[tuple[str, str], dict] = {}
    for item in items:
        row = rows.setdefault((item.village, item.week), {
            "village": item.village, "week": item.week, "consignments": 0, "extra_km": 0.0, "extra_min": 0.0,
            "extra_co2e_kg": 0.0, "avoided_trips": 0, "avoided_km": 0.0, "avoided_co2e_kg": 0.0,
        })  # fmt: skip
        row["consignments"] += 1
        row["extra_km"] += item.extra_km
        row["extra_min"] += item.extra_min
        row["extra_co2e_kg"] += item.extra_km * item.vehicle_co2e_kg_per_km
        row["avoided_trips"] += 1
        row["avoided_km"] += item.resident_trip_km
        row["avoided_co2e_kg"] += item.resident_trip_km * CAR_CO2E_KG_PER_KM
    result = []
    for key in sorted(rows):
        row = rows[key]
        result.append({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()})
    return result
