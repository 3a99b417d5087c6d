"""Travel distance/time matrices.

A :class:`TravelMatrixProvider` turns a list of locations into a square
matrix of distances (metres) and durations (seconds). The solver only sees
the matrix, so road-network, geodesic and planar models are interchangeable.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from geopy.distance import geodesic

from .model import Location

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TravelMatrix:
    """Square matrices indexed like the location list they were built from.

    Parameters
    ----------
    distances_m : tuple of tuple of float
        Road distance in metres from row to column.
    durations_s : tuple of tuple of float
        Driving time in seconds from row to column.
    """

    distances_m: tuple[tuple[float, ...], ...]
    durations_s: tuple[tuple[float, ...], ...]

    def __post_init__(self) -> None:
        n = len(self.distances_m)
        for m in (self.distances_m, self.durations_s):
            if len(m) != n or any(len(row) != n for row in m):
                raise ValueError("travel matrices must be square and of equal size")

    def __len__(self) -> int:
        return len(self.distances_m)


@runtime_checkable
class TravelMatrixProvider(Protocol):
    """Anything that can build a :class:`TravelMatrix` for a list of locations."""

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix: ...


# ------------------------------------------------------------------ geodesic


@dataclass(frozen=True)
class SpeedBand:
    """Average speed ``speed_kmh`` for trips up to ``max_distance_m`` metres."""

    max_distance_m: float
    speed_kmh: float


#: Short hops are town driving, long ones mostly country roads.
DEFAULT_SPEED_BANDS: tuple[SpeedBand, ...] = (
    SpeedBand(2_000, 30.0),
    SpeedBand(10_000, 50.0),
    SpeedBand(math.inf, 70.0),
)


@dataclass(frozen=True)
class TimeBandFactor:
    """Duration multiplier for departures in ``[start_s, end_s)`` seconds since midnight."""

    start_s: int
    end_s: int
    factor: float


@dataclass(frozen=True)
class AreaFactor:
    """Duration multiplier for trips that start or end inside a lat/lon box."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float
    factor: float

    def contains(self, loc: Location) -> bool:
        return self.min_lat <= loc.lat <= self.max_lat and self.min_lon <= loc.lon <= self.max_lon


@dataclass(frozen=True)
class TravelFactors:
    """Empirical corrections to modelled durations.

    Meant to be learned from driven routes by the feedback loop (planned vs.
    actual times) and passed into :class:`GeodesicTravelModel`. All factors
    multiply the modelled duration; 1.0 means "no correction".

    Parameters
    ----------
    default : float
        Global multiplier.
    time_bands : tuple of TimeBandFactor
        Time-of-day multiplier, chosen by the model's ``reference_time_s``
        (matrices are time-independent inside the solver). First match wins.
    areas : tuple of AreaFactor
        Multiplier for trips touching an area; the largest matching factor of
        origin and destination is used.
    """

    default: float = 1.0
    time_bands: tuple[TimeBandFactor, ...] = ()
    areas: tuple[AreaFactor, ...] = ()

    def duration_factor(self, origin: Location, destination: Location, time_s: int | None) -> float:
        factor = self.default
        if time_s is not None:
            for band in self.time_bands:
                if band.start_s <= time_s < band.end_s:
                    factor *= band.factor
                    break
        area = [a.factor for a in self.areas if a.contains(origin) or a.contains(destination)]
        if area:
            factor *= max(area)
        return factor


@dataclass(frozen=True)
class GeodesicTravelModel:
    """Straight-line (WGS84 geodesic) distance stretched to a road estimate.

    Parameters
    ----------
    circuity : float
        Road distance / straight-line distance; about 1.3 for Swedish
        rural-town networks.
    speed_bands : tuple of SpeedBand
        Average speed by road distance, ascending ``max_distance_m``.
    factors : TravelFactors
        Learned duration corrections.
    reference_time_s : int or None
        Time of day used to pick a :class:`TimeBandFactor`.
    """

    circuity: float = 1.3
    speed_bands: tuple[SpeedBand, ...] = DEFAULT_SPEED_BANDS
    factors: TravelFactors = field(default_factory=TravelFactors)
    reference_time_s: int | None = None

    def speed_kmh(self, distance_m: float) -> float:
        for band in self.speed_bands:
            if distance_m <= band.max_distance_m:
                return band.speed_kmh
        return self.speed_bands[-1].speed_kmh

    def straight_line_m(self, a: Location, b: Location) -> float:
        """Exact WGS84 geodesic (geopy); :meth:`matrix` uses a vectorised equivalent."""
        return geodesic((a.lat, a.lon), (b.lat, b.lon)).meters

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """Vectorised: about 0.1 s for 1 000 locations (geopy per pair took ~10 s)."""
        lat = np.array([loc.lat for loc in locations], dtype=float)
        lon = np.array([loc.lon for loc in locations], dtype=float)
        road = _lambert_m(lat, lon) * self.circuity
        speeds = np.full(road.shape, self.speed_bands[-1].speed_kmh)
        for band in reversed(self.speed_bands):
            speeds = np.where(road <= band.max_distance_m, band.speed_kmh, speeds)
        seconds = road / (speeds / 3.6)
        # TravelFactors.duration_factor, vectorised: default * time band * the
        # largest area factor of origin or destination (if any area matches).
        nowhere = Location(math.nan, math.nan)  # inside no area
        base = self.factors.duration_factor(nowhere, nowhere, self.reference_time_s)
        area = np.array(
            [
                max((a.factor for a in self.factors.areas if a.contains(loc)), default=0.0)
                for loc in locations
            ]
        )
        pair = np.maximum(area[:, None], area[None, :])
        seconds = seconds * base * np.where(pair > 0, pair, 1.0)
        return TravelMatrix(tuple(map(tuple, road.tolist())), tuple(map(tuple, seconds.tolist())))


#: WGS84 semi-major axis (m) and flattening.
_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563


def _lambert_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise ellipsoidal distances (Lambert's formula on WGS84), metres.

    Within a few metres of the exact geodesic up to ~1 000 km, and within
    millimetres at municipal distances; identical points give 0.
    """
    f = _WGS84_F
    beta = np.arctan((1 - f) * np.tan(np.radians(lat)))  # reduced latitudes
    lam = np.radians(lon)
    b1, b2 = beta[:, None], beta[None, :]
    # central angle (haversine on the reduced latitudes)
    dlam = lam[None, :] - lam[:, None]
    h = np.sin((b2 - b1) / 2) ** 2 + np.cos(b1) * np.cos(b2) * np.sin(dlam / 2) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    p, q = (b1 + b2) / 2, (b2 - b1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - np.sin(sigma)) * (np.sin(p) * np.cos(q)) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * (np.cos(p) * np.sin(q)) ** 2 / np.sin(sigma / 2) ** 2
        d = _WGS84_A * (sigma - f / 2 * (x + y))
    return np.where(sigma > 0, d, 0.0)


# ------------------------------------------------------------ planar / explicit


@dataclass(frozen=True)
class EuclideanTravelModel:
    """Planar distances: ``Location.lat`` is x, ``Location.lon`` is y.

    For benchmark instances (Solomon) whose coordinates are abstract. The
    distance unit is the coordinate unit (treated as metres) and travel time
    is ``distance / speed`` seconds.
    """

    speed: float = 1.0

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        dist = tuple(
            tuple(math.hypot(a.lat - b.lat, a.lon - b.lon) for b in locations) for a in locations
        )
        dur = tuple(tuple(d / self.speed for d in row) for row in dist)
        return TravelMatrix(dist, dur)


@dataclass(frozen=True)
class MatrixTravelModel:
    """Precomputed matrix over a known set of locations (looked up by equality)."""

    locations: tuple[Location, ...]
    travel: TravelMatrix

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        index = {loc: i for i, loc in enumerate(self.locations)}
        try:
            ids = [index[loc] for loc in locations]
        except KeyError as exc:
            raise KeyError(f"location not in the precomputed matrix: {exc}") from None
        d, t = self.travel.distances_m, self.travel.durations_s
        return TravelMatrix(
            tuple(tuple(d[i][j] for j in ids) for i in ids),
            tuple(tuple(t[i][j] for j in ids) for i in ids),
        )


# ---------------------------------------------------------------------- OSRM


class OsrmUnavailable(RuntimeError):
    """The OSRM server could not be reached (or kept failing) after the retries."""


def _http_get_json(url: str, timeout_s: float) -> dict:
    """GET a JSON body; an OSRM error answer (HTTP 400 "TooBig", "NoSegment") is returned as its
    JSON, a failure to reach the server (or a 5xx) raises OsrmUnavailable."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code < 500:
            try:
                return json.load(error)
            except ValueError:
                return {"code": f"HTTP{error.code}", "message": error.reason}
        raise OsrmUnavailable(f"OSRM answered HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        raise OsrmUnavailable(f"OSRM could not be reached: {error}") from error


class MatrixBlockCache:
    """Blocks of road matrices by their locations (least recently used out first): a re-plan of
    the same day asks for the same blocks, and OSRM is not asked again."""

    def __init__(self, max_blocks: int = 512):
        self.max_blocks = max_blocks
        self._blocks: OrderedDict[tuple, tuple[list[list[float]], list[list[float]]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> tuple[list[list[float]], list[list[float]]] | None:
        with self._lock:
            block = self._blocks.get(key)
            if block is None:
                self.misses += 1
                return None
            self._blocks.move_to_end(key)
            self.hits += 1
            return block

    def put(self, key: tuple, block: tuple[list[list[float]], list[list[float]]]) -> None:
        with self._lock:
            self._blocks[key] = block
            self._blocks.move_to_end(key)
            while len(self._blocks) > self.max_blocks:
                self._blocks.popitem(last=False)


OSRM_CACHE = MatrixBlockCache()


@dataclass(frozen=True)
class OsrmTravelModel:
    """Road matrix from an OSRM server's table service.

    Calls ``{url}/table/v1/{profile}/{lon,lat;...}?annotations=duration,distance``. OSRM refuses a
    table larger than its ``--max-table-size`` (100 by default: sources x destinations at most
    100 x 100), so the matrix is asked for in blocks of at most ``max_table_size`` sources and as
    many destinations, each block with ``sources``/``destinations`` indices; blocks are cached
    and a failed request is retried with back-off.

    Parameters
    ----------
    url : str
        Base URL, e.g. ``http://localhost:5000``.
    profile : str
        OSRM profile name.
    timeout_s : float
        HTTP timeout in seconds.
    fetch : callable or None
        ``fetch(url, timeout_s) -> dict``; injectable for tests.
    max_table_size : int
        The server's ``--max-table-size``.
    retries : int
        Further attempts after a request that could not reach the server.
    backoff_s : float
        The wait before the first retry; doubled before each next one.
    cache : MatrixBlockCache or None
        Where blocks are kept (the process-wide cache by default).
    """

    url: str
    profile: str = "driving"
    timeout_s: float = 30.0
    fetch: Callable[[str, float], dict] | None = None
    max_table_size: int = 100
    retries: int = 3
    backoff_s: float = 0.5
    cache: MatrixBlockCache | None = field(default=None, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def request_url(
        self, locations: Sequence[Location], sources: Sequence[int] | None = None,
        destinations: Sequence[int] | None = None,
    ) -> str:  # fmt: skip
        coords = ";".join(f"{loc.lon:.6f},{loc.lat:.6f}" for loc in locations)
        base = self.url.rstrip("/")
        url = f"{base}/table/v1/{self.profile}/{coords}?annotations=duration,distance"
        if sources is not None:
            url += "&sources=" + ";".join(map(str, sources))
        if destinations is not None:
            url += "&destinations=" + ";".join(map(str, destinations))
        return url

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        n = len(locations)
        size = max(1, self.max_table_size)
        blocks = [list(range(start, min(start + size, n))) for start in range(0, n, size)]
        logger.debug("OSRM table for %d locations in %d blocks", n, len(blocks) ** 2)
        dist = [[0.0] * n for _ in range(n)]
        dur = [[0.0] * n for _ in range(n)]
        for rows in blocks:
            for columns in blocks:
                block_dist, block_dur = self._block([locations[i] for i in rows], [locations[j] for j in columns])
                for a, i in enumerate(rows):
                    for b, j in enumerate(columns):
                        dist[i][j], dur[i][j] = block_dist[a][b], block_dur[a][b]
        return TravelMatrix(tuple(map(tuple, dist)), tuple(map(tuple, dur)))

    def _block(self, rows: list[Location], columns: list[Location]) -> tuple[list[list[float]], list[list[float]]]:
        cache = self.cache if self.cache is not None else OSRM_CACHE
        key = (self.url, self.profile, tuple((p.lat, p.lon) for p in rows), tuple((p.lat, p.lon) for p in columns))
        cached = cache.get(key)
        if cached is not None:
            return cached
        if rows == columns:
            url = self.request_url(rows)
        else:
            url = self.request_url(
                rows + columns, range(len(rows)), range(len(rows), len(rows) + len(columns))
            )  # fmt: skip
        data = self._fetch(url)
        if data.get("code") != "Ok":
            raise RuntimeError(f"OSRM table failed: {data.get('code')} {data.get('message', '')}")
        dist, dur = data.get("distances"), data.get("durations")
        if (
            dist is None or dur is None or len(dist) != len(rows) or len(dur) != len(rows)
            or any(len(row) != len(columns) for row in (*dist, *dur))
        ):  # fmt: skip
            raise RuntimeError("OSRM table response lacks distance/duration matrices")
        for i, row in enumerate(dur):
            for j, value in enumerate(row):
                if value is None or dist[i][j] is None:
                    raise RuntimeError(f"OSRM found no route from location {i} to {j}")
        block = ([[float(v) for v in row] for row in dist], [[float(v) for v in row] for row in dur])
        cache.put(key, block)
        return block

    def _fetch(self, url: str) -> dict:
        fetch = self.fetch or _http_get_json
        wait = self.backoff_s
        for attempt in range(self.retries + 1):
            try:
                return fetch(url, self.timeout_s)
            except OsrmUnavailable:
                if attempt == self.retries:
                    raise
                logger.warning("OSRM unreachable; retrying in %.1f s", wait)
                self.sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")


class RoadTimesWithFallback:
    """OSRM's road matrix, or (when OSRM cannot be reached) the fallback model's, with the
    reason kept so the plan can say that its times are estimates."""

    def __init__(self, primary: TravelMatrixProvider, fallback: TravelMatrixProvider):
        self.primary = primary
        self.fallback = fallback
        self.fell_back: str | None = None

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        if self.fell_back is None:
            try:
                return self.primary.matrix(locations)
            except OsrmUnavailable as error:
                logger.warning("Road times fall back to the straight-line model: %s", error)
                self.fell_back = str(error)
        return self.fallback.matrix(locations)
