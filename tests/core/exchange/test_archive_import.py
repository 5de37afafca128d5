"""Importing an archive: damaged archives and occupied records are refused untouched.

Each damaged archive is made from a good one by changing one thing; unless the test is
about the hashes, the manifest is updated to match, so the check that must catch the
damage is the one under test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mesodesk.core.db import Database
from mesodesk.core.db.engine import make_engine
from mesodesk.core.db.migrate import head_revision
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.archive import MANIFEST_NAME, export_archive
from mesodesk.core.exchange.archive_import import import_archive, verify_archive
from mesodesk.core.exchange.progress import Cancelled
from tests.core.conftest import Helene
from tests.core.exchange.test_archive import add_photo, members, record_visit, table_files

Files = dict[str, bytes]
Change = Callable[[Files, dict[str, Any]], None]


@pytest.fixture
def archive(helene: Helene, tmp_path: Path) -> Path:
    """Mme Dubois's practice after her first session, with one photo, as an archive."""
    record_visit(helene)
    add_photo(helene.db, helene.patient, b"\xff\xd8 a thigh", tmp_path / "photos")
    folder = tmp_path / "archives"
    folder.mkdir()
    out = folder / "practice.zip"
    export_archive(helene.db, out, photos_dir=tmp_path / "photos")
    return out


def rewrite(archive: Path, change: Change, *, rehash: bool = True) -> Path:
    """A copy of ``archive`` with ``change`` applied to its files and manifest."""
    files = members(archive)
    manifest = json.loads(files.pop(MANIFEST_NAME))
    change(files, manifest)
    if rehash:
        for name, data in files.items():
            if name in manifest["members"]:
                manifest["members"][name] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
    damaged = archive.with_name("damaged.zip")
    with zipfile.ZipFile(damaged, "w") as out:
        for name, data in files.items():
            out.writestr(name, data)
        out.writestr(MANIFEST_NAME, json.dumps(manifest))
    return damaged


def edit_rows(table: str, edit: Callable[[list[dict[str, Any]]], None]) -> Change:
    """A change to the rows of one table (the row count in the manifest follows)."""

    def change(files: Files, manifest: dict[str, Any]) -> None:
        name = f"tables/{table}.jsonl"
        rows = [json.loads(line) for line in files[name].decode().splitlines()]
        edit(rows)
        files[name] = "".join(json.dumps(row) + "\n" for row in rows).encode()
        manifest["tables"][table] = len(rows)

    return change


def replace_text(name: str, old: bytes, new: bytes) -> Change:
    def change(files: Files, _manifest: dict[str, Any]) -> None:
        assert old in files[name]
        files[name] = files[name].replace(old, new, 1)

    return change


def set_in_manifest(key: str, value: object) -> Change:
    def change(_files: Files, manifest: dict[str, Any]) -> None:
        manifest[key] = value

    return change


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def drop(name: str) -> Change:
    def change(files: Files, _manifest: dict[str, Any]) -> None:
        del files[name]

    return change


def add(name: str) -> Change:
    def change(files: Files, _manifest: dict[str, Any]) -> None:
        files[name] = b"a note someone slipped in"

    return change


def count_off(files: Files, manifest: dict[str, Any]) -> None:
    manifest["tables"]["patient"] += 1


def not_a_number(files: Files, manifest: dict[str, Any]) -> None:
    name = "tables/measurement.jsonl"
    files[name] = files[name].replace(b'"value":58.5', b'"value":NaN', 1)


def cut_off(files: Files, manifest: dict[str, Any]) -> None:
    files["tables/patient.jsonl"] = files["tables/patient.jsonl"].rstrip(b"\n")


def not_utf8(files: Files, manifest: dict[str, Any]) -> None:
    files["tables/patient.jsonl"] = files["tables/patient.jsonl"].replace(
        "Hélène".encode(), "Hélène".encode("latin-1")
    )


def drop_table(table: str) -> Change:
    def change(files: Files, manifest: dict[str, Any]) -> None:
        del files[f"tables/{table}.jsonl"]
        del manifest["members"][f"tables/{table}.jsonl"]
        del manifest["tables"][table]

    return change


def drop_photos(files: Files, manifest: dict[str, Any]) -> None:
    for name in [n for n in files if n.startswith("attachments/")]:
        del files[name]


def misnamed_photo(files: Files, manifest: dict[str, Any]) -> None:
    [name] = [n for n in files if n.startswith("attachments/")]
    files[name] = b"\xff\xd8 another picture"


# Damage that the check before writing must find: verify_archive refuses it, and so does
# import_archive, before any file is made.
BEFORE_WRITING: dict[str, tuple[Change, bool, str]] = {
    "a file changed": (
        replace_text("tables/patient.jsonl", b"Dubois", b"Dupont"),
        False,
        "tables/patient.jsonl does not match its hash",
    ),
    "a wrong size": (
        lambda f, m: m["members"]["tables/course.jsonl"].update(size=1),
        False,
        "tables/course.jsonl does not match its hash",
    ),
    "bad JSON in a table": (
        replace_text("tables/course.jsonl", b'{"id":1', b'{"id":1,'),
        True,
        "line 1 of tables/course.jsonl is not valid JSON",
    ),
    "not a number": (not_a_number, True, "is not valid JSON"),
    "a row that is not an object": (
        edit_rows("setting", lambda rows: rows.append([1, 2])),  # type: ignore[arg-type]
        True,
        "tables/setting.jsonl is not a JSON object",
    ),
    "a missing file": (drop("tables/consent.jsonl"), False, "tables/consent.jsonl is missing"),
    "a file not listed": (add("notes.txt"), False, "notes.txt is not listed in its manifest"),
    "a missing photo file": (drop_photos, False, "attachments/[0-9a-f]{64} is missing"),
    "a photo that is not what its name says": (misnamed_photo, True, "is not named by its hash"),
    "a row count that differs": (count_off, False, "holds 1 rows, its manifest says 2"),
    "the last line cut off": (cut_off, True, "the last line of tables/patient.jsonl is cut off"),
    "text that is not UTF-8": (not_utf8, True, "tables/patient.jsonl is not UTF-8"),
    "a newer layout": (set_in_manifest("layout", 2), True, "newer mesodesk \\(archive layout 2"),
    "a newer schema": (set_in_manifest("schema_revision", "0099"), True, "schema 0099"),
    "no layout": (set_in_manifest("layout", "one"), True, "no valid layout version"),
    "another format": (set_in_manifest("format", "zip of photos"), True, "mesodesk archive"),
    "no table list": (set_in_manifest("tables", []), True, "manifest.json has no valid tables"),
}

# Damage that only building the record shows: the archive is whole, but its rows are not
# what the record allows. The new file is removed and the target left as it was.
WHILE_BUILDING: dict[str, tuple[Change, str]] = {
    "a value of the wrong type": (
        edit_rows("patient", lambda rows: rows[0].update(date_of_birth=19840512)),
        "line 1 of tables/patient.jsonl: date_of_birth is not a str",
    ),
    "a column too many": (
        edit_rows("patient", lambda rows: rows[0].update(password="x")),
        "its columns differ from the table's \\(password\\)",
    ),
    "a missing value": (
        edit_rows("course", lambda rows: rows[0].update(planned_sessions=None)),
        "planned_sessions is not a int",
    ),
    "a date that is not one": (
        edit_rows("course", lambda rows: rows[0].update(start_date="1st September")),
        "Invalid isoformat string",
    ),
    "a duplicate row": (
        edit_rows("patient", lambda rows: rows.append(rows[0])),
        "UNIQUE constraint failed: patient.id",
    ),
    "a reference to nothing": (
        edit_rows("course", lambda rows: rows[0].update(patient_id=999)),
        "course row 1 refers to a patient row that the archive does not hold",
    ),
    "an altered audit trail": (
        edit_rows("audit_entry", lambda rows: rows[3].update(actor="Dr Nobody")),
        "audit trail was altered \\(entry 4",
    ),
    "a missing table": (
        drop_table("setting"),
        f"its tables are not those of schema {head_revision()} \\(setting\\)",
    ),
}


@pytest.mark.parametrize("case", BEFORE_WRITING, ids=str)
def test_a_damaged_archive_is_refused_before_anything_is_written(
    archive: Path, tmp_path: Path, case: str
) -> None:
    change, rehash, message = BEFORE_WRITING[case]
    damaged = rewrite(archive, change, rehash=rehash)
    folder = tmp_path / "new"
    folder.mkdir()
    with pytest.raises(KnownError, match=message):
        verify_archive(damaged)
    with pytest.raises(KnownError, match=message):
        import_archive(damaged, folder / "record.sqlite", photos_dir=folder / "photos")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("case", WHILE_BUILDING, ids=str)
def test_rows_the_record_does_not_allow_are_refused_and_nothing_is_left(
    archive: Path, tmp_path: Path, case: str
) -> None:
    change, message = WHILE_BUILDING[case]
    damaged = rewrite(archive, change)
    folder = tmp_path / "new"
    folder.mkdir()
    with pytest.raises(KnownError, match=message):
        import_archive(damaged, folder / "record.sqlite", photos_dir=folder / "photos")
    assert list(folder.iterdir()) == []


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "practice.zip"
    fake.write_text("PK? no, a letter to the accountant")
    with pytest.raises(KnownError, match="is not a mesodesk archive"):
        verify_archive(fake)
    with pytest.raises(KnownError, match="is not a mesodesk archive"):
        import_archive(fake, tmp_path / "record.sqlite")
    assert [p.name for p in tmp_path.iterdir()] == ["practice.zip"]


def test_a_zip_without_a_manifest_is_refused(archive: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as out:
        out.writestr("tables/patient.jsonl", b"{}\n")
    with pytest.raises(KnownError, match=r"it has no manifest\.json"):
        import_archive(bare, tmp_path / "new.sqlite")
    assert not (tmp_path / "new.sqlite").exists()


def test_a_manifest_that_is_not_json_is_refused(archive: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(broken, "w") as out:
        for name in source.namelist():
            out.writestr(name, b"{'tables': " if name == MANIFEST_NAME else source.read(name))
    with pytest.raises(KnownError, match=r"manifest\.json is not valid JSON"):
        verify_archive(broken)


# --- where the record goes ---------------------------------------------------------------


def test_a_record_that_holds_patients_is_refused_untouched(helene: Helene, archive: Path) -> None:
    helene.db.close()
    before = listing(helene.db.path.parent)
    with pytest.raises(KnownError) as refused:
        import_archive(archive, helene.db.path)
    assert str(refused.value) == (
        f"{helene.db.path} already holds 1 patient; import an archive into a new or empty record."
    )
    assert listing(helene.db.path.parent) == before


def test_a_fresh_empty_record_is_moved_aside(
    archive: Path, template_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "fresh" / "record.sqlite"
    db_path.parent.mkdir()
    shutil.copyfile(template_db, db_path)  # made by open_database: catalogues, no patient
    fresh = db_path.read_bytes()
    summary = import_archive(archive, db_path)

    assert summary.moved_aside is not None
    assert summary.moved_aside.parent == db_path.parent
    assert summary.moved_aside.name.startswith("record-before-import-")
    assert summary.moved_aside.read_bytes() == fresh
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT family_name FROM patient").fetchall() == [("Dubois",)]
    assert summary.patients == 1


def test_an_import_into_a_new_folder_makes_the_record_and_its_photos(
    archive: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new computer" / "mesodesk" / "record.sqlite"
    photos = target.parent / "photos"
    summary = import_archive(archive, target, photos_dir=photos)

    assert target.is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["photos", "record.sqlite"]
    [photo] = photos.iterdir()
    assert photo.read_bytes() == b"\xff\xd8 a thigh"
    assert hashlib.sha256(photo.read_bytes()).hexdigest() == photo.name
    assert summary.attachments_copied == 1 and summary.attachments_present == 0
    assert summary.moved_aside is None and not summary.migrated
    assert str(summary).startswith("1 patient, ")
    assert "1 photo file in place" in str(summary)

    again = import_archive(archive, tmp_path / "second.sqlite", photos_dir=photos)
    assert again.attachments_copied == 0 and again.attachments_present == 1


def test_an_archive_of_an_older_schema_is_brought_up_to_date(archive: Path, tmp_path: Path) -> None:
    fixture = Path(__file__).parents[2] / "fixtures" / "schema-0001.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)) as conn:
        in_0001 = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}

    def as_0001(files: Files, manifest: dict[str, Any]) -> None:
        # The tables added since 0001 (templates, photo pairs…) are empty in this record.
        for table in [t for t in manifest["tables"] if t not in in_0001]:
            assert files.pop(f"tables/{table}.jsonl") == b""
            del manifest["members"][f"tables/{table}.jsonl"]
            del manifest["tables"][table]
        manifest["schema_revision"] = "0001"

    older = rewrite(archive, as_0001)
    target = tmp_path / "new.sqlite"
    summary = import_archive(older, target)

    assert summary.migrated and summary.schema_revision == "0001"
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    again = tmp_path / "again.zip"
    copy = Database(target, make_engine(target))
    try:
        export_archive(copy, again)
    finally:
        copy.close()
    assert table_files(again) == table_files(archive)


# --- cancelling ----------------------------------------------------------------------------


def test_a_cancel_at_any_point_leaves_nothing(archive: Path, tmp_path: Path) -> None:
    calls: list[int] = []
    counted = tmp_path / "counted"
    import_archive(
        archive, counted / "record.sqlite", photos_dir=counted / "photos",
        progress=lambda done, total: calls.append(done),
    )  # fmt: skip
    assert len(calls) > 20
    for stop in (1, len(calls) // 4, len(calls) // 2, len(calls) - 2, len(calls)):

        def cancel(done: int, total: int, stop: int = stop) -> None:
            calls.append(done)
            if len(calls) == stop:
                raise Cancelled

        folder = tmp_path / f"cancelled at {stop}"
        folder.mkdir()
        calls.clear()
        with pytest.raises(Cancelled):
            import_archive(
                archive, folder / "record.sqlite", photos_dir=folder / "photos", progress=cancel
            )
        assert [p for p in folder.rglob("*") if p.is_file()] == [], stop


def test_a_record_open_in_another_mesodesk_is_refused(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "record.sqlite"
    target.parent.mkdir()
    target.write_bytes(b"")  # a record being made by the window that holds the lock
    lock = target.with_name("record.sqlite.lock")
    lock.write_text(f"{os.getppid()}\n")  # a process that runs: the one that started pytest
    with pytest.raises(KnownError, match=f"mesodesk is open on .* \\(process {os.getppid()}\\)"):
        import_archive(archive, target)
    assert target.read_bytes() == b""
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "record.sqlite",
        "record.sqlite.lock",
    ]
