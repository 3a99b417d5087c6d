"""Following an item: one order line's steps across every hand-over (ordered, received at the
terminal, loaded and signed for, delivered, confirmed by the kitchen), the step where the
quantity changed marked, the kitchen only its own lines, as JSON, CSV and PDF."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from samlast.models import Role
from tests.api.test_goods_in import API, expected, planned, receipt, staff  # noqa: F401  (fixtures)
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof


@pytest.fixture
def followed(client, staff, planned, world, day, make_user):  # noqa: F811
    """Bergaskolan's milk: 40 l ordered, 30 l received at the terminal, loaded, delivered, confirmed."""
    [supplier] = expected(client, staff)["suppliers"]
    assert client.post(f"{API}/receipts", json=receipt(supplier, {"Mjölk@Bergaskolan kök": 30}),
                       headers=staff).status_code == 201  # fmt: skip
    [route] = client.get(f"/api/v1/loading/routes?date={MONDAY}", headers=staff).json
    listing = client.get(f"/api/v1/loading/routes/{route['id']}", headers=staff).json
    chilled = next(c for c in listing["compartments"] if c["temperature_class"] == "chilled")
    berga = next(s for s in chilled["stops"] if s["point_name"] == "Bergaskolan kök")
    for unit in berga["units"]:
        scan = {"client_id": uuid.uuid4().hex, "unit_code": unit["code"], "route_id": route["id"],
                "recorded_at": f"{MONDAY}T05:50:00+01:00"}  # fmt: skip
        answer = client.post("/api/v1/loading/scans", json=scan, headers=staff)
        assert answer.status_code == 201, answer.json
    from samlast.extensions import db
    from samlast.models import User
    from samlast.services import auth

    driver = db.session.get(User, day.driver_id)
    headers = {"Authorization": f"Bearer {auth.login(driver.username, 'correct horse battery', 1)[0]}"}
    [driver_route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    stop = next(s for s in driver_route["stops"] if s["job_key"] == f"dp:{world.school.id}")
    proof = full_proof(stop)
    milk = next(line for line in supplier["lines"]
                if line["article"] == "Mjölk" and line["delivery_point_name"] == "Bergaskolan kök")  # fmt: skip
    for line in proof["lines"]:
        if line["order_line_id"] == milk["order_line_id"]:
            line["delivered_quantity"] = 30
    assert client.post("/api/v1/driver/events", json=event("deliver", stop, proof=proof),
                       headers=headers).status_code == 201  # fmt: skip
    _, kitchen = make_user(Role.RECIPIENT, "rita", delivery_points=[world.school])
    confirm = {"client_id": uuid.uuid4().hex, "delivery_point_id": world.school.id, "plan_date": MONDAY.isoformat(),
               "recorded_at": f"{MONDAY}T09:00:00+01:00", "accept_all": True, "confirmed_by_name": "Kim"}  # fmt: skip
    assert client.post("/api/v1/recipient/confirmations", json=confirm, headers=kitchen).status_code == 201
    return milk["order_line_id"], kitchen


def test_the_line_is_followed_across_every_hand_over(client, coordinator, followed):
    line_id, _ = followed
    data = client.get(f"/api/v1/order-lines/{line_id}/timeline", headers=coordinator).json
    steps = [(s["kind"], s["quantity"], s["changed"]) for s in data["steps"]]
    kinds = [kind for kind, _, _ in steps]
    assert kinds[:3] == ["ordered", "received_at_terminal", "loaded"] and kinds[-2:] == ["delivered",
                                                                                        "confirmed_by_kitchen"]
    assert steps[0][1:] == (40, False)
    assert steps[1][1:] == (30, True)  # where it went missing: between the supplier and the terminal
    delivered = next(s for s in data["steps"] if s["kind"] == "delivered")
    assert delivered["quantity"] == 30 and delivered["changed"] is False and delivered["signed"] is True
    received = data["steps"][1]
    assert received["name"] == "Mottagen på terminalen" and received["who"] == "tove" and received["signed"] is False
    assert "Saknas från leverantören" in received["details"] and "Sune Leverantör" in received["details"]
    assert data["steps"][2]["details"].startswith("På Bil 1: ")


def test_the_kitchen_follows_only_its_own_lines(client, followed, make_user, world):
    line_id, kitchen = followed
    assert client.get(f"/api/v1/order-lines/{line_id}/timeline", headers=kitchen).status_code == 200
    _, other = make_user(Role.RECIPIENT, "olle", delivery_points=[world.care_home])
    answer = client.get(f"/api/v1/order-lines/{line_id}/timeline", headers=other)
    assert answer.status_code == 404 and answer.json["error"]["message"].startswith(f"Orderraden {line_id} finns inte")


def test_csv_and_pdf_in_swedish(client, coordinator, followed, tmp_path):
    line_id, _ = followed
    csv = client.get(f"/api/v1/order-lines/{line_id}/timeline.csv", headers=coordinator).get_data(as_text=True)
    assert csv.startswith("\ufeffSteg;Tid;Vem;Mängd;Ändrad mängd;Signerad;Detaljer")
    assert "Mottagen på terminalen;2026-11-30 05:40;tove;30;Ja;" in csv
    pdf = client.get(f"/api/v1/order-lines/{line_id}/timeline.pdf", headers=coordinator)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "t.pdf").write_bytes(pdf.data)
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())  # fmt: skip
    assert "Varans väg: Mjölk" in words and "Mottagen på terminalen" in words and "Kvitterad av köket" in words
    assert "30 (ändrad)" in words
