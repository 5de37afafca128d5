"""Encryption at rest: an SQLCipher record opened with the practitioner's password.

Each key derivation is slow on purpose (PBKDF2, 256 000 rounds): the encrypted record
is made once per session and copied, and each test opens it only as often as it must.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mesodesk.cli import main
from mesodesk.core import backups, security
from mesodesk.core.db import Database, encryption, open_database
from mesodesk.core.db.cipher import (
    NEEDS_PASSWORD,
    SQLITE_HEADER,
    WRONG_PASSWORD,
    connect,
    is_plain,
)
from mesodesk.core.db.engine import make_engine
from mesodesk.core.db.health import check_database
from mesodesk.core.db.replacing import aside_name, encrypting_name, remove_securely
from mesodesk.core.errors import (
    DamagedDatabaseError,
    DatabaseBusyError,
    KnownError,
    ValidationError,
)
from mesodesk.core.services import patients
from tests.core.conftest import all_table_counts, raw_connection
from tests.scenario import Helene

PASSWORD = "correct horse battery"
NAME = b"Dubois"  # Mme Dubois, the patient of the scenario


def _set_password(path: Path, password: str = PASSWORD) -> None:
    database = Database(path, make_engine(path))
    try:
        security.set_password(database, password)
    finally:
        database.close()


def _facts(path: Path, key: str | None = None) -> tuple[dict[str, int], str]:
    """Every table's row count, and the newest audit hash (the head of the chain)."""
    database = open_database(path, key=key, load_catalogues=False)
    try:
        with database.read() as session:
            head = session.execute(
                text("SELECT entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")
            ).scalar_one()
        return all_table_counts(database), head
    finally:
        database.close()


@pytest.fixture(scope="session")
def plain_template(
    helene_template: tuple[Path, Helene], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Mme Dubois's record with the practitioner's password set, unencrypted."""
    path = tmp_path_factory.mktemp("plain") / "record.sqlite"
    shutil.copyfile(helene_template[0], path)
    _set_password(path)
    return path


@pytest.fixture(scope="session")
def encrypted_template(plain_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted") / "record.sqlite"
    shutil.copyfile(plain_template, path)
    encryption.encrypt_database(path, PASSWORD)
    return path


@pytest.fixture
def plain(plain_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "plain" / "record.sqlite"
    path.parent.mkdir()
    shutil.copyfile(plain_template, path)
    return path


@pytest.fixture
def encrypted(encrypted_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "encrypted" / "record.sqlite"
    path.parent.mkdir()
    shutil.copyfile(encrypted_template, path)
    return path


@pytest.fixture
def encrypted_db(encrypted: Path) -> Iterator[Database]:
    database = open_database(encrypted, key=PASSWORD, load_catalogues=False)
    database.actor = "Dr Test"
    yield database
    database.close()


# --- what an encrypted file is --------------------------------------------------------
def test_an_encrypted_file_shows_no_header_and_no_patient(plain: Path, encrypted: Path) -> None:
    assert plain.read_bytes().startswith(SQLITE_HEADER) and NAME in plain.read_bytes()
    data = encrypted.read_bytes()
    assert not data.startswith(SQLITE_HEADER)
    assert NAME not in data and "Hélène".encode() not in data
    assert b"audit_entry" not in data  # not even the schema


def test_is_encrypted_needs_the_right_key(plain: Path, encrypted: Path, tmp_path: Path) -> None:
    noise = tmp_path / "noise.sqlite"
    noise.write_bytes(random.Random(5).randbytes(8192))
    assert encryption.is_encrypted(encrypted, PASSWORD)
    assert not encryption.is_encrypted(encrypted, "not the password")
    assert not encryption.is_encrypted(plain, PASSWORD)
    assert not encryption.is_encrypted(noise, PASSWORD)


def test_it_opens_with_its_password(encrypted_db: Database) -> None:
    assert encrypted_db.encrypted
    found = patients.search_patients(encrypted_db, "helene")  # casefold() works on it too
    assert [p.family_name for p in found] == ["Dubois"]
    with encrypted_db.read() as session:
        pragmas = [
            session.execute(text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        ]
    assert pragmas == ["wal", 2, 1, 5000]


def test_writes_go_to_the_encrypted_file(encrypted_db: Database) -> None:
    patients.create_patient(
        encrypted_db,
        patients.PatientData("2026-0999", "Zyxwvut", "Anne", dt.date(1980, 1, 1)),
    )
    encrypted_db.close()
    assert b"Zyxwvut" not in encrypted_db.path.read_bytes()
    assert not Path(f"{encrypted_db.path}-wal").exists()
    reopened = open_database(encrypted_db.path, key=PASSWORD, load_catalogues=False)
    try:
        assert [p.given_names for p in patients.search_patients(reopened, "zyxwvut")] == ["Anne"]
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        (None, encryption.PasswordNeededError, NEEDS_PASSWORD),
        ("correct horse batterx", encryption.WrongPasswordError, WRONG_PASSWORD),
    ],
)
def test_a_missing_or_wrong_password_is_refused_clearly_and_nothing_is_touched(
    encrypted: Path, key: str | None, error: type[Exception], message: str
) -> None:
    before = encrypted.read_bytes()
    with pytest.raises(error) as raised:
        open_database(encrypted, key=key)
    assert str(raised.value) == message
    assert "not a database" not in str(raised.value)
    assert isinstance(raised.value, KnownError)
    assert encrypted.read_bytes() == before
    assert sorted(p.name for p in encrypted.parent.iterdir()) == ["record.sqlite"]


def test_a_plain_file_ignores_a_key_and_random_bytes_stay_damaged(
    plain: Path, tmp_path: Path
) -> None:
    database = open_database(plain, key="whatever it is", load_catalogues=False)
    try:
        assert not database.encrypted
    finally:
        database.close()
    noise = tmp_path / "noise.sqlite"
    noise.write_bytes(random.Random(9).randbytes(4000))  # not whole pages: not encrypted
    with pytest.raises(DamagedDatabaseError) as raised:
        open_database(noise, key=PASSWORD)
    assert not isinstance(raised.value, encryption.WrongPasswordError)


# --- converting ---------------------------------------------------------------------
def test_encrypting_keeps_every_row_and_the_audit_chain(plain: Path) -> None:
    counts, head = _facts(plain)
    database = open_database(plain, load_catalogues=False)
    try:
        report = encryption.encrypt_record(database, PASSWORD)
        assert database.encrypted and database.key == PASSWORD  # the same object goes on
        assert all_table_counts(database) == counts
    finally:
        database.close()
    assert report.rows["patient"] == counts["patient"] == 1
    assert report.audit_entries == counts["audit_entry"] > 10
    assert _facts(plain, PASSWORD) == (counts, head)
    health = check_database(plain, PASSWORD)
    assert health.ok, health.problems
    assert f"audit chain: ok ({counts['audit_entry']} entries)" in health.facts


def test_encrypting_folds_in_a_crash_wal_and_leaves_no_plain_file(
    plain: Path, tmp_path: Path
) -> None:
    crashed = tmp_path / "crashed" / "record.sqlite"
    crashed.parent.mkdir()
    conn = raw_connection(plain)
    try:  # the state a crash leaves: a change still in the -wal file
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("PRAGMA user_version=7")
        shutil.copyfile(plain, crashed)
        shutil.copyfile(f"{plain}-wal", f"{crashed}-wal")
    finally:
        conn.close()
    encryption.encrypt_database(crashed, PASSWORD)
    assert sorted(p.name for p in crashed.parent.iterdir()) == ["record.sqlite"]
    assert not is_plain(crashed)
    with contextlib.closing(connect(crashed, PASSWORD)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7


def test_encrypting_twice_is_refused(encrypted: Path) -> None:
    with pytest.raises(KnownError, match="already encrypted"):
        encryption.encrypt_database(encrypted, PASSWORD)


def test_a_record_open_elsewhere_is_not_encrypted(plain: Path) -> None:
    other = open_database(plain, load_catalogues=False)
    try:
        with other.read() as session:  # another program holds a connection
            session.execute(text("SELECT count(*) FROM patient")).scalar_one()
            with pytest.raises(KnownError, match="open in another program"):
                encryption.encrypt_database(plain, PASSWORD)
    finally:
        other.close()
    assert is_plain(plain)


def test_a_copy_that_fails_its_check_is_thrown_away(
    plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts, head = _facts(plain)

    def differing(conn: object) -> dict[str, object]:
        return {"rows:patient": id(conn)}  # the two files never agree

    monkeypatch.setattr(encryption, "_contents", differing)
    with pytest.raises(KnownError, match="differs from the record"):
        encryption.encrypt_database(plain, PASSWORD)
    assert is_plain(plain)
    assert sorted(p.name for p in plain.parent.iterdir()) == ["record.sqlite"]
    assert _facts(plain) == (counts, head)


def test_the_password_must_be_the_practitioners(plain: Path, tmp_path: Path) -> None:
    database = open_database(plain, load_catalogues=False)
    try:
        with pytest.raises(ValidationError, match="not your current password"):
            encryption.encrypt_record(database, "another password")
        assert not database.encrypted and is_plain(plain)
    finally:
        database.close()
    fresh = tmp_path / "fresh" / "record.sqlite"
    database = open_database(fresh, create=True, load_catalogues=False)
    try:
        with pytest.raises(ValidationError, match="at least 8"):
            encryption.encrypt_record(database, "short")
        encryption.encrypt_record(database, "a new password")  # becomes the password
        assert security.check_password(database, "a new password")
    finally:
        database.close()
    assert encryption.is_encrypted(fresh, "a new password")


def test_the_record_refuses_work_while_it_is_replaced(plain: Path) -> None:
    database = open_database(plain, load_catalogues=False)
    try:
        database.suspend(encryption.ENCRYPTING)
        with pytest.raises(DatabaseBusyError, match="being encrypted"), database.read():
            pass
        database.resume(None)
        assert patients.search_patients(database, "dubois")
    finally:
        database.close()


# --- an interrupted conversion ------------------------------------------------------
def test_a_swap_stopped_before_the_rename_keeps_the_record(plain: Path) -> None:
    os.link(plain, aside_name(plain))  # the second name made, the rename not yet
    encrypting_name(plain).write_bytes(b"half an encrypted copy")
    open_database(plain, load_catalogues=False).close()
    assert sorted(p.name for p in plain.parent.iterdir()) == ["record.sqlite"]
    assert _facts(plain)[0]["patient"] == 1


def test_a_swap_stopped_between_the_renames_puts_the_record_back(plain: Path) -> None:
    plain.replace(aside_name(plain))  # a file system without hard links
    database = open_database(plain, load_catalogues=False)  # not an empty new record
    try:
        assert patients.search_patients(database, "dubois")
    finally:
        database.close()


def test_a_plain_original_left_after_the_swap_is_removed(
    plain_template: Path, encrypted: Path
) -> None:
    shutil.copyfile(plain_template, aside_name(encrypted))
    open_database(encrypted, key=PASSWORD, load_catalogues=False).close()
    assert not aside_name(encrypted).exists()


def test_a_plain_original_that_resists_removal_is_reported_then_removed(
    plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(encryption, "remove_securely", refuse)
    report = encryption.encrypt_database(plain, PASSWORD)
    assert report.plain_left == aside_name(plain) and is_plain(aside_name(plain))
    assert not is_plain(plain)
    monkeypatch.undo()
    open_database(plain, key=PASSWORD, load_catalogues=False).close()
    assert not aside_name(plain).exists()


def test_removing_securely_overwrites_before_unlinking(tmp_path: Path) -> None:
    secret = tmp_path / "plain.sqlite"
    secret.write_bytes(NAME * 100_000)
    with secret.open("rb") as still_open:  # reads the same blocks after the unlink
        remove_securely(secret)
        assert not secret.exists()
        assert still_open.read() == bytes(len(NAME) * 100_000)


def test_removing_securely_spares_another_name_of_the_same_file(tmp_path: Path) -> None:
    record, other = tmp_path / "record.sqlite", tmp_path / "other-name"
    record.write_bytes(NAME * 10)
    os.link(record, other)
    remove_securely(other)
    assert record.read_bytes() == NAME * 10


# --- backups, check, restore ----------------------------------------------------------
def test_backups_of_an_encrypted_record_are_encrypted(encrypted: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    run = backups.automatic_backup(encrypted, folder, key=PASSWORD)
    assert sorted(b.kind for b in run.made) == ["daily", "monthly", "weekly"]
    for backup in backups.list_backups(folder):
        data = backup.path.read_bytes()
        assert backup.encrypted and not data.startswith(SQLITE_HEADER) and NAME not in data
    newest = backups.list_backups(folder)[0]
    assert newest.counts(PASSWORD) == (1, 0)
    assert encryption.is_encrypted(newest.path, PASSWORD)
    assert check_database(newest.path, PASSWORD).ok


def test_a_backup_needs_the_key_and_says_so(encrypted: Path, tmp_path: Path) -> None:
    with pytest.raises(encryption.PasswordNeededError):
        backups.make_backup(encrypted, tmp_path / "b")
    with pytest.raises(encryption.WrongPasswordError, match="password is wrong"):
        backups.make_backup(encrypted, tmp_path / "b", key="not the password")
    assert not any((tmp_path / "b").glob("*"))


def test_an_encrypted_backup_restores(encrypted_db: Database, tmp_path: Path) -> None:
    path = encrypted_db.path
    folder = backups.default_folder(path)
    made = backups.make_backup(path, folder, key=PASSWORD)
    patients.create_patient(
        encrypted_db, patients.PatientData("2026-0002", "Martin", "Anne", dt.date(1980, 1, 1))
    )
    encrypted_db.close()
    with pytest.raises(encryption.WrongPasswordError, match="another password"):
        backups.restore_backup(path, made.path, key="an older password")
    aside = backups.restore_backup(path, made.path, key=PASSWORD)
    assert not is_plain(aside) and not is_plain(path)
    counts, _head = _facts(path, PASSWORD)
    assert counts["patient"] == 1


def test_check_reads_an_encrypted_file_only_with_its_key(encrypted: Path) -> None:
    with pytest.raises(encryption.PasswordNeededError):
        check_database(encrypted)
    with pytest.raises(encryption.WrongPasswordError):
        check_database(encrypted, "not the password")
    report = check_database(encrypted, PASSWORD)
    assert report.ok and report.facts[0] == "integrity: ok"


def test_a_migration_backup_of_an_encrypted_record_is_encrypted(tmp_path: Path) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "schema-0001.sqlite"
    path = tmp_path / "old.sqlite"
    shutil.copyfile(fixture, path)
    encryption.encrypt_database(path, PASSWORD)
    open_database(path, key=PASSWORD, load_catalogues=False).close()
    [copy] = list((tmp_path / "backups").glob("old-before-migration-*.sqlite"))
    assert encryption.is_encrypted(copy, PASSWORD)


def test_plain_copies_are_found_for_removal(plain: Path, encrypted: Path) -> None:
    folder = backups.default_folder(plain)
    old = backups.make_backup(plain, folder).path
    kept_aside = plain.with_name("record-before-restore-20260101-000000.sqlite")
    shutil.copyfile(plain, kept_aside)
    encryption.encrypt_database(plain, PASSWORD)
    backups.make_backup(plain, folder, key=PASSWORD)  # encrypted: not listed
    assert encryption.plain_copies(plain, [folder]) == [old, kept_aside]


# --- changing the password ------------------------------------------------------------
def test_changing_the_password_rekeys_the_file(encrypted_db: Database) -> None:
    path = encrypted_db.path
    salt = path.read_bytes()[:16]
    with pytest.raises(ValidationError, match="Current password"):
        encryption.change_password(encrypted_db, "a brand new one", "not the password")
    encryption.change_password(encrypted_db, "a brand new one", PASSWORD)
    assert encrypted_db.key == "a brand new one"
    assert security.check_password(encrypted_db, "a brand new one")  # the lock agrees
    assert patients.search_patients(encrypted_db, "dubois")  # still working on it
    encrypted_db.close()
    assert encryption.is_encrypted(path, "a brand new one")
    assert not encryption.is_encrypted(path, PASSWORD)
    assert path.read_bytes()[:16] == salt  # the same file, its pages re-encrypted


def test_a_failed_hash_update_puts_the_old_key_back(
    encrypted_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise ValidationError("New password", "refused for the test")

    monkeypatch.setattr(security, "set_password", refuse)
    with pytest.raises(ValidationError, match="refused for the test"):
        encryption.change_password(encrypted_db, "a brand new one", PASSWORD)
    assert encrypted_db.key == PASSWORD
    encrypted_db.close()
    assert encryption.is_encrypted(encrypted_db.path, PASSWORD)


# --- the command line ---------------------------------------------------------------
def test_the_command_line_takes_the_password_from_the_environment(
    encrypted: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MESODESK_PASSWORD", raising=False)
    assert main(["check", "--db", str(encrypted)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mesodesk: {NEEDS_PASSWORD}") and "MESODESK_PASSWORD" in err
    assert len(err.splitlines()) == 1

    monkeypatch.setenv("MESODESK_PASSWORD", "not the password")
    assert main(["backup", "--db", str(encrypted), "--to", str(tmp_path / "b")]) == 1
    assert capsys.readouterr().err.strip() == f"mesodesk: {WRONG_PASSWORD}"

    monkeypatch.setenv("MESODESK_PASSWORD", PASSWORD)
    assert main(["check", "--db", str(encrypted)]) == 0
    assert "audit chain: ok" in capsys.readouterr().out
    assert main(["backup", "--db", str(encrypted), "--to", str(tmp_path / "b")]) == 0
    assert "1 patients" in capsys.readouterr().out
    [copy] = list((tmp_path / "b").glob("*.sqlite"))
    assert main(["restore", "--db", str(encrypted), str(copy)]) == 0
    assert "previous database was kept" in capsys.readouterr().out
    assert encryption.is_encrypted(encrypted, PASSWORD)
