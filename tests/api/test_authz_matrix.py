"""Authorization matrix: every /api/v1 endpoint and every Socket.IO namespace against every
role (coordinator, driver, recipient, producer, terminal staff, anonymous), plus other tenants' objects.

MATRIX lists each (method, rule) of app.url_map under /api/v1 with the roles allowed and
the status an allowed role gets for the probe request below (path ids of objects in its
own scope, an empty JSON body for writes). A role not allowed gets 403, anonymous 401.
A new endpoint without an entry fails `test_every_endpoint_is_in_the_matrix`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from werkzeug.security import generate_password_hash as _generate_password_hash

from samlast.extensions import db, socketio
from samlast.models import Role, SlotKind, SlotTemplate, User
from samlast.services import auth, planning
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof

C, D, R, P, T = Role.COORDINATOR, Role.DRIVER, Role.RECIPIENT, Role.PRODUCER, Role.TERMINAL
A = Role.AGENT
ANON = None
ROLES = [D, R, P, T, A, ANON, C]  # the coordinator last: its probe may delete the object
ALL = {C, D, R, P, T, A}
MISSING = 987654
FUTURE_TUESDAY = date(2031, 12, 2)
EARLY = datetime(2026, 1, 1, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))

# (method, rule): (roles allowed, status for an allowed role's probe; a dict gives it per role)
MATRIX: dict[tuple[str, str], tuple[set, int | dict]] = {
    ("GET", "/api/v1/audit"): ({C}, 200),
    ("GET", "/api/v1/audit.csv"): ({C}, 200),
    ("POST", "/api/v1/auth/login"): ({C, D, R, P, T, A, ANON}, 422),
    ("POST", "/api/v1/auth/logout"): (ALL, 200),
    ("GET", "/api/v1/auth/me"): (ALL, 200),
    ("GET", "/api/v1/auth/oidc"): ({C, D, R, P, T, A, ANON}, 200),
    ("POST", "/api/v1/auth/oidc/exchange"): ({C, D, R, P, T, A, ANON}, 422),
    ("POST", "/api/v1/auth/users/<int:user_id>/revoke-tokens"): ({C}, 200),
    ("POST", "/api/v1/driver/events"): ({D}, 422),
    ("POST", "/api/v1/driver/positions"): ({D}, 422),
    ("GET", "/api/v1/driver/routes"): ({D}, 200),
    ("GET", "/api/v1/driver-events/flagged"): ({C}, 200),
    ("POST", "/api/v1/driver-events/<int:event_id>/resolve"): ({C}, 404),
    ("GET", "/api/v1/proofs/"): ({C, D, R}, 200),
    ("GET", "/api/v1/proofs/<int:proof_id>"): ({C, D, R}, 404),
    ("GET", "/api/v1/proofs/<int:proof_id>/receipt.pdf"): ({C, D, R}, 404),
    ("GET", "/api/v1/returns/balance"): ({C}, 200),
    ("GET", "/api/v1/deviations/"): ({C}, 200),
    ("POST", "/api/v1/deviations/<int:deviation_id>/resolve"): ({C}, 422),  # the probe has no note
    ("POST", "/api/v1/deviations/<int:deviation_id>/reopen"): ({C}, 404),
    ("GET", "/api/v1/feedback/late-risks"): ({C}, 200),
    ("GET", "/api/v1/goods-in/expected"): ({C, T}, 200),
    ("GET", "/api/v1/order-lines/<int:order_line_id>/timeline"): ({C, R}, 404),
    ("GET", "/api/v1/order-lines/<int:order_line_id>/timeline.csv"): ({C, R}, 404),
    ("GET", "/api/v1/order-lines/<int:order_line_id>/timeline.pdf"): ({C, R}, 404),
    ("POST", "/api/v1/goods-in/receipts"): ({C, T}, 422),
    ("GET", "/api/v1/goods-in/suppliers"): ({C}, 200),
    ("POST", "/api/v1/goods-in/despatch-advices"): ({C}, 422),
    ("GET", "/api/v1/goods-in/suppliers.csv"): ({C}, 200),
    ("POST", "/api/v1/feedback/learn"): ({C}, 201),
    ("GET", "/api/v1/feedback/parameters"): ({C}, 200),
    ("POST", "/api/v1/feedback/points/<int:point_id>/reset"): ({C}, 201),
    ("GET", "/api/v1/impact/reports"): ({C}, 200),
    ("POST", "/api/v1/impact/reports"): ({C}, 422),
    ("GET", "/api/v1/impact/reports/<report_id>"): ({C}, 404),
    ("GET", "/api/v1/impact/reports/<report_id>/report.pdf"): ({C}, 404),
    ("GET", "/api/v1/impact/reports/<report_id>/report.csv"): ({C}, 404),
    ("GET", "/api/v1/followup/reports"): ({C}, 200),
    ("POST", "/api/v1/followup/reports"): ({C}, 422),
    ("GET", "/api/v1/followup/reports/<report_id>"): ({C}, 404),
    ("GET", "/api/v1/followup/reports/<report_id>/report.pdf"): ({C}, 404),
    ("GET", "/api/v1/followup/reports/<report_id>/report.csv"): ({C}, 404),
    ("GET", "/api/v1/lots/tender-pack.zip"): ({C}, 422),
    ("GET", "/api/v1/lots/distributor-pack.zip"): ({C}, 200),
    ("GET", "/api/v1/region/sites"): ({C}, 200),
    ("POST", "/api/v1/region/sites"): ({C}, 422),
    ("DELETE", "/api/v1/region/sites/<int:site_id>"): ({C}, 404),
    ("GET", "/api/v1/region/runs"): ({C}, 200),
    ("POST", "/api/v1/region/runs"): ({C}, 422),
    ("GET", "/api/v1/region/runs/<run_id>"): ({C}, 404),
    ("GET", "/api/v1/region/runs/<run_id>/report.pdf"): ({C}, 404),
    ("GET", "/api/v1/region/runs/<run_id>/report.csv"): ({C}, 404),
    ("POST", "/api/v1/imports/<any(delivery_points, suppliers, vehicles, orders):kind>"): (
        {C},
        422,
    ),
    ("POST", "/api/v1/imports/<any(delivery_points, suppliers, vehicles, orders):kind>/runs"): ({C}, 422),
    ("GET", "/api/v1/imports/runs/<run_id>"): ({C}, 404),
    ("POST", "/api/v1/imports/peppol"): ({C}, 422),
    ("GET", "/api/v1/imports/peppol/mappings"): ({C}, 200),
    ("POST", "/api/v1/imports/peppol/mappings"): ({C}, 422),
    ("POST", "/api/v1/imports/registers/<any(skolverket, preschools):source>/preview"): ({C}, 422),
    ("POST", "/api/v1/imports/registers/<any(skolverket, preschools):source>"): ({C}, 422),
    ("GET", "/api/v1/stock/"): ({C, T}, 200),
    ("POST", "/api/v1/stock/articles"): ({C}, 422),
    ("POST", "/api/v1/stock/articles/<int:article_id>/batches"): ({C}, 422),
    ("PATCH", "/api/v1/stock/articles/<int:article_id>"): ({C}, 404),
    ("DELETE", "/api/v1/stock/articles/<int:article_id>"): ({C}, 404),
    ("PATCH", "/api/v1/stock/batches/<int:batch_id>"): ({C}, 404),
    ("DELETE", "/api/v1/stock/batches/<int:batch_id>"): ({C}, 404),
    ("PUT", "/api/v1/stock/minimums"): ({C}, 422),
    ("POST", "/api/v1/stock/issues"): ({C}, 422),
    ("GET", "/api/v1/stock/crisis"): ({C}, 422),
    ("POST", "/api/v1/stock/crisis"): ({C}, 422),
    ("GET", "/api/v1/planning/fleet-advice"): ({C}, 422),
    ("POST", "/api/v1/planning/fleet-advice"): ({C}, 422),
    ("GET", "/api/v1/planning/fleet-advice/<advice_id>"): ({C}, 404),
    ("POST", "/api/v1/planning/jobs"): ({C}, 422),
    ("GET", "/api/v1/planning/jobs/<job_id>"): ({C}, 404),
    ("GET", "/api/v1/plans/"): ({C}, 422),
    ("GET", "/api/v1/plans/<int:plan_id>"): ({C}, 404),
    ("GET", "/api/v1/plans/current"): ({C}, 422),
    ("GET", "/api/v1/producer/bookings"): ({C, P}, 200),
    ("POST", "/api/v1/producer/bookings"): ({C, P}, 422),
    ("GET", "/api/v1/producer/bookings/<int:booking_id>"): ({C, P}, 200),
    ("PATCH", "/api/v1/producer/bookings/<int:booking_id>"): ({C, P}, 200),
    ("DELETE", "/api/v1/producer/bookings/<int:booking_id>"): ({C, P}, 200),
    ("GET", "/api/v1/producer/orders"): ({C, P}, 200),
    ("GET", "/api/v1/producer/slots"): ({C, P}, 200),
    ("POST", "/api/v1/push/subscriptions"): ({R}, 422),
    ("GET", "/api/v1/push/vapid-public-key"): (ALL, 200),
    ("POST", "/api/v1/recipient/confirmations"): ({R}, 422),
    ("GET", "/api/v1/recipient/deliveries"): ({R}, 200),
    ("GET", "/api/v1/recipient/history"): ({C, R}, 200),
    ("GET", "/api/v1/recipient/history.csv"): ({C, R}, 200),
    ("GET", "/api/v1/loading/routes"): ({C, T}, 200),
    ("GET", "/api/v1/loading/routes/<int:route_id>"): ({C, T}, 404),
    ("GET", "/api/v1/loading/routes/<int:route_id>/labels.pdf"): ({C, T}, 404),
    ("POST", "/api/v1/loading/scans"): ({C, T}, 422),
    ("POST", "/api/v1/loading/handovers"): ({C, T}, 422),
    ("GET", "/api/v1/loading/unit-check"): ({C, D}, 422),
    ("GET", "/api/v1/rural/consignments"): ({C, A}, 200),
    ("POST", "/api/v1/rural/consignments"): ({C, A}, 422),
    ("GET", "/api/v1/rural/consignments/<int:consignment_id>"): ({C, A}, 404),
    ("POST", "/api/v1/rural/consignments.csv"): ({C, A}, 422),
    ("GET", "/api/v1/rural/places"): ({C, A}, 200),
    ("POST", "/api/v1/rural/plan"): ({C}, 200),
    ("POST", "/api/v1/rural/handovers"): ({C, D, A}, 422),
    ("GET", "/api/v1/rural/figures"): ({C}, 200),
    # Public: the residents' tracking page (an unknown code is 404 for everyone).
    ("GET", "/api/v1/rural/track/<code>"): ({C, D, R, P, T, A, ANON}, 404),
    ("GET", "/api/v1/rural/track/<code>/push"): ({C, D, R, P, T, A, ANON}, 404),
    ("POST", "/api/v1/rural/track/<code>/push"): ({C, D, R, P, T, A, ANON}, 422),
    ("POST", "/api/v1/rural/track/<code>/collect"): ({C, D, R, P, T, A, ANON}, 422),
}
# The CRUD factory's resources: (collection, roles that may read, id key in the scene).
CRUD = {
    "clusters": (ALL, "cluster"),
    "municipalities": (ALL, "municipality"),
    "terminals": (ALL, "terminal"),
    "product-areas": (ALL, "area"),
    "delivery-points": ({C, R}, "school"),
    "suppliers": ({C, P}, "farm"),
    "orders": ({C, R, P}, "order"),
    "vehicles": ({C}, "vehicle"),
    "users": ({C}, "other_user"),
    "slot-templates": ({C}, "template"),
}
for _name, (_readers, _key) in CRUD.items():
    MATRIX[("GET", f"/api/v1/{_name}/")] = (_readers, 200)
    MATRIX[("GET", f"/api/v1/{_name}/<int:object_id>")] = (_readers, 200)
    MATRIX[("POST", f"/api/v1/{_name}/")] = ({C}, 422)
    MATRIX[("PATCH", f"/api/v1/{_name}/<int:object_id>")] = ({C}, 200)
    # Deleting master data that others point at is refused (409); the rest is deleted.
    MATRIX[("DELETE", f"/api/v1/{_name}/<int:object_id>")] = (
        {C},
        204 if _name in {"product-areas", "orders", "vehicles", "users"} else 409,
    )


def api_endpoints(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, rule.rule))
    return found


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = api_endpoints(app)
    missing = sorted(endpoints - MATRIX.keys())
    assert not missing, f"Endpoints without an authorization entry in MATRIX: {missing}"
    assert not sorted(MATRIX.keys() - endpoints), "MATRIX lists endpoints that no longer exist"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(
        "samlast.models.user.generate_password_hash",
        lambda password: _generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def scene(world, make_user):
    from samlast.models import Order, OrderLine, TemperatureClass

    order = Order(
        external_id="A",
        delivery_point=world.school,
        supplier=world.farm,
        requested_date=MONDAY,
        lines=[
            OrderLine(
                line_no=1,
                article="Mjölk",
                quantity=1,
                unit="l",
                weight_kg=1,
                temperature_class=TemperatureClass.CHILLED,
            )
        ],
    )
    template = SlotTemplate(
        terminal=world.terminal,
        name="Gård tisdag",
        kind=SlotKind.FARM_PICKUP,
        weekday=1,
        start=time(9),
        end=time(12),
        capacity_kg=1000,
        capacity_pallets=2,
    )
    from samlast.models import EnergyType, Vehicle

    vehicle = Vehicle(
        external_id="V-9",
        name="Bil",
        terminal=world.terminal,
        energy_type=EnergyType.DIESEL,
        co2e_kg_per_km=0.8,
        cost_per_km=10,
        cost_per_hour=500,
        shift_start=time(6),
        shift_end=time(14),
    )
    db.session.add_all([order, template, vehicle])
    db.session.commit()
    users = {
        C: make_user(C, "coord"),
        D: make_user(D, "dora"),
        R: make_user(R, "rita", delivery_points=[world.school]),
        P: make_user(P, "per", supplier=world.farm),
        T: make_user(T, "tove", terminal=world.terminal),
        A: make_user(A, "agnes", delivery_points=[world.school]),
    }
    other, _ = make_user(D, "otto")
    booking = _booking(template, world.farm.id)
    ids = {
        "cluster": world.cluster.id,
        "municipality": world.eslov.id,
        "terminal": world.terminal.id,
        "area": world.dairy_area.id,
        "school": world.school.id,
        "farm": world.farm.id,
        "order": order.id,
        "vehicle": vehicle.id,
        "other_user": other.id,
        "template": template.id,
        "booking": booking.id,
    }
    return {"headers": {role: h for role, (_, h) in users.items()} | {ANON: {}}, "ids": ids}


def _booking(template, supplier_id):
    from samlast.models import Booking, BookingStatus, PickupSlot

    slot = PickupSlot(
        template=template,
        slot_date=FUTURE_TUESDAY,
        capacity_kg=1000,
        capacity_pallets=2,
        booked_kg=10,
        booked_pallets=0,
    )
    from samlast.models import TemperatureClass

    booking = Booking(
        slot=slot,
        supplier_id=supplier_id,
        kg=10,
        pallets=0,
        status=BookingStatus.BOOKED,
        temperature_class=TemperatureClass.AMBIENT,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def probe_path(rule: str, ids: dict) -> str:
    collection = rule.removeprefix("/api/v1/").split("/")[0]
    values = {
        "object_id": ids[CRUD[collection][1]] if collection in CRUD else MISSING,
        "user_id": ids["other_user"],
        "point_id": ids["school"],
        "article_id": 1,
        "batch_id": MISSING,
        "booking_id": ids["booking"],
        "event_id": MISSING,
        "deviation_id": MISSING,
        "proof_id": MISSING,
        "plan_id": MISSING,
        "route_id": MISSING,
        "report_id": "missing",
        "job_id": "missing",
        "advice_id": "missing",
        "run_id": "missing",
        "order_line_id": MISSING,
        "site_id": MISSING,
        "consignment_id": MISSING,
        "code": "NOSUCH2345",
    }
    path = rule.replace("<any(delivery_points, suppliers, vehicles, orders):kind>", "orders")
    path = path.replace("<any(skolverket, preschools):source>", "skolverket")
    for name, value in values.items():
        for converter in ("int:", ""):
            path = path.replace(f"<{converter}{name}>", str(value))
    assert "<" not in path, path
    return path


def probe_body(method: str, rule: str) -> dict:
    if method in {"GET", "DELETE"}:
        return {}
    if method == "PATCH":
        return {
            "json": {"kg": 20} if "bookings" in rule else {"note": "x"} if "orders" in rule else {}
        }
    return {"json": {}}


MATRIX_CASES = [
    pytest.param(method, rule, id=f"{method} {rule.removeprefix('/api/v1/')}")
    for method, rule in sorted(MATRIX)
]


@pytest.mark.parametrize("method,rule", MATRIX_CASES)
def test_matrix(client, scene, method, rule, monkeypatch):
    monkeypatch.setattr("samlast.services.bookings.now", lambda: EARLY)
    allowed, status = MATRIX[(method, rule)]
    path = probe_path(rule, scene["ids"])
    for number, role in enumerate(ROLES, start=1):
        expected = (
            (status.get(role) if isinstance(status, dict) else status)
            if role in allowed
            else (401 if role is ANON else 403)
        )
        # Each role from a device of its own: the login limit counts per address.
        response = client.open(
            path, method=method, headers=scene["headers"][role], **probe_body(method, rule),
            environ_base={"REMOTE_ADDR": f"192.0.2.{number}"},
        )
        label = role.value if role else "anonymous"
        assert response.status_code == expected, f"{label}: {response.get_data(as_text=True)[:300]}"
        if expected in (401, 403):
            assert response.json["error"]["code"] in {"unauthorized", "forbidden"}


# Other tenants' objects (IDOR) -------------------------------------------------------------


@pytest.fixture
def delivered(client, day, world, make_user):
    """MONDAY planned and the first stop delivered with proof by the route's driver."""
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    owner = db.session.get(User, day.driver_id)
    headers = {
        "Authorization": f"Bearer {auth.login(owner.username, 'correct horse battery', 1)[0]}"
    }
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    stop = route["stops"][0]
    answer = client.post(
        "/api/v1/driver/events",
        json=event("deliver", stop, proof=full_proof(stop)),
        headers=headers,
    )
    assert answer.status_code == 201, answer.json
    return {"owner": headers, "route": route, "stop": stop, "proof_id": answer.json["proof_id"]}


def test_other_driver_cannot_see_route_or_proof(client, delivered, make_user):
    _, other = make_user(D, "intruder")
    proof = delivered["proof_id"]
    assert client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=other).json == []
    for path in (f"/api/v1/proofs/{proof}", f"/api/v1/proofs/{proof}/receipt.pdf"):
        assert client.get(path, headers=delivered["owner"]).status_code == 200
        assert client.get(path, headers=other).status_code == 404
    assert client.get("/api/v1/proofs/", headers=other).json == []
    # An event for another driver's stop is kept but flagged and does not change the stop.
    stop = delivered["route"]["stops"][1]
    answer = client.post("/api/v1/driver/events", json=event("arrive", stop), headers=other)
    assert (
        answer.status_code == 201
        and answer.json["flagged"] is True
        and answer.json["stop_status"] == "planned"
    )
    # Nor can another driver take over a client id (replay of someone else's record).
    replayed = event("arrive", stop)
    assert (
        client.post("/api/v1/driver/events", json=replayed, headers=delivered["owner"]).status_code
        == 201
    )
    assert client.post("/api/v1/driver/events", json=replayed, headers=other).status_code == 409


def test_other_kitchen_cannot_see_or_confirm(client, delivered, make_user, world):
    point_id = int(delivered["stop"]["job_key"].split(":")[1])
    other_point = world.care_home if point_id == world.school.id else world.school
    _, own = make_user(
        R, "own-kitchen", delivery_points=[db.session.get(type(world.school), point_id)]
    )
    _, other = make_user(R, "other-kitchen", delivery_points=[other_point])
    proof = delivered["proof_id"]
    assert client.get(f"/api/v1/proofs/{proof}", headers=own).status_code == 200
    assert client.get(f"/api/v1/proofs/{proof}", headers=other).status_code == 404
    assert client.get(f"/api/v1/proofs/{proof}/receipt.pdf", headers=other).status_code == 404
    assert client.get(f"/api/v1/delivery-points/{point_id}", headers=other).status_code == 404
    assert client.get(
        f"/api/v1/recipient/history?delivery_point_id={point_id}&from={MONDAY}&to={MONDAY}",
        headers=other,
    ).status_code in (403, 404)
    body = {
        "client_id": uuid.uuid4().hex,
        "delivery_point_id": point_id,
        "plan_date": MONDAY.isoformat(),
        "recorded_at": f"{MONDAY}T09:00:00+01:00",
        "accept_all": True,
        "confirmed_by_name": "X",
    }
    assert client.post("/api/v1/recipient/confirmations", json=body, headers=other).status_code in (
        403,
        404,
    )
    assert client.post("/api/v1/recipient/confirmations", json=body, headers=own).status_code == 201


def test_other_producer_cannot_touch_a_booking(client, scene, make_user, world, monkeypatch):
    monkeypatch.setattr("samlast.services.bookings.now", lambda: EARLY)
    _, rival = make_user(P, "rival", supplier=world.wholesaler)
    path = f"/api/v1/producer/bookings/{scene['ids']['booking']}"
    assert client.get(path, headers=rival).status_code == 404
    assert client.patch(path, json={"kg": 1}, headers=rival).status_code == 404
    assert client.delete(path, headers=rival).status_code == 404
    assert client.get("/api/v1/producer/bookings", headers=rival).json == []
    assert client.get(path, headers=scene["headers"][P]).json["kg"] == 10


# Socket.IO --------------------------------------------------------------------------------

NAMESPACES = {"/driver": {D}, "/recipient": {R}, "/coordinator": {C}}


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_socketio_namespaces_per_role(app, scene, namespace):
    for role in ROLES:
        token = scene["headers"][role].get("Authorization", " ").split(" ")[1] or None
        client = socketio.test_client(
            app, namespace=namespace, auth={"token": token} if token else None
        )
        try:
            assert client.is_connected(namespace) == (role in NAMESPACES[namespace]), role
        finally:
            if client.is_connected(namespace):
                client.disconnect(namespace=namespace)


def test_socketio_driver_events_are_scoped(app, delivered, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_TODAY", MONDAY.isoformat())
    _, other = make_user(D, "snoop")
    client = socketio.test_client(
        app, namespace="/driver", auth={"token": other["Authorization"].split()[1]}
    )
    try:
        [routes] = [m["args"][0] for m in client.get_received("/driver") if m["name"] == "routes"]
        assert routes["routes"] == []
        route_id = delivered["route"]["id"]
        assert client.emit(
            "route_ack", {"route_id": route_id, "version": 1}, namespace="/driver", callback=True
        ) == {"ok": False, "error": "not_found"}
        assert client.emit("get_routes", {}, namespace="/driver", callback=True)["routes"] == []
    finally:
        client.disconnect(namespace="/driver")


def test_revoked_token_is_refused_and_disconnected(
    app, client, delivered, coordinator, monkeypatch
):
    """A lost phone: after revoke-tokens its socket is cut and it cannot connect again."""
    monkeypatch.setitem(app.config, "DEMO_TODAY", MONDAY.isoformat())
    token = delivered["owner"]["Authorization"].split()[1]
    phone = socketio.test_client(app, namespace="/driver", auth={"token": token})
    assert phone.is_connected("/driver")
    user_id = auth.user_for_token(token).id
    answer = client.post(f"/api/v1/auth/users/{user_id}/revoke-tokens", headers=coordinator)
    assert answer.status_code == 200
    # Cut at once (this process) or at the latest on its next message (any process).
    if phone.is_connected("/driver"):
        assert phone.emit("get_routes", {}, namespace="/driver", callback=True) == {
            "ok": False,
            "error": "unauthorized",
        }
    assert not phone.is_connected("/driver")
    again = socketio.test_client(app, namespace="/driver", auth={"token": token})
    assert not again.is_connected("/driver")
    assert client.get("/api/v1/driver/routes", headers=delivered["owner"]).status_code == 401
