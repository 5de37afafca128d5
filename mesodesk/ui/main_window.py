"""The main window. For now: find a patient as you type, and see who is due today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.services.courses import due_courses
from mesodesk.core.services.patients import search_patients
from mesodesk.ui.events import events_for


class MainWindow(QMainWindow):
    def __init__(self, database: Database, path: Path) -> None:
        super().__init__()
        self.database = database
        self.setWindowTitle(f"mesodesk — {path.name}")
        self.resize(1100, 700)

        self.search = QLineEdit(
            placeholderText="Find a patient: name, file number, phone, birth date"
        )
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.due = QListWidget()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Patients</b>"))
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.results)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("<b>Today: sessions due or overdue</b>"))
        right_layout.addWidget(self.due)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([500, 600])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(str(path))

        self.search.textChanged.connect(self._on_search_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        events_for(database).changed.connect(self._on_database_changed)
        self.refresh()

    def _on_database_changed(self, _change: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self._on_search_changed(self.search.text())
        today = dt.date.today()
        self.due.clear()
        for item in due_courses(self.database, today):
            late = item.days_overdue(today)
            when = "due today" if late == 0 else f"{late} days overdue"
            self.due.addItem(
                f"{item.patient_name} ({item.file_number}) · {item.indication_name} · "
                f"session {item.sessions_done + 1} of {item.planned_sessions} · {when}"
            )

    def _on_search_changed(self, text: str) -> None:
        self.results.clear()
        today = dt.date.today()
        for hit in search_patients(self.database, text):
            row = QListWidgetItem(
                f"{hit.family_name.upper()} {hit.given_names} · {hit.file_number} · "
                f"{hit.date_of_birth.isoformat()} ({hit.age_on(today)} y)"
            )
            row.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results.addItem(row)
