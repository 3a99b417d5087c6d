"""Fleet advice through the API: asked for a planned day, worked out in the background, stored per plan version."""

from __future__ import annotations

from datetime import time

from samlast.extensions import db
from samlast.models import DeliveryPoint, DeliveryPointKind, Order, OrderLine, ReceivingWindow, TemperatureClass
from samlast.services import fleet_advice, planning
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job

URL = "/api/v1/planning/fleet-advice"


def _far_points_due_at_half_past_six(world) -> None:
    """Two kitchens ~16 km north and south of the terminal, both receiving 06:30-06:45 on Mondays:
    one vehicle leaving at 06:00 reaches one of them in time, never both."""
    for name, lat in (("Norra köket", 55.98), ("Södra köket", 55.70)):
        point = DeliveryPoint(
            external_id=f"DP-{name}", name=name, kind=DeliveryPointKind.SCHOOL_KITCHEN, municipality=world.eslov,
            lat=lat, lon=13.303,
            receiving_windows=[ReceivingWindow(weekday=0, start=time(6, 30), end=time(6, 45))],
        )
        order = Order(
            external_id=f"O-{name}", delivery_point=point, supplier=world.wholesaler, requested_date=MONDAY,
            lines=[OrderLine(line_no=1, article="Mjölk", quantity=10, unit="l", weight_kg=10, pallet_places=0.1,
                             temperature_class=TemperatureClass.CHILLED)],
        )
        db.session.add_all([point, order])
    db.session.commit()


def _wait(client, headers, advice_id: str) -> dict:
    return wait_for_job(api_of(client, headers), f"/planning/fleet-advice/{advice_id}")


def test_the_advice_names_the_vehicle_to_add_and_the_stop_that_needs_it(client, coordinator, day, world):
    _far_points_due_at_half_past_six(world)
    query = f"{URL}?date={MONDAY.isoformat()}"
    missing = client.get(query, headers=coordinator)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "planning.no_fleet_advice"
    assert missing.json["error"]["message"] == "Fordonsbehovet för 2026-11-30 har inte räknats ut ännu."
    # Nothing planned yet: nothing to advise on.
    unplanned = client.post(URL, json={"date": MONDAY.isoformat()}, headers=coordinator)
    assert unplanned.status_code == 404 and unplanned.json["error"]["code"] == "planning.no_plan"

    plan = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    assert len(plan.unassigned) == 1  # one vehicle, two kitchens due at 06:30 on opposite sides

    asked = client.post(URL, json={"date": MONDAY.isoformat()}, headers=coordinator)
    assert asked.status_code == 202, asked.json
    assert asked.json["plan_id"] == plan.id and asked.json["status"] in ("queued", "running", "succeeded")
    # Asking again for the same plan version answers with the same run.
    again = client.post(URL, json={"date": MONDAY.isoformat()}, headers=coordinator)
    assert again.json["id"] == asked.json["id"]

    advice = _wait(client, coordinator, asked.json["id"])
    fleet_advice.drain()
    assert advice["status"] == "succeeded", advice["message"]
    assert advice["message"] == "2 fordon kör alla stopp"
    result = advice["result"]
    assert result["current"] == 1 and result["needed"] == 2
    assert (result["fewer"], result["enough"]) == (1, 2)
    assert result["learned"] is False and result["unservable"] == []
    [binding] = result["binding"]
    assert binding["label"] in ("Norra köket", "Södra köket") and binding["windows"] == [["06:30", "06:45"]]
    options = {o["size"]: o for o in result["options"]}
    assert options[1]["unassigned"] == 1 and options[2]["unassigned"] == 0
    assert [v["name"] for v in options[1]["vehicles"]] == ["Bil 1"]
    # The vehicle added is one more of the terminal's only make-up, with its shift.
    added = options[2]["vehicles"][1]
    assert added == {"name": "Bil 1", "like": "Bil 1", "start": "06:00", "end": "15:00"}
    assert options[2]["km"] > options[1]["km"] > 0 and options[2]["cost"] > options[1]["cost"]
    assert options[2]["trips"] >= 2 and options[2]["vehicles_used"] == 2

    latest = client.get(query, headers={**coordinator, "Accept-Language": "en"})
    assert latest.json["id"] == advice["id"] and latest.json["message"] == "2 vehicles serve every stop"

    # A new plan version gets an advice of its own.
    replanned = planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    fresh = client.post(URL, json={"date": MONDAY.isoformat()}, headers=coordinator)
    assert fresh.status_code == 202 and fresh.json["id"] != advice["id"] and fresh.json["plan_id"] == replanned.id
    _wait(client, coordinator, fresh.json["id"])
    fleet_advice.drain()


def test_an_unknown_advice_is_answered_in_words(client, coordinator):
    response = client.get(f"{URL}/nope", headers=coordinator)
    assert response.status_code == 404
    assert response.json["error"]["message"] == "Beräkningen av fordonsbehovet finns inte."
