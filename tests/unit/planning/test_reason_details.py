"""The numbers behind an unassigned job's reason (planning/reasons.py `explain`), pure."""

from __future__ import annotations

from samlast.planning import Capacity, Job, Load, Location, Problem, TimeWindow, UnassignedReason, Vehicle
from samlast.planning.model import JobKind, Plan, Route, Stop, StopAction
from samlast.planning.reasons import ReasonDetail, clock, diagnose, explain, explain_left_out

HERE = Location(55.84, 13.30)
# Matrix rows/columns: 0 the terminal, 1 the job's visit; 40 minutes each way.
FORTY_MIN = [[0.0, 2400.0], [2400.0, 0.0]]


def _vehicle(id: str, shift=(6 * 3600, 15 * 3600), **capacities: Capacity) -> Vehicle:
    return Vehicle(id=id, shift_start=shift[0], shift_end=shift[1], capacities=capacities)


def _job(demand: dict[str, Load], windows=(), service_s=600) -> Job:
    return Job.delivery_job("dp:1", HERE, demand, time_windows=windows, service_fixed_s=service_s)


def _why(problem: Problem, job: Job, matrix=FORTY_MIN) -> tuple[UnassignedReason, ReasonDetail | None]:
    reason = diagnose(problem, job, matrix, [1])
    assert reason is not None
    return reason, explain(problem, job, reason, matrix, [1])


def test_too_heavy_compares_with_the_largest_compartment_of_that_class():
    vehicles = (
        _vehicle("small", chilled=Capacity(1500, 6)),
        _vehicle("large", chilled=Capacity(3000, 8), ambient=Capacity(2000, 4)),
    )
    job = _job({"chilled": Load(9000, 4)})
    reason, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert reason is UnassignedReason.TOO_HEAVY_FOR_ANY_VEHICLE
    assert detail == ReasonDetail("too_heavy", {"temperature": "chilled", "amount": 9000, "capacity": 3000})


def test_too_many_pallets_is_told_in_pallet_places():
    job = _job({"ambient": Load(100, 12)})
    vehicles = (_vehicle("v", ambient=Capacity(3000, 8)),)
    _, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert detail == ReasonDetail("too_bulky", {"temperature": "ambient", "amount": 12, "capacity": 8})


def test_too_heavy_only_together_gives_the_whole_load():
    # Each class fits a compartment of some vehicle, but no vehicle takes both.
    vehicles = (
        _vehicle("a", frozen=Capacity(1000, 4), chilled=Capacity(100, 1)),
        _vehicle("b", frozen=Capacity(100, 1), chilled=Capacity(1000, 4)),
    )
    job = _job({"frozen": Load(500, 2), "chilled": Load(500, 2)})
    _, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert detail == ReasonDetail("too_heavy_together", {"kg": 1000, "pallets": 4})


def test_missing_compartment_names_the_class_and_its_load():
    job = _job({"frozen": Load(120, 1), "chilled": Load(50, 1)})
    vehicles = (_vehicle("v", chilled=Capacity(3000, 8)),)
    reason, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert reason is UnassignedReason.NO_VEHICLE_COMPARTMENT
    assert detail == ReasonDetail("compartment", {"temperature": "frozen", "kg": 120, "pallets": 1})


def test_compartments_on_different_vehicles_are_named_together():
    job = _job({"frozen": Load(120, 1), "chilled": Load(50, 1)})
    vehicles = (_vehicle("f", frozen=Capacity(3000, 8)), _vehicle("c", chilled=Capacity(3000, 8)))
    _, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert detail == ReasonDetail("compartments_together", {"temperatures": ["frozen", "chilled"]})


def test_window_closing_before_any_vehicle_can_arrive_gives_the_earliest_arrival():
    # Received 06:00-06:30; shifts start 06:00 and 06:10; 40 minutes' drive: 06:40 at the earliest.
    job = _job({"chilled": Load(50, 1)}, windows=(TimeWindow(6 * 3600, 6 * 3600 + 1800),))
    vehicles = (
        _vehicle("late", shift=(6 * 3600 + 600, 15 * 3600), chilled=Capacity(3000, 8)),
        _vehicle("early", shift=(6 * 3600, 15 * 3600), chilled=Capacity(3000, 8)),
    )
    reason, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert reason is UnassignedReason.TIME_WINDOW_UNREACHABLE
    assert detail == ReasonDetail(
        "window", {"window": "06:00–06:30", "arrival": "06:40", "shift_start": "06:00", "drive_min": 40}
    )


def test_shift_ending_before_the_vehicle_is_back_gives_both_times():
    # Received 14:00-14:30: served 14:00-14:10, back 14:50, but the shift ends 14:30.
    job = _job({"chilled": Load(50, 1)}, windows=(TimeWindow(14 * 3600, 14 * 3600 + 1800),))
    vehicles = (_vehicle("v", shift=(6 * 3600, 14 * 3600 + 1800), chilled=Capacity(3000, 8)),)
    reason, detail = _why(Problem(HERE, vehicles, (job,)), job)
    assert reason is UnassignedReason.TIME_WINDOW_UNREACHABLE
    assert detail == ReasonDetail("shift_end", {"back": "14:50", "shift_end": "14:30"})


def test_driving_limit_gives_the_hours_there_and_back():
    job = _job({"chilled": Load(50, 1)})
    vehicles = (Vehicle("v", 0, 24 * 3600, {"chilled": Capacity(3000, 8)}, break_rule=True),)
    three_hours = [[0.0, 3 * 3600.0], [3 * 3600.0, 0.0]]
    reason, detail = _why(Problem(HERE, vehicles, (job,)), job, three_hours)
    assert reason is UnassignedReason.DRIVING_TIME_LIMIT
    assert detail == ReasonDetail("driving", {"hours": 6.0, "max_hours": 4.5})


def _plan(stops: int) -> Plan:
    stop = Stop("dp:x", JobKind.DELIVERY, StopAction.DELIVERY, HERE, 0, 0, 0, {})
    route = Route("v", 0, 0, 0, (stop,) * stops, (), 0.0, 0, 0.0)
    return Plan((route,), (), 0, 0.0, 0.0, "ROUTING_SUCCESS", 0.0, None)


def test_left_out_for_want_of_room_compares_the_days_goods_with_the_fleets_trips():
    jobs = tuple(Job.delivery_job(f"dp:{i}", HERE, {"chilled": Load(800, 1)}) for i in range(5))
    vehicles = (Vehicle("v", 0, 86400, {"chilled": Capacity(1000, 8)}, max_trips=2),)
    detail = explain_left_out(Problem(HERE, vehicles, jobs), _plan(2))
    assert detail == ReasonDetail("capacity_day", {"amount": 4000, "capacity": 2000})


def test_left_out_with_room_to_spare_is_for_want_of_time():
    jobs = tuple(Job.delivery_job(f"dp:{i}", HERE, {"chilled": Load(10, 0.1)}) for i in range(5))
    vehicles = (Vehicle("v", 0, 3600, {"chilled": Capacity(1000, 8)}),)
    detail = explain_left_out(Problem(HERE, vehicles, jobs), _plan(3))
    assert detail == ReasonDetail("time_day", {"stops": 3, "routes": 1})


def test_clock_writes_hours_and_minutes():
    assert clock(6 * 3600 + 5 * 60 + 59) == "06:05"
    assert clock(6 * 3600 + 5 * 60 + 59, up=True) == clock(6 * 3600 + 6 * 60, up=True) == "06:06"
    assert clock(24 * 3600 + 600) == "24:10"


def test_arrival_and_drive_minutes_agree_when_the_drive_is_not_whole_minutes():
    # 29.5 minutes' drive from a 05:30 shift start: "06:00 (05:30, 30 min)", never "05:59 (05:30, 30 min)".
    job = _job({"chilled": Load(50, 1)}, windows=(TimeWindow(4 * 3600, 4 * 3600 + 1800),))
    vehicles = (_vehicle("v", shift=(5 * 3600 + 1800, 15 * 3600), chilled=Capacity(3000, 8)),)
    matrix = [[0.0, 1770.0], [1770.0, 0.0]]
    _, detail = _why(Problem(HERE, vehicles, (job,)), job, matrix)
    assert detail is not None
    assert (detail.values["arrival"], detail.values["drive_min"]) == ("06:00", 30)
