"""Starting a session from a saved protocol, and saving one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.services import templates

NO_TEMPLATE = "— the previous session's protocol —"


class TemplateBar(QWidget):
    """The template chooser and the button that saves the protocol typed as a template."""

    chosen = Signal(int)
    save_requested = Signal()

    def __init__(self, db: Database, indication: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.indication = indication
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(30)
        self.save_button = QPushButton("Save this protocol as a template…")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Start from"))
        layout.addWidget(self.choice)
        layout.addWidget(self.save_button)
        layout.addStretch(1)
        self.reload()
        self.choice.activated.connect(self._on_activated)
        self.save_button.clicked.connect(self.save_requested)

    def reload(self) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(NO_TEMPLATE, None)
        for template in templates.list_templates(self.db, self.indication):
            self.choice.addItem(f"Template: {template.name}", template.id)
        self.choice.blockSignals(False)

    def _on_activated(self, index: int) -> None:
        template_id = self.choice.itemData(index)
        if template_id is not None:
            self.chosen.emit(int(template_id))


class TemplateNameDialog(QDialog):
    name_given = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save as a template")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Thighs, caffeine + L-carnitine, nappage")
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Save template", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Name of the template (products and areas are kept; lots are "
                "chosen anew each time):"
            )
        )
        layout.addWidget(self.name)
        layout.addWidget(buttons)
        self.ok_button.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)

    def _on_accepted(self) -> None:
        if self.name.text().strip():
            self.name_given.emit(self.name.text().strip())
            self.accept()
