"""Entry points for RQ workers (`flask samlast worker`), which run inside an app context."""

from __future__ import annotations

from flask import has_app_context


def _in_app(task, *args) -> None:
    if has_app_context():
        task(*args)
        return
    # A plain `rq worker` has no app: make one for this job (no app exists at import).
    from samlast import create_app

    with create_app().app_context():
        task(*args)


def run_planning_job_task(job_id: str) -> None:
    from samlast.services import jobs

    _in_app(jobs.run_planning_job, job_id)


def run_import_task(run_id: str) -> None:
    from samlast.extensions import db
    from samlast.services import import_runs

    try:
        _in_app(import_runs.run_import, run_id)
    finally:
        db.session.remove()


def run_region_task(run_id: str) -> None:
    from samlast.extensions import db
    from samlast.services import region

    try:
        _in_app(region.run_region, run_id)
    finally:
        db.session.remove()


def send_mail_task(mail_id: int) -> None:
    from samlast.extensions import db
    from samlast.services import mail

    try:
        _in_app(mail.send_one, mail_id)
    finally:
        db.session.remove()


def render_receipt_task(proof_id: int) -> None:
    from samlast.extensions import db
    from samlast.services import receipts

    try:
        _in_app(receipts.render_and_store, proof_id)
    finally:
        db.session.remove()  # the worker process runs many jobs in one app context


def run_followup_task(report_id: str) -> None:
    from samlast.extensions import db
    from samlast.services import followup

    try:
        _in_app(followup.run_report, report_id)
    finally:
        db.session.remove()


def monthly_followup_task() -> None:
    """The RQ cron job (samlast.cron_config): last month's follow-up, on the 1st of each month."""
    from samlast.clock import today
    from samlast.extensions import db
    from samlast.services import followup

    try:
        _in_app(followup.run_scheduled, today())
    finally:
        db.session.remove()
