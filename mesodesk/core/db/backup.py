"""Verified copies of a database file, made with SQLite's backup API."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from mesodesk.core.errors import StorageError


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


def copy_database(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` consistently, verify the copy, and only then name it.

    The copy is a single file (``journal_mode=DELETE``) that passes ``integrity_check``;
    a copy that fails is removed and :class:`StorageError` raised. ``target`` must not exist.
    """
    if target.exists():
        raise StorageError(f"A backup named {target.name} already exists; nothing was written.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(readonly_uri(source), uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            verdict = dst.execute("PRAGMA integrity_check").fetchall()
        if verdict != [("ok",)]:
            raise StorageError(f"The backup copy failed its integrity check: {verdict[0][0]}")
        _fsync(partial)
        partial.replace(target)
        _fsync(target.parent)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"The backup could not be written to {target.parent}: {exc}") from exc
    except StorageError:
        partial.unlink(missing_ok=True)
        raise
    return target
