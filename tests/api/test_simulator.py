"""The digital twin on a small case: two days, one vehicle, scale 0.1, through the real API paths."""

from __future__ import annotations

from samlast.simulate import SimulationOptions, run_simulation


def test_two_simulated_days_keep_their_invariants_and_learn(app):
    reports = run_simulation(app, SimulationOptions(days=2, scale=0.1, time_limit_s=1, duplicate_p=0.1))
    assert len(reports) == 2
    for report in reports:
        assert report.problems == []
        assert report.stops > 0 and report.events_sent == report.events_stored == 3 * report.stops
        assert 0 <= report.inside_window_share <= 1
    first, second = reports
    assert first.parameters_version is None and second.parameters_version == 1
    assert first.replays + second.replays > 0
