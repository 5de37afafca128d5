"""Backups from the window: the copies with what they hold, a copy now, and restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core import backups
from mesodesk.core.errors import MesodeskError
from mesodesk.ui import messages
from mesodesk.ui.forms import ErrorLine
from mesodesk.ui.record.tables import fill, read_only_table, selected_key

KIND_WORDS = {
    "daily": "daily",
    "weekly": "weekly",
    "monthly": "monthly",
    "manual": "made by hand",
    "before-migration": "before an update",
    "before-restore": "before a restore",
}


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} kB"


class BackupsDialog(QDialog):
    """``restore_requested(path)`` asks the application to put a backup in place."""

    restore_requested = Signal(object)  # Path

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.db_path = db_path
        self.folder = backups.default_folder(db_path)
        self.table = read_only_table(("Taken", "Kind", "Size", "Patients", "Sessions"), stretch=1)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.backup_now = QPushButton("Back up now")
        self.restore_button = QPushButton("Restore the chosen backup…")
        self.error_line = ErrorLine()
        where = QLabel(
            f"Backups of {db_path.name} are kept in {self.folder} (7 daily, "
            "4 weekly, 12 monthly). Restoring keeps the current file beside it."
        )
        where.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.backup_now)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.table)
        layout.addWidget(self.preview)
        layout.addWidget(self.error_line)
        layout.addLayout(row)
        self.backup_now.clicked.connect(self._on_backup_now)
        self.restore_button.clicked.connect(self._on_restore)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.resize(720, 440)
        self.reload()

    def reload(self) -> None:
        self._found = backups.list_backups(self.folder)
        rows = []
        for info in self._found:
            try:
                patients, sessions = info.counts()
                counts = [str(patients), str(sessions)]
            except sqlite3.DatabaseError:  # a damaged copy is listed, and refused if chosen
                counts = ["unreadable", "—"]
            rows.append(
                [
                    info.taken_at.strftime("%Y-%m-%d %H:%M"),
                    KIND_WORDS.get(info.kind, info.kind),
                    _size(info.size_bytes),
                    *counts,
                ]
            )
        fill(self.table, rows, [str(info.path) for info in self._found])
        self._on_selection()

    def chosen(self) -> Path | None:
        key = selected_key(self.table)
        return Path(str(key)) if key else None

    def _on_selection(self) -> None:
        chosen = self.chosen()
        self.restore_button.setEnabled(chosen is not None)
        if chosen is None:
            self.preview.setText(
                "Choose a backup to see what restoring it would bring back."
                if self._found
                else "No backup yet."
            )
            return
        row = self.table.currentRow()
        self.preview.setText(
            f"Restoring the copy of {self.table.item(row, 0).text()} "  # type: ignore[union-attr]
            f"brings back {self.table.item(row, 3).text()} patients and "  # type: ignore[union-attr]
            f"{self.table.item(row, 4).text()} sessions as they were then. "  # type: ignore[union-attr]
            "What was recorded since stays in the current file, which is kept aside."
        )

    def _on_backup_now(self) -> None:
        try:
            backups.make_backup(self.db_path, self.folder)
        except MesodeskError as error:
            self.error_line.show_message(messages.explain(error)[1])
            return
        self.reload()

    def _on_restore(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        if messages.ask(
            self, "Restore this backup?", self.preview.text(), yes="Restore", no="Cancel"
        ):
            self.restore_requested.emit(chosen)
            self.accept()
