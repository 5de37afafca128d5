"""Settings: the practitioners and who signs, the clinic's details, the data folder, units."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.errors import MesodeskError
from mesodesk.core.services import practice
from mesodesk.core.services.practice import PractitionerData
from mesodesk.ui import messages
from mesodesk.ui.first_start import ClinicFields, PractitionerFields
from mesodesk.ui.forms import ErrorLine
from mesodesk.ui.practitioner import current_practitioner_id, set_current_practitioner

METRIC = "Metric (cm, kg)"


def open_folder(path: Path) -> bool:
    """Show ``path`` in the system's file manager (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class SettingsDialog(QDialog):
    """Edits the practice's settings; ``saved`` carries the signing practitioner's id."""

    saved = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle("Settings")
        self._original: dict[int, PractitionerData] = {
            p.id: PractitionerData(p.name, p.title, p.registration_number)
            for p in practice.list_practitioners(db)
        }
        self._pending: dict[int, PractitionerData] = dict(self._original)
        self._created: dict[int, int] = {}  # key of a new entry → id once added
        self._next_new_key = -1
        self._shown_key: int | None = None
        self._clinic = practice.clinic_info(db)
        self._first_current = current_practitioner_id(db)

        self.current = QComboBox(self)
        self.current.setToolTip("The practitioner who signs the sessions recorded from now on")
        self.add_button = QPushButton("A&dd a practitioner", self)
        self.practitioner = PractitionerFields("Details of the selected practitioner", self)
        self.clinic = ClinicFields("Clinic (printed at the head of reports)", self)
        self.clinic.set_info(self._clinic)
        self.units = QComboBox(self)
        self.units.addItem(METRIC)
        self.units.setEnabled(False)
        self.units.setToolTip("mesodesk records measurements in metric units.")
        self.folder = QLabel(str(db.path.parent), self)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton("Open in file manager", self)
        self.error = ErrorLine(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self._lay_out()

        for person in practice.list_practitioners(db):
            self.current.addItem(person.display_name, person.id)
        if self._first_current is not None:
            self.current.setCurrentIndex(self.current.findData(self._first_current))
        self._show_selected()
        self.current.currentIndexChanged.connect(self._show_selected)
        self.add_button.clicked.connect(self.add_practitioner)
        self.open_folder_button.clicked.connect(self._on_open_folder)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def _lay_out(self) -> None:
        who = QGroupBox("Practitioners", self)
        row = QHBoxLayout()
        row.addWidget(self.current, 1)
        row.addWidget(self.add_button)
        who_form = QFormLayout(who)
        signs = QLabel("&Signs new sessions:", who)
        signs.setBuddy(self.current)
        who_form.addRow(signs, row)
        who_form.addRow(self.practitioner)
        data = QGroupBox("Data and units", self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.open_folder_button)
        data_form = QFormLayout(data)
        data_form.addRow("Record file:", QLabel(self._db.path.name, self))
        data_form.addRow("Data folder:", folder_row)
        data_form.addRow("Units:", self.units)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.clinic)
        layout.addWidget(data)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    # --- practitioners --------------------------------------------------------------
    def _keep_typed(self) -> None:
        if self._shown_key is not None:
            self._pending[self._shown_key] = self.practitioner.data()

    def _show_selected(self) -> None:
        self._keep_typed()
        key = self.current.currentData()
        self._shown_key = key if isinstance(key, int) else None
        if self._shown_key is not None:
            self.practitioner.set_data(self._pending.get(self._shown_key, PractitionerData("")))

    def add_practitioner(self) -> None:
        """A new, empty entry, selected so its details can be typed."""
        key = self._next_new_key
        self._next_new_key -= 1
        self._pending[key] = PractitionerData("")
        self.current.addItem("New practitioner", key)
        self.current.setCurrentIndex(self.current.count() - 1)
        self.practitioner.name.setFocus()

    def _refresh_label(self, key: int, data: PractitionerData) -> None:
        index = self.current.findData(key)
        if index >= 0:
            label = f"{data.title} {data.name}".strip() or "New practitioner"
            self.current.setItemText(index, label)

    # --- saving ---------------------------------------------------------------------
    def _changed(self) -> bool:
        self._keep_typed()
        new_typed = any(
            data != PractitionerData("") for key, data in self._pending.items() if key < 0
        )
        edited = any(self._pending[key] != data for key, data in self._original.items())
        chosen = self.current.currentData() != self._first_current
        return new_typed or edited or chosen or self.clinic.info() != self._clinic

    def save(self) -> None:
        self._keep_typed()
        try:
            ids = self._save_practitioners()
            chosen = self.current.currentData()
            current = ids.get(chosen) if isinstance(chosen, int) else None
            if current is None:
                self.error.show_message("Choose who signs new sessions, with a name.")
                return
            set_current_practitioner(self._db, current)
            practice.set_clinic_info(self._db, self.clinic.info())
        except MesodeskError as exc:
            self.error.show_message(messages.explain(exc)[1])
            return
        self.error.clear_message()
        self.saved.emit(current)
        self.accept()

    def _save_practitioners(self) -> dict[int, int]:
        """Write the edited and new practitioners; return combo key → practitioner id."""
        ids = {key: key for key in self._original}
        for key, data in self._pending.items():
            if key >= 0:
                if data != self._original[key]:
                    practice.update_practitioner(self._db, key, data)
                    self._original[key] = data
                    self._refresh_label(key, data)
            elif key in self._created:
                practice.update_practitioner(self._db, self._created[key], data)
                ids[key] = self._created[key]
            elif data != PractitionerData(""):
                self._created[key] = practice.add_practitioner(self._db, data)
                ids[key] = self._created[key]
                self._refresh_label(key, data)
        return ids

    def reject(self) -> None:
        if self._changed() and not messages.ask(
            self,
            "Discard the changes?",
            "The settings you changed have not been saved. Discard them?",
            yes="Discard",
            no="Keep editing",
        ):
            return
        super().reject()

    def _on_open_folder(self) -> None:
        if not open_folder(self._db.path.parent):
            messages.show_info(
                self,
                "Data folder",
                "The file manager could not be opened. The data folder is:\n"
                f"{self._db.path.parent}",
            )
