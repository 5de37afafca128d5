"""Backups: verified copies, rotation, a second folder, and restore that loses nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.core import backups
from mesodesk.core.db import Database, open_database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import DamagedDatabaseError, KnownError
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


def _photo(folder: Path, content: bytes) -> str:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(content).hexdigest()
    (folder / name).write_bytes(content)
    return name


def test_photos_go_with_the_backups_and_come_back_with_a_restore(
    db: Database, tmp_path: Path
) -> None:
    from mesodesk.core.attachments import photos_folder

    photos = photos_folder(db.path)
    first = _photo(photos, b"a JPEG's bytes")
    (photos / "thumbs").mkdir()
    (photos / "thumbs" / f"{first}.jpg").write_bytes(b"preview")
    folder = tmp_path / "backups"
    info = backups.make_backup(db.path, folder)
    assert sorted(p.name for p in (folder / "photos").iterdir()) == [first]  # no previews
    second = _photo(photos, b"another photo")
    backups.make_backup(db.path, folder, now=dt.datetime(2030, 1, 1))
    assert {p.name for p in (folder / "photos").iterdir()} == {first, second}

    db.close()
    shutil.rmtree(photos)  # the laptop's photos folder lost
    backups.restore_backup(db.path, info.path)
    assert {p.name for p in photos.iterdir()} == {first, second}
    assert (photos / first).read_bytes() == b"a JPEG's bytes"


def test_a_photo_changed_on_disk_is_not_spread_to_the_backups(db: Database, tmp_path: Path) -> None:
    from mesodesk.core.attachments import photos_folder

    photos = photos_folder(db.path)
    name = _photo(photos, b"the original")
    (photos / name).write_bytes(b"changed since")
    folder = tmp_path / "backups"
    with pytest.raises(KnownError, match="1 photo file\\(s\\) beside it no longer match"):
        backups.make_backup(db.path, folder)
    assert len(backups.list_backups(folder)) == 1  # the record itself was backed up
    assert not (folder / "photos" / name).exists()
