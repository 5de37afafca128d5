"""The XLSX export read back with openpyxl, as a spreadsheet program would open it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mesodesk.core.exchange import xlsx_export
from mesodesk.core.exchange.cells import FORMULA_STARTS
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.core.exchange.table_reading import TABLES
from mesodesk.core.exchange.xlsx_export import export_xlsx
from tests.core.conftest import Helene
from tests.core.exchange.test_tables import HOSTILE_NAME, HOSTILE_PHONE, Practice, record_practice


@pytest.fixture
def practice(helene: Helene) -> Practice:
    return record_practice(helene)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where exports go, apart from the record's own files."""
    made = tmp_path / "exports"
    made.mkdir()
    return made


@pytest.fixture
def workbook(practice: Practice, folder: Path) -> Any:
    out = folder / "practice.xlsx"
    export_xlsx(practice.db, out)
    return openpyxl.load_workbook(out)


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """The sheet's rows as {header: value}."""
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=True)) for row in rows]


def test_one_sheet_per_table_with_a_frozen_bold_header_and_a_filter(workbook: Any) -> None:
    assert workbook.sheetnames == [table.name for table in TABLES]
    for table in TABLES:
        sheet = workbook[table.name]
        assert [cell.value for cell in sheet[1]] == table.headers
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        last = get_column_letter(len(table.headers))
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"


def test_her_session_has_dates_as_dates_and_numbers_as_numbers(
    practice: Practice, workbook: Any
) -> None:
    sheet = workbook["session_history"]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "2026-0142")
    cells = dict(zip(headers, row, strict=True))
    started = cells["started_at"]
    assert started.value == dt.datetime(2026, 9, 1, 10, 30)
    assert started.is_date and started.number_format == "yyyy-mm-dd hh:mm"
    born = cells["date_of_birth"]
    assert born.value == dt.datetime(1984, 5, 12)  # openpyxl reads every date as a datetime
    assert born.is_date and born.number_format == "yyyy-mm-dd"
    assert cells["next_due_date"].value == dt.datetime(2026, 9, 15)
    for name, value in [
        ("session_number", 1),
        ("duration_min", 40),
        ("area_count", 3),
        ("injected_volume_ml", 4.8),
        ("cocktail_volume_ml", 4.0),
        ("pain_vas", 3),
        ("side_effect_count", 1),
        ("session_id", practice.first),
    ]:
        assert cells[name].data_type == "n", name
        assert cells[name].value == value, name
    assert cells["maintenance"].value is False
    assert cells["aftercare_given"].value is True
    assert cells["patient_name"].value == "Hélène Dubois"
    assert cells["cocktail"].value == (
        "Cafeína 1% lot CAF-24-117 2 mL; L-carnitine 20% lot LC-2409-A 2 mL"
    )
    assert cells["notes"].value is None  # nothing written: an empty cell


def test_the_tables_hold_her_lots_and_measurements(practice: Practice, workbook: Any) -> None:
    lines = [r for r in records(workbook["cocktail_lines"]) if r["session_id"] == practice.first]
    assert [(r["lot_number"], r["expiry_date"], r["volume_ml"]) for r in lines] == [
        ("CAF-24-117", dt.datetime(2027, 3, 31), 2.0),
        ("LC-2409-A", dt.datetime(2026, 12, 15), 2.0),
    ]
    measured = {
        (r["metric_code"], r["site"]): r
        for r in records(workbook["measurements"])
        if r["file_number"] == "2026-0142"
    }
    left = measured["circumference", "left thigh, 15 cm above the patella"]
    assert (left["value"], left["unit"], left["measured_on"]) == (
        58.5,
        "cm",
        dt.datetime(2026, 9, 1),
    )
    assert measured["weight", None]["voided"] is True
    assert measured["css_total", None]["value"] == 9
    (bruise,) = records(workbook["side_effects"])
    assert (bruise["type_name"], bruise["onset_on"], bruise["suspected_lot_number"]) == (
        "Bruising",
        dt.datetime(2026, 9, 2),
        "CAF-24-117",
    )
    sessions = {r["session_id"]: r for r in records(workbook["sessions"])}
    assert sessions[practice.voided]["voided"] is True
    assert sessions[practice.voided]["void_reason"] == "Entered twice by mistake"
    assert practice.voided not in {r["session_id"] for r in records(workbook["session_history"])}


def test_formula_like_text_is_text_and_neutralised(workbook: Any) -> None:
    patient = next(r for r in records(workbook["patients"]) if r["file_number"] == "2026-0666")
    assert patient["family_name"] == "'" + HOSTILE_NAME
    assert patient["phone"] == "'" + HOSTILE_PHONE
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.value)


def test_columns_are_sized_to_their_contents(workbook: Any) -> None:
    sheet = workbook["session_history"]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["areas"] == pytest.approx(60, abs=1)  # long text: as wide as allowed
    assert 17 <= widths["started_at"] < 25
    assert len("side_effect_count") < widths["side_effect_count"] < 25


def test_one_patient_chosen_exports_that_patient_only(practice: Practice, folder: Path) -> None:
    out = folder / "dubois.xlsx"
    export_xlsx(practice.db, out, patient_ids=[practice.helene.patient])
    assert list(folder.iterdir()) == [out]  # XlsxWriter's scratch files are gone
    book = openpyxl.load_workbook(out)
    for table in TABLES:
        rows = records(book[table.name])
        assert rows, table.name
        assert {r["file_number"] for r in rows} == {"2026-0142"}, table.name


def test_a_long_table_goes_on_in_another_sheet(
    practice: Practice, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_export, "MAX_ROWS", 4)
    out = folder / "small sheets.xlsx"
    export_xlsx(practice.db, out)
    book = openpyxl.load_workbook(out)
    # Areas: 3 + 3 (voided session) + 1 (Benali) + 1 (the other patient) = 8 rows.
    assert [name for name in book.sheetnames if name.startswith("areas")] == [
        "areas",
        "areas (2)",
    ]
    first, second = records(book["areas"]), records(book["areas (2)"])
    assert (len(first), len(second)) == (4, 4)
    assert book["areas (2)"].freeze_panes == "A2"
    assert len({r["area_id"] for r in first + second}) == 8


def test_a_cancel_leaves_no_file_and_no_scratch(practice: Practice, folder: Path) -> None:
    def cancel_midway(done: int, _total: int) -> None:
        if done >= 9:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_xlsx(practice.db, folder / "practice.xlsx", progress=cancel_midway)
    assert list(folder.iterdir()) == []
