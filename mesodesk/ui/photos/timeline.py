"""The photo timeline: one strip per area, its photos oldest first, each with its date and
session number under its thumbnail.

Clicking a photo chooses it; Ctrl+click chooses a second one (to compare the two), in
any strip. Space does the same from the keyboard (Ctrl+Space for the second).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.services.photos import PhotoEntry

ICON_PX = 128
CELL = QSize(150, 168)  # a 128-pixel thumbnail and two lines of words
MOST_CHOSEN = 2
Thumbnails = Callable[[PhotoEntry], QPixmap | None]


class AreaStrip(QListWidget):
    """The photos of one area in a row of thumbnails."""

    picked = Signal(int, bool)  # photo id, added to the choice (Ctrl) or instead of it

    def __init__(self, photos: list[PhotoEntry], thumbnail: Thumbnails) -> None:
        super().__init__()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setGridSize(CELL)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(CELL.height() + self.horizontalScrollBar().sizeHint().height() + 6)
        for photo in photos:
            text = f"{photo.taken_on.isoformat()}\n{photo.session_label or 'no session'}"
            text += f" · {photo.view_words}"
            item = QListWidgetItem(text)
            pixmap = thumbnail(photo)
            if pixmap is not None:
                icon = QIcon(pixmap)
                icon.addPixmap(pixmap, QIcon.Mode.Selected)  # a chosen photo keeps its colours
                item.setIcon(icon)
            else:
                item.setText(f"{text}\n(file missing)")
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            item.setToolTip(f"{photo.caption} · {photo.view_words}\n{photo.original_name}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.addItem(item)

    def item_of(self, photo_id: int) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == photo_id:
                return item
        return None

    def show_chosen(self, chosen: list[int]) -> None:
        self.blockSignals(True)
        for row in range(self.count()):
            item = self.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in chosen)
        self.blockSignals(False)
        self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        if item is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole), additive)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()  # no rubber-band selection: the timeline chooses one or two photos

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return) and item is not None:
            additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.picked.emit(item.data(Qt.ItemDataRole.UserRole), additive)
            return
        super().keyPressEvent(event)


class PhotoTimeline(QScrollArea):
    """Every area's strip, one under the other, and which photos are chosen."""

    chosen_changed = Signal(list)  # photo ids, at most two, in the order chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.strips: list[AreaStrip] = []
        self.titles: list[QLabel] = []
        self.chosen: list[int] = []
        self.empty = QLabel(
            "No photo of this patient yet. Import photos… adds them (JPEG or PNG), "
            "tagged with their session, area and view."
        )
        self.empty.setWordWrap(True)
        self.setWidget(QWidget())

    def show_photos(self, groups: list[list[PhotoEntry]], thumbnail: Thumbnails) -> None:
        """Rebuild the strips (one per area); the photos still there stay chosen."""
        content = QWidget()
        layout = QVBoxLayout(content)
        self.strips, self.titles = [], []
        ids = {photo.id for group in groups for photo in group}
        for group in groups:
            count = f"{len(group)} photo{'s' if len(group) > 1 else ''}"
            title = QLabel(f"<b>{group[0].area}</b> · {count}")
            strip = AreaStrip(group, thumbnail)
            strip.picked.connect(self._on_picked)
            layout.addWidget(title)
            layout.addWidget(strip)
            self.titles.append(title)
            self.strips.append(strip)
        if not groups:
            self.empty = QLabel(self.empty.text())
            self.empty.setWordWrap(True)
            layout.addWidget(self.empty)
        layout.addStretch(1)
        self.setWidget(content)
        self.chosen = [i for i in self.chosen if i in ids]
        self._show_chosen()

    def choose(self, photo_ids: list[int]) -> None:
        self.chosen = list(photo_ids)[-MOST_CHOSEN:]
        self._show_chosen()
        if self.chosen:
            strip = self.strip_of(self.chosen[-1])
            item = strip.item_of(self.chosen[-1]) if strip is not None else None
            if strip is not None and item is not None:
                self.ensureWidgetVisible(strip, 0, 0)
                strip.scrollToItem(item)
        self.chosen_changed.emit(list(self.chosen))

    def strip_of(self, photo_id: int) -> AreaStrip | None:
        return next((s for s in self.strips if s.item_of(photo_id) is not None), None)

    def _on_picked(self, photo_id: int, additive: bool) -> None:
        if not additive:
            self.choose([photo_id])
        elif photo_id in self.chosen:
            self.choose([i for i in self.chosen if i != photo_id])
        else:
            self.choose([*self.chosen, photo_id])

    def _show_chosen(self) -> None:
        for strip in self.strips:
            strip.show_chosen(self.chosen)
