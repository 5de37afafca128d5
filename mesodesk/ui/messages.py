"""Messages to the practitioner: errors, notices, and the one blocking question.

Message boxes are built and ``show()``n, never ``exec()``ed, so tests can drive them.
A question whose answer the code waits for goes through :func:`ask`, which tests
replace (``monkeypatch.setattr(messages, "ask", lambda *a, **k: True)``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from mesodesk.core.errors import KnownError, MesodeskError, ValidationError


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("message")
    box.setModal(parent is not None)
    box.show()
    return box


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    return _box(parent, QMessageBox.Icon.Warning, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    return _box(parent, QMessageBox.Icon.Information, title, text)


def explain(error: MesodeskError) -> tuple[str, str]:
    """A title and a sentence for an expected error."""
    if isinstance(error, ValidationError):
        return "Please check the form", f"{error.field}: {error.problem}."
    if isinstance(error, KnownError):
        return "mesodesk could not do that", str(error)
    return "Not saved", str(error)


def show_known_error(parent: QWidget | None, error: MesodeskError) -> QMessageBox:
    title, text = explain(error)
    return show_error(parent, title, text)


def ask(
    parent: QWidget | None, title: str, question: str, *, yes: str = "Yes", no: str = "No"
) -> bool:
    """Ask a yes/no question and wait for the answer."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, parent
    )
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button
