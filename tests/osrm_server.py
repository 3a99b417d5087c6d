"""A small OSRM stand-in for tests: the table service (`/table/v1/<profile>/<lon,lat;...>` with
`sources`, `destinations` and `annotations`) over real HTTP in a thread, refusing a table larger
than its `max_table_size` the way OSRM does (HTTP 400, code "TooBig"). Distances are great-circle
metres times 1.3, durations those metres at 50 km/h: not roads, but a deterministic answer whose
every cell can be checked."""

from __future__ import annotations

import json
import math
import socket
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)) * 1.3, 1)


class FakeOsrm:
    def __init__(self, max_table_size: int = 100):
        self.max_table_size = max_table_size
        self.requests: list[str] = []
        self.down = False
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOsrm:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()

    def _app(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.full_path)
        if self.down:
            return Response("upstream down", status=503)(environ, start_response)
        parts = request.path.split("/")
        if len(parts) != 5 or parts[1:3] != ["table", "v1"]:
            return self._json({"code": "InvalidUrl", "message": "no such service"}, 400)(environ, start_response)
        coords = [tuple(float(v) for v in pair.split(",")) for pair in parts[4].split(";")]

        def indices(name: str) -> list[int]:
            value = request.args.get(name)
            return list(range(len(coords))) if not value or value == "all" else [int(v) for v in value.split(";")]

        sources, destinations = indices("sources"), indices("destinations")
        if len(sources) * len(destinations) > self.max_table_size**2:
            return self._json({"code": "TooBig", "message": "Too many table coordinates"}, 400)(environ, start_response)
        distances = [[_metres(coords[i], coords[j]) for j in destinations] for i in sources]
        durations = [[round(d / (50 / 3.6), 1) for d in row] for row in distances]
        return self._json({"code": "Ok", "distances": distances, "durations": durations})(environ, start_response)

    @staticmethod
    def _json(body: dict, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")


def closed_port_url() -> str:
    """An address where nothing listens (OSRM down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"
