"""The hidden "true" world of the simulator: how long service and driving really take.

The truth differs from the planner's defaults on purpose: every delivery
point has its own fixed service time (0.7-1.8 x the configured one), a
pallet takes 150 s instead of the default 90 s, driving is slower than the
geodesic model (more so in the morning rush and in one municipality), and
there is random noise plus occasional outliers (a lunch at a stop, a
forgotten "leave" tap, a road works detour).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from samlast import planning as pl

#: (start_s, end_s, factor) of true travel time by departure time.
TRUE_TIME_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 7 * 3600, 1.10),
    (7 * 3600, 9 * 3600, 1.40),
    (9 * 3600, 11 * 3600, 1.15),
    (11 * 3600, 13 * 3600, 1.25),
    (13 * 3600, 24 * 3600, 1.20),
)


@dataclass
class Truth:
    """Hidden parameters and the day's random draws.

    Parameters
    ----------
    rng : random.Random
        Source of the day-to-day randomness.
    default_fixed_s : dict of int to float
        Configured fixed service seconds per delivery point.
    service_factor : dict of int to float
        True fixed service time / configured fixed service time, per delivery point.
    slow_areas : list of (lat/lon box, factor)
        True travel multiplier for legs touching a box (the largest applies).
    per_pallet_s : float
        True seconds per pallet place.
    service_noise, travel_noise : float
        Sigma of the log-normal noise on each service and each leg.
    lunch_p, forgotten_leave_p, detour_p : float
        Probabilities of a 25-40 min stop, a "leave" tapped only on arrival at the
        next stop, a 5-15 min detour on a leg.
    """

    rng: random.Random
    default_fixed_s: dict[int, float] = field(default_factory=dict)
    service_factor: dict[int, float] = field(default_factory=dict)
    slow_areas: list[tuple[tuple[float, float, float, float], float]] = field(default_factory=list)
    per_pallet_s: float = 150.0
    service_noise: float = 0.12
    travel_noise: float = 0.08
    lunch_p: float = 0.03
    forgotten_leave_p: float = 0.03
    detour_p: float = 0.02
    base: pl.GeodesicTravelModel = field(default_factory=pl.GeodesicTravelModel)
    #: Extra seconds of the last lunch or detour drawn by :meth:`service_s` / :meth:`leg_s` (0: none).
    last_outlier_s: float = 0.0

    @classmethod
    def draw(cls, seed: int, default_fixed_s: dict[int, float],
             areas: Sequence[tuple[float, float, float, float]]) -> Truth:
        """Per-point service factors and one slow area (the first box, x1.25) for `seed`.

        `default_fixed_s` is the configured fixed service time per delivery point, seconds.
        """
        rng = random.Random(f"samlast-sim-truth:{seed}")
        factors = {pid: rng.uniform(0.7, 1.8) for pid in sorted(default_fixed_s)}
        slow = [(areas[0], 1.25)] if areas else []
        return cls(random.Random(f"samlast-sim-days:{seed}"), dict(default_fixed_s), factors, slow)

    def service_s(self, point_id: int | None, default_fixed_s: float, pallets: float) -> tuple[float, bool]:
        """True service seconds at a stop, and whether it was a lunch outlier."""
        fixed = default_fixed_s * self.service_factor.get(point_id, 1.0)
        seconds = (fixed + self.per_pallet_s * pallets) * math.exp(self.rng.gauss(0, self.service_noise))
        lunch = self.rng.random() < self.lunch_p
        self.last_outlier_s = self.rng.uniform(25, 40) * 60 if lunch else 0.0
        return seconds + self.last_outlier_s, lunch

    def leg_s(self, origin: pl.Location, destination: pl.Location, depart_s: float) -> float:
        """True driving seconds from `origin` to `destination` leaving at `depart_s`."""
        base = self.base.matrix([origin, destination]).durations_s[0][1]
        band = next((f for s, e, f in TRUE_TIME_BANDS if s <= depart_s < e), 1.0)
        area = max(
            (f for (a, b, c, d), f in self.slow_areas
             for loc in (origin, destination) if a <= loc.lat <= c and b <= loc.lon <= d),
            default=1.0,
        )
        seconds = base * band * area * math.exp(self.rng.gauss(0, self.travel_noise))
        detour = self.rng.random() < self.detour_p
        self.last_outlier_s = self.rng.uniform(5, 15) * 60 if detour else 0.0
        return seconds + self.last_outlier_s

    def forgets_leave(self) -> bool:
        return self.rng.random() < self.forgotten_leave_p
