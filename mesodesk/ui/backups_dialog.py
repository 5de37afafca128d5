"""Backups from the window: the copies with what they hold, a copy now, and restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core import backups
from mesodesk.core.db.cipher import DATABASE_ERRORS
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


def choose_folder(parent: QWidget) -> Path | None:
    """Ask for a folder (tests replace this function)."""
    chosen = QFileDialog.getExistingDirectory(parent, "Second backup folder")
    return Path(chosen) if chosen else None


class BackupsDialog(QDialog):
    """``restore_requested(path)`` asks the application to put a backup in place.

    ``key`` is an encrypted record's password: its backups are made and read with it.
    """

    restore_requested = Signal(object)  # Path

    def __init__(
        self, db_path: Path, parent: QWidget | None = None, *, key: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.db_path = db_path
        self.key = key
        self.folder = backups.default_folder(db_path)
        self.table = read_only_table(
            ("Taken", "Kind", "Size", "Patients", "Sessions", "Encrypted"), stretch=1
        )
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.backup_now = QPushButton("Back up now")
        self.mirror_label = QLabel()
        self.mirror_label.setWordWrap(True)
        self.choose_mirror = QPushButton("Choose a second folder…")
        self.clear_mirror = QPushButton("No second folder")
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
        mirror_row = QHBoxLayout()
        mirror_row.addWidget(self.mirror_label, 1)
        mirror_row.addWidget(self.choose_mirror)
        mirror_row.addWidget(self.clear_mirror)
        layout.addLayout(mirror_row)
        layout.addWidget(self.error_line)
        layout.addLayout(row)
        self.choose_mirror.clicked.connect(self._on_choose_mirror)
        self.clear_mirror.clicked.connect(self._on_clear_mirror)
        self._show_mirror()
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
                patients, sessions = info.counts(self.key)
                counts = [str(patients), str(sessions)]
            except MesodeskError:  # encrypted, and no password to read it with
                counts = ["needs its password", "—"]
            except DATABASE_ERRORS:  # damaged, or another password: refused if chosen
                counts = ["unreadable", "—"] if not info.encrypted else ["other password", "—"]
            rows.append(
                [
                    info.taken_at.strftime("%Y-%m-%d %H:%M"),
                    KIND_WORDS.get(info.kind, info.kind),
                    _size(info.size_bytes),
                    *counts,
                    "yes" if info.encrypted else "no",
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
        taken, patients, sessions = (
            self.table.item(row, column).text()  # type: ignore[union-attr]
            for column in (0, 3, 4)
        )
        what = (
            f"brings back {patients} patients and {sessions} sessions as they were then"
            if patients.isdigit()
            else f"brings the record back as it was then ({patients})"
        )
        self.preview.setText(
            f"Restoring the copy of {taken} {what}. "
            "What was recorded since stays in the current file, which is kept aside."
        )

    def _show_mirror(self) -> None:
        from mesodesk.ui.app import mirror_folder

        folder = mirror_folder()
        if folder is None:
            self.mirror_label.setText(
                "Second copy: none. A folder on a USB drive keeps the "
                "backups safe if this laptop is lost."
            )
        else:
            state = "" if folder.is_dir() else " — not available now (drive unplugged?)"
            self.mirror_label.setText(f"Second copy of each backup in {folder}{state}.")
        self.clear_mirror.setEnabled(folder is not None)

    def _on_choose_mirror(self) -> None:
        from mesodesk.ui.app import set_mirror_folder

        folder = choose_folder(self)
        if folder is not None:
            set_mirror_folder(folder)
            self._show_mirror()

    def _on_clear_mirror(self) -> None:
        from mesodesk.ui.app import set_mirror_folder

        set_mirror_folder(None)
        self._show_mirror()

    def _on_backup_now(self) -> None:
        try:
            backups.make_backup(self.db_path, self.folder, key=self.key)
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
