"""One person's data on request: `flask samlast person export` finds every record naming them
(case and spacing aside), `person erase` removes the name, signature and positions and keeps the
delivery facts; an unknown account or a declined question changes nothing."""

from __future__ import annotations

import json

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DeliveryPoint, ProofOfDelivery, Stop, StopStatus, User, VehiclePosition
from samlast.services import personal_data
from tests.api.test_driver import planned  # noqa: F401  (the fixture)
from tests.api.test_retention import delivered  # noqa: F401  (the fixture)
from tests.conftest import MONDAY


def _export(runner, *args: str) -> dict:
    result = runner.invoke(args=["samlast", "person", "export", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_export_finds_the_person_on_every_record(runner, delivered, world):  # noqa: F811
    world.school.contact_name = "Kim Köksson"
    world.school.contact_phone = "070-123 45 67"
    db.session.commit()
    records = _export(runner, "--name", "  kim KÖKSSON ")
    assert len(records["proofs_received"]) == 2
    assert all(proof["signature"] for proof in records["proofs_received"])
    assert records["contact_of_delivery_points"] == [
        {"delivery_point": world.school.name, "contact_name": "Kim Köksson", "phone": "070-123 45 67", "email": ""}
    ]
    assert records["confirmations"] == [] and records["user"] is None
    assert _export(runner, "--name", "Someone Else")["proofs_received"] == []


def test_erase_removes_name_signature_and_positions_and_keeps_the_facts(
    runner, client, delivered, planned, world, day  # noqa: F811
):
    old_id, new_id, stop_ids = delivered
    world.school.contact_name = "Kim Köksson"
    db.session.commit()
    driver = db.session.get(User, day.driver_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VehiclePosition)) == 2

    declined = runner.invoke(args=["samlast", "person", "erase", "--name", "Kim Köksson"], input="n\n")
    assert declined.exit_code == 1 and db.session.get(ProofOfDelivery, old_id).receiver_name == "Kim Köksson"

    erased = runner.invoke(args=["samlast", "person", "erase", "--name", "Kim Köksson", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "proofs_received 2" in erased.output
    db.session.expire_all()
    for proof_id in (old_id, new_id):
        proof = db.session.get(ProofOfDelivery, proof_id)
        assert proof.receiver_name == personal_data.ERASED_NAME and proof.signature_png == b""
        assert proof.lines and all(line.delivered_quantity == line.ordered_quantity for line in proof.lines)
    assert db.session.get(DeliveryPoint, world.school.id).contact_name == ""
    assert db.session.get(Stop, stop_ids[0]).status == StopStatus.DONE
    assert _export(runner, "--name", "Kim Köksson")["proofs_received"] == []

    # A driver's account: positions gone, event positions cleared, signed out, no longer named.
    assert _export(runner, "--user", driver.username)["positions"]
    result = runner.invoke(args=["samlast", "person", "erase", "--user", driver.username, "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VehiclePosition)) == 0
    db.session.expire_all()
    account = db.session.get(User, driver.id)
    assert account.username == f"raderad-{driver.id}" and not account.active
    assert client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=planned).status_code == 401


def test_an_unknown_account_or_no_person_is_a_clear_error(runner):
    unknown = runner.invoke(args=["samlast", "person", "export", "--user", "nobody"])
    assert unknown.exit_code == 2 and "no account with the username nobody" in unknown.output
    nobody = runner.invoke(args=["samlast", "person", "erase"])
    assert nobody.exit_code == 2 and "Give --name or --user" in nobody.output
