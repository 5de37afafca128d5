"""The window's exchange actions: export, import, print and recall, with their handlers.

Kept out of the main window so it stays about layout; the window puts these actions in
its menus and tells them which patient is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from mesodesk.core.enums import ConsentKind
from mesodesk.ui.exchange import printing

if TYPE_CHECKING:
    from mesodesk.ui.exchange.jobs import Job
    from mesodesk.ui.main_window import MainWindow


class ExchangeActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.job: Job | None = None
        self.export = window._action("&Export…", self.export_practice)
        self.import_archive = window._action("&Import an archive…", self.import_from_archive)
        self.import_patients = window._action(
            "Import &patients from a spreadsheet…", self.import_from_spreadsheet
        )
        self.export_patient = window._action("&Export this history…", self.export_history)
        self.print_history = window._action(
            "&Print this history…", self.print_patient_history, QKeySequence.StandardKey.Print
        )
        self.print_treatment_consent = window._action(
            "Print the &treatment consent form…",
            lambda: self.print_consent_form(ConsentKind.TREATMENT),
        )
        self.print_photo_consent = window._action(
            "Print the p&hoto consent form…", lambda: self.print_consent_form(ConsentKind.PHOTOS)
        )
        self.recall = window._action("&Recall a lot…", self.open_recall)
        self.patient_actions = (
            self.export_patient,
            self.print_history,
            self.print_treatment_consent,
            self.print_photo_consent,
        )

    def update(self) -> None:
        """Patient actions only while a patient is open (and the window unlocked)."""
        enabled = self.window.current_patient_id is not None and not self.window.locked
        for action in self.patient_actions:
            action.setEnabled(enabled)

    # --- handlers -------------------------------------------------------------------
    def _show(self, dialog: QWidget) -> QWidget:
        self.window.keep_dialog(dialog)
        dialog.show()
        return dialog

    def export_practice(self) -> QWidget:
        from mesodesk.ui.exchange.export_dialog import ExportDialog

        return self._show(ExportDialog(self.window.database, None, self.window))

    def export_history(self) -> QWidget | None:
        from mesodesk.ui.exchange.export_dialog import ExportDialog

        if self.window.current_patient_id is None:
            return None
        dialog = ExportDialog(self.window.database, self.window.current_patient_id, self.window)
        return self._show(dialog)

    def import_from_archive(self) -> Job | None:
        from mesodesk.ui.exchange.archive_import import import_archive_from_window

        self.job = import_archive_from_window(
            self.window, self.window.path, self.window.open_database_requested.emit
        )
        return self.job

    def import_from_spreadsheet(self) -> QWidget:
        from mesodesk.ui.exchange.patient_import_dialog import PatientImportDialog

        return self._show(PatientImportDialog(self.window.database, parent=self.window))

    def open_recall(self, lot_number: str = "") -> QWidget:
        from mesodesk.ui.exchange.recall_window import RecallWindow

        window = RecallWindow(self.window.database, lot_number or "", self.window)
        window.patient_requested.connect(self.window.open_patient)
        return self._show(window)

    def print_patient_history(self) -> bool:
        patient_id = self.window.current_patient_id
        if patient_id is None:
            return False
        return printing.print_history(self.window, self.window.database, patient_id)

    def print_consent_form(self, kind: ConsentKind) -> bool:
        patient_id = self.window.current_patient_id
        if patient_id is None:
            return False
        return printing.print_consent(self.window, self.window.database, patient_id, kind)
