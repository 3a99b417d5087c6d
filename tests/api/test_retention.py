"""The retention job: personal data past its period removed, the delivery facts kept; a dry run
changes nothing and counts the same; a second run changes nothing."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import (
    AuditEntry,
    DriverEvent,
    Order,
    ProofOfDelivery,
    ProofPhoto,
    Stop,
    StopStatus,
    VehiclePosition,
)
from samlast.services import personal_data, receipts
from tests.api.test_driver import _route, planned  # noqa: F401  (the fixture)
from tests.conftest import count
from tests.driver_helpers import event, full_proof

NOW = datetime.now(UTC)
YEARS_AGO = NOW - timedelta(days=800)


@pytest.fixture
def delivered(client, planned):  # noqa: F811
    """Two stops delivered with a name, signature and photo; the first one's proof made 800 days ago."""
    stops = _route(client, planned)["stops"][:2]
    proof_ids = []
    for stop in stops:
        answer = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)),
                             headers=planned)
        assert answer.status_code == 201, answer.json
        proof_ids.append(answer.json["proof_id"])
    receipts.drain()
    old, new = proof_ids
    db.session.execute(sa.update(ProofOfDelivery).where(ProofOfDelivery.id == old).values(created_at=YEARS_AGO))
    db.session.execute(sa.update(DriverEvent).values(lat=55.8, lon=13.3))
    db.session.execute(sa.update(DriverEvent).where(DriverEvent.id == db.session.get(ProofOfDelivery, old).event_id)
                       .values(recorded_at=YEARS_AGO))
    positions = {"positions": [{"lat": 55.84, "lon": 13.3, "recorded_at": moment.isoformat()}
                               for moment in (NOW - timedelta(days=91), NOW - timedelta(days=89))]}
    assert client.post("/api/v1/driver/positions", json=positions, headers=planned).json == {"stored": 2}
    db.session.commit()
    return old, new, [stop["id"] for stop in stops]


def _counts(result) -> dict[str, int]:
    return {c.kind.key: c.count for c in result}


def test_past_retention_personal_data_goes_and_the_delivery_facts_stay(delivered, client, coordinator, tmp_path):
    old_id, new_id, stop_ids = delivered
    audit_before = count(AuditEntry)

    result = personal_data.apply_retention()

    assert _counts(result) == {"positions": 1, "event_positions": 1, "signatures": 1, "photos": 1,
                               "receiver_names": 1, "confirmer_names": 0, "resident_contacts": 0,
                               "handover_signatures": 0}
    old, new = db.session.get(ProofOfDelivery, old_id), db.session.get(ProofOfDelivery, new_id)
    # The old proof: signature and photo bytes gone, a marker that there were some; name replaced.
    assert old.signature_png == b"" and old.receiver_name == personal_data.ERASED_NAME
    [old_photo] = old.photos
    assert old_photo.data == b"" and old_photo.content_type == "image/jpeg"
    # ... and the receipt is rendered again, without them, saying so.
    pdf = receipts.receipt_pdf(old)
    assert pdf.startswith(b"%PDF") and old.receipt_pdf is not None
    (tmp_path / "old.pdf").write_bytes(pdf)
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "old.pdf"), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert "Signaturen är gallrad" in words and "1 foto gallrade" in words and "(raderat)" in words
    # Screens are told the truth: no signature or photo to show, but that there were some.
    shown = client.get(f"/api/v1/proofs/{old_id}", headers=coordinator).json
    assert (shown["has_signature"], shown["signature_erased"], shown["photo_count"], shown["photos_erased"]) == (
        False, True, 0, 1)
    kept = client.get(f"/api/v1/proofs/{new_id}", headers=coordinator).json
    assert (kept["has_signature"], kept["signature_erased"], kept["photo_count"], kept["photos_erased"]) == (
        True, False, 1, 0)
    # The delivery facts are kept.
    assert [line.delivered_quantity for line in old.lines] == [line.ordered_quantity for line in old.lines]
    assert len(old.lines) == 2 and old.crates_returned == 3 and old.note == "Lämnat i kylrummet"
    assert db.session.get(Stop, stop_ids[0]).status == StopStatus.DONE
    assert all(order.delivered_at is not None for order in db.session.scalars(sa.select(Order)))
    assert old.event.recorded_at is not None and old.event.lat is None
    # The new proof keeps everything.
    assert new.signature_png.startswith(b"\x89PNG") and new.receiver_name == "Kim Köksson"
    assert new.photos[0].data.startswith(b"\xff\xd8") and new.event.lat == 55.8
    # Positions: the 91 days old one deleted, the 89 days old one kept.
    [kept] = db.session.scalars(sa.select(VehiclePosition)).all()
    assert datetime.fromisoformat(str(kept.recorded_at)).replace(tzinfo=UTC) > NOW - timedelta(days=90)
    # A system change the audit trail does not record (proofs and positions are not audited).
    assert count(AuditEntry) == audit_before

    again = personal_data.apply_retention()
    assert set(_counts(again).values()) == {0}


def test_a_dry_run_changes_nothing_and_counts_the_same(delivered, runner):
    old_id, _, _ = delivered
    before = _counts(personal_data.apply_retention(dry_run=True))
    old = db.session.get(ProofOfDelivery, old_id)
    assert old.signature_png.startswith(b"\x89PNG") and old.receiver_name == "Kim Köksson"
    assert count(VehiclePosition) == 2 and all(p.data for p in db.session.scalars(sa.select(ProofPhoto)))

    dry = runner.invoke(args=["samlast", "retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing was changed" in dry.output
    assert "Signatures on proofs of delivery (older than 730 days): 1" in dry.output
    assert count(VehiclePosition) == 2

    applied = runner.invoke(args=["samlast", "retention"])
    assert applied.exit_code == 0, applied.output
    assert "Retention applied:" in applied.output and "retention." not in applied.output
    assert "Vehicle positions (older than 90 days): 1" in applied.output
    assert before == {"positions": 1, "event_positions": 1, "signatures": 1, "photos": 1,
                      "receiver_names": 1, "confirmer_names": 0, "resident_contacts": 0, "handover_signatures": 0}
    assert count(VehiclePosition) == 1
    second = runner.invoke(args=["samlast", "retention"])
    assert "Vehicle positions (older than 90 days): 0" in second.output


def test_zero_days_keeps_a_kind(app, delivered):
    app.config["RETENTION_POSITIONS_DAYS"] = 0
    try:
        keys = _counts(personal_data.apply_retention())
    finally:
        app.config["RETENTION_POSITIONS_DAYS"] = 90
    assert "positions" not in keys and count(VehiclePosition) == 2
