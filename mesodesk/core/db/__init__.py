"""Persistence: connections, transactions, the audit trail, opening and migrating files."""

from mesodesk.core.db.database import Database
from mesodesk.core.db.opening import open_database

__all__ = ["Database", "open_database"]
