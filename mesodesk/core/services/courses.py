"""Courses of treatment: planning, status, and which patients are due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.enums import CourseStatus
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import Course, Indication, Patient, Region, TreatmentSession
from mesodesk.core.services import _validate as v

OPEN_STATUSES = tuple(s.value for s in CourseStatus if s.is_open)


@dataclass(frozen=True, slots=True)
class CourseData:
    indication_code: str
    planned_sessions: int
    interval_days: int
    start_date: dt.date
    target_areas: tuple[str, ...] = ()
    maintenance_interval_days: int | None = None
    goal: str = ""


@dataclass(frozen=True, slots=True)
class CourseSummary:
    id: int
    patient_id: int
    indication_code: str
    indication_name: str
    target_areas: tuple[str, ...]
    planned_sessions: int
    interval_days: int
    maintenance_interval_days: int | None
    start_date: dt.date
    status: CourseStatus
    goal: str
    sessions_done: int
    last_session_date: dt.date | None
    next_due_date: dt.date | None


@dataclass(frozen=True, slots=True)
class DueItem:
    """A course whose next session is due (or overdue) by its interval."""

    patient_id: int
    file_number: str
    patient_name: str
    phone: str
    course_id: int
    indication_name: str
    sessions_done: int
    planned_sessions: int
    last_session_date: dt.date | None
    due_date: dt.date

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_date).days


def _clean(session: Session, data: CourseData) -> CourseData:
    if session.get(Indication, data.indication_code) is None:
        raise ValidationError("Indication", f"{data.indication_code!r} is not a known indication")
    for code in data.target_areas:
        if session.get(Region, code) is None:
            raise ValidationError("Target areas", f"{code!r} is not a known region")
    return replace(
        data,
        planned_sessions=v.integer(
            "Planned sessions", data.planned_sessions, minimum=1, maximum=100
        ),
        interval_days=v.integer("Interval", data.interval_days, minimum=1, maximum=365),
        maintenance_interval_days=v.integer(
            "Maintenance interval",
            data.maintenance_interval_days,
            minimum=1,
            maximum=730,
            required=False,
        ),
        start_date=v.date("Start date", data.start_date, not_before=dt.date(2000, 1, 1)),
        goal=v.text("Goal", data.goal, max_length=1000),
        target_areas=tuple(dict.fromkeys(data.target_areas)),
    )


def _apply(course: Course, data: CourseData) -> None:
    course.indication_code = data.indication_code
    course.planned_sessions = data.planned_sessions
    course.interval_days = data.interval_days
    course.maintenance_interval_days = data.maintenance_interval_days
    course.start_date = data.start_date
    course.target_areas = ",".join(data.target_areas)
    course.goal = data.goal


def plan_course(db: Database, patient_id: int, data: CourseData) -> int:
    """Plan a course for a patient; it starts as 'planned' and turns 'active' at session 1."""
    with db.write() as session:
        patient = v.get(session, Patient, patient_id, "Patient")
        if patient.archived:
            raise ValidationError("Patient", "is archived; bring the patient back first")
        data = _clean(session, data)
        course = Course(patient_id=patient_id, status=CourseStatus.PLANNED.value)
        _apply(course, data)
        session.add(course)
        session.flush()
        return course.id


def update_course(db: Database, course_id: int, data: CourseData, reason: str = "") -> None:
    with db.write(reason=reason) as session:
        course = v.get(session, Course, course_id, "Course")
        data = _clean(session, data)
        done = _sessions_done(session, course_id)
        if data.planned_sessions < done:
            raise ValidationError(
                "Planned sessions", f"cannot be fewer than the {done} sessions already recorded"
            )
        _apply(course, data)


def set_course_status(db: Database, course_id: int, status: CourseStatus, reason: str = "") -> None:
    """Pause, stop, complete or resume a course; stopping and pausing need a reason."""
    status = v.choice("Status", status, CourseStatus)
    if status in (CourseStatus.STOPPED, CourseStatus.PAUSED):
        reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        course = v.get(session, Course, course_id, "Course")
        course.status = status.value
        course.status_reason = reason


def _sessions_done(session: Session, course_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                TreatmentSession.course_id == course_id, TreatmentSession.voided.is_(False)
            )
        )
        or 0
    )


def next_due(course: Course, last: TreatmentSession | None) -> dt.date | None:
    """When the next session is due: the last session's own date if it set one, else
    the interval (the maintenance interval once in maintenance) after the last session."""
    return due_date_from(
        course.status,
        course.start_date,
        course.interval_days,
        course.maintenance_interval_days,
        None if last is None else last.started_at,
        None if last is None else last.next_due_date,
    )


def due_date_from(
    status: str,
    start_date: dt.date,
    interval_days: int,
    maintenance_interval_days: int | None,
    last_started_at: dt.datetime | None,
    last_next_due: dt.date | None,
) -> dt.date | None:
    """:func:`next_due` from plain values (no ORM objects needed)."""
    if status not in OPEN_STATUSES:
        return None
    if last_started_at is None:
        return start_date
    if last_next_due is not None:
        return last_next_due
    interval = interval_days
    if status == CourseStatus.MAINTENANCE and maintenance_interval_days:
        interval = maintenance_interval_days
    return last_started_at.date() + dt.timedelta(days=interval)


def last_session(session: Session, course_id: int) -> TreatmentSession | None:
    return session.scalars(
        select(TreatmentSession)
        .where(TreatmentSession.course_id == course_id, TreatmentSession.voided.is_(False))
        .order_by(TreatmentSession.started_at.desc())
        .limit(1)
    ).first()


def _summary(session: Session, course: Course) -> CourseSummary:
    last = last_session(session, course.id)
    indication = session.get(Indication, course.indication_code)
    return CourseSummary(
        id=course.id,
        patient_id=course.patient_id,
        indication_code=course.indication_code,
        indication_name=indication.name if indication else course.indication_code,
        target_areas=tuple(course.target_area_codes),
        planned_sessions=course.planned_sessions,
        interval_days=course.interval_days,
        maintenance_interval_days=course.maintenance_interval_days,
        start_date=course.start_date,
        status=CourseStatus(course.status),
        goal=course.goal,
        sessions_done=_sessions_done(session, course.id),
        last_session_date=last.started_at.date() if last else None,
        next_due_date=next_due(course, last),
    )


def get_course(db: Database, course_id: int) -> CourseSummary:
    with db.read() as session:
        return _summary(session, v.get(session, Course, course_id, "Course"))


def course_data(db: Database, course_id: int) -> CourseData:
    with db.read() as session:
        c = v.get(session, Course, course_id, "Course")
        return CourseData(
            indication_code=c.indication_code,
            planned_sessions=c.planned_sessions,
            interval_days=c.interval_days,
            start_date=c.start_date,
            target_areas=tuple(c.target_area_codes),
            maintenance_interval_days=c.maintenance_interval_days,
            goal=c.goal,
        )


def patient_courses(db: Database, patient_id: int) -> list[CourseSummary]:
    """A patient's courses, newest first."""
    with db.read() as session:
        rows = session.scalars(
            select(Course)
            .where(Course.patient_id == patient_id)
            .order_by(Course.start_date.desc(), Course.id.desc())
        ).all()
        return [_summary(session, c) for c in rows]


def due_courses(db: Database, today: dt.date, *, within_days: int = 0) -> list[DueItem]:
    """Open courses whose next session is due by ``today + within_days``, most overdue first.

    One query: the latest session of every open course, joined to its patient. It reads
    plain columns, not ORM objects: a large practice has thousands of open courses, and
    the Today view asks for them at every start.
    """
    open_courses = select(Course.id).where(Course.status.in_(OPEN_STATUSES))
    latest = (
        select(
            TreatmentSession.course_id.label("course_id"),
            func.max(TreatmentSession.started_at).label("last_at"),
            func.count().label("done"),
        )
        .where(TreatmentSession.voided.is_(False), TreatmentSession.course_id.in_(open_courses))
        .group_by(TreatmentSession.course_id)
        .subquery()
    )
    statement = (
        select(
            Course.id,
            Course.status,
            Course.start_date,
            Course.interval_days,
            Course.maintenance_interval_days,
            Course.planned_sessions,
            Patient.id,
            Patient.file_number,
            Patient.given_names,
            Patient.family_name,
            Patient.phone,
            Indication.name,
            latest.c.last_at,
            latest.c.done,
            TreatmentSession.started_at,
            TreatmentSession.next_due_date,
        )
        .join(Patient, Patient.id == Course.patient_id)
        .join(Indication, Indication.code == Course.indication_code)
        .outerjoin(latest, latest.c.course_id == Course.id)
        .outerjoin(
            TreatmentSession,
            (TreatmentSession.course_id == Course.id)
            & (TreatmentSession.started_at == latest.c.last_at)
            & TreatmentSession.voided.is_(False),
        )
        .where(Course.status.in_(OPEN_STATUSES), Patient.archived.is_(False))
    )
    horizon = today + dt.timedelta(days=within_days)
    items: dict[int, DueItem] = {}
    with db.read() as session:
        for (
            course_id,
            status,
            start_date,
            interval_days,
            maintenance_days,
            planned,
            patient_id,
            file_number,
            given,
            family,
            phone,
            indication,
            last_at,
            done,
            last_started_at,
            last_next_due,
        ) in session.connection().execute(statement):  # Core rows: no ORM loading
            due = due_date_from(
                status, start_date, interval_days, maintenance_days, last_started_at, last_next_due
            )
            if due is None or due > horizon or course_id in items:
                continue
            items[course_id] = DueItem(
                patient_id=patient_id,
                file_number=file_number,
                patient_name=f"{given} {family}".strip(),
                phone=phone,
                course_id=course_id,
                indication_name=indication,
                sessions_done=done or 0,
                planned_sessions=planned,
                last_session_date=last_at.date() if last_at else None,
                due_date=due,
            )
    return sorted(items.values(), key=lambda item: (item.due_date, item.patient_name))
