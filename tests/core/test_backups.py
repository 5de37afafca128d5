"""Backups: verified copies, rotation, a second folder, and restore that loses nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.core import backups
from mesodesk.core.db import open_database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import DamagedDatabaseError
from mesodesk.core.services import patients

MONDAY = dt.datetime(2026, 11, 23, 8, 0)


def _add_patient(db_path: Path, number: str) -> None:
    db = open_database(db_path)
    try:
        patients.create_patient(
            db, patients.PatientData(number, "Dubois", "Hélène", dt.date(1984, 5, 12), Sex.FEMALE)
        )
    finally:
        db.close()


def test_the_first_start_of_a_day_makes_daily_weekly_and_monthly_copies(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    run = backups.automatic_backup(db_path, folder, now=MONDAY)
    assert sorted(b.kind for b in run.made) == ["daily", "monthly", "weekly"]
    again = backups.automatic_backup(db_path, folder, now=MONDAY + dt.timedelta(hours=9))
    assert again.made == []
    tuesday = backups.automatic_backup(db_path, folder, now=MONDAY + dt.timedelta(days=1))
    assert [b.kind for b in tuesday.made] == ["daily"]
    for backup in backups.list_backups(folder):
        with sqlite3.connect(backup.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_rotation_keeps_7_daily_4_weekly_12_monthly(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in range(400):
        backups.automatic_backup(db_path, folder, now=MONDAY + dt.timedelta(days=day))
    kinds = [b.kind for b in backups.list_backups(folder)]
    assert (kinds.count("daily"), kinds.count("weekly"), kinds.count("monthly")) == (7, 4, 12)
    newest = backups.list_backups(folder)[0]
    assert newest.taken_at.date() == (MONDAY + dt.timedelta(days=399)).date()


def test_a_missing_second_folder_is_a_warning(db_path: Path, tmp_path: Path) -> None:
    run = backups.automatic_backup(db_path, tmp_path / "b", mirror=tmp_path / "usb", now=MONDAY)
    assert run.made and "not available" in run.warnings[0]
    (tmp_path / "usb").mkdir()
    run = backups.automatic_backup(db_path, tmp_path / "c", mirror=tmp_path / "usb", now=MONDAY)
    assert {b.path.parent for b in run.made} == {tmp_path / "c", tmp_path / "usb"}


def test_restore_moves_the_current_file_aside(db_path: Path, tmp_path: Path) -> None:
    _add_patient(db_path, "2026-0001")
    backup = backups.make_backup(db_path, tmp_path / "b", now=MONDAY)
    assert backup.counts() == (1, 0)
    _add_patient(db_path, "2026-0002")
    current = db_path.read_bytes()
    aside = backups.restore_backup(db_path, backup.path)
    assert aside.read_bytes() == current
    db = open_database(db_path)
    try:
        assert [p.file_number for p in patients.search_patients(db, "")] == ["2026-0001"]
    finally:
        db.close()


def test_a_damaged_backup_is_refused_before_anything_moves(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    before = db_path.read_bytes()
    with pytest.raises(DamagedDatabaseError):
        backups.restore_backup(db_path, bad)
    assert db_path.read_bytes() == before


def test_backup_and_restore_from_the_command_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_patient(db_path, "2026-0001")
    assert main(["backup", "--db", str(db_path), "--to", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "1 patients" in out and "verified" in out
    [made] = backups.list_backups(tmp_path / "b")
    shutil.copyfile(made.path, tmp_path / "copy.sqlite")
    assert main(["restore", "--db", str(db_path), str(tmp_path / "copy.sqlite")]) == 0
    assert "kept as" in capsys.readouterr().out
    assert main(["restore", "--db", str(db_path), str(tmp_path / "nope.sqlite")]) == 1
    assert main(["backup", "--db", str(tmp_path / "none.sqlite"), "--to", str(tmp_path)]) == 1
    assert main(["backup", "--db", str(db_path)]) == 2
