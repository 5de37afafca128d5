"""Measurements and progress, side effects followed to resolution, and lot recall."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.enums import Severity
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import measurements, recall, sessions, side_effects
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.services.conftest import BASELINE, START, THIGH, Clinic

LEFT = f"left thigh, {THIGH}"


def test_progress_series_of_the_left_thigh(clinic: Clinic) -> None:
    measurements.record_measurements(
        clinic.db, clinic.patient, START, BASELINE, course_id=clinic.course
    )
    when = dt.datetime(2026, 9, 1, 10, 30)
    values = [58.1, 57.6, 57.3, 56.8, 56.5, 56.0, 55.4]
    for value in values:
        when += dt.timedelta(days=14)
        saved = sessions.record_session(
            clinic.db,
            clinic.session(when, measurements=(MeasurementData("circumference", value, LEFT),)),
        )
    series = measurements.progress_series(
        clinic.db, clinic.patient, clinic.course, "circumference", LEFT
    )
    assert [p.value for p in series.points] == [58.5, *values]
    assert series.baseline is not None and series.baseline.change == 0
    last = series.last
    assert last is not None
    assert round(last.change, 1) == -3.1
    assert last.change_pct is not None and round(last.change_pct, 1) == -5.3
    assert last.days_since_start == 98
    assert last.session_number == 7 and last.session_id == saved.id
    assert len(series.sessions) == 7
    assert series.metric.unit == "cm"


def test_a_missing_value_is_absent_not_invented(clinic: Clinic) -> None:
    measurements.record_measurements(
        clinic.db,
        clinic.patient,
        START,
        (MeasurementData("circumference", 58.5, LEFT),),
        course_id=clinic.course,
    )
    measurements.record_measurements(
        clinic.db,
        clinic.patient,
        dt.date(2026, 10, 27),
        (MeasurementData("circumference", 57.0, LEFT),),
        course_id=clinic.course,
    )
    dates = [
        p.measured_on
        for p in measurements.progress_series(
            clinic.db, clinic.patient, clinic.course, "circumference", LEFT
        ).points
    ]
    assert dates == [START, dt.date(2026, 10, 27)]


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (MeasurementData("circumference", 580.0, LEFT), f"({LEFT}): must be at most 200"),
        (MeasurementData("css_a", 1.5), "whole number"),
        (MeasurementData("gais", 0), "at least 1"),
        (MeasurementData("shoe_size", 38), "not a known metric"),
        (MeasurementData("css_total", 9), "computed"),
    ],
)
def test_bad_values_are_refused_with_the_metric_named(
    clinic: Clinic, item: MeasurementData, words: str
) -> None:
    items = (item,) if item.metric_code != "css_total" else (*BASELINE, item)
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        measurements.record_measurements(clinic.db, clinic.patient, START, items)
    assert measurements.patient_measurements(clinic.db, clinic.patient) == []


def test_amending_an_item_recomputes_the_css_total_and_voiding_voids_it(clinic: Clinic) -> None:
    measurements.record_measurements(clinic.db, clinic.patient, START, BASELINE)

    def shown() -> dict[str, float]:
        return {
            m.metric_code: m.value
            for m in measurements.patient_measurements(clinic.db, clinic.patient)
        }

    assert shown()["css_total"] == 9
    css_a = next(
        m
        for m in measurements.patient_measurements(clinic.db, clinic.patient)
        if m.metric_code == "css_a"
    )
    measurements.amend_measurement(clinic.db, css_a.id, 3, "Misread item A")
    assert shown()["css_total"] == 10
    measurements.void_measurement(clinic.db, css_a.id, "Item A not assessed")
    assert "css_total" not in shown() and "css_a" not in shown()
    weight = next(
        m
        for m in measurements.patient_measurements(clinic.db, clinic.patient)
        if m.metric_code == "weight"
    )
    measurements.amend_measurement(clinic.db, weight.id, 66.0, "Scale was off")
    assert shown()["bmi"] == 24.2


def test_a_side_effect_reported_days_later_is_followed_until_resolved(clinic: Clinic) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    from mesodesk.core.services import history

    area = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0].areas[0]
    effect = side_effects.add_side_effect(
        clinic.db,
        saved.id,
        SideEffectData(
            "bruising",
            Severity.MILD,
            dt.date(2026, 9, 2),
            area_id=area.area_id,
            suspected_lot_id=clinic.caf_lot,
        ),
    )
    open_now = side_effects.open_side_effects(clinic.db)
    assert [(e.id, e.area, e.suspected_lot) for e in open_now] == [
        (effect, "Outer thigh (saddlebags) (left)", "Cafeína 1% CAF-24-117")
    ] or open_now[0].suspected_lot == "Cafeína 1% CAF-24-117"
    side_effects.resolve_side_effect(clinic.db, effect, dt.date(2026, 9, 9), "Arnica gel")
    assert side_effects.open_side_effects(clinic.db) == []
    view = side_effects.patient_side_effects(clinic.db, clinic.patient)[0]
    assert view.resolved_on == dt.date(2026, 9, 9) and view.days_open(dt.date(2026, 9, 30)) == 7


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SideEffectData("bruising", Severity.MILD, dt.date(2026, 8, 31)), "Onset date"),
        (
            SideEffectData("bruising", Severity.MILD, dt.date(2026, 9, 2), suspected_lot_id=999),
            "Suspected lot",
        ),
        (
            SideEffectData(
                "bruising", Severity.MILD, dt.date(2026, 9, 5), resolved_on=dt.date(2026, 9, 4)
            ),
            "Resolved on",
        ),
        (SideEffectData("sneezing", Severity.MILD, dt.date(2026, 9, 2)), "Side effect type"),
    ],
)
def test_side_effect_validation(clinic: Clinic, data: SideEffectData, field: str) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(clinic.db, saved.id, data)
    assert caught.value.field == field


def test_recall_reaches_every_session_of_the_lot(clinic: Clinic) -> None:
    first = sessions.record_session(clinic.db, clinic.session())
    second = sessions.record_session(clinic.db, clinic.session(dt.datetime(2026, 9, 15, 10)))
    voided = sessions.record_session(clinic.db, clinic.session(dt.datetime(2026, 9, 29, 10)))
    sessions.void_session(clinic.db, voided.id, "Entered twice")
    rows = recall.recall_lot(clinic.db, "lc-2409-a")
    assert [r.session_id for r in rows] == [second.id, first.id]
    assert rows[0].patient_name == "Hélène Dubois" and rows[0].phone == "06 12 34 56 78"
    assert "Buttock" in rows[0].areas and rows[0].volume_ml == 2.0
    assert recall.recall_lot(clinic.db, "NO-SUCH-LOT") == []
