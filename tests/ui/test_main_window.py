"""The main window: find and open a patient, menus, title, status bar, geometry."""

from __future__ import annotations

import datetime as dt
import sys
import types
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from mesodesk import __version__
from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.services import courses, patients, practice
from mesodesk.ui import main_window as main_window_module
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.practitioner import set_current_practitioner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _add(db: Database, number: str, family: str, given: str) -> int:
    return patients.create_patient(
        db, patients.PatientData(number, family, given, dt.date(1984, 5, 12), Sex.FEMALE)
    )


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _boxes() -> list[QMessageBox]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]


def test_search_then_enter_opens_the_patient_on_the_right(qtbot: QtBot, db: Database) -> None:
    helene = _add(db, "2026-0142", "Dubois", "Hélène")
    _add(db, "2026-0143", "Martin", "Paul")
    window = _window(qtbot, db)
    assert window.pages.currentWidget() is window.today

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "helene")
    qtbot.waitUntil(lambda: window.patients.model.rowCount() == 1)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)

    assert window.current_patient_id == helene
    assert window.record is not None
    assert window.pages.currentWidget() is window.record
    assert window.patients.current_patient_id() == helene

    window.today_action.trigger()
    assert window.pages.currentWidget() is window.today
    assert window.current_patient_id is None


def test_double_click_in_today_opens_the_patient(qtbot: QtBot, db: Database) -> None:
    karim = _add(db, "2026-0200", "Benali", "Karim")
    courses.plan_course(db, karim, courses.CourseData("hair_loss", 12, 7, dt.date.today()))
    window = _window(qtbot, db)
    table = window.today.due.table
    centre = table.visualRect(window.today.due.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.current_patient_id == karim
    assert window.pages.currentWidget() is window.record


class _FakePatientDialog(QDialog):
    saved = Signal(int)
    made: ClassVar[list[_FakePatientDialog]] = []

    def __init__(self, db: Database, patient_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        _FakePatientDialog.made.append(self)


def test_ctrl_n_opens_the_new_patient_dialog_and_the_new_patient_after_saving(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("mesodesk.ui.dialogs.patient_dialog")
    fake.PatientDialog = _FakePatientDialog  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mesodesk.ui.dialogs.patient_dialog", fake)
    _FakePatientDialog.made.clear()
    window = _window(qtbot, db)

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(_FakePatientDialog.made) == 1
    dialog = _FakePatientDialog.made[0]
    assert dialog.isVisible()
    assert dialog.parent() is window

    new = _add(db, "2026-0400", "Nouvelle", "Nina")  # what the real dialog would save
    dialog.saved.emit(new)
    assert window.current_patient_id == new
    assert window.patients.current_patient_id() == new


def test_menus_are_in_words(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    menus = {
        action.text().replace("&", ""): [
            a.text().replace("&", "") for a in action.menu().actions() if not a.isSeparator()
        ]
        for action in window.menuBar().actions()
    }
    assert menus == {
        "File": [
            "Open database…",
            "Settings…",
            "Password and lock…",
            "Lock now",
            "Backups…",
            "Encrypt this database…",
            "Export…",
            "Import an archive…",
            "Import patients from a spreadsheet…",
            "Quit",
        ],
        "Patient": [
            "New patient…",
            "Find a patient",
            "Today",
            "Export this history…",
            "Print this history…",
            "Print the treatment consent form…",
            "Print the photo consent form…",
        ],
        "Catalogue": ["Products and lots…", "Recall a lot…"],
        "Practice": ["Outcomes and side effects…"],
        "Help": ["About mesodesk"],
    }
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.new_patient_action.shortcut().toString() == "Ctrl+N"


def test_title_and_status_bar_name_the_clinic_and_the_practitioner(
    qtbot: QtBot, db: Database
) -> None:
    window = _window(qtbot, db)
    assert window.windowTitle() == f"mesodesk — {db.path.name}"
    assert str(db.path) in window.database_label.text()
    assert "No practitioner" in window.practitioner_label.text()

    claire = practice.add_practitioner(db, practice.PractitionerData("Claire Moreau", "Dr"))
    set_current_practitioner(db, claire)
    practice.set_clinic_info(db, practice.ClinicInfo("Cabinet du Parc", "12 avenue du Parc"))

    assert window.windowTitle() == "mesodesk — Cabinet du Parc"
    assert window.practitioner_label.text() == "Signing: Dr Claire Moreau"


def test_about_names_the_version_and_the_database(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    window.about_action.trigger()
    box = next(b for b in _boxes() if b.windowTitle() == "About mesodesk")
    assert __version__ in box.text()
    assert str(db.path) in box.text()
    box.close()


def test_settings_opens_from_the_file_menu(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    dialog = window.open_settings()
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Settings"
    dialog.close()


def test_open_database_asks_for_a_file_and_hands_it_on(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    monkeypatch.setattr(main_window_module, "choose_database", lambda parent, start: other)
    window = _window(qtbot, db)
    with qtbot.waitSignal(window.open_database_requested) as asked:
        window.open_action.trigger()
    assert asked.args == [other]

    monkeypatch.setattr(main_window_module, "choose_database", lambda parent, start: db.path)
    with qtbot.assertNotEmitted(window.open_database_requested):
        window.open_action.trigger()


def test_the_window_remembers_its_size(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    window.resize(700, 500)  # inside the offscreen screen (800 x 600)
    window.close()

    again = MainWindow(db, db.path)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)


def test_a_new_patient_typed_in_the_real_dialog_opens_in_the_record(
    qtbot: QtBot, db: Database
) -> None:
    window = _window(qtbot, db)
    window.new_patient_action.trigger()
    dialog = window.findChild(QDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.family_name, "Marchetti")
    qtbot.keyClicks(dialog.given_names, "Sofia")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    found = patients.search_patients(db, "marchetti")
    assert [p.full_name for p in found] == ["Sofia Marchetti"]
    assert window.current_patient_id == found[0].id
    assert window.pages.currentWidget() is window.record
    assert window.patients.current_patient_id() == found[0].id


def test_a_lot_in_today_opens_products_and_lots(qtbot: QtBot, db: Database) -> None:
    from mesodesk.core.services import catalogue

    product = catalogue.add_product(db, catalogue.ProductData("L-carnitine 20%"))
    catalogue.add_lot(
        db,
        product,
        catalogue.LotData("LC-2409-A", dt.date.today() + dt.timedelta(days=10), dt.date.today()),
    )
    window = _window(qtbot, db)
    table = window.today.lots.table
    centre = table.visualRect(window.today.lots.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    dialog = window.findChild(QDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Products and lots"


def test_the_practice_menu_opens_the_outcomes_window(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.plots.analytics_window import AnalyticsWindow

    window = MainWindow(db, Path(db.path))
    qtbot.addWidget(window)
    window.analytics_action.trigger()
    opened = window.findChild(AnalyticsWindow)
    assert opened is not None and opened.isVisible() and opened.isWindow()
