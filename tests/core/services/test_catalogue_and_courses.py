"""The shelf (products, lots) and courses (planning, status, who is due)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.db import Database
from mesodesk.core.enums import ConcentrationUnit, CourseStatus
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import catalogue, courses, sessions
from mesodesk.core.services.catalogue import IngredientAmount, LotData, ProductData
from tests.core.services.conftest import START, Clinic

TODAY = dt.date(2026, 11, 25)


def test_scenario_one_shelf_warns_of_the_expired_lot_at_once(db: Database) -> None:
    silicium = catalogue.add_product(
        db,
        ProductData(
            "Silicium organique 0.5%",
            ingredients=(IngredientAmount("organic silicon", 0.5, ConcentrationUnit.PERCENT),),
        ),
    )
    added = catalogue.add_lot(db, silicium, LotData("SO-5521", dt.date(2025, 10, 1)), today=TODAY)
    assert added.expired and "cannot be used" in added.message
    assert catalogue.lots(db, usable_on=TODAY) == []
    assert [lot.lot_number for lot in catalogue.lots(db, expiring_within=30)] == ["SO-5521"]


def test_expiring_lots_for_the_today_view(clinic: Clinic) -> None:
    soon = catalogue.lots(clinic.db, usable_on=TODAY, expiring_within=30)
    assert [lot.lot_number for lot in soon] == ["LC-2409-A"]
    assert soon[0].days_left(TODAY) == 20


def test_products_take_ingredients_by_name_or_alias(db: Database) -> None:
    pid = catalogue.add_product(
        db, ProductData("Anaesthetic mix", ingredients=(IngredientAmount("Lignocaine", 10),))
    )
    view = next(p for p in catalogue.products(db) if p.id == pid)
    assert [i.ingredient for i in view.ingredients] == ["Lidocaine"]
    with pytest.raises(ValidationError, match="not in the catalogue"):
        catalogue.add_product(db, ProductData("X", ingredients=(IngredientAmount("unobtainium"),)))
    with pytest.raises(ValidationError, match="already in the catalogue"):
        catalogue.add_product(db, ProductData("anaesthetic MIX"))


def test_a_lot_number_twice_for_one_product_is_refused(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="already recorded"):
        catalogue.add_lot(clinic.db, clinic.caffeine, LotData("CAF-24-117", dt.date(2028, 1, 1)))
    assert [v.product_name for v in catalogue.find_lots(clinic.db, "caf-24-117")] == ["Cafeína 1%"]


def test_a_course_turns_active_then_due_by_its_interval(clinic: Clinic) -> None:
    assert courses.get_course(clinic.db, clinic.course).status == CourseStatus.PLANNED
    due = courses.due_courses(clinic.db, START)
    assert [(d.patient_name, d.due_date) for d in due] == [("Hélène Dubois", START)]
    sessions.record_session(clinic.db, clinic.session())
    summary = courses.get_course(clinic.db, clinic.course)
    assert summary.status == CourseStatus.ACTIVE
    assert summary.next_due_date == dt.date(2026, 9, 15)
    assert courses.due_courses(clinic.db, dt.date(2026, 9, 14)) == []
    late = courses.due_courses(clinic.db, dt.date(2026, 9, 20))
    assert late[0].days_overdue(dt.date(2026, 9, 20)) == 5


def test_pausing_needs_a_reason_and_stops_the_due_list(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="Reason"):
        courses.set_course_status(clinic.db, clinic.course, CourseStatus.PAUSED)
    courses.set_course_status(clinic.db, clinic.course, CourseStatus.PAUSED, "Pregnant")
    assert courses.due_courses(clinic.db, TODAY) == []
    with pytest.raises(ValidationError, match="resume"):
        sessions.record_session(clinic.db, clinic.session())


def test_course_validation(clinic: Clinic) -> None:
    data = courses.course_data(clinic.db, clinic.course)
    import dataclasses

    for change, field in (
        ({"indication_code": "tattoo"}, "Indication"),
        ({"planned_sessions": 0}, "Planned sessions"),
        ({"interval_days": 0}, "Interval"),
        ({"target_areas": ("elbow_pit",)}, "Target areas"),
    ):
        with pytest.raises(ValidationError) as caught:
            courses.plan_course(clinic.db, clinic.patient, dataclasses.replace(data, **change))  # type: ignore[arg-type]
        assert caught.value.field == field
