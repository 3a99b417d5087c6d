"""Drill: the disk that holds the uploads full while drivers send proofs with and without photos.

Photos and signatures are stored in the database, so the database (SQLite, WAL) lives on a
small tmpfs mounted for the drill, filled up until a photo would eat into the room kept for
the delivery facts (UPLOAD_RESERVE_MB). Proofs without photos are still stored; a proof with a
photo is stored without it and its answer says so in Swedish (`photos_refused`,
`photo_notice`); nothing is half-written (no photo rows of a refused photo, the database's
integrity check passes). Once room is made, photos go in again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.drills.fleet import Fleet, data_url
from tests.integration.harness import free_port

pytestmark = pytest.mark.drill

DISK_MB = 24
LEFT_FREE_KB = 6 * 1024
RESERVE_MB = 4  # a 3.4 MB photo would leave less than this: refused, the proofs still fit
PHOTO_SIZE = (2000, 1500)  # noise: about 3.4 MB


@pytest.fixture
def small_disk():
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = Path(f"/tmp/samlast-drill-disk-{free_port()}")
    mountpoint.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(mountpoint)],
                       check=True, capture_output=True)  # fmt: skip
    except subprocess.CalledProcessError as exc:
        mountpoint.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {exc.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)
        with contextlib.suppress(OSError):
            mountpoint.rmdir()


def free_kb(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize // 1024


def fill(path: Path, leave_kb: int) -> Path:
    filler = path / "filler"
    with open(filler, "wb") as out:
        chunk = b"\0" * (64 * 1024)
        while free_kb(path) > leave_kb + 64:
            out.write(chunk)
            out.flush()
    return filler


def test_disk_full_for_uploads(small_disk, make_cluster):
    cluster = make_cluster(db_url=f"sqlite:///{small_disk / 'shared.db'}", UPLOAD_RESERVE_MB=str(RESERVE_MB))
    photo = data_url("JPEG", PHOTO_SIZE, noise=True)
    fleet = Fleet(cluster, "disk full for uploads", proof_every=3.0, photo_every=2, photo=photo)
    filler = fill(small_disk, LEFT_FREE_KB)
    free_before = free_kb(small_disk)
    fleet.run()
    time.sleep(25)
    fleet.finish()
    free_during = free_kb(small_disk)

    # Room made again: a photo goes in.
    filler.unlink()
    phone = fleet.phones[0]
    body = phone.make_proof(with_photo=True)
    phone.flush()
    assert not phone.outbox, fleet.answers
    after = fleet.acks[-1]["answer"]
    assert after["client_id"] == body["client_id"] and not after.get("photos_refused"), after

    with_photo = [a for a in fleet.acks if a["body"]["proof"]["photos"]]
    refused = [a for a in with_photo if a["answer"].get("photos_refused")]
    with cluster.engine.connect() as conn:
        photos = dict(conn.execute(sa.text(
            "SELECT e.client_id, count(f.id) FROM driver_event e JOIN proof_of_delivery p ON p.event_id = e.id "
            "LEFT JOIN proof_photo f ON f.proof_id = p.id WHERE e.job_key LIKE 'drill:%' GROUP BY e.client_id"
        )).all())  # fmt: skip
        empty = conn.scalar(sa.text("SELECT count(*) FROM proof_photo WHERE data IS NULL OR length(data) = 0"))
        integrity = conn.scalar(sa.text("PRAGMA integrity_check"))
    half_written = sum(1 for a in refused if photos[a["body"]["client_id"]] != 0) + empty
    wrong_count = sum(
        1 for a in fleet.acks
        if photos[a["body"]["client_id"]] != len(a["body"]["proof"]["photos"]) - a["answer"].get("photos_refused", 0)
    )  # fmt: skip
    tally = fleet.tally(
        proofs_with_photo=len(with_photo), photos_refused=len(refused), half_written=half_written,
        integrity=integrity, free_kb_before=free_before, free_kb_after=free_during,
        photo_notice=refused[0]["answer"].get("photo_notice") if refused else None,
    )  # fmt: skip
    tally.check()
    assert refused, "no photo met the full disk"
    assert half_written == 0 and wrong_count == 0
    assert integrity == "ok"
    notice = refused[0]["answer"]["photo_notice"]
    assert "Fotot kunde inte sparas" in notice, notice
    assert set(fleet.answers) <= {"200", "201"}, fleet.answers  # never a 500, never a refused proof
    # A replay of a refused photo's proof answers the stored answer, notice included.
    first = refused[0]
    again = fleet.phones[first["phone"]].http.post(
        f"{fleet.phones[first['phone']].url}/api/v1/driver/events", json=first["body"], timeout=30
    )
    assert again.status_code == 200 and again.json()["photos_refused"] == 1, again.text
    assert requests.get(cluster.servers[0].url + "/healthz", timeout=5).status_code == 200
