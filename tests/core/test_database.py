"""Opening a file (check first, touch later), migrations, connections, backups, health."""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, exc, select, text

from mesodesk.core.catalogues import FINGERPRINT_KEY, sync_catalogues
from mesodesk.core.db import Database, open_database
from mesodesk.core.db.backup import copy_database
from mesodesk.core.db.health import check_database
from mesodesk.core.db.migrate import current_revision, head_revision
from mesodesk.core.errors import (
    DamagedDatabaseError,
    DatabaseBusyError,
    KnownError,
    NewerDatabaseError,
    StorageError,
)
from mesodesk.core.models import Base, Indication, Region, Setting, SideEffectType
from mesodesk.core.services import patients
from tests.core.conftest import add_patient, raw_connection

SIDE_FILES = ("-wal", "-shm", "-journal")


def side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in SIDE_FILES if Path(f"{path}{suffix}").exists()]


def assert_refused_untouched(path: Path, error: type[Exception]) -> None:
    before = path.read_bytes()
    with pytest.raises(error):
        open_database(path)
    assert path.read_bytes() == before
    assert side_files(path) == []
    assert not (path.parent / "backups").exists()


# --- damaged, newer and missing files ------------------------------------------------


def test_random_bytes_are_refused_and_left_byte_identical(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg.sqlite"
    target.write_bytes(random.Random(7).randbytes(64 * 1024))
    assert_refused_untouched(target, DamagedDatabaseError)


def test_an_sqlite_header_over_garbage_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "garbage.sqlite"
    target.write_bytes(b"SQLite format 3\x00" + random.Random(8).randbytes(32 * 1024))
    assert_refused_untouched(target, DamagedDatabaseError)


@pytest.mark.parametrize("keep", [100, 4096, 3 * 4096, 1 / 3, 1 / 2, -4096])
def test_a_truncated_database_is_refused_untouched(
    template_db: Path, tmp_path: Path, keep: float
) -> None:
    original = template_db.read_bytes()
    size = int(len(original) * keep) if isinstance(keep, float) else keep % len(original)
    target = tmp_path / "truncated.sqlite"
    target.write_bytes(original[:size])
    assert_refused_untouched(target, DamagedDatabaseError)


def test_an_overwritten_page_is_refused_untouched(template_db: Path, tmp_path: Path) -> None:
    original = template_db.read_bytes()
    page = 4096
    target = tmp_path / "overwritten.sqlite"
    target.write_bytes(original[: 3 * page] + b"\xa5" * page + original[4 * page :])
    assert_refused_untouched(target, DamagedDatabaseError)


def test_an_empty_file_is_not_overwritten_with_a_new_database(tmp_path: Path) -> None:
    target = tmp_path / "empty.sqlite"
    target.write_bytes(b"")
    assert_refused_untouched(target, KnownError)
    with pytest.raises(KnownError):
        open_database(target, create=True)
    assert target.read_bytes() == b""


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DamagedDatabaseError, match="folder"):
        open_database(tmp_path)


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('shopping list')")
        conn.commit()
    assert_refused_untouched(other, DamagedDatabaseError)


def test_a_database_from_a_newer_mesodesk_is_refused_untouched(db_path: Path) -> None:
    with contextlib.closing(raw_connection(db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert side_files(db_path) == []
    assert_refused_untouched(db_path, NewerDatabaseError)
    with pytest.raises(NewerDatabaseError, match="newer version of mesodesk"):
        open_database(db_path)
    with pytest.raises(NewerDatabaseError):
        check_database(db_path)


def test_a_missing_file_is_created_only_when_asked(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    with pytest.raises(KnownError, match="no mesodesk database"):
        open_database(missing)
    assert not missing.exists()
    with pytest.raises(KnownError):
        check_database(missing)
    created = tmp_path / "deep" / "folder" / "record.sqlite"
    db = open_database(created, create=True)
    try:
        with db.read() as session:
            assert session.get(Indication, "cellulite") is not None
            assert current_revision(session.connection()) == head_revision()
    finally:
        db.close()
    assert created.exists()


def test_an_empty_sqlite_database_is_set_up(tmp_path: Path) -> None:
    blank = tmp_path / "blank.sqlite"
    with contextlib.closing(sqlite3.connect(blank)) as conn:
        conn.execute("PRAGMA user_version = 0")
        conn.execute("VACUUM")
    db = open_database(blank)
    try:
        with db.read() as session:
            assert session.get(Region, "thigh_outer") is not None
    finally:
        db.close()


def test_what_was_committed_before_a_crash_is_there_after_it(db_path: Path, tmp_path: Path) -> None:
    # A crash leaves the main file and its -wal (and maybe -shm) as they were.
    db = open_database(db_path)
    add_patient(db, "2026-0142", "Dubois", "Hélène")
    crashed = tmp_path / "crashed.sqlite"
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{db_path}{suffix}", f"{crashed}{suffix}")
    db.close()
    assert check_database(crashed).ok
    reopened = open_database(crashed)
    try:
        assert [p.file_number for p in patients.search_patients(reopened, "dubois")] == [
            "2026-0142"
        ]
    finally:
        reopened.close()


def test_a_database_at_the_current_version_is_opened_without_a_backup(db_path: Path) -> None:
    db = open_database(db_path)
    db.close()
    assert not (db_path.parent / "backups").exists()


# --- schema ----------------------------------------------------------------------------


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    fresh = open_database(tmp_path / "fresh.sqlite", create=True, load_catalogues=False)
    try:
        with fresh.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        fresh.close()


def test_the_audit_triggers_are_in_place(db_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        triggers = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {"audit_entry_no_update", "audit_entry_no_delete"} <= triggers


# --- connections -----------------------------------------------------------------------


def test_every_connection_is_set_up_for_safety(db: Database) -> None:
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}
    with db.read() as session:
        got = {name: session.execute(text(f"PRAGMA {name}")).scalar_one() for name in expected}
    assert got == expected
    with db.write() as session:
        got = {name: session.execute(text(f"PRAGMA {name}")).scalar_one() for name in expected}
    assert got == expected


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(exc.IntegrityError, match="FOREIGN KEY"), db.write() as session:
        session.execute(
            text(
                "INSERT INTO consent (patient_id, kind, text_version, signed_on, voided) "
                "VALUES (4242, 'treatment', '3', '2026-09-01', 0)"
            )
        )


def test_an_unexpected_database_error_is_raised_as_it_is(db: Database) -> None:
    # Not a full disk, not a lock: a bug, passed on unchanged (and not chained to itself).
    with (
        pytest.raises(exc.OperationalError, match="no such table") as caught,
        db.write() as session,
    ):
        session.execute(text("UPDATE no_such_table SET x = 1"))
    assert caught.value.__cause__ is not caught.value


def test_a_write_takes_the_lock_at_begin(db: Database, db_path: Path) -> None:
    with db.write() as session:
        session.execute(select(1))  # nothing written yet, but the transaction has begun
        with contextlib.closing(sqlite3.connect(db_path, timeout=0, isolation_level=None)) as other:
            # Readers still read (WAL) ...
            assert other.execute("SELECT count(*) FROM indication").fetchone()[0] > 0
            # ... but a second writer cannot start.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    with contextlib.closing(sqlite3.connect(db_path, timeout=0, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


def test_a_second_writer_is_told_the_record_is_busy(db: Database, db_path: Path) -> None:
    second = open_database(db_path)

    def impatient(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout = 0")

    second.engine.dispose()
    event.listen(second.engine, "connect", impatient)
    try:
        with db.write() as session:
            session.execute(select(1))
            with pytest.raises(DatabaseBusyError):
                add_patient(second, "2026-0999")
        assert patients.search_patients(second, "2026-0999") == []
        add_patient(second, "2026-0999")  # once the first write is over
        assert len(patients.search_patients(db, "2026-0999")) == 1
    finally:
        second.close()


# --- backups -------------------------------------------------------------------------


def test_a_backup_is_a_verified_single_file(db: Database, db_path: Path, tmp_path: Path) -> None:
    add_patient(db, "2026-0142", "Dubois", "Hélène")  # committed, still in the -wal file
    assert side_files(db_path)
    target = tmp_path / "backups" / "record-2026-11-25.sqlite"
    assert copy_database(db_path, target) == target
    assert side_files(target) == []
    assert not Path(f"{target}.part").exists()
    with contextlib.closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT given_names FROM patient").fetchall() == [("Hélène",)]
    copy = open_database(target)
    try:
        assert [p.full_name for p in patients.search_patients(copy, "dubois")] == ["Hélène Dubois"]
    finally:
        copy.close()


def test_a_backup_never_replaces_an_existing_file(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.sqlite"
    target.write_bytes(b"precious")
    with pytest.raises(StorageError, match="already exists"):
        copy_database(db_path, target)
    assert target.read_bytes() == b"precious"
    assert not Path(f"{target}.part").exists()


def test_a_backup_of_a_damaged_file_fails_and_leaves_nothing(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    target = tmp_path / "backups" / "copy.sqlite"
    with pytest.raises(StorageError):
        copy_database(damaged, target)
    assert not target.exists() and not Path(f"{target}.part").exists()


# --- catalogues ------------------------------------------------------------------------


def test_catalogue_sync_adds_what_is_missing_and_keeps_the_practitioners_edits(
    db: Database,
) -> None:
    assert sync_catalogues(db) is False  # nothing new since the file was made
    with db.write() as session:
        region = session.get(Region, "thigh_outer")
        assert region is not None
        region.name = "Saddlebags"
        session.delete(session.get(SideEffectType, "light_headedness"))
        session.add(Indication(code="mesolift", name="Mesolift"))
        session.delete(session.get(Setting, FINGERPRINT_KEY))
    assert sync_catalogues(db) is True  # e.g. after an update of mesodesk
    with db.read() as session:
        assert session.get(Region, "thigh_outer").name == "Saddlebags"  # type: ignore[union-attr]
        assert session.get(SideEffectType, "light_headedness") is not None
        assert session.get(Indication, "mesolift") is not None
        assert session.get(Setting, FINGERPRINT_KEY) is not None
    assert sync_catalogues(db) is False


def test_reopening_runs_the_sync_with_the_same_outcome(db: Database, db_path: Path) -> None:
    with db.write() as session:
        session.get(Indication, "cellulite").name = "Cellulite (PEFS)"  # type: ignore[union-attr]
        session.delete(session.get(Indication, "other"))
        session.execute(text("DELETE FROM setting WHERE key = :key"), {"key": FINGERPRINT_KEY})
    db.close()
    reopened = open_database(db_path)
    try:
        with reopened.read() as session:
            assert session.get(Indication, "cellulite").name == "Cellulite (PEFS)"  # type: ignore[union-attr]
            assert session.get(Indication, "other") is not None
    finally:
        reopened.close()


# --- health check ----------------------------------------------------------------------


def test_a_healthy_database_passes_the_check_without_being_written(
    db_path: Path,
) -> None:
    before = db_path.read_bytes()
    report = check_database(db_path)
    assert report.ok, report.lines()
    assert report.lines()[0].endswith(": ok")
    assert {"integrity: ok", "foreign keys: ok"} <= set(report.facts)
    assert db_path.read_bytes() == before
    assert side_files(db_path) == []


def test_the_check_finds_a_dangling_reference(db_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite"
    shutil.copyfile(db_path, broken)
    with contextlib.closing(raw_connection(broken)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(
            "INSERT INTO consent (patient_id, kind, text_version, signed_on, voided) "
            "VALUES (4242, 'treatment', '3', '2026-09-01', 0)"
        )
    report = check_database(broken)
    assert not report.ok
    assert any("consent" in p and "patient" in p for p in report.problems)


def test_the_check_refuses_a_damaged_file(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(random.Random(3).randbytes(8192))
    with pytest.raises(DamagedDatabaseError):
        check_database(damaged)
