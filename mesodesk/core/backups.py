"""Verified backups: automatic daily/weekly/monthly copies, a second folder, restore.

Every copy is made with SQLite's backup API, checked with ``integrity_check`` and
only then given its name (see :func:`mesodesk.core.db.backup.copy_database`). The
copies of an encrypted record are encrypted with its password (``key``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mesodesk.core.db.backup import connect_readonly, copy_database
from mesodesk.core.db.cipher import PasswordNeededError, WrongPasswordError, is_plain
from mesodesk.core.db.opening import inspect_file
from mesodesk.core.db.replacing import move_record
from mesodesk.core.errors import DamagedDatabaseError, KnownError
from mesodesk.core.photo_backups import back_up_photos, restore_photos

KEEP = {"daily": 7, "weekly": 4, "monthly": 12}
KINDS = (*KEEP, "manual", "before-restore", "before-migration")
_NAME = re.compile(
    rf"^(?P<stem>.+)-(?P<kind>{'|'.join(KINDS)})-(?P<stamp>\d{{8}}-\d{{6}})\.sqlite$"
)
STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    kind: str
    taken_at: dt.datetime
    size_bytes: int

    @property
    def encrypted(self) -> bool:
        return not is_plain(self.path)

    def counts(self, key: str | None = None) -> tuple[int, int]:
        """How many patients and sessions the backup holds (read-only look).

        An encrypted backup is read with ``key``; a wrong key raises the driver's
        ``DatabaseError`` (see ``mesodesk.core.db.cipher.DATABASE_ERRORS``).
        """
        with contextlib.closing(connect_readonly(self.path, key)) as conn:
            patients = conn.execute("SELECT count(*) FROM patient").fetchone()[0]
            sessions = conn.execute(
                "SELECT count(*) FROM treatment_session WHERE voided = 0"
            ).fetchone()[0]
        return int(patients), int(sessions)


@dataclass
class BackupRun:
    made: list[BackupInfo] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _info(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    taken = dt.datetime.strptime(match["stamp"], STAMP)
    return BackupInfo(path, match["kind"], taken, path.stat().st_size)


def list_backups(folder: Path) -> list[BackupInfo]:
    """The backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [info for p in folder.glob("*.sqlite") if (info := _info(p)) is not None]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def make_backup(
    db_path: Path,
    folder: Path,
    kind: str = "manual",
    now: dt.datetime | None = None,
    key: str | None = None,
) -> BackupInfo:
    """Write a verified copy of the database into ``folder`` (encrypted with ``key`` when
    the database is), and the photos the folder does not hold yet."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = now or dt.datetime.now()
    target = folder / f"{db_path.stem}-{kind}-{now.strftime(STAMP)}.sqlite"
    copy_database(db_path, target, key)
    photos = back_up_photos(db_path, folder)
    if photos.damaged:
        raise KnownError(
            f"The record was backed up to {target.name}, but {len(photos.damaged)} photo "
            f"file(s) beside it no longer match their content and were not copied: "
            f"{', '.join(name[:12] for name in photos.damaged)}…"
        )
    info = _info(target)
    assert info is not None
    return info


def _period(kind: str, when: dt.datetime) -> tuple[int, ...]:
    if kind == "daily":
        return (when.year, when.month, when.day)
    if kind == "weekly":
        return tuple(when.isocalendar()[:2])
    return (when.year, when.month)


def rotate(folder: Path) -> list[Path]:
    """Keep the newest 7 daily, 4 weekly and 12 monthly backups; remove older ones."""
    removed = []
    for kind, keep in KEEP.items():
        for old in [b for b in list_backups(folder) if b.kind == kind][keep:]:
            old.path.unlink()
            removed.append(old.path)
    return removed


def automatic_backup(
    db_path: Path,
    folder: Path,
    *,
    mirror: Path | None = None,
    now: dt.datetime | None = None,
    key: str | None = None,
) -> BackupRun:
    """The backup made at the first start of a day and on closing.

    A daily copy when today has none yet, promoted to the week's and the month's copy
    when those are missing; then rotation. With ``mirror`` (a USB drive), the same
    copies go there too, or a warning says the folder is missing.
    """
    now = now or dt.datetime.now()
    run = BackupRun()
    targets = [folder]
    if mirror is not None:
        if mirror.is_dir() and os.access(mirror, os.W_OK):
            targets.append(mirror)
        else:
            run.warnings.append(
                f"The second backup folder {mirror} is not available (is the drive plugged "
                "in?); the backup went only to the usual folder."
            )
    for target in targets:
        present = list_backups(target)
        for kind in KEEP:
            if not any(
                b.kind == kind and _period(kind, b.taken_at) == _period(kind, now) for b in present
            ):
                try:
                    run.made.append(make_backup(db_path, target, kind, now, key))
                except KnownError as exc:
                    run.warnings.append(str(exc))
        run.removed += rotate(target)
    return run


def holder_of_lock(db_path: Path) -> int | None:
    """The process id holding the window's lock on ``db_path``, if it still runs."""
    lock = db_path.with_name(db_path.name + ".lock")
    try:
        pid = int(lock.read_text(encoding="utf-8", errors="replace").splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def restore_backup(
    db_path: Path, backup: Path, now: dt.datetime | None = None, key: str | None = None
) -> Path:
    """Replace the database with a verified backup; the current file is moved aside.

    Returns where the current database went. Nothing is overwritten: the old file
    and its ``-wal``/``-shm`` companions keep their contents under a new name. An
    encrypted backup is read with ``key`` (the password it was made with, which an
    older backup may not share with the record) and restored encrypted with it; a plain
    backup is restored plain.
    """
    now = now or dt.datetime.now()
    if not backup.is_file():
        raise KnownError(f"There is no backup at {backup}.")
    if (pid := holder_of_lock(db_path)) is not None and pid != os.getpid():
        raise KnownError(f"mesodesk is open on {db_path} (process {pid}); close it first.")
    try:
        inspect_file(backup, key)
    except PasswordNeededError as exc:
        raise PasswordNeededError(
            f"The backup {backup.name} is encrypted; it needs its password. Nothing was changed."
        ) from exc
    except WrongPasswordError as exc:
        raise WrongPasswordError(
            f"The backup {backup.name} is encrypted with another password (an earlier one?); "
            "nothing was changed."
        ) from exc
    with contextlib.closing(connect_readonly(backup, key)) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchall()
    if verdict != [("ok",)]:
        raise DamagedDatabaseError(f"The backup {backup.name} is damaged ({verdict[0][0]}).")
    aside = db_path.with_name(f"{db_path.stem}-before-restore-{now.strftime(STAMP)}.sqlite")
    if db_path.exists():
        move_record(db_path, aside)
    copy_database(backup, db_path, key)
    restore_photos(backup.parent, db_path)
    return aside
