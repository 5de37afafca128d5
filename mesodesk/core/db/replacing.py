"""Putting a new file in place of a record with no moment where neither exists, and
removing the old plain file as securely as a file system allows.

Used when a record is encrypted: the verified encrypted copy (``NAME.encrypting``)
takes the record's name in one atomic rename, while a second name (``NAME.plain``)
keeps the plain original only until it has been overwritten and removed. If mesodesk
stops half-way, :func:`recover_interrupted` finishes or undoes the swap at the next
opening, so the record is never missing and no plain copy lingers.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CHUNK = 1 << 20


def encrypting_name(path: Path) -> Path:
    """Where the encrypted copy of ``path`` is written before it is swapped in."""
    return path.with_name(path.name + ".encrypting")


def aside_name(path: Path) -> Path:
    """Where the plain original of ``path`` waits to be overwritten and removed."""
    return path.with_name(path.name + ".plain")


def move_record(source: Path, destination: Path) -> None:
    """Rename a record with its ``-wal`` and ``-shm`` companions, which belong to it: a
    restore or an import moves the current record aside this way, keeping every byte."""
    for suffix in ("-wal", "-shm", ""):
        companion = Path(f"{source}{suffix}")
        if companion.exists():
            companion.replace(Path(f"{destination}{suffix}"))


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_in(path: Path, new: Path) -> Path:
    """Give ``new`` the name ``path``; return the name the old file now has (to remove).

    With a hard link the old file gets its second name first and the rename replaces
    ``path`` atomically: at every instant ``path`` is the whole old or the whole new
    file. Where links are not supported (FAT drives) the old file is renamed aside
    first, and put back if the second rename fails.
    """
    aside = aside_name(path)
    try:
        os.link(path, aside)
        linked = True
    except OSError:
        path.replace(aside)
        linked = False
    try:
        new.replace(path)
    except OSError:
        if linked:
            aside.unlink()
        else:
            aside.replace(path)
        raise
    with contextlib.suppress(OSError):  # some systems cannot sync a folder
        fsync_path(path.parent)
    return aside


def remove_securely(path: Path) -> None:
    """Overwrite ``path`` with zeros, flush, then remove it.

    Enough on a hard disk; on an SSD (or a copy-on-write or journalling file system)
    the old blocks may survive elsewhere until reused, which only encrypting the whole
    disk prevents. A file with another name (a hard link) is only unlinked: overwriting
    it would wipe the other name's data too.
    """
    if not path.exists():
        return
    if path.stat().st_nlink == 1:
        size = path.stat().st_size
        with path.open("r+b") as stream:
            written = 0
            zeros = bytes(CHUNK)
            while written < size:
                step = min(CHUNK, size - written)
                stream.write(zeros[:step])
                written += step
            stream.flush()
            os.fsync(stream.fileno())
    path.unlink()
    with contextlib.suppress(OSError):
        fsync_path(path.parent)


def recover_interrupted(path: Path) -> None:
    """Tidy what an interrupted encryption of ``path`` left: put the record back if the
    swap stopped between its two renames, and remove the temporary files."""
    aside, encrypting = aside_name(path), encrypting_name(path)
    if aside.exists():
        if not path.exists():
            aside.replace(path)  # stopped between the renames: the plain record returns
        elif path.samefile(aside):
            aside.unlink()  # stopped before the swap: only a second name to drop
        else:
            remove_securely(aside)  # stopped after the swap: the plain original goes
    # An encrypted copy that was never swapped in: made again from the record if wanted.
    encrypting.unlink(missing_ok=True)
