"""Verified copies of a database file, made with SQLite's backup API.

A copy of an encrypted record is encrypted with the same password (SQLCipher's backup
API re-encrypts each page with the copy's own salt), so no plain copy ever exists.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from mesodesk.core.db.cipher import DRIVER_ERRORS, connect, key_for, require_key
from mesodesk.core.errors import StorageError

_COPY_FAILURES: tuple[type[Exception], ...] = (*DRIVER_ERRORS, OSError)


def readonly_uri(path: Path) -> str:
    """A URI that reads ``path`` without writing anything beside it.

    With no ``-wal`` file there is nothing but the main file to read, and ``immutable``
    keeps SQLite from creating ``-wal`` and ``-shm`` next to a file it only inspects.
    A ``-wal`` left by a crash holds committed pages, so it must be read normally.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_readonly(path: Path, key: str | None = None) -> sqlite3.Connection:
    """A read-only connection to ``path`` (see :func:`readonly_uri`), keyed with ``key``
    when the file is encrypted; a plain file ignores ``key``.

    Raises :class:`~mesodesk.core.db.cipher.PasswordNeededError` for an encrypted file
    without a key; a wrong key shows up on the first query.
    """
    return connect(readonly_uri(path), key_for(path, key), uri=True)


def copy_database(source: Path, target: Path, key: str | None = None) -> Path:
    """Copy ``source`` to ``target`` consistently, verify the copy, and only then name it.

    The copy is a single file (``journal_mode=DELETE``) that passes ``integrity_check``;
    a copy that fails is removed and :class:`StorageError` raised. ``target`` must not exist.
    An encrypted ``source`` is read with ``key`` and copied encrypted with the same key.
    """
    if target.exists():
        raise StorageError(f"A backup named {target.name} already exists; nothing was written.")
    file_key = key_for(source, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(connect(readonly_uri(source), file_key, uri=True)) as src,
            contextlib.closing(connect(partial, file_key)) as dst,
        ):
            if file_key is not None:
                require_key(src)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            verdict = dst.execute("PRAGMA integrity_check").fetchall()
        if verdict != [("ok",)]:
            raise StorageError(f"The backup copy failed its integrity check: {verdict[0][0]}")
        _fsync(partial)
        partial.replace(target)
        _fsync(target.parent)
    except _COPY_FAILURES as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"The backup could not be written to {target.parent}: {exc}") from exc
    except BaseException:  # a refused check or key: nothing half-written stays
        partial.unlink(missing_ok=True)
        raise
    return target
