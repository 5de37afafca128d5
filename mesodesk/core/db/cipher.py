"""SQLCipher underneath: keyed connections, telling an encrypted file from a plain one,
and the errors for a missing or wrong password.

An encrypted record is an SQLCipher 4 file (the ``sqlcipher3`` driver, AES-256 pages
with an HMAC each, the key derived from the password with PBKDF2-HMAC-SHA512 and a
salt of its own in the file's first 16 bytes). Nothing in it is readable without the
password, not even its header: without the key an encrypted file and random bytes look
the same, so a file that is not plain SQLite and is made of whole pages *may* be an
encrypted record, and only the password tells.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlcipher3  # type: ignore[import-untyped]

from mesodesk.core.errors import DamagedDatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher's smallest page; every SQLite or SQLCipher file is a whole number of pages.
SMALLEST_PAGE = 512

# sqlcipher3's exceptions are its own classes, not sqlite3's: catch both.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)

_CONNECT_FAILURES: tuple[type[Exception], ...] = (*DRIVER_ERRORS, ValueError)

NEEDS_PASSWORD = "This record is encrypted; it needs its password."
WRONG_PASSWORD = "This record is encrypted; the password is wrong."


class PasswordNeededError(DamagedDatabaseError):
    """The file is encrypted (or, if it never was, damaged) and no password was given.

    A :class:`DamagedDatabaseError` too: without its password the file cannot be read,
    and it is left untouched.
    """

    def __init__(self, message: str = NEEDS_PASSWORD) -> None:
        super().__init__(message)


class WrongPasswordError(DamagedDatabaseError):
    """The password given does not open the encrypted file; it is left untouched."""

    def __init__(self, message: str = WRONG_PASSWORD) -> None:
        super().__init__(message)


def _quiet_driver() -> None:
    # SQLCipher logs every failed page decryption (a wrong key) to stderr; the message
    # the practitioner reads is ours. The log level is global to the library.
    connection = sqlcipher3.connect(":memory:")
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
    finally:
        connection.close()


_quiet_driver()


def is_plain(path: Path) -> bool:
    """Does ``path`` start with SQLite's header (a plain, unencrypted database)?"""
    try:
        with path.open("rb") as stream:
            return stream.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def looks_encrypted(path: Path) -> bool:
    """Could ``path`` be an encrypted record: a file of whole pages without SQLite's header?

    Only the password can tell an encrypted file from one damaged beyond its header.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return path.is_file() and size > 0 and size % SMALLEST_PAGE == 0 and not is_plain(path)


def key_literal(key: str) -> str:
    """``key`` as an SQL string literal, for ``PRAGMA key`` (pragmas take no parameters)."""
    return "'" + key.replace("'", "''") + "'"


def check_key_text(key: str) -> None:
    """Refuse a password SQLCipher cannot take as it is (empty, or with a NUL)."""
    if not key or "\x00" in key:
        raise ValueError("an encryption key must be non-empty text without NUL characters")


def connect(target: Path | str, key: str | None, *, uri: bool = False) -> sqlite3.Connection:
    """A DB-API connection to ``target``: plain sqlite3 when ``key`` is None, else a
    SQLCipher connection keyed with it (same interface as :mod:`sqlite3`'s)."""
    if key is None:
        return sqlite3.connect(target, uri=uri)
    check_key_text(key)
    connection = sqlcipher3.connect(str(target), uri=uri)
    connection.execute(f"PRAGMA key = {key_literal(key)}")
    return connection  # type: ignore[no-any-return]


def key_for(path: Path, key: str | None) -> str | None:
    """The key to open ``path`` with: None for a plain file (whatever was given), else ``key``.

    Raises :class:`PasswordNeededError` for a file that may be encrypted when no key was
    given. A missing file counts as plain (it would be created plain).
    """
    if not path.exists() or is_plain(path) or not looks_encrypted(path):
        return None
    if key is None:
        raise PasswordNeededError()
    return key


def require_key(connection: sqlite3.Connection, error: str = WRONG_PASSWORD) -> None:
    """Raise :class:`WrongPasswordError` (with ``error``) unless ``connection``'s key reads
    the file.

    Page 1 holds the schema: a key that cannot read it is wrong. (SQLCipher checks each
    page's HMAC, and cannot tell a wrong key from a first page damaged beyond repair.)
    """
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DATABASE_ERRORS as exc:
        raise WrongPasswordError(error) from exc


def opens_with(uri: str, key: str) -> bool:
    """Does ``key`` decrypt the file at the read-only ``uri``? (One key derivation.)"""
    try:
        connection = connect(uri, key, uri=True)
    except _CONNECT_FAILURES:
        return False
    try:
        require_key(connection)
    except WrongPasswordError:
        return False
    finally:
        connection.close()
    return True
