"""scripts/audit_deps.py (make lint) tells found vulnerabilities (fail) from an unreachable service (skip)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    answers: list[tuple[int, str, str]] = []

    def run(command, **_kwargs):
        returncode, stdout, stderr = answers.pop(0)
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(module, "_pypi_json_answers", lambda: True)
    module.answers = answers
    return module


def pip_report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_vulnerable_python_package_fails(audit):
    vuln = {"id": "PYSEC-1", "fix_versions": ["2.0"], "aliases": [], "description": ""}
    report = pip_report({"name": "old", "version": "1.0", "vulns": [vuln]}, {"name": "ok", "version": "1", "vulns": []})
    audit.answers.append((1, report, ""))
    status, detail = audit.audit_python()
    assert status == audit.FOUND and "old 1.0: PYSEC-1 (fixed in 2.0)" in detail


def test_every_package_skipped_means_the_service_did_not_answer(audit):
    unreachable_osv = (1, "", "requests.exceptions.ConnectionError: Max retries exceeded")
    skipped = {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1)"}
    audit.answers.extend([unreachable_osv, (0, pip_report(skipped, skipped), "")])
    status, detail = audit.audit_python()
    assert status == audit.UNREACHABLE and "not found on PyPI" in detail


def test_a_clean_python_environment_passes(audit):
    audit.answers.append((0, pip_report({"name": "flask", "version": "3.1", "vulns": []}), ""))
    assert audit.audit_python() == (audit.OK, "1 Python packages audited (osv), none vulnerable")


def test_another_pip_audit_failure_is_an_error(audit):
    audit.answers.append((1, "", "ValueError: bad requirement"))
    with pytest.raises(SystemExit, match="pip-audit failed"):
        audit.audit_python()


def test_npm_high_vulnerability_fails_and_a_refused_endpoint_is_unreachable(audit):
    found = {
        "auditReportVersion": 2,
        "vulnerabilities": {"leaflet": {"severity": "high"}, "tiny": {"severity": "low"}},
        "metadata": {"vulnerabilities": {"high": 1, "low": 1, "total": 2}},
    }
    refused = {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
               "statusCode": 405, "error": {"summary": "", "detail": ""}}
    clean = {"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {"vulnerabilities": {"total": 0}}}
    audit.answers.extend([(1, json.dumps(found), ""), (1, json.dumps(refused), ""), (0, json.dumps(clean), "")])
    assert audit.audit_npm() == (audit.FOUND, "  leaflet: high")
    status, detail = audit.audit_npm()
    assert status == audit.UNREACHABLE and "405" in detail
    assert audit.audit_npm()[0] == audit.OK


def test_unreachable_fails_only_when_strict(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "audit_python", lambda: (audit.UNREACHABLE, "offline"))
    monkeypatch.setattr(audit, "audit_npm", lambda: (audit.OK, "fine"))
    monkeypatch.setattr("sys.argv", ["audit_deps.py"])
    assert audit.main() == 0
    assert "audit pip: NOT RUN, the vulnerability service is unreachable (offline)" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert audit.main() == 1
