"""The :class:`Database`: one open mesodesk file and its transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mesodesk.core.db.audit import write_audit_entries
from mesodesk.core.db.engine import WRITE_OPTION, make_engine
from mesodesk.core.db.integrity import IntegrityGate
from mesodesk.core.errors import DatabaseBusyError, StorageError


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one committed write touched, for views to decide whether to refresh."""

    tables: frozenset[str]
    actor: str
    reason: str


Listener = Callable[[ChangeSet], None]
_STORAGE_FAILURES = ("database or disk is full", "disk i/o error", "readonly database")
_DAMAGE_MARKS = ("malformed", "not a database", "corrupt")


class Database:
    """An open record. Reads and writes each run in their own short transaction.

    ``actor`` names who is working (the current practitioner); every audit entry
    written through :meth:`write` carries it. ``key`` is the password an encrypted
    record was opened with (None for a plain file): backups and checks need it too.
    """

    def __init__(self, path: Path, engine: Engine, key: str | None = None) -> None:
        self.path = path
        self.actor = "system"
        self._listeners: list[Listener] = []
        self._suspended: str | None = None
        # The quick_check still owed before the first write (opened with check_later).
        self.integrity: IntegrityGate | None = None
        self._bind(engine, key)

    def _bind(self, engine: Engine, key: str | None) -> None:
        self.engine = engine
        self.key = key
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def suspend(self, why: str) -> None:
        """Close every connection and refuse reads and writes until :meth:`resume`.

        For the moments the file itself is replaced (encrypted, rekeyed): a connection
        opened meanwhile would write ``-wal`` and ``-shm`` files beside the wrong file.
        ``why`` is the message a refused read or write raises.
        """
        self._suspended = why
        self.engine.dispose()

    def resume(self, key: str | None) -> None:
        """Connect again to the file as it is now: encrypted with ``key``, or plain (None)."""
        self.engine.dispose()
        self._bind(make_engine(self.path, key), key)
        self._suspended = None

    def _check_available(self) -> None:
        if self._suspended is not None:
            raise DatabaseBusyError(self._suspended)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session on one consistent snapshot; nothing it does is committed.

        Closing (not rolling back) ends the snapshot, so rows read stay readable.
        """
        self._check_available()
        with self._read() as session:
            try:
                yield session
            except DBAPIError as exc:
                self._raise_if_damaged(exc)
                raise

    def _raise_if_damaged(self, exc: DBAPIError) -> None:
        """A read that found a damaged page, before the owed quick_check has run: run it
        (or wait for it) so the failure is told as a damaged record, not as a bug."""
        text = str(exc.orig).lower()
        if self.integrity is not None and any(mark in text for mark in _DAMAGE_MARKS):
            self.integrity.wait()  # raises DamagedDatabaseError when the check fails

    @contextmanager
    def write(self, reason: str = "") -> Iterator[Session]:
        """A session whose changes commit together, with their audit entries, or not at all.

        Nothing is written to a file whose quick_check is still owed or failed.
        """
        self._check_available()
        if self.integrity is not None:
            self.integrity.wait()
        session = self._write()
        session.info["actor"] = self.actor
        session.info["reason"] = reason
        event.listen(session, "after_flush", write_audit_entries)
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            known = _known(exc)
            if known is None:
                raise
            raise known from exc
        finally:
            session.close()
        tables = frozenset(session.info.get("changed_tables", ()))
        if tables:
            change = ChangeSet(tables=tables, actor=self.actor, reason=reason)
            for listener in list(self._listeners):
                listener(change)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` after every committed write that changed something."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def close(self) -> None:
        if self.integrity is not None:
            self.integrity.cancel()
        self.engine.dispose()


def _known(exc: OperationalError) -> Exception | None:
    text = str(exc.orig).lower()
    if any(marker in text for marker in _STORAGE_FAILURES):
        return StorageError(
            "The change could not be saved: the disk is full or failed. Nothing of it was kept."
        )
    if "database is locked" in text:
        return DatabaseBusyError("The record is busy in another program; try again.")
    return None
