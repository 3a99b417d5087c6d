"""Tornado: how much the headline moves when one uncertain input moves.

The headline is the CO2e change free delivery -> coordinated, relative
(-0.5 = half the emissions; the report's ``comparison.co2e_kg.change``).
Each of the five inputs below is moved, alone, to a documented low and high
value, and the headline is worked out again. Every one acts on trips the
analysis has already planned (scaling their km or CO2e), so the tornado costs
no planning run: its figures are exact for the planned routes and leave out
that a changed input could change the routes themselves.

=====================  ==========================================  =============  ==========  =====================
input                  what moves                                  low            high        higher input ->
=====================  ==========================================  =============  ==========  =====================
``cluster_share``      share of a wholesaler's free-delivery trip  0.5            1.0         larger saving (lower)
                       charged to the cluster (all wholesalers)
``supplier_fuel``      wholesaler trucks' fuel use, both           x 0.8          x 1.2       larger saving (lower)
                       scenarios (free-delivery routes and trunk)
``fleet_energy``       fuel of the terminal's trucks, kg CO2e per  HVO100         diesel      smaller saving (higher)
                       km, litre-for-litre (electric kept as is)
``trunk_km``           length of the trunk legs to the terminal    x 0.5          x 1.5       smaller saving (higher)
``distribution_km``    km of the terminal's routes (real roads     x 0.8          x 1.2       smaller saving (higher)
                       vs the planner's travel model)
=====================  ==========================================  =============  ==========  =====================

Why these five: the CO2e change is ``(trunk + distribution) / free delivery
- 1``; these are the inputs each of the three sums rests on that a
municipality cannot know well in advance (how much of a wholesaler's trip
is really the cluster's, what the vehicles burn, where the terminal ends up,
how much longer real roads are). Directions follow from that ratio: growing
the free-delivery sum lowers the change (larger saving), growing the
coordinated sums raises it.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from samlast.impact.factors import EMISSION_FACTORS_KG_CO2E
from samlast.impact.model import ImpactInput
from samlast.impact.routing import TripRecord

#: The liquid fuels whose kg CO2e per km scale with the fuel's factor litre-for-litre.
_LIQUID = ("diesel", "hvo100", "biogas")


@dataclass(frozen=True)
class Swing:
    """One input of the tornado: its low and high value and the direction of its effect.

    ``direction`` is -1 when a higher input lowers the headline (a larger
    saving) and +1 when it raises it.
    """

    key: str
    low: float | str
    high: float | str
    direction: int


SWINGS = (
    Swing("cluster_share", 0.5, 1.0, -1),
    Swing("supplier_fuel", 0.8, 1.2, -1),
    Swing("fleet_energy", "hvo100", "diesel", +1),
    Swing("trunk_km", 0.5, 1.5, +1),
    Swing("distribution_km", 0.8, 1.2, +1),
)


def _scaled(trip: TripRecord, co2e: float = 1.0, km: float = 1.0) -> TripRecord:
    """The trip with its CO2e times `co2e`, and its km, hours, cost and CO2e times `km`."""
    return replace(
        trip,
        km=trip.km * km,
        hours=trip.hours * km,
        cost=trip.cost * km,
        co2e_kg=trip.co2e_kg * co2e * km,
    )


def _change(before: Sequence[TripRecord], after: Sequence[TripRecord]) -> float | None:
    c0 = sum(t.co2e_kg for t in before)
    c1 = sum(t.co2e_kg for t in after)
    return round((c1 - c0) / c0, 4) if c0 else None


def tornado(
    data: ImpactInput,
    baseline: Sequence[TripRecord],
    trunk: Sequence[TripRecord],
    distribution: Sequence[TripRecord],
) -> dict:
    """Move each input of :data:`SWINGS` to its low and high value and report the CO2e change.

    Parameters
    ----------
    data : ImpactInput
        For the suppliers' kinds and cluster shares and the fleet's energies.
    baseline : sequence of TripRecord
        The free-delivery trips (``kind="supplier_route"``; vehicle ids ``<supplier id>#<n>``).
    trunk, distribution : sequence of TripRecord
        The coordinated scenario's trips (primary pattern).

    Returns
    -------
    dict
        ``headline`` ("co2e_change"), ``base`` (the change as analysed) and
        ``rows``, one per input, sorted by ``spread`` (largest first):
        ``input``, ``low``, ``high``, ``at_low``, ``at_high`` (the change with
        the input at its low / high value), ``spread`` and ``direction``.
    """
    suppliers = {s.id: s for s in data.suppliers}
    fleet = {f.vehicle.id: f for f in data.fleet}

    def supplier_of(trip: TripRecord):
        return suppliers.get(trip.vehicle.split("#", 1)[0])

    def wholesaler(trip: TripRecord) -> bool:
        supplier = supplier_of(trip)
        return supplier is not None and not supplier.local

    def fleet_energy(energy: str) -> Callable[[TripRecord], TripRecord]:
        def convert(trip: TripRecord) -> TripRecord:
            vehicle = fleet.get(trip.vehicle)
            if vehicle is None or vehicle.energy not in _LIQUID:
                return trip
            return _scaled(trip, EMISSION_FACTORS_KG_CO2E[energy] / EMISSION_FACTORS_KG_CO2E[vehicle.energy])

        return convert

    def variant(key: str, value) -> float | None:
        b, t, d = list(baseline), list(trunk), list(distribution)
        if key == "cluster_share":
            b = [_scaled(x, km=value / supplier_of(x).cluster_share) if wholesaler(x) else x for x in b]
        elif key == "supplier_fuel":
            b = [_scaled(x, co2e=value) if wholesaler(x) else x for x in b]
            t = [_scaled(x, co2e=value) if wholesaler(x) else x for x in t]
        elif key == "fleet_energy":
            d = [fleet_energy(value)(x) for x in d]
        elif key == "trunk_km":
            t = [_scaled(x, km=value) for x in t]
        elif key == "distribution_km":
            d = [_scaled(x, km=value) for x in d]
        return _change(b, t + d)

    rows: list[dict[str, Any]] = []
    for swing in SWINGS:
        at_low, at_high = variant(swing.key, swing.low), variant(swing.key, swing.high)
        spread = abs(at_high - at_low) if at_low is not None and at_high is not None else 0.0
        rows.append(
            {
                "input": swing.key,
                "low": swing.low,
                "high": swing.high,
                "at_low": at_low,
                "at_high": at_high,
                "spread": round(spread, 4),
                "direction": swing.direction,
            }
        )
    rows.sort(key=lambda row: -row["spread"])
    return {"headline": "co2e_change", "base": _change(baseline, list(trunk) + list(distribution)), "rows": rows}
