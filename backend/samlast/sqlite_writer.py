"""SQLite under many threads: one writer at a time per process, queued on a lock.

SQLite allows one write transaction per database at a time. A second writer waits in
SQLite's busy handler, which sleeps and polls (1, 2, 5, ... 100 ms) while it holds a pooled
connection; with hundreds of drivers sending positions and proofs, those sleeps queue every
other request behind them (bench/load.py: proof p95 of seconds). Here a thread takes a
process-wide lock just before its transaction's first write and gives it back right after
COMMIT or ROLLBACK, so a waiting writer wakes the moment the database is free. Other
processes (an RQ worker, a second server) still meet SQLite's own busy handler.

Used through ``connect_args={"factory": QueuedWriterConnection}`` (see ``create_app``).
"""

from __future__ import annotations

import sqlite3
import threading

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Reentrant: a thread that already writes on one connection may open a second one (SQLite
# decides then, as before). Waiting longer than SQLite's busy_timeout gains nothing.
_write_lock = threading.RLock()
LOCK_TIMEOUT_S = 5.0


def is_write(sql: str) -> bool:
    return sql.lstrip()[:8].upper().startswith(_WRITES)


class _QueuedWriterCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        self.connection.before_statement(sql)
        return super().executemany(sql, seq_of_parameters)


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions queue on a process-wide lock."""

    holds_write_lock = False

    def cursor(self, factory=_QueuedWriterCursor):
        return super().cursor(factory)

    def before_statement(self, sql: str) -> None:
        if not self.holds_write_lock and is_write(sql):
            # On timeout go on anyway: SQLite's busy handler has the last word.
            self.holds_write_lock = _write_lock.acquire(timeout=LOCK_TIMEOUT_S)

    def _release(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            _write_lock.release()

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            super().close()
        finally:
            self._release()
