"""The window locks when idle (or at start) and hides every patient until the password."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mesodesk.core import security
from mesodesk.core.db import Database
from mesodesk.ui.lock import PasswordDialog
from mesodesk.ui.main_window import MainWindow


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db, Path(db.path))
    qtbot.addWidget(window)
    window.show()
    return window


def test_without_a_password_the_window_never_locks(qtbot: QtBot, db: Database) -> None:
    window = _window(qtbot, db)
    window.idle.timer.timeout.emit()
    assert not window.locked


def test_with_a_password_the_window_starts_locked(qtbot: QtBot, db: Database) -> None:
    security.set_password(db, "correct horse")
    window = _window(qtbot, db)
    assert window.locked
    assert not window.splitter.isVisible()
    assert not window.new_patient_action.isEnabled()
    qtbot.keyClicks(window.lock_screen.password, "wrong guess")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert window.locked and "Wrong password" in window.lock_screen.message.text()
    qtbot.keyClicks(window.lock_screen.password, "correct horse")
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.locked and window.splitter.isVisible()
    assert window.new_patient_action.isEnabled()


def test_idle_time_locks_and_hides_open_dialogs(qtbot: QtBot, db: Database) -> None:
    security.set_password(db, "correct horse")
    window = _window(qtbot, db)
    window.lock_screen.password.setText("correct horse")
    window.lock_screen.try_unlock()
    dialog = window.open_settings()
    assert dialog is not None and dialog.isVisible()
    window.idle.timer.timeout.emit()  # ten quiet minutes
    assert window.locked and not dialog.isVisible()
    window.lock_screen.password.setText("correct horse")
    window.lock_screen.try_unlock()
    assert dialog.isVisible()


def test_setting_the_password_from_the_window(qtbot: QtBot, db: Database) -> None:
    dialog = PasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.new, "correct horse")
    qtbot.keyClicks(dialog.repeat, "correct horsf")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "does not match" in dialog.error_line.text()
    dialog.repeat.setText("correct horse")
    dialog.minutes.setValue(5)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert security.check_password(db, "correct horse")
    assert security.idle_minutes(db) == 5
