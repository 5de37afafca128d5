"""Where the record lives: a read-only place is refused, a synced folder is warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesodesk.core.db import open_database, opening
from mesodesk.core.errors import KnownError


@pytest.mark.parametrize("folder", ["Dropbox", "OneDrive - Clinique", "Mobile Documents"])
def test_a_synced_folder_is_warned_about(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "mesodesk.sqlite"
    warnings = opening.location_warnings(path)
    assert len(warnings) == 1 and "synced folder" in warnings[0]


def test_a_local_folder_needs_no_warning(tmp_path: Path) -> None:
    assert opening.location_warnings(tmp_path / "mesodesk.sqlite") == []


def test_a_read_only_location_is_refused_before_anything_is_written(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, for whom chmod changes nothing (PITFALLS.md): pretend instead.
    monkeypatch.setattr(opening, "_writable", lambda _path: False)
    before = db_path.read_bytes()
    with pytest.raises(KnownError, match="read-only location"):
        open_database(db_path)
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()
