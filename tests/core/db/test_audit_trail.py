"""The audit trail: written with every change, append-only, and tamper-evident."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mesodesk.core.db import Database, open_database
from mesodesk.core.db.health import check_database
from mesodesk.core.enums import Sex
from mesodesk.core.models import AuditEntry
from mesodesk.core.services import audit, patients


def _patient(db: Database) -> int:
    return patients.create_patient(
        db, patients.PatientData("2026-0142", "Dubois", "Hélène", dt.date(1984, 5, 12), Sex.FEMALE)
    )


def test_an_insert_writes_its_entry_in_the_same_transaction(db: Database) -> None:
    with db.read() as session:
        before = session.scalar(select(func.count(AuditEntry.id)))
    pid = _patient(db)
    entries = audit.record_history(db, "patient", pid)
    assert [e.action for e in entries] == ["insert"]
    assert entries[0].after is not None and entries[0].after["given_names"] == "Hélène"
    assert entries[0].actor == "Dr Test"
    with db.read() as session:
        assert session.scalar(select(func.count(AuditEntry.id))) == before + 1


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("UPDATE audit_entry SET reason = 'nothing happened'", "cannot be changed"),
        ("DELETE FROM audit_entry", "cannot be deleted"),
    ],
)
def test_the_audit_table_refuses_change(
    db: Database, db_path: Path, statement: str, words: str
) -> None:
    _patient(db)
    with sqlite3.connect(db_path) as conn, pytest.raises(sqlite3.DatabaseError, match=words):
        conn.execute(statement)


def test_the_chain_verifies_and_tampering_is_found(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    pid = _patient(db)
    patients.set_archived(db, pid, True, "Moved abroad")
    assert audit.check_audit_chain(db).intact
    db.close()
    tampered = tmp_path / "tampered.sqlite"
    shutil.copyfile(db_path, tampered)
    with sqlite3.connect(tampered) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        victim = conn.execute("SELECT max(id) FROM audit_entry").fetchone()[0]
        conn.execute("UPDATE audit_entry SET reason = 'routine' WHERE id = ?", (victim,))
    report = check_database(tampered)
    assert not report.ok
    assert any(f"entry {victim}" in line for line in report.lines())
    reopened = open_database(tampered)
    try:
        assert audit.check_audit_chain(reopened).first_broken_id == victim
    finally:
        reopened.close()
