"""A CSV import run off the request path: the addresses it needs are looked up first (one a
second, with progress; each found one cached at once, so a run cut short keeps what it learned),
then the file is imported all or nothing as ever. With Redis an RQ worker runs it (PLANNING_RUNNER
"rq"), else a thread of this process, or inline (tests)."""

from __future__ import annotations

import logging

from samlast.errors import NotFound
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import ImportRun, JobStatus, User
from samlast.models.base import utcnow
from samlast.services import geocoding, imports
from samlast.services.background import (
    Worker,
    dispatch,
    fail_run,
    heartbeat,
    progress_writer,
    start_run,
    sweep_if_due,
    update_run,
)

log = logging.getLogger(__name__)
QUEUE_NAME = "imports"
_importer = Worker("imports")


def start(kind: str, data: bytes, file_name: str, user: User | None) -> ImportRun:
    """Queue the import of one file; answers at once with the run (its progress is polled)."""
    imports.refuse_unreadable(kind, data)
    lookups = len(imports.addresses_to_look_up(kind, data)) if geocoding.available() else 0
    run = ImportRun(kind=kind, data=data, file_name=file_name[:200], lookups=lookups,
                    requested_by_id=user.id if user else None, message="progress.import.waiting")  # fmt: skip
    db.session.add(run)
    db.session.commit()
    dispatch(_importer, run_import, run.id, queue=QUEUE_NAME, task_path="samlast.tasks.run_import_task", timeout_s=3600)
    db.session.refresh(run)
    return run


def get(run_id: str) -> ImportRun:
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("import.no_run", {"id": run_id})
    if run.status == JobStatus.RUNNING:  # its process gone: failed now, not "running" forever
        sweep_if_due()
        db.session.refresh(run)
    return run


def drain(timeout_s: float = 120.0) -> None:
    _importer.drain(timeout_s)


def run_import(run_id: str) -> None:
    """Look up, then import; never raises, the row records the outcome."""
    run = db.session.get(ImportRun, run_id)
    if run is None or run.status != JobStatus.QUEUED:
        log.warning("Import %s is missing or already started", run_id)
        return
    start_run(ImportRun, run_id)
    kind, data = run.kind, run.data
    progress = progress_writer(ImportRun, run_id)
    try:
        with heartbeat(ImportRun, run_id):
            queries = imports.addresses_to_look_up(kind, data) if geocoding.available() else []
            for done, query in enumerate(queries):
                progress(0.95 * done / len(queries), Message("progress.import.lookups", done=done, n=len(queries)))
                try:
                    geocoding.geocode_many([query])
                except geocoding.GeocodingUnavailable:
                    db.session.rollback()
                    break  # the import names every row it could not place
                db.session.commit()
            progress_writer(ImportRun, run_id)(0.97, Message("progress.import.importing"))
            result = imports.import_csv(kind, data)
    except Exception as exc:  # the row must end in a recorded state whatever went wrong
        log.exception("Import %s failed", run_id)
        db.session.rollback()
        fail_run(ImportRun, run_id, exc, "progress.import.failed")
    else:
        summary = result.summary
        outcome = {"created": result.created, "updated": result.updated, "ok": result.ok,
                   "errors": [{"row": e.row, "column": e.column, "value": e.value, "code": e.message.key,
                               "params": e.message.json_params} for e in result.errors]}  # fmt: skip
        update_run(ImportRun, run_id, status=JobStatus.SUCCEEDED if result.ok else JobStatus.FAILED, progress=1.0,
                   result=outcome, data=b"", finished_at=utcnow(), message=summary.key,
                   message_params=summary.json_params)  # fmt: skip
    db.session.expire_all()
