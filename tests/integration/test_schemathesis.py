"""Schemathesis against /api/openapi.json of a real gunicorn server, as a coordinator.

Bounded (SCHEMATHESIS_MAX_EXAMPLES, default 10 per operation and phase; SCHEMATHESIS_MAX_TIME,
default 45 s)
so it fits in CI. Checks: no 5xx, and every response matches the documented schema.
Operations that would end the session (logout, revoking tokens, changing or deleting
user accounts, among them the coordinator's own) are left out.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.integration.harness import BIN, ROOT, Server, base_env, database_url, run_seed

EXCLUDED = r"^/api/v1/(auth/logout|auth/users/.*|users/\{object_id\})$"


def test_schemathesis_finds_no_server_errors_or_schema_mismatches(tmp_path):
    db_url, drop_database = database_url(
        tmp_path
    )  # a fresh PostgreSQL database with TEST_DATABASE_URL
    env = base_env(
        tmp_path,
        db_url,
        None,
        RATELIMIT_ENABLED="0",
        PLANNING_RUNNER="thread",
        PLANNING_TIME_LIMIT_S="0.5",
    )
    server = Server("schemathesis", env, tmp_path, threads=16).start(wait=False)
    try:
        seed = run_seed(env, "--drivers", "1", "--points", "3", "--plan")
        server.wait_ready()
        report = tmp_path / "junit.xml"
        command = [
            str(BIN / "schemathesis"),
            "run",
            f"{server.url}/api/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"),
            "--max-time",
            os.environ.get("SCHEMATHESIS_MAX_TIME", "45"),
            "--seed",
            os.environ.get("SCHEMATHESIS_SEED", "2026"),
            "--header",
            f"Authorization: Bearer {seed['coordinator']['token']}",
            "--exclude-path-regex",
            EXCLUDED,
            # One worker: with two, schemathesis itself once failed with an internal
            # "SystemError: AST constructor recursion depth mismatch" (CPython 3.11.7).
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--generation-database",
            "none",
            "--suppress-health-check",
            "all",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ]
        out = subprocess.run(
            command,
            cwd=ROOT,
            env={**env, "PYTHONWARNINGS": "ignore"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        server_log = server.log_path.read_text()[-4000:]
        assert out.returncode == 0, (
            f"{out.stdout[-12000:]}\n{out.stderr[-3000:]}\n--- server log ---\n{server_log}"
        )
        assert "Unhandled error" not in server_log, server_log
    finally:
        server.stop()
        drop_database()
    print(out.stdout[-2500:], file=sys.stderr)
