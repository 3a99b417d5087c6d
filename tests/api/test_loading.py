"""Cross-dock and loading: package units, loading lists in reverse stop order, labels PDF, load
scans (a wrong vehicle refused, recording nothing), the driver's signature, the check at a stop."""

from __future__ import annotations

import subprocess
import uuid
from datetime import time

import pytest
import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import (
    EnergyType,
    LoadHandover,
    LoadScan,
    OrderStatus,
    PackageUnit,
    Plan,
    Role,
    Route,
    Stop,
    Vehicle,
)
from samlast.services import auth, planning
from tests.conftest import MONDAY, count
from tests.driver_helpers import image_data_url


@pytest.fixture
def planned(day, world, make_user):
    """MONDAY planned (one vehicle, two stops); terminal staff, the driver and a coordinator."""
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    from samlast.models import User

    driver = db.session.get(User, day.driver_id)
    token, _ = auth.login(driver.username, "correct horse battery", ttl_hours=1)
    return {
        "terminal": make_user(Role.TERMINAL, "tove", terminal=world.terminal)[1],
        "driver": {"Authorization": f"Bearer {token}"},
        "coordinator": make_user(Role.COORDINATOR, "coord")[1],
    }


def _route() -> Route:
    plan = db.session.scalar(sa.select(Plan).order_by(Plan.version.desc()))
    [route] = plan.routes
    return route


def _list(client, headers, route_id) -> dict:
    response = client.get(f"/api/v1/loading/routes/{route_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _scan(client, headers, route_id, code, client_id=None):
    body = {"client_id": client_id or uuid.uuid4().hex, "unit_code": code, "route_id": route_id}
    return client.post("/api/v1/loading/scans", json=body, headers=headers)


def _second_vehicle_route(world) -> Route:
    """Move the route's last stop to a second vehicle (as a plan with two vehicles would have it)."""
    route = _route()
    other = Vehicle(
        external_id="V-2", name="Bil 2", terminal=world.terminal, energy_type=EnergyType.ELECTRIC,
        co2e_kg_per_km=0.0, cost_per_km=10, cost_per_hour=500, shift_start=time(6), shift_end=time(15),
    )
    second = Route(
        plan=route.plan, vehicle=other, trip=0, planned_start=route.planned_start, planned_end=route.planned_end,
        distance_m=1000, duration_s=600, cost=1, co2e_kg=0,
    )
    last = route.stops[-1]
    last.route, last.sequence = second, 1
    db.session.add_all([other, second])
    db.session.commit()
    return second


def test_routes_of_the_terminal_with_units_made_once(client, planned):
    response = client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=planned["terminal"])
    assert response.status_code == 200, response.json
    [route] = response.json
    # Per stop 41 kg chilled (3 crates of 20 kg) and 50 kg ambient (3 crates): 2 stops x 6.
    assert route["units_total"] == 12 and route["units_loaded"] == 0 and route["signed"] is False
    assert route["vehicle_name"] == "Bil 1" and route["stops"] == 2
    codes = {unit.code for unit in db.session.scalars(sa.select(PackageUnit))}
    client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=planned["terminal"])
    assert {unit.code for unit in db.session.scalars(sa.select(PackageUnit))} == codes  # idempotent


def test_loading_list_is_in_reverse_stop_order_per_compartment(client, planned):
    route = _route()
    stop_order = [stop.delivery_point.name for stop in route.stops]
    listing = _list(client, planned["terminal"], route.id)
    assert [c["temperature_class"] for c in listing["compartments"]] == ["chilled", "ambient"]
    for compartment in listing["compartments"]:
        names = [stop["point_name"] for stop in compartment["stops"]]
        assert names == list(reversed(stop_order))
        sequences = [stop["sequence"] for stop in compartment["stops"]]
        assert sequences == sorted(sequences, reverse=True)
        for stop in compartment["stops"]:
            assert (stop["crates"], stop["roll_cages"], stop["pallets"]) == (3, 0, 0)
            assert len(stop["units"]) == 3 and all(not unit["loaded"] for unit in stop["units"])


def test_labels_pdf_a6_one_per_page_and_a4_four_per_page(client, planned, tmp_path):
    route = _route()
    code = _list(client, planned["terminal"], route.id)["compartments"][0]["stops"][-1]["units"][0]["code"]
    pages = {}
    for page_format in ("a6", "a4"):
        response = client.get(f"/api/v1/loading/routes/{route.id}/labels.pdf?format={page_format}",
                              headers=planned["terminal"])
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        path = tmp_path / f"{page_format}.pdf"
        path.write_bytes(response.data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages[page_format] = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[-1])
        words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "Bergaskolan kök" in words and code in words
        assert "KYLT" in words and "TORRT" in words and "Stopp 1" in words and "tur 1" in words
    assert pages == {"a6": 12, "a4": 3}


def test_a_right_scan_is_recorded_once(client, planned):
    route = _route()
    code = _list(client, planned["terminal"], route.id)["compartments"][0]["stops"][0]["units"][0]["code"]
    client_id = uuid.uuid4().hex
    first = _scan(client, planned["terminal"], route.id, code.lower(), client_id)  # typed in lower case
    assert first.status_code == 201, first.json
    assert first.json["unit_code"] == code and first.json["replay"] is False
    again = _scan(client, planned["terminal"], route.id, code, client_id)
    assert again.status_code == 200 and again.json["replay"] is True
    assert again.json["scan_id"] == first.json["scan_id"]
    rescanned = _scan(client, planned["terminal"], route.id, code)  # scanned twice on the floor
    assert rescanned.status_code == 200 and rescanned.json["scan_id"] == first.json["scan_id"]
    assert count(LoadScan) == 1
    listing = _list(client, planned["terminal"], route.id)
    assert listing["units_loaded"] == 1
    assert [u["loaded"] for u in listing["compartments"][0]["stops"][0]["units"]].count(True) == 1


def test_a_wrong_vehicle_scan_is_refused_with_a_clear_message_and_records_nothing(client, planned, world):
    client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=planned["terminal"])
    second = _second_vehicle_route(world)
    first_route = db.session.scalar(sa.select(Route).where(Route.plan_id == second.plan_id, Route.id != second.id))
    listing = _list(client, planned["terminal"], second.id)  # moves the stop's units to Bil 2
    code = listing["compartments"][0]["stops"][0]["units"][0]["code"]
    point = listing["compartments"][0]["stops"][0]["point_name"]
    response = _scan(client, planned["terminal"], first_route.id, code)
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "loading.wrong_vehicle"
    assert error["message"] == f"Fel bil: enheten {code} ska till Bil 2, tur 1 ({point}). Inget har registrerats."
    english = client.post("/api/v1/loading/scans", headers={**planned["terminal"], "Accept-Language": "en"},
                          json={"client_id": uuid.uuid4().hex, "unit_code": code, "route_id": first_route.id})
    assert english.json["error"]["message"].startswith("Wrong vehicle: unit")
    assert count(LoadScan) == 0
    assert _scan(client, planned["terminal"], second.id, code).status_code == 201
    # Once on Bil 2, scanning it at Bil 1 still says where it belongs.
    assert _scan(client, planned["terminal"], first_route.id, code).status_code == 409
    assert count(LoadScan) == 1


def test_unknown_code_is_refused(client, planned):
    response = _scan(client, planned["terminal"], _route().id, "XXXXXX")
    assert response.status_code == 422
    assert response.json["error"]["message"] == "Ingen enhet med koden XXXXXX finns."


def test_driver_signs_for_the_load_once(client, planned):
    route = _route()
    body = {"client_id": uuid.uuid4().hex, "route_id": route.id, "driver_name": "Dora Förare",
            "signature": image_data_url("PNG")}
    nothing = client.post("/api/v1/loading/handovers", json=body, headers=planned["terminal"])
    assert nothing.status_code == 422 and nothing.json["error"]["code"] == "loading.nothing_loaded"
    code = _list(client, planned["terminal"], route.id)["compartments"][0]["stops"][0]["units"][0]["code"]
    assert _scan(client, planned["terminal"], route.id, code).status_code == 201
    signed = client.post("/api/v1/loading/handovers", json=body, headers=planned["terminal"])
    assert signed.status_code == 201, signed.json
    assert signed.json["units_loaded"] == 1 and signed.json["units_total"] == 12
    replay = client.post("/api/v1/loading/handovers", json=body, headers=planned["terminal"])
    assert replay.status_code == 200 and replay.json["handover_id"] == signed.json["handover_id"]
    second = client.post("/api/v1/loading/handovers", json={**body, "client_id": uuid.uuid4().hex},
                         headers=planned["terminal"])
    assert second.status_code == 409 and "redan kvitterad" in second.json["error"]["message"]
    assert count(LoadHandover) == 1
    handover = db.session.scalar(sa.select(LoadHandover))
    assert handover.signature_png.startswith(b"\x89PNG") and handover.driver_name == "Dora Förare"
    listing = _list(client, planned["terminal"], route.id)
    assert listing["handover"]["driver_name"] == "Dora Förare"
    # After the signature nothing more is put on: the load is the driver's now.
    other = listing["compartments"][0]["stops"][0]["units"][1]["code"]
    late = _scan(client, planned["terminal"], route.id, other)
    assert late.status_code == 409 and late.json["error"]["code"] == "loading.already_signed"


def test_driver_checks_a_unit_at_a_stop(client, planned):
    route = _route()
    first, last = route.stops[0], route.stops[-1]
    listing = _list(client, planned["terminal"], route.id)
    by_point = {stop["point_name"]: stop["units"][0]["code"] for stop in listing["compartments"][0]["stops"]}
    url = "/api/v1/loading/unit-check?date={}&job_key={}&code={}"
    right = client.get(url.format(MONDAY, first.job_key, by_point[first.delivery_point.name]),
                       headers=planned["driver"])
    assert right.status_code == 200 and right.json["matches"] is True
    wrong = client.get(url.format(MONDAY, first.job_key, by_point[last.delivery_point.name]),
                       headers=planned["driver"])
    assert wrong.status_code == 200 and wrong.json["matches"] is False
    assert wrong.json["message"] == f"Fel stopp: enheten ska till {last.delivery_point.name}."


def test_role_scoping(client, planned, world, make_user):
    from samlast.models import Terminal

    route = _route()
    elsewhere = Terminal(name="Höör terminal", cluster=world.cluster, lat=55.9, lon=13.5)
    db.session.add(elsewhere)
    db.session.commit()
    stranger = make_user(Role.TERMINAL, "stina", terminal=elsewhere)[1]
    assert client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=stranger).json == []
    assert client.get(f"/api/v1/loading/routes/{route.id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/loading/routes/{route.id}/labels.pdf", headers=stranger).status_code == 404
    code = _list(client, planned["terminal"], route.id)["compartments"][0]["stops"][0]["units"][0]["code"]
    assert _scan(client, stranger, route.id, code).status_code == 404
    assert count(LoadScan) == 0
    # The coordinator sees every terminal; a driver checks only stops of their own route.
    assert len(client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=planned["coordinator"]).json) == 1
    other_driver = make_user(Role.DRIVER, "otto")[1]
    url = f"/api/v1/loading/unit-check?date={MONDAY}&job_key={route.stops[0].job_key}&code={code}"
    assert client.get(url, headers=other_driver).status_code == 403
    assert client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=planned["driver"]).status_code == 403


def test_a_replan_keeps_units_and_never_moves_a_loaded_one(client, planned, world):
    route = _route()
    listing = _list(client, planned["terminal"], route.id)
    codes = {u["code"] for c in listing["compartments"] for s in c["stops"] for u in s["units"]}
    loaded = listing["compartments"][0]["stops"][0]["units"][0]["code"]
    assert _scan(client, planned["terminal"], route.id, loaded).status_code == 201
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)  # a new plan version, same route
    new_route = _route()
    assert new_route.id != route.id
    again = _list(client, planned["terminal"], new_route.id)
    assert {u["code"] for c in again["compartments"] for s in c["stops"] for u in s["units"]} == codes
    assert again["units_loaded"] == 1  # same vehicle and trip: the loaded unit moves with its load
    unit = db.session.scalar(sa.select(PackageUnit).where(PackageUnit.code == loaded))
    assert unit.route_id == new_route.id and unit.scan is not None
    # Its order cancelled: the stop's units that are not loaded go; the loaded one is a fact and stays.
    for order in db.session.get(Stop, unit.stop_id).orders:
        order.status = OrderStatus.CANCELLED
    db.session.commit()
    after = _list(client, planned["terminal"], new_route.id)
    left = {u["code"] for c in after["compartments"] for s in c["stops"] for u in s["units"]}
    assert loaded in left and len(left) == 7
    assert count(PackageUnit) == 7

