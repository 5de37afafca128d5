"""Saving a plot as PNG, SVG or PDF, where the practitioner chooses."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from mesodesk.ui import messages

FORMATS = {
    ".png": "PNG image (*.png)",
    ".svg": "SVG drawing (*.svg)",
    ".pdf": "PDF document (*.pdf)",
}
PNG_DPI = 150


def choose_export_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """Ask where to save the plot (tests replace this); None when cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    name, chosen = QFileDialog.getSaveFileName(
        parent, "Export the plot", str(Path(folder) / suggested_name), ";;".join(FORMATS.values())
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in FORMATS:
        suffix = next((s for s, f in FORMATS.items() if f == chosen), ".png")
        path = path.with_name(path.name + suffix)
    return path


def safe_file_name(text: str) -> str:
    """A file name from words: no slashes or other characters file systems refuse."""
    kept = "".join(c if c.isalnum() or c in " -_.·" else " " for c in text)
    return " ".join(kept.split())


def export_figure(parent: QWidget | None, figure: Figure, suggested_name: str) -> Path | None:
    """Save ``figure`` where the practitioner says; the path written, or None."""
    path = choose_export_path(parent, suggested_name)
    if path is None:
        return None
    if path.suffix.lower() not in FORMATS:
        messages.show_error(parent, "Not exported", "Choose a name ending in .png, .svg or .pdf.")
        return None
    try:
        figure.savefig(path, dpi=PNG_DPI, facecolor="white")
    except OSError as error:
        messages.show_error(
            parent, "Not exported", f"The plot could not be written to {path}: {error.strerror}."
        )
        return None
    return path
