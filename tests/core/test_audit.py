"""The audit trail: written with every change, append-only, and tamper-evident."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc, func, inspect, select, text

from mesodesk.core.db import Database, open_database
from mesodesk.core.db.health import check_database
from mesodesk.core.models import AuditEntry, Base, Indication
from mesodesk.core.models.base import Audited
from mesodesk.core.services import audit, patients, sessions
from tests.core.conftest import BASELINE, Helene, add_patient, count_rows, raw_connection


def audit_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(AuditEntry.id))) or 0


def test_every_row_of_every_audited_table_has_its_insert_entry(helene: Helene) -> None:
    db = helene.db
    saved = sessions.record_session(db, helene.session(measurements=BASELINE))
    sessions.amend_session(
        db, saved.id, sessions.session_data(db, saved.id), "Nothing changed but the reason"
    )
    audited = [mapper for mapper in Base.registry.mappers if issubclass(mapper.class_, Audited)]
    assert len(audited) > 20
    with db.read() as session:
        inserted = {
            (table, key)
            for table, key in session.execute(
                select(AuditEntry.table_name, AuditEntry.row_key).where(
                    AuditEntry.action == "insert"
                )
            )
        }
        for mapper in audited:
            table = mapper.local_table.name
            for row in session.scalars(select(mapper.class_)):
                key = ",".join(str(part) for part in inspect(row).identity)
                assert (table, key) in inserted, f"{table} row {key} has no insert entry"


def test_an_insert_and_an_update_write_their_entries(db: Database) -> None:
    before = audit_count(db)
    pid = add_patient(db, "2026-0142", "Dubois", "Hélène")
    assert audit_count(db) == before + 1
    [entry] = audit.record_history(db, "patient", pid)
    assert (entry.action, entry.actor, entry.before) == ("insert", "Dr Test", None)
    assert entry.after is not None and entry.after["given_names"] == "Hélène"
    assert entry.at_utc <= dt.datetime.now(dt.UTC).replace(tzinfo=None)

    db.actor = "Dr Moreau"
    patients.set_archived(db, pid, True, "Moved abroad")
    update = audit.record_history(db, "patient", pid)[-1]
    assert (update.action, update.actor, update.reason) == ("update", "Dr Moreau", "Moved abroad")
    assert (update.before, update.after) == ({"archived": False}, {"archived": True})
    assert update.changed_fields == ["archived"]
    assert [c.id for c in audit.patient_history_of_changes(db, pid)] == [update.id, entry.id]


def test_a_write_that_fails_leaves_neither_row_nor_entry(db: Database) -> None:
    before = count_rows(db, "indication", "audit_entry")

    class Oops(Exception):
        pass

    with pytest.raises(Oops), db.write() as session:
        session.add(Indication(code="mesolift", name="Mesolift"))
        session.flush()  # the row and its audit entry are written in the transaction ...
        assert count_rows(db, "indication", "audit_entry") == before  # ... not seen outside
        raise Oops
    assert count_rows(db, "indication", "audit_entry") == before


def test_the_change_listeners_hear_what_was_committed(db: Database) -> None:
    heard = []
    db.subscribe(heard.append)
    add_patient(db, "2026-0001")
    db.unsubscribe(heard.append)
    add_patient(db, "2026-0002")
    [change] = heard
    assert change.tables == frozenset({"patient"})
    assert change.actor == "Dr Test"


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("UPDATE audit_entry SET reason = 'nothing happened'", "cannot be changed"),
        ("UPDATE audit_entry SET after_json = NULL WHERE id = 1", "cannot be changed"),
        ("DELETE FROM audit_entry", "cannot be deleted"),
        (
            "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)",
            "cannot be deleted",
        ),
    ],
)
def test_raw_sql_cannot_change_the_audit_table(
    db: Database, db_path: Path, statement: str, words: str
) -> None:
    add_patient(db, "2026-0142")
    before = audit_count(db)
    with (
        contextlib.closing(raw_connection(db_path)) as conn,
        pytest.raises((sqlite3.IntegrityError, sqlite3.OperationalError), match=words),
    ):
        conn.execute(statement)
    with (
        pytest.raises((exc.IntegrityError, exc.OperationalError), match=words),
        db.write() as session,
    ):
        session.execute(text(statement))
    assert audit_count(db) == before
    assert audit.check_audit_chain(db).intact


def test_the_chain_verifies(helene: Helene) -> None:
    sessions.record_session(helene.db, helene.session(measurements=BASELINE))
    report = audit.check_audit_chain(helene.db)
    assert report.intact and report.first_broken_id is None
    assert report.entries == audit_count(helene.db)
    health = check_database(helene.db.path)
    assert health.ok, health.lines()
    assert any(f"audit chain: ok ({report.entries} entries)" in line for line in health.lines())


def test_two_handles_on_one_file_keep_one_chain(db: Database, db_path: Path) -> None:
    other = open_database(db_path)
    other.actor = "Dr Autre"
    try:
        for n in range(4):
            add_patient(db if n % 2 else other, f"2026-{n:04d}")
        report = audit.check_audit_chain(db)
        assert report.intact and report.entries == audit_count(other)
    finally:
        other.close()


def _tampered_copy(db: Database, tmp_path: Path) -> Path:
    db.close()
    copy = tmp_path / "tampered.sqlite"
    shutil.copyfile(db.path, copy)
    with contextlib.closing(raw_connection(copy)) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("DROP TRIGGER audit_entry_no_delete")
    return copy


def _entry_id(path: Path, where: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT min(id) FROM audit_entry WHERE {where}").fetchone()[0]


@pytest.mark.parametrize("tamper", ["reason", "after_json", "delete", "actor"])
def test_tampering_is_detected(helene: Helene, tmp_path: Path, tamper: str) -> None:
    pid = helene.patient
    patients.set_archived(helene.db, pid, True, "Moved abroad")
    patients.set_archived(helene.db, pid, False, "Came back")
    copy = _tampered_copy(helene.db, tmp_path)
    victim = _entry_id(copy, "reason = 'Moved abroad'")
    statements = {
        "reason": "UPDATE audit_entry SET reason = 'routine' WHERE id = ?",
        "after_json": "UPDATE audit_entry SET after_json = '{\"archived\":false}' WHERE id = ?",
        "delete": "DELETE FROM audit_entry WHERE id = ?",
        "actor": "UPDATE audit_entry SET actor = 'Dr Nobody' WHERE id = ?",
    }
    with contextlib.closing(raw_connection(copy)) as conn:
        conn.execute(statements[tamper], (victim,))
    # The next entry after a deleted one no longer follows its predecessor.
    broken = victim + 1 if tamper == "delete" else victim
    report = check_database(copy)
    assert not report.ok
    assert any(f"entry {broken}" in problem for problem in report.problems)
    assert any("altered" in line for line in report.lines())
    reopened = open_database(copy)
    try:
        chain = audit.check_audit_chain(reopened)
        assert not chain.intact and chain.first_broken_id == broken
    finally:
        reopened.close()


def test_an_untampered_copy_without_triggers_still_verifies(helene: Helene, tmp_path: Path) -> None:
    copy = _tampered_copy(helene.db, tmp_path)
    assert check_database(copy).ok
