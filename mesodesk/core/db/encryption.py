"""Encryption at rest, opt-in: turning a plain record into an SQLCipher one, changing its
password, and telling whether a file is encrypted.

One password. An encrypted record's SQLCipher passphrase *is* the practitioner's
password (the one of File › Password and lock…, whose Argon2id hash the record keeps
for the idle lock). The practitioner types it once at start: it opens the file, and the
window, which would otherwise start locked, is unlocked by it. SQLCipher derives the
page key from it (PBKDF2-HMAC-SHA512, 256 000 rounds, a random salt in the file), so
nothing outside the file is needed to open it: no key file to lose, no salt beside it.
Changing the password re-encrypts the file (``PRAGMA rekey``) and then updates the
hash. The price: a forgotten password cannot be recovered, and neither can the record.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3  # type: ignore[import-untyped]

from mesodesk.core import security
from mesodesk.core.backups import holder_of_lock, list_backups
from mesodesk.core.db.backup import readonly_uri
from mesodesk.core.db.cipher import (
    DRIVER_ERRORS,
    PasswordNeededError,
    WrongPasswordError,
    check_key_text,
    connect,
    is_plain,
    key_literal,
    looks_encrypted,
    opens_with,
    require_key,
)
from mesodesk.core.db.database import Database
from mesodesk.core.db.health import check_database
from mesodesk.core.db.opening import inspect_file
from mesodesk.core.db.replacing import (
    encrypting_name,
    fsync_path,
    recover_interrupted,
    remove_securely,
    swap_in,
)
from mesodesk.core.errors import KnownError, StorageError, ValidationError

__all__ = [
    "EncryptionReport",
    "PasswordNeededError",
    "WrongPasswordError",
    "change_key",
    "change_password",
    "confirm_password",
    "encrypt_database",
    "encrypt_record",
    "is_encrypted",
    "plain_copies",
    "remove_securely",
]

ENCRYPTING = "The record is being encrypted; wait until it is done."
REKEYING = "The record's password is being changed; wait until it is done."


@dataclass(frozen=True, slots=True)
class EncryptionReport:
    """What the verified encrypted copy was checked to hold before it was swapped in."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    # The plain original when it could not be removed (the next opening removes it).
    plain_left: Path | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def is_encrypted(path: Path, key: str) -> bool:
    """Is ``path`` an encrypted record that ``key`` opens? (Not plain SQLite, and the
    key reads it: without the key an encrypted file cannot be told from random bytes.)"""
    return looks_encrypted(path) and opens_with(readonly_uri(path), key)


# --- turning a plain record into an encrypted one ---------------------------------------
def encrypt_database(path: Path, key: str) -> EncryptionReport:
    """Encrypt the plain record at ``path`` with ``key``, in place, losing nothing.

    The record must be closed (no connection anywhere). An encrypted copy is written to
    ``NAME.encrypting`` with ``sqlcipher_export``, checked (integrity, foreign keys, the
    audit chain, and every table's rows and schema compared with the plain file), then
    swapped in atomically; the plain original is overwritten and removed. On any failure
    the record stays as it was, plain, and the copy is removed.
    """
    _check_password_text(key)
    recover_interrupted(path)
    if not path.is_file():
        raise KnownError(f"There is no mesodesk database at {path}.")
    if not is_plain(path):
        raise KnownError(f"{path.name} is already encrypted.")
    if (pid := holder_of_lock(path)) is not None and pid != os.getpid():
        raise KnownError(f"mesodesk is open on {path} (process {pid}); close it first.")
    inspect_file(path)  # a damaged file or one from a newer mesodesk is left alone
    _settle(path)
    partial = encrypting_name(path)
    try:
        _export(path, partial, key)
        report = _verify(path, partial, key)
        fsync_path(partial)
        aside = swap_in(path, partial)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(
            f"The record could not be encrypted ({exc}); it was left as it was, unencrypted."
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    try:
        remove_securely(aside)
    except OSError:
        return EncryptionReport(path, report.rows, report.audit_entries, plain_left=aside)
    return EncryptionReport(path, report.rows, report.audit_entries)


def _check_password_text(key: str) -> None:
    try:
        check_key_text(key)
    except ValueError:
        raise ValidationError("Password", "cannot be empty or hold a NUL character") from None


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file and leave it a single file.

    Leaving WAL mode needs every other connection closed: a record open elsewhere (the
    window on another computer, a script) is refused before anything is written.
    """
    try:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.Error as exc:
        mode = str(exc)
    if mode != "delete" or Path(f"{path}-wal").exists():
        raise KnownError(
            f"{path.name} is open in another program; close it there, then encrypt it."
        )


def _export(source: Path, target: Path, key: str) -> None:
    """Write every table, index, trigger and row of ``source`` into a new encrypted file."""
    target.unlink(missing_ok=True)
    try:
        connection = sqlcipher3.connect(str(source), isolation_level=None)
        try:
            connection.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), key))
            connection.execute("SELECT sqlcipher_export('encrypted')")
            version = int(connection.execute("PRAGMA main.user_version").fetchone()[0])
            connection.execute(f"PRAGMA encrypted.user_version = {version}")
            connection.execute("DETACH DATABASE encrypted")
        finally:
            connection.close()
    except DRIVER_ERRORS as exc:
        raise StorageError(
            f"The encrypted copy could not be written ({exc}); the record was left as it was."
        ) from exc


def _verify(plain: Path, encrypted: Path, key: str) -> EncryptionReport:
    """Refuse the encrypted copy unless it holds exactly what the plain file holds."""
    if is_plain(encrypted):
        raise KnownError("The copy was not encrypted; the record was left as it was.")
    health = check_database(encrypted, key)
    if not health.ok:
        raise KnownError(
            f"The encrypted copy failed its check ({health.problems[0]}); "
            "the record was left as it was."
        )
    with contextlib.closing(connect(readonly_uri(plain), None, uri=True)) as conn:
        before = _contents(conn)
    with contextlib.closing(connect(readonly_uri(encrypted), key, uri=True)) as conn:
        require_key(conn)
        after = _contents(conn)
    if before != after:
        differing = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise KnownError(
            f"The encrypted copy differs from the record ({', '.join(differing[:3])}); "
            "the record was left as it was."
        )
    rows = {
        name.removeprefix("rows:"): int(str(count))
        for name, count in before.items()
        if name.startswith("rows:")
    }
    return EncryptionReport(plain, rows, rows.get("audit_entry", 0))


def _contents(conn: sqlite3.Connection) -> dict[str, object]:
    """The schema, the user version, and each table's row count and digest of its rows."""
    schema = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    found: dict[str, object] = {
        "schema": schema,
        "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
    }
    for kind, name, _table, _sql in schema:
        if kind != "table":
            continue
        digest, count = hashlib.sha256(), 0
        quoted = '"' + name.replace('"', '""') + '"'
        for row in conn.execute(f"SELECT * FROM {quoted}"):
            digest.update(repr(row).encode())
            count += 1
        found[f"rows:{name}"] = count
        found[f"digest:{name}"] = digest.hexdigest()
    return found


def plain_copies(db_path: Path, folders: Iterable[Path]) -> list[Path]:
    """The unencrypted copies of a record: plain backups in ``folders`` and the files a
    restore kept aside beside it. After encrypting, they still hold every patient."""
    found = [b.path for folder in folders for b in list_backups(folder) if not b.encrypted]
    found += [
        p
        for p in sorted(db_path.parent.glob(f"{db_path.stem}-before-restore-*.sqlite"))
        if is_plain(p)
    ]
    return found


# --- the one password -------------------------------------------------------------------
def confirm_password(db: Database, password: str) -> None:
    """Make ``password`` the one that will open the record once it is encrypted.

    With a practitioner's password set, ``password`` must be it; without one, it becomes
    it (the same rules as File › Password and lock…).
    """
    _check_password_text(password)
    if security.has_password(db):
        if not security.check_password(db, password):
            raise ValidationError("Password", "is not your current password")
    else:
        security.set_password(db, password)


def encrypt_record(db: Database, password: str) -> EncryptionReport:
    """Encrypt the open record ``db`` with the practitioner's password, then go on using it.

    The window's :class:`Database` stays the same object: its connections are closed
    for the conversion and reopened on the encrypted file (or on the plain one, which
    is left as it was, if the conversion fails).
    """
    if db.encrypted:
        raise KnownError(f"{db.path.name} is already encrypted.")
    confirm_password(db, password)
    db.suspend(ENCRYPTING)
    try:
        return encrypt_database(db.path, password)
    finally:
        db.resume(None if is_plain(db.path) else password)


# --- changing the password --------------------------------------------------------------
def change_key(db: Database, new_key: str) -> None:
    """Re-encrypt the open encrypted record with ``new_key`` (``PRAGMA rekey``).

    SQLCipher rewrites every page in one transaction: if it fails, the old key still
    opens the file. Older backups keep the key they were made with.
    """
    if db.key is None:
        raise KnownError(f"{db.path.name} is not encrypted; there is no key to change.")
    _check_password_text(new_key)
    old_key = db.key
    db.suspend(REKEYING)
    done = False
    try:
        with contextlib.closing(connect(db.path, old_key)) as conn:
            conn.isolation_level = None
            require_key(conn)
            conn.execute(f"PRAGMA rekey = {key_literal(new_key)}")
        with contextlib.closing(connect(db.path, new_key)) as conn:
            require_key(conn, "The new password does not open the record.")
        done = True
    except DRIVER_ERRORS as exc:
        raise StorageError(
            f"The password could not be changed ({exc}); the old one still opens the record."
        ) from exc
    finally:
        db.resume(new_key if done else old_key)


def change_password(db: Database, new: str, current: str | None) -> None:
    """Change the practitioner's password; for an encrypted record, its key with it.

    The key changes first, then the hash the idle lock checks; if the hash cannot be
    written, the key goes back, so the two always name the same password.
    """
    if db.key is None:
        security.set_password(db, new, current)
        return
    if current is None or not hmac.compare_digest(current.encode(), db.key.encode()):
        raise ValidationError("Current password", "is not right")
    if len(new) < security.MIN_LENGTH:
        raise ValidationError("New password", f"needs at least {security.MIN_LENGTH} characters")
    _check_password_text(new)
    change_key(db, new)
    try:
        security.set_password(db, new, current)
    except BaseException:
        change_key(db, current)
        raise
