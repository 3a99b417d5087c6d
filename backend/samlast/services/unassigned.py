"""The jobs a plan leaves out, each with its reason in numbers and what to do about it.

A stored entry is ``{job_key, reason, label, message_key, params}``: ``reason`` is the
stable code (``too_heavy_for_any_vehicle``), ``message_key`` the table text that says it
with the numbers in ``params`` (``unassigned.too_heavy``: "9 000 kg kylvaror, men största
fordonets kylutrymme tar 3 000 kg — ..."). Temperature classes and weekdays are stored
as table keys, so the PWA and the server write them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from samlast import planning as pl
from samlast.extensions import db
from samlast.models import DeliveryPoint
from samlast.planning.reasons import ReasonDetail, explain, explain_left_out

if TYPE_CHECKING:
    from samlast.services.planning import DayProblem

#: Reasons decided before the solver runs (services/planning.py), with their table texts.
NO_WINDOW_THAT_DAY = "no_receiving_window_that_day"
NO_ACTIVE_VEHICLE = "no_active_vehicle"


def _params(values: dict[str, Any]) -> dict[str, Any]:
    """A detail's values as message parameters: classes become the words for goods and space."""
    params: dict[str, Any] = {}
    for name, value in values.items():
        if name == "temperature":
            params["goods"] = {"key": f"unassigned.goods.{value}"}
            params["space"] = {"key": f"unassigned.space.{value}"}
        elif name == "temperatures":
            params["spaces"] = [{"key": f"unassigned.space.{cls}"} for cls in value]
        elif isinstance(value, float):
            params[name] = round(value, 1)
        else:
            params[name] = value
    return params


def _entry(key: str, reason: str, label: str, detail: ReasonDetail | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"job_key": key, "reason": reason, "label": label}
    if detail is not None:
        entry["message_key"] = f"unassigned.{detail.variant}"
        entry["params"] = _params(detail.values)
    return entry


def _solver_entries(
    day: DayProblem, result: pl.Plan, travel: Callable[[], pl.TravelMatrixProvider]
) -> list[dict[str, Any]]:
    jobs = {job.id: job for job in day.problem.jobs}
    model: pl.TravelMatrixProvider | None = None
    left_out: ReasonDetail | None = None
    entries = []
    for unassigned in result.unassigned:
        job = jobs.get(unassigned.job_id)
        detail = None
        if job is not None and unassigned.reason is pl.UnassignedReason.NO_CAPACITY_OR_TIME_LEFT:
            left_out = left_out or explain_left_out(day.problem, result)
            detail = left_out
        elif job is not None:
            model = model or travel()
            locations = [day.problem.terminal, *(visit.location for _, visit in job.visits())]
            durations = model.matrix(locations).durations_s
            nodes = list(range(1, len(locations)))
            detail = explain(day.problem, job, unassigned.reason, durations, nodes)
        label = day.jobs[unassigned.job_id].label
        entries.append(_entry(unassigned.job_id, unassigned.reason.value, label, detail))
    return entries


def _weekdays(point_id: int | None) -> list[int]:
    point = db.session.get(DeliveryPoint, point_id) if point_id is not None else None
    return sorted({window.weekday for window in point.receiving_windows}) if point else []


def _before_solver_entry(day: DayProblem, plan_date: date, entry: dict[str, Any]) -> dict[str, Any]:
    """Adds the numbers to a job set aside before the solver ran (no window that weekday, no vehicle)."""
    if "message_key" in entry:
        return entry
    if entry["reason"] == NO_WINDOW_THAT_DAY:
        info = day.jobs.get(entry["job_key"])
        days = _weekdays(info.delivery_point_id if info else None)
        return {
            **entry,
            "message_key": "unassigned.no_window_that_day",
            "params": {
                "weekday": {"key": f"unassigned.weekdays.{plan_date.weekday()}"},
                "days": [{"key": f"unassigned.weekdays.{d}"} for d in days],
            },
        }
    if entry["reason"] == NO_ACTIVE_VEHICLE:
        return {**entry, "message_key": "unassigned.no_active_vehicle", "params": {}}
    return entry


def entries(
    day: DayProblem, result: pl.Plan, plan_date: date, travel: Callable[[], pl.TravelMatrixProvider]
) -> list[dict[str, Any]]:
    """The plan's `unassigned` list: the solver's left-out jobs, then those set aside before it.

    `travel` builds the travel model only if a reason needs driving times (a time window, the
    driving limit), for the few jobs concerned.
    """
    return _solver_entries(day, result, travel) + [
        _before_solver_entry(day, plan_date, entry) for entry in day.unplannable
    ]
