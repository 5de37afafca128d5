"""File › Export… and Patient › Export history…: what to export, in which format, where.

The export runs as a background :class:`~mesodesk.ui.exchange.jobs.Job`; the window stays
usable, Cancel stops it and leaves no file behind.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from mesodesk.core.db import Database
from mesodesk.core.exchange.progress import Progress
from mesodesk.core.models import Patient
from mesodesk.core.services.patients import get_patient
from mesodesk.reports.formats import FORMATS, ExportFormat, Scope
from mesodesk.ui import messages
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.jobs import Job


class ExportDialog(QDialog):
    """Choose one patient or all, and a format; then where to write it."""

    exported = Signal(object)  # Path

    def __init__(
        self, database: Database, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.patient_id = patient_id
        self.job: Job | None = None
        self.setWindowTitle("Export")

        who = QGroupBox("What to export", self)
        who_layout = QVBoxLayout(who)
        self.one_patient = QRadioButton(who)
        self.all_patients = QRadioButton(who)
        with database.read() as session:
            count = session.scalar(select(func.count()).select_from(Patient)) or 0
        noun = "patient" if count == 1 else "patients"
        self.all_patients.setText(f"The whole practice ({count:,} {noun})".replace(",", "\u202f"))
        if patient_id is not None:
            patient = get_patient(database, patient_id)
            self.patient_name = patient.full_name
            self.patient_label = f"{patient.file_number} {patient.full_name}"
            self.one_patient.setText(f"{patient.full_name} (file {patient.file_number})")
            self.one_patient.setChecked(True)
        else:
            self.patient_label = ""
            self.one_patient.setText("One patient (open a patient first)")
            self.one_patient.setEnabled(False)
            self.all_patients.setChecked(True)
        who_layout.addWidget(self.one_patient)
        who_layout.addWidget(self.all_patients)

        formats = QGroupBox("Format", self)
        formats_layout = QVBoxLayout(formats)
        self.format_buttons: dict[str, QRadioButton] = {}
        self._format_group = QButtonGroup(self)
        for fmt in FORMATS.values():
            button = QRadioButton(f"{fmt.title} ({fmt.suffix})", formats)
            note = QLabel(fmt.description, formats)
            note.setWordWrap(True)
            note.setIndent(24)
            note.setEnabled(False)  # greyed: an explanation, not a control
            formats_layout.addWidget(button)
            formats_layout.addWidget(note)
            self._format_group.addButton(button)
            self.format_buttons[fmt.key] = button

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(formats)
        layout.addWidget(self.buttons)

        self.one_patient.toggled.connect(self._fit_formats)
        self._fit_formats()
        self.format_buttons["pdf" if patient_id is not None else "xlsx"].setChecked(True)
        self.setMinimumWidth(460)

    @property
    def for_one_patient(self) -> bool:
        return self.one_patient.isChecked()

    def chosen_format(self) -> ExportFormat:
        return next(FORMATS[k] for k, b in self.format_buttons.items() if b.isChecked())

    def _fit_formats(self) -> None:
        """Only the formats that hold the chosen scope can be picked."""
        for key, button in self.format_buttons.items():
            scope = FORMATS[key].scope
            fits = scope is Scope.PATIENTS or (scope is Scope.ONE_PATIENT) == self.for_one_patient
            button.setEnabled(fits)
            if not fits and button.isChecked():
                self.format_buttons["xlsx"].setChecked(True)

    def start_export(self) -> None:
        fmt = self.chosen_format()
        what = self.patient_label if self.for_one_patient else self.database.path.stem
        out = paths.choose_save_path(
            self, f"Export: {fmt.title}", fmt.suggested_name(what), fmt.file_filter
        )
        if out is None:
            return
        patient_ids = [self.patient_id] if self.for_one_patient and self.patient_id else None
        database = self.database

        def work(progress: Progress) -> Path:
            fmt.write(database, out, patient_ids, progress)
            return out

        self.job = Job(self, "Exporting", f"Writing {out.name}…", work)
        self.job.finished.connect(self._on_finished)
        self.job.failed.connect(self._on_failed)
        self.job.cancelled.connect(self._on_cancelled)
        self.export_button.setEnabled(False)
        self.job.start()

    def _on_finished(self, out: Path) -> None:
        self.exported.emit(out)
        messages.show_info(self.parentWidget(), "Exported", f"Written to {out}.")
        self.accept()

    def _on_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        messages.show_error(self, "Not exported", message)

    def _on_cancelled(self) -> None:
        self.export_button.setEnabled(True)
        messages.show_info(self, "Export cancelled", "Nothing was written.")
