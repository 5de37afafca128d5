"""The CSV export read back as a spreadsheet user's script would: ``zipfile`` and ``csv``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from mesodesk.core.errors import NotFoundError
from mesodesk.core.exchange.cells import FORMULA_STARTS
from mesodesk.core.exchange.csv_export import export_csv
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.core.exchange.table_reading import TABLES
from mesodesk.core.exchange.tables import Kind
from tests.core.conftest import Clinic, Helene
from tests.core.exchange.test_tables import HOSTILE_NAME, HOSTILE_PHONE, Practice, record_practice

Tables = dict[str, list[dict[str, str]]]
FILES = [
    "session_history.csv",
    "patients.csv",
    "screenings.csv",
    "consents.csv",
    "courses.csv",
    "sessions.csv",
    "areas.csv",
    "cocktail_lines.csv",
    "side_effects.csv",
    "measurements.csv",
]


@pytest.fixture
def practice(helene: Helene) -> Practice:
    return record_practice(helene)


def read_zip(path: Path) -> tuple[Tables, dict[str, bytes]]:
    """Every CSV of the zip as rows of {column: text}, and the raw bytes of each."""
    tables: Tables = {}
    raw: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            raw[name] = archive.read(name)
            text = raw[name].decode("utf-8-sig")
            tables[name.removesuffix(".csv")] = list(csv.DictReader(io.StringIO(text)))
    return tables, raw


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where exports go, apart from the record's own files."""
    made = tmp_path / "exports"
    made.mkdir()
    return made


@pytest.fixture
def exported(practice: Practice, tmp_path: Path) -> tuple[Tables, dict[str, bytes]]:
    out = tmp_path / "practice.zip"
    export_csv(practice.db, out)
    return read_zip(out)


def test_the_zip_holds_one_csv_per_table_utf8_with_a_bom(
    exported: tuple[Tables, dict[str, bytes]],
) -> None:
    tables, raw = exported
    assert list(raw) == FILES
    for name, data in raw.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
        header = data.decode("utf-8-sig").split("\r\n", 1)[0]
        assert header == ",".join(next(t for t in TABLES if f"{t.name}.csv" == name).headers)
    assert list(tables["session_history"][0])[:9] == [
        "file_number",
        "patient_name",
        "date_of_birth",
        "course_id",
        "indication",
        "session_id",
        "session_number",
        "maintenance",
        "started_at",
    ]


def test_the_session_history_reads_as_mme_dubois_session(
    practice: Practice, exported: tuple[Tables, dict[str, bytes]]
) -> None:
    tables, _ = exported
    mine = [r for r in tables["session_history"] if r["file_number"] == "2026-0142"]
    assert len(mine) == 1  # the voided second session is not history
    row = mine[0]
    assert row["patient_name"] == "Hélène Dubois"
    assert row["date_of_birth"] == "1984-05-12"
    assert row["indication"] == "Cellulite"
    assert (row["session_id"], row["session_number"]) == (str(practice.first), "1")
    assert row["started_at"] == "2026-09-01 10:30:00"
    assert (row["duration_min"], row["practitioner"]) == ("40", "Dr Claire Moreau")
    assert (row["device"], row["anaesthesia"]) == ("Mesotherapy gun", "none")
    assert row["areas"] == (
        "Outer thigh (saddlebags) (left): Nappage, 30 G 4 mm, 2 mm deep, 60 points, 2 mL; "
        "Outer thigh (saddlebags) (right): Nappage, 30 G 4 mm, 2 mm deep, 60 points, 2 mL; "
        "Buttock (both): Papule (intradermal wheal), 30 G 4 mm, 1.5 mm deep, 20 points, 0.8 mL"
    )
    assert row["cocktail"] == "Cafeína 1% lot CAF-24-117 2 mL; L-carnitine 20% lot LC-2409-A 2 mL"
    assert (row["area_count"], row["injected_volume_ml"], row["cocktail_volume_ml"]) == (
        "3",
        "4.8",
        "4.0",
    )
    assert (row["pain_vas"], row["side_effect_count"], row["aftercare_given"]) == ("3", "1", "yes")
    assert row["maintenance"] == "no"
    assert row["next_due_date"] == "2026-09-15"


def test_the_tables_hold_her_lots_side_effect_and_measurements(
    practice: Practice, exported: tuple[Tables, dict[str, bytes]]
) -> None:
    tables, _ = exported
    lines = [r for r in tables["cocktail_lines"] if r["session_id"] == str(practice.first)]
    assert [(r["product"], r["lot_number"], r["expiry_date"], r["volume_ml"]) for r in lines] == [
        ("Cafeína 1%", "CAF-24-117", "2027-03-31", "2.0"),
        ("L-carnitine 20%", "LC-2409-A", "2026-12-15", "2.0"),
    ]
    assert lines[0]["ingredients"] == "Caffeine 10 mg/mL"

    (bruise,) = tables["side_effects"]
    assert bruise["side_effect_id"] == str(practice.bruise)
    assert (bruise["type_code"], bruise["type_name"], bruise["severity"]) == (
        "bruising",
        "Bruising",
        "mild",
    )
    assert (bruise["onset_on"], bruise["resolved_on"], bruise["session_date"]) == (
        "2026-09-02",
        "2026-09-09",
        "2026-09-01",
    )
    assert (bruise["area_region_name"], bruise["area_side"]) == ("Outer thigh (saddlebags)", "left")
    assert (bruise["suspected_product"], bruise["suspected_lot_number"]) == (
        "Cafeína 1%",
        "CAF-24-117",
    )

    measured = {
        (r["metric_code"], r["site"]): r
        for r in tables["measurements"]
        if r["file_number"] == "2026-0142"
    }
    left = measured["circumference", "left thigh, 15 cm above the patella"]
    assert (left["value"], left["unit"], left["measured_on"]) == ("58.5", "cm", "2026-09-01")
    assert left["session_id"] == str(practice.first)
    assert (measured["css_total", ""]["value"], measured["css_total", ""]["computed"]) == (
        "9.0",
        "yes",
    )
    assert measured["nurnberger_muller", ""]["metric_name"] == "Nürnberger–Müller cellulite grade"
    weight = measured["weight", ""]
    assert (weight["voided"], weight["void_reason"]) == ("yes", "Scale not calibrated")

    (screening,) = tables["screenings"]
    assert (screening["screened_on"], screening["allergies"], screening["pregnant"]) == (
        "2026-09-01",
        "none known",
        "no",
    )
    assert sorted((c["kind"], c["text_version"]) for c in tables["consents"]) == [
        ("photos", "3"),
        ("treatment", "3"),
    ]
    course = next(c for c in tables["courses"] if c["file_number"] == "2026-0142")
    assert (course["target_area_codes"], course["target_area_names"]) == (
        "thigh_outer; buttock",
        "Outer thigh (saddlebags); Buttock",
    )


def test_a_voided_session_is_in_its_table_flagged_with_its_reason(
    practice: Practice, exported: tuple[Tables, dict[str, bytes]]
) -> None:
    tables, _ = exported
    by_id = {r["session_id"]: r for r in tables["sessions"]}
    voided = by_id[str(practice.voided)]
    assert (voided["voided"], voided["void_reason"]) == ("yes", "Entered twice by mistake")
    dt.datetime.fromisoformat(voided["voided_at"])
    assert by_id[str(practice.first)]["voided"] == "no"
    assert str(practice.voided) not in {r["session_id"] for r in tables["session_history"]}
    # Its areas and lines stay in their tables, tied to it.
    assert sum(r["session_id"] == str(practice.voided) for r in tables["areas"]) == 3


def test_text_that_looks_like_a_formula_is_neutralised(
    exported: tuple[Tables, dict[str, bytes]],
) -> None:
    tables, _ = exported
    hostile = next(r for r in tables["patients"] if r["file_number"] == "2026-0666")
    assert hostile["family_name"] == "'" + HOSTILE_NAME
    assert hostile["given_names"] == "'@Eve"
    assert hostile["phone"] == "'" + HOSTILE_PHONE
    history = next(r for r in tables["session_history"] if r["file_number"] == "2026-0666")
    assert history["patient_name"] == "'@Eve " + HOSTILE_NAME
    assert history["notes"] == "'-3 kg since last time"
    for name, rows in tables.items():
        for row in rows:
            for column, cell in row.items():
                assert not cell.startswith(FORMULA_STARTS), (name, column, cell)


def test_dates_and_times_are_iso(exported: tuple[Tables, dict[str, bytes]]) -> None:
    tables, _ = exported
    checked = 0
    for table in TABLES:
        for column in table.columns:
            if column.kind not in (Kind.DATE, Kind.DATETIME):
                continue
            for row in tables[table.name]:
                cell = row[column.name]
                if not cell:
                    continue
                if column.kind is Kind.DATE:
                    assert dt.date.fromisoformat(cell).isoformat() == cell
                else:
                    assert dt.datetime.strptime(cell, "%Y-%m-%d %H:%M:%S"), cell
                checked += 1
    assert checked > 50


def test_every_patient_archived_ones_included(exported: tuple[Tables, dict[str, bytes]]) -> None:
    tables, _ = exported
    assert [(p["file_number"], p["archived"]) for p in tables["patients"]] == [
        ("2026-0007", "yes"),
        ("2026-0142", "no"),
        ("2026-0666", "no"),
    ]
    karim = next(r for r in tables["session_history"] if r["file_number"] == "2026-0007")
    assert karim["areas"] == "Vertex: Point by point, 32 G 4 mm, 1.5 mm deep, 100 points, 2 mL"
    assert karim["indication"] == "Hair loss"


def test_one_patient_chosen_exports_that_patient_only(practice: Practice, folder: Path) -> None:
    out = folder / "dubois.zip"
    export_csv(practice.db, out, patient_ids=[practice.helene.patient])
    tables, raw = read_zip(out)
    assert list(raw) == FILES
    for name, rows in tables.items():
        assert {r["file_number"] for r in rows} == {"2026-0142"}, name
        assert {r.get("patient_id", str(practice.helene.patient)) for r in rows} == {
            str(practice.helene.patient)
        }
    assert len(tables["sessions"]) == 2
    assert len(tables["session_history"]) == 1


def test_progress_runs_to_its_total(practice: Practice, folder: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_csv(practice.db, folder / "x.zip", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 3 * len(TABLES))
    assert seen[-1] == (3 * len(TABLES), 3 * len(TABLES))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_cancel_leaves_no_file(practice: Practice, folder: Path) -> None:
    def cancel_midway(done: int, _total: int) -> None:
        if done >= 6:  # a few tables written
            raise Cancelled

    with pytest.raises(Cancelled):
        export_csv(practice.db, folder / "practice.zip", progress=cancel_midway)
    assert list(folder.iterdir()) == []


def test_a_cancel_keeps_an_earlier_export(practice: Practice, folder: Path) -> None:
    out = folder / "practice.zip"
    out.write_bytes(b"last week's export")

    def cancel(done: int, _total: int) -> None:
        if done:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_csv(practice.db, out, progress=cancel)
    assert out.read_bytes() == b"last week's export"
    assert [p.name for p in folder.iterdir()] == ["practice.zip"]


def test_a_missing_patient_writes_nothing(practice: Practice, folder: Path) -> None:
    with pytest.raises(NotFoundError):
        export_csv(practice.db, folder / "x.zip", patient_ids=[12345])
    assert list(folder.iterdir()) == []


def test_a_practice_without_patients_exports_the_headers(clinic: Clinic, folder: Path) -> None:
    out = folder / "empty.zip"
    export_csv(clinic.db, out)
    tables, raw = read_zip(out)
    assert list(raw) == FILES
    assert all(rows == [] for rows in tables.values())
    assert raw["patients.csv"].decode("utf-8-sig").startswith("patient_id,file_number,")
