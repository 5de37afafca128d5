"""Saving a plot as PNG, SVG or PDF, where the practitioner chooses."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.files import atomic_output
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


def export_figure(parent: QWidget | None, figure: Figure, suggested_name: str) -> Path | None:
    """Save ``figure`` where the practitioner says; the path written, or None."""
    path = choose_export_path(parent, suggested_name)
    if path is None:
        return None
    if path.suffix.lower() not in FORMATS:
        messages.show_error(parent, "Not exported", "Choose a name ending in .png, .svg or .pdf.")
        return None
    try:
        with atomic_output(path) as partial:  # never a half-written picture
            figure.savefig(partial, format=path.suffix[1:].lower(), dpi=PNG_DPI, facecolor="white")
    except KnownError as error:
        messages.show_error(parent, "Not exported", error.message)
        return None
    return path
