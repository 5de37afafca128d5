"""The aftercare sheet given to the patient: HTML for print."""

from __future__ import annotations

import html

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget


def aftercare_html(
    title: str, sections: list[dict[str, object]], patient: str = "", clinic: str = ""
) -> str:
    """The sheet as HTML: title, patient, then each section's heading and items."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if clinic:
        parts.append(f"<p><i>{html.escape(clinic)}</i></p>")
    if patient:
        parts.append(f"<p>For: <b>{html.escape(patient)}</b></p>")
    for section in sections:
        parts.append(f"<h3>{html.escape(str(section.get('heading', '')))}</h3><ul>")
        items = section.get("items") or []
        assert isinstance(items, list)
        parts += [f"<li>{html.escape(str(item))}</li>" for item in items]
        parts.append("</ul>")
    return "\n".join(parts)


def print_html(parent: QWidget | None, document_html: str) -> bool:
    """Print through the system dialog; return whether it was printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document = QTextDocument()
    document.setHtml(document_html)
    document.print_(printer)
    return True
