"""The Photos tab of the patient record: the timeline by area, and before/after compared.

Choosing one photo compares it with the first photo of its area (or, for the first, with
the latest); Ctrl+click chooses the two to compare. The pair on show can be put in the
PDF history. The tab reads the record only when it is shown, so opening a patient whose
photos are not looked at costs nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from mesodesk.core import photos as files
from mesodesk.core.attachments import photos_folder
from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.errors import MesodeskError
from mesodesk.core.services import photo_pairs, photos
from mesodesk.core.services.photos import PhotoEntry
from mesodesk.ui import messages
from mesodesk.ui.events import events_for
from mesodesk.ui.photos.comparison import ComparisonView
from mesodesk.ui.photos.timeline import PhotoTimeline

WATCHED = frozenset({"photo", "photo_pair", "consent", "treatment_session", "region", "patient"})
HINT = "Click a photo to compare it with the first of its area; Ctrl+click to choose two."


class PhotosTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.folder = photos_folder(db.path)
        self.patient_id: int | None = None
        self.photos: dict[int, PhotoEntry] = {}
        self.groups: list[list[PhotoEntry]] = []
        self._stale = False
        self._thumbs: dict[str, QPixmap | None] = {}
        self._open: list[QWidget] = []
        self.import_button = QPushButton("Import photos…")
        self.void_button = QPushButton("Void photo…")
        self.hint = QLabel(HINT)
        self.hint.setStyleSheet("color: #555555;")
        self.consent_note = QLabel()
        self.consent_note.setObjectName("consentNote")
        self.consent_note.setStyleSheet("color: #a15c00; font-weight: 600;")
        self.consent_note.setWordWrap(True)
        self.consent_note.hide()
        self.pdf_note = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addWidget(self.void_button)
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.pdf_note)
        self.timeline = PhotoTimeline()
        self.comparison = ComparisonView()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(self.comparison)
        self.splitter.setSizes([420, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.consent_note)
        layout.addWidget(self.splitter, 1)
        self.import_button.clicked.connect(self.open_import)
        self.void_button.clicked.connect(self._on_void)
        self.timeline.chosen_changed.connect(self._on_chosen)
        self.comparison.pdf_toggled.connect(self._on_pdf_toggled)
        events_for(db).changed.connect(self._on_database_changed)
        self._update_buttons()

    # --- showing --------------------------------------------------------------------
    def show_patient(self, patient_id: int) -> None:
        """Show this patient's photos; read now if the tab is on screen, else when shown."""
        if patient_id != self.patient_id:
            self.patient_id = patient_id
            self.timeline.chosen = []
            self._thumbs.clear()  # kept for one patient at a time: memory stays small
            self._stale = True
        if self._stale and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_database_changed(self, change: ChangeSet) -> None:
        if self.patient_id is not None and change.tables & WATCHED:
            self._stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        if self.patient_id is None:
            return
        self._stale = False
        entries = photos.patient_photos(self.db, self.patient_id)
        self.photos = {p.id: p for p in entries}
        self.groups = photos.by_area(entries)
        self.timeline.show_photos(self.groups, self.thumbnail)
        problem = photos.photo_consent_problem(self.db, self.patient_id)
        self.consent_note.setText(problem or "")
        self.consent_note.setVisible(problem is not None)
        chosen = len(photo_pairs.pdf_pairs(self.db, self.patient_id))
        self.pdf_note.setText(
            f"{chosen} pair{'s' if chosen != 1 else ''} chosen for the PDF" if chosen else ""
        )
        self._on_chosen(self.timeline.chosen)

    def thumbnail(self, photo: PhotoEntry) -> QPixmap | None:
        """The timeline's picture of ``photo``, read once per patient and kept."""
        if photo.sha256 not in self._thumbs:
            path = files.thumbnail_file(self.folder, photo.sha256)
            pixmap = QPixmap(str(path)) if path is not None else QPixmap()
            self._thumbs[photo.sha256] = None if pixmap.isNull() else pixmap
        return self._thumbs[photo.sha256]

    def display_image(self, photo: PhotoEntry | None) -> QImage:
        if photo is None:
            return QImage()
        path = files.display_file(self.folder, photo.sha256, photo.width, photo.height)
        return QImage(str(path)) if path is not None else QImage()

    def pair(self, chosen: list[int]) -> tuple[PhotoEntry | None, PhotoEntry | None]:
        """The before and after to show for the photos chosen in the timeline."""
        picked = [self.photos[i] for i in chosen if i in self.photos]
        if len(picked) >= 2:
            first, second = sorted(picked[:2], key=lambda p: (p.taken_on, p.id))
            return first, second
        if not picked:
            return None, None
        photo = picked[0]
        group = next(g for g in self.groups if photo in g)
        if photo is group[0]:
            return photo, (group[-1] if len(group) > 1 else None)
        return group[0], photo

    def _on_chosen(self, chosen: list[int]) -> None:
        before, after = self.pair(chosen)
        in_pdf = (
            before is not None
            and after is not None
            and photo_pairs.pair_for(self.db, before.id, after.id) is not None
        )
        self.comparison.show_pair(
            before, after, self.display_image(before), self.display_image(after), in_pdf=in_pdf
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.void_button.setEnabled(len(self.timeline.chosen) == 1)

    # --- acting ---------------------------------------------------------------------
    def _keep(self, dialog: Any) -> Any:
        self._open.append(dialog)
        dialog.finished.connect(lambda *_: self._open.remove(dialog))
        dialog.show()
        return dialog

    def open_import(self) -> Any:
        from mesodesk.ui.photos.import_dialog import PhotoImportDialog

        if self.patient_id is None:
            return None
        return self._keep(PhotoImportDialog(self.db, self.patient_id, parent=self))

    def _run(self, action: Any) -> bool:
        try:
            action()
        except MesodeskError as error:
            messages.show_known_error(self, error)
            return False
        return True

    def _on_pdf_toggled(self, wanted: bool) -> None:
        before, after = self.comparison.before, self.comparison.after
        if before is None or after is None:
            return
        if wanted:
            done = self._run(lambda: photo_pairs.choose_pair_for_pdf(self.db, before.id, after.id))
        else:
            pair_id = photo_pairs.pair_for(self.db, before.id, after.id)
            done = pair_id is None or self._run(
                lambda: photo_pairs.drop_pair_from_pdf(self.db, pair_id)
            )
        if not done:
            self.comparison.for_pdf.setChecked(not wanted)

    def _on_void(self) -> Any:
        from mesodesk.ui.dialogs.reason_dialog import ReasonDialog

        [photo_id] = self.timeline.chosen
        photo = self.photos[photo_id]
        dialog = ReasonDialog(
            "Void photo",
            f"Why is the photo of {photo.taken_on.isoformat()} ({photo.area}) voided? It leaves "
            "the timeline and the PDF; the file and the record of it are kept.",
            self,
            action_text="Void photo",
        )
        dialog.reason_given.connect(
            lambda reason: self._run(lambda: photos.void_photo(self.db, photo_id, reason))
        )
        return self._keep(dialog)
