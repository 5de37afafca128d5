"""The Photos tab: the timeline by area, before and after compared, pairs for the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from mesodesk.core.enums import PhotoView, Side
from mesodesk.core.services import photo_pairs, photos
from mesodesk.core.services.photos import PhotoTags
from mesodesk.ui.dialogs.reason_dialog import ReasonDialog
from mesodesk.ui.photos.comparison import PhotoPane, fitted
from mesodesk.ui.photos.import_dialog import PhotoImportDialog
from mesodesk.ui.photos.photos_tab import PhotosTab
from mesodesk.ui.photos.timeline import AreaStrip
from mesodesk.ui.record.patient_record import PatientRecord
from tests.ui.photos.conftest import BLUE, GREEN, RED, Picture, Treated

THIGH = ("thigh_outer", Side.LEFT)
GREY = (128, 128, 128)


def add_photo(
    treated: Treated, picture: Picture, number: int, colour: tuple[int, int, int], *,
    area: tuple[str, Side | None] = THIGH, view: PhotoView = PhotoView.LEFT,
) -> int:  # fmt: skip
    """A photo taken at session ``number`` (1 to 3)."""
    source = picture(f"s{number}-{colour}.jpg", colour)
    tags = PhotoTags(view, area[0], area[1], treated.session_ids[number - 1])
    return photos.import_photo(treated.db, treated.patient, source, tags).photo_id


def open_tab(qtbot: QtBot, treated: Treated) -> PhotosTab:
    tab = PhotosTab(treated.db)
    qtbot.addWidget(tab)
    tab.resize(1100, 800)
    tab.show_patient(treated.patient)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def near(pixel: QColor, colour: tuple[int, int, int]) -> bool:
    shown = (pixel.red(), pixel.green(), pixel.blue())
    return all(abs(a - b) < 40 for a, b in zip(shown, colour, strict=True))


def click_photo(qtbot: QtBot, tab: PhotosTab, photo_id: int, *, ctrl: bool = False) -> None:
    strip = tab.timeline.strip_of(photo_id)
    assert isinstance(strip, AreaStrip)
    item = strip.item_of(photo_id)
    assert item is not None
    keys = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    centre = strip.visualItemRect(item).center()
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, keys, centre)


def painted(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def centre_of_photo(pane: PhotoPane) -> QPoint:
    return fitted(pane.image, pane.rect().toRectF()).center().toPoint()


def test_the_timeline_shows_each_area_with_dates_and_sessions(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    add_photo(treated, picture, 3, GREEN)
    add_photo(treated, picture, 1, RED)
    add_photo(treated, picture, 2, BLUE, area=("buttock", Side.BOTH), view=PhotoView.BACK)

    tab = open_tab(qtbot, treated)

    titles = [t.text() for t in tab.timeline.titles]
    assert titles == [
        "<b>Buttock, both sides</b> · 1 photo",
        "<b>Outer thigh (saddlebags), left</b> · 2 photos",
    ]
    thigh = tab.timeline.strips[1]
    assert [thigh.item(i).text() for i in range(thigh.count())] == [
        "2026-09-01\nS1 · Left side",
        "2026-09-29\nS3 · Left side",
    ]
    assert all(not thigh.item(i).icon().isNull() for i in range(thigh.count()))


def test_a_photo_is_compared_with_the_first_of_its_area_and_both_are_painted(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    before = add_photo(treated, picture, 1, RED)
    add_photo(treated, picture, 2, GREY)
    after = add_photo(treated, picture, 3, GREEN)
    tab = open_tab(qtbot, treated)

    click_photo(qtbot, tab, after)

    view = tab.comparison
    assert (view.before and view.before.id, view.after and view.after.id) == (before, after)
    assert view.before_caption.text() == "Before — 2026-09-01 · S1 (session 1) · Left side"
    assert view.after_caption.text() == "After — 2026-09-29 · S3 (session 3) · Left side"
    left, right = view.before_pane, view.after_pane
    assert near(painted(left).pixelColor(centre_of_photo(left)), RED)
    assert near(painted(right).pixelColor(centre_of_photo(right)), GREEN)


def test_the_slider_shows_before_left_of_the_line_and_after_right_of_it(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    add_photo(treated, picture, 1, RED)
    after = add_photo(treated, picture, 3, GREEN)
    tab = open_tab(qtbot, treated)
    click_photo(qtbot, tab, after)

    qtbot.mouseClick(tab.comparison.slider_button, Qt.MouseButton.LeftButton)
    overlay = tab.comparison.overlay
    frame = overlay.frame()
    y = round(frame.center().y() + frame.height() / 4)  # below the divider's handle

    def colour_at(share: float) -> QColor:
        return painted(overlay).pixelColor(round(frame.left() + frame.width() * share), y)

    assert near(colour_at(0.25), RED) and near(colour_at(0.75), GREEN)
    # Dragging the line to the right shows more of the before photo.
    start = QPoint(round(overlay.divider_x()), y)
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(overlay, QPoint(round(frame.left() + frame.width() * 0.9), y))
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton)
    assert near(colour_at(0.75), RED)
    assert tab.comparison.slider.value() > 850
    assert "Before — 2026-09-01 · S1 (session 1)" in tab.comparison.overlay_caption.text()


def test_ctrl_click_chooses_the_two_photos_to_compare(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    add_photo(treated, picture, 1, RED)
    middle = add_photo(treated, picture, 2, BLUE)
    last = add_photo(treated, picture, 3, GREEN)
    tab = open_tab(qtbot, treated)

    click_photo(qtbot, tab, last)
    click_photo(qtbot, tab, middle, ctrl=True)

    assert tab.timeline.chosen == [last, middle]
    view = tab.comparison
    assert (view.before and view.before.id, view.after and view.after.id) == (middle, last)
    assert near(painted(view.before_pane).pixelColor(centre_of_photo(view.before_pane)), BLUE)


def test_a_pair_is_put_in_the_pdf_and_taken_out_again(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    before = add_photo(treated, picture, 1, RED)
    after = add_photo(treated, picture, 3, GREEN)
    tab = open_tab(qtbot, treated)
    click_photo(qtbot, tab, after)
    box = tab.comparison.for_pdf
    assert box.isEnabled() and not box.isChecked()

    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))

    [pair] = photo_pairs.pdf_pairs(treated.db, treated.patient)
    assert (pair.before.id, pair.after.id) == (before, after)
    assert tab.pdf_note.text() == "1 pair chosen for the PDF"
    assert tab.comparison.for_pdf.isChecked()

    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert photo_pairs.pdf_pairs(treated.db, treated.patient) == []
    assert tab.pdf_note.text() == ""


def test_a_photo_is_voided_with_a_reason(qtbot: QtBot, treated: Treated, picture: Picture) -> None:
    add_photo(treated, picture, 1, RED)
    blurred = add_photo(treated, picture, 2, GREY)
    tab = open_tab(qtbot, treated)
    assert not tab.void_button.isEnabled()
    click_photo(qtbot, tab, blurred)

    qtbot.mouseClick(tab.void_button, Qt.MouseButton.LeftButton)
    [dialog] = [w for w in tab._open if isinstance(w, ReasonDialog)]
    qtbot.keyClicks(dialog.reason, "Blurred, taken again")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    thigh = tab.timeline.strips[0]
    assert [thigh.item(i).text() for i in range(thigh.count())] == ["2026-09-01\nS1 · Left side"]
    assert tab.timeline.chosen == []


def test_photos_imported_from_the_tab_appear_in_the_timeline(
    qtbot: QtBot, treated: Treated, picture: Picture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mesodesk.ui.photos import import_dialog

    source = picture("IMG_1.jpg", RED, taken="2026:09:15 11:00:00")
    monkeypatch.setattr(import_dialog, "choose_files", lambda parent: [Path(source)])
    tab = open_tab(qtbot, treated)
    assert tab.timeline.strips == []

    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    [dialog] = [w for w in tab._open if isinstance(w, PhotoImportDialog)]
    qtbot.mouseClick(dialog.drop_area.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    [strip] = tab.timeline.strips
    assert strip.item(0).text() == "2026-09-15\nS2 · Front"


def test_the_patient_record_has_a_photos_tab(
    qtbot: QtBot, treated: Treated, picture: Picture
) -> None:
    add_photo(treated, picture, 1, RED)
    record = PatientRecord(treated.db, treated.patient)
    qtbot.addWidget(record)
    record.resize(1280, 800)
    record.show()
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    assert "Photos" in titles
    assert record.photos.timeline.strips == []  # read only when looked at

    record.tabs.setCurrentIndex(titles.index("Photos"))

    assert len(record.photos.timeline.strips) == 1
