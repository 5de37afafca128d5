"""Asking where to write or what to read: the file dialogs of exports and imports.

Each is a plain function so that tests replace it, as a user would answer the dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def choose_save_path(
    parent: QWidget | None, title: str, suggested_name: str, file_filter: str
) -> Path | None:
    """Where to save; the suffix of the suggestion is added when the name has none."""
    name, _ = QFileDialog.getSaveFileName(
        parent, title, str(documents_folder() / suggested_name), file_filter
    )
    if not name:
        return None
    path = Path(name)
    suffix = Path(suggested_name).suffix
    if suffix and not path.suffix:
        path = path.with_name(path.name + suffix)
    return path


def choose_open_path(parent: QWidget | None, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(documents_folder()), file_filter)
    return Path(name) if name else None
