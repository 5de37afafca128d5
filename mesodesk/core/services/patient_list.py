"""The main window's patient list: matching ids first, then rows for the visible block.

With tens of thousands of patients the window holds only ids; a row's columns are
read when it scrolls into view (:func:`patient_rows`, a few queries per block).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.models import Course, Indication, Patient, SideEffect, TreatmentSession
from mesodesk.core.services.courses import OPEN_STATUSES, due_courses, next_due
from mesodesk.core.services.patients import search_statement


class PatientFilter(StrEnum):
    ALL = "all"
    ACTIVE_COURSE = "active_course"
    DUE = "due"
    OPEN_SIDE_EFFECTS = "open_side_effects"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return {
            "all": "All patients",
            "active_course": "With an active course",
            "due": "Due or overdue",
            "open_side_effects": "With open side effects",
            "archived": "Archived",
        }[self.value]


@dataclass(frozen=True, slots=True)
class PatientRow:
    id: int
    file_number: str
    family_name: str
    given_names: str
    date_of_birth: dt.date
    age: int
    indication: str  # of the newest open course, "" if none
    last_session: dt.date | None
    next_due: dt.date | None
    archived: bool
    open_side_effects: int

    @property
    def name(self) -> str:
        return f"{self.family_name.upper()} {self.given_names}".strip()


def patient_ids(
    db: Database,
    query: str = "",
    kind: PatientFilter = PatientFilter.ALL,
    today: dt.date | None = None,
) -> list[int]:
    """Ids of the patients to list, best match first (by name when the query is empty)."""
    today = today or dt.date.today()
    statement = search_statement(query, include_archived=kind == PatientFilter.ARCHIVED)
    if kind == PatientFilter.ARCHIVED:
        statement = statement.where(Patient.archived.is_(True))
    elif kind == PatientFilter.ACTIVE_COURSE:
        statement = statement.where(
            Patient.id.in_(select(Course.patient_id).where(Course.status.in_(OPEN_STATUSES)))
        )
    elif kind == PatientFilter.OPEN_SIDE_EFFECTS:
        statement = statement.where(
            Patient.id.in_(
                select(Course.patient_id)
                .join(TreatmentSession, TreatmentSession.course_id == Course.id)
                .join(SideEffect, SideEffect.session_id == TreatmentSession.id)
                .where(SideEffect.resolved_on.is_(None), SideEffect.voided.is_(False))
            )
        )
    elif kind == PatientFilter.DUE:
        due = {item.patient_id for item in due_courses(db, today)}
        statement = statement.where(Patient.id.in_(due))
    with db.read() as session:
        return list(session.scalars(statement.with_only_columns(Patient.id)))


def patient_rows(
    db: Database, ids: Sequence[int], today: dt.date | None = None
) -> dict[int, PatientRow]:
    """The list columns of the given patients, by id."""
    today = today or dt.date.today()
    if not ids:
        return {}
    wanted = list(ids)
    with db.read() as session:
        patients = session.scalars(select(Patient).where(Patient.id.in_(wanted))).all()
        last = dict(
            session.execute(
                select(Course.patient_id, func.max(TreatmentSession.started_at))
                .join(TreatmentSession, TreatmentSession.course_id == Course.id)
                .where(Course.patient_id.in_(wanted), TreatmentSession.voided.is_(False))
                .group_by(Course.patient_id)
            ).all()
        )
        open_effects = dict(
            session.execute(
                select(Course.patient_id, func.count(SideEffect.id))
                .join(TreatmentSession, TreatmentSession.course_id == Course.id)
                .join(SideEffect, SideEffect.session_id == TreatmentSession.id)
                .where(
                    Course.patient_id.in_(wanted),
                    SideEffect.resolved_on.is_(None),
                    SideEffect.voided.is_(False),
                )
                .group_by(Course.patient_id)
            ).all()
        )
        indication: dict[int, str] = {}
        due: dict[int, dt.date] = {}
        open_courses = session.execute(
            select(Course, Indication.name)
            .join(Indication, Indication.code == Course.indication_code)
            .where(Course.patient_id.in_(wanted), Course.status.in_(OPEN_STATUSES))
            .order_by(Course.start_date)
        ).all()
        latest = _latest_sessions(session, [course.id for course, _ in open_courses])
        for course, name in open_courses:
            indication[course.patient_id] = name  # the newest open course wins
            when = next_due(course, latest.get(course.id))
            if when is not None and (course.patient_id not in due or when < due[course.patient_id]):
                due[course.patient_id] = when
        return {
            p.id: PatientRow(
                id=p.id,
                file_number=p.file_number,
                family_name=p.family_name,
                given_names=p.given_names,
                date_of_birth=p.date_of_birth,
                age=p.age_on(today),
                indication=indication.get(p.id, ""),
                last_session=last[p.id].date() if p.id in last else None,
                next_due=due.get(p.id),
                archived=p.archived,
                open_side_effects=open_effects.get(p.id, 0),
            )
            for p in patients
        }


def _latest_sessions(session: Session, course_ids: list[int]) -> dict[int, TreatmentSession]:
    if not course_ids:
        return {}
    newest = (
        select(TreatmentSession.course_id, func.max(TreatmentSession.started_at).label("at"))
        .where(TreatmentSession.course_id.in_(course_ids), TreatmentSession.voided.is_(False))
        .group_by(TreatmentSession.course_id)
        .subquery()
    )
    rows = session.scalars(
        select(TreatmentSession)
        .join(
            newest,
            (newest.c.course_id == TreatmentSession.course_id)
            & (newest.c.at == TreatmentSession.started_at),
        )
        .where(TreatmentSession.voided.is_(False))
    )
    return {row.course_id: row for row in rows}
