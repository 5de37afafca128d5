"""The idle lock: after N quiet minutes the window hides every patient until the password;
and the same password screen asking for an encrypted record's password before it opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core import security
from mesodesk.core.db import Database, encryption
from mesodesk.core.db.backup import readonly_uri
from mesodesk.core.db.cipher import WRONG_PASSWORD, opens_with
from mesodesk.core.errors import ValidationError
from mesodesk.ui.dialogs.base import FormDialog

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without a key press or a mouse movement."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(minutes * 60_000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.timer.start()
        return False


class LockScreen(QWidget):
    """Shown in place of everything else; only the password brings the record back.

    By default the password is checked against the record's hash (slowed down after
    wrong tries). With ``check``, that function decides instead (an encrypted record
    not yet open: each try is a key derivation, slow by design).
    """

    unlocked = Signal()

    def __init__(
        self,
        db: Database | None,
        parent: QWidget | None = None,
        *,
        check: Callable[[str], bool] | None = None,
        title: str = "mesodesk is locked",
        hint: str = "Patient data is hidden. Enter your password to go on.",
        action: str = "Unlock",
        wrong: str = "Wrong password.",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.gate = security.PasswordGate()
        self._check = check
        self._wrong = wrong
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 18pt; font-weight: 600;")
        explanation = QLabel(hint)
        explanation.setWordWrap(True)
        explanation.setFixedWidth(400)
        explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.password.setFixedWidth(300)
        self.unlock_button = QPushButton(action)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (heading, explanation, self.password, self.unlock_button, self.message):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.password.returnPressed.connect(self.try_unlock)
        self.unlock_button.clicked.connect(self.try_unlock)

    def try_unlock(self) -> None:
        wait = self.gate.wait_s()
        if wait > 0:
            self.message.setText(f"Too many wrong passwords: wait {wait:.0f} s.")
            return
        if self._accepts(self.password.text()):
            self.password.clear()
            self.message.clear()
            self.unlocked.emit()
            return
        self.password.selectAll()
        wait = self.gate.wait_s()
        self.message.setText(
            self._wrong + (f" Wait {wait:.0f} s before the next try." if wait else "")
        )

    def _accepts(self, password: str) -> bool:
        if self._check is None:
            assert self.db is not None
            return self.gate.attempt(self.db, password)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._check(password)
        finally:
            QGuiApplication.restoreOverrideCursor()


class RecordPasswordDialog(QDialog):
    """Asks for an encrypted record's password before it is opened.

    The lock screen's face and manner, but the password is checked against the file
    itself (it is the key): ``password`` holds it once it opens the file.
    """

    def __init__(self, path: Path, parent: QWidget | None = None, *, what: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("mesodesk: password")
        self.path = path
        self.password = ""
        self.prompt = LockScreen(
            None,
            self,
            check=self._opens,
            title=f"{path.name} is encrypted",
            hint=what
            or "Enter the practitioner's password to open the record. (A file that was "
            "never encrypted is damaged: Cancel, then put a backup back with "
            "mesodesk restore.)",
            action="Open",
            wrong=WRONG_PASSWORD,
        )
        self.quit_button = QPushButton("Cancel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignRight)
        self.prompt.unlocked.connect(self.accept)
        self.quit_button.clicked.connect(self.reject)
        self.resize(520, 340)

    def _opens(self, password: str) -> bool:
        if password and opens_with(readonly_uri(self.path), password):
            self.password = password
            return True
        return False


class PasswordDialog(FormDialog):
    """Set or change the password, and how long the window may stay idle unlocked.

    An encrypted record's password is its key: changing it re-encrypts the file.
    """

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Password and lock", parent)
        self.db = db
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        for field in (self.current, self.new, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(security.idle_minutes(db))
        if security.has_password(db):
            self.form.addRow("Current password", self.current)
        self.form.addRow("New password", self.new)
        self.form.addRow("Repeat the new password", self.repeat)
        self.form.addRow("Lock after idle", self.minutes)
        if db.encrypted:
            note = QLabel(
                "This record is encrypted with this password: a new one re-encrypts it. "
                "Backups made before keep the password they were made with."
            )
            note.setWordWrap(True)
            self.extra.addWidget(note)
        self.fields.update(
            {
                "Current password": self.current,
                "New password": self.new,
                "Repeat the new password": self.repeat,
            }
        )
        self.resize(420, 200)
        self.watch()

    def commit(self) -> int:
        if self.new.text() or self.repeat.text():
            if self.new.text() != self.repeat.text():
                raise ValidationError("Repeat the new password", "does not match")
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                encryption.change_password(self.db, self.new.text(), self.current.text() or None)
            finally:
                QGuiApplication.restoreOverrideCursor()
        security.set_idle_minutes(self.db, self.minutes.value())
        return 0
