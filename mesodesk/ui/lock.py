"""The idle lock: after N quiet minutes the window hides every patient until the password."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core import security
from mesodesk.core.db import Database
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
    """Shown in place of everything else; only the password brings the record back."""

    unlocked = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.gate = security.PasswordGate()
        title = QLabel("mesodesk is locked")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        hint = QLabel("Patient data is hidden. Enter your password to go on.")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.password.setFixedWidth(300)
        self.unlock_button = QPushButton("Unlock")
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, hint, self.password, self.unlock_button, self.message):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.password.returnPressed.connect(self.try_unlock)
        self.unlock_button.clicked.connect(self.try_unlock)

    def try_unlock(self) -> None:
        wait = self.gate.wait_s()
        if wait > 0:
            self.message.setText(f"Too many wrong passwords: wait {wait:.0f} s.")
            return
        if self.gate.attempt(self.db, self.password.text()):
            self.password.clear()
            self.message.clear()
            self.unlocked.emit()
            return
        self.password.selectAll()
        wait = self.gate.wait_s()
        self.message.setText(
            "Wrong password." + (f" Wait {wait:.0f} s before the next try." if wait else "")
        )


class PasswordDialog(FormDialog):
    """Set or change the password, and how long the window may stay idle unlocked."""

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
            security.set_password(self.db, self.new.text(), self.current.text() or None)
        security.set_idle_minutes(self.db, self.minutes.value())
        return 0
