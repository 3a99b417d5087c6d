"""Road times from OSRM against a small real OSRM stand-in (tests/osrm_server.py): a day larger
than OSRM's default --max-table-size (100) is asked for in blocks and gives the same matrix as
one unlimited table; blocks are cached; an unreachable OSRM is retried with back-off and the
plan falls back to the straight-line model, saying so on the plan."""

from __future__ import annotations

import random

import pytest

from samlast.planning import GeodesicTravelModel, Location, OsrmTravelModel, OsrmUnavailable, RoadTimesWithFallback
from samlast.planning.travel import MatrixBlockCache
from tests.osrm_server import FakeOsrm, closed_port_url


def _places(n: int, seed: int = 7) -> list[Location]:
    rng = random.Random(seed)
    return [Location(55.4 + rng.random() * 0.8, 12.9 + rng.random() * 1.4) for _ in range(n)]


def test_a_300_place_matrix_in_blocks_equals_one_unlimited_table():
    places = _places(300)
    with FakeOsrm(max_table_size=100) as limited, FakeOsrm(max_table_size=1000) as unlimited:
        # One table of 300 is what OSRM's default refuses.
        with pytest.raises(RuntimeError, match="TooBig"):
            OsrmTravelModel(limited.url, max_table_size=1000, cache=MatrixBlockCache()).matrix(places)
        limited.requests.clear()
        chunked = OsrmTravelModel(limited.url, cache=MatrixBlockCache()).matrix(places)
        whole = OsrmTravelModel(unlimited.url, max_table_size=1000, cache=MatrixBlockCache()).matrix(places)
    assert len(limited.requests) == 9  # 3 x 3 blocks of at most 100 x 100
    assert all("sources=" in r and "destinations=" in r for r in limited.requests if r.count(";") > 100)
    assert chunked == whole
    assert chunked.distances_m[0][299] > 0 and chunked.distances_m[17][17] == 0


def test_blocks_are_cached_so_a_replan_does_not_ask_again():
    places = _places(150)
    cache = MatrixBlockCache()
    with FakeOsrm() as osrm:
        first = OsrmTravelModel(osrm.url, cache=cache).matrix(places)
        asked = len(osrm.requests)
        again = OsrmTravelModel(osrm.url, cache=cache).matrix(places)
    assert asked == 4 and len(osrm.requests) == asked
    assert first == again and cache.hits == 4


def test_an_unreachable_osrm_is_retried_with_back_off_then_the_straight_line_model_answers():
    waits: list[float] = []
    places = _places(5)
    with FakeOsrm() as osrm:
        osrm.down = True  # a 503 from a proxy in front of OSRM
        model = OsrmTravelModel(osrm.url, retries=3, backoff_s=0.5, sleep=waits.append, cache=MatrixBlockCache())
        with pytest.raises(OsrmUnavailable):
            model.matrix(places)
        assert len(osrm.requests) == 4 and waits == [0.5, 1.0, 2.0]
    fallback = RoadTimesWithFallback(
        OsrmTravelModel(closed_port_url(), retries=1, sleep=lambda _s: None, cache=MatrixBlockCache()),
        GeodesicTravelModel(),
    )
    matrix = fallback.matrix(places)
    assert fallback.fell_back and "could not be reached" in fallback.fell_back
    assert matrix == GeodesicTravelModel().matrix(places)


@pytest.mark.parametrize("osrm_up", [True, False])
def test_the_plan_says_when_its_road_times_are_estimates(app, client, day, world, coordinator, osrm_up, monkeypatch):
    from samlast.services import planning
    from tests.conftest import MONDAY

    monkeypatch.setattr("samlast.planning.travel.OSRM_CACHE", MatrixBlockCache())
    monkeypatch.setattr("samlast.planning.travel.time.sleep", lambda _s: None)
    with FakeOsrm() as osrm:
        monkeypatch.setitem(app.config, "OSRM_URL", osrm.url if osrm_up else closed_port_url())
        planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
        asked = len(osrm.requests)
    answer = client.get(f"/api/v1/plans/current?date={MONDAY.isoformat()}", headers=coordinator)
    assert answer.status_code == 200, answer.json
    assert answer.json["road_times_estimated"] is (not osrm_up)
    assert answer.json["routes"] and answer.json["unassigned"] == []
    assert (asked > 0) is osrm_up
