"""A patient's treatment history on paper: to a PDF file, or to the system's printer.

The whole record (identity, screening and consents, every course with its sessions,
cocktail lots and progress plots, side effects, measurements) in one document, for the
patient or another doctor. Voided sessions are printed struck through with their reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QImage, QPagedPaintDevice, QPageSize

from mesodesk.core.db import Database
from mesodesk.core.exchange.progress import Progress, no_progress
from mesodesk.core.services import catalogue
from mesodesk.core.services.history import patient_history
from mesodesk.reports import history_sections as sections
from mesodesk.reports.document import Printed, ensure_application, render, write_pdf
from mesodesk.reports.history_photos import photo_section
from mesodesk.reports.letterhead import letterhead, practitioner_signature, sender
from mesodesk.reports.plot_images import course_plots, png_image

TITLE = "Treatment history"


class _Steps:
    """Progress over the steps of a history: reading, one plot per course, then each page.

    The number of pages is known only once the text is laid out; the total grows then.
    """

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress or no_progress
        self.before_pages = 1
        self.progress(0, 0)

    def read(self, courses: int) -> None:
        self.before_pages = 1 + courses
        self.progress(1, self.before_pages + 1)

    def course_done(self, index: int) -> None:
        self.progress(2 + index, self.before_pages + 1)

    def page_done(self, page: int, pages: int) -> None:
        self.progress(self.before_pages + page, self.before_pages + pages)


def history_document(db: Database, patient_id: int, *, steps: _Steps | None = None) -> Printed:
    """The patient's history ready for paper, plots drawn."""
    steps = steps or _Steps(None)
    record = patient_history(db, patient_id)
    steps.read(len(record.courses))
    today = dt.date.today()
    who = sender(db)
    regions = {region.code: region.name for region in catalogue.regions(db)}
    images: dict[str, QImage] = {}
    plots: dict[int, list[str]] = {}
    for index, history in enumerate(record.courses):
        course_id = history.course.id
        for number, png in enumerate(course_plots(db, patient_id, course_id), start=1):
            name = f"mesodesk-plot:course-{course_id}-{number}"
            images[name] = png_image(png)
            plots.setdefault(course_id, []).append(name)
        steps.course_done(index)
    labels = sections.session_labels(record)
    pictures = photo_section(db, patient_id)  # the before/after pairs chosen for paper
    images.update(pictures.images)
    p = record.identity
    body = "".join(
        (
            letterhead(who),
            f"<h1>{TITLE}</h1>",
            sections.identity(record, today),
            sections.screening_and_consents(record, regions),
            sections.courses(record, regions, plots),
            sections.side_effects(record, labels),
            sections.measurements(record, labels),
            pictures.html,
            "<h2>Signature</h2>",
            "<p>A true copy of the treatment record kept for this patient.</p>",
            practitioner_signature(who),
        )
    )
    return Printed(
        title=f"{TITLE}: {p.given_names} {p.family_name} ({p.file_number})",
        body=body,
        header_left=(
            f"{p.given_names} {p.family_name} · file {p.file_number} · "
            f"born {p.date_of_birth.isoformat()}"
        ),
        header_right=TITLE,
        footer_centre=who.clinic_line,
        printed_on=today,
        images=images,
    )


def write_history_pdf(
    db: Database,
    patient_id: int,
    out: Path,
    *,
    page_size: QPageSize.PageSizeId | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the patient's history as a PDF at ``out``; nothing is left if it fails.

    ``page_size`` None means A4, or Letter where the system's locale prints on Letter.
    ``progress`` may raise :class:`~mesodesk.core.exchange.progress.Cancelled`.
    """
    ensure_application()
    steps = _Steps(progress)
    printed = history_document(db, patient_id, steps=steps)
    write_pdf(printed, out, page_size, steps.page_done)


def print_history(
    db: Database, patient_id: int, device: QPagedPaintDevice, *, progress: Progress | None = None
) -> None:
    """Print the patient's history on ``device`` (the print dialog's printer)."""
    ensure_application()
    steps = _Steps(progress)
    printed = history_document(db, patient_id, steps=steps)
    render(printed, device, steps.page_done)
