"""Patients: create, update, archive, find."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Integer, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.models import Patient
from mesodesk.core.services import _validate as v
from mesodesk.core.text import digits, fold

SEARCH_LIMIT = 50
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


@dataclass(frozen=True, slots=True)
class PatientData:
    """A patient's identity as entered; used to create and to edit."""

    file_number: str
    family_name: str
    given_names: str
    date_of_birth: dt.date
    sex: Sex = Sex.UNKNOWN
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PatientSummary:
    id: int
    file_number: str
    family_name: str
    given_names: str
    date_of_birth: dt.date
    sex: Sex
    phone: str
    archived: bool

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def summary(patient: Patient) -> PatientSummary:
    return PatientSummary(
        id=patient.id,
        file_number=patient.file_number,
        family_name=patient.family_name,
        given_names=patient.given_names,
        date_of_birth=patient.date_of_birth,
        sex=Sex(patient.sex),
        phone=patient.phone,
        archived=patient.archived,
    )


def clean_patient(data: PatientData, today: dt.date | None = None) -> PatientData:
    """The patient's data as it would be stored, or a ValidationError naming the field.

    The checks of :func:`create_patient`, without writing: an import previews with it.
    """
    today = today or dt.date.today()
    return replace(
        data,
        file_number=v.text("File number", data.file_number, required=True, max_length=40),
        family_name=v.text("Family name", data.family_name, required=True, max_length=100),
        given_names=v.text("Given names", data.given_names, required=True, max_length=100),
        date_of_birth=v.date(
            "Date of birth", data.date_of_birth, not_after=today, not_before=v.EARLIEST_BIRTH
        ),
        sex=v.choice("Sex", data.sex, Sex),
        phone=v.phone("Phone", data.phone),
        email=v.email("E-mail", data.email),
        address=v.text("Address", data.address, max_length=500),
        notes=v.text("Notes", data.notes, max_length=5000),
    )


def _apply(patient: Patient, data: PatientData) -> None:
    patient.file_number = data.file_number
    patient.family_name = data.family_name
    patient.given_names = data.given_names
    patient.date_of_birth = data.date_of_birth
    patient.sex = data.sex.value
    patient.phone = data.phone
    patient.email = data.email
    patient.address = data.address
    patient.notes = data.notes
    patient.family_key = fold(data.family_name)
    patient.given_key = fold(data.given_names)
    patient.phone_digits = digits(data.phone)


def _check_unique(session: Session, file_number: str, patient_id: int | None) -> None:
    clash = session.scalar(
        select(Patient.id).where(func.casefold(Patient.file_number) == file_number.casefold())
    )
    if clash is not None and clash != patient_id:
        raise ValidationError("File number", f"{file_number} is already another patient's")


def create_patient(db: Database, data: PatientData) -> int:
    """Add a patient; return the new id."""
    data = clean_patient(data)
    with db.write() as session:
        _check_unique(session, data.file_number, None)
        patient = Patient()
        _apply(patient, data)
        session.add(patient)
        session.flush()
        return patient.id


def create_patients(db: Database, rows: Sequence[PatientData]) -> list[int]:
    """Add several patients in one transaction: all of them, or none (a ValidationError
    for the first row refused). Imports write in batches with it; one commit per batch."""
    today = dt.date.today()
    cleaned = [clean_patient(data, today) for data in rows]
    with db.write() as session:
        added = []
        for data in cleaned:
            _check_unique(session, data.file_number, None)
            patient = Patient()
            _apply(patient, data)
            session.add(patient)
            session.flush()  # the next row's uniqueness check sees this one
            added.append(patient.id)
        return added


def update_patient(db: Database, patient_id: int, data: PatientData, reason: str = "") -> None:
    """Change a patient's identity; the audit keeps the values before."""
    data = clean_patient(data)
    with db.write(reason=reason) as session:
        patient = v.get(session, Patient, patient_id, "Patient")
        _check_unique(session, data.file_number, patient_id)
        _apply(patient, data)


def set_archived(db: Database, patient_id: int, archived: bool, reason: str) -> None:
    """Archive (or bring back) a patient; patients are never deleted."""
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        v.get(session, Patient, patient_id, "Patient").archived = archived


def patient_data(db: Database, patient_id: int) -> PatientData:
    """The patient's identity as editable data."""
    with db.read() as session:
        p = v.get(session, Patient, patient_id, "Patient")
        return PatientData(
            file_number=p.file_number,
            family_name=p.family_name,
            given_names=p.given_names,
            date_of_birth=p.date_of_birth,
            sex=Sex(p.sex),
            phone=p.phone,
            email=p.email,
            address=p.address,
            notes=p.notes,
        )


def find_by_file_number(db: Database, file_number: str) -> PatientSummary:
    """The patient with this file number (compared without regard to case)."""
    wanted = file_number.strip()
    with db.read() as session:
        patient = session.scalar(
            select(Patient).where(func.casefold(Patient.file_number) == wanted.casefold())
        )
        if patient is None:
            raise NotFoundError("Patient with file number", wanted)
        return summary(patient)


def get_patient(db: Database, patient_id: int) -> PatientSummary:
    with db.read() as session:
        return summary(v.get(session, Patient, patient_id, "Patient"))


def next_file_number(db: Database, year: int | None = None) -> str:
    """The next free file number of the form YYYY-NNNN."""
    year = year or dt.date.today().year
    prefix = f"{year}-"
    with db.read() as session:
        numbers = session.scalars(
            select(Patient.file_number).where(Patient.file_number.like(f"{prefix}%"))
        ).all()
    taken = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(taken, default=0) + 1:04d}"


def _parse_date(query: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(query, fmt).date()
        except ValueError:
            continue
    return None


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_statement(query: str, *, include_archived: bool = False) -> Select[Patient]:
    """Patients matching ``query``, best first (see :func:`search_patients`)."""
    raw = query.strip()
    folded = fold(raw)
    conditions = []
    born = _parse_date(raw)
    file_key = func.lower(Patient.file_number)
    if born is not None:
        conditions.append(Patient.date_of_birth == born)
    elif folded:
        words = [_like_escape(word) for word in folded.split(" ")]
        name_match = and_(
            *(
                or_(
                    Patient.family_key.like(f"%{w}%", escape="\\"),
                    Patient.given_key.like(f"%{w}%", escape="\\"),
                )
                for w in words
            )
        )
        conditions += [name_match, file_key.like(f"%{_like_escape(folded)}%", escape="\\")]
        number = digits(raw)
        if len(number) >= 3 and not re.search(r"[^\d\s+().\-/]", raw):
            conditions.append(Patient.phone_digits.like(f"%{number}%"))
    first = _like_escape(folded.split(" ")[0]) if folded else ""
    rank = case(
        (file_key == folded, 0),
        (Patient.family_key.like(f"{first}%", escape="\\"), 1),
        (Patient.given_key.like(f"{first}%", escape="\\"), 2),
        else_=3,
    ).cast(Integer)
    statement = select(Patient)
    if conditions:
        statement = statement.where(or_(*conditions))
    if not include_archived:
        statement = statement.where(Patient.archived.is_(False))
    return statement.order_by(rank, Patient.family_key, Patient.given_key, Patient.id)


def search_patients(
    db: Database,
    query: str,
    *,
    include_archived: bool = False,
    limit: int = SEARCH_LIMIT,
) -> list[PatientSummary]:
    """Patients matching ``query``, best first.

    The query may be part of a name (accents and case ignored, words in any order), a
    file number, a phone number (digits only are compared) or a date of birth
    (2026-01-31, 31/01/2026 or 31.01.2026). An empty query lists patients by name.
    """
    statement = search_statement(query, include_archived=include_archived)
    with db.read() as session:
        return [summary(p) for p in session.scalars(statement.limit(limit))]
