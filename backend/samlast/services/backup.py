"""Backups: one archive file with the database, the instance's keys and a manifest; restore.

Everything the app keeps is in the database (proofs with their signatures, photos and PDF
receipts, plans and every version of them, impact reports) except two files in the
instance folder: the VAPID key the phones' push subscriptions were made with, and the
generated secret key. An archive (``samlast-backup-YYYYmmdd-HHMMSS.tar.gz``, UTC) holds:

- ``manifest.json``: format, app version, Alembic revision, database kind, creation time,
  rows per table, what it holds (proofs, photos, plan versions) and size and SHA-256 of
  every other member;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs)
  or ``database.pgdump`` (``pg_dump --format=custom`` in the snapshot the rows were counted in);
- ``instance/vapid_private.pem`` and ``instance/secret_key`` when they exist.

A restore reads and checks the whole archive before it changes anything, refuses a
database that already holds data unless forced, replaces the database in one transaction,
puts the files back and migrates an archive made by an older version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from samlast.extensions import db
from samlast.i18n import Message

FORMAT = 1
ARCHIVE_PREFIX = "samlast-backup-"
ARCHIVE_NAME = re.compile(r"^samlast-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
INSTANCE_FILES = ("vapid_private.pem", "secret_key")
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# What an operator wants to see counted: (name, SQL on the snapshot, table it needs).
CONTENTS = (
    ("proofs", "SELECT count(*) FROM proof_of_delivery", "proof_of_delivery"),
    ("signatures", "SELECT count(*) FROM proof_of_delivery WHERE signature_png IS NOT NULL", "proof_of_delivery"),
    ("receipts", "SELECT count(*) FROM proof_of_delivery WHERE receipt_pdf IS NOT NULL", "proof_of_delivery"),
    ("photos", "SELECT count(*) FROM proof_photo", "proof_photo"),
    ("plan_versions", "SELECT count(*) FROM plan", "plan"),
)
PG_PRELUDE = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
           ORDER BY c.relkind = 'S' LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                   current_schema(), r.relname);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = current_schema() AND t.typtype = 'e' LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I.%I CASCADE', current_schema(), r.typname);
  END LOOP;
END $$;
"""


class BackupError(Exception):
    """A backup or restore that cannot go on; `message` says why in the word tables."""

    def __init__(self, message: Message):
        super().__init__(message.key)
        self.message = message


@dataclass
class Snapshot:
    """What was read from the database in the same snapshot the copy was made in."""

    revision: str | None
    tables: dict[str, int]
    contents: dict[str, int]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    pruned: list[Path]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    database: str
    files: list[str]
    upgraded_to: str | None


# --- the database in use -------------------------------------------------------------------


def database_kind() -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(Message("backup.error.unsupported_database", database=_shown(url)))


def _shown(url: sa.URL) -> str:
    return url.database or "" if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)


def _sqlite_path() -> Path:
    return Path(db.engine.url.database or "")


def _code_revisions() -> tuple[Any, tuple[str, ...]]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return script, tuple(script.get_heads())


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("samlast")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _counted(tables: list[str], count: Callable[[str], int], revision_rows: Callable[[], list[str]]) -> Snapshot:
    rows = {name: count(f"SELECT count(*) FROM {_quote(name)}") for name in sorted(tables)}
    contents = {name: count(sql) if table in rows else 0 for name, sql, table in CONTENTS}
    revision = " ".join(sorted(revision_rows())) if "alembic_version" in rows else ""
    return Snapshot(revision or None, rows, contents)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- backup ----------------------------------------------------------------------------------


def default_folder() -> Path:
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def create_backup(folder: Path | None = None, keep: int | None = None) -> BackupResult:
    """Write one archive into `folder` (default BACKUP_DIR); with `keep`, delete all but the
    `keep` newest archives there afterwards."""
    kind = database_kind()
    folder = folder or default_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix=".samlast-backup-", dir=folder) as tmp:
        work = Path(tmp)
        dump = work / DATABASE_MEMBER[kind]
        snapshot = _sqlite_backup(dump) if kind == "sqlite" else _postgres_backup(dump)
        members: list[tuple[str, Path]] = [(DATABASE_MEMBER[kind], dump)]
        for name in INSTANCE_FILES:
            source = Path(current_app.instance_path) / name
            if source.is_file():
                copy = work / name
                shutil.copyfile(source, copy)
                members.append((f"instance/{name}", copy))
        manifest = {
            "format": FORMAT,
            "app": "samlast",
            "app_version": _app_version(),
            "alembic_revision": snapshot.revision,
            "database": kind,
            **snapshot.extra,
            "created_at": created.isoformat(),
            "tables": snapshot.tables,
            "contents": snapshot.contents,
            "file_count": len(members),
            "files": {name: {"size": path.stat().st_size, "sha256": _sha256(path)} for name, path in members},
        }
        path = _write_archive(folder, created, manifest, members)
    pruned = prune(folder, keep) if keep else []
    return BackupResult(path, manifest, pruned)


def _sqlite_backup(target: Path) -> Snapshot:
    source = _sqlite_path()
    if not source.is_file():
        raise BackupError(Message("backup.error.sqlite_missing", path=str(source)))
    # One step (pages=-1) under one read transaction: a consistent copy while the app writes.
    with _sqlite(source) as src, _sqlite(target) as dst:
        src.backup(dst)
    with _sqlite(target) as copy:
        # A self-contained file: no -wal beside it when the archive is unpacked.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_snapshot(copy)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_snapshot(connection: sqlite3.Connection) -> Snapshot:
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    return _counted(
        tables,
        lambda sql: int(connection.execute(sql).fetchone()[0]),
        lambda: [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")],
    )


def _postgres_backup(target: Path) -> Snapshot:
    url = db.engine.url
    with db.engine.connect() as plain:
        # The rows are counted in the snapshot pg_dump copies (--snapshot), so the manifest
        # describes exactly the dump even while drivers send proofs.
        connection = plain.execution_options(isolation_level="REPEATABLE READ")
        snapshot_id = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        server = _server_major(connection)
        tables = sa.inspect(connection).get_table_names()
        snapshot = _counted(
            tables,
            lambda sql: int(connection.exec_driver_sql(sql).scalar_one()),
            lambda: list(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()),
        )
        pg_dump, version = postgres_tool("pg_dump", server)
        dsn, env = _libpq(url)
        _run(
            "pg_dump",
            [pg_dump, "--format=custom", f"--file={target}", f"--snapshot={snapshot_id}", "--no-password",
             f"--dbname={dsn}"],
            env,
            "backup.error.dump_failed",
        )
        connection.rollback()
    snapshot.extra = {"postgresql": {"server": server, "pg_dump": version}}
    return snapshot


def _write_archive(folder: Path, created: datetime, manifest: dict[str, Any],
                   members: list[tuple[str, Path]]) -> Path:
    stem = ARCHIVE_PREFIX + created.strftime("%Y%m%d-%H%M%S")
    path, suffix = folder / f"{stem}.tar.gz", 0
    while path.exists():
        suffix += 1
        path = folder / f"{stem}-{suffix}.tar.gz"
    unfinished = folder / f".{path.name}.partial"
    # Only the owner may read it: it holds personal data, password hashes and the keys.
    fd = os.open(unfinished, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as tar:
                raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
                tar.addfile(_member(MANIFEST, len(raw), created), io.BytesIO(raw))
                for name, source in members:
                    with source.open("rb") as data:
                        tar.addfile(_member(name, source.stat().st_size, created), data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(unfinished, path)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        raise
    return path


def _member(name: str, size: int, created: datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(created.timestamp())
    return info


def _age(path: Path) -> tuple[str, int]:
    """Oldest first: the time in the name, then the number added to a second archive of the same second."""
    match = ARCHIVE_NAME.match(path.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives in `folder` (by the UTC time in the name)."""
    archives = sorted((p for p in folder.iterdir() if ARCHIVE_NAME.match(p.name) and p.is_file()), key=_age)
    old = archives[: max(len(archives) - keep, 0)]
    for path in old:
        path.unlink()
    return old


# --- PostgreSQL's own tools --------------------------------------------------------------------


def _server_major(connection: sa.Connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The connection as libpq reads it; the password goes in PGPASSWORD, never on a command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _tool_places(name: str, major: int) -> list[Path]:
    configured = current_app.config.get("POSTGRES_BIN_DIR")
    if configured:
        return [Path(configured) / name]
    places = [Path(f"/usr/lib/postgresql/{major}/bin") / name, Path(f"/usr/pgsql-{major}/bin") / name]
    found = shutil.which(name)
    if found:
        places.append(Path(found))
    installed = [*Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), *Path("/usr").glob(f"pgsql-*/bin/{name}")]
    places += sorted(installed, key=lambda p: _version_key(str(p)), reverse=True)
    return list(dict.fromkeys(places))


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text))


def tool_version(path: Path) -> str | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)", out)
    return match.group(1) if match else None


def postgres_tool(name: str, major: int) -> tuple[str, str]:
    """(path, version) of `name` from PostgreSQL `major` or newer: pg_dump refuses a newer server,
    pg_restore an archive of a newer pg_dump. POSTGRES_BIN_DIR, else where installers put them."""
    places = _tool_places(name, major)
    for place in places:
        version = tool_version(place) if place.is_file() and os.access(place, os.X_OK) else None
        if version and int(version.split(".")[0]) >= major:
            return str(place), version
    raise BackupError(Message(
        "backup.error.pg_tool_missing", tool=name, version=major, places=", ".join(str(p.parent) for p in places)
    ))


def _run(tool: str, command: list[str], env: dict[str, str], key: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(Message(key, tool=tool, detail=_last_lines(result.stderr)))


def _last_lines(stderr: str) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " ".join(lines[-3:]) or "?"


# --- reading an archive ------------------------------------------------------------------------


def _damaged(path: Path, reason: Message) -> BackupError:
    return BackupError(Message("backup.error.damaged", path=str(path), reason=reason))


def read_archive(path: Path, into: Path) -> dict[str, Any]:
    """Unpack `path` into the folder `into` and check it whole; returns its manifest.

    Raises BackupError for anything short of an intact Samlast archive."""
    allowed = {MANIFEST, *DATABASE_MEMBER.values(), *(f"instance/{n}" for n in INSTANCE_FILES)}
    found: dict[str, tuple[int, str]] = {}
    manifest: Any = None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                if member.name not in allowed or not member.isfile() or member.name in found:
                    raise _damaged(path, Message("backup.damaged.unexpected", name=member.name))
                source = tar.extractfile(member)
                if source is None:
                    raise _damaged(path, Message("backup.damaged.unexpected", name=member.name))
                if member.name == MANIFEST:
                    manifest = json.loads(source.read().decode())
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    for chunk in iter(partial(source.read, 1 << 20), b""):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[member.name] = (size, digest.hexdigest())
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, UnicodeDecodeError, ValueError, OSError) as exc:
        if isinstance(exc, OSError) and not _is_format_error(exc):
            raise
        raise _damaged(path, Message("backup.damaged.unreadable")) from None
    _check_manifest(path, manifest, found)
    return manifest


def _is_format_error(exc: OSError) -> bool:
    import gzip

    return isinstance(exc, gzip.BadGzipFile) or "gzip" in str(exc).lower()


def _check_manifest(path: Path, manifest: Any, found: dict[str, tuple[int, str]]) -> None:
    if not isinstance(manifest, dict) or manifest.get("app") != "samlast":
        raise _damaged(path, Message("backup.damaged.no_manifest"))
    if not isinstance(manifest.get("format"), int) or manifest["format"] > FORMAT:
        raise BackupError(Message("backup.error.newer_format", path=str(path), format=str(manifest.get("format"))))
    files = manifest.get("files")
    kind = manifest.get("database")
    if kind not in DATABASE_MEMBER or not isinstance(files, dict) or manifest.get("file_count") != len(files):
        raise _damaged(path, Message("backup.damaged.no_manifest"))
    if DATABASE_MEMBER[kind] not in files:
        raise _damaged(path, Message("backup.damaged.missing", name=DATABASE_MEMBER[kind]))
    for name, expected in files.items():
        if name not in found:
            raise _damaged(path, Message("backup.damaged.missing", name=name))
        if not isinstance(expected, dict) or found[name] != (expected.get("size"), expected.get("sha256")):
            raise _damaged(path, Message("backup.damaged.checksum", name=name))
    for name in found:
        if name not in files:
            raise _damaged(path, Message("backup.damaged.unexpected", name=name))


# --- restore -----------------------------------------------------------------------------------


def restore_backup(path: Path, force: bool = False) -> RestoreResult:
    """Restore the archive at `path` into this app's database and instance folder.

    Nothing changes unless the archive is intact, its migration is known to this code, its
    database kind is the one in use and the database is empty (or `force`)."""
    kind = database_kind()
    url = db.engine.url
    with tempfile.TemporaryDirectory(prefix=".samlast-restore-", dir=current_app.instance_path) as tmp:
        work = Path(tmp)
        manifest = read_archive(path, work)
        if manifest["database"] != kind:
            raise BackupError(Message(
                "backup.error.kind_mismatch", archive=KIND_NAMES[manifest["database"]], target=KIND_NAMES[kind],
                database=_shown(url),
            ))
        upgrade = _needs_upgrade(manifest.get("alembic_revision"))
        dump = work / DATABASE_MEMBER[kind]
        tools = None
        if kind == "sqlite":
            _check_sqlite_copy(path, dump)
        else:
            tools = _postgres_tools(path, manifest, dump)
        filled = _tables_with_rows()
        if filled and not force:
            raise BackupError(Message("backup.error.not_empty", database=_shown(url), tables=len(filled)))
        db.session.remove()
        db.engine.dispose()
        if tools is None:
            _sqlite_restore(dump)
        else:
            _postgres_restore(dump, *tools)
        db.engine.dispose()
        _check_counts(manifest)
        files = _put_files_back(work, manifest)
    upgraded_to = None
    if upgrade:
        from flask_migrate import upgrade as migrate_upgrade

        migrate_upgrade()
        db.engine.dispose()
        upgraded_to = " ".join(_code_revisions()[1])
    return RestoreResult(manifest, _shown(url), files, upgraded_to)


def _needs_upgrade(revision: Any) -> bool:
    """True when the archive's migration is older than the code's; refuses one the code does not know."""
    if not revision:
        return False
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    script, heads = _code_revisions()
    revisions = str(revision).split()
    for name in revisions:
        try:
            known = script.get_revision(name)
        except (RevisionError, CommandError):
            known = None
        if known is None:
            raise BackupError(Message("backup.error.newer_revision", revision=name))
    return set(revisions) != set(heads)


def _check_sqlite_copy(path: Path, dump: Path) -> None:
    try:
        with _sqlite(dump) as copy:
            result = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        result = None
    if not result or result[0] != "ok":
        raise _damaged(path, Message("backup.damaged.database"))


def _postgres_tools(path: Path, manifest: dict[str, Any], dump: Path) -> tuple[str, str]:
    with db.engine.connect() as connection:
        server = _server_major(connection)
    written_by = str(manifest.get("postgresql", {}).get("pg_dump", "0"))
    pg_restore, _ = postgres_tool("pg_restore", max(server, int(written_by.split(".")[0])))
    psql = str(Path(pg_restore).with_name("psql"))
    if not Path(psql).is_file():
        psql, _ = postgres_tool("psql", server)
    # pg_restore reads the archive's table of contents: a dump it cannot read changes nothing.
    listed = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise _damaged(path, Message("backup.damaged.database"))
    return pg_restore, psql


def _tables_with_rows() -> list[str]:
    with db.engine.connect() as connection:
        names = [n for n in sa.inspect(connection).get_table_names() if n != "alembic_version"]
        return [n for n in names if connection.exec_driver_sql(f"SELECT 1 FROM {_quote(n)} LIMIT 1").first()]


def _sqlite_restore(dump: Path) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API writes the whole copy in one transaction of the target: all or nothing.
    with _sqlite(dump) as src, _sqlite(target) as dst:
        src.backup(dst)


def _postgres_restore(dump: Path, pg_restore: str, psql: str) -> None:
    """pg_restore's script run by psql in ONE transaction after dropping what is there: a
    failure leaves the database as it was; tables of a newer schema do not linger."""
    dsn, env = _libpq(db.engine.url)
    prelude = dump.with_name("prelude.sql")
    prelude.write_text(PG_PRELUDE)
    errors = dump.with_name("pg_restore.err")
    with errors.open("w") as err, subprocess.Popen(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=subprocess.PIPE, stderr=err, env=env,
    ) as producer:
        loaded = subprocess.run(
            [psql, "--no-psqlrc", "--quiet", "--no-password", "--single-transaction", "--set=ON_ERROR_STOP=1",
             f"--dbname={dsn}", f"--file={prelude}", "--file=-"],
            stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )
        if producer.stdout is not None:
            producer.stdout.close()
        producer.wait()
    if loaded.returncode != 0:
        raise BackupError(Message("backup.error.restore_failed", tool="psql", detail=_last_lines(loaded.stderr)))
    if producer.returncode != 0:
        raise BackupError(Message("backup.error.restore_failed", tool="pg_restore",
                                  detail=_last_lines(errors.read_text())))


def _check_counts(manifest: dict[str, Any]) -> None:
    expected = manifest.get("tables") or {}
    with db.engine.connect() as connection:
        for table, rows in sorted(expected.items()):
            found = int(connection.exec_driver_sql(f"SELECT count(*) FROM {_quote(table)}").scalar_one())
            if found != rows:
                raise BackupError(Message("backup.error.counts_differ", table=table, found=found, expected=rows))


def _put_files_back(work: Path, manifest: dict[str, Any]) -> list[str]:
    instance = Path(current_app.instance_path)
    restored = []
    for member in sorted(manifest["files"]):
        if not member.startswith("instance/"):
            continue
        name = member.split("/", 1)[1]
        unfinished = instance / f".{name}.restoring"
        fd = os.open(unfinished, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write((work / member).read_bytes())
        os.replace(unfinished, instance / name)
        restored.append(name)
    return restored


# --- what the operator reads -------------------------------------------------------------------


def _contents(manifest: dict[str, Any]) -> Message:
    counts = manifest.get("contents") or {}
    return Message("backup.contents", **{name: int(counts.get(name, 0)) for name, _, _ in CONTENTS})


def backup_report(result: BackupResult) -> list[Message]:
    manifest = result.manifest
    revision = manifest["alembic_revision"] or Message("backup.revision.none")
    lines = [
        Message("backup.written", path=str(result.path), size=round(result.path.stat().st_size / 1e6, 1),
                database=KIND_NAMES[manifest["database"]], revision=revision),
        _contents(manifest),
    ]
    keys = [name.split("/", 1)[1] for name in sorted(manifest["files"]) if name.startswith("instance/")]
    if keys:
        lines.append(Message("backup.keys_included", names=", ".join(keys)))
    if result.pruned:
        lines.append(Message("backup.pruned", count=len(result.pruned), folder=str(result.path.parent),
                             keep=sum(1 for p in result.path.parent.iterdir() if ARCHIVE_NAME.match(p.name))))
    return lines


def restore_report(path: Path, result: RestoreResult) -> list[Message]:
    manifest = result.manifest
    lines = [
        Message("backup.restored", path=str(path), created_at=manifest.get("created_at", "?"),
                version=manifest.get("app_version", "?"), database=result.database),
        _contents(manifest),
    ]
    if result.files:
        lines.append(Message("backup.files_restored", folder=current_app.instance_path, names=", ".join(result.files)))
    if result.upgraded_to:
        lines.append(Message("backup.upgraded", from_revision=manifest["alembic_revision"],
                             to_revision=result.upgraded_to))
    elif not manifest.get("alembic_revision"):
        lines.append(Message("backup.no_revision"))
    return lines
