"""Exporting from the window: choose what and how, answer the file dialog, get the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QRadioButton
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from mesodesk.ui import messages
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.export_dialog import ExportDialog
from mesodesk.ui.main_window import MainWindow
from tests.scenario import Helene, make_helene


@pytest.fixture
def helene(db: Database) -> Helene:
    built = make_helene(db)
    sessions.record_session(db, built.session())
    return built


def click_label(qtbot: QtBot, button: QRadioButton) -> None:
    """Click a radio button on its words, where a user clicks (a radio button takes
    clicks on its circle and words only, not on the empty width the layout gives it)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def _answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The file dialog answered with ``path``; returns the names it suggested."""
    suggested: list[str] = []

    def choose(_parent: object, _title: str, name: str, _filter: str) -> Path:
        suggested.append(name)
        return path

    monkeypatch.setattr(paths, "choose_save_path", choose)
    return suggested


def _dialog(qtbot: QtBot, db: Database, patient_id: int | None) -> ExportDialog:
    dialog = ExportDialog(db, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_patients_history_is_exported_as_a_workbook(
    qtbot: QtBot, db: Database, helene: Helene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "dubois.xlsx"
    suggested = _answer_save_dialog(monkeypatch, out)
    dialog = _dialog(qtbot, db, helene.patient)
    assert dialog.one_patient.isChecked()
    assert "Hélène Dubois" in dialog.one_patient.text()
    click_label(qtbot, dialog.format_buttons["xlsx"])
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert exported.args == [out]
    assert suggested == ["2026-0142 Hélène Dubois workbook.xlsx"]
    cells = [
        str(value)
        for sheet in load_workbook(out, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert "CAF-24-117" in cells


def test_the_practice_cannot_be_exported_as_one_pdf(
    qtbot: QtBot, db: Database, helene: Helene
) -> None:
    dialog = _dialog(qtbot, db, helene.patient)
    assert dialog.format_buttons["pdf"].isEnabled()
    assert not dialog.format_buttons["archive"].isEnabled()
    click_label(qtbot, dialog.all_patients)
    assert not dialog.format_buttons["pdf"].isEnabled()
    assert dialog.format_buttons["archive"].isEnabled()
    assert dialog.all_patients.text() == "The whole practice (1 patient)"


def test_without_an_open_patient_only_the_practice_is_offered(
    qtbot: QtBot, db: Database, helene: Helene
) -> None:
    dialog = _dialog(qtbot, db, None)
    assert not dialog.one_patient.isEnabled()
    assert dialog.all_patients.isChecked()
    assert not dialog.format_buttons["pdf"].isEnabled()


def test_the_whole_practice_as_zipped_tables(
    qtbot: QtBot, db: Database, helene: Helene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "practice.zip"
    _answer_save_dialog(monkeypatch, out)
    dialog = _dialog(qtbot, db, None)
    click_label(qtbot, dialog.format_buttons["csv"])
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    with zipfile.ZipFile(out) as archive:
        assert any(name.endswith(".csv") for name in archive.namelist())
        assert archive.testzip() is None


def test_a_failed_export_says_why_and_the_dialog_stays(
    qtbot: QtBot, db: Database, helene: Helene, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer_save_dialog(monkeypatch, Path("/proc/practice.zip"))
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, _t, text: errors.append(text))
    dialog = _dialog(qtbot, db, None)
    click_label(qtbot, dialog.format_buttons["csv"])
    assert dialog.job is None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.job is not None
    with qtbot.waitSignal(dialog.job.done, timeout=20_000):
        pass
    assert errors and "/proc" in errors[0]
    assert dialog.isVisible()
    assert dialog.export_button.isEnabled()


def test_the_menus_open_the_export_and_recall(qtbot: QtBot, db: Database, helene: Helene) -> None:
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)
    window.show()
    assert not window.exchange.export_patient.isEnabled()
    window.open_patient(helene.patient)
    assert window.exchange.export_patient.isEnabled()
    dialog = window.exchange.export_history()
    assert isinstance(dialog, ExportDialog)
    assert dialog.one_patient.isChecked()
    recall = window.exchange.open_recall("CAF-24-117")
    assert recall.isVisible()
    window.show_today()
    assert not window.exchange.print_history.isEnabled()
