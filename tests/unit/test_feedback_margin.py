"""Planning for window safety: the margin that grows along a vehicle's day, and day-average travel factors."""

from __future__ import annotations

import math
import random

import pytest

from samlast import planning as pl
from samlast.planning import learning as lrn

HOUR = 3600


def _day_of_deviations(rng, n, drift_per_hour, noise_s, lunch_p):
    """Deviations that drift with elapsed time, with noise and occasional 30-min lunches that stay."""
    out = []
    for _ in range(n):
        elapsed = rng.uniform(0.5, 6.0) * HOUR
        deviation = drift_per_hour * elapsed / HOUR + rng.gauss(0, noise_s)
        if rng.random() < lunch_p * elapsed / HOUR:  # more stops before it, more lunches
            deviation += 30 * 60
        out.append(lrn.ArrivalDeviation(elapsed, deviation))
    return out


def test_margin_grows_with_time_out_and_covers_the_quantile():
    rng = random.Random(7)
    history = _day_of_deviations(rng, 400, drift_per_hour=120, noise_s=240, lunch_p=0.03)
    margin = lrn.learn_arrival_margin(history, quantile=0.9, max_s=2 * HOUR)
    assert margin.n == 400 and margin.quantile == 0.9
    # Lateness per hour out, 90 % quantile: above the drift, below drift plus a lunch every hour.
    assert 120 < margin.per_hour_s < 120 + 1800
    assert margin.margin_s(1 * HOUR) < margin.margin_s(3 * HOUR) < margin.margin_s(5 * HOUR)
    assert margin.margin_s(5 * HOUR) == pytest.approx(5 * margin.per_hour_s, abs=1)
    # Fresh stops of the same kind are reached in time at least about 90 % of the time.
    fresh = _day_of_deviations(random.Random(8), 2000, drift_per_hour=120, noise_s=240, lunch_p=0.03)
    covered = sum(d.deviation_s <= margin.margin_s(d.elapsed_s) for d in fresh) / len(fresh)
    assert covered >= 0.87
    # A constant margin of the same average size covers the late hours worse.
    flat = sum(margin.margin_s(d.elapsed_s) for d in fresh) / len(fresh)
    late = [d for d in fresh if d.elapsed_s > 4 * HOUR]
    assert sum(d.deviation_s <= margin.margin_s(d.elapsed_s) for d in late) > sum(
        d.deviation_s <= flat for d in late)


def test_margin_is_capped_zero_for_early_routes_and_needs_data():
    capped = lrn.learn_arrival_margin([lrn.ArrivalDeviation(HOUR, 3 * HOUR)] * 20, max_s=HOUR)
    assert capped.margin_s(8 * HOUR) == HOUR
    early = lrn.learn_arrival_margin([lrn.ArrivalDeviation(2 * HOUR, -600.0)] * 20)
    assert early.per_hour_s == 0 and early.margin_s(5 * HOUR) == 0
    assert lrn.learn_arrival_margin([lrn.ArrivalDeviation(HOUR, 600.0)] * 9) == lrn.ArrivalMargin(n=9)
    # A stop 5 minutes out counts as half an hour out: one early stop does not blow the rate up.
    short = lrn.learn_arrival_margin([lrn.ArrivalDeviation(300, 300.0)] * 10, quantile=0.5)
    assert short.per_hour_s == pytest.approx(600.0)


def _band(start_h, end_h, factor, n):
    return (start_h * HOUR, end_h * HOUR, lrn.FactorEstimate(factor, n))


def test_planning_factors_average_the_time_bands_over_the_day():
    slow = lrn.Area("slow town", 55.8, 13.2, 55.86, 13.3)
    estimate = lrn.TravelEstimate(
        default=lrn.FactorEstimate(1.1, 60),
        time_bands=(_band(0, 7, 1.0, 0), _band(7, 9, 1.3, 30), _band(9, 11, 1.0, 30)),
        areas=((slow, lrn.FactorEstimate(1.2, 10)),),
        reference_time_s=10 * HOUR,  # the band of the median departure: 1.0
    )
    assert estimate.day_band_factor() == pytest.approx(1.15)
    factors = estimate.planning_factors()
    far, inside = pl.Location(55.95, 13.55), pl.Location(55.83, 13.25)
    # Time-independent, the day's average band on every leg, areas kept.
    for t in (None, 8 * HOUR, 10 * HOUR):
        assert factors.duration_factor(far, far, t) == pytest.approx(1.1 * 1.15)
    assert factors.duration_factor(inside, far, None) == pytest.approx(1.1 * 1.15 * 1.2)
    # Over a morning of legs (half in the rush) the planned total is right; the reference band's was short.
    timed = estimate.travel_factors()
    truth = sum(timed.duration_factor(far, far, t) for t in (7.5 * HOUR, 8.5 * HOUR, 9.5 * HOUR, 10.5 * HOUR))
    assert 4 * factors.duration_factor(far, far, None) == pytest.approx(truth)
    assert 4 * timed.duration_factor(far, far, estimate.reference_time_s) < truth * 0.9
    # The solver's matrix uses them.
    model = pl.GeodesicTravelModel(factors=factors)
    plain = pl.GeodesicTravelModel().matrix([far, pl.Location(55.9, 13.5)]).durations_s[0][1]
    assert model.matrix([far, pl.Location(55.9, 13.5)]).durations_s[0][1] == pytest.approx(plain * 1.1 * 1.15)


def test_no_band_observations_mean_no_band_correction():
    assert lrn.TravelEstimate().day_band_factor() == 1.0
    assert lrn.TravelEstimate().planning_factors().duration_factor(pl.Location(0, 0), pl.Location(0, 0), None) == 1.0


def test_outlier_excess_is_the_mean_time_per_visit_the_robust_fit_leaves_out():
    rng = random.Random(11)
    prior = lrn.ServicePrior(600.0, 90.0)
    services, legs = [], []
    far, near = pl.Location(55.95, 13.55), pl.Location(55.9, 13.5)
    for i in range(3000):
        seconds = (900 + 120 * 2.0) * math.exp(rng.gauss(0, 0.1))
        if rng.random() < 0.03:
            seconds += 30 * 60  # a lunch
        services.append(lrn.ServiceObservation(i % 30, 2.0, seconds))
        leg = 600 * 1.2 * math.exp(rng.gauss(0, 0.05))
        if rng.random() < 0.02:
            leg += 10 * 60  # a detour
        legs.append(lrn.LegObservation(far, near, 9 * HOUR, leg, 600.0))
    estimates = lrn.learn_service_times(services, {p: prior for p in range(30)})
    travel = lrn.learn_travel(legs)
    excess = lrn.outlier_excess(services, estimates, legs, travel)
    assert excess.n == 3000
    # 3 % x 30 min + 2 % x 10 min = 66 s per visit (plus the log-normal's mean above its median).
    assert excess.service_s == pytest.approx(0.03 * 1800, abs=20)
    assert excess.leg_s == pytest.approx(0.02 * 600, abs=8)
    assert excess.per_visit_s == pytest.approx(66, abs=25)
    # A forgotten "leave" moves a leg's time into the service before it: the sum stays.
    moved = [lrn.ServiceObservation(o.point_id, o.pallets, o.duration_s + (g.actual_s - 30 if i % 25 == 0 else 0))
             for i, (o, g) in enumerate(zip(services, legs, strict=True))]
    short = [lrn.LegObservation(g.origin, g.destination, g.depart_s, 30.0 if i % 25 == 0 else g.actual_s, 600.0)
             for i, g in enumerate(legs)]
    forgetful = lrn.outlier_excess(moved, estimates, short, travel)
    assert forgetful.service_s > excess.service_s + 20
    assert forgetful.per_visit_s == pytest.approx(excess.per_visit_s, abs=1)
    # Nothing observed: nothing added; never negative.
    assert lrn.outlier_excess([], {}, [], lrn.TravelEstimate()).per_visit_s == 0
    assert lrn.OutlierExcess(-100.0, 10.0, 5).per_visit_s == 0
