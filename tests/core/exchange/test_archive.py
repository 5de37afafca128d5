"""The full archive: what an export holds, and that importing it gives the same record.

The round trips export a practice, import the archive into a new file and export that
again: every table's file must come out byte for byte the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.db.engine import make_engine
from mesodesk.core.db.health import check_database
from mesodesk.core.db.migrate import head_revision
from mesodesk.core.enums import Rater, Severity
from mesodesk.core.exchange.archive import (
    LAYOUT_VERSION,
    MANIFEST_NAME,
    archived_tables,
    export_archive,
)
from mesodesk.core.exchange.archive_import import import_archive, verify_archive
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.core.models import Base, Measurement, Photo
from mesodesk.core.services import measurements, patients, sessions
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.conftest import Clinic, Helene, add_course, simple_session
from tests.scenario import COURSE_START, LEFT_THIGH

HOSTILE = (
    "<b>x</b>",
    "'; DROP TABLE patient; --",
    "\u202eevil\u202c \u200f",  # right-to-left override and mark
    "Hélène Çà Ñoño Øre",
    "line\u2028separator\u2029paragraph",
    'quote " back\\slash',
    "=1+1",
    "😀 日本語 עברית",
    "x" * 100,
)


def members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def table_files(archive: Path) -> dict[str, bytes]:
    return {name: data for name, data in members(archive).items() if name.startswith("tables/")}


def rows_of(archive: Path, table: str) -> list[dict[str, object]]:
    lines = members(archive)[f"tables/{table}.jsonl"].decode().split("\n")
    assert lines.pop() == ""
    return [json.loads(line) for line in lines]


def stored_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored value of every table, as SQLite holds it (dates as text)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return {
            table.name: sorted(conn.execute(f'SELECT * FROM "{table.name}"'), key=repr)
            for table in archived_tables()
        }


def round_trip(db: Database, folder: Path) -> tuple[Path, Path, Path]:
    """Export ``db``, import it into a new record and export that: the three paths."""
    first = folder / "first.zip"
    export_archive(db, first)
    imported = folder / "moved" / "record.sqlite"
    import_archive(first, imported)
    again = folder / "again.zip"
    copy = Database(imported, make_engine(imported))
    try:
        export_archive(copy, again)
    finally:
        copy.close()
    return first, imported, again


def record_visit(helene: Helene) -> int:
    """Session 1 of SCENARIOS.md §2 with its measurements and a side effect."""
    saved = sessions.record_session(
        helene.db,
        helene.session(
            notes="Tolerated well; <i>no</i> bruising",
            measurements=(MeasurementData("circumference", 58.5, LEFT_THIGH),),
            side_effects=(SideEffectData("redness", Severity.MILD, COURSE_START, area_index=0),),
        ),
    )
    return saved.id


# --- what an export holds ----------------------------------------------------------------


def test_the_archive_holds_every_table_and_a_manifest_that_checks_it(
    helene: Helene, tmp_path: Path
) -> None:
    record_visit(helene)
    out = tmp_path / "practice.zip"
    export_archive(helene.db, out)

    files = members(out)
    manifest = json.loads(files.pop(MANIFEST_NAME))
    expected = [t.name for t in Base.metadata.sorted_tables if t.name != "alembic_version"]
    assert list(manifest["tables"]) == expected  # parents before children
    assert sorted(files) == sorted(f"tables/{name}.jsonl" for name in expected)
    assert manifest["format"] == "mesodesk archive"
    assert manifest["layout"] == LAYOUT_VERSION
    assert manifest["schema_revision"] == head_revision()
    assert manifest["created_at"].endswith("Z")
    for name, data in files.items():
        assert manifest["members"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    with sqlite3.connect(helene.db.path) as conn:
        for table, count in manifest["tables"].items():
            assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count
    assert manifest["tables"]["patient"] == 1
    assert manifest["tables"]["audit_entry"] > 10


def test_each_row_has_every_column_encoded_by_its_type(helene: Helene, tmp_path: Path) -> None:
    session_id = record_visit(helene)
    out = tmp_path / "practice.zip"
    export_archive(helene.db, out)

    [patient] = rows_of(out, "patient")
    columns = [c.name for c in Base.metadata.tables["patient"].columns]
    assert list(patient) == columns
    assert patient["given_names"] == "Hélène"
    assert patient["date_of_birth"] == "1984-05-12"
    assert patient["archived"] is False
    assert isinstance(patient["created_at"], str) and "T" in patient["created_at"]
    [visit] = [row for row in rows_of(out, "treatment_session") if row["id"] == session_id]
    assert visit["started_at"] == "2026-09-01T10:30:00"
    assert visit["aftercare_given"] is True
    assert visit["override_reason"] is None
    assert visit["notes"] == "Tolerated well; <i>no</i> bruising"
    values = {row["site"]: row["value"] for row in rows_of(out, "measurement")}
    assert values[LEFT_THIGH] == 58.5
    lots = rows_of(out, "cocktail_line")
    assert {type(row["volume_ml"]) for row in lots} == {float}


def test_rows_come_in_primary_key_order(helene: Helene, tmp_path: Path) -> None:
    record_visit(helene)
    out = tmp_path / "practice.zip"
    export_archive(helene.db, out)
    for table in archived_tables():
        keys = [tuple(row[c.name] for c in table.primary_key) for row in rows_of(out, table.name)]
        assert keys == sorted(keys), table.name


def add_photo(db: Database, patient_id: int, content: bytes, folder: Path | None) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    if folder is not None:
        folder.mkdir(exist_ok=True)
        (folder / sha256).write_bytes(content)
    with db.write() as session:
        session.add(
            Photo(patient_id=patient_id, view="front", taken_on=COURSE_START, sha256=sha256)
        )
    return sha256


def test_photo_files_go_in_and_missing_ones_are_listed(helene: Helene, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    kept = add_photo(helene.db, helene.patient, b"\xff\xd8 a thigh", photos)
    lost = add_photo(helene.db, helene.patient, b"\xff\xd8 never saved", None)
    damaged = add_photo(helene.db, helene.patient, b"\xff\xd8 a buttock", photos)
    (photos / damaged).write_bytes(b"\xff\xd8 overwritten")
    out = tmp_path / "practice.zip"
    export_archive(helene.db, out, photos_dir=photos)

    files = members(out)
    manifest = json.loads(files[MANIFEST_NAME])
    assert files[f"attachments/{kept}"] == b"\xff\xd8 a thigh"
    assert [n for n in files if n.startswith("attachments/")] == [f"attachments/{kept}"]
    assert manifest["missing_attachments"] == sorted([lost, damaged])
    assert manifest["tables"]["photo"] == 3

    moved = tmp_path / "moved"
    summary = import_archive(out, moved / "record.sqlite", photos_dir=moved / "photos")
    assert (moved / "photos" / kept).read_bytes() == b"\xff\xd8 a thigh"
    assert sorted(p.name for p in (moved / "photos").iterdir()) == [kept]
    assert summary.attachments_copied == 1
    assert sorted(summary.attachments_missing) == sorted([lost, damaged])


def test_without_a_photos_folder_every_photo_is_listed_missing(
    helene: Helene, tmp_path: Path
) -> None:
    sha256 = add_photo(helene.db, helene.patient, b"\xff\xd8 a thigh", tmp_path / "photos")
    out = tmp_path / "practice.zip"
    export_archive(helene.db, out)
    manifest = json.loads(members(out)[MANIFEST_NAME])
    assert manifest["missing_attachments"] == [sha256]
    assert not any(name.startswith("attachments/") for name in members(out))


def test_progress_counts_every_row(helene: Helene, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    export_archive(helene.db, tmp_path / "practice.zip", progress=lambda d, t: calls.append((d, t)))
    manifest = verify_archive(tmp_path / "practice.zip")
    assert calls[0] == (0, manifest.rows)
    assert calls[-1] == (manifest.rows, manifest.rows)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_cancelled_export_leaves_the_old_file_and_nothing_else(
    helene: Helene, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "practice.zip"
    out.write_bytes(b"last week's archive")
    calls: list[int] = []
    export_archive(helene.db, folder / "count.zip", progress=lambda d, t: calls.append(d))
    (folder / "count.zip").unlink()
    for stop in (1, len(calls) // 2, len(calls)):  # at the start, midway, at the very end

        def cancel(done: int, total: int, stop: int = stop) -> None:
            calls.append(done)
            if len(calls) >= stop:
                raise Cancelled

        calls.clear()
        with pytest.raises(Cancelled):
            export_archive(helene.db, out, progress=cancel)
        assert out.read_bytes() == b"last week's archive"
        assert [p.name for p in folder.iterdir()] == ["practice.zip"]


# --- round trips ---------------------------------------------------------------------------


def test_helene_comes_back_exactly(helene: Helene, tmp_path: Path) -> None:
    record_visit(helene)
    measurements.amend_measurement(
        helene.db, _first_measurement(helene.db), 58.25, "Transcription error; tape re-read"
    )
    first, imported, again = round_trip(helene.db, tmp_path)

    assert table_files(again) == table_files(first)
    assert stored_rows(imported) == stored_rows(helene.db.path)
    report = check_database(imported)
    assert report.ok, report.lines()
    assert any(line.startswith("audit chain: ok") for line in report.facts)


def _first_measurement(db: Database) -> int:
    with db.read() as session:
        return int(session.scalars(select(Measurement.id).order_by(Measurement.id)).first() or 0)


@contextlib.contextmanager
def copy_of(template: Path) -> Iterator[tuple[Database, Path]]:
    """A fresh record copied from ``template`` in a folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.sqlite"
        shutil.copyfile(template, path)
        database = Database(path, make_engine(path))
        database.actor = "Dr Test"
        try:
            yield database, Path(folder)
        finally:
            database.close()


def texts(max_size: int) -> st.SearchStrategy[str]:
    typed = st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
        min_size=1,
        max_size=max_size,
    )
    return st.one_of(st.sampled_from(HOSTILE), typed).filter(lambda s: s.strip() != "")


def notes() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(""), texts(200), st.sampled_from(["line one\nline two\twith a tab", "é" * 4000])
    )


@st.composite
def visits(draw: st.DrawFn) -> tuple[str, float, float | None, bool]:
    """One session: its notes, a circumference, maybe a corrected value, maybe voided."""
    corrected = draw(st.none() | st.floats(10, 200, allow_nan=False, allow_infinity=False))
    return (
        draw(notes()),
        draw(st.floats(10, 200)),
        corrected,
        draw(st.booleans()),
    )


@st.composite
def practices(draw: st.DrawFn) -> list[dict[str, object]]:
    people = []
    for _ in range(draw(st.integers(1, 3))):
        people.append(
            {
                "family": draw(texts(100)),
                "given": draw(texts(100)),
                "born": draw(st.dates(dt.date(1930, 1, 1), dt.date(2000, 12, 31))),
                "notes": draw(notes()),
                "weight": draw(st.floats(20, 300)),
                "height": draw(st.floats(100, 230)),
                "renamed": draw(st.none() | texts(100)),
                "courses": draw(st.lists(st.lists(visits(), max_size=3), max_size=2)),
            }
        )
    return people


def build(clinic: Clinic, people: list[dict[str, object]]) -> None:
    """The drawn practice, entered through the services as the window would."""
    db = clinic.db
    for number, person in enumerate(people):
        data = patients.PatientData(
            f"F-{number}",
            str(person["family"]),
            str(person["given"]),
            person["born"],  # type: ignore[arg-type]
            notes=str(person["notes"]),
        )
        patient = patients.create_patient(db, data)
        measurements.record_measurements(
            db,
            patient,
            COURSE_START,
            [
                MeasurementData("weight", person["weight"]),
                MeasurementData("height", person["height"]),
            ],  # type: ignore[arg-type]
        )
        if person["renamed"]:
            renamed = dataclasses.replace(data, family_name=str(person["renamed"]))
            patients.update_patient(db, patient, renamed, "Name changed after marriage")
        for course_visits in person["courses"]:  # type: ignore[attr-defined]
            course = add_course(db, patient)
            for index, (text, girth, corrected, voided) in enumerate(course_visits):
                when = dt.datetime.combine(COURSE_START, dt.time(9, 15)) + dt.timedelta(
                    days=14 * index
                )
                saved = sessions.record_session(
                    db,
                    simple_session(
                        clinic,
                        course,
                        when,
                        notes=text,
                        measurements=(
                            MeasurementData(
                                "circumference", girth, f"thigh {text[:50]}", Rater.CLINICIAN
                            ),
                        ),
                    ),
                )
                if corrected is not None:
                    with db.read() as session:
                        measured = session.scalar(
                            select(Measurement.id).where(Measurement.session_id == saved.id)
                        )
                    reason = f"Tape re-read: {text[:100]}"
                    measurements.amend_measurement(db, int(measured or 0), corrected, reason)
                if voided:
                    sessions.void_session(db, saved.id, f"Entered twice: {text[:100]}")


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=practices())
def test_any_practice_comes_back_exactly(
    shelf_template: tuple[Path, Clinic], people: list[dict[str, object]]
) -> None:
    template, clinic = shelf_template
    with copy_of(template) as (db, folder):
        build(dataclasses.replace(clinic, db=db), people)
        first, imported, again = round_trip(db, folder)
        assert table_files(again) == table_files(first)
        assert stored_rows(imported) == stored_rows(db.path)
        assert check_database(imported).ok
