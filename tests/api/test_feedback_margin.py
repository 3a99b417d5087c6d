"""The learned arrival margin in the day's problem: it grows with the time out, learned from recent days."""

from __future__ import annotations

from datetime import date, time, timedelta

from samlast.extensions import db
from samlast.models import LearnedParameters, ReceivingWindow
from samlast.planning import learning as lrn
from samlast.services import feedback, planning
from tests.conftest import MONDAY

HOUR = 3600


def _store(arrival: dict, travel=None) -> None:
    payload = feedback._payload({}, travel or lrn.TravelEstimate(), {}, {})
    payload["arrival"] = arrival
    version = (feedback.latest().version + 1) if feedback.latest() else 1
    db.session.add(LearnedParameters(version=version, payload=payload))
    db.session.commit()


def _windows(world) -> dict[str, tuple]:
    """Per job: its hard windows and its soft latest start (the margin in the last window)."""
    problem = planning.build_day_problem(world.terminal, MONDAY).problem
    visits = {job.id: job.visits()[0][1] for job in problem.jobs}
    return {key: (tuple((w.start, w.end) for w in v.time_windows), v.soft_latest_s) for key, v in visits.items()}


def test_margin_is_a_soft_latest_start_growing_with_the_hours_out(day, world):
    school = f"dp:{world.school.id}"
    window = ((6.5 * HOUR, 10.5 * HOUR),)
    assert _windows(world)[school] == (window, None)  # nothing learned: the real window, no margin
    # 10 min per hour out: the school's window closes 4.5 h after the 06:00 shift start -> 45 min margin.
    # The window itself stays: a job is never dropped for the margin alone.
    _store({"fixed_s": 0.0, "per_hour_s": 600.0, "max_s": HOUR, "n": 50, "quantile": 0.9})
    assert _windows(world)[school] == (window, 10.5 * HOUR - 2700)
    # Capped, and never before the window's start.
    _store({"fixed_s": 0.0, "per_hour_s": 3 * HOUR, "max_s": 5 * HOUR, "n": 50, "quantile": 0.9})
    assert _windows(world)[school] == (window, 6.5 * HOUR)
    # A version stored before the margin grew (one constant) still plans.
    _store({"margin_s": 600, "n": 30})
    assert _windows(world)[school] == (window, 10.5 * HOUR - 600)


def test_margin_is_hard_in_a_window_with_a_later_one_after_it(day, world):
    world.care_home.receiving_windows = [
        ReceivingWindow(weekday=0, start=time(7, 0), end=time(9, 0)),
        ReceivingWindow(weekday=0, start=time(13, 0), end=time(15, 0)),
    ]
    db.session.commit()
    _store({"margin_s": 600, "n": 30})
    care_home = f"dp:{world.care_home.id}"
    # Missing the morning margin only moves the stop to the afternoon, so there it is hard.
    assert _windows(world)[care_home] == (((7 * HOUR, 9 * HOUR - 600), (13 * HOUR, 15 * HOUR)), 15 * HOUR - 600)


def test_the_solver_gets_day_average_travel_factors(day, world):
    travel = lrn.TravelEstimate(
        default=lrn.FactorEstimate(1.1, 40),
        time_bands=(
            (7 * HOUR, 9 * HOUR, lrn.FactorEstimate(1.4, 30)),
            (9 * HOUR, 11 * HOUR, lrn.FactorEstimate(1.0, 10)),
        ),
        reference_time_s=10 * HOUR,
    )
    _store({"margin_s": 0, "n": 0}, travel)
    model = feedback.current_model().travel_model()
    assert model.reference_time_s is None and model.factors.time_bands == ()
    assert model.factors.default == 1.1 * (1.4 * 30 + 1.0 * 10) / 40


def _deviations(day_: date, learned: bool, rate_per_hour: float, n: int = 12):
    return [feedback.DrivenDeviation(day_, learned, lrn.ArrivalDeviation(2 * HOUR, 2 * rate_per_hour))
            for _ in range(n)]


def test_margin_is_learned_from_the_latest_days_planned_with_learned_parameters():
    first = date(2026, 11, 30)
    defaults_day = _deviations(first, False, 1800)  # the defaults' bias: 30 min per hour
    # Only the defaults' day so far: it is all there is.
    assert feedback.window_margin(defaults_day)["per_hour_s"] == 1800
    learned_days = [_deviations(first + timedelta(days=i), True, 60 * i) for i in range(1, 8)]
    margin = feedback.window_margin(defaults_day + [d for day_ in learned_days for d in day_])
    # The last five learned days (rates 3..7 min per hour; 90 % quantile -> 7), not the defaults' day.
    assert margin["days"] == [(first + timedelta(days=i)).isoformat() for i in range(3, 8)]
    assert margin["n"] == 60 and margin["per_hour_s"] == 420 and margin["max_s"] == feedback.MARGIN_MAX_S
    assert feedback.window_margin([])["per_hour_s"] == 0


def test_the_plan_counts_the_mean_time_lost_to_lunches_and_detours(day, world):
    def fixed() -> dict[str, int]:
        problem = planning.build_day_problem(world.terminal, MONDAY).problem
        return {job.id: job.visits()[0][1].service_fixed_s for job in problem.jobs}

    before = fixed()
    _store({"margin_s": 0, "n": 0})
    assert fixed() == before  # a version stored before the excess was learned adds nothing
    payload = feedback.latest().payload | {"excess": {"service_s": 50.0, "leg_s": 20.0, "n": 100}}
    db.session.add(LearnedParameters(version=feedback.latest().version + 1, payload=payload))
    db.session.commit()
    assert fixed() == {key: seconds + 70 for key, seconds in before.items()}
