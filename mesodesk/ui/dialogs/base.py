"""What every form dialog shares: Save and Cancel, the error line, asking before discarding."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.ui import messages
from mesodesk.ui.forms import ErrorLine


class FormDialog(QDialog):
    """A form with Save and Cancel. Subclasses fill ``form`` and implement ``commit()``."""

    saved = Signal(int)
    SAVE_TEXT = "Save"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_line = ErrorLine()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.SAVE_TEXT, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addWidget(self.error_line)
        layout.addWidget(self.buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._dirty = False
        self.fields: dict[str, QWidget] = {}  # field name in errors → widget, to focus it

    def watch(self) -> None:
        """Call once the form is filled: later edits count as changes to keep."""
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(self._on_edited)
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(self._on_edited)
            elif isinstance(widget, QComboBox):
                widget.activated.connect(self._on_edited)
            elif isinstance(widget, QAbstractSpinBox):
                widget.editingFinished.connect(self._on_edited)
            elif isinstance(widget, QCheckBox | QAbstractButton) and widget.isCheckable():
                widget.toggled.connect(self._on_edited)

    def _on_edited(self, *_args: object) -> None:
        self._dirty = True
        self.error_line.clear_message()

    def commit(self) -> int:
        """Call the service; return the id saved. Raise MesodeskError when refused."""
        raise NotImplementedError

    def save(self) -> None:
        try:
            saved_id = self.commit()
        except ValidationError as error:
            self.error_line.show_message(f"{error.field}: {error.problem}.")
            widget = self.fields.get(error.field)
            if widget is not None:
                widget.setFocus()
            return
        except MesodeskError as error:
            self.error_line.show_message(messages.explain(error)[1])
            return
        self._dirty = False
        self.saved.emit(saved_id)
        self.accept()

    def reject(self) -> None:
        if self._dirty and not messages.ask(
            self,
            "Discard changes?",
            "What you typed here will be lost.",
            yes="Discard",
            no="Keep editing",
        ):
            return
        super().reject()
