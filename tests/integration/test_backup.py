"""`flask samlast backup` and `restore`: a day with proofs, photos, signatures and a re-planned
plan comes back whole in an empty instance; a damaged archive, an archive of newer code and a
database that already holds data are refused without changing anything.

The round trip runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL (fresh
databases on that server, as tests/integration/harness.py makes them).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from samlast import create_app
from samlast.extensions import db
from samlast.models import (
    Cluster,
    Plan,
    ProofOfDelivery,
    Role,
    StopStatus,
    User,
)
from samlast.services import auth, planning, push
from tests.conftest import MONDAY, build_day, build_world
from tests.driver_helpers import event, full_proof
from tests.integration.harness import database_url

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


# --- instances: a folder, a database, the flask command and the app -------------------------------


def _env(instance: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GUNICORN_"))}
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    env.update(FLASK_APP="samlast", SAMLAST_INSTANCE=str(instance), GEOCODING_ENABLED="0", PYTHONWARNINGS="ignore")
    if url:
        env["DATABASE_URL"] = url
    return env


def flask(instance: Path, url: str | None, *args: str) -> subprocess.CompletedProcess:
    """`flask ...` in its own process, as an operator runs it (DATABASE_URL unset: instance/samlast.db)."""
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=_env(instance, url), capture_output=True, text=True,
        timeout=300,
    )


def _sqlalchemy_url(url: str | None, instance: Path) -> str:
    if not url:
        return f"sqlite:///{instance / 'samlast.db'}"
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def instance_app(monkeypatch, instance: Path, url: str | None = None) -> Iterator:
    """This test process's view of an instance: an app on its folder and database."""
    monkeypatch.setenv("SAMLAST_INSTANCE", str(instance))
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url, instance),
        "REDIS_URL": None,
        "GEOCODING_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RECEIPT_RUNNER": "inline",
        "PLANNING_RUNNER": "inline",
        "PLANNING_TIME_LIMIT_S": 1,
        "REPLAN_WHEN_LATE_MIN": 10**6,
    })
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def _parent_of_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    script = ScriptDirectory.from_config(config)
    return str(script.get_revision(_head()).down_revision)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An empty SQLite database at the code's migration head (`flask db upgrade`), to copy."""
    folder = tmp_path_factory.mktemp("migrated")
    result = flask(folder, None, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return folder / "samlast.db"


def _sqlite_instance(tmp_path: Path, name: str, migrated: Path | None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    if migrated is not None:
        shutil.copyfile(migrated, folder / "samlast.db")
    return folder


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


# --- a day on the road ----------------------------------------------------------------------------


def seed_day(client) -> str:
    """MONDAY planned, one stop delivered, re-planned (version 2), the other stop delivered:
    two proofs with a signature, a photo and a receipt. Returns the driver's token."""
    world = build_world()
    driver = User(username="driver-a", role=Role.DRIVER)
    driver.set_password(PASSWORD)
    db.session.add(driver)
    db.session.commit()
    build_day(world, driver)
    terminal = world.terminal
    token, _ = auth.login("driver-a", PASSWORD, ttl_hours=24 * 365)
    headers = {"Authorization": f"Bearer {token}"}

    def deliver_next() -> None:
        [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
        stop = next(s for s in route["stops"] if s["status"] != StopStatus.DONE.value)
        for body in (event("arrive", stop), event("deliver", stop, proof=full_proof(stop))):
            answer = client.post("/api/v1/driver/events", json=body, headers=headers)
            assert answer.status_code == 201, answer.json

    planning.plan_day(terminal, MONDAY, time_limit_s=1)
    deliver_next()
    assert planning.plan_day(terminal, MONDAY, time_limit_s=1).version == 2
    deliver_next()
    push.ensure_vapid_keys()
    return token


def what_is_kept() -> dict:
    """Every proof with its signature, receipt and photos (as hashes of their bytes), every plan version."""
    proofs = db.session.scalars(sa.select(ProofOfDelivery).order_by(ProofOfDelivery.id)).all()
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.version)).all()
    return {
        "proofs": [
            {"id": p.id, "receiver": p.receiver_name, "point": p.delivery_point_id, "signature": _sha(p.signature_png),
             "receipt": _sha(p.receipt_pdf), "photos": [(ph.id, ph.width, ph.height, _sha(ph.data)) for ph in p.photos],
             "lines": [(line.article, line.delivered_quantity) for line in p.lines]}
            for p in proofs
        ],
        "plans": [
            {"version": plan.version, "date": plan.plan_date, "cost": plan.total_cost,
             "stops": [(s.job_key, s.status.value) for r in plan.routes for s in r.stops]}
            for plan in plans
        ],
    }


# --- the round trip -------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Iterator[Callable[[str], str | None]]:
    """Makes the database URL of a new instance: None (the instance's own SQLite file) or a
    fresh database on TEST_DATABASE_URL's server."""
    if request.param == "sqlite":
        yield lambda name: None
        return
    if not os.environ.get("TEST_DATABASE_URL", "").strip():
        pytest.skip("PostgreSQL round trip: set TEST_DATABASE_URL (scripts/start-postgres.sh)")
    drops = []

    def make(name: str) -> str | None:
        url, drop = database_url(tmp_path)
        drops.append(drop)
        return url

    yield make
    for drop in drops:
        drop()


def test_restore_into_an_empty_instance_finds_every_proof_photo_and_plan_version(
    backend, tmp_path, monkeypatch
):
    source, source_url = tmp_path / "source", backend("source")
    migrated = flask(source, source_url, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    with instance_app(monkeypatch, source, source_url) as app:
        token = seed_day(app.test_client())
        before = what_is_kept()
    assert len(before["proofs"]) == 2 and [p["version"] for p in before["plans"]] == [1, 2]
    assert all(p["signature"] and p["receipt"] and len(p["photos"]) == 1 for p in before["proofs"])

    backups = tmp_path / "backups"
    made = flask(source, source_url, "samlast", "backup", "--to", str(backups))
    assert made.returncode == 0, made.stderr
    [archive] = backups.iterdir()
    assert archive.name.startswith("samlast-backup-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # personal data and keys: the owner's only
    assert ("Proofs of delivery 2 (with a signature 2, with a PDF receipt 2), photos 2, plan versions 2."
            in made.stdout)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = sorted(tar.getnames())
    kind = "postgresql" if source_url else "sqlite"
    assert manifest["database"] == kind and manifest["alembic_revision"] == _head()
    assert manifest["file_count"] == len(manifest["files"]) == len(names) - 1
    assert {"instance/vapid_private.pem", "instance/secret_key"} <= set(manifest["files"])
    assert manifest["tables"]["proof_photo"] == 2 and manifest["tables"]["plan"] == 2

    target, target_url = tmp_path / "target", backend("target")
    target.mkdir()
    restored = flask(target, target_url, "samlast", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Restored " in restored.stdout and "photos 2, plan versions 2." in restored.stdout
    assert (target / "vapid_private.pem").read_bytes() == (source / "vapid_private.pem").read_bytes()
    assert (target / "vapid_private.pem").stat().st_mode & 0o077 == 0

    with instance_app(monkeypatch, target, target_url) as app:
        assert what_is_kept() == before
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        # The restored instance serves the same driver, on the same token, the re-planned route.
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
        assert route["plan_version"] == 2 and {s["status"] for s in route["stops"]} == {"done"}
        proof = before["proofs"][0]
        receipt = client.get(f"/api/v1/proofs/{proof['id']}/receipt.pdf", headers=headers)
        assert receipt.status_code == 200 and _sha(receipt.data) == proof["receipt"]


# --- refusals: nothing changes ---------------------------------------------------------------------


@pytest.fixture
def small_archive(tmp_path, monkeypatch, migrated) -> Path:
    """An archive of a migrated SQLite instance with one cluster and the VAPID key."""
    source = _sqlite_instance(tmp_path, "small-source", migrated)
    with instance_app(monkeypatch, source) as app:
        db.session.add(Cluster(name="Från arkivet"))
        db.session.commit()
        push.ensure_vapid_keys()
        result = app.test_cli_runner().invoke(args=["samlast", "backup", "--to", str(tmp_path / "small-backups")])
        assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "small-backups").iterdir()
    return archive


@pytest.fixture
def occupied(tmp_path, monkeypatch, migrated):
    """A target instance whose database already holds a cluster; yields (app, state())."""
    target = _sqlite_instance(tmp_path, "occupied", migrated)
    with instance_app(monkeypatch, target) as app:
        db.session.add(Cluster(name="Redan här"))
        db.session.commit()
        db.session.remove()

        def state() -> tuple[str, dict[str, str | None]]:
            """The database's every row (as SQL) and the instance folder's files."""
            connection = sqlite3.connect(target / "samlast.db")
            try:
                rows = "\n".join(connection.iterdump())
            finally:
                connection.close()
            files = {p.name: _sha(p.read_bytes()) for p in target.iterdir()
                     if p.is_file() and "samlast.db" not in p.name}
            return rows, files

        yield app, state


def _clusters() -> list[str]:
    db.session.remove()
    return list(db.session.scalars(sa.select(Cluster.name)))


def repack(archive: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    change(members)
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def _manifest_change(**fields) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        members["manifest.json"] = json.dumps({**json.loads(members["manifest.json"]), **fields}).encode()

    return change


def test_a_damaged_archive_is_refused_and_changes_nothing(small_archive, occupied, tmp_path):
    app, state = occupied
    raw = small_archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(raw[: len(raw) // 2])
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(raw[: len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 0xFF]) + raw[len(raw) // 2 + 1:])
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("inte ett arkiv")

    def other_database(members: dict[str, bytes]) -> None:
        data = bytearray(members["database.sqlite3"])
        data[-100] ^= 0x01
        members["database.sqlite3"] = bytes(data)

    def without_key(members: dict[str, bytes]) -> None:
        del members["instance/vapid_private.pem"]

    def stowaway(members: dict[str, bytes]) -> None:
        members["../../etc/cron.d/samlast"] = b"* * * * * root true"

    cases = {
        truncated: "cannot be unpacked",
        flipped: "",  # a broken deflate stream, or one that inflates to other bytes: the checksum's catch
        not_gzip: "cannot be unpacked",
        repack(small_archive, tmp_path / "changed.tar.gz", other_database):
            "database.sqlite3 does not have the size and checksum the manifest gives",
        repack(small_archive, tmp_path / "missing.tar.gz", without_key): "instance/vapid_private.pem is missing",
        repack(small_archive, tmp_path / "stowaway.tar.gz", stowaway): "does not belong in an archive",
        repack(small_archive, tmp_path / "no-manifest.tar.gz", lambda m: m.pop("manifest.json")):
            "the manifest is missing",
    }
    before = state()
    runner = app.test_cli_runner()
    for archive, reason in cases.items():
        result = runner.invoke(args=["samlast", "restore", str(archive), "--force"])
        assert result.exit_code == 1, (archive.name, result.output)
        assert "is damaged or not a Samlast archive" in result.output and reason in result.output, result.output
        assert "Nothing was changed." in result.output
        assert state() == before, archive.name
    assert not (tmp_path / "etc").exists()
    assert _clusters() == ["Redan här"]


def test_a_database_with_data_is_replaced_only_with_force(small_archive, occupied):
    app, state = occupied
    before = state()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["samlast", "restore", str(small_archive)])
    assert refused.exit_code == 1
    # The cluster and the audit entry of its creation.
    assert "already holds data (rows in 2 of its tables)" in refused.output and "--force" in refused.output
    assert state() == before and _clusters() == ["Redan här"]

    forced = runner.invoke(args=["samlast", "restore", str(small_archive), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _clusters() == ["Från arkivet"]
    assert "Put back in " in forced.output and "vapid_private.pem" in forced.output


def test_an_archive_of_newer_code_is_refused(small_archive, occupied, tmp_path):
    app, state = occupied
    before = state()
    runner = app.test_cli_runner()
    future = repack(small_archive, tmp_path / "future.tar.gz", _manifest_change(alembic_revision="zz_future01"))
    result = runner.invoke(args=["samlast", "restore", str(future), "--force"])
    assert result.exit_code == 1
    assert "at migration zz_future01, which this version of Samlast does not know" in result.output
    newer_format = repack(small_archive, tmp_path / "format.tar.gz", _manifest_change(format=99))
    result = runner.invoke(args=["samlast", "restore", str(newer_format), "--force"])
    assert result.exit_code == 1 and "made by a newer version of Samlast (archive format 99)" in result.output
    assert state() == before and _clusters() == ["Redan här"]


def test_an_archive_of_older_code_is_migrated_after_the_restore(tmp_path, monkeypatch):
    older = _parent_of_head()
    source = _sqlite_instance(tmp_path, "older", None)
    result = flask(source, None, "db", "upgrade", older)
    assert result.returncode == 0, result.stderr
    with instance_app(monkeypatch, source) as app:
        # Written past the ORM: the audit trail this code keeps has no table at that migration yet.
        db.session.execute(sa.insert(Cluster).values(name="Gammal"))
        db.session.commit()
        made = app.test_cli_runner().invoke(args=["samlast", "backup", "--to", str(tmp_path / "older-backups")])
        assert made.exit_code == 0, made.output
        assert f"at migration {older}." in made.output
    [archive] = (tmp_path / "older-backups").iterdir()

    target = _sqlite_instance(tmp_path, "newer", None)
    restored = flask(target, None, "samlast", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert f"Migrated the database from {older} to {_head()}." in restored.stdout
    with instance_app(monkeypatch, target):
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        assert _clusters() == ["Gammal"]


def test_keep_leaves_the_newest_archives(tmp_path, monkeypatch, migrated):
    source = _sqlite_instance(tmp_path, "kept", migrated)
    folder = tmp_path / "kept-backups"
    written = []
    with instance_app(monkeypatch, source) as app:
        runner = app.test_cli_runner()
        for _ in range(3):
            result = runner.invoke(args=["samlast", "backup", "--to", str(folder), "--keep", "2"])
            assert result.exit_code == 0, result.output
            written.append(result.output.split()[1])
    assert sorted(str(p) for p in folder.iterdir()) == sorted(written[1:])
    assert "Deleted older archives in " in result.output and "(1); the 2 newest are kept" in result.output


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").strip(),
                    reason="PostgreSQL only: set TEST_DATABASE_URL (scripts/start-postgres.sh)")
def test_a_failed_postgresql_restore_leaves_the_database_as_it_was(tmp_path, monkeypatch, small_archive):
    """The restore runs in one transaction: here the app still holds a table the restore must
    drop, and the target database gives up waiting after a second (lock_timeout). A SQLite
    archive is refused before anything is tried."""
    import psycopg

    admin = os.environ["TEST_DATABASE_URL"]

    (source_url, drop_source), (target_url, drop_target) = database_url(tmp_path), database_url(tmp_path)
    try:
        source, target = tmp_path / "pg-source", tmp_path / "pg-target"
        for folder, url, name in ((source, source_url, "Från arkivet"), (target, target_url, "Redan här")):
            result = flask(folder, url, "db", "upgrade")
            assert result.returncode == 0, result.stderr
            with instance_app(monkeypatch, folder, url) as app:
                db.session.add(Cluster(name=name))
                db.session.commit()
                if folder == source:
                    made = app.test_cli_runner().invoke(args=["samlast", "backup", "--to", str(tmp_path / "pg")])
                    assert made.exit_code == 0, made.output
        [archive] = (tmp_path / "pg").iterdir()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{target_url.rsplit("/", 1)[1]}" SET lock_timeout = \'1s\'')
        with instance_app(monkeypatch, target, target_url) as app, psycopg.connect(target_url) as holder:
            app.config["POSTGRES_BIN_DIR"] = str(tmp_path / "no-tools")
            missing = app.test_cli_runner().invoke(args=["samlast", "backup", "--to", str(tmp_path / "none")])
            assert missing.exit_code == 1
            assert "pg_dump of PostgreSQL " in missing.output and "POSTGRES_BIN_DIR" in missing.output
            assert f"or newer was not found (looked in {tmp_path / 'no-tools'})" in missing.output
            app.config["POSTGRES_BIN_DIR"] = None
            sqlite = app.test_cli_runner().invoke(args=["samlast", "restore", str(small_archive), "--force"])
            assert sqlite.exit_code == 1
            assert "The archive holds a SQLite database but this instance uses PostgreSQL" in sqlite.output
            holder.execute("SELECT name FROM cluster").fetchall()  # an open transaction reading the table
            result = app.test_cli_runner().invoke(args=["samlast", "restore", str(archive), "--force"])
            holder.rollback()
            assert result.exit_code == 1
            assert "psql failed; the database is as it was before the restore" in result.output
            assert "lock timeout" in result.output
            assert _clusters() == ["Redan här"]
            assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == _head()

            again = app.test_cli_runner().invoke(args=["samlast", "restore", str(archive), "--force"])
            assert again.exit_code == 0, again.output
            assert _clusters() == ["Från arkivet"]
    finally:
        drop_source()
        drop_target()
