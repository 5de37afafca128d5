"""Measurements: values in range, derived scores, progress from baseline (DESIGN.md job 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import Rater
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.models import Measurement
from mesodesk.core.services import audit, measurements, sessions
from mesodesk.core.services.measurements import MeasurementData
from tests.core.conftest import (
    BASELINE,
    COURSE_START,
    LEFT_THIGH,
    RIGHT_THIGH,
    Helene,
    add_course,
    add_patient,
    count_rows,
)

DAY = COURSE_START
TABLES = ("measurement", "audit_entry")


def values(db: Database, patient_id: int) -> dict[tuple[str, str], float]:
    return {
        (m.metric_code, m.site): m.value for m in measurements.patient_measurements(db, patient_id)
    }


def measurement_id(db: Database, patient_id: int, code: str, site: str = "") -> int:
    [found] = [
        m.id
        for m in measurements.patient_measurements(db, patient_id)
        if (m.metric_code, m.site) == (code, site)
    ]
    return found


def test_the_baseline_of_scenario_2(helene: Helene) -> None:
    ids = measurements.record_measurements(
        helene.db, helene.patient, DAY, BASELINE, course_id=helene.course
    )
    assert len(ids) == len(BASELINE) + 2  # + the CSS total and the BMI
    got = values(helene.db, helene.patient)
    assert got[("circumference", LEFT_THIGH)] == 58.5
    assert got[("circumference", RIGHT_THIGH)] == 58.0
    assert got[("css_total", "")] == 9
    assert got[("bmi", "")] == 23.5
    assert got[("nurnberger_muller", "")] == 2
    views = {m.metric_code: m for m in measurements.patient_measurements(helene.db, helene.patient)}
    assert views["nurnberger_muller"].shown == "Grade II"
    assert views["css_total"].shown == "9"
    assert views["bmi"].shown == "23.5 kg/m²"
    assert all(v.course_id == helene.course and v.measured_on == DAY for v in views.values())


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        (
            MeasurementData("circumference", 580.0, LEFT_THIGH),
            f"Circumference (tape measure) ({LEFT_THIGH})",
            "at most 200 cm",
        ),
        (
            MeasurementData("circumference", 5.0, "waist"),
            "Circumference (tape measure) (waist)",
            "at least 10 cm",
        ),
        (MeasurementData("weight", 19.9), "Body weight", "at least 20 kg"),
        (MeasurementData("pain_vas", float("inf")), "Pain (visual analogue scale 0–10)", "finite"),
        (MeasurementData("weight", float("nan")), "Body weight", "finite"),
        (MeasurementData("weight", "64"), "Body weight", "a number"),  # type: ignore[arg-type]
        (MeasurementData("weight", True), "Body weight", "a number"),  # type: ignore[arg-type]
        (
            MeasurementData("css_a", 1.5, "left thigh"),
            "Hexsel CSS A: number of evident depressions (left thigh)",
            "whole",
        ),
        (
            MeasurementData("hair_pull_test", 2.5, "vertex"),
            "Hair-pull test (hairs pulled out) (vertex)",
            "whole",
        ),
        (MeasurementData("gais", 0), "Global Aesthetic Improvement Scale", "at least 1"),
        (MeasurementData("bmi", 23.5), "BMI", "computed"),
        (MeasurementData("cellulite_score", 3), "Metric", "not a known metric"),
        (MeasurementData("weight", 64.0, rater="nurse"), "Rater", "not one of"),  # type: ignore[arg-type]
    ],
)
def test_a_value_out_of_range_names_the_metric_and_site(
    helene: Helene, item: MeasurementData, field: str, words: str
) -> None:
    before = count_rows(helene.db, *TABLES)
    items = (MeasurementData("weight", 64.0), MeasurementData("height", 165.0), item)
    if item.metric_code == "weight":
        items = (item,)
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(helene.db, helene.patient, DAY, items)
    assert caught.value.field == field
    assert words in caught.value.problem
    assert count_rows(helene.db, *TABLES) == before


def test_a_measurement_entered_twice_is_refused(helene: Helene) -> None:
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(
            helene.db,
            helene.patient,
            DAY,
            (
                MeasurementData("circumference", 58.5, LEFT_THIGH),
                MeasurementData("circumference", 58.6, LEFT_THIGH),
            ),
        )
    assert "entered twice" in caught.value.problem


def test_the_css_total_cannot_be_typed_over_its_items(helene: Helene) -> None:
    items = tuple(
        MeasurementData(code, 1) for code in ("css_a", "css_b", "css_c", "css_d", "css_e")
    )
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(
            helene.db, helene.patient, DAY, (*items, MeasurementData("css_total", 5))
        )
    assert caught.value.field == "Hexsel CSS total"


def test_the_css_total_is_computed_per_site_and_only_when_all_five_items_are_there(
    helene: Helene,
) -> None:
    left = [
        MeasurementData(code, 1, "left thigh")
        for code in ("css_a", "css_b", "css_c", "css_d", "css_e")
    ]
    right = [
        MeasurementData(code, 3, "right thigh") for code in ("css_a", "css_b", "css_c", "css_d")
    ]
    measurements.record_measurements(helene.db, helene.patient, DAY, (*left, *right))
    got = values(helene.db, helene.patient)
    assert got[("css_total", "left thigh")] == 5
    assert ("css_total", "right thigh") not in got


def test_bmi_uses_the_latest_height_on_file(helene: Helene) -> None:
    db = helene.db
    measurements.record_measurements(db, helene.patient, DAY, (MeasurementData("height", 165.0),))
    measurements.record_measurements(
        db, helene.patient, DAY + dt.timedelta(days=14), (MeasurementData("weight", 62.0),)
    )
    later = [
        m for m in measurements.patient_measurements(db, helene.patient) if m.metric_code == "bmi"
    ]
    assert [(m.measured_on, m.value) for m in later] == [(DAY + dt.timedelta(days=14), 22.8)]
    # Weight alone with no height ever recorded: no BMI is invented.
    other = add_patient(db, "2026-0001")
    measurements.record_measurements(db, other, DAY, (MeasurementData("weight", 70.0),))
    assert set(values(db, other)) == {("weight", "")}


def test_amending_an_item_recomputes_the_total_and_keeps_the_old_value(helene: Helene) -> None:
    db = helene.db
    measurements.record_measurements(db, helene.patient, DAY, BASELINE, course_id=helene.course)
    css_a = measurement_id(db, helene.patient, "css_a")
    with pytest.raises(ValidationError):
        measurements.amend_measurement(db, css_a, 3, reason="")
    with pytest.raises(ValidationError):
        measurements.amend_measurement(db, css_a, 4, reason="Misread")
    measurements.amend_measurement(db, css_a, 3, reason="Misread the photo")
    got = values(db, helene.patient)
    assert got[("css_a", "")] == 3
    assert got[("css_total", "")] == 10
    [change] = [c for c in audit.record_history(db, "measurement", css_a) if c.action == "update"]
    assert (change.before, change.after, change.reason) == (
        {"value": 2.0},
        {"value": 3.0},
        "Misread the photo",
    )
    total = measurement_id(db, helene.patient, "css_total")
    assert audit.record_history(db, "measurement", total)[-1].after == {"value": 10.0}
    with pytest.raises(ValidationError):
        measurements.amend_measurement(db, total, 12, reason="Typed total")


def test_amending_the_weight_recomputes_the_bmi(helene: Helene) -> None:
    db = helene.db
    measurements.record_measurements(db, helene.patient, DAY, BASELINE)
    measurements.amend_measurement(
        db, measurement_id(db, helene.patient, "weight"), 66.0, "Scale misread"
    )
    assert values(db, helene.patient)[("bmi", "")] == 24.2


def test_amending_a_height_recomputes_the_bmi_that_used_it_later(helene: Helene) -> None:
    # The height is taken once; the BMI of a later visit is computed from it.
    db = helene.db
    measurements.record_measurements(db, helene.patient, DAY, (MeasurementData("height", 165.0),))
    later = DAY + dt.timedelta(days=14)
    measurements.record_measurements(db, helene.patient, later, (MeasurementData("weight", 62.0),))
    assert values(db, helene.patient)[("bmi", "")] == 22.8
    height = measurement_id(db, helene.patient, "height")
    measurements.amend_measurement(db, height, 170.0, "Height was 170 cm, misheard")
    assert values(db, helene.patient)[("bmi", "")] == 21.5  # 62 / 1.70²


def test_voiding_an_item_voids_the_total(helene: Helene) -> None:
    db = helene.db
    measurements.record_measurements(db, helene.patient, DAY, BASELINE)
    total = measurement_id(db, helene.patient, "css_total")
    measurements.void_measurement(db, measurement_id(db, helene.patient, "css_d"), "Not assessed")
    got = values(db, helene.patient)
    assert ("css_d", "") not in got and ("css_total", "") not in got
    with db.read() as session:
        row = session.get(Measurement, total)
        assert row is not None and row.voided
        assert row.void_reason
        assert row.voided_at is not None  # every voided row says when


def test_a_course_or_session_of_another_patient_is_refused(helene: Helene) -> None:
    db = helene.db
    other = add_patient(db, "2026-0001")
    other_course = add_course(db, other)
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(db, helene.patient, DAY, BASELINE, course_id=other_course)
    assert caught.value.field == "Course"
    saved = sessions.record_session(db, helene.session())
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(
            db, helene.patient, DAY, BASELINE, course_id=None, session_id=saved.id
        )
    assert caught.value.field == "Session"
    with pytest.raises(NotFoundError):
        measurements.record_measurements(db, 99999, DAY, BASELINE)
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(db, helene.patient, DAY, ())
    assert caught.value.field == "Measurements"
    with pytest.raises(ValidationError) as caught:
        measurements.record_measurements(
            db, helene.patient, dt.date.today() + dt.timedelta(days=2), BASELINE
        )
    assert caught.value.field == "Measurement date"


def test_a_patient_rated_value_keeps_its_rater(helene: Helene) -> None:
    measurements.record_measurements(
        helene.db, helene.patient, DAY, (MeasurementData("satisfaction", 4, rater=Rater.PATIENT),)
    )
    [view] = measurements.patient_measurements(helene.db, helene.patient)
    assert view.rater == Rater.PATIENT and view.shown == "Satisfied"


# --- progress ------------------------------------------------------------------------


@pytest.fixture
def course_of_eight(helene: Helene) -> Helene:
    """§2: eight sessions every 14 days; left thigh 58.5 → 55.4 cm, one visit unmeasured."""
    left = [58.5, 58.2, 57.7, None, 56.9, 56.4, 55.9, 55.4]
    for n, value in enumerate(left):
        when = dt.datetime(2026, 9, 1, 10, 30) + dt.timedelta(days=14 * n)
        items = () if value is None else (MeasurementData("circumference", value, LEFT_THIGH),)
        if n == 0:
            items = BASELINE
        sessions.record_session(helene.db, helene.session(when, measurements=items))
    return helene


def test_progress_from_baseline(course_of_eight: Helene) -> None:
    helene = course_of_eight
    series = measurements.progress_series(
        helene.db, helene.patient, helene.course, "circumference", LEFT_THIGH
    )
    assert series.metric.code == "circumference" and series.site == LEFT_THIGH
    assert series.course_start == COURSE_START
    assert series.baseline is not None and series.baseline.value == 58.5
    assert series.baseline.change == 0 and series.baseline.change_pct == 0
    last = series.last
    assert last is not None
    assert last.value == 55.4
    assert round(last.change, 1) == -3.1
    assert last.change_pct is not None and round(last.change_pct, 1) == -5.3
    assert last.days_since_start == 98
    assert last.session_number == 8
    # Session 4 had no measurement: it is absent, not invented.
    assert [p.session_number for p in series.points] == [1, 2, 3, 5, 6, 7, 8]
    assert [p.days_since_start for p in series.points] == [0, 14, 28, 56, 70, 84, 98]
    assert [m.number for m in series.sessions] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert series.sessions[3].date == dt.date(2026, 10, 13)


def test_a_baseline_of_zero_has_no_percentage(helene: Helene) -> None:
    db = helene.db
    for n, count in enumerate((0, 3)):
        measurements.record_measurements(
            db,
            helene.patient,
            DAY + dt.timedelta(days=7 * n),
            (MeasurementData("hair_pull_test", count, "vertex"),),
            course_id=helene.course,
        )
    series = measurements.progress_series(
        db, helene.patient, helene.course, "hair_pull_test", "vertex"
    )
    assert [(p.value, p.change, p.change_pct) for p in series.points] == [
        (0, 0, None),
        (3, 3, None),
    ]
    assert [p.session_id for p in series.points] == [None, None]
    assert series.sessions == ()


def test_progress_of_a_series_never_measured_is_empty(course_of_eight: Helene) -> None:
    helene = course_of_eight
    series = measurements.progress_series(
        helene.db, helene.patient, helene.course, "fat_thickness", LEFT_THIGH
    )
    assert series.points == () and series.baseline is None and series.last is None
    assert len(series.sessions) == 8


def test_progress_leaves_out_voided_values_and_sessions(course_of_eight: Helene) -> None:
    helene = course_of_eight
    db = helene.db
    with db.read() as session:
        [last_value] = session.scalars(
            select(Measurement.id).where(
                Measurement.metric_code == "circumference",
                Measurement.site == LEFT_THIGH,
                Measurement.measured_on == dt.date(2026, 12, 8),
            )
        )
    measurements.void_measurement(db, last_value, "Tape slipped")
    series = measurements.progress_series(
        db, helene.patient, helene.course, "circumference", LEFT_THIGH
    )
    assert series.last is not None and series.last.value == 55.9
    eighth = series.sessions[-1].session_id
    sessions.void_session(db, eighth, "Recorded twice")
    series = measurements.progress_series(
        db, helene.patient, helene.course, "circumference", LEFT_THIGH
    )
    assert [m.number for m in series.sessions] == [1, 2, 3, 4, 5, 6, 7]


def test_the_series_measured_in_a_course(course_of_eight: Helene) -> None:
    helene = course_of_eight
    keys = {
        (k.metric.code, k.site): k.count
        for k in measurements.series_keys(helene.db, helene.patient, helene.course)
    }
    assert keys[("circumference", LEFT_THIGH)] == 7
    assert keys[("circumference", RIGHT_THIGH)] == 1
    assert keys[("css_total", "")] == 1


def test_progress_of_another_patients_course_is_refused(course_of_eight: Helene) -> None:
    helene = course_of_eight
    other = add_patient(helene.db, "2026-0001")
    with pytest.raises(ValidationError) as caught:
        measurements.progress_series(helene.db, other, helene.course, "circumference", LEFT_THIGH)
    assert caught.value.field == "Course"
    with pytest.raises(NotFoundError):
        measurements.progress_series(helene.db, helene.patient, helene.course, "nonsense")
