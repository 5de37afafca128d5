"""The damaged-file check that need not hold up the window: quick_check before the first write.

``PRAGMA quick_check`` reads every page of the file: a few seconds for a 2 GB record.
When a record needs no migration, opening it for the window does the cheap checks at
once (a SQLite header, a readable schema, a known revision) and leaves the page-by-page
check to an :class:`IntegrityGate`: the window starts it in a background thread once it
has painted, and every write waits for it. So a damaged file is still never written to
(its first write raises :class:`DamagedDatabaseError`), while reading, which cannot harm
it, goes ahead. A record about to be migrated or set up is checked whole before, as
always (:func:`mesodesk.core.db.opening.open_database`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from mesodesk.core.db.cipher import DATABASE_ERRORS, connect
from mesodesk.core.errors import DamagedDatabaseError

CLOSED = "{path} was closed before its check finished."


def quick_check_problem(conn: sqlite3.Connection, path: Path) -> str | None:
    """What ``quick_check`` found wrong with ``path``, in words; None when it is whole."""
    verdict = conn.execute("PRAGMA quick_check").fetchall()
    if verdict != [("ok",)]:
        return f"{path} is damaged ({verdict[0][0]}); it was left untouched."
    return None


class IntegrityGate:
    """The quick_check of an open record, run once: in the background or by the first write."""

    def __init__(self, path: Path, key: str | None) -> None:
        self.path = path
        self._key = key
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False
        self.problem: str | None = None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def start(self) -> None:
        """Run the check in a background thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None or self.done:
                return
            self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Return once the check has passed; raise :class:`DamagedDatabaseError` if it failed.

        Not started yet: the check runs now, in the caller's thread.
        """
        with self._lock:
            started = self._thread is not None
        if not started and not self.done:
            self._run()
        self._done.wait()
        if self.problem is not None:
            raise DamagedDatabaseError(self.problem)

    def cancel(self) -> None:
        """Stop a running check (the record is being closed) and wait for its thread."""
        with self._lock:
            self._cancelled = True
            if self._conn is not None:
                self._conn.interrupt()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        with self._lock:
            if self.done:
                return
            if self._cancelled:
                self._finish(CLOSED.format(path=self.path))
                return
            # Not readonly_uri: "immutable" would be wrong while the window writes.
            uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
            try:
                conn = self._conn = connect(uri, self._key, uri=True)
            except DATABASE_ERRORS as exc:
                self._finish(f"{self.path} is damaged ({exc}); it was left untouched.")
                return
        try:
            problem = quick_check_problem(conn, self.path)
        except DATABASE_ERRORS as exc:
            problem = f"{self.path} is damaged ({exc}); it was left untouched."
        if self._cancelled:
            problem = CLOSED.format(path=self.path)
        with self._lock:
            with contextlib.suppress(*DATABASE_ERRORS):
                conn.close()
            self._conn = None
            self._finish(problem)

    def _finish(self, problem: str | None) -> None:
        self.problem = problem
        self._done.set()
