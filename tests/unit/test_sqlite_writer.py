"""SQLite writers in one process queue on a lock instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import sqlite3
import threading
import time

from samlast.sqlite_writer import QueuedWriterConnection, is_write


def connect(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, factory=QueuedWriterConnection, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=0")  # without the queue a second writer fails at once
    return conn


def test_statements_that_write():
    assert is_write("INSERT INTO t VALUES (1)") and is_write("  update t set a=1")
    assert is_write("DELETE FROM t") and is_write("REPLACE INTO t VALUES (1)")
    assert not is_write("SELECT * FROM t") and not is_write("PRAGMA foreign_keys=ON")


def test_second_writer_waits_for_the_first_commit(tmp_path):
    path = tmp_path / "w.db"
    setup = connect(path)
    setup.execute("CREATE TABLE t (a INTEGER)")
    setup.commit()
    first, second = connect(path), connect(path)
    first.cursor().execute("INSERT INTO t VALUES (1)")  # holds the write lock until commit
    assert first.holds_write_lock
    done: list[float] = []

    def write_second() -> None:
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()
        done.append(time.monotonic())

    thread = threading.Thread(target=write_second)
    thread.start()
    time.sleep(0.2)
    assert not done  # queued behind the first writer, not failed with "database is locked"
    committed_at = time.monotonic()
    first.commit()
    thread.join(5)
    assert done and done[0] >= committed_at
    assert not first.holds_write_lock and not second.holds_write_lock
    assert sorted(row[0] for row in setup.execute("SELECT a FROM t")) == [1, 2]


def test_rollback_and_reads_release_or_never_take_the_lock(tmp_path):
    conn = connect(tmp_path / "r.db")
    conn.execute("CREATE TABLE t (a INTEGER)")
    conn.commit()
    conn.cursor().execute("SELECT * FROM t")
    assert not conn.holds_write_lock
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    conn.rollback()
    assert not conn.holds_write_lock
    # Another thread writes: a lock leaked by this thread would keep it waiting (the lock is
    # reentrant, so this thread itself could not tell).
    other = connect(tmp_path / "r.db")
    finished: list[bool] = []

    def write() -> None:
        other.cursor().execute("INSERT INTO t VALUES (2)")
        other.commit()
        finished.append(True)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(2)
    assert finished, "the write lock was not given back"
