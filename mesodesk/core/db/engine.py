"""SQLite connections with the settings of DESIGN.md "Data safety", plain or encrypted."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "mesodesk_write"


def make_engine(path: Path, key: str | None = None) -> Engine:
    """Return an engine on ``path``: WAL, synchronous FULL, foreign keys, early write locks.

    With ``key``, the file is an SQLCipher one: SQLAlchemy's ``sqlite+pysqlcipher``
    dialect sends ``PRAGMA key`` first on every new connection, before the pragmas
    below (which could not read an encrypted file otherwise). Its default pool keeps one
    connection per thread; a read and a write session open together need two, so the
    pool is the same as for a plain file. Each new connection derives the key again
    (a fraction of a second), which a pool makes rare.
    """
    connect_args = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if key is None:
        engine = create_engine(f"sqlite+pysqlite:///{path}", connect_args=connect_args)
    else:
        url = URL.create("sqlite+pysqlcipher", password=key, database=str(path))
        engine = create_engine(url, connect_args=connect_args, poolclass=QueuePool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the driver, which begins late (PITFALLS.md).
    dbapi_connection.isolation_level = None
    # SQLite's lower() knows only ASCII; names and numbers compare with Python's casefold.
    dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _casefold(value: str | int | float | None) -> str | int | float | None:
    return value.casefold() if isinstance(value, str) else value


def _on_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN, so two writers never deadlock half-way;
    # readers begin deferred and read one consistent snapshot.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
