"""Travel matrix providers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samlast.planning import (
    AreaFactor,
    EuclideanTravelModel,
    GeodesicTravelModel,
    Location,
    MatrixTravelModel,
    OsrmTravelModel,
    SpeedBand,
    TimeBandFactor,
    TravelFactors,
    TravelMatrix,
    TravelMatrixProvider,
)

ESLOV = Location(55.8392, 13.3039)
HORBY = Location(55.8567, 13.6617)


def test_geodesic_eslov_horby():
    model = GeodesicTravelModel()
    straight = model.straight_line_m(ESLOV, HORBY)
    assert 21_500 < straight < 24_000  # ~22.5 km as the crow flies
    m = model.matrix([ESLOV, HORBY])
    assert m.distances_m[0][0] == 0 and m.distances_m[0][1] == m.distances_m[1][0]
    assert m.distances_m[0][1] == pytest.approx(straight * 1.3)
    # ~29 km of road at the 70 km/h country-road band: about 25 minutes.
    assert m.durations_s[0][1] == pytest.approx(m.distances_m[0][1] / (70 / 3.6))
    assert 20 * 60 < m.durations_s[0][1] < 30 * 60


def test_speed_bands_and_factors():
    model = GeodesicTravelModel(
        circuity=1.0,
        speed_bands=(SpeedBand(5_000, 36.0), SpeedBand(float("inf"), 72.0)),
        factors=TravelFactors(
            default=1.1,
            time_bands=(TimeBandFactor(7 * 3600, 9 * 3600, 1.5),),
            areas=(AreaFactor(55.83, 13.29, 55.85, 13.32, 2.0),),  # Eslöv centre
        ),
        reference_time_s=8 * 3600,
    )
    assert model.speed_kmh(1000) == 36.0 and model.speed_kmh(50_000) == 72.0
    m = model.matrix([ESLOV, HORBY])
    plain = m.distances_m[0][1] / 20.0  # 72 km/h = 20 m/s
    assert m.durations_s[0][1] == pytest.approx(plain * 1.1 * 1.5 * 2.0)
    off_peak = GeodesicTravelModel(
        circuity=1.0,
        speed_bands=model.speed_bands,
        factors=model.factors,
        reference_time_s=12 * 3600,
    )
    assert off_peak.matrix([ESLOV, HORBY]).durations_s[0][1] == pytest.approx(plain * 1.1 * 2.0)


def test_euclidean_and_explicit_matrix():
    locs = [Location(0, 0), Location(3, 4), Location(6, 8)]
    m = EuclideanTravelModel(speed=2.0).matrix(locs)
    assert m.distances_m[0][1] == 5.0 and m.durations_s[0][2] == 5.0
    explicit = MatrixTravelModel(tuple(locs), m)
    sub = explicit.matrix([locs[2], locs[0]])
    assert sub.distances_m == ((0.0, 10.0), (10.0, 0.0))
    with pytest.raises(KeyError):
        explicit.matrix([Location(1, 1)])
    with pytest.raises(ValueError):
        TravelMatrix(((0.0,),), ((0.0, 1.0),))
    assert isinstance(explicit, TravelMatrixProvider)


OSRM_REPLY = {
    "code": "Ok",
    "durations": [[0, 1500.5], [1490.0, 0]],
    "distances": [[0, 28000.0], [27900.0, 0]],
}


def test_osrm_with_injected_fetch():
    calls = []

    def fetch(url, timeout):
        calls.append((url, timeout))
        return OSRM_REPLY

    model = OsrmTravelModel("http://osrm.example/", fetch=fetch, timeout_s=3)
    m = model.matrix([ESLOV, HORBY])
    assert m.durations_s[1][0] == 1490.0 and m.distances_m[0][1] == 28000.0
    url, timeout = calls[0]
    assert url == (
        "http://osrm.example/table/v1/driving/13.303900,55.839200;13.661700,55.856700"
        "?annotations=duration,distance"
    )
    assert timeout == 3


def test_osrm_errors_are_raised():
    def fetch(url, timeout):
        return {"code": "Ok", "durations": [[0, None], [1, 0]], "distances": [[0, 1], [1, 0]]}

    with pytest.raises(RuntimeError, match="no route"):
        OsrmTravelModel("http://x", fetch=fetch).matrix([ESLOV, HORBY])
    with pytest.raises(RuntimeError, match="InvalidQuery"):
        OsrmTravelModel("http://x", fetch=lambda u, t: {"code": "InvalidQuery"}).matrix([ESLOV])


def test_osrm_over_http_with_fake_server():
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            seen.append(self.path)
            body = json.dumps(OSRM_REPLY).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        m = OsrmTravelModel(url, timeout_s=5).matrix([ESLOV, HORBY])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert m.distances_m[1][0] == 27900.0
    assert seen[0].startswith("/table/v1/driving/13.303900,55.839200;")
