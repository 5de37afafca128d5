"""Courses: planning, status, and who is due (DESIGN.md job 3, the Today view)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.db import Database
from mesodesk.core.enums import CourseStatus
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.services import audit, courses, patients, sessions
from mesodesk.core.services.courses import CourseData
from tests.core.conftest import (
    COURSE_START,
    Clinic,
    Helene,
    add_course,
    add_patient,
    count_rows,
    simple_session,
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def record(clinic: Clinic, course_id: int, day: dt.date) -> sessions.SessionSaved:
    return sessions.record_session(clinic.db, simple_session(clinic, course_id, at(day)))


def test_a_planned_course_reads_back_as_planned(helene: Helene) -> None:
    course = courses.get_course(helene.db, helene.course)
    assert course.status == CourseStatus.PLANNED
    assert course.indication_code == "cellulite" and course.indication_name == "Cellulite"
    assert course.target_areas == ("thigh_outer", "buttock")
    assert (course.planned_sessions, course.interval_days, course.maintenance_interval_days) == (
        8,
        14,
        30,
    )
    assert course.goal == "Smoother thighs"
    assert course.sessions_done == 0 and course.last_session_date is None
    assert course.next_due_date == COURSE_START  # the first session is due on the start day
    assert courses.course_data(helene.db, helene.course) == CourseData(
        "cellulite", 8, 14, COURSE_START, ("thigh_outer", "buttock"), 30, "Smoother thighs"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (CourseData("liposuction", 8, 14, COURSE_START), "Indication"),
        (CourseData("cellulite", 8, 14, COURSE_START, ("thigh_outerr",)), "Target areas"),
        (CourseData("cellulite", 0, 14, COURSE_START), "Planned sessions"),
        (CourseData("cellulite", 101, 14, COURSE_START), "Planned sessions"),
        (CourseData("cellulite", 8, 0, COURSE_START), "Interval"),
        (CourseData("cellulite", 8, 14.5, COURSE_START), "Interval"),  # type: ignore[arg-type]
        (CourseData("cellulite", 8, 14, COURSE_START, (), 0), "Maintenance interval"),
        (CourseData("cellulite", 8, 14, dt.date(1999, 12, 31)), "Start date"),
        (CourseData("cellulite", 8, 14, None), "Start date"),  # type: ignore[arg-type]
        (CourseData("cellulite", 8, 14, COURSE_START, goal="g" * 1001), "Goal"),
    ],
)
def test_a_course_is_validated_and_nothing_is_written(
    db: Database, data: CourseData, field: str
) -> None:
    pid = add_patient(db, "2026-0001")
    before = count_rows(db, "course", "audit_entry")
    with pytest.raises(ValidationError) as caught:
        courses.plan_course(db, pid, data)
    assert caught.value.field == field
    assert count_rows(db, "course", "audit_entry") == before


def test_target_areas_are_kept_once_in_order(db: Database) -> None:
    pid = add_patient(db, "2026-0001")
    cid = courses.plan_course(
        db, pid, CourseData("cellulite", 8, 14, COURSE_START, ("buttock", "thigh_outer", "buttock"))
    )
    assert courses.get_course(db, cid).target_areas == ("buttock", "thigh_outer")


def test_an_archived_patient_gets_no_new_course(db: Database) -> None:
    pid = add_patient(db, "2026-0001")
    patients.set_archived(db, pid, True, "Moved abroad")
    with pytest.raises(ValidationError) as caught:
        add_course(db, pid)
    assert caught.value.field == "Patient"
    with pytest.raises(NotFoundError):
        add_course(db, 99999)


@pytest.mark.parametrize("status", [CourseStatus.STOPPED, CourseStatus.PAUSED])
def test_stopping_or_pausing_needs_a_reason(helene: Helene, status: CourseStatus) -> None:
    for reason in ("", "  ", "no"):
        with pytest.raises(ValidationError) as caught:
            courses.set_course_status(helene.db, helene.course, status, reason)
        assert caught.value.field == "Reason"
    assert courses.get_course(helene.db, helene.course).status == CourseStatus.PLANNED
    courses.set_course_status(helene.db, helene.course, status, "Pregnant since August")
    assert courses.get_course(helene.db, helene.course).status == status
    last = audit.record_history(helene.db, "course", helene.course)[-1]
    assert last.reason == "Pregnant since August"
    assert last.after == {"status": status.value, "status_reason": "Pregnant since August"}
    # A paused or stopped course is not due and takes no session.
    assert courses.get_course(helene.db, helene.course).next_due_date is None
    assert courses.due_courses(helene.db, dt.date(2027, 1, 1)) == []
    with pytest.raises(ValidationError) as refused:
        sessions.record_session(helene.db, helene.session())
    assert refused.value.field == "Course"


def test_resuming_needs_no_reason(helene: Helene) -> None:
    courses.set_course_status(helene.db, helene.course, CourseStatus.PAUSED, "Holiday")
    courses.set_course_status(helene.db, helene.course, CourseStatus.ACTIVE)
    assert courses.get_course(helene.db, helene.course).status == CourseStatus.ACTIVE
    with pytest.raises(ValidationError) as caught:
        courses.set_course_status(helene.db, helene.course, "finished")  # type: ignore[arg-type]
    assert caught.value.field == "Status"


def test_the_course_turns_active_then_maintenance_after_the_planned_sessions(
    helene: Helene,
) -> None:
    clinic = helene.clinic
    day = COURSE_START
    saved = record(clinic, helene.course, day)
    assert saved.course_status == CourseStatus.ACTIVE
    assert saved.next_due_date == day + dt.timedelta(days=14)
    for _ in range(6):
        day += dt.timedelta(days=14)
        saved = record(clinic, helene.course, day)
        assert saved.course_status == CourseStatus.ACTIVE
    day += dt.timedelta(days=14)
    eighth = record(clinic, helene.course, day)
    assert eighth.number == 8
    assert eighth.course_status == CourseStatus.MAINTENANCE
    assert eighth.next_due_date == day + dt.timedelta(days=30)  # the maintenance interval
    summary = courses.get_course(helene.db, helene.course)
    assert summary.sessions_done == 8
    assert summary.last_session_date == day
    assert summary.next_due_date == day + dt.timedelta(days=30)
    ninth = record(clinic, helene.course, day + dt.timedelta(days=30))
    assert ninth.course_status == CourseStatus.MAINTENANCE
    assert ninth.next_due_date == day + dt.timedelta(days=60)


def test_a_course_without_maintenance_completes_and_takes_no_more_sessions(
    clinic: Clinic,
) -> None:
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid, planned=2, interval=14, maintenance=None)
    record(clinic, cid, COURSE_START)
    second = record(clinic, cid, COURSE_START + dt.timedelta(days=14))
    assert second.course_status == CourseStatus.COMPLETED
    assert second.next_due_date is None
    assert courses.get_course(clinic.db, cid).next_due_date is None
    with pytest.raises(ValidationError):
        record(clinic, cid, COURSE_START + dt.timedelta(days=28))


def test_a_voided_session_does_not_count(clinic: Clinic) -> None:
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid, planned=2, maintenance=None)
    first = record(clinic, cid, COURSE_START)
    sessions.void_session(clinic.db, first.id, "Wrong patient")
    summary = courses.get_course(clinic.db, cid)
    assert summary.sessions_done == 0 and summary.last_session_date is None
    again = record(clinic, cid, COURSE_START + dt.timedelta(days=1))
    assert again.number == 1
    assert again.course_status == CourseStatus.ACTIVE


def test_voiding_the_session_that_completed_a_course_reopens_it(clinic: Clinic) -> None:
    # The second of two planned sessions was entered under the wrong patient.
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid, planned=2, maintenance=None)
    record(clinic, cid, COURSE_START)
    second = record(clinic, cid, COURSE_START + dt.timedelta(days=14))
    assert second.course_status == CourseStatus.COMPLETED
    sessions.void_session(clinic.db, second.id, "Entered under the wrong patient")
    summary = courses.get_course(clinic.db, cid)
    assert summary.sessions_done == 1
    assert summary.status == CourseStatus.ACTIVE
    assert summary.next_due_date == COURSE_START + dt.timedelta(days=14)
    assert [d.course_id for d in courses.due_courses(clinic.db, dt.date(2026, 9, 20))] == [cid]


def test_the_planned_count_cannot_fall_below_the_sessions_done(helene: Helene) -> None:
    for n in range(3):
        record(helene.clinic, helene.course, COURSE_START + dt.timedelta(days=14 * n))
    data = courses.course_data(helene.db, helene.course)
    with pytest.raises(ValidationError) as caught:
        courses.update_course(
            helene.db, helene.course, CourseData("cellulite", 2, 14, COURSE_START), "Shorter"
        )
    assert caught.value.field == "Planned sessions"
    courses.update_course(
        helene.db,
        helene.course,
        CourseData("cellulite", 10, 21, COURSE_START, data.target_areas, 30, data.goal),
        "Slower pace",
    )
    updated = courses.get_course(helene.db, helene.course)
    assert (updated.planned_sessions, updated.interval_days) == (10, 21)
    assert audit.record_history(helene.db, "course", helene.course)[-1].reason == "Slower pace"


def test_a_patients_courses_are_listed_newest_first(db: Database) -> None:
    pid = add_patient(db, "2026-0001")
    old = add_course(db, pid, start=dt.date(2025, 1, 10))
    new = add_course(db, pid, indication="hair_loss", start=dt.date(2026, 3, 1), areas=())
    assert [c.id for c in courses.patient_courses(db, pid)] == [new, old]


# --- who is due ----------------------------------------------------------------------


def test_due_courses_most_overdue_first(clinic: Clinic) -> None:
    db = clinic.db
    today = dt.date(2026, 11, 2)
    # Anne's last session was 2026-10-01: due 2026-10-15, 18 days overdue.
    anne = add_patient(db, "2026-0001", "Arnaud", "Anne", phone="06 00 00 00 01")
    anne_course = add_course(db, anne)
    record(clinic, anne_course, dt.date(2026, 10, 1))
    # Bruno has a planned course starting 2026-10-26 and no session yet: 7 days overdue.
    bruno = add_patient(db, "2026-0002", "Blanc", "Bruno")
    bruno_course = add_course(db, bruno, start=dt.date(2026, 10, 26))
    # Chloé was treated 2026-10-19: due today.
    chloe = add_patient(db, "2026-0003", "Colin", "Chloé")
    chloe_course = add_course(db, chloe)
    record(clinic, chloe_course, dt.date(2026, 10, 19))
    # Denis is due in 5 days.
    denis = add_patient(db, "2026-0004", "Dupont", "Denis")
    denis_course = add_course(db, denis)
    record(clinic, denis_course, dt.date(2026, 10, 24))
    # Not due: a stopped course, an archived patient, a completed course.
    emma = add_patient(db, "2026-0005", "Ernst", "Emma")
    stopped = add_course(db, emma, start=dt.date(2026, 9, 1))
    courses.set_course_status(db, stopped, CourseStatus.STOPPED, "Moved to Paris")
    fanny = add_patient(db, "2026-0006", "Faure", "Fanny")
    add_course(db, fanny, start=dt.date(2026, 9, 1))
    patients.set_archived(db, fanny, True, "Deceased")
    gus = add_patient(db, "2026-0007", "Gros", "Gus")
    done = add_course(db, gus, planned=1, maintenance=None)
    record(clinic, done, dt.date(2026, 9, 5))

    due = courses.due_courses(db, today)
    assert [d.course_id for d in due] == [anne_course, bruno_course, chloe_course]
    assert [d.days_overdue(today) for d in due] == [18, 7, 0]
    first = due[0]
    assert (first.patient_name, first.file_number, first.phone) == (
        "Anne Arnaud",
        "2026-0001",
        "06 00 00 00 01",
    )
    assert first.indication_name == "Cellulite"
    assert (first.sessions_done, first.planned_sessions) == (1, 8)
    assert first.last_session_date == dt.date(2026, 10, 1)
    assert due[1].sessions_done == 0 and due[1].last_session_date is None

    week = courses.due_courses(db, today, within_days=7)
    assert [d.course_id for d in week] == [anne_course, bruno_course, chloe_course, denis_course]


def test_due_date_follows_the_latest_session_not_a_voided_one(clinic: Clinic) -> None:
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid)
    record(clinic, cid, dt.date(2026, 9, 1))
    later = record(clinic, cid, dt.date(2026, 9, 15))
    assert courses.get_course(clinic.db, cid).next_due_date == dt.date(2026, 9, 29)
    sessions.void_session(clinic.db, later.id, "Entered twice")
    assert courses.get_course(clinic.db, cid).next_due_date == dt.date(2026, 9, 15)
    [item] = courses.due_courses(clinic.db, dt.date(2026, 9, 20))
    assert item.due_date == dt.date(2026, 9, 15)
    assert item.sessions_done == 1


def test_a_due_date_set_at_the_session_wins(clinic: Clinic) -> None:
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid)
    saved = sessions.record_session(
        clinic.db,
        simple_session(clinic, cid, at(dt.date(2026, 9, 1)), next_due_date=dt.date(2026, 9, 22)),
    )
    assert saved.next_due_date == dt.date(2026, 9, 22)
    assert courses.get_course(clinic.db, cid).next_due_date == dt.date(2026, 9, 22)
    with pytest.raises(ValidationError) as caught:
        sessions.record_session(
            clinic.db,
            simple_session(
                clinic, cid, at(dt.date(2026, 9, 22)), next_due_date=dt.date(2026, 9, 22)
            ),
        )
    assert caught.value.field == "Next due date"
