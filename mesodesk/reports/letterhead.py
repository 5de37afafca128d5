"""Who a document comes from: the clinic's letterhead and the practitioner who signs."""

from __future__ import annotations

from dataclasses import dataclass

from mesodesk.core.db import Database
from mesodesk.core.services import practice
from mesodesk.core.services.practice import ClinicInfo, PractitionerSummary
from mesodesk.reports.document import esc
from mesodesk.reports.tables import text_lines

# The window keeps the practitioner at work under this setting (mesodesk/ui/practitioner.py).
CURRENT_PRACTITIONER_KEY = "current_practitioner_id"


@dataclass(frozen=True, slots=True)
class Sender:
    clinic: ClinicInfo
    practitioner: PractitionerSummary | None

    @property
    def clinic_line(self) -> str:
        """The clinic in one line of plain text, for page footers."""
        return self.clinic.name


def signing_practitioner(db: Database) -> PractitionerSummary | None:
    """The practitioner at work in the window, else the first active one, else None."""
    active = practice.list_practitioners(db)
    chosen = practice.get_setting(db, CURRENT_PRACTITIONER_KEY)
    for person in active:
        if str(person.id) == chosen:
            return person
    return active[0] if active else None


def sender(db: Database) -> Sender:
    return Sender(practice.clinic_info(db), signing_practitioner(db))


def letterhead(who: Sender) -> str:
    """The clinic on the left, the practitioner on the right, a rule below."""
    clinic = who.clinic
    left = []
    if clinic.name:
        left.append(f"<span class='clinic'>{esc(clinic.name)}</span>")
    if clinic.address:
        left.append(text_lines(clinic.address.strip()))
    if clinic.phone:
        left.append(f"Tel. {esc(clinic.phone)}")
    right = []
    person = who.practitioner
    if person is not None:
        right.append(f"<b>{esc(person.display_name)}</b>")
        if person.registration_number:
            right.append(f"Registration no. {esc(person.registration_number)}")
    return (
        "<table class='plain' width='100%' cellspacing='0'><tr>"
        f"<td width='60%'>{'<br>'.join(left)}</td>"
        f"<td width='40%' align='right'>{'<br>'.join(right)}</td>"
        "</tr></table><hr>"
    )


def signature_lines(heading: str, name: str, detail: str = "") -> str:
    """Who signs (plain text, escaped here), and lines to sign and date by hand."""
    line = "_" * 34
    shown = esc(name) if name else line
    if detail:
        shown += f"<br><span class='muted'>{esc(detail)}</span>"
    return (
        "<table class='sign' width='100%' cellspacing='0'><tr>"
        f"<td width='45%'><b>{esc(heading)}</b><br>{shown}</td>"
        f"<td width='55%'><br><br>Signature {line}<br><br><br>Date {'_' * 20}</td>"
        "</tr></table>"
    )


def practitioner_signature(who: Sender) -> str:
    person = who.practitioner
    if person is None:
        return signature_lines("Practitioner", "")
    registration = (
        f"Registration no. {person.registration_number}" if person.registration_number else ""
    )
    return signature_lines("Practitioner", person.display_name, registration)
