"""Dependency audit for `make lint`: known vulnerabilities in the Python environment (pip-audit)
and in the PWA's runtime packages (npm audit, high and critical).

Found vulnerabilities fail (exit 1). A vulnerability service that cannot be reached (a machine
that reaches only the package indexes, an outage) is said plainly and skipped, so lint still
runs offline; AUDIT_STRICT=1 makes that a failure too (CI with network access).

Usage: .venv/bin/python scripts/audit_deps.py [--only pip|npm]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OK, FOUND, UNREACHABLE = "ok", "found", "unreachable"
NETWORK_ERRORS = ("ConnectionError", "Max retries exceeded", "NameResolutionError", "Timeout", "timed out")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _pip_audit(service: str) -> tuple[str, str]:
    command = [
        sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off",
        "--skip-editable", "--vulnerability-service", service,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return UNREACHABLE, f"pip-audit ({service}) did not finish in 15 minutes"
    report = _json(done.stdout)
    if report is None:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if any(word in done.stderr for word in NETWORK_ERRORS):
            return UNREACHABLE, f"{service}: {last}"
        raise SystemExit(f"pip-audit failed (exit {done.returncode}): {last}")
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    if vulnerable:
        lines = [
            f"  {dep['name']} {dep['version']}: {vuln['id']}"
            + (f" (fixed in {', '.join(vuln['fix_versions'])})" if vuln.get("fix_versions") else "")
            for dep in vulnerable
            for vuln in dep["vulns"]
        ]
        return FOUND, "\n".join(lines)
    if not audited and skipped:
        # Every package "not found": the service answered nothing useful (e.g. a mirror without
        # PyPI's JSON API). pip-audit itself still says "No known vulnerabilities found".
        return UNREACHABLE, f"{service}: {skipped[0]['skip_reason']} (and {len(skipped) - 1} more like it)"
    note = f"; not audited: {', '.join(dep['name'] for dep in skipped)}" if skipped else ""
    return OK, f"{len(audited)} Python packages audited ({service}), none vulnerable{note}"


def _pypi_release_url() -> str:
    # pip-audit asks PyPI about each installed release (/pypi/<name>/<version>/json).
    return f"https://pypi.org/pypi/pip/{version('pip')}/json"


def _pypi_json_answers() -> bool:
    try:
        with urllib.request.urlopen(_pypi_release_url(), timeout=20) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def audit_python() -> tuple[str, str]:
    # OSV first: it fails at once when unreachable; PyPI's JSON API only when it answers at all
    # (otherwise pip-audit asks it once per package, which takes a minute, to skip them all).
    status, detail = _pip_audit("osv")
    if status != UNREACHABLE:
        return status, detail
    if not _pypi_json_answers():
        return UNREACHABLE, f"{detail}; PyPI's JSON API does not answer {_pypi_release_url()} either"
    return _pip_audit("pypi")


def audit_npm() -> tuple[str, str]:
    command = ["npm", "audit", "--omit=dev", "--audit-level=high", "--json"]
    try:
        done = subprocess.run(command, cwd=ROOT / "pwa", capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return UNREACHABLE, "npm audit did not finish in 5 minutes"
    report = _json(done.stdout)
    if report is None:
        raise SystemExit(f"npm audit failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    if "auditReportVersion" not in report:
        # No report: the registry's audit endpoint refused or could not be reached.
        return UNREACHABLE, f"npm: {report.get('message') or report.get('error', {}).get('summary') or 'no report'}"
    counts = report.get("metadata", {}).get("vulnerabilities", {})
    if done.returncode != 0:
        lines = [
            f"  {name}: {entry.get('severity')}"
            for name, entry in sorted(report.get("vulnerabilities", {}).items())
            if entry.get("severity") in ("high", "critical")
        ]
        return FOUND, "\n".join(lines) or json.dumps(counts)
    return OK, f"PWA runtime packages audited (npm): {counts.get('total', 0)} below high, none high or critical"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("pip", "npm"))
    args = parser.parse_args()
    strict = os.environ.get("AUDIT_STRICT", "").strip().lower() in {"1", "true", "yes", "on"}
    audits = {"pip": audit_python, "npm": audit_npm}
    failed = False
    for name, audit in audits.items():
        if args.only and name != args.only:
            continue
        status, detail = audit()
        if status == FOUND:
            print(f"audit {name}: VULNERABLE\n{detail}")
            failed = True
        elif status == UNREACHABLE:
            print(f"audit {name}: NOT RUN, the vulnerability service is unreachable ({detail})")
            failed = failed or strict
        else:
            print(f"audit {name}: {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
