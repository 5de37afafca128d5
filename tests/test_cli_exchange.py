"""`mesodesk export`, `import` and `recall` as a script would use them.

Each export is read back by a reader mesodesk did not write: zipfile and csv, openpyxl,
the FHIR R4B models, pdftotext. Errors are one line with exit 1 (data) or 2 (usage).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from tests.scenario import make_helene


@pytest.fixture
def record(db: Database) -> Path:
    """Mme Dubois with her first session, in a closed database file."""
    helene = make_helene(db)
    sessions.record_session(db, helene.session())
    db.close()
    return db.path


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_export_csv_of_one_patient(record: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.zip"
    args = ["export", "--db", str(record), "--patient", "2026-0142", "--format", "csv"]
    assert main([*args, "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        history = next(n for n in names if n.endswith("session_history.csv"))
        text = archive.read(history).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert "CAF-24-117" in json.dumps(rows[0], ensure_ascii=False)


def test_export_xlsx_of_the_practice_into_a_folder(record: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert (
        main(["export", "--db", str(record), "--all", "--format", "xlsx", "--out", str(tmp_path)])
        == 0
    )
    written = list(tmp_path.glob("*.xlsx"))
    assert len(written) == 1
    workbook = load_workbook(written[0], read_only=True)
    text = json.dumps(
        [
            [str(c) for c in row]
            for ws in workbook.worksheets
            for row in ws.iter_rows(values_only=True)
        ],
        ensure_ascii=False,
    )
    assert "Dubois" in text


def test_export_fhir_validates(record: Path, tmp_path: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    out = tmp_path / "bundle.json"
    assert (
        main(
            [
                "export",
                "--db",
                str(record),
                "--patient",
                "2026-0142",
                "--format",
                "fhir",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    bundle = Bundle.model_validate_json(out.read_bytes())
    kinds = {entry.resource.__resource_type__ for entry in bundle.entry or []}
    assert {"Patient", "Procedure", "MedicationAdministration"} <= kinds


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is missing")
def test_export_pdf_reads_back(record: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.pdf"
    assert (
        main(
            [
                "export",
                "--db",
                str(record),
                "--patient",
                "2026-0142",
                "--format",
                "pdf",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Dubois" in text
    assert "CAF-24-117" in text


def test_archive_export_then_import_into_a_new_record(record: Path, tmp_path: Path) -> None:
    archive = tmp_path / "practice.zip"
    assert (
        main(["export", "--db", str(record), "--all", "--format", "archive", "--out", str(archive)])
        == 0
    )
    moved = tmp_path / "elsewhere" / "record.sqlite"
    moved.parent.mkdir()
    assert main(["import", "--db", str(moved), str(archive)]) == 0
    again = tmp_path / "again.zip"
    assert (
        main(["export", "--db", str(moved), "--all", "--format", "archive", "--out", str(again)])
        == 0
    )
    with zipfile.ZipFile(archive) as first, zipfile.ZipFile(again) as second:
        tables = sorted(n for n in first.namelist() if n.startswith("tables/"))
        assert tables == sorted(n for n in second.namelist() if n.startswith("tables/"))
        for name in tables:
            assert first.read(name) == second.read(name), name


def test_importing_into_a_record_with_patients_is_refused(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "practice.zip"
    assert (
        main(["export", "--db", str(record), "--all", "--format", "archive", "--out", str(archive)])
        == 0
    )
    capsys.readouterr()
    before = record.read_bytes()
    assert main(["import", "--db", str(record), str(archive)]) == 1
    assert "patient" in _one_line_error(capsys)
    assert record.read_bytes() == before


def test_recall_prints_whom_to_call(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recall", "--db", str(record), "--lot", "caf-24-117"]) == 0
    out = capsys.readouterr().out
    assert "2026-09-01" in out
    assert "Hélène Dubois" in out
    assert "06 12 34 56 78" in out


def test_recall_writes_a_csv(record: Path, tmp_path: Path) -> None:
    out = tmp_path / "recall.csv"
    assert main(["recall", "--db", str(record), "--lot", "LC-2409-A", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # the header and Mme Dubois's session
    assert "Dubois" in ",".join(rows[1])


def test_recall_of_an_unknown_lot_exits_1(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recall", "--db", str(record), "--lot", "NOPE-1"]) == 1
    assert "NOPE-1" in _one_line_error(capsys)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--all", "--format", "pdf"], "one patient"),
        (["--patient", "2026-0142", "--format", "archive"], "whole practice"),
        (["--patient", "2026-0142", "--all", "--format", "csv"], "not allowed"),
        (["--all", "--format", "docx"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    assert main(["export", "--db", str(record), *args, "--out", str(tmp_path / "x")]) == 2
    assert words in _one_line_error(capsys)
    assert not (tmp_path / "x").exists()


def test_a_missing_patient_exits_1(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.zip"
    assert (
        main(
            [
                "export",
                "--db",
                str(record),
                "--patient",
                "1999-9999",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "1999-9999" in _one_line_error(capsys)
    assert not out.exists()


def test_an_unwritable_folder_exits_1(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["export", "--db", str(record), "--all", "--format", "csv", "--out", "/proc/x.zip"])
        == 1
    )
    assert "/proc" in _one_line_error(capsys)


def test_a_missing_database_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.sqlite"
    assert (
        main(["export", "--db", str(missing), "--all", "--format", "csv", "--out", str(tmp_path)])
        == 1
    )
    assert "no mesodesk database" in _one_line_error(capsys)
    assert not missing.exists()


def test_an_encrypted_record_exports_with_its_password(
    record: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mesodesk.core.db.encryption import encrypt_database

    encrypt_database(record, "correct horse battery")
    out = tmp_path / "x.zip"
    args = ["export", "--db", str(record), "--all", "--format", "csv", "--out", str(out)]
    monkeypatch.delenv("MESODESK_PASSWORD", raising=False)
    assert main(args) == 1
    assert "password" in _one_line_error(capsys)
    monkeypatch.setenv("MESODESK_PASSWORD", "wrong")
    assert main(args) == 1
    assert "password is wrong" in _one_line_error(capsys)
    assert not out.exists()
    monkeypatch.setenv("MESODESK_PASSWORD", "correct horse battery")
    assert main(args) == 0
    assert zipfile.is_zipfile(out)
