"""Settings: practitioners and who signs, the clinic's details, the data folder, units."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import practice
from mesodesk.ui import messages, settings_dialog
from mesodesk.ui.practitioner import current_practitioner_id
from mesodesk.ui.settings_dialog import METRIC, SettingsDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _never_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real question would wait forever in a test; unless a test says otherwise, discard."""
    monkeypatch.setattr(messages, "ask", lambda *args, **kwargs: True)


@pytest.fixture
def claire(db: Database) -> int:
    return practice.add_practitioner(
        db, practice.PractitionerData("Claire Moreau", "Dr", "RPPS 10101234567")
    )


def _dialog(qtbot: QtBot, db: Database) -> SettingsDialog:
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_settings_save_the_clinic_info(qtbot: QtBot, db: Database, claire: int) -> None:
    dialog = _dialog(qtbot, db)
    assert dialog.practitioner.name.text() == "Claire Moreau"
    qtbot.keyClicks(dialog.clinic.name, "Cabinet du Parc")
    qtbot.keyClicks(dialog.clinic.address, "12 avenue du Parc")
    qtbot.keyClick(dialog.clinic.address, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.clinic.address, "69006 Lyon")
    qtbot.keyClicks(dialog.clinic.phone, "04 78 12 34 56")

    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert saved.args == [claire]
    assert practice.clinic_info(db) == practice.ClinicInfo(
        "Cabinet du Parc", "12 avenue du Parc\n69006 Lyon", "04 78 12 34 56"
    )
    assert not dialog.isVisible()


def test_a_second_practitioner_is_added_and_signs_from_now_on(
    qtbot: QtBot, db: Database, claire: int
) -> None:
    dialog = _dialog(qtbot, db)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.practitioner.name.text() == ""
    qtbot.keyClicks(dialog.practitioner.name, "Karim Haddad")
    qtbot.keyClicks(dialog.practitioner.title_field, "Dr")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    people = {p.name: p for p in practice.list_practitioners(db)}
    assert set(people) == {"Claire Moreau", "Karim Haddad"}
    assert current_practitioner_id(db) == people["Karim Haddad"].id
    assert db.actor == "Dr Karim Haddad"


def test_editing_the_current_practitioner_keeps_other_typing(
    qtbot: QtBot, db: Database, claire: int
) -> None:
    other = practice.add_practitioner(db, practice.PractitionerData("Zoe Martin", "Dr"))
    dialog = _dialog(qtbot, db)
    dialog.current.setCurrentIndex(dialog.current.findData(claire))
    dialog.practitioner.title_field.clear()
    qtbot.keyClicks(dialog.practitioner.title_field, "Pr")
    # Look at the other practitioner, then come back: the edit is still there.
    dialog.current.setCurrentIndex(dialog.current.findData(other))
    assert dialog.practitioner.name.text() == "Zoe Martin"
    dialog.current.setCurrentIndex(dialog.current.findData(claire))
    assert dialog.practitioner.title_field.text() == "Pr"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    people = {p.id: p for p in practice.list_practitioners(db)}
    assert people[claire].title == "Pr"
    assert people[other].title == "Dr"
    assert current_practitioner_id(db) == claire


def test_a_bad_phone_is_said_and_the_typing_kept(qtbot: QtBot, db: Database, claire: int) -> None:
    dialog = _dialog(qtbot, db)
    qtbot.keyClicks(dialog.clinic.name, "Cabinet du Parc")
    qtbot.keyClicks(dialog.clinic.phone, "call me maybe")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "phone" in dialog.error.text().lower()
    assert dialog.clinic.name.text() == "Cabinet du Parc"
    assert practice.clinic_info(db).name == ""


def test_the_data_folder_opens_in_the_file_manager(
    qtbot: QtBot, db: Database, claire: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(settings_dialog, "open_folder", lambda path: opened.append(path) or True)
    dialog = _dialog(qtbot, db)
    assert dialog.folder.text() == str(db.path.parent)
    qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    assert opened == [db.path.parent]


def test_units_are_metric(qtbot: QtBot, db: Database, claire: int) -> None:
    dialog = _dialog(qtbot, db)
    assert [dialog.units.itemText(i) for i in range(dialog.units.count())] == [METRIC]
    assert not dialog.units.isEnabled()


def test_escape_asks_before_discarding_changes(
    qtbot: QtBot, db: Database, claire: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []
    answer = False

    def ask(parent: object, title: str, question: str, **_: str) -> bool:
        questions.append(title)
        return answer

    monkeypatch.setattr(messages, "ask", ask)
    dialog = _dialog(qtbot, db)
    qtbot.keyClicks(dialog.clinic.name, "Cabinet du Parc")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert questions == ["Discard the changes?"]
    assert dialog.isVisible()

    answer = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert practice.clinic_info(db).name == ""


def test_escape_without_changes_just_closes(
    qtbot: QtBot, db: Database, claire: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "ask", lambda *a, **k: pytest.fail("nothing to discard"))
    dialog = _dialog(qtbot, db)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
