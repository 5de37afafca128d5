"""Photos in the backups: every stored photo is copied beside the database copies.

Photo files are named by the SHA-256 of their content and never change, so a backup
folder keeps one ``photos/`` folder for all its database copies: each backup adds the
photos it does not hold yet (checked against their name before they count), rotation
never removes any (an older database copy may still name them), and a restore puts back
the photos that are missing beside the record. Previews (``thumbs/``, ``display/``) are
not copied: they are rebuilt from the originals.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from mesodesk.core.attachments import photos_folder
from mesodesk.core.errors import KnownError

PHOTOS = "photos"
_NAME = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


@dataclass
class PhotoCopy:
    copied: int = 0
    damaged: tuple[str, ...] = ()  # originals whose content no longer matches their name


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _originals(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _NAME.match(p.name))


def _copy_missing(source: Path, target: Path) -> PhotoCopy:
    """Copy each original of ``source`` that ``target`` lacks, verified by its hash."""
    result = PhotoCopy()
    damaged = []
    for original in _originals(source):
        destination = target / original.name
        if destination.exists():
            continue
        if _digest(original) != original.name:
            damaged.append(original.name)  # never spread a changed file as the photo
            continue
        target.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".part")
        try:
            shutil.copyfile(original, partial)
            with open(partial, "rb+") as written:
                os.fsync(written.fileno())
            os.replace(partial, destination)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise KnownError(
                f"The photos could not be copied to {target}: {error.strerror or error}."
            ) from None
        result.copied += 1
    result.damaged = tuple(damaged)
    return result


def back_up_photos(db_path: Path, backup_folder: Path) -> PhotoCopy:
    """Add the record's photos that the backup folder does not hold yet."""
    return _copy_missing(photos_folder(db_path), backup_folder / PHOTOS)


def restore_photos(backup_folder: Path, db_path: Path) -> PhotoCopy:
    """Put back beside the record the photos it lacks, from a backup folder."""
    return _copy_missing(backup_folder / PHOTOS, photos_folder(db_path))
