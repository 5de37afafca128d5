"""Opening a database file in the start-up order of DESIGN.md "Data safety".

Check first, touch later: a damaged file or one from a newer mesodesk is reported and
left exactly as it was; a file that needs migrating is backed up before it is changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from mesodesk.core.db.backup import copy_database, readonly_uri
from mesodesk.core.db.cipher import (
    DATABASE_ERRORS,
    connect,
    is_plain,
    key_for,
    looks_encrypted,
    require_key,
)
from mesodesk.core.db.database import Database
from mesodesk.core.db.engine import WRITE_OPTION, make_engine
from mesodesk.core.db.integrity import IntegrityGate, quick_check_problem
from mesodesk.core.db.migrate import current_revision, head_revision, known_revisions, upgrade
from mesodesk.core.db.replacing import recover_interrupted
from mesodesk.core.errors import DamagedDatabaseError, KnownError, NewerDatabaseError

# Folders kept in step by a sync client: two computers writing one SQLite file through
# them corrupt it, and a sync mid-write copies half a transaction.
SYNCED_FOLDER_MARKS = (
    "dropbox",
    "onedrive",
    "icloud",
    "google drive",
    "googledrive",
    "mobile documents",
    "nextcloud",
    "owncloud",
    "seafile",
    "syncthing",
    "box sync",
    "pcloud",
)
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "afpfs", "9p"}


def inspect_file(path: Path, key: str | None = None, *, quick_check: bool = True) -> str | None:
    """Check an existing file without writing to it; return its schema revision.

    ``None`` means an empty SQLite database that mesodesk may set up. An encrypted file
    is read with ``key``: without one it raises :class:`PasswordNeededError`, with a
    wrong one :class:`WrongPasswordError`. A plain file ignores ``key``. Without
    ``quick_check`` the pages are not all read: only the header, the schema and the
    revision (see :mod:`mesodesk.core.db.integrity` for who checks the rest, and when).
    """
    if path.is_dir():
        raise DamagedDatabaseError(f"{path} is a folder, not a mesodesk database.")
    if not is_plain(path) and not looks_encrypted(path):
        raise DamagedDatabaseError(
            f"{path} is not a mesodesk database or is damaged (its header is not SQLite's); "
            "it was left untouched."
        )
    file_key = key_for(path, key)
    try:
        with contextlib.closing(connect(readonly_uri(path), file_key, uri=True)) as conn:
            if file_key is not None:
                require_key(conn)
            if quick_check and (problem := quick_check_problem(conn, path)) is not None:
                raise DamagedDatabaseError(problem)
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DamagedDatabaseError(f"{path} is an SQLite file but not a mesodesk database.")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except DATABASE_ERRORS as exc:
        raise DamagedDatabaseError(f"{path} is damaged ({exc}); it was left untouched.") from exc
    revision = row[0] if row else None
    if revision is not None and revision not in known_revisions():
        raise NewerDatabaseError(
            f"{path} was written by a newer version of mesodesk (schema {revision}); "
            "update mesodesk to open it. The file was left untouched."
        )
    return revision


def check_writable(path: Path) -> None:
    """Refuse a record whose file or folder cannot be written (a CD, a locked share)."""
    folder = path.parent if path.parent.exists() else path.parent.parent
    if (path.exists() and not _writable(path)) or not _writable(folder):
        raise KnownError(
            f"{path} is in a read-only location; mesodesk needs to write beside it (its "
            "journal). Copy the file to a folder you can write to, or use a backup."
        )


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def location_warnings(path: Path) -> list[str]:
    """Why the folder may be a poor home for the record (synced or network), in words."""
    warnings = []
    lowered = str(path.resolve()).casefold()
    if any(mark in lowered for mark in SYNCED_FOLDER_MARKS):
        warnings.append(
            f"{path.parent} looks like a synced folder (Dropbox, OneDrive, iCloud…). Two "
            "computers working on the record through it can damage it: keep the record in a "
            "local folder and let the backups go to the synced folder instead."
        )
    if _filesystem(path) in NETWORK_FILESYSTEMS:
        warnings.append(
            f"{path.parent} is on a network drive. SQLite's locking is unreliable there: keep "
            "the record on this computer's own disk."
        )
    return warnings


def _filesystem(path: Path) -> str:
    """The type of the file system holding ``path`` (Linux; empty elsewhere)."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    target, best, kind = str(path.resolve()), -1, ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > best:
            best, kind = len(parts[1]), parts[2]
    return kind


def _in_wal_mode(path: Path) -> bool:
    """Whether a plain file is in WAL mode already (header bytes 18 and 19 are 2).

    Opening a file in another mode switches it to WAL, which writes its header: such a
    file (a restored backup) is checked whole first. An encrypted header cannot be read
    without its key, so an encrypted file is checked whole first too.
    """
    if not is_plain(path):
        return False
    with path.open("rb") as stream:
        header = stream.read(20)
    return header[18:20] == b"\x02\x02"


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    backup_dir: Path | None = None,
    load_catalogues: bool = True,
    key: str | None = None,
    check_later: bool = False,
) -> Database:
    """Open (or, with ``create``, make) the database at ``path``, migrated to this version.

    Before a migration changes an existing file, a verified copy goes to ``backup_dir``
    (default: a ``backups`` folder beside the file). An encrypted record needs its
    password as ``key`` (:class:`PasswordNeededError` without it, :class:`WrongPasswordError`
    when it does not open the file); a plain file ignores ``key``, and a new file is
    always made plain (``mesodesk.core.db.encryption`` encrypts it).

    With ``check_later`` (the window), a record that needs no migration is opened after
    the cheap checks; its ``quick_check`` is left to ``database.integrity``, which the
    first write waits for (:mod:`mesodesk.core.db.integrity`). Without it, and for any
    record to be migrated or set up, the whole file is checked before anything else.
    """
    path = Path(path)
    recover_interrupted(path)  # an encryption stopped half-way: finish or undo the swap
    if path.exists():
        check_later = check_later and _in_wal_mode(path)
        revision = inspect_file(path, key, quick_check=not check_later)
        if check_later and revision != head_revision():
            revision, check_later = inspect_file(path, key), False
        check_writable(path)
        key = key_for(path, key)
    elif create:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_writable(path)
        revision, key = None, None
    else:
        raise KnownError(f"There is no mesodesk database at {path}.")
    check_later = check_later and revision is not None

    if revision is not None and revision != head_revision():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent / "backups"
        # Named like every other backup, so the restore list shows it.
        copy_database(path, folder / f"{path.stem}-before-migration-{stamp}.sqlite", key)

    engine = make_engine(path, key)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            if current_revision(connection) != head_revision():
                upgrade(connection)
    except Exception:
        engine.dispose()
        raise
    database = Database(path, engine, key)
    if check_later:
        database.integrity = IntegrityGate(path, key)
    if load_catalogues:
        from mesodesk.core.catalogues import sync_catalogues

        sync_catalogues(database)
    return database
