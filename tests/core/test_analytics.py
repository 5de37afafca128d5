"""Outcomes across patients, checked against numbers worked out by hand.

The practice (all through the services):

- course 1, cellulite, from 2025-01-06, Dr One, Alpha: circumference left 60 → 59 → 58
  and right 62 → 61.5 → 60 at days 0, 14, 28; bruising at session 2.
- course 2, cellulite, from 2025-01-13, Dr Two, Alpha + Beta: left 70 → 68 → 67 at
  days 0, 14, 28; bruising and redness at session 1.
- course 3, cellulite, from 2025-03-03, Dr One, Beta: first measured on day 21 (too late
  for a baseline); redness at session 1.
- course 4, localized fat, from 2025-02-03, Dr Two, Gamma: one session; a second session
  with a side effect is voided.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from mesodesk.core.db import Database
from mesodesk.core.services import analytics, measurements, sessions, side_effects
from mesodesk.core.services.analytics import AnalyticsFilter, Cohort
from tests.plots.clinic import THIGH, Clinic, circumference, open_clinic

D = dt.date


@pytest.fixture
def clinic(db: Database) -> Clinic:
    c = open_clinic(db)
    first = c.course(c.patient("Dubois"), "cellulite", D(2025, 1, 6))
    c.session(first, D(2025, 1, 6), measurements=circumference(60, 62))
    c.session(
        first, D(2025, 1, 20), measurements=circumference(59, 61.5), side_effects=["bruising"]
    )
    c.session(first, D(2025, 2, 3), measurements=circumference(58, 60))
    second = c.course(c.patient("Moreau"), "cellulite", D(2025, 1, 13))
    both = ("Alpha", "Beta")
    c.session(
        second, D(2025, 1, 13), by="Dr Two", products=both, measurements=circumference(70),
        side_effects=["bruising", "redness"],
    )  # fmt: skip
    c.session(second, D(2025, 1, 27), by="Dr Two", products=both, measurements=circumference(68))
    c.session(second, D(2025, 2, 10), by="Dr Two", products=both, measurements=circumference(67))
    third_patient = c.patient("Girard")
    third = c.course(third_patient, "cellulite", D(2025, 3, 3))
    c.session(third, D(2025, 3, 3), products=["Beta"], side_effects=["redness"])
    c.session(third, D(2025, 3, 17), products=["Beta"])
    for day, value in ((D(2025, 3, 24), 50.0), (D(2025, 4, 7), 49.0)):
        measurements.record_measurements(
            db, third_patient, day, circumference(value), course_id=third
        )
    fat = c.course(1, "localized_fat", D(2025, 2, 3))
    c.session(fat, D(2025, 2, 3), by="Dr Two", products=["Gamma"])
    wrong = c.session(
        fat, D(2025, 2, 17), by="Dr Two", products=["Gamma"], side_effects=["itching"]
    )
    sessions.void_session(db, wrong, "recorded for the wrong patient")
    return c


def _point(curve: analytics.CohortCurve, week: float) -> analytics.CohortPoint:
    return next(p for p in curve.points if p.week == week)


def test_mean_change_by_fortnight_with_a_t_interval(db: Database, clinic: Clinic) -> None:
    curve = analytics.cohort_curve(db, Cohort("cellulite"), "circumference", bucket_weeks=2)

    assert curve.courses == 2  # course 3 has no baseline within its first two weeks
    assert curve.label == "Cellulite · all courses"
    assert curve.metric.unit == "cm"
    assert [(p.week, p.n) for p in curve.points] == [(0, 2), (2, 2), (4, 2)]
    assert _point(curve, 0).mean == 0
    # Course 1 averages its two thighs at day 14: (-1 + -0.5) / 2; course 2: -2.
    fortnight = _point(curve, 2)
    assert fortnight.mean == pytest.approx(-1.375)
    half = 12.706 * (1.25 / math.sqrt(2)) / math.sqrt(2)  # t(1) · sd / sqrt(n)
    assert fortnight.low == pytest.approx(-1.375 - half)
    assert fortnight.high == pytest.approx(-1.375 + half)
    assert _point(curve, 4).mean == pytest.approx(-2.5)


def test_change_as_a_percentage_of_each_baseline(db: Database, clinic: Clinic) -> None:
    curve = analytics.cohort_curve(
        db, Cohort("cellulite"), "circumference", bucket_weeks=2, percent=True
    )
    first = (-1 / 60 * 100 + -0.5 / 62 * 100) / 2
    second = -2 / 70 * 100
    assert curve.percent
    assert _point(curve, 2).mean == pytest.approx((first + second) / 2)


def test_a_protocol_is_the_set_of_products_of_a_course(db: Database, clinic: Clinic) -> None:
    alpha, beta = clinic.products["Alpha"], clinic.products["Beta"]

    with_alpha = analytics.cohort_curve(
        db, Cohort("cellulite", frozenset({alpha})), "circumference"
    )
    only_alpha = analytics.cohort_curve(
        db, Cohort("cellulite", frozenset({alpha}), exact=True), "circumference"
    )
    alpha_beta = analytics.cohort_curve(
        db, Cohort("cellulite", frozenset({alpha, beta}), exact=True), "circumference"
    )

    assert with_alpha.courses == 2
    assert with_alpha.label == "Cellulite · with Alpha"
    assert only_alpha.courses == 1
    assert only_alpha.label == "Cellulite · Alpha"
    assert [p.mean for p in only_alpha.points] == pytest.approx([0, -0.75, -2])
    assert alpha_beta.courses == 1
    assert [p.mean for p in alpha_beta.points] == pytest.approx([0, -2, -3])
    assert alpha_beta.points[1].low is None  # one course: no interval


def test_filters_by_practitioner_and_course_start(db: Database, clinic: Clinic) -> None:
    by_one = analytics.cohort_curve(
        db, Cohort("cellulite"), "circumference", AnalyticsFilter(practitioner_id=1)
    )
    from_mid_january = analytics.cohort_curve(
        db, Cohort("cellulite"), "circumference", AnalyticsFilter(date_from=D(2025, 1, 10))
    )
    assert by_one.courses == 1
    assert [p.mean for p in by_one.points] == pytest.approx([0, -0.75, -2])
    assert from_mid_january.courses == 1
    assert [p.mean for p in from_mid_january.points] == pytest.approx([0, -2, -3])


def test_one_site_and_a_metric_nobody_measured(db: Database, clinic: Clinic) -> None:
    left = analytics.cohort_curve(db, Cohort("cellulite"), "circumference", site=THIGH)
    assert _point(left, 2).mean == pytest.approx((-1 + -2) / 2)
    nothing = analytics.cohort_curve(db, Cohort("hair_loss"), "hair_density_total")
    assert nothing.courses == 0
    assert nothing.points == ()


def test_protocols_seen_in_the_record(db: Database, clinic: Clinic) -> None:
    found = analytics.protocols(db, "cellulite")
    assert [(o.label, o.courses) for o in found] == [
        ("with Alpha", 2),
        ("with Beta", 2),
        ("Alpha", 1),
        ("Alpha + Beta", 1),
        ("Beta", 1),
    ]
    assert found[3].cohort == Cohort(
        "cellulite",
        frozenset({clinic.products["Alpha"], clinic.products["Beta"]}),
        exact=True,
    )
    assert [(o.label, o.courses) for o in analytics.protocols(db, "localized_fat")] == [
        ("with Gamma", 1),
        ("Gamma", 1),
    ]


def test_side_effects_per_100_sessions(db: Database, clinic: Clinic) -> None:
    incidence = analytics.side_effect_incidence(db)

    # 9 sessions (the voided one and its side effect do not count), 4 side effects.
    assert (incidence.sessions, incidence.events) == (9, 4)
    by_type = {r.name: (r.events, r.sessions, round(r.per_100, 1)) for r in incidence.by_type}
    assert by_type == {"Bruising": (2, 9, 22.2), "Redness": (2, 9, 22.2)}
    by_product = {r.name: (r.events, r.sessions, r.per_100) for r in incidence.by_product}
    assert by_product == {"Beta": (3, 5, 60.0), "Alpha": (3, 6, 50.0), "Gamma": (0, 1, 0.0)}
    assert [r.name for r in incidence.by_product] == ["Beta", "Alpha", "Gamma"]


def test_side_effects_filtered_by_practitioner_and_dates(db: Database, clinic: Clinic) -> None:
    two = analytics.side_effect_incidence(db, AnalyticsFilter(practitioner_id=2))
    assert (two.sessions, two.events) == (4, 2)
    assert {r.name: (r.events, r.sessions) for r in two.by_product} == {
        "Alpha": (2, 3),
        "Beta": (2, 3),
        "Gamma": (0, 1),
    }
    window = analytics.side_effect_incidence(
        db, AnalyticsFilter(date_from=D(2025, 1, 20), date_to=D(2025, 2, 3))
    )
    assert (window.sessions, window.events) == (4, 1)
    assert [(r.name, r.events) for r in window.by_type] == [("Bruising", 1)]


def test_a_voided_side_effect_is_not_counted(db: Database, clinic: Clinic) -> None:
    effect = side_effects.patient_side_effects(db, 3)[0]
    side_effects.void_side_effect(db, effect.id, "entered twice")
    assert analytics.side_effect_incidence(db).events == 3


def test_an_empty_practice(db: Database) -> None:
    incidence = analytics.side_effect_incidence(db)
    assert (incidence.sessions, incidence.events, incidence.by_product) == (0, 0, ())
    assert analytics.protocols(db, "cellulite") == []


def test_students_t_quantiles() -> None:
    assert analytics.t95(1) == 12.706
    assert analytics.t95(30) == 2.042
    assert analytics.t95(35) == 2.042  # the nearest tabulated df below: a wider interval
    assert analytics.t95(45) == 2.021
    assert analytics.t95(10_000) == 1.962
    with pytest.raises(ValueError):
        analytics.t95(0)
