"""Entry points for RQ workers (`flask samlast worker`), which run inside an app context."""

from __future__ import annotations

from flask import has_app_context


def run_planning_job_task(job_id: str) -> None:
    from samlast.services import jobs

    if has_app_context():
        jobs.run_planning_job(job_id)
        return
    # A plain `rq worker` has no app: make one for this job (no app exists at import).
    from samlast import create_app

    with create_app().app_context():
        jobs.run_planning_job(job_id)
