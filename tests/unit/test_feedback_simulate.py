"""The simulated driver says why a stop was late: position in the trip and the lunches/detours before it."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from samlast.simulate.driver import DrivenStop, drive
from samlast.simulate.runner import _late
from samlast.simulate.truth import Truth

DAY = date(2026, 11, 30)
MIDNIGHT = datetime(2026, 11, 30)


def _iso(seconds: float) -> str:
    return (MIDNIGHT + timedelta(seconds=seconds)).isoformat()


def _route(windows):
    stops = []
    for i, window in enumerate(windows, start=1):
        stops.append({
            "id": i, "job_key": f"dp:{i}", "kind": "delivery", "lat": 55.80 + 0.02 * i, "lon": 13.30,
            "planned_arrival": _iso(6 * 3600 + 1800 * i), "planned_departure": _iso(6 * 3600 + 1800 * i + 900),
            "time_windows": [window], "lines": [{"order_line_id": i, "quantity": 1, "pallet_places": 1.0}],
        })
    return {"id": 7, "vehicle_name": "Bil 1", "trip": 0, "planned_start": _iso(6 * 3600),
            "planned_end": _iso(12 * 3600), "breaks": [], "terminal": {"lat": 55.80, "lon": 13.30}, "stops": stops}


def _drive(lunch_p: float) -> list[DrivenStop]:
    truth = Truth(random.Random(1), {1: 600.0, 2: 600.0, 3: 600.0}, lunch_p=lunch_p, detour_p=0.0,
                  forgotten_leave_p=0.0)
    [driven] = drive([_route([("06:00", "12:00"), ("06:00", "12:00"), ("06:00", "06:05")])], DAY, truth,
                     lambda day, moment: int((moment - MIDNIGHT).total_seconds()), lambda day, s: _iso(s))
    return driven.stops


def test_driven_stops_carry_their_position_and_the_lunches_before_them():
    calm, lunches = _drive(0.0), _drive(1.0)  # no lunch, a lunch at every stop
    assert [s.position for s in lunches] == [1, 2, 3] and {s.vehicle for s in lunches} == {"Bil 1"}
    assert [s.outliers_before_s for s in calm] == [0.0, 0.0, 0.0]
    first, second, third = lunches
    assert first.outliers_before_s == 0
    assert 25 * 60 <= second.outliers_before_s <= 40 * 60  # the lunch at stop 1
    assert 50 * 60 <= third.outliers_before_s <= 80 * 60
    # The lunches are what make the arrivals later.
    assert second.actual_arrival_s - calm[1].actual_arrival_s > 25 * 60


def test_a_late_stop_is_reported_with_slack_and_lateness():
    third = _drive(0.0)[2]
    assert not third.inside_window
    late = _late(third)
    assert late["job_key"] == "dp:3" and late["position"] == 3 and late["window_end"] == "06:05"
    assert late["planned_arrival"] == "07:30" and late["planned_slack_min"] == -85.0
    assert late["late_min"] == round((third.actual_arrival_s - third.last_window_end_s) / 60, 1) > 0


def test_the_day_report_separates_served_unassigned_and_on_time_among_all_stops():
    from samlast.simulate.runner import stop_figures

    def driven(inside: bool) -> DrivenStop:
        return DrivenStop(1, 0, 0.0, None, inside)

    # Three served (two inside their window) and two the plan left unassigned.
    figures = stop_figures([driven(True), driven(False), driven(True)], unassigned=2)
    assert (figures.served, figures.unassigned, figures.on_time, figures.all) == (3, 2, 2, 5)
    assert figures.inside_window_share == 0.6667  # among the served stops only
    assert figures.on_time_all_share == 0.4  # an unassigned stop is never on time
    # A day that dropped every stop is not 100 % on time.
    assert stop_figures([], unassigned=4).on_time_all_share == 0.0
    assert stop_figures([], unassigned=0).on_time_all_share == 1.0
