"""The aftercare sheet handed to the patient after a session, to a PDF or a printer.

The advice is the practice's aftercare sheet from the catalogue (the session editor offers
the same one); the page adds who it is for, the session and the areas treated, and how to
reach the practice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QPageSize

from mesodesk.core.db import Database
from mesodesk.core.services import catalogue, courses, patients, sessions
from mesodesk.core.services.history import SessionRecord, course_sessions
from mesodesk.reports import words
from mesodesk.reports.document import Printed, ensure_application, esc, render, write_pdf
from mesodesk.reports.letterhead import Sender, letterhead, sender

STANDARD_SHEET = "standard"


def _record(db: Database, session_id: int) -> SessionRecord:
    course_id = sessions.session_data(db, session_id).course_id  # NotFoundError if unknown
    return next(s for s in course_sessions(db, [course_id])[course_id] if s.id == session_id)


def _section(section: dict[str, object]) -> str:
    heading = esc(section.get("heading", ""))
    items = section.get("items")
    listed = "".join(f"<li>{esc(item)}</li>" for item in items) if isinstance(items, list) else ""
    return f"<h3>{heading}</h3><ul>{listed}</ul>"


def _contact(who: Sender) -> str:
    if not who.clinic.phone:
        return "<p><b>Questions or a problem?</b> Contact the practice.</p>"
    return f"<p><b>Questions or a problem?</b> Call the practice on {esc(who.clinic.phone)}.</p>"


@dataclass(frozen=True, slots=True)
class AftercareFor:
    """Whom the sheet is for and after what: from a saved session, or from the session
    editor before it is saved (the sheet is often printed while the patient dresses)."""

    patient_name: str
    file_number: str
    session_label: str  # "session 3" or "maintenance session 9"
    indication: str
    day: dt.date
    areas: tuple[str, ...]  # as said aloud: "Outer thigh, left"


def aftercare_for(db: Database, session_id: int) -> AftercareFor:
    """What the sheet of a saved session says about it."""
    record = _record(db, session_id)
    course = courses.get_course(db, record.course_id)
    patient = patients.get_patient(db, course.patient_id)
    return AftercareFor(
        patient_name=patient.full_name,
        file_number=patient.file_number,
        session_label=f"{'maintenance session' if record.maintenance else 'session'} "
        f"{record.number}",
        indication=course.indication_name,
        day=record.started_at.date(),
        areas=tuple(words.area(a.region_name, a.side) for a in record.areas),
    )


def aftercare_sheet(db: Database, about: AftercareFor) -> Printed:
    """The practice's aftercare sheet for one patient and session, ready for paper."""
    version, title, body = catalogue.aftercare_sheet(db, STANDARD_SHEET)
    who = sender(db)
    areas = "; ".join(about.areas) or words.DASH
    parts = [
        letterhead(who),
        f"<h1>{esc(title)}</h1>",
        f"<p>For <b>{esc(about.patient_name)}</b> (file {esc(about.file_number)}), "
        f"after the {esc(about.session_label)} of the {esc(about.indication.lower())} course "
        f"on {words.day(about.day)}.</p>",
        f"<p>Areas treated: {esc(areas)}.</p>",
        *(_section(section) for section in body),
        _contact(who),
        f"<p class='muted small'>Aftercare sheet “{esc(STANDARD_SHEET)}”, "
        f"version {esc(version)}.</p>",
    ]
    return Printed(
        title=f"{title}: {about.patient_name}",
        body="".join(parts),
        header_left=f"{about.patient_name} · file {about.file_number}",
        header_right=title,
        footer_centre=who.clinic_line,
    )


def aftercare_document(db: Database, session_id: int) -> Printed:
    """The sheet for one saved session, ready for paper."""
    return aftercare_sheet(db, aftercare_for(db, session_id))


def write_aftercare_pdf(
    db: Database, session_id: int, out: Path, *, page_size: QPageSize.PageSizeId | None = None
) -> None:
    """Write the aftercare sheet of a session as a PDF at ``out`` (all or nothing)."""
    ensure_application()
    write_pdf(aftercare_document(db, session_id), out, page_size)


def print_aftercare(db: Database, session_id: int, device: QPagedPaintDevice) -> None:
    """Print the aftercare sheet of a session on ``device`` (the print dialog's printer)."""
    print_aftercare_for(db, aftercare_for(db, session_id), device)


def print_aftercare_for(db: Database, about: AftercareFor, device: QPagedPaintDevice) -> None:
    """Print the aftercare sheet for a session not yet saved (the session editor)."""
    ensure_application()
    render(aftercare_sheet(db, about), device)
