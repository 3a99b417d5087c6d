"""Why the figures change: the CO2e change and the cost change split into their causes.

CO2e, free delivery (0) -> coordinated (1)
------------------------------------------
Over a scenario's trips (supplier routes; or trunk trips plus the terminal's
distribution trips) with total load ``W`` (kg, summed over trips: goods
carried twice, to and from the terminal, count twice), ``N`` trips, ``K``
vehicle-km and ``C`` kg CO2e, the identity

    C = W * (1 / L) * D * I,   L = W / N (kg per trip, the fill),
                               D = K / N (km per trip), I = C / K (kg CO2e per km)

is split by the additive log-mean Divisia index (LMDI-I, Ang 2004)::

    fill_rate = -Lm(C1, C0) * ln(L1 / L0)
    km        =  Lm(C1, C0) * (ln(W1 / W0) + ln(D1 / D0))
    cleaner   =  Lm(C1, C0) * ln(I1 / I0)
    Lm(a, b)  = (a - b) / (ln a - ln b),  Lm(a, a) = a

and since the logarithms add up to ``ln(C1 / C0)`` the three terms add up to
``Lm * ln(C1 / C0) = C1 - C0`` exactly (no residual). ``km + fill_rate =
Lm * ln(K1 / K0)`` is the effect of the change in vehicle-km; ``fill_rate``
is the part of it that fuller trips explain (fewer trips for the goods),
``km`` the rest (longer or shorter trips, and the extra leg through the
terminal). ``cleaner`` is the effect of the kg CO2e per km of the vehicles
and fuels driving them.

When a quantity is zero in one scenario (no trips, no load), the logarithms
are undefined and a chained split is used instead: ``km = (K1 - K0) * I0``,
``cleaner = C1 - C0 - km``, ``fill_rate = 0`` (with ``I0 = I1`` when the
scenario has no km).

Cost, free delivery -> coordinated
----------------------------------
The cost of each scenario is the sum of transport (the trips' km and hour
costs), terminal handling (kg through the terminal times a rate) and
administration (deliveries received times a rate per delivery, plus the
coordination's fixed cost per week); the change of the sum is the sum of
the changes of the three parts, exactly.

Pure: no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from samlast.impact.routing import DeliveryRecord, TripRecord

CO2E_TERMS = ("km", "fill_rate", "cleaner")
COST_TERMS = ("transport", "terminal_handling", "administration")


@dataclass(frozen=True)
class TripTotals:
    """What the CO2e identity needs of one scenario (any unit of time, the same for both)."""

    kg: float
    trips: float
    km: float
    co2e_kg: float

    @classmethod
    def of(cls, trips: Iterable[TripRecord], divide_by: float = 1.0) -> TripTotals:
        kg = n = km = co2 = 0.0
        for t in trips:
            kg += t.kg
            n += 1
            km += t.km
            co2 += t.co2e_kg
        return cls(kg / divide_by, n / divide_by, km / divide_by, co2 / divide_by)

    def factors(self) -> dict[str, float | None]:
        """kg per trip, km per trip, kg CO2e per km (None where undefined)."""
        return {
            "trips": self.trips,
            "kg_loaded": self.kg,
            "kg_per_trip": self.kg / self.trips if self.trips else None,
            "km_per_trip": self.km / self.trips if self.trips else None,
            "co2e_kg_per_km": self.co2e_kg / self.km if self.km else None,
        }


def log_mean(a: float, b: float) -> float:
    """Lm(a, b) = (a - b) / (ln a - ln b); Lm(a, a) = a; both positive."""
    if a == b:
        return a
    # Close values lose digits in the difference of logarithms; the series is exact enough there.
    if abs(a - b) < 1e-9 * max(a, b):
        return (a + b) / 2
    return (a - b) / (math.log(a) - math.log(b))


def co2e_terms(before: TripTotals, after: TripTotals) -> dict[str, float]:
    """The CO2e change split into ``km``, ``fill_rate`` and ``cleaner`` (see the module).

    Returns
    -------
    dict
        The three terms (kg CO2e) in :data:`CO2E_TERMS` order; they add up to
        ``after.co2e_kg - before.co2e_kg``.
    """
    values = (before.kg, before.trips, before.km, before.co2e_kg, after.kg, after.trips, after.km, after.co2e_kg)
    if all(v > 0 for v in values):
        weight = log_mean(after.co2e_kg, before.co2e_kg)
        fill0, fill1 = before.kg / before.trips, after.kg / after.trips
        per_trip0, per_trip1 = before.km / before.trips, after.km / after.trips
        i0, i1 = before.co2e_kg / before.km, after.co2e_kg / after.km
        terms = {
            "km": weight * (math.log(after.kg / before.kg) + math.log(per_trip1 / per_trip0)),
            "fill_rate": -weight * math.log(fill1 / fill0),
            "cleaner": weight * math.log(i1 / i0),
        }
        if all(math.isfinite(v) for v in terms.values()):
            return terms
    i1 = after.co2e_kg / after.km if after.km > 0 else 0.0
    i0 = before.co2e_kg / before.km if before.km > 0 else i1
    km = (after.km - before.km) * i0
    return {"km": km, "fill_rate": 0.0, "cleaner": after.co2e_kg - before.co2e_kg - km}


@dataclass(frozen=True)
class CostRates:
    """Cost rates besides transport (SEK), as in :class:`~samlast.impact.model.ImpactParams`."""

    terminal_handling_sek_per_kg: float
    admin_sek_per_delivery: float
    coordination_admin_sek_per_week: float


def cost_parts(
    trips: Sequence[TripRecord],
    deliveries: Sequence[DeliveryRecord],
    rates: CostRates,
    *,
    weeks: float,
    through_terminal: bool,
) -> dict[str, float]:
    """A scenario's cost per average week in its three parts (SEK).

    ``transport``: the trips' cost; ``terminal_handling``: kg delivered times
    the handling rate (coordinated only); ``administration``: deliveries
    times the rate per delivery, plus the coordination's fixed cost per week
    (coordinated only).
    """
    kg = sum(d.kg for d in deliveries)
    return {
        "transport": sum(t.cost for t in trips) / weeks,
        "terminal_handling": rates.terminal_handling_sek_per_kg * kg / weeks if through_terminal else 0.0,
        "administration": rates.admin_sek_per_delivery * len(deliveries) / weeks
        + (rates.coordination_admin_sek_per_week if through_terminal else 0.0),
    }


def rounded_terms(terms: Mapping[str, float], total: float, digits: int = 2) -> dict[str, float]:
    """Round the terms so that they still add up to the rounded total (the largest term absorbs it)."""
    out = {k: round(v, digits) for k, v in terms.items()}
    if out:
        gap = round(round(total, digits) - sum(out.values()), digits)
        if gap:
            largest = max(out, key=lambda k: abs(terms[k]))
            out[largest] = round(out[largest] + gap, digits)
    return out


def decompose(
    before_trips: Sequence[TripRecord],
    after_trips: Sequence[TripRecord],
    before_deliveries: Sequence[DeliveryRecord],
    after_deliveries: Sequence[DeliveryRecord],
    rates: CostRates,
    weeks: float,
) -> dict:
    """The report's ``decomposition``: CO2e and cost per average week, free delivery -> coordinated.

    Returns
    -------
    dict
        ``co2e_kg`` and ``cost_sek``, each with ``free_delivery``,
        ``coordinated``, ``change`` (coordinated - free delivery) and ``terms``
        (adding up to ``change``, rounded to 2 decimals so that they still
        do); ``co2e_kg`` also has the ``factors`` of each scenario and the
        ``method``; ``cost_sek`` the ``parts`` of each scenario and the
        ``rates``.
    """
    weeks = max(1.0, weeks)
    t0, t1 = TripTotals.of(before_trips, weeks), TripTotals.of(after_trips, weeks)
    co2 = co2e_terms(t0, t1)
    positive = all(v > 0 for v in (t0.kg, t0.trips, t0.km, t0.co2e_kg, t1.kg, t1.trips, t1.km, t1.co2e_kg))
    p0 = cost_parts(before_trips, before_deliveries, rates, weeks=weeks, through_terminal=False)
    p1 = cost_parts(after_trips, after_deliveries, rates, weeks=weeks, through_terminal=True)
    cost = {k: p1[k] - p0[k] for k in COST_TERMS}
    c0, c1 = sum(p0.values()), sum(p1.values())
    return {
        "co2e_kg": {
            "free_delivery": round(t0.co2e_kg, 2),
            "coordinated": round(t1.co2e_kg, 2),
            "change": round(round(t1.co2e_kg, 2) - round(t0.co2e_kg, 2), 2),
            "terms": rounded_terms(co2, round(t1.co2e_kg, 2) - round(t0.co2e_kg, 2)),
            "method": "lmdi" if positive else "chained",
            "factors": {
                "free_delivery": _rounded(t0.factors()),
                "coordinated": _rounded(t1.factors()),
            },
        },
        "cost_sek": {
            "free_delivery": round(c0, 2),
            "coordinated": round(c1, 2),
            "change": round(round(c1, 2) - round(c0, 2), 2),
            "terms": rounded_terms(cost, round(c1, 2) - round(c0, 2)),
            "parts": {"free_delivery": _rounded(p0), "coordinated": _rounded(p1)},
            "rates": {
                "terminal_handling_sek_per_kg": rates.terminal_handling_sek_per_kg,
                "admin_sek_per_delivery": rates.admin_sek_per_delivery,
                "coordination_admin_sek_per_week": rates.coordination_admin_sek_per_week,
            },
        },
    }


def _rounded(values: Mapping[str, float | None]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 4) for k, v in values.items()}
