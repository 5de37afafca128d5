"""Recording, amending and voiding sessions; the rules at the door; all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import event

from mesodesk.core.enums import CourseStatus, FindingLevel, Severity, Side
from mesodesk.core.errors import BlockedByRulesError, StorageError, ValidationError
from mesodesk.core.services import audit, courses, history, patients, sessions
from mesodesk.core.services.measurements import MeasurementData, patient_measurements
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.services.conftest import BASELINE, CLINICAL, Clinic, count_rows


def test_session_one_of_the_cellulite_course_is_recorded_whole(clinic: Clinic) -> None:
    effect = SideEffectData(
        "bruising",
        Severity.MILD,
        dt.date(2026, 9, 2),
        area_index=0,
        suspected_lot_id=clinic.caf_lot,
    )
    saved = sessions.record_session(
        clinic.db, clinic.session(measurements=BASELINE, side_effects=(effect,))
    )
    assert saved.number == 1
    assert saved.next_due_date == dt.date(2026, 9, 15)
    assert saved.course_status == CourseStatus.ACTIVE
    record = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0]
    assert [(c.product, c.lot_number, c.volume_ml) for c in record.cocktail] == [
        ("Cafeína 1%", "CAF-24-117", 2.0),
        ("L-carnitine 20%", "LC-2409-A", 2.0),
    ]
    assert [
        (a.region_code, a.side, a.technique_code, a.points, a.volume_ml) for a in record.areas
    ] == [
        ("thigh_outer", Side.LEFT, "nappage", 60, 2.0),
        ("thigh_outer", Side.RIGHT, "nappage", 60, 2.0),
        ("buttock", Side.BOTH, "papule", 20, 0.8),
    ]
    assert record.side_effects[0].type_name.lower() == "bruising"
    assert "left" in record.side_effects[0].area
    values = {
        (m.metric_code, m.site): m.value for m in patient_measurements(clinic.db, clinic.patient)
    }
    assert values[("css_total", "")] == 9
    assert values[("bmi", "")] == 23.5


def test_numbers_follow_and_maintenance_comes_after_the_plan(clinic: Clinic) -> None:
    when = dt.datetime(2026, 9, 1, 10, 30)
    for n in range(1, 9):
        saved = sessions.record_session(clinic.db, clinic.session(when))
        assert saved.number == n
        when += dt.timedelta(days=14)
    assert courses.get_course(clinic.db, clinic.course).status == CourseStatus.MAINTENANCE
    ninth = sessions.record_session(clinic.db, clinic.session(dt.datetime(2026, 12, 10, 10)))
    assert ninth.number == 9
    assert ninth.next_due_date == dt.date(2027, 1, 9)  # the 30-day maintenance interval
    record = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[-1]
    assert record.maintenance


def test_a_block_needs_an_override_reason_which_is_stored(clinic: Clinic) -> None:
    minor = patients.create_patient(
        clinic.db, patients.PatientData("2026-0300", "Petit", "Lou", dt.date(2009, 6, 1))
    )
    course = courses.plan_course(
        clinic.db, minor, courses.CourseData("skin_rejuvenation", 4, 15, dt.date(2026, 5, 1))
    )
    data = clinic.session(dt.datetime(2026, 5, 31, 9), course_id=course)
    before = count_rows(clinic.db, *CLINICAL)
    with pytest.raises(BlockedByRulesError, match="override"):
        sessions.record_session(clinic.db, data)
    assert count_rows(clinic.db, *CLINICAL) == before
    saved = sessions.record_session(
        clinic.db,
        dataclasses.replace(data, override_reason="Parental consent, dermatologist's letter"),
    )
    stored = sessions.session_data(clinic.db, saved.id)
    assert stored.override_reason == "Parental consent, dermatologist's letter"
    assert any(f.rule == "minor" and f.level == FindingLevel.BLOCK for f in saved.findings)


def test_an_expired_lot_cannot_be_overridden(clinic: Clinic) -> None:
    data = clinic.session(dt.datetime(2026, 12, 16, 10), override_reason="I insist on it")
    with pytest.raises(BlockedByRulesError) as caught:
        sessions.record_session(clinic.db, data)
    assert caught.value.overridable is False
    assert "LC-2409-A" in str(caught.value)
    on_the_day = clinic.session(dt.datetime(2026, 12, 15, 10))
    assert sessions.record_session(clinic.db, on_the_day).number == 1


def test_check_session_writes_nothing(clinic: Clinic) -> None:
    before = count_rows(clinic.db, *CLINICAL)
    findings = sessions.check_session(clinic.db, clinic.session(dt.datetime(2026, 12, 16, 10)))
    assert [f.rule for f in findings if f.level == FindingLevel.BLOCK] == ["lot_expired"]
    assert count_rows(clinic.db, *CLINICAL) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"measurements": (*BASELINE, MeasurementData("circumference", 580.0, "left knee"))},
        {"side_effects": (SideEffectData("bruising", Severity.MILD, dt.date(2026, 8, 1)),)},
        {
            "side_effects": (
                SideEffectData("bruising", Severity.MILD, dt.date(2026, 9, 2), area_index=7),
            )
        },
        {"areas": (sessions.AreaData("thigh_outer", Side.MIDLINE, "nappage", 2.0),)},
        {"cocktail": (sessions.CocktailLineData(9999, 2.0),)},
        {"pain_vas": 11},
    ],
    ids=[
        "measurement out of range",
        "onset before session",
        "unknown area",
        "midline thigh",
        "unknown lot",
        "pain 11",
    ],
)
def test_a_save_that_fails_halfway_writes_nothing(clinic: Clinic, bad: dict[str, object]) -> None:
    before = count_rows(clinic.db, *CLINICAL)
    with pytest.raises(ValidationError):
        sessions.record_session(clinic.db, clinic.session(**{"measurements": BASELINE, **bad}))
    assert count_rows(clinic.db, *CLINICAL) == before


def test_a_full_disk_keeps_nothing_of_the_session(clinic: Clinic) -> None:
    big_notes = "x" * 9000
    before = count_rows(clinic.db, *CLINICAL)

    def limit_pages(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 1}")

    clinic.db.engine.dispose()
    event.listen(clinic.db.engine, "connect", limit_pages)
    with pytest.raises(StorageError, match="disk is full"):
        sessions.record_session(clinic.db, clinic.session(notes=big_notes, measurements=BASELINE))
    event.remove(clinic.db.engine, "connect", limit_pages)
    clinic.db.engine.dispose()
    assert count_rows(clinic.db, *CLINICAL) == before


def test_amend_keeps_the_prior_values_with_the_reason(clinic: Clinic) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    data = sessions.session_data(clinic.db, saved.id)
    left = dataclasses.replace(data.areas[0], volume_ml=2.5)
    sessions.amend_session(
        clinic.db,
        saved.id,
        dataclasses.replace(data, areas=(left, data.areas[1])),  # the buttock row is dropped
        reason="Volume misread from the syringe",
    )
    record = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0]
    assert [a.volume_ml for a in record.areas] == [2.5, 2.0]
    area_id = record.areas[0].area_id
    changes = audit.record_history(clinic.db, "treated_area", area_id)
    assert changes[-1].before == {"volume_ml": 2.0}
    assert changes[-1].after == {"volume_ml": 2.5}
    assert changes[-1].reason == "Volume misread from the syringe"
    with pytest.raises(ValidationError, match="Reason"):
        sessions.amend_session(clinic.db, saved.id, data, reason="")


def test_void_keeps_the_session_marked_with_its_reason(clinic: Clinic) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    sessions.void_session(clinic.db, saved.id, "Recorded under the wrong patient")
    record = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0]
    assert record.voided and record.void_reason == "Recorded under the wrong patient"
    assert sessions.session_defaults(clinic.db, clinic.course).number == 1


def test_defaults_repeat_the_protocol_and_swap_an_expired_lot(clinic: Clinic) -> None:
    sessions.record_session(clinic.db, clinic.session())
    from mesodesk.core.services import catalogue

    fresh = catalogue.add_lot(
        clinic.db,
        clinic.carnitine,
        catalogue.LotData("LC-2611-B", dt.date(2027, 6, 30)),
        today=dt.date(2026, 11, 25),
    ).id
    defaults = sessions.session_defaults(clinic.db, clinic.course, on=dt.date(2026, 12, 16))
    assert defaults.number == 2
    assert [line.lot_id for line in defaults.cocktail] == [clinic.caf_lot, fresh]
    assert len(defaults.areas) == 3
    assert "LC-2409-A" in defaults.replaced_lots[0]


def test_findings_are_stored_with_the_session(clinic: Clinic) -> None:
    saved = sessions.record_session(clinic.db, clinic.session(dt.datetime(2026, 12, 1, 9)))
    stored = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0].findings
    assert "lot_expiring" in {f.rule for f in stored}
    assert stored == saved.findings
    raw = json.dumps([f.as_dict() for f in stored])
    assert "LC-2409-A" in raw
