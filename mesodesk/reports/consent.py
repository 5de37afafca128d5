"""A consent form (treatment or photographs) filled in with the patient's identity, to sign.

The form carries the version of its text (:mod:`.consent_text`): the practitioner records
that version with the signed consent.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QPageSize

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind
from mesodesk.core.services import patients
from mesodesk.reports import words
from mesodesk.reports.consent_text import CONSENT_TEXTS, ConsentText
from mesodesk.reports.document import Printed, ensure_application, esc, render, write_pdf
from mesodesk.reports.letterhead import letterhead, practitioner_signature, sender, signature_lines
from mesodesk.reports.tables import facts

BOX = "\N{BALLOT BOX}"


def _ticks(statements: tuple[str, ...]) -> str:
    """Statements the patient ticks, each beside its own box."""
    rows = "".join(
        f"<tr><td width='4%' style='font-size: 12pt'>{BOX}</td><td>{esc(s)}</td></tr>"
        for s in statements
    )
    return f"<table class='facts' width='100%' cellspacing='0'>{rows}</table>"


def consent_html(text: ConsentText) -> str:
    """The form's own words: what is agreed to, the risks, the statements to tick."""
    first, *rest = text.paragraphs
    parts = [f"<p class='lead'>{esc(first)}</p>", *(f"<p>{esc(p)}</p>" for p in rest)]
    if text.risks:
        parts.append(f"<h3>{esc(text.risks_heading)}</h3><ul>")
        parts += [f"<li>{esc(risk)}</li>" for risk in text.risks]
        parts.append("</ul>")
    parts.append("<h3>Please tick each box you agree with</h3>")
    parts.append(_ticks(text.statements))
    if text.optional:
        parts.append("<h3>If you wish (optional)</h3>")
        parts.append(_ticks(text.optional))
    return "".join(parts)


def consent_document(db: Database, patient_id: int, kind: ConsentKind) -> Printed:
    """The form of ``kind`` for one patient, ready for paper."""
    kind = ConsentKind(kind)
    text = CONSENT_TEXTS[kind]
    patient = patients.get_patient(db, patient_id)
    who = sender(db)
    identity = facts(
        (
            ("Patient", f"<b>{esc(patient.full_name)}</b>"),
            ("Date of birth", words.day(patient.date_of_birth)),
            ("File number", esc(patient.file_number)),
        )
    )
    body = "".join(
        (
            letterhead(who),
            f"<h1>{esc(text.title)}</h1>",
            f"<p class='muted small'>Text version: {esc(text.version)}</p>",
            identity,
            consent_html(text),
            "<h3>Signatures</h3>",
            signature_lines("Patient", patient.full_name),
            practitioner_signature(who),
        )
    )
    return Printed(
        title=f"{text.title}: {patient.full_name}",
        body=body,
        header_left=f"{patient.full_name} · file {patient.file_number}",
        header_right=f"{text.title} (text version {text.version})",
        footer_centre=who.clinic_line,
    )


def write_consent_pdf(
    db: Database,
    patient_id: int,
    kind: ConsentKind,
    out: Path,
    *,
    page_size: QPageSize.PageSizeId | None = None,
) -> None:
    """Write the consent form of ``kind`` for the patient as a PDF at ``out``."""
    ensure_application()
    write_pdf(consent_document(db, patient_id, kind), out, page_size)


def print_consent(
    db: Database, patient_id: int, kind: ConsentKind, device: QPagedPaintDevice
) -> None:
    """Print the consent form on ``device`` (the print dialog's printer)."""
    ensure_application()
    render(consent_document(db, patient_id, kind), device)
