"""Opening a database file in the start-up order of DESIGN.md "Data safety".

Check first, touch later: a damaged file or one from a newer mesodesk is reported and
left exactly as it was; a file that needs migrating is backed up before it is changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

from mesodesk.core.db.backup import copy_database, readonly_uri
from mesodesk.core.db.database import Database
from mesodesk.core.db.engine import WRITE_OPTION, make_engine
from mesodesk.core.db.migrate import current_revision, head_revision, known_revisions, upgrade
from mesodesk.core.errors import DamagedDatabaseError, KnownError, NewerDatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"


def inspect_file(path: Path) -> str | None:
    """Check an existing file without writing to it; return its schema revision.

    ``None`` means an empty SQLite database that mesodesk may set up.
    """
    if path.is_dir():
        raise DamagedDatabaseError(f"{path} is a folder, not a mesodesk database.")
    with path.open("rb") as stream:
        header = stream.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DamagedDatabaseError(
            f"{path} is not a mesodesk database or is damaged (its header is not SQLite's); "
            "it was left untouched."
        )
    try:
        with contextlib.closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchall()
            if verdict != [("ok",)]:
                raise DamagedDatabaseError(
                    f"{path} is damaged ({verdict[0][0]}); it was left untouched."
                )
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DamagedDatabaseError(f"{path} is an SQLite file but not a mesodesk database.")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabaseError(f"{path} is damaged ({exc}); it was left untouched.") from exc
    revision = row[0] if row else None
    if revision is not None and revision not in known_revisions():
        raise NewerDatabaseError(
            f"{path} was written by a newer version of mesodesk (schema {revision}); "
            "update mesodesk to open it. The file was left untouched."
        )
    return revision


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    backup_dir: Path | None = None,
    load_catalogues: bool = True,
) -> Database:
    """Open (or, with ``create``, make) the database at ``path``, migrated to this version.

    Before a migration changes an existing file, a verified copy goes to ``backup_dir``
    (default: a ``backups`` folder beside the file).
    """
    path = Path(path)
    if path.exists():
        revision = inspect_file(path)
    elif create:
        path.parent.mkdir(parents=True, exist_ok=True)
        revision = None
    else:
        raise KnownError(f"There is no mesodesk database at {path}.")

    if revision is not None and revision != head_revision():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent / "backups"
        # Named like every other backup, so the restore list shows it.
        copy_database(path, folder / f"{path.stem}-before-migration-{stamp}.sqlite")

    engine = make_engine(path)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            if current_revision(connection) != head_revision():
                upgrade(connection)
    except Exception:
        engine.dispose()
        raise
    database = Database(path, engine)
    if load_catalogues:
        from mesodesk.core.catalogues import sync_catalogues

        sync_catalogues(database)
    return database
