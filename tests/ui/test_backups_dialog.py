"""Backups from the window: listed with what they hold, made on demand, restored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mesodesk.core import backups
from mesodesk.core.enums import Sex
from mesodesk.core.services import patients
from mesodesk.ui import messages
from mesodesk.ui.app import Workspace, open_record, prepare_record
from mesodesk.ui.backups_dialog import BackupsDialog


def _add(db, number: str) -> None:  # type: ignore[no-untyped-def]
    patients.create_patient(
        db, patients.PatientData(number, "Dubois", "Hélène", dt.date(1984, 5, 12), Sex.FEMALE)
    )


def test_backing_up_now_lists_the_copy_with_its_counts(qtbot: QtBot, db_path: Path) -> None:
    dialog = BackupsDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 0 and "No backup yet" in dialog.preview.text()
    qtbot.mouseClick(dialog.backup_now, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "made by hand"  # type: ignore[union-attr]
    assert dialog.table.item(0, 3).text() == "0"  # type: ignore[union-attr]


def test_restoring_from_the_window_brings_the_record_back(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, lock, path = open_record(db_path, demo=False)
    from mesodesk.core.services import practice

    practice.add_practitioner(database, practice.PractitionerData("Claire Moreau", "Dr"))
    assert prepare_record(database)
    workspace = Workspace(database, lock, path)
    qtbot.addWidget(workspace.window)
    _add(workspace.database, "2026-0001")
    backups.make_backup(path, backups.default_folder(path))
    _add(workspace.database, "2026-0002")
    dialog = workspace.window.open_backups()
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert "brings back 1 patients" in dialog.preview.text()
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: True)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    numbers = [p.file_number for p in patients.search_patients(workspace.database, "")]
    assert numbers == ["2026-0001"]
    assert any(p.name.startswith("record-before-restore-") for p in path.parent.iterdir())
    workspace.close()


def test_a_second_folder_gets_a_copy_and_its_absence_is_said(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mesodesk.ui import app as app_module
    from mesodesk.ui import backups_dialog

    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backups_dialog, "choose_folder", lambda _parent: usb)
    dialog = BackupsDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.choose_mirror, Qt.MouseButton.LeftButton)
    assert str(usb) in dialog.mirror_label.text()
    assert app_module.back_up(db_path) == []
    assert {b.kind for b in backups.list_backups(usb)} == {"daily", "weekly", "monthly"}
    usb.rename(tmp_path / "unplugged")
    dialog._show_mirror()
    assert "not available" in dialog.mirror_label.text()
    warnings = app_module.back_up(db_path)
    assert warnings and "second backup folder" in warnings[0]
    qtbot.mouseClick(dialog.clear_mirror, Qt.MouseButton.LeftButton)
    assert app_module.mirror_folder() is None
