"""The audit chain checked over plain rows (an archive import) agrees with the ORM check."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.db.audit import ChainRow, verify_chain, verify_chain_rows
from mesodesk.core.exchange.archive import isoformat_sql
from mesodesk.core.models import AuditEntry
from mesodesk.core.services import patients

ROWS_SQL = (
    f"SELECT id, {isoformat_sql('at_utc')}, actor, action, table_name, row_key, "
    "before_json, after_json, reason, prev_hash, entry_hash FROM audit_entry ORDER BY id"
)


def _rows(db: Database) -> list[ChainRow]:
    with db.read() as session:
        return [tuple(row) for row in session.connection().exec_driver_sql(ROWS_SQL)]  # type: ignore[misc]


def test_plain_rows_verify_as_the_entries_do(db: Database) -> None:
    patients.create_patient(
        db, patients.PatientData("F-1", 'Du "Pont"\n', "Hélène", dt.date(1980, 1, 1))
    )
    with db.read() as session:
        by_orm = verify_chain(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    by_rows = verify_chain_rows(_rows(db))
    assert by_rows == by_orm
    assert by_rows.intact and by_rows.entries > 1


def test_an_altered_row_breaks_the_chain_where_it_was_altered(db: Database) -> None:
    patients.create_patient(db, patients.PatientData("F-1", "Durand", "Anne", dt.date(1980, 1, 1)))
    rows = _rows(db)
    altered = list(rows[-1])
    altered[7] = (altered[7] or "").replace("Durand", "Dupont")
    report = verify_chain_rows([*rows[:-1], tuple(altered)])  # type: ignore[list-item]
    assert report.first_broken_id == rows[-1][0]
