"""The quick_check left until after the window shows: still nothing written to a damaged file."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from mesodesk.core.db import open_database
from mesodesk.core.errors import DamagedDatabaseError
from mesodesk.core.services import patients


def _add_patients(path: Path, count: int = 300) -> None:
    db = open_database(path)
    db.actor = "Dr Test"
    patients.create_patients(
        db,
        [
            patients.PatientData(f"F-{n:04d}", f"Family{n}", "Given", dt.date(1980, 1, 1))
            for n in range(count)
        ],
    )
    db.close()


def _damage_the_patient_table(path: Path) -> bytes:
    """Overwrite the root page of ``patient``: the schema stays readable, quick_check fails."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'patient'").fetchone()
    with path.open("r+b") as stream:
        stream.seek((root[0] - 1) * page_size)
        stream.write(b"\xff" * 64)
    return path.read_bytes()


def test_an_up_to_date_record_opens_before_its_check(db_path: Path) -> None:
    db = open_database(db_path, check_later=True)
    try:
        assert db.integrity is not None
        assert not db.integrity.done  # nothing read every page yet
        db.integrity.start()
        db.integrity.wait()
        assert db.integrity.problem is None
    finally:
        db.close()


def test_the_first_write_runs_the_owed_check(db_path: Path) -> None:
    db = open_database(db_path, check_later=True)
    db.actor = "Dr Test"
    try:
        patients.create_patient(
            db, patients.PatientData("F-1", "Durand", "Anne", dt.date(1980, 1, 1))
        )
        assert db.integrity is not None and db.integrity.done
    finally:
        db.close()


def test_a_damaged_record_found_later_is_never_written_to(db_path: Path) -> None:
    _add_patients(db_path)
    damaged = _damage_the_patient_table(db_path)
    with pytest.raises(DamagedDatabaseError):
        open_database(db_path).close()  # checked at once by default, as before

    db = open_database(db_path, check_later=True)
    db.actor = "Dr Test"
    try:
        with pytest.raises(DamagedDatabaseError, match="damaged"):
            patients.create_patient(
                db, patients.PatientData("F-9", "Durand", "Anne", dt.date(1980, 1, 1))
            )
        assert db.integrity is not None and db.integrity.problem is not None
    finally:
        db.close()
    assert db_path.read_bytes() == damaged


def test_a_record_not_in_wal_mode_is_checked_at_once(db_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # as a restored backup is
    db = open_database(db_path, check_later=True)
    try:
        assert db.integrity is None
    finally:
        db.close()


def test_closing_stops_a_running_check(db_path: Path) -> None:
    db = open_database(db_path, check_later=True)
    assert db.integrity is not None
    db.integrity.start()
    db.close()
    assert db.integrity.done
