"""Where a record's attached files (clinical photos) live: a ``photos`` folder beside it.

Files are named by the SHA-256 of their content, so the same picture is stored once and
a changed file cannot pass for the original.
"""

from __future__ import annotations

from pathlib import Path


def photos_folder(database_path: Path) -> Path:
    """The photos folder of the record at ``database_path`` (not created here)."""
    return Path(database_path).parent / "photos"
