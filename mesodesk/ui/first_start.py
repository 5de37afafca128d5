"""First start: who signs the sessions and which clinic heads the reports.

The practitioner and clinic field groups live here and are reused by the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.errors import MesodeskError
from mesodesk.core.services import practice
from mesodesk.core.services.practice import ClinicInfo, PractitionerData
from mesodesk.ui import messages
from mesodesk.ui.forms import ErrorLine
from mesodesk.ui.practitioner import set_current_practitioner


class PractitionerFields(QGroupBox):
    """Name, title and registration number of one practitioner."""

    def __init__(self, title: str = "Practitioner", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Claire Moreau")
        self.title_field = QLineEdit(self)
        self.title_field.setPlaceholderText("e.g. Dr")
        self.registration = QLineEdit(self)
        self.registration.setPlaceholderText("e.g. RPPS 10101234567")
        self.form = QFormLayout(self)
        self.form.addRow("&Name:", self.name)
        self.form.addRow("&Title:", self.title_field)
        self.form.addRow("&Registration number:", self.registration)

    def data(self) -> PractitionerData:
        return PractitionerData(
            self.name.text().strip(),
            self.title_field.text().strip(),
            self.registration.text().strip(),
        )

    def set_data(self, data: PractitionerData) -> None:
        self.name.setText(data.name)
        self.title_field.setText(data.title)
        self.registration.setText(data.registration_number)


class ClinicFields(QGroupBox):
    """The clinic's name, address and phone, printed at the head of reports."""

    def __init__(self, title: str = "Clinic", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Cabinet du Parc")
        self.address = QPlainTextEdit(self)
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("Street, postcode and town")
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 3 + 14)
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText("e.g. 01 23 45 67 89")
        form = QFormLayout(self)
        form.addRow("Clinic na&me:", self.name)
        form.addRow("&Address:", self.address)
        form.addRow("&Phone:", self.phone)

    def info(self) -> ClinicInfo:
        return ClinicInfo(
            self.name.text().strip(),
            self.address.toPlainText().strip(),
            self.phone.text().strip(),
        )

    def set_info(self, info: ClinicInfo) -> None:
        self.name.setText(info.name)
        self.address.setPlainText(info.address)
        self.phone.setText(info.phone)


class FirstStartDialog(QDialog):
    """Asks who works here; saving adds the practitioner and makes them current."""

    saved = Signal(int)  # the practitioner's id

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._practitioner_id: int | None = None
        self.setWindowTitle("Welcome to mesodesk")
        intro = QLabel(
            "<h2>Welcome to mesodesk</h2>"
            "<p>Before the first patient, tell mesodesk who you are: your name signs "
            "every session you record, and the clinic's details head the reports you "
            "print or export. You can change them later in File ▸ Settings.</p>",
            self,
        )
        intro.setWordWrap(True)
        self.practitioner = PractitionerFields("You, the practitioner", self)
        self.clinic = ClinicFields("Your clinic", self)
        self.error = ErrorLine(self)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            "Start using mesodesk", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.practitioner)
        layout.addWidget(self.clinic)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.practitioner.name.setFocus()

    def _typed(self) -> bool:
        data, info = self.practitioner.data(), self.clinic.info()
        return any((*_values(data), info.name, info.address, info.phone))

    def save(self) -> None:
        data = self.practitioner.data()
        if not data.name:
            self.error.show_message("Please enter your name: it signs every session.")
            self.practitioner.name.setFocus()
            return
        try:
            # A second press after a failed clinic save updates, never duplicates.
            if self._practitioner_id is None:
                self._practitioner_id = practice.add_practitioner(self._db, data)
            else:
                practice.update_practitioner(self._db, self._practitioner_id, data)
            set_current_practitioner(self._db, self._practitioner_id)
            practice.set_clinic_info(self._db, self.clinic.info())
        except MesodeskError as exc:
            self.error.show_message(messages.explain(exc)[1])
            return
        self.error.clear_message()
        self.saved.emit(self._practitioner_id)
        self.accept()

    def reject(self) -> None:
        if self._typed() and not messages.ask(
            self,
            "Leave without saving?",
            "What you typed will be lost and mesodesk will close. Leave anyway?",
            yes="Leave",
            no="Stay",
        ):
            return
        super().reject()


def _values(data: PractitionerData) -> tuple[str, str, str]:
    return data.name, data.title, data.registration_number
