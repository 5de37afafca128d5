"""Importing photos as the practitioner does: drop them, tag them, import; refusals said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QWidget
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, PhotoView, Side
from mesodesk.core.services import photos, screening
from mesodesk.ui.photos import import_dialog
from mesodesk.ui.photos.import_dialog import STATUS, PhotoImportDialog
from tests.core.conftest import add_patient
from tests.ui.photos.conftest import BLUE, GREEN, RED, Picture, Treated

SESSION_COLUMN, AREA_COLUMN, SIDE_COLUMN, VIEW_COLUMN, DATE_COLUMN = 1, 2, 3, 4, 5


def open_dialog(qtbot: QtBot, db: Database, patient: int) -> PhotoImportDialog:
    dialog = PhotoImportDialog(db, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def drop(widget: QWidget, files: list[Path]) -> None:
    """Drag files from the file manager and let go over ``widget``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in files])
    centre = widget.rect().center()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        widget, QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, keys)
    )


def cell(dialog: PhotoImportDialog, row: int, column: int) -> QComboBox:
    widget = dialog.table.cellWidget(row, column)
    assert isinstance(widget, QComboBox)
    return widget


def status(dialog: PhotoImportDialog, row: int) -> str:
    item = dialog.table.item(row, STATUS)
    assert item is not None
    return item.text()


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_dropped_photos_are_tagged_and_imported(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    dialog = open_dialog(qtbot, treated.db, treated.patient)
    thigh = picture("IMG_0412.jpg", RED, taken="2026:09:15 10:41:07")
    back = picture("IMG_0413.jpg", BLUE, size=(400, 300))

    drop(dialog.drop_area, [thigh, back])

    assert dialog.table.rowCount() == 2
    # The camera's day is kept, and names the session held that day (S2).
    assert cell(dialog, 0, SESSION_COLUMN).currentText().startswith("S2 · 2026-09-15")
    date = dialog.table.cellWidget(0, DATE_COLUMN)
    assert isinstance(date, QDateEdit) and date.date().toString("yyyy-MM-dd") == "2026-09-15"
    # Without a camera date: the newest session, the course's first area.
    assert cell(dialog, 1, SESSION_COLUMN).currentText().startswith("S3 · 2026-09-29")
    assert cell(dialog, 1, AREA_COLUMN).currentText() == "Outer thigh (saddlebags)"
    qtbot.keyClicks(cell(dialog, 1, AREA_COLUMN), "Buttock")
    qtbot.keyClicks(cell(dialog, 1, VIEW_COLUMN), "Back")
    assert cell(dialog, 1, SIDE_COLUMN).currentText() == "Left"
    qtbot.keyClicks(cell(dialog, 1, SIDE_COLUMN), "Both")
    assert dialog.import_button.text() == "Import 2 photos"

    with qtbot.waitSignal(dialog.imported) as imported:
        click(qtbot, dialog.import_button)

    assert [status(dialog, row) for row in (0, 1)] == ["Imported", "Imported"]
    assert dialog.summary.text() == "2 photos imported."
    assert not dialog.import_button.isEnabled()
    stored = {p.id: p for p in photos.patient_photos(treated.db, treated.patient)}
    first, second = (stored[i] for i in imported.args[0])
    assert (first.area, first.view, first.session_label, first.taken_on) == (
        "Outer thigh (saddlebags), left", PhotoView.FRONT, "S2", dt.date(2026, 9, 15),
    )  # fmt: skip
    assert (second.region_code, second.side, second.view, second.session_label) == (
        "buttock", Side.BOTH, PhotoView.BACK, "S3",
    )  # fmt: skip


def test_photos_can_be_chosen_instead_of_dropped(
    qtbot: QtBot, treated: Treated, picture: Picture, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = [picture("a.png", GREEN), picture("b.jpg", RED)]
    monkeypatch.setattr(import_dialog, "choose_files", lambda parent: chosen)
    dialog = open_dialog(qtbot, treated.db, treated.patient)

    click(qtbot, dialog.drop_area.choose_button)
    click(qtbot, dialog.drop_area.choose_button)  # the same files again are not listed twice

    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == [
        "a.png",
        "b.jpg",
    ]


def test_each_bad_file_says_why_in_its_row_and_the_others_go_in(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    good = picture("good.jpg", GREEN)
    notes = good.with_name("notes.jpg")
    notes.write_text("a list of patients, not a photo")
    cut = picture("cut.jpg", RED, size=(600, 800))
    cut.write_bytes(cut.read_bytes()[:1500])
    unplugged = picture("usb.jpg", BLUE)
    dialog = open_dialog(qtbot, treated.db, treated.patient)

    drop(dialog.drop_area, [good, notes, cut, unplugged])
    unplugged.unlink()  # the USB stick is pulled before Import is clicked

    # Looked at as they are dropped: what is not a whole JPEG or PNG is said at once.
    assert "notes.jpg is not a photo mesodesk can read" in status(dialog, 1)
    assert "cut.jpg is cut short" in status(dialog, 2)
    assert dialog.import_button.text() == "Import 2 photos"
    click(qtbot, dialog.import_button)

    assert status(dialog, 0) == "Imported"
    assert "usb.jpg is no longer there" in status(dialog, 3)
    assert dialog.summary.text() == "1 photo imported. 1 could not be: the reason is in its row."
    assert [p.original_name for p in photos.patient_photos(treated.db, treated.patient)] == [
        "good.jpg"
    ]


def test_without_a_photo_consent_nothing_can_be_imported(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    db = treated.db
    other = add_patient(db, "2026-0300", "Martin", "Anne")
    dialog = open_dialog(qtbot, db, other)

    assert dialog.consent.isVisible()
    assert dialog.consent.text().startswith(
        "Anne Martin has not signed the consent to clinical photographs"
    )
    assert not dialog.drop_area.isEnabled()
    assert not dialog.import_button.isEnabled()


def test_a_consent_withdrawn_while_the_dialog_is_open_refuses_the_import(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    db = treated.db
    dialog = open_dialog(qtbot, db, treated.patient)
    drop(dialog.drop_area, [picture("late.jpg", RED)])
    [consent] = [c for c in screening.consents(db, treated.patient) if c.kind is ConsentKind.PHOTOS]
    screening.withdraw_consent(db, consent.id, dt.date(2026, 10, 1), "Changed her mind")

    click(qtbot, dialog.import_button)

    assert "withdrew the consent to clinical photographs on 2026-10-01" in status(dialog, 0)
    assert photos.patient_photos(db, treated.patient) == []


def test_a_row_can_be_taken_off_the_list(qtbot: QtBot, treated: Treated, picture: Picture) -> None:
    dialog = open_dialog(qtbot, treated.db, treated.patient)
    drop(dialog.drop_area, [picture("a.jpg", RED), picture("b.jpg", GREEN)])
    rect = dialog.table.visualRect(dialog.table.model().index(0, 0))

    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    click(qtbot, dialog.remove_button)

    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "b.jpg"
    assert dialog.import_button.text() == "Import 1 photo"
