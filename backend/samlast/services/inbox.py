"""A watched folder for Peppol documents: the usual hand-off from an SFTP server or an access point.

Files are dropped into the folder (``INBOX_DIR``, or ``flask samlast inbox --folder``); each
``.xml`` or ``.zip`` is read as if uploaded: an Order, OrderChange or OrderCancellation (or a
zip of them) through :mod:`samlast.services.peppol_orders`, a DespatchAdvice through
:mod:`samlast.services.despatch`. Then the file is moved out of the way, so nothing is read
twice and nothing is lost:

- ``imported/``: every document of the file was read;
- ``refused/``: at least one was not; beside the file a report ``<file>.fel.txt`` (Swedish, the
  coordinators' language) names each error by document, XML line and element. A zip's documents
  that were read stay read; dropping the corrected file again updates them, as an upload would.

A file still being written is left alone: names starting with "." or ending in .part, .tmp or
.filepart (what SFTP clients write to), and files changed in the last ``settle_s`` seconds. Each
file is first claimed by renaming it into ``processing/``, so two processes watching the same
folder never read the same file.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from samlast.errors import DomainError
from samlast.extensions import db
from samlast.i18n import Message, text
from samlast.services import despatch, peppol_orders

log = logging.getLogger(__name__)

SUFFIXES = (".xml", ".zip")
IN_PROGRESS = (".part", ".tmp", ".filepart")
IMPORTED, REFUSED, PROCESSING = "imported", "refused", "processing"
REPORT_LOCALE = "sv"
_DESPATCH = re.compile(rb"<(?:[\w.-]+:)?DespatchAdvice[\s>]")


@dataclass(frozen=True)
class Outcome:
    file: str
    ok: bool
    moved_to: Path
    documents: int
    refused: int


def _waiting(path: Path, now: float, settle_s: float) -> bool:
    name = path.name.lower()
    return (
        not path.is_file()
        or name.startswith(".")
        or name.endswith(IN_PROGRESS)
        or not name.endswith(SUFFIXES)
        or now - path.stat().st_mtime < settle_s
    )


def _free(folder: Path, name: str) -> Path:
    """`name` in `folder`, or with a time stamp before it when a file of that name is there already."""
    folder.mkdir(exist_ok=True)
    target = folder / name
    if target.exists():
        target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{name}"
    return target


def _rendered(message: Any) -> str:
    return message.render(REPORT_LOCALE) if isinstance(message, Message) else str(message)


def _read(data: bytes, name: str) -> list[dict[str, Any]]:
    """Per document of the file its outcome, as the upload endpoints give it."""
    try:
        if not data.startswith(b"PK") and _DESPATCH.search(data[:4096]):
            return [{"file": name, "ok": True, "result": despatch.import_advice(data), "errors": []}]
        return peppol_orders.import_upload(data, name)
    except DomainError as refused:
        db.session.rollback()
        rows = refused.fields.get("rows") or [
            {"row": 1, "column": field, "value": "", "message": message}
            for field, messages in refused.fields.items() for message in messages
        ]  # fmt: skip
        return [{"file": name, "ok": False, "result": None, "errors": rows,
                 "summary": refused.render(REPORT_LOCALE)}]  # fmt: skip


def _report(name: str, outcomes: list[dict[str, Any]]) -> str:
    read = sum(1 for outcome in outcomes if outcome["ok"])
    lines = [
        text("inbox.report.title", {"file": name, "read": read, "refused": len(outcomes) - read}, REPORT_LOCALE),
        "",
    ]
    for outcome in outcomes:
        if outcome["ok"]:
            continue
        lines.append(text("inbox.report.document", {"file": outcome["file"]}, REPORT_LOCALE))
        if outcome.get("summary"):
            lines.append(f"  {outcome['summary']}")
        for error in outcome["errors"]:
            where = text("inbox.report.where", {"row": error.get("row", ""), "column": error.get("column") or "–"},
                         REPORT_LOCALE)  # fmt: skip
            value = f" ({error['value']})" if error.get("value") else ""
            lines.append(f"  {where}: {_rendered(error['message'])}{value}")
        lines.append("")
    return "\n".join(lines)


def process(path: Path, folder: Path) -> Outcome | None:
    """Claim one file, read it, and move it to imported/ or refused/ (with its report);
    None when another process claimed it first."""
    claimed = _free(folder / PROCESSING, path.name)
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return None
    try:
        outcomes = _read(claimed.read_bytes(), path.name)
    except Exception:
        # A fault of ours, not of the file: it goes back to be read again, and the fault is logged.
        db.session.rollback()
        os.rename(claimed, _free(folder, path.name))
        raise
    refused = sum(1 for outcome in outcomes if not outcome["ok"])
    target = _free(folder / (REFUSED if refused else IMPORTED), path.name)
    if refused:
        target.with_name(target.name + ".fel.txt").write_text(_report(path.name, outcomes), encoding="utf-8")
    os.rename(claimed, target)
    log.info("inbox: %s -> %s (%d documents, %d refused)", path.name, target.parent.name, len(outcomes), refused)
    return Outcome(path.name, not refused, target, len(outcomes), refused)


def scan(folder: Path, settle_s: float = 5.0) -> list[Outcome]:
    """Read every file in the folder that is complete, oldest first."""
    if not folder.is_dir():
        raise FileNotFoundError(folder)
    now = time.time()
    ready = sorted((p for p in folder.iterdir() if not _waiting(p, now, settle_s)), key=lambda p: p.stat().st_mtime)
    outcomes = []
    for path in ready:
        outcome = process(path, folder)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def recover(folder: Path) -> int:
    """Files left in processing/ by a process that stopped mid-file go back to be read again
    (reading is idempotent: a document read twice updates what it created)."""
    processing = folder / PROCESSING
    if not processing.is_dir():
        return 0
    returned = 0
    for path in processing.iterdir():
        if path.is_file():
            os.rename(path, _free(folder, path.name))
            returned += 1
    return returned
