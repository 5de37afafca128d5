"""Opening a file: check first, touch later; migrations; connection settings."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mesodesk.core.db import open_database
from mesodesk.core.db.backup import copy_database
from mesodesk.core.errors import DamagedDatabaseError, KnownError, NewerDatabaseError, StorageError
from mesodesk.core.models import Base, Indication


def test_models_and_migrations_agree(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close()


def test_a_new_file_is_created_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="no mesodesk database"):
        open_database(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    db = open_database(tmp_path / "new" / "record.sqlite", create=True)
    db.close()
    assert (tmp_path / "new" / "record.sqlite").exists()


@pytest.mark.parametrize("kind", ["random bytes", "truncated", "overwritten page", "empty file"])
def test_a_damaged_file_is_reported_and_left_untouched(
    db_path: Path, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "damaged.sqlite"
    original = db_path.read_bytes()
    if kind == "random bytes":
        target.write_bytes(bytes(range(256)) * 64)
    elif kind == "truncated":
        target.write_bytes(original[: len(original) // 3])
    elif kind == "overwritten page":
        page = 4096
        target.write_bytes(original[: page * 2] + b"\xff" * page + original[page * 3 :])
    else:
        target.write_bytes(b"")
    before = target.read_bytes()
    with pytest.raises(DamagedDatabaseError):
        open_database(target)
    assert target.read_bytes() == before
    assert not Path(str(target) + "-wal").exists()


def test_a_database_from_a_newer_mesodesk_is_refused_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of mesodesk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_another_sqlite_file_is_not_taken_for_a_record(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(DamagedDatabaseError, match="not a mesodesk database"):
        open_database(other)


def test_connection_settings(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.read() as session:
            pragma = {
                name: session.execute(text(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        assert pragma == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": 5000,
        }
    finally:
        db.close()


def test_writes_take_the_lock_at_begin(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.write() as session:
            session.add(Indication(code="test", name="Test"))
            session.flush()
            other = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        db.close()


def test_a_migration_is_preceded_by_a_verified_backup(db_path: Path, tmp_path: Path) -> None:
    # An older schema: pretend the file is at a revision before the current one by
    # rewinding the stamp to nothing is not possible with one revision, so check the copy
    # function the migration path uses instead.
    copy = copy_database(db_path, tmp_path / "backups" / "copy.sqlite")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not Path(str(copy) + "-wal").exists()
    with pytest.raises(StorageError, match="already exists"):
        copy_database(db_path, copy)


def test_catalogue_update_keeps_the_practitioners_edits(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    with db.write() as session:
        session.get(Indication, "cellulite").name = "Cellulite (PEFS)"  # type: ignore[union-attr]
        session.delete(session.get(Indication, "other"))
        session.execute(text("DELETE FROM setting WHERE key = 'catalogue_fingerprint'"))
    db.close()
    db = open_database(db_path)  # the shipped files are "new" again: a sync runs
    try:
        with db.read() as session:
            assert session.get(Indication, "cellulite").name == "Cellulite (PEFS)"  # type: ignore[union-attr]
            assert session.get(Indication, "other") is not None
    finally:
        db.close()
    shutil.rmtree(tmp_path, ignore_errors=True)
