"""Importing patients from a spreadsheet, as a practitioner goes through the dialog."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.exchange.patient_sheet import PatientField
from mesodesk.core.services import patients
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.patient_import_dialog import NOT_IN_SHEET, PatientImportDialog
from mesodesk.ui.record.tables import RED

HEADER = "N° dossier;Nom;Prénom;Date de naissance;Sexe;Téléphone;Courriel;Remarques"
ROWS = (
    "2018-0107;Lefèvre;Zoé;03/11/1991;F;06 12 34 56 78;zoe@exemple.fr;Cellulite",
    "2018-0108;Gauthier;Rémi;17.02.1979;H;;;",
    "2018-0109;Moreau;Anaïs;31/02/1980;F;;;",
    ";Benali;Yasmina;1990-07-21;Femme;;yasmina@;",
    ";Nguyen;Thi Hoa;14/01/1993;F;;;",
)


def french_csv(folder: Path, header: str = HEADER) -> Path:
    """What Excel saves on a French Windows: Windows-1252, semicolons, CRLF."""
    path = folder / "patients.csv"
    path.write_bytes("\r\n".join((header, *ROWS)).encode("cp1252") + b"\r\n")
    return path


def open_dialog(qtbot: QtBot, db: Database) -> PatientImportDialog:
    dialog = PatientImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_path(qtbot: QtBot, dialog: PatientImportDialog, path: Path) -> None:
    qtbot.keyClicks(dialog.path_edit, str(path))  # tmp_path is ASCII: keyClicks takes it
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)


def preview_rows(dialog: PatientImportDialog) -> list[list[str]]:
    table = dialog.preview
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` with the arrow keys, as on a closed combo box."""
    combo.setFocus()
    wanted = combo.findText(text)
    assert wanted >= 0, text
    key = Qt.Key.Key_Down if wanted > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != wanted:
        qtbot.keyClick(combo, key)


def test_a_typed_path_is_read_and_its_columns_guessed(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, db)
    assert not dialog.import_button.isEnabled()
    type_path(qtbot, dialog, french_csv(tmp_path))
    assert "read as Windows-1252 text, columns separated by semicolons" in (dialog.file_info.text())
    assert dialog.combos[PatientField.GIVEN_NAMES].currentText() == "Prénom"
    assert dialog.combos[PatientField.NOTES].currentText() == "Remarques"
    assert dialog.combos[PatientField.ADDRESS].currentText() == NOT_IN_SHEET
    assert dialog.counts.text() == "5 rows: 3 to import, 2 refused (in red)."
    assert dialog.import_button.text() == "Import 3 patients"
    rows = preview_rows(dialog)
    assert [row[:6] for row in rows] == [
        ["2", "", "2018-0107", "Lefèvre", "Zoé", "1991-11-03"],
        ["3", "", "2018-0108", "Gauthier", "Rémi", "1979-02-17"],
        ["4", "Date de naissance: '31/02/1980' is not a date", "2018-0109", "Moreau", "Anaïs",
         "31/02/1980"],
        ["5", "Courriel: 'yasmina@' is not an e-mail address", "", "Benali", "Yasmina",
         "1990-07-21"],
        ["6", "", f"{dt.date.today().year}-0001", "Nguyen", "Thi Hoa", "1993-01-14"],
    ]  # fmt: skip
    refused = dialog.preview.item(2, 1)
    assert refused is not None and refused.foreground().color() == RED
    dialog.preview.selectRow(3)
    assert dialog.row_detail.text() == "Row 5: Courriel: 'yasmina@' is not an e-mail address"
    qtbot.mouseClick(dialog.only_refused, Qt.MouseButton.LeftButton)
    assert [row[0] for row in preview_rows(dialog)] == ["4", "5"]


def test_a_column_the_guess_missed_is_chosen_by_hand(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, db)
    type_path(qtbot, dialog, french_csv(tmp_path, HEADER.replace("Prénom", "P.")))
    combo = dialog.combos[PatientField.GIVEN_NAMES]
    assert combo.currentText() == NOT_IN_SHEET
    assert dialog.counts.text() == "Given names: choose the column that holds it."
    assert not dialog.import_button.isEnabled() and dialog.preview.rowCount() == 0
    choose(qtbot, combo, "P.")
    assert dialog.counts.text() == "5 rows: 3 to import, 2 refused (in red)."
    assert preview_rows(dialog)[0][4] == "Zoé"
    first_row = dialog.mapping_table.item(list(PatientField).index(PatientField.GIVEN_NAMES), 2)
    assert first_row is not None and first_row.text() == "Zoé"
    # Reading the names as notes as well is refused: one column, one field.
    choose(qtbot, dialog.combos[PatientField.NOTES], "Nom")
    assert dialog.counts.text() == ("Notes: the column Nom is already read as Family name.")
    assert not dialog.import_button.isEnabled()


def test_importing_adds_the_good_rows_and_lists_the_others(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, db)
    type_path(qtbot, dialog, french_csv(tmp_path))
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as done:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert len(done.args[0].imported) == 3
    assert dialog.pages.currentWidget() is dialog.result_page
    assert dialog.result_title.text() == "3 patients imported from patients.csv."
    table = dialog.rejected_table
    listed = [
        [table.item(r, c).text() for c in range(3)]  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]
    assert listed == [
        ["4", "Moreau Anaïs", "Date de naissance: '31/02/1980' is not a date"],
        ["5", "Benali Yasmina", "Courriel: 'yasmina@' is not an e-mail address"],
    ]
    found = patients.search_patients(db, "")
    assert sorted(p.full_name for p in found) == ["Rémi Gauthier", "Thi Hoa Nguyen", "Zoé Lefèvre"]
    assert dialog.close_button.text() == "Close" and dialog.import_button.isHidden()


def test_the_rows_not_imported_are_saved_where_the_practitioner_says(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, db)
    type_path(qtbot, dialog, french_csv(tmp_path))
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "to correct.csv"
    monkeypatch.setattr(paths, "choose_save_path", lambda *_args: target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with open(target, encoding="utf-8-sig", newline="") as saved:
        rows = list(csv.reader(saved, delimiter=";"))
    assert [row[:4] for row in rows] == [
        ["Row", "Reason", "N° dossier", "Nom"],
        ["4", "Date de naissance: '31/02/1980' is not a date", "2018-0109", "Moreau"],
        ["5", "Courriel: 'yasmina@' is not an e-mail address", "", "Benali"],
    ]
    assert dialog.saved_label.text() == f"Saved in {target}."


def test_a_workbook_is_chosen_in_the_file_dialog_and_its_sheet_picked(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cabinet.xlsx"
    book = openpyxl.Workbook()
    prices = book.active
    assert prices is not None
    prices.title = "Tarifs"
    prices.append(["Acte", "Prix"])
    people = book.create_sheet("Patients")
    people.append(["Last name", "First name", "Date of birth", "Sex"])
    people.append(["Dubois", "Hélène", dt.datetime(1984, 5, 12), "female"])
    book.save(path)
    monkeypatch.setattr(paths, "choose_open_path", lambda *_args: path)
    dialog = open_dialog(qtbot, db)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(path)
    assert dialog.sheet_choice.isVisible() and dialog.sheet_choice.currentText() == "Tarifs"
    assert dialog.counts.text() == "Family name: choose the column that holds it."
    choose(qtbot, dialog.sheet_choice, "Patients")
    assert dialog.counts.text() == "1 row: 1 to import, 0 refused."
    assert preview_rows(dialog)[0][2:7] == [
        f"{dt.date.today().year}-0001",
        "Dubois",
        "Hélène",
        "1984-05-12",
        "Female",
    ]


def test_a_file_that_is_no_spreadsheet_is_said_and_nothing_offered(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    old = tmp_path / "patients.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    dialog = open_dialog(qtbot, db)
    type_path(qtbot, dialog, old)
    assert dialog.error_line.isVisible()
    assert "old Excel file (.xls): save it as .xlsx or CSV" in dialog.error_line.text()
    assert not dialog.import_button.isEnabled()
    assert all(not combo.isEnabled() for combo in dialog.combos.values())
