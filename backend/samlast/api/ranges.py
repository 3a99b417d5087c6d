"""The period a list asks for: `from`/`to` of the query, or a default around the cluster's today."""

from __future__ import annotations

from datetime import date, timedelta

from samlast import clock


def date_range(args: dict, default_days: int, past: bool = False) -> tuple[date, date]:
    """`default_days` from today on (or, with `past`, up to today) unless the query names them."""
    today = clock.today()
    if past:
        start = args.get("from") or today - timedelta(days=default_days)
        return start, args.get("to") or today
    start = args.get("from") or today
    return start, args.get("to") or start + timedelta(days=default_days)
