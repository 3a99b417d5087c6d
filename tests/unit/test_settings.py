"""Every setting in one place: the environment is read in config.py only, and the README lists it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "backend" / "samlast"
READS = re.compile(
    r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z0-9_]+)"""
    r"""|_bool\(\s*["']([A-Z0-9_]+)|os\.getenv\(\s*["']([A-Z0-9_]+)"""
)


def _names(source: str) -> set[str]:
    return {next(g for g in match if g) for match in READS.findall(source)}


def test_the_environment_is_read_in_config_only():
    elsewhere = {
        str(path.relative_to(PACKAGE)): names
        for path in PACKAGE.rglob("*.py")
        if path.name != "config.py" and (names := _names(path.read_text()))
    }
    assert elsewhere == {}


def test_every_setting_is_in_the_readme():
    names = _names((PACKAGE / "config.py").read_text()) | _names((ROOT / "gunicorn.conf.py").read_text())
    assert len(names) > 25  # the scan found the settings
    readme = (ROOT / "README.md").read_text()
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
