"""Importing photos into a patient's record: drop them (or choose them), tag each, import.

Each photo gets its session, area, side, view and the day it was taken (the camera's day
when it wrote one). Photos are imported one by one: a refused one (not a photo, cut
short, no consent…) says why in its row and the others go in. Without the patient's
photo consent nothing can be imported, and the dialog says so at the top.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.core.photos import PhotoFileError, first_look
from mesodesk.core.services import catalogue, courses, patients, photos
from mesodesk.ui.photos.tagging import PhotoTagger
from mesodesk.ui.record.tables import RED

GREEN = QColor("#1b6e20")
HEADERS = ("Photo", "Session", "Area", "Side", "View", "Taken on", "Status")
STATUS = len(HEADERS) - 1
WIDTHS = (190, 200, 230, 100, 140, 120)  # the status takes the rest
PREVIEW_PX = 56
PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG);;All files (*)"


def choose_files(parent: QWidget) -> list[Path]:
    """Ask for photo files (tests replace this function)."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Choose photos", "", PHOTO_FILTER)
    return [Path(name) for name in names]


class DropArea(QFrame):
    """Where photo files are dropped, with a button for those who prefer to choose."""

    dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("dropArea")
        self.setStyleSheet(
            "#dropArea { border: 2px dashed #8a8a8a; border-radius: 6px; background: #f6f8fa; }"
        )
        self.label = QLabel("Drop JPEG or PNG photos here, or")
        self.choose_button = QPushButton("Choose photos…")
        row = QHBoxLayout(self)
        row.addStretch(1)
        row.addWidget(self.label)
        row.addWidget(self.choose_button)
        row.addStretch(1)
        self.setMinimumHeight(64)

    @staticmethod
    def _files(urls: list[QUrl]) -> list[Path]:
        return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._files(event.mimeData().urls())
        if files:
            event.acceptProposedAction()
            self.dropped.emit(files)


class PhotoRow:
    """One file of the list: its tags, and whether it is waiting, stored or refused."""

    def __init__(self, path: Path, tagger: PhotoTagger) -> None:
        self.path = path
        self.tagger = tagger
        self.stored = False
        self.unreadable = False


class PhotoImportDialog(QDialog):
    imported = Signal(list)  # ids of the photos stored

    def __init__(self, db: Database, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.patient_id = patient_id
        person = patients.get_patient(db, patient_id)
        self.setWindowTitle(f"Import photos — {person.full_name} ({person.file_number})")
        self.sessions = photos.patient_sessions(db, patient_id)
        self.regions = catalogue.regions(db)
        self.rows: list[PhotoRow] = []

        self.consent = QLabel()
        self.consent.setObjectName("consentRefusal")
        self.consent.setWordWrap(True)
        self.consent.setStyleSheet(
            "background: #fdecea; color: #b00020; font-weight: 600; padding: 8px;"
        )
        self.drop_area = DropArea()
        # The patient's courses' areas come first in the area lists.
        planned = courses.patient_courses(db, patient_id)
        self.first_areas = tuple(dict.fromkeys(a for c in planned for a in c.target_areas))
        self.defaults = PhotoTagger(self.sessions, self.regions, self.first_areas, with_date=False)
        self.apply_button = QPushButton("Apply to every photo")
        defaults = QGridLayout()
        defaults.addWidget(QLabel("<b>Tag new photos with</b>"), 0, 0, 1, 4)
        for column, (title, widget) in enumerate(
            zip(HEADERS[1:5], self.defaults.widgets(), strict=True)
        ):
            defaults.addWidget(QLabel(title), 1, column)
            defaults.addWidget(widget, 2, column)
        defaults.addWidget(self.apply_button, 2, 4)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setIconSize(QSize(PREVIEW_PX, PREVIEW_PX))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.remove_button = QPushButton("Remove from the list")
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.consent)
        layout.addWidget(self.drop_area)
        layout.addLayout(defaults)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._preselect()
        self.drop_area.dropped.connect(self.add_files)
        self.drop_area.choose_button.clicked.connect(self._on_choose)
        self.apply_button.clicked.connect(self._on_apply_to_all)
        self.remove_button.clicked.connect(self._on_remove)
        self.import_button.clicked.connect(self.import_photos)
        self.close_button.clicked.connect(self.reject)
        self.consent_problem = photos.photo_consent_problem(db, patient_id)
        self.consent.setText(self.consent_problem or "")
        self.consent.setVisible(self.consent_problem is not None)
        self.drop_area.setEnabled(self.consent_problem is None)
        self._update_buttons()
        self.resize(1240, 600)

    def _preselect(self) -> None:
        """The newest session and the first target area: the likeliest subject of a photo."""
        if self.sessions:
            self.defaults.choose_session(self.sessions[0].id)
        if self.first_areas:
            self.defaults.choose_area(self.first_areas[0])

    # --- the list -------------------------------------------------------------------
    def _on_choose(self) -> None:
        self.add_files(choose_files(self))

    def add_files(self, files: list[Path]) -> None:
        """Add files to the list, tagged with the defaults; one already listed is skipped."""
        listed = {row.path for row in self.rows}
        for path in files:
            if path not in listed:
                listed.add(path)
                self._add_row(path)
        self.table.resizeRowsToContents()
        self._update_buttons()

    def _add_row(self, path: Path) -> None:
        tagger = PhotoTagger(self.sessions, self.regions, self.first_areas)
        tagger.copy_from(self.defaults)
        row = PhotoRow(path, tagger)
        index = self.table.rowCount()
        self.table.insertRow(index)
        item = QTableWidgetItem(path.name)
        item.setToolTip(str(path))
        self.table.setItem(index, 0, item)
        for column, widget in enumerate(tagger.widgets(), start=1):
            self.table.setCellWidget(index, column, widget)
        self.table.setItem(index, STATUS, QTableWidgetItem("Ready"))
        self.rows.append(row)
        try:
            look = first_look(path, PREVIEW_PX)
        except PhotoFileError as error:
            row.unreadable = True
            tagger.set_enabled(False)
            self._set_status(index, str(error), RED)
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(look.preview):
            item.setIcon(QIcon(pixmap))
        if look.taken_on is not None:
            tagger.set_camera_day(look.taken_on)

    def _set_status(self, index: int, text: str, colour: QColor) -> None:
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        item.setForeground(colour)
        self.table.setItem(index, STATUS, item)

    def _on_apply_to_all(self) -> None:
        for row in self.waiting():
            row.tagger.copy_from(self.defaults)

    def _on_remove(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(index)
            del self.rows[index]
        self._update_buttons()

    def waiting(self) -> list[PhotoRow]:
        return [row for row in self.rows if not row.stored and not row.unreadable]

    def _update_buttons(self) -> None:
        count = len(self.waiting())
        self.import_button.setText(f"Import {count} photo{'s' if count != 1 else ''}")
        self.import_button.setEnabled(count > 0 and self.consent_problem is None)
        self.remove_button.setEnabled(bool(self.rows))
        self.apply_button.setEnabled(count > 0)

    # --- importing ------------------------------------------------------------------
    def import_photos(self) -> None:
        """Import every waiting photo; each refusal is written in its row."""
        stored: list[int] = []
        refused = 0
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for index, row in enumerate(self.rows):
                if row.stored or row.unreadable:
                    continue
                try:
                    done = photos.import_photo(
                        self.db, self.patient_id, row.path, row.tagger.tags()
                    )
                except ValidationError as error:
                    refused += 1
                    self._set_status(index, f"{error.field}: {error.problem}.", RED)
                except MesodeskError as error:
                    refused += 1
                    self._set_status(index, error.message, RED)
                else:
                    row.stored = True
                    row.tagger.set_enabled(False)
                    shared = " (the same picture was stored already)" if done.already_stored else ""
                    self._set_status(index, f"Imported{shared}", GREEN)
                    stored.append(done.photo_id)
                QApplication.processEvents()  # keep the window painted between large photos
        finally:
            QApplication.restoreOverrideCursor()
        self.table.resizeRowsToContents()
        self._say_done(len(stored), refused)
        self._update_buttons()
        if stored:
            self.imported.emit(stored)

    def _say_done(self, stored: int, refused: int) -> None:
        parts = []
        if stored:
            parts.append(f"{stored} photo{'s' if stored > 1 else ''} imported.")
        if refused:
            parts.append(
                f"{refused} could not be: the reason is in "
                f"{'their rows' if refused > 1 else 'its row'}."
            )
        self.summary.setText(" ".join(parts))
