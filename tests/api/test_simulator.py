"""The digital twin on a small case: two days at scale 0.1, through the real API paths."""

from __future__ import annotations

from samlast.simulate import SimulationOptions, run_simulation
from samlast.simulate.runner import format_day


def test_two_simulated_days_keep_their_invariants_and_learn(app):
    reports = run_simulation(app, SimulationOptions(days=2, scale=0.1, time_limit_s=1, duplicate_p=0.1,
                                                    fleet="demo", advice_each_day=False))
    assert len(reports) == 2
    for report in reports:
        assert report.problems == []
        assert report.stops > 0 and report.events_sent == report.events_stored == 3 * report.stops
        assert 0 <= report.inside_window_share <= 1
        assert report.fleet == 1 and report.advice_needed is None and report.advice_max == 0  # no advice asked
    first, second = reports
    assert first.parameters_version is None and second.parameters_version == 1
    assert first.replays + second.replays > 0


def test_the_fleet_is_sized_by_the_day_one_advice_and_the_report_counts_all_stops(app):
    lines: list[str] = []
    reports = run_simulation(app, SimulationOptions(days=2, scale=0.1, time_limit_s=1), echo=lines.append)
    first, second = reports
    # The day-1 advice (planned times) sets the fleet for every day; each day's advice is reported.
    assert first.advice_needed is not None and first.fleet == first.advice_needed == second.fleet
    assert second.advice_needed is not None
    assert lines[0].startswith(f"fleet: {first.fleet} of 4 vehicles (day-1 advice")  # 1 demo vehicle + 3
    for report in reports:
        assert report.problems == []
        assert report.on_time <= report.stops
        assert report.on_time_all_share == round(report.on_time / (report.stops + report.unassigned), 4)
        assert f"served {report.stops:3d}, unassigned {report.unassigned}, on time {report.on_time} of" in format_day(
            report
        )
    # Sized by the advice, day 1 leaves no stop out.
    assert first.unassigned == 0


def test_following_the_advice_sizes_the_fleet_every_day(app):
    reports = run_simulation(app, SimulationOptions(days=2, scale=0.1, time_limit_s=1, follow_advice=True))
    for report in reports:
        assert report.problems == [] and report.advice_needed is not None
        assert report.fleet == report.advice_needed
