"""Printing from the window: the print dialog answered with a PDF printer, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from mesodesk.ui.exchange import printing
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session_editor.editor import SessionEditor
from tests.reports.conftest import pdf_text
from tests.scenario import Helene, make_helene


@pytest.fixture
def helene(db: Database) -> Helene:
    built = make_helene(db)
    sessions.record_session(db, built.session())
    return built


def _printer_to(monkeypatch: pytest.MonkeyPatch, out: Path) -> list[str]:
    """The print dialog answered with a printer that writes ``out`` (a PDF)."""
    titles: list[str] = []

    def choose(_parent: object, title: str) -> QPrinter:
        titles.append(title)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(printing, "choose_printer", choose)
    return titles


def test_the_history_and_a_consent_form_print_from_the_patient_menu(
    qtbot: QtBot, db: Database, helene: Helene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)
    window.show()
    window.open_patient(helene.patient)
    titles = _printer_to(monkeypatch, tmp_path / "history.pdf")
    window.exchange.print_history.trigger()
    text = pdf_text(tmp_path / "history.pdf")
    assert "Hélène Dubois" in text and "CAF-24-117" in text

    _printer_to(monkeypatch, tmp_path / "consent.pdf")
    window.exchange.print_photo_consent.trigger()
    assert "Hélène Dubois" in pdf_text(tmp_path / "consent.pdf")
    assert titles == ["Print the history"]


def test_a_cancelled_print_dialog_prints_nothing(
    qtbot: QtBot, db: Database, helene: Helene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printing, "choose_printer", lambda *_args: None)
    assert printing.print_history(None, db, helene.patient) is False


def test_the_aftercare_sheet_prints_from_the_editor_before_saving(
    qtbot: QtBot, db: Database, helene: Helene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _printer_to(monkeypatch, tmp_path / "aftercare.pdf")
    editor = SessionEditor(db, helene.course)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.mouseClick(editor.print_sheet, Qt.MouseButton.LeftButton)
    text = pdf_text(tmp_path / "aftercare.pdf")
    assert "For Hélène Dubois (file 2026-0142), after the session 2 of the cellulite" in text
    assert "Outer thigh (saddlebags), left" in text


def test_a_saved_sessions_aftercare_prints_from_the_timeline(
    qtbot: QtBot, db: Database, helene: Helene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mesodesk.ui.record.patient_record import PatientRecord

    _printer_to(monkeypatch, tmp_path / "aftercare.pdf")
    record = PatientRecord(db, helene.patient)
    qtbot.addWidget(record)
    record.show()
    timeline = record.timeline
    (saved,) = history_sessions(db, helene.course)
    timeline.select_session(saved)
    qtbot.mouseClick(timeline.buttons["aftercare"], Qt.MouseButton.LeftButton)
    text = pdf_text(tmp_path / "aftercare.pdf")
    assert "after the session 1 of the cellulite course on 2026-09-01" in text


def history_sessions(db: Database, course_id: int) -> list[int]:
    from mesodesk.core.services.history import course_sessions

    return [record.id for record in course_sessions(db, [course_id])[course_id]]
