"""Batched inserts for the demo, each row with its audit entry, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table

from mesodesk.core.db.audit import append_entries, sqlite_value
from mesodesk.core.models import (
    Base,
    CocktailLine,
    Consent,
    Course,
    Measurement,
    Patient,
    Screening,
    SideEffect,
    TreatedArea,
    TreatmentSession,
)

# Parents before children: foreign keys are enforced.
ORDER: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Patient,
        Screening,
        Consent,
        Course,
        TreatmentSession,
        CocktailLine,
        TreatedArea,
        Measurement,
        SideEffect,
    )
)
ACTOR = "mesodesk demo"
REASON = "demo practice"


INDEXED: tuple[Table, ...] = (*ORDER, Base.metadata.tables["audit_entry"])


class BulkWriter:
    """Collects rows per table and writes them, with their audit entries, in batches."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.pending: dict[str, list[dict[str, Any]]] = {table.name: [] for table in ORDER}
        self.counts: dict[str, int] = dict.fromkeys(self.pending, 0)
        self._next_id: dict[str, int] = dict.fromkeys(self.pending, 1)

    def add(self, table: str, row: dict[str, Any]) -> int:
        """Queue a row; give it the next id of its table and return it."""
        row_id = self._next_id[table]
        self._next_id[table] += 1
        row["id"] = row_id
        self.pending[table].append(row)
        return row_id

    def prepare_bulk(self) -> None:
        """A large page cache and no secondary indexes while the rows pour in."""
        self.connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB, this connection
        self.drop_indexes()

    def drop_indexes(self) -> None:
        """Drop the secondary indexes: building them once at the end is much faster
        than keeping them up to date row by row (restore with :meth:`create_indexes`)."""
        for table in INDEXED:
            for index in table.indexes:
                self.connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")

    def create_indexes(self) -> None:
        for table in INDEXED:
            for index in table.indexes:
                index.create(self.connection)

    def flush(self) -> None:
        for table in ORDER:
            rows = self.pending[table.name]
            if not rows:
                continue
            columns = list(rows[0])
            self.connection.exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [tuple(sqlite_value(row[c]) for c in columns) for row in rows],
            )
            append_entries(
                self.connection,
                (("insert", table.name, str(row["id"]), None, row) for row in rows),
                actor=ACTOR,
                reason=REASON,
            )
            self.counts[table.name] += len(rows)
            rows.clear()
