"""A record damaged deep inside, whose quick_check runs once the window shows."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from mesodesk.core.db import open_database
from mesodesk.core.errors import DamagedDatabaseError
from mesodesk.core.services import patients, practice
from mesodesk.ui import app, messages

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _practice(path: Path) -> None:
    db = open_database(path)
    db.actor = "Dr Test"
    practice.add_practitioner(db, practice.PractitionerData(name="Test", title="Dr"))
    patients.create_patients(
        db,
        [
            patients.PatientData(f"F-{n:04d}", f"Family{n}", "Given", dt.date(1980, 1, 1))
            for n in range(300)
        ],
    )
    db.close()


def _damage(path: Path, table: str) -> bytes:
    """Overwrite the root page of ``table``; the schema stays readable."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    with path.open("r+b") as stream:
        stream.seek((root - 1) * page_size)
        stream.write(b"\xff" * 64)
    return path.read_bytes()


def test_damage_met_by_the_first_reads_is_told_at_start(
    qapp: object, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(db_path)
    damaged = _damage(db_path, "practitioner")  # read before the window is made
    shown: list[str] = []
    monkeypatch.setattr(app, "report_startup_error", lambda title, text: shown.append(text))

    def no_window(*_args: object) -> None:
        raise AssertionError("the window opened on a damaged record")

    monkeypatch.setattr(app, "Workspace", no_window)

    assert app.run_app(db_path) == 1

    assert shown and "damaged" in shown[0]
    assert "No backup" in shown[0]
    assert db_path.read_bytes() == damaged


def test_damage_found_after_the_window_shows_is_told_and_nothing_is_written(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _practice(db_path)
    damaged = _damage(db_path, "audit_entry")  # not read to show the window
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda parent, title, text: shown.append(text))
    database, lock, path = app.open_record(db_path, demo=False)
    assert app.prepare_record(database)
    workspace = app.Workspace(database, lock, path)
    try:
        workspace.window.show()
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
        assert "damaged" in shown[0]
        with pytest.raises(DamagedDatabaseError):
            patients.create_patient(
                database, patients.PatientData("F-9", "Durand", "Anne", dt.date(1980, 1, 1))
            )
    finally:
        workspace.window.close()
        database.close()
        lock.release()
    assert db_path.read_bytes() == damaged
