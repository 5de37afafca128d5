"""Asking why: amendments, voids and archiving all carry a written reason."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MIN_LENGTH = 3


class ReasonDialog(QDialog):
    reason_given = Signal(str)

    def __init__(
        self, title: str, prompt: str, parent: QWidget | None = None, action_text: str = "OK"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("A few words saying why")
        self.reason.setFixedHeight(90)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(action_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(self._on_text_changed)
        self.buttons.accepted.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)
        self.resize(440, 200)

    def _on_text_changed(self) -> None:
        self.ok_button.setEnabled(len(self.reason.toPlainText().strip()) >= MIN_LENGTH)

    def _on_accepted(self) -> None:
        text = self.reason.toPlainText().strip()
        if len(text) < MIN_LENGTH:
            return
        self.reason_given.emit(text)
        self.accept()
