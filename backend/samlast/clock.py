"""The cluster's clock: its time zone (config TIMEZONE), today there, and plan times.

Plans keep times as seconds since local midnight of the plan date (the planner's unit);
the database keeps aware datetimes in UTC. These helpers convert between the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def now() -> datetime:
    return datetime.now(tz())


def today() -> date:
    """Today in the cluster's time zone (not the server's); DEMO_TODAY pretends another day."""
    pretend = current_app.config.get("DEMO_TODAY")
    return date.fromisoformat(pretend) if pretend else now().date()


def aware(moment: datetime) -> datetime:
    """An aware datetime; a naive one is UTC (SQLite returns naive UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def at(plan_date: date, seconds: int) -> datetime:
    """Seconds since local midnight of `plan_date` as an aware datetime."""
    return datetime.combine(plan_date, time(0), tzinfo=tz()) + timedelta(seconds=seconds)


def seconds_of(plan_date: date, moment: datetime) -> int:
    """Seconds since local midnight of `plan_date` (negative or over 86 400 on other days)."""
    return int((aware(moment) - datetime.combine(plan_date, time(0), tzinfo=tz())).total_seconds())


def seconds(moment: time) -> int:
    """A clock time as seconds since midnight."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def hhmm(seconds_since_midnight: int) -> str:
    return f"{seconds_since_midnight // 3600:02d}:{seconds_since_midnight % 3600 // 60:02d}"
