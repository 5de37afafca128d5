"""Printing documents through the system print dialog: history, consent form, aftercare.

The documents are drawn by :mod:`mesodesk.reports`, the same code that writes the PDFs,
onto the printer the practitioner picks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QPagedPaintDevice
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind
from mesodesk.core.errors import MesodeskError
from mesodesk.ui import messages

if TYPE_CHECKING:
    from mesodesk.reports.aftercare import AftercareFor


def choose_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The system print dialog (tests replace this); None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def _print(parent: QWidget | None, title: str, draw: Callable[[QPagedPaintDevice], None]) -> bool:
    printer = choose_printer(parent, title)
    if printer is None:
        return False
    try:
        draw(printer)
    except MesodeskError as error:
        messages.show_known_error(parent, error)
        return False
    return True


def print_history(parent: QWidget | None, database: Database, patient_id: int) -> bool:
    from mesodesk.reports.history import print_history as draw

    return _print(parent, "Print the history", lambda device: draw(database, patient_id, device))


def print_consent(
    parent: QWidget | None, database: Database, patient_id: int, kind: ConsentKind
) -> bool:
    from mesodesk.reports.consent import print_consent as draw

    return _print(
        parent, "Print the consent form", lambda device: draw(database, patient_id, kind, device)
    )


def print_aftercare_for(parent: QWidget | None, database: Database, about: AftercareFor) -> bool:
    """The aftercare sheet of a session still in the editor."""
    from mesodesk.reports.aftercare import print_aftercare_for as draw

    return _print(parent, "Print the aftercare sheet", lambda device: draw(database, about, device))


def print_aftercare(parent: QWidget | None, database: Database, session_id: int) -> bool:
    from mesodesk.reports.aftercare import print_aftercare as draw

    return _print(
        parent, "Print the aftercare sheet", lambda device: draw(database, session_id, device)
    )
