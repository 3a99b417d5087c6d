"""Learning service and travel times from what drivers actually did (pure).

Plain observations in, plain parameter objects out: no Flask, no database.

Service time at a delivery point
--------------------------------
Model ``service_s = a + b * pallets`` per point. The estimate is the
maximum a-posteriori fit under a Huber likelihood and a Gaussian prior centred
on the defaults ``(a0, b0)`` (the point's configured service time and the
global per-pallet time)::

    minimise  sum_i rho_c(r_i / s) * s**2  +  k_a (a - a0)**2  +  k_b (b - b0)**2
    r_i = y_i - a - b x_i

solved by iteratively reweighted least squares (Huber weights
``w_i = min(1, c s / |r_i|)``, ``c = 1.345``). ``k_a`` and ``k_b`` are prior
weights in *observations*: with ``n`` clean observations the fixed part is the
credibility blend ``(n * mean + k_a * a0) / (n + k_a)``. An outlier (a
driver's lunch, a forgotten "leave" tap) moves the estimate by at most about
``c * s / (n + k_a)`` seconds. ``s`` is a robust scale pooled over all points
(1.4826 x the median absolute deviation from each point's median), at least
``min_scale_s``. The prior itself is empirical Bayes: the defaults are first
scaled by the pooled robust ratio of observed to default service time over
all points (:func:`population_priors`), so rarely visited points are shrunk
towards what is typical, not towards a default that is known to be off.

Travel time
-----------
For every driven leg the log ratio ``z = ln(actual / predicted)`` of the
actual leg time (departure from stop i to arrival at stop i+1) to the base
model's time is decomposed as ``z = d + t(band of departure) + m(area)``
(``m`` is the largest area term of origin and destination, as in
:class:`~samlast.planning.travel.TravelFactors`). Each term is a Huber
location estimate of the partial residuals, shrunk towards 0 (factor 1.0)
with a prior weight in legs; three backfitting sweeps. The factors are
``exp`` of the terms. The solver's matrices cannot depend on the time of
day; they get the bands averaged over the day
(:meth:`TravelEstimate.planning_factors`).

Planning for the time windows
-----------------------------
The robust estimates describe a typical visit. Two more terms keep a plan
made of them inside its windows: :func:`outlier_excess`, the mean time per
visit that lunches and detours add (the plan counts it, so arrivals do not
drift later along a route), and :func:`learn_arrival_margin`, a margin before
each window closes that grows with the hours the vehicle has been out, from
a high quantile of the recent arrival deviations.

When a learned value is used
----------------------------
Each kind of value is used only from a minimum number of observations
(:class:`Minimums`, e.g. :data:`MIN_VISITS_PER_POINT`); below it the planner
keeps the default and the value is shown as provisional (:func:`travel_in_use`,
:func:`services_in_use`, :func:`margin_in_use`, :func:`excess_in_use`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .model import Location
from .travel import AreaFactor, TimeBandFactor, TravelFactors

HUBER_C = 1.345
MAD_TO_SIGMA = 1.4826

#: Time-of-day bands (seconds since midnight) for travel factors.
DEFAULT_TIME_BANDS: tuple[tuple[int, int], ...] = (
    (0, 7 * 3600),
    (7 * 3600, 9 * 3600),
    (9 * 3600, 11 * 3600),
    (11 * 3600, 13 * 3600),
    (13 * 3600, 24 * 3600),
)


@dataclass(frozen=True)
class LearningConfig:
    """Priors and robustness settings.

    Parameters
    ----------
    service_prior_weight : float
        ``k_a``: the default fixed service time counts as this many observations.
    per_pallet_prior_weight : float
        ``k_b``: the default per-pallet time counts as this many observations at
        one pallet.
    min_scale_s : float
        Floor of the robust service-time residual scale, seconds.
    travel_prior_weight : float
        Each travel factor is shrunk towards 1.0 as if this many legs had ratio 1.
    min_log_scale : float
        Floor of the robust scale of log travel-time ratios.
    time_bands : tuple of (int, int)
        ``[start_s, end_s)`` bands of departure time.
    """

    service_prior_weight: float = 2.0
    per_pallet_prior_weight: float = 4.0
    min_scale_s: float = 60.0
    travel_prior_weight: float = 5.0
    min_log_scale: float = 0.05
    time_bands: tuple[tuple[int, int], ...] = DEFAULT_TIME_BANDS


@dataclass(frozen=True)
class ServiceObservation:
    """One stop: ``pallets`` handled, ``duration_s`` from service start to departure."""

    point_id: int
    pallets: float
    duration_s: float


@dataclass(frozen=True)
class LegObservation:
    """One driven leg: departure at ``depart_s`` (seconds since midnight), times in seconds."""

    origin: Location
    destination: Location
    depart_s: int
    actual_s: float
    predicted_s: float


@dataclass(frozen=True)
class ServicePrior:
    """Default service model of a point: seconds per visit and per pallet."""

    fixed_s: float
    per_pallet_s: float


@dataclass(frozen=True)
class ServiceEstimate:
    """Learned service model of one point.

    ``n`` observations were used, ``outliers`` of them with Huber weight < 0.5.
    """

    point_id: int
    fixed_s: float
    per_pallet_s: float
    n: int
    outliers: int = 0

    def service_s(self, pallets: float) -> int:
        return max(0, int(round(self.fixed_s + self.per_pallet_s * pallets)))


@dataclass(frozen=True)
class Area:
    """A named lat/lon box (e.g. the extent of a municipality's delivery points)."""

    name: str
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, loc: Location) -> bool:
        return self.min_lat <= loc.lat <= self.max_lat and self.min_lon <= loc.lon <= self.max_lon


@dataclass(frozen=True)
class FactorEstimate:
    """A multiplicative travel-time factor learned from ``n`` legs."""

    factor: float = 1.0
    n: int = 0


@dataclass(frozen=True)
class TravelEstimate:
    """Learned travel corrections; see :meth:`travel_factors`.

    ``reference_time_s`` is the median observed departure time (kept for the
    record; the planner's time-independent matrices use
    :meth:`planning_factors`).
    ``log_scale`` is the robust spread of log leg-time ratios.
    """

    default: FactorEstimate = field(default_factory=FactorEstimate)
    time_bands: tuple[tuple[int, int, FactorEstimate], ...] = ()
    areas: tuple[tuple[Area, FactorEstimate], ...] = ()
    reference_time_s: int | None = None
    log_scale: float = 0.0
    n: int = 0

    def travel_factors(self) -> TravelFactors:
        return TravelFactors(
            default=self.default.factor,
            time_bands=tuple(TimeBandFactor(s, e, f.factor) for s, e, f in self.time_bands),
            areas=self._area_factors(),
        )

    def _area_factors(self) -> tuple[AreaFactor, ...]:
        return tuple(AreaFactor(a.min_lat, a.min_lon, a.max_lat, a.max_lon, f.factor) for a, f in self.areas)

    def day_band_factor(self) -> float:
        """The time bands' factors averaged over the day, weighted by the legs driven in each band."""
        weighted = [(f.factor, f.n) for _, _, f in self.time_bands if f.n > 0]
        if not weighted:
            return 1.0
        return sum(f * n for f, n in weighted) / sum(n for _, n in weighted)

    def planning_factors(self) -> TravelFactors:
        """Time-independent factors for the solver's matrices.

        The solver's matrices cannot depend on the time of day, so every leg
        gets the day's average time-band factor (:meth:`day_band_factor`), not
        the band of one reference time: with the band of the median departure
        (mid-morning) every leg driven in the morning rush was planned too
        short, and arrivals drifted later along each route.
        """
        return TravelFactors(default=self.default.factor * self.day_band_factor(), areas=self._area_factors())


# ----------------------------------------------------------------- estimators


def robust_scale(residuals: Sequence[float], floor: float) -> float:
    """``1.4826 * median(|r - median(r)|)``, at least `floor` (same unit as `residuals`)."""
    if len(residuals) < 2:
        return floor
    med = statistics.median(residuals)
    return max(floor, MAD_TO_SIGMA * statistics.median(abs(r - med) for r in residuals))


def _huber_weight(residual: float, scale: float, c: float = HUBER_C) -> float:
    bound = c * scale
    return 1.0 if abs(residual) <= bound else bound / abs(residual)


def huber_location(
    values: Sequence[float], scale: float, prior: float = 0.0, prior_weight: float = 0.0, iterations: int = 30
) -> float:
    """Huber M-estimate of location with `prior_weight` pseudo-observations at `prior`."""
    if not values:
        return prior
    mu = statistics.median(values) if prior_weight == 0 else prior
    for _ in range(iterations):
        weights = [_huber_weight(v - mu, scale) for v in values]
        new = (sum(w * v for w, v in zip(weights, values, strict=True)) + prior_weight * prior) / (
            sum(weights) + prior_weight
        )
        if abs(new - mu) < 1e-9 * max(1.0, abs(mu)):
            return new
        mu = new
    return mu


def fit_service(
    point_id: int,
    observations: Sequence[ServiceObservation],
    prior: ServicePrior,
    scale_s: float,
    config: LearningConfig = LearningConfig(),
) -> ServiceEstimate:
    """MAP fit of ``a + b * pallets`` for one point (see the module docstring)."""
    ka, kb = config.service_prior_weight, config.per_pallet_prior_weight
    a, b = prior.fixed_s, prior.per_pallet_s
    if not observations:
        return ServiceEstimate(point_id, a, b, 0)
    weights = [1.0] * len(observations)
    for _ in range(50):
        weights = [_huber_weight(o.duration_s - a - b * o.pallets, scale_s) for o in observations]
        # Normal equations of the weighted least squares with the Gaussian prior.
        s00 = sum(weights) + ka
        s01 = sum(w * o.pallets for w, o in zip(weights, observations, strict=True))
        s11 = sum(w * o.pallets**2 for w, o in zip(weights, observations, strict=True)) + kb
        r0 = sum(w * o.duration_s for w, o in zip(weights, observations, strict=True)) + ka * prior.fixed_s
        r1 = sum(w * o.duration_s * o.pallets for w, o in zip(weights, observations, strict=True))
        r1 += kb * prior.per_pallet_s
        det = s00 * s11 - s01 * s01
        new_a, new_b = (s11 * r0 - s01 * r1) / det, (s00 * r1 - s01 * r0) / det
        done = abs(new_a - a) < 1e-6 and abs(new_b - b) < 1e-6
        a, b = new_a, new_b
        if done:
            break
    return ServiceEstimate(point_id, a, b, len(observations), sum(1 for w in weights if w < 0.5))


def population_priors(
    observations: Sequence[ServiceObservation], priors: Mapping[int, ServicePrior]
) -> dict[int, ServicePrior]:
    """Empirical Bayes: scale every default by the pooled ratio of observed to default time.

    ``ratio = exp(Huber location of ln(y_i / (a0_p + b0 x_i)))`` over all
    visits of all points (robust to outliers, scale >= 0.05). If the defaults
    are 30 % too short everywhere, a point visited once is shrunk towards
    1.3 x its default rather than towards the default itself.
    """
    logs = [
        math.log(o.duration_s / expected)
        for o in observations
        if o.point_id in priors and o.duration_s > 0
        and (expected := priors[o.point_id].fixed_s + priors[o.point_id].per_pallet_s * o.pallets) > 0
    ]
    if len(logs) < 5:
        return dict(priors)
    ratio = math.exp(huber_location(logs, robust_scale(logs, 0.05)))
    return {pid: ServicePrior(p.fixed_s * ratio, p.per_pallet_s * ratio) for pid, p in priors.items()}


def learn_service_times(
    observations: Sequence[ServiceObservation],
    priors: Mapping[int, ServicePrior],
    config: LearningConfig = LearningConfig(),
) -> dict[int, ServiceEstimate]:
    """Service estimate per point that has observations and a prior."""
    by_point: dict[int, list[ServiceObservation]] = {}
    for obs in observations:
        if obs.point_id in priors and obs.duration_s >= 0:
            by_point.setdefault(obs.point_id, []).append(obs)
    priors = population_priors(observations, priors)
    # Pooled scale: deviations from each point's median (needs two visits of a point).
    deviations = []
    for items in by_point.values():
        if len(items) >= 2:
            med = statistics.median(o.duration_s for o in items)
            deviations += [o.duration_s - med for o in items]
    scale = robust_scale(deviations, config.min_scale_s) if len(deviations) >= 4 else config.min_scale_s * 2
    return {pid: fit_service(pid, items, priors[pid], scale, config) for pid, items in by_point.items()}


def _band_of(bands: Sequence[tuple[int, int]], time_s: int) -> int | None:
    return next((i for i, (s, e) in enumerate(bands) if s <= time_s < e), None)


def learn_travel(
    legs: Sequence[LegObservation],
    areas: Sequence[Area] = (),
    config: LearningConfig = LearningConfig(),
) -> TravelEstimate:
    """Learn travel factors from legs with positive actual and predicted times."""
    legs = [g for g in legs if g.actual_s > 0 and g.predicted_s > 0]
    if not legs:
        return TravelEstimate()
    z = [math.log(g.actual_s / g.predicted_s) for g in legs]
    scale = robust_scale(z, config.min_log_scale)
    k = config.travel_prior_weight
    band_of = [_band_of(config.time_bands, g.depart_s) for g in legs]
    touches = [[i for i, a in enumerate(areas) if a.contains(g.origin) or a.contains(g.destination)] for g in legs]
    d, band_terms, area_terms = 0.0, [0.0] * len(config.time_bands), [0.0] * len(areas)

    def area_term(j: int) -> float:
        return max((area_terms[i] for i in touches[j]), default=0.0)

    for _ in range(3):
        d = huber_location([z[j] - (band_terms[b] if b is not None else 0) - area_term(j)
                            for j, b in enumerate(band_of)], scale)
        for i in range(len(band_terms)):
            part = [z[j] - d - area_term(j) for j, b in enumerate(band_of) if b == i]
            band_terms[i] = huber_location(part, scale, 0.0, k)
        for i in range(len(area_terms)):
            part = [z[j] - d - (band_terms[b] if (b := band_of[j]) is not None else 0)
                    for j in range(len(legs)) if i in touches[j]]
            area_terms[i] = huber_location(part, scale, 0.0, k)
    band_n = [sum(1 for b in band_of if b == i) for i in range(len(band_terms))]
    area_n = [sum(1 for t in touches if i in t) for i in range(len(areas))]
    return TravelEstimate(
        default=FactorEstimate(math.exp(d), len(legs)),
        time_bands=tuple(
            (s, e, FactorEstimate(math.exp(band_terms[i]), band_n[i]))
            for i, (s, e) in enumerate(config.time_bands)
        ),
        areas=tuple((a, FactorEstimate(math.exp(area_terms[i]), area_n[i])) for i, a in enumerate(areas)),
        reference_time_s=int(statistics.median(g.depart_s for g in legs)),
        log_scale=scale,
        n=len(legs),
    )


# ----------------------------------------------------------- from driven routes


@dataclass(frozen=True)
class VisitRecord:
    """What was recorded at one stop of a driven route (seconds since midnight).

    ``windows`` are the stop's ``(start, end)`` time windows; ``left_s`` is the
    "leave" tap (or the proof of delivery if there was none), ``away_s`` the
    first recorded position at least 300 m from the stop after arrival, and
    ``away_m`` its distance from the stop in metres.
    """

    point_id: int | None
    location: Location
    pallets: float
    arrived_s: int | None
    left_s: int | None
    windows: tuple[tuple[int, int], ...] = ()
    away_s: int | None = None
    away_m: float = 0.0


#: Speed (m/s) used to back-date a departure from a position seen away from the stop.
AWAY_SPEED_MPS = 8.0


def departure_s(visit: VisitRecord) -> int | None:
    """Departure time: the "leave" tap, unless a position shows the vehicle left earlier."""
    if visit.left_s is None:
        return None
    if visit.away_s is not None and visit.arrived_s is not None:
        left_by = int(visit.away_s - visit.away_m / AWAY_SPEED_MPS)
        if visit.arrived_s <= left_by < visit.left_s:
            return left_by
    return visit.left_s


def service_start_s(arrived_s: int, windows: Sequence[tuple[int, int]]) -> int:
    """A vehicle early at a window waits for it; between windows it waits for the next one."""
    for start, end in sorted(windows):
        if arrived_s <= end:
            return max(arrived_s, start)
    return arrived_s


def observations_from_route(
    visits: Sequence[VisitRecord], predict_s: Callable[[Location, Location], float]
) -> tuple[list[ServiceObservation], list[LegObservation]]:
    """Service observations per visited point and leg observations between consecutive visits.

    `predict_s` is the base travel model (without learned factors), seconds.
    """
    services, legs = [], []
    for i, visit in enumerate(visits):
        leave = departure_s(visit)
        if visit.arrived_s is None or leave is None:
            continue
        if visit.point_id is not None:
            start = service_start_s(visit.arrived_s, visit.windows)
            services.append(ServiceObservation(visit.point_id, visit.pallets, float(max(0, leave - start))))
        nxt = visits[i + 1] if i + 1 < len(visits) else None
        if nxt is not None and nxt.arrived_s is not None:
            legs.append(LegObservation(visit.location, nxt.location, leave, float(nxt.arrived_s - leave),
                                       predict_s(visit.location, nxt.location)))
    return services, legs


# ------------------------------------------------------- time lost to outliers


@dataclass(frozen=True)
class OutlierExcess:
    """Mean seconds per visit that the robust estimates leave out (lunches, detours), from ``n`` visits.

    ``service_s`` is the mean service residual, ``leg_s`` the mean residual
    of the leg to the next stop; ``per_visit_s`` their sum, never negative.
    """

    service_s: float = 0.0
    leg_s: float = 0.0
    n: int = 0

    @property
    def per_visit_s(self) -> float:
        return max(0.0, self.service_s + self.leg_s)


def outlier_excess(
    services: Sequence[ServiceObservation],
    estimates: Mapping[int, ServiceEstimate],
    legs: Sequence[LegObservation],
    travel: TravelEstimate,
    cap_s: float = 3600.0,
) -> OutlierExcess:
    """Mean minus robust fit: the time per visit that a plan made of the estimates misses on average.

    The Huber estimates track typical visits, which is right for the solver's
    order and for the next stop's ETA, but over a day a lunch at one stop in
    thirty and a detour on one leg in fifty add up: a plan that ignores them
    drifts later along every route. The mean residual of the service times
    (observed minus estimated) plus that of the legs (observed minus the base
    time times the learned factors) is that expected loss per visit. A
    forgotten "leave" tap lengthens one service and shortens the next leg by
    the same time, so the sum is unaffected; each residual is clipped to
    ``+-cap_s`` against stray records.
    """
    def clip(r: float) -> float:
        return max(-cap_s, min(cap_s, r))

    service_res = [clip(o.duration_s - estimates[o.point_id].service_s(o.pallets))
                   for o in services if o.point_id in estimates]
    factors = travel.travel_factors()
    leg_res = [clip(g.actual_s - g.predicted_s * factors.duration_factor(g.origin, g.destination, g.depart_s))
               for g in legs if g.actual_s > 0 and g.predicted_s > 0]
    if not service_res:
        return OutlierExcess()
    return OutlierExcess(statistics.fmean(service_res), statistics.fmean(leg_res) if leg_res else 0.0,
                         len(service_res))


# ------------------------------------------------------------ arrival margin


@dataclass(frozen=True)
class ArrivalDeviation:
    """One driven stop: actual minus planned arrival, and how long the vehicle had been out.

    ``elapsed_s`` runs from the vehicle's shift start to the stop's planned
    arrival (delays carry over from one trip to the next, so not from the
    trip's start).
    """

    elapsed_s: float
    deviation_s: float


@dataclass(frozen=True)
class ArrivalMargin:
    """Planning margin before a time window closes, growing with the time the vehicle has been out.

    ``margin_s(elapsed) = min(max_s, fixed_s + per_hour_s * elapsed / 3600)``:
    lunches, detours and the residual bias of the learned means add up along
    a vehicle's day, so a stop reached five hours after the shift start needs
    more room before its window closes than the first stop of the day.
    """

    fixed_s: float = 0.0
    per_hour_s: float = 0.0
    max_s: float = 0.0
    n: int = 0
    quantile: float | None = None

    def margin_s(self, elapsed_s: float) -> int:
        grown = self.fixed_s + self.per_hour_s * max(0.0, elapsed_s) / 3600
        return int(round(max(0.0, min(self.max_s, grown))))


def _quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (``statistics.quantiles`` needs two points and excludes ends)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def learn_arrival_margin(
    deviations: Sequence[ArrivalDeviation],
    quantile: float = 0.9,
    min_elapsed_s: float = 1800.0,
    max_s: float = 3600.0,
    min_n: int = 10,
) -> ArrivalMargin:
    """Margin that grows linearly with elapsed time: the `quantile` of lateness per hour out.

    ``per_hour_s`` is the `quantile` of ``deviation_s / hours`` over the
    driven stops (``hours = max(elapsed_s, min_elapsed_s) / 3600``; early
    arrivals count as negative lateness). Outliers are kept on purpose: the
    margin exists for the lunch or the detour that no mean predicts. A stop
    planned ``margin_s(elapsed)`` before its window closes is then reached in
    time with about that probability. No margin with fewer than `min_n` stops.
    """
    if len(deviations) < min_n:
        return ArrivalMargin(n=len(deviations))
    rates = [d.deviation_s / (max(d.elapsed_s, min_elapsed_s) / 3600) for d in deviations]
    per_hour = max(0.0, _quantile(rates, quantile))
    return ArrivalMargin(0.0, per_hour, max_s, len(deviations), quantile)


# ------------------------------------------------- when a learned value is used
#
# An estimate on a handful of observations describes those few visits, not the place or the
# hour: a week of rain, one new driver or a kitchen's delivery door blocked for a few days.
# Each learned value is therefore used by the planner (and the live ETAs) only from a minimum
# number of observations; below it the defaults are used and the value is shown as provisional.

#: Driven legs behind one travel factor (the whole day, a time band or an area). Log leg-time
#: ratios spread by about 0.15-0.2; over 30 legs the factor's standard error is about 3 %,
#: smaller than the differences between time bands (10-30 %) it is there to show.
MIN_LEGS_PER_TRAVEL_FACTOR = 30
#: Visits of a delivery point behind its learned service time. A stop's time varies by some 30 %
#: with the goods, the staff and the driver; ten visits span two weeks or more and several
#: drivers and put the typical time within about 10 % (a minute or two).
MIN_VISITS_PER_POINT = 10
#: Driven stops behind the margin kept before a window closes. The margin is a 90 % quantile:
#: from 30 stops at least three lie above it, so no single lunch or detour sets it alone.
MIN_STOPS_FOR_MARGIN = 30
#: Visits behind the time lost per visit to lunches and detours. It is the mean of rare events
#: (about one visit in thirty); a hundred visits have seen a few of them, not just one or none.
MIN_VISITS_FOR_EXCESS = 100


@dataclass(frozen=True)
class Minimums:
    """Observations each kind of learned value needs before the planner uses it."""

    travel_legs: int = MIN_LEGS_PER_TRAVEL_FACTOR
    point_visits: int = MIN_VISITS_PER_POINT
    margin_stops: int = MIN_STOPS_FOR_MARGIN
    excess_visits: int = MIN_VISITS_FOR_EXCESS


def provisional(n: int, minimum: int) -> bool:
    """A value learned from `n` observations is shown, not used, below `minimum`."""
    return n < minimum


def travel_in_use(travel: TravelEstimate, min_legs: int = MIN_LEGS_PER_TRAVEL_FACTOR) -> TravelEstimate:
    """`travel` with each factor on fewer than `min_legs` legs set to 1.0 (no correction).

    The sample sizes are kept, so a provisional time band still weighs in the day's average
    (:meth:`TravelEstimate.day_band_factor`), with no correction of its own: its legs are planned
    with the all-day factor. Fewer legs than that in all makes the whole estimate the base model.
    """

    def used(f: FactorEstimate) -> FactorEstimate:
        return f if not provisional(f.n, min_legs) else FactorEstimate(1.0, f.n)

    return TravelEstimate(
        default=used(travel.default),
        time_bands=tuple((s, e, used(f)) for s, e, f in travel.time_bands),
        areas=tuple((a, used(f)) for a, f in travel.areas),
        reference_time_s=travel.reference_time_s,
        log_scale=travel.log_scale,
        n=travel.n,
    )


def services_in_use(
    services: Mapping[int, ServiceEstimate], min_visits: int = MIN_VISITS_PER_POINT
) -> dict[int, ServiceEstimate]:
    """The point estimates on at least `min_visits` visits; the others fall back to the point's default."""
    return {pid: e for pid, e in services.items() if not provisional(e.n, min_visits)}


def margin_in_use(margin: ArrivalMargin, min_stops: int = MIN_STOPS_FOR_MARGIN) -> ArrivalMargin:
    """The margin if it rests on `min_stops` driven stops, else none (the default: plan to the window's end)."""
    return margin if not provisional(margin.n, min_stops) else ArrivalMargin(n=margin.n)


def excess_in_use(excess: OutlierExcess, min_visits: int = MIN_VISITS_FOR_EXCESS) -> OutlierExcess:
    """The time lost per visit if it rests on `min_visits` visits, else nothing added (the default)."""
    return excess if not provisional(excess.n, min_visits) else OutlierExcess(n=excess.n)
