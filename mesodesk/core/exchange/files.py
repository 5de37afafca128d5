"""Writing export files safely, and naming them after patients safely."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from mesodesk.core.errors import KnownError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}  # fmt: skip


def safe_filename(text: str, *, fallback: str = "export", limit: int = 80) -> str:
    """A file name made from ``text`` (a patient's name) that every system accepts.

    Path separators, control characters and characters Windows refuses become ``_``;
    bidirectional marks are dropped; leading dots and trailing dots or spaces go; names
    Windows reserves (``CON``, ``NUL``…) get a ``_`` prefix. Accents are kept.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Cs"))
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").rstrip(". ")
    text = text[:limit].rstrip(". ")
    if not text or set(text) <= {"_", " "}:
        return fallback
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is synced and renamed.

    If the block raises (an error, a cancel), the temporary file is removed and
    ``target`` is left as it was: there is never a half-written export.
    """
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise KnownError(f"The folder {folder} does not exist.")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise KnownError(f"Cannot write in {folder}: {error.strerror or error}.") from None
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
        _fsync_dir(folder)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise KnownError(f"Cannot write {target}: {error.strerror or error}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
