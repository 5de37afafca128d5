"""The main window: the patient list on the left; Today or the open patient on the right."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from mesodesk import __version__
from mesodesk.core import security
from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.errors import MesodeskError
from mesodesk.core.services import practice
from mesodesk.ui import messages
from mesodesk.ui.events import events_for
from mesodesk.ui.lock import IdleWatcher, LockScreen
from mesodesk.ui.patient_list import PatientListPane
from mesodesk.ui.practitioner import current_practitioner_id
from mesodesk.ui.today_view import TodayView

SETTINGS_GROUP = "main_window"


def choose_database(parent: QWidget, start: Path) -> Path | None:
    """Ask which database file to open (tests replace this)."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Open a mesodesk record", str(start), "mesodesk record (*.sqlite);;All files (*)"
    )
    return Path(name) if name else None


def _settings() -> QSettings:
    from mesodesk.ui.app import APPLICATION, ORGANISATION

    return QSettings(ORGANISATION, APPLICATION)


class MainWindow(QMainWindow):
    """One open record. ``open_database_requested`` asks the application to switch files."""

    open_database_requested = Signal(object)  # Path
    restore_requested = Signal(object)  # Path of a backup

    def __init__(self, database: Database, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.path = path
        self.current_patient_id: int | None = None
        self.record: QWidget | None = None
        self._dialogs: list[QWidget] = []

        self.patients = PatientListPane(database, self)
        self.search = self.patients.search
        self.today = TodayView(database, self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.today)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.patients)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([580, 700])
        self.splitter.setChildrenCollapsible(False)
        self.lock_screen = LockScreen(database, self)
        self.root = QStackedWidget(self)
        self.root.addWidget(self.splitter)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)
        self._hidden_while_locked: list[QWidget] = []
        self.idle = IdleWatcher(security.idle_minutes(database), self)
        self.idle.idle.connect(self.lock)
        self.lock_screen.unlocked.connect(self._on_unlocked)

        self._make_actions()
        self._make_menus()
        self.database_label = QLabel(self)
        self.practitioner_label = QLabel(self)
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.practitioner_label)

        self.patients.patient_opened.connect(self.open_patient)
        self.today.patient_requested.connect(self.open_patient)
        self.today.lot_requested.connect(self.open_catalogue)
        events_for(database).changed.connect(self._on_database_changed)
        self._update_identity()
        self._restore_geometry()
        self.exchange.update()
        self.lock()  # when a password is set, nothing shows before it is given

    # --- actions and menus ------------------------------------------------------------
    def _action(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _make_actions(self) -> None:
        self.open_action = self._action("&Open database…", self.choose_and_open)
        self.settings_action = self._action("&Settings…", self.open_settings)
        self.password_action = self._action("&Password and lock…", self.open_password)
        self.lock_action = self._action("&Lock now", self.lock, "Ctrl+L")
        self.backups_action = self._action("&Backups…", self.open_backups)
        self.encrypt_action = self._action("&Encrypt this database…", self.open_encryption)
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.new_patient_action = self._action(
            "&New patient…", self.new_patient, QKeySequence.StandardKey.New
        )
        self.find_action = self._action(
            "&Find a patient", self.patients.focus_search, QKeySequence.StandardKey.Find
        )
        self.today_action = self._action("&Today", self.show_today, "Ctrl+T")
        self.catalogue_action = self._action("&Products and lots…", self.open_catalogue)
        self.analytics_action = self._action("&Outcomes and side effects…", self.open_analytics)
        self.about_action = self._action("&About mesodesk", self.show_about)
        from mesodesk.ui.exchange.actions import ExchangeActions

        self.exchange = ExchangeActions(self)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.password_action)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.backups_action)
        file_menu.addAction(self.encrypt_action)
        file_menu.addSeparator()
        file_menu.addAction(self.exchange.export)
        file_menu.addAction(self.exchange.import_archive)
        file_menu.addAction(self.exchange.import_patients)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        patient_menu = bar.addMenu("&Patient")
        patient_menu.addAction(self.new_patient_action)
        patient_menu.addAction(self.find_action)
        patient_menu.addSeparator()
        patient_menu.addAction(self.today_action)
        patient_menu.addSeparator()
        patient_menu.addAction(self.exchange.export_patient)
        patient_menu.addAction(self.exchange.print_history)
        patient_menu.addAction(self.exchange.print_treatment_consent)
        patient_menu.addAction(self.exchange.print_photo_consent)
        catalogue_menu = bar.addMenu("&Catalogue")
        catalogue_menu.addAction(self.catalogue_action)
        catalogue_menu.addAction(self.exchange.recall)
        practice_menu = bar.addMenu("P&ractice")
        practice_menu.addAction(self.analytics_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        tools = QToolBar("Main", self)
        tools.setObjectName("mainToolBar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addAction(self.today_action)
        tools.addAction(self.new_patient_action)
        tools.addAction(self.catalogue_action)
        self.addToolBar(tools)

    # --- what the right side shows ----------------------------------------------------
    def open_patient(self, patient_id: int) -> None:
        """Show the patient's record (made on first use, then reused)."""
        if self.record is None:
            self.record = self._make_record(patient_id)
            self.pages.addWidget(self.record)
        show = getattr(self.record, "show_patient", None)
        if show is not None:
            show(patient_id)
        self.current_patient_id = patient_id
        self.exchange.update()
        self.pages.setCurrentWidget(self.record)
        self.patients.show_patient(patient_id)

    def _make_record(self, patient_id: int) -> QWidget:
        from mesodesk.ui.record.patient_record import PatientRecord

        return PatientRecord(self.database, patient_id, self.pages)

    def show_today(self) -> None:
        self.current_patient_id = None
        self.exchange.update()
        self.pages.setCurrentWidget(self.today)

    # --- dialogs --------------------------------------------------------------------
    def keep_dialog(self, dialog: QWidget) -> None:
        """Keep a reference to a non-modal dialog while it shows; closed with the window."""
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [dialog]

    def _open_dialog(self, module: str, name: str, *args: Any) -> QWidget | None:
        """Build and show a dialog (imported when first wanted, to keep start-up quick)."""
        cls = getattr(importlib.import_module(module), name)
        dialog: QWidget = cls(self.database, *args, parent=self)
        self.keep_dialog(dialog)
        dialog.show()
        return dialog

    def new_patient(self) -> QWidget | None:
        dialog = self._open_dialog("mesodesk.ui.dialogs.patient_dialog", "PatientDialog")
        if dialog is not None:
            dialog.saved.connect(self.open_patient)  # type: ignore[attr-defined]
        return dialog

    def open_catalogue(self, _lot_id: int | None = None) -> QWidget | None:
        return self._open_dialog("mesodesk.ui.dialogs.catalogue_dialog", "CatalogueDialog")

    def open_analytics(self) -> QWidget | None:
        """Outcomes across patients and side-effect incidence, in a window of their own."""
        window = self._open_dialog("mesodesk.ui.plots.analytics_window", "AnalyticsWindow")
        if window is not None:
            window.resize(1200, 760)
        return window

    # --- the lock -----------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.root.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide every patient (dialogs included) until the password is given."""
        if self.locked or not security.has_password(self.database):
            return
        self._hidden_while_locked = [
            w for w in QApplication.topLevelWidgets() if w is not self and w.isVisible()
        ]
        for widget in self._hidden_while_locked:
            widget.hide()
        for action in self.actions():
            action.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.root.setCurrentWidget(self.lock_screen)
        self.lock_screen.password.setFocus()

    def _on_unlocked(self) -> None:
        self.root.setCurrentWidget(self.splitter)
        self.menuBar().setEnabled(True)
        for action in self.actions():
            action.setEnabled(True)
        self.exchange.update()
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        self.idle.set_minutes(security.idle_minutes(self.database))

    def open_password(self) -> QWidget:
        from mesodesk.ui.lock import PasswordDialog

        dialog = PasswordDialog(self.database, self)
        dialog.saved.connect(lambda _: self.idle.set_minutes(security.idle_minutes(self.database)))
        self.keep_dialog(dialog)
        dialog.show()
        return dialog

    def open_backups(self) -> QWidget:
        from mesodesk.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.database.path, self, key=self.database.key)
        dialog.restore_requested.connect(self.restore_requested)
        self.keep_dialog(dialog)
        dialog.show()
        return dialog

    def open_encryption(self) -> QWidget | None:
        """File › Encrypt this database… (modal while it converts the file)."""
        return self._open_dialog("mesodesk.ui.encryption_dialog", "EncryptionDialog")

    def open_settings(self) -> QWidget | None:
        return self._open_dialog("mesodesk.ui.settings_dialog", "SettingsDialog")

    def show_about(self) -> None:
        clinic = practice.clinic_info(self.database).name
        messages.show_info(
            self,
            "About mesodesk",
            f"mesodesk {__version__}\nAn offline treatment record for mesotherapy practice.\n\n"
            + (f"Clinic: {clinic}\n" if clinic else "")
            + f"Database: {self.path}",
        )

    def choose_and_open(self) -> None:
        path = choose_database(self, self.path.parent)
        if path is not None and path.resolve() != self.path.resolve():
            self.open_database_requested.emit(path)

    # --- identity: title and status bar ---------------------------------------------
    def _update_identity(self) -> None:
        try:
            clinic = practice.clinic_info(self.database).name
            pid = current_practitioner_id(self.database)
            people = {p.id: p.display_name for p in practice.list_practitioners(self.database)}
        except MesodeskError as exc:
            messages.show_known_error(self, exc)
            return
        self.setWindowTitle(f"mesodesk — {clinic or self.path.name}")
        self.database_label.setText(f"Record: {self.path}")
        self.database_label.setToolTip(str(self.path))
        if pid is None:
            self.practitioner_label.setText("No practitioner: File ▸ Settings…")
        else:
            self.practitioner_label.setText(f"Signing: {people.get(pid, '')}")

    def _on_database_changed(self, change: ChangeSet) -> None:
        if change.tables & {"setting", "practitioner"}:
            self._update_identity()

    # --- geometry -------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = _settings()
        geometry = settings.value(f"{SETTINGS_GROUP}/geometry")
        splitter = settings.value(f"{SETTINGS_GROUP}/splitter")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            if isinstance(splitter, QByteArray):
                self.splitter.restoreState(splitter)
        else:
            self.resize(1280, 800)

    def save_geometry(self) -> None:
        settings = _settings()
        settings.setValue(f"{SETTINGS_GROUP}/geometry", self.saveGeometry())
        settings.setValue(f"{SETTINGS_GROUP}/splitter", self.splitter.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        for dialog in self._dialogs:
            dialog.close()
        super().closeEvent(event)
