"""The main window's patient list: matching ids first, then rows for the visible block.

With tens of thousands of patients the window holds only ids; a row's columns are
read when it scrolls into view (:func:`patient_rows`, a few queries per block).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, select

from mesodesk.core.db import Database
from mesodesk.core.models import Course, Indication, Patient, SideEffect, TreatmentSession
from mesodesk.core.services.courses import OPEN_STATUSES, due_courses, due_date_from
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
        # Core rows: thousands of ids need no ORM loading.
        return list(session.connection().scalars(statement.with_only_columns(Patient.id)))


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def patient_rows(
    db: Database, ids: Sequence[int], today: dt.date | None = None
) -> dict[int, PatientRow]:
    """The list columns of the given patients, by id.

    Plain columns rather than ORM objects: the list asks for a block of rows at every
    keystroke, and building objects cost more than the queries themselves.
    """
    today = today or dt.date.today()
    if not ids:
        return {}
    wanted = list(ids)
    with db.read() as session:
        connection = session.connection()  # Core rows: no ORM loading
        patients = connection.execute(
            select(
                Patient.id,
                Patient.file_number,
                Patient.family_name,
                Patient.given_names,
                Patient.date_of_birth,
                Patient.archived,
            ).where(Patient.id.in_(wanted))
        ).all()
        last = dict(
            connection.execute(
                select(Course.patient_id, func.max(TreatmentSession.started_at))
                .join(TreatmentSession, TreatmentSession.course_id == Course.id)
                .where(Course.patient_id.in_(wanted), TreatmentSession.voided.is_(False))
                .group_by(Course.patient_id)
            ).all()
        )
        open_effects = dict(
            connection.execute(
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
        # Open courses are picked here rather than in SQL: a status condition there
        # leads SQLite to the status index, which reads every open course of the practice.
        open_courses = [
            row
            for row in connection.execute(
                select(
                    Course.id,
                    Course.patient_id,
                    Course.status,
                    Course.start_date,
                    Course.interval_days,
                    Course.maintenance_interval_days,
                    Indication.name,
                )
                .join(Indication, Indication.code == Course.indication_code)
                .where(Course.patient_id.in_(wanted))
                .order_by(Course.start_date)
            )
            if row.status in OPEN_STATUSES
        ]
        latest = _latest_sessions(connection, [row.id for row in open_courses])
    indication: dict[int, str] = {}
    due: dict[int, dt.date] = {}
    for course_id, patient_id, status, start, interval, maintenance, name in open_courses:
        indication[patient_id] = name  # the newest open course wins
        when = due_date_from(status, start, interval, maintenance, *latest.get(course_id, NEVER))
        if when is not None and (patient_id not in due or when < due[patient_id]):
            due[patient_id] = when
    return {
        pid: PatientRow(
            id=pid,
            file_number=file_number,
            family_name=family,
            given_names=given,
            date_of_birth=born,
            age=_age(born, today),
            indication=indication.get(pid, ""),
            last_session=last[pid].date() if pid in last else None,
            next_due=due.get(pid),
            archived=archived,
            open_side_effects=open_effects.get(pid, 0),
        )
        for pid, file_number, family, given, born, archived in patients
    }


NEVER: tuple[None, None] = (None, None)  # a course with no session yet


def _latest_sessions(
    connection: Connection, course_ids: list[int]
) -> dict[int, tuple[dt.datetime, dt.date | None]]:
    """The start and the next due date of each course's latest session (not voided)."""
    if not course_ids:
        return {}
    newest = (
        select(TreatmentSession.course_id, func.max(TreatmentSession.started_at).label("at"))
        .where(TreatmentSession.course_id.in_(course_ids), TreatmentSession.voided.is_(False))
        .group_by(TreatmentSession.course_id)
        .subquery()
    )
    rows = connection.execute(
        select(
            TreatmentSession.course_id,
            TreatmentSession.started_at,
            TreatmentSession.next_due_date,
        )
        .join(
            newest,
            (newest.c.course_id == TreatmentSession.course_id)
            & (newest.c.at == TreatmentSession.started_at),
        )
        .where(TreatmentSession.voided.is_(False))
    )
    return {course_id: (started, next_due) for course_id, started, next_due in rows}
