"""The bridge from the core's change sets to Qt: one signal every view can listen to.

Views connect to :attr:`DatabaseEvents.changed` and decide from the tables named in the
:class:`~mesodesk.core.db.database.ChangeSet` whether to refresh. Qt disconnects a
destroyed widget by itself, which a plain Python callback list would not.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet

_BRIDGES: dict[int, DatabaseEvents] = {}


class DatabaseEvents(QObject):
    changed = Signal(object)  # ChangeSet

    def __init__(self, database: Database) -> None:
        super().__init__()
        self._database = database
        database.subscribe(self._on_change)

    def _on_change(self, change: ChangeSet) -> None:
        self.changed.emit(change)

    def detach(self) -> None:
        self._database.unsubscribe(self._on_change)


def events_for(database: Database) -> DatabaseEvents:
    """The one events object of ``database`` (made on first use)."""
    bridge = _BRIDGES.get(id(database))
    if bridge is None or bridge._database is not database:
        bridge = DatabaseEvents(database)
        _BRIDGES[id(database)] = bridge
    return bridge


def forget(database: Database) -> None:
    """Drop the bridge of a database being closed."""
    bridge = _BRIDGES.pop(id(database), None)
    if bridge is not None:
        bridge.detach()
