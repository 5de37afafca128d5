"""The :class:`Database`: one open mesodesk file and its transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mesodesk.core.db.audit import write_audit_entries
from mesodesk.core.db.engine import WRITE_OPTION
from mesodesk.core.errors import DatabaseBusyError, StorageError


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one committed write touched, for views to decide whether to refresh."""

    tables: frozenset[str]
    actor: str
    reason: str


Listener = Callable[[ChangeSet], None]
_STORAGE_FAILURES = ("database or disk is full", "disk i/o error", "readonly database")


class Database:
    """An open record. Reads and writes each run in their own short transaction.

    ``actor`` names who is working (the current practitioner); every audit entry
    written through :meth:`write` carries it.
    """

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.actor = "system"
        self._listeners: list[Listener] = []
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session on one consistent snapshot; nothing it does is committed.

        Closing (not rolling back) ends the snapshot, so rows read stay readable.
        """
        with self._read() as session:
            yield session

    @contextmanager
    def write(self, reason: str = "") -> Iterator[Session]:
        """A session whose changes commit together, with their audit entries, or not at all."""
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
