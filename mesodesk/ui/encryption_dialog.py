"""File › Encrypt this database…: says what encryption does, takes the password, runs
the conversion with a busy indicator, and says when it is done.

The conversion runs in a worker thread so the window keeps painting; the record's
:class:`Database` is suspended meanwhile (nothing may read the file being replaced)
and resumed on the encrypted file afterwards, so every view keeps working on it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core import backups, security
from mesodesk.core.db import Database, encryption
from mesodesk.core.db.cipher import is_plain
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.ui import messages
from mesodesk.ui.forms import ErrorLine
from mesodesk.ui.lock import IdleWatcher

EXPLANATION = (
    "Encrypting turns the record file into one that nobody can read without your "
    "password (SQLCipher, AES-256): a stolen laptop or a copied file shows no patient. "
    "It is for a computer whose disk is not encrypted already.\n\n"
    "The password is the practitioner's password, the one that unlocks the window: "
    "mesodesk asks for it when it starts. Backups made from now on are encrypted with "
    "it too. Without it nobody, you included, can open the record or its backups: "
    "there is no way to recover a forgotten password, so keep it somewhere safe."
)


@dataclass
class _Outcome:
    """What the worker thread did, read by the window once it has finished."""

    report: encryption.EncryptionReport | None = None
    backup: Path | None = None
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: MesodeskError | None = None
    bug: BaseException | None = None  # raised again in the window, for the crash log


def _copies(count: int) -> str:
    return f"{count} unencrypted cop{'y' if count == 1 else 'ies'}"


def _folders(db_path: Path) -> list[Path]:
    from mesodesk.ui.app import mirror_folder

    found = [backups.default_folder(db_path)]
    mirror = mirror_folder()
    if mirror is not None and mirror.is_dir():
        found.append(mirror)
    return found


class EncryptionDialog(QDialog):
    """Encrypt the open record with the practitioner's password (``encrypted`` when done)."""

    encrypted = Signal()
    POLL_MS = 50

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Encrypt this database")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.db = db
        self.has_password = security.has_password(db)
        self.plain = [] if db.encrypted else encryption.plain_copies(db.path, _folders(db.path))
        self._worker: threading.Thread | None = None
        self._outcome = _Outcome()
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._poll)

        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for line in (self.password, self.repeat):
            line.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if self.has_password:
            form.addRow("Your current password", self.password)
            self.repeat.hide()
        else:
            form.addRow(f"Password (at least {security.MIN_LENGTH} characters)", self.password)
            form.addRow("Repeat the password", self.repeat)
        self.remove_plain = QCheckBox(
            f"Also overwrite and remove the {_copies(len(self.plain))} of the record "
            "(older backups), which still show every patient"
        )
        self.remove_plain.setChecked(True)
        self.remove_plain.setVisible(bool(self.plain))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no known end: a moving bar
        self.busy.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error_line = ErrorLine()
        self.buttons = QDialogButtonBox()
        self.encrypt_button = self.buttons.addButton(
            "Encrypt", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.remove_plain)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.error_line)
        layout.addWidget(self.buttons)
        self.encrypt_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.password.returnPressed.connect(self.start)
        self.resize(560, 380)
        if db.encrypted:
            self._show_already_encrypted()

    # --- states ---------------------------------------------------------------------
    def _show_already_encrypted(self) -> None:
        self.status.setText(
            f"{self.db.path.name} is already encrypted. File ▸ Password and lock… changes "
            "its password."
        )
        for widget in (self.password, self.repeat, self.encrypt_button):
            widget.setEnabled(False)
        self.close_button.setText("Close")

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    # --- the conversion ---------------------------------------------------------------
    def start(self) -> None:
        """Check the password, then convert in the background."""
        if self.running or self.db.encrypted:
            return
        password = self.password.text()
        try:
            if not self.has_password and password != self.repeat.text():
                raise ValidationError("Repeat the password", "does not match")
            encryption.confirm_password(self.db, password)
        except ValidationError as error:
            self.error_line.show_message(f"{error.field}: {error.problem}.")
            self.password.setFocus()
            return
        except MesodeskError as error:
            self.error_line.show_message(messages.explain(error)[1])
            return
        self.error_line.clear_message()
        remove = list(self.plain) if self.remove_plain.isChecked() else []
        for widget in (self.password, self.repeat, self.remove_plain, self.encrypt_button):
            widget.setEnabled(False)
        self.close_button.setEnabled(False)
        self.busy.show()
        self.status.setText("Encrypting… the record is copied, checked, then swapped in.")
        self._pause_idle_lock(True)
        self.db.suspend(encryption.ENCRYPTING)
        self._outcome = _Outcome()
        self._worker = threading.Thread(
            target=self._work, args=(self.db.path, password, remove), daemon=False
        )
        self._worker.start()
        self._timer.start()

    def _work(self, path: Path, password: str, remove: list[Path]) -> None:
        """In the worker thread: encrypt, make a first encrypted backup, remove plain copies."""
        outcome = self._outcome
        try:
            outcome.report = encryption.encrypt_database(path, password)
        except MesodeskError as error:
            outcome.error = error
            return
        except BaseException as bug:
            outcome.bug = bug
            return
        try:
            made = backups.make_backup(path, backups.default_folder(path), key=password)
            outcome.backup = made.path
        except MesodeskError as error:
            outcome.warnings.append(f"The first encrypted backup failed: {error}")
        for copy in remove:
            try:
                encryption.remove_securely(copy)
                outcome.removed.append(copy)
            except OSError as error:
                outcome.warnings.append(f"{copy} could not be removed ({error.strerror}).")

    def _poll(self) -> None:
        if self.running:
            return
        self._timer.stop()
        self._worker = None
        password = self.password.text()
        self.db.resume(None if is_plain(self.db.path) else password)
        self._pause_idle_lock(False)
        self.busy.hide()
        self.close_button.setEnabled(True)
        outcome = self._outcome
        if outcome.bug is not None:
            self.status.setText("The encryption stopped on an unexpected problem.")
            raise outcome.bug
        if outcome.error is not None:
            self.error_line.show_message(messages.explain(outcome.error)[1])
            self.status.setText("Nothing was changed: the record is still unencrypted.")
            for widget in (self.password, self.repeat, self.remove_plain, self.encrypt_button):
                widget.setEnabled(True)
            return
        self.password.clear()
        self.repeat.clear()
        self.status.setText(self._done_text(outcome))
        self.close_button.setText("Close")
        self.encrypted.emit()

    def _done_text(self, outcome: _Outcome) -> str:
        report = outcome.report
        assert report is not None
        lines = [
            f"Done: {self.db.path.name} is encrypted ({report.total_rows} rows checked, "
            f"audit trail of {report.audit_entries} entries intact). mesodesk now asks for "
            "your password when it starts."
        ]
        if report.plain_left is not None:
            lines.append(
                f"The unencrypted original {report.plain_left} could not be removed: "
                "delete it (mesodesk also does at its next start)."
            )
        if outcome.backup is not None:
            lines.append(f"A first encrypted backup was made: {outcome.backup.name}.")
        if outcome.removed:
            lines.append(f"{_copies(len(outcome.removed))}: overwritten and removed.")
        left = [p for p in self.plain if p not in outcome.removed]
        if left:
            lines.append(
                f"{_copies(len(left))} left (in {left[0].parent}): delete them "
                "yourself, they still show every patient."
            )
        lines += outcome.warnings
        return "\n".join(lines)

    def _pause_idle_lock(self, pause: bool) -> None:
        # Locking reads the record, which is closed while it is replaced; a long
        # conversion must not trip the window's idle lock half-way.
        idle = getattr(self.parent(), "idle", None)
        if isinstance(idle, IdleWatcher):
            if pause:
                idle.timer.stop()
            else:
                idle.timer.start()

    # --- closing ------------------------------------------------------------------------
    def reject(self) -> None:
        if self.running:  # the file is being replaced: it must finish
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)
