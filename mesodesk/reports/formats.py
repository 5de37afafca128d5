"""The export formats, in one table the command line and the window both read.

Each format says what it holds (one patient, any selection of patients, or the whole
practice), its file suffix and how to write it. Writers are imported when used, so the
command line loads Qt only for the PDF.
"""

from __future__ import annotations

import enum
import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mesodesk.core.db import Database
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.files import safe_filename
from mesodesk.core.exchange.progress import Progress


class Scope(enum.Enum):
    ONE_PATIENT = "one patient"
    PATIENTS = "one patient or all"
    PRACTICE = "the whole practice"


Writer = Callable[[Database, Path, Sequence[int] | None, Progress | None], None]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    key: str  # the command line's --format
    title: str  # as the window names it
    suffix: str
    file_filter: str  # for the file dialog
    scope: Scope
    write: Writer
    description: str

    def suggested_name(self, what: str) -> str:
        """A file name for an export of ``what`` (a patient's file number and name)."""
        return safe_filename(f"{what} {self.title.lower()}", fallback=self.key) + self.suffix


def _pdf(
    db: Database, out: Path, patient_ids: Sequence[int] | None, progress: Progress | None
) -> None:
    from mesodesk.reports.history import write_history_pdf

    if not patient_ids or len(patient_ids) != 1:
        raise KnownError("A PDF history is written for one patient at a time.")
    ensure_gui_application()
    write_history_pdf(db, patient_ids[0], out, progress=progress)


def _patients_writer(module: str, name: str) -> Writer:
    """A writer of one of the core's exports that take ``patient_ids`` (None: all)."""

    def write(
        db: Database, out: Path, patient_ids: Sequence[int] | None, progress: Progress | None
    ) -> None:
        export = getattr(importlib.import_module(module), name)
        export(db, out, patient_ids=patient_ids, progress=progress)

    return write


_csv = _patients_writer("mesodesk.core.exchange.csv_export", "export_csv")
_xlsx = _patients_writer("mesodesk.core.exchange.xlsx_export", "export_xlsx")
_fhir = _patients_writer("mesodesk.core.exchange.fhir", "export_fhir")


def _archive(
    db: Database, out: Path, patient_ids: Sequence[int] | None, progress: Progress | None
) -> None:
    from mesodesk.core.attachments import photos_folder
    from mesodesk.core.exchange.archive import export_archive

    if patient_ids is not None:
        raise KnownError("An archive holds the whole practice; it cannot be made for one patient.")
    export_archive(db, out, photos_dir=photos_folder(db.path), progress=progress)


_APPLICATION: object = None

FORMATS: dict[str, ExportFormat] = {
    fmt.key: fmt
    for fmt in (
        ExportFormat(
            "pdf", "History", ".pdf", "PDF documents (*.pdf)", Scope.ONE_PATIENT, _pdf,
            "A printable history for the patient or another doctor, with the progress plots.",
        ),
        ExportFormat(
            "csv", "Tables", ".zip", "Zipped CSV tables (*.zip)", Scope.PATIENTS, _csv,
            "One CSV file per table and a session history, zipped, for any spreadsheet.",
        ),
        ExportFormat(
            "xlsx", "Workbook", ".xlsx", "Excel workbooks (*.xlsx)", Scope.PATIENTS, _xlsx,
            "The same tables as sheets of one Excel workbook, with real dates and numbers.",
        ),
        ExportFormat(
            "fhir", "FHIR bundle", ".json", "FHIR JSON (*.json)", Scope.PATIENTS, _fhir,
            "An HL7 FHIR R4 bundle, for another clinical system.",
        ),
        ExportFormat(
            "archive", "Archive", ".zip", "mesodesk archives (*.zip)", Scope.PRACTICE, _archive,
            "Everything, to move the practice to another computer (File › Import archive).",
        ),
    )
}  # fmt: skip


def ensure_gui_application() -> None:
    """A QGuiApplication for drawing documents, made offscreen when none exists yet.

    The window already has its QApplication; the command line has none and no screen.
    """
    global _APPLICATION  # noqa: PLW0603  (kept alive for the life of the process)
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APPLICATION = QGuiApplication([])
