"""Estimators of the feedback loop on synthetic observations with known true values."""

from __future__ import annotations

import math
import random

import pytest

from samlast import planning as pl
from samlast.planning import learning as lrn

PRIOR = lrn.ServicePrior(fixed_s=600.0, per_pallet_s=90.0)


def _visits(rng, point_id, fixed, per_pallet, n, noise=0.1):
    out = []
    for _ in range(n):
        pallets = rng.uniform(0.5, 4.0)
        seconds = (fixed + per_pallet * pallets) * math.exp(rng.gauss(0, noise))
        out.append(lrn.ServiceObservation(point_id, pallets, seconds))
    return out


def test_service_time_is_recovered_with_enough_visits():
    rng = random.Random(1)
    obs = _visits(rng, 1, fixed=1100.0, per_pallet=160.0, n=60)
    [est] = lrn.learn_service_times(obs, {1: PRIOR}).values()
    assert est.n == 60
    # Within 10 % of the truth for a typical 2-pallet stop, and each part within tolerance.
    assert est.service_s(2.0) == pytest.approx(1100 + 2 * 160, rel=0.10)
    assert est.fixed_s == pytest.approx(1100, abs=150)
    assert est.per_pallet_s == pytest.approx(160, abs=50)


def test_outliers_barely_move_the_estimate():
    rng = random.Random(2)
    clean = _visits(rng, 1, fixed=900.0, per_pallet=120.0, n=8, noise=0.05)
    lunch = [lrn.ServiceObservation(1, 1.0, 900 + 120 + 40 * 60), lrn.ServiceObservation(1, 2.0, 5 * 3600)]
    without = lrn.learn_service_times(clean, {1: PRIOR})[1]
    with_outliers = lrn.learn_service_times(clean + lunch, {1: PRIOR})[1]
    # Two gross outliers (40 min lunch, a 5 h forgotten "leave") move a 2-pallet stop < 2 min
    # (a plain mean would move it by ~35 min).
    assert abs(with_outliers.service_s(2.0) - without.service_s(2.0)) < 120
    assert with_outliers.outliers >= 2


def test_few_observations_shrink_towards_the_default():
    # One visit twice as long as the default: with prior weight 2 the fixed part moves a third of the way.
    obs = [lrn.ServiceObservation(1, 0.0, 1200.0)]
    est = lrn.fit_service(1, obs, PRIOR, scale_s=1000.0)
    k = lrn.LearningConfig().service_prior_weight
    assert est.fixed_s == pytest.approx((1200 + k * 600) / (1 + k), rel=1e-6)
    assert est.per_pallet_s == pytest.approx(90.0)
    assert lrn.fit_service(2, [], PRIOR, 100.0) == lrn.ServiceEstimate(2, 600.0, 90.0, 0)


def _legs(rng, n, band_factor, area_factor, area, noise=0.08):
    legs = []
    for _ in range(n):
        origin = pl.Location(55.8 + rng.uniform(0, 0.2), 13.2 + rng.uniform(0, 0.4))
        dest = pl.Location(55.8 + rng.uniform(0, 0.2), 13.2 + rng.uniform(0, 0.4))
        depart = rng.randrange(6 * 3600, 15 * 3600)
        predicted = rng.uniform(300, 1500)
        factor = 1.2 * band_factor(depart)
        if area.contains(origin) or area.contains(dest):
            factor *= area_factor
        actual = predicted * factor * math.exp(rng.gauss(0, noise))
        legs.append(lrn.LegObservation(origin, dest, depart, actual, predicted))
    return legs


def test_travel_factors_are_recovered_and_robust_to_detours():
    rng = random.Random(3)
    area = lrn.Area("slow town", 55.8, 13.2, 55.86, 13.3)

    def band(t):
        return 1.3 if 7 * 3600 <= t < 9 * 3600 else 1.0

    legs = _legs(rng, 800, band, 1.25, area)
    detours = [lrn.LegObservation(g.origin, g.destination, g.depart_s, g.actual_s + 1800, g.predicted_s)
               for g in legs[:30]]
    est = lrn.learn_travel(legs[30:] + detours, [area])
    factors = est.travel_factors()
    far = pl.Location(55.95, 13.55)  # in no area
    assert factors.duration_factor(far, far, 8 * 3600) == pytest.approx(1.2 * 1.3, rel=0.05)
    assert factors.duration_factor(far, far, 12 * 3600) == pytest.approx(1.2, rel=0.05)
    inside = pl.Location(55.83, 13.25)
    assert factors.duration_factor(inside, far, 12 * 3600) == pytest.approx(1.2 * 1.25, rel=0.06)
    assert est.n == 800 and est.areas[0][1].n > 0


def test_observations_from_a_route_use_positions_for_a_forgotten_leave():
    here, there = pl.Location(55.80, 13.20), pl.Location(55.82, 13.24)
    visits = [
        # Arrived 08:00, window from 08:10 (waits), "leave" tapped only at 09:30; a position 800 m away at 08:40.
        lrn.VisitRecord(1, here, 2.0, 8 * 3600, 9 * 3600 + 1800, ((8 * 3600 + 600, 10 * 3600),),
                        away_s=8 * 3600 + 2400, away_m=800.0),
        lrn.VisitRecord(2, there, 1.0, 9 * 3600 + 1860, 9 * 3600 + 2700),
    ]
    services, legs = lrn.observations_from_route(visits, lambda a, b: 600.0)
    left = 8 * 3600 + 2400 - 100  # the position back-dated by 800 m / 8 m/s
    assert services[0].duration_s == left - (8 * 3600 + 600)
    assert services[1].duration_s == 2700 - 1860
    assert legs[0].actual_s == 9 * 3600 + 1860 - left and legs[0].predicted_s == 600.0


# ------------------------------------------------- minimums before a value is used

HOUR = 3600


def test_the_minimums_are_named_per_kind():
    minimums = lrn.Minimums()
    assert (minimums.travel_legs, minimums.point_visits, minimums.margin_stops, minimums.excess_visits) == (
        lrn.MIN_LEGS_PER_TRAVEL_FACTOR, lrn.MIN_VISITS_PER_POINT, lrn.MIN_STOPS_FOR_MARGIN, lrn.MIN_VISITS_FOR_EXCESS)
    assert lrn.provisional(lrn.MIN_VISITS_PER_POINT - 1, lrn.MIN_VISITS_PER_POINT)
    assert not lrn.provisional(lrn.MIN_VISITS_PER_POINT, lrn.MIN_VISITS_PER_POINT)


def test_a_point_estimate_below_its_minimum_falls_back_to_the_default():
    enough = lrn.MIN_VISITS_PER_POINT
    services = {1: lrn.ServiceEstimate(1, 1500.0, 120.0, enough - 1), 2: lrn.ServiceEstimate(2, 1500.0, 120.0, enough)}
    assert lrn.services_in_use(services) == {2: services[2]}


def test_travel_factors_below_their_minimum_are_no_correction():
    enough = lrn.MIN_LEGS_PER_TRAVEL_FACTOR
    town = lrn.Area("town", 55.8, 13.2, 55.86, 13.3)
    travel = lrn.TravelEstimate(
        default=lrn.FactorEstimate(1.2, enough + 10),
        time_bands=((7 * HOUR, 9 * HOUR, lrn.FactorEstimate(1.4, enough)),
                    (9 * HOUR, 11 * HOUR, lrn.FactorEstimate(1.3, 10))),
        areas=((town, lrn.FactorEstimate(1.25, enough - 1)),),
        n=enough + 10,
    )
    used = lrn.travel_in_use(travel)
    assert used.default == travel.default  # at the minimum or above: the learned factor
    assert used.time_bands[0][2] == lrn.FactorEstimate(1.4, enough)
    assert used.time_bands[1][2] == lrn.FactorEstimate(1.0, 10)  # below: no band correction, n kept
    assert used.areas[0][1] == lrn.FactorEstimate(1.0, enough - 1)
    far, inside = pl.Location(55.95, 13.55), pl.Location(55.83, 13.25)
    factors = used.travel_factors()
    assert factors.duration_factor(far, far, 10 * HOUR) == pytest.approx(1.2)
    assert factors.duration_factor(inside, far, 8 * HOUR) == pytest.approx(1.2 * 1.4)
    # The provisional band still counts in the day's average, with no correction of its own.
    assert used.day_band_factor() == pytest.approx((1.4 * enough + 1.0 * 10) / (enough + 10))
    # Too few legs in all: the base model.
    few = lrn.TravelEstimate(default=lrn.FactorEstimate(1.5, enough - 1),
                             time_bands=((7 * HOUR, 9 * HOUR, lrn.FactorEstimate(1.4, enough - 1)),))
    assert lrn.travel_in_use(few).planning_factors().duration_factor(far, far, None) == 1.0


def test_the_window_margin_and_the_excess_below_their_minimums_add_nothing():
    margin = lrn.ArrivalMargin(300.0, 240.0, 1800.0, lrn.MIN_STOPS_FOR_MARGIN - 1, 0.9)
    assert lrn.margin_in_use(margin).margin_s(4 * HOUR) == 0
    assert lrn.margin_in_use(margin).n == margin.n
    settled = lrn.ArrivalMargin(300.0, 240.0, 1800.0, lrn.MIN_STOPS_FOR_MARGIN, 0.9)
    assert lrn.margin_in_use(settled) == settled and settled.margin_s(4 * HOUR) == 300 + 4 * 240
    excess = lrn.OutlierExcess(50.0, 20.0, lrn.MIN_VISITS_FOR_EXCESS - 1)
    assert lrn.excess_in_use(excess).per_visit_s == 0
    assert lrn.excess_in_use(lrn.OutlierExcess(50.0, 20.0, lrn.MIN_VISITS_FOR_EXCESS)).per_visit_s == 70
