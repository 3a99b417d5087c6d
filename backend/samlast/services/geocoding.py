"""Address to coordinates with geopy (Nominatim by default), cached in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app

from samlast.extensions import db
from samlast.models import GeocodeCache

log = logging.getLogger(__name__)

Lookup = Callable[[str], tuple[float, float] | None]


class GeocodingUnavailable(Exception):
    """Geocoding is switched off or the geocoding service cannot be reached."""


def _nominatim_lookup() -> Lookup:
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    config = current_app.config
    geocoder = Nominatim(
        user_agent=config["GEOCODER_USER_AGENT"],
        domain=config["GEOCODER_URL"],
        timeout=config["GEOCODER_TIMEOUT_S"],
    )
    # Nominatim's usage policy allows one request per second.
    rate_limited = RateLimiter(geocoder.geocode, min_delay_seconds=1.0, max_retries=1)

    def lookup(query: str) -> tuple[float, float] | None:
        location = rate_limited(query, country_codes="se,no,dk,fi")
        return None if location is None else (location.latitude, location.longitude)

    return lookup


def available() -> bool:
    """Whether addresses can be looked up at all (a service configured, or one injected)."""
    return current_app.config.get("GEOCODER_LOOKUP") is not None or bool(current_app.config["GEOCODING_ENABLED"])


def _lookup() -> Lookup:
    injected = current_app.config.get("GEOCODER_LOOKUP")  # tests and offline set-ups
    if injected is not None:
        return injected
    if not current_app.config["GEOCODING_ENABLED"]:
        raise GeocodingUnavailable("Geocoding is switched off (GEOCODING_ENABLED=0).")
    return _nominatim_lookup()


def uncached(queries: Iterable[str]) -> list[str]:
    """The distinct addresses not in the cache yet, in order."""
    wanted = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    if not wanted:
        return []
    known = set(db.session.scalars(sa.select(GeocodeCache.query).where(GeocodeCache.query.in_(wanted))))
    return [q for q in wanted if q not in known]


def geocode_many(queries: Iterable[str]) -> dict[str, tuple[float, float] | None]:
    """Coordinates for each address, from the cache first; None where nothing was found.

    Raises GeocodingUnavailable when addresses are not cached and the service
    cannot be used. New results are added to the session (committed by the caller).
    """
    wanted = sorted({q.strip() for q in queries if q.strip()})
    cached = {
        row.query: (row.lat, row.lon)
        for row in db.session.scalars(sa.select(GeocodeCache).where(GeocodeCache.query.in_(wanted)))
    }
    results: dict[str, tuple[float, float] | None] = dict(cached)
    missing = [q for q in wanted if q not in cached]
    if not missing:
        return results
    lookup = _lookup()
    for query in missing:
        try:
            found = lookup(query)
        except GeocodingUnavailable:
            raise
        except Exception as exc:  # geopy raises many network error types
            log.warning("Geocoding failed for %r: %s", query, exc)
            raise GeocodingUnavailable(f"The geocoding service could not be reached: {exc}") from exc
        results[query] = found
        if found is not None:
            db.session.add(GeocodeCache(query=query, lat=found[0], lon=found[1]))
    return results
