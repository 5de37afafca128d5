"""The Today view: sessions due, side effects to follow up, lots running out."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity, Sex, Side
from mesodesk.core.services import catalogue, courses, patients, practice, sessions, side_effects
from mesodesk.core.services.patients import PatientData
from mesodesk.ui.today_view import TodayRow, TodaySection, TodayTableModel, TodayView

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

TODAY = dt.date.today()


def _patient(db: Database, number: str, family: str, given: str) -> int:
    return patients.create_patient(
        db, PatientData(number, family, given, dt.date(1984, 5, 12), Sex.FEMALE, "06 12 34 56 78")
    )


def _lot(db: Database, product: str, number: str, expiry: dt.date) -> int:
    product_id = catalogue.add_product(
        db,
        catalogue.ProductData(product, ingredients=(catalogue.IngredientAmount("caffeine", 10),)),
    )
    received = min(expiry, TODAY) - dt.timedelta(days=200)
    return catalogue.add_lot(db, product_id, catalogue.LotData(number, expiry, received)).id


def _session_with_a_bruise(db: Database) -> int:
    """Hélène's first session four days ago, and the bruise she phoned about."""
    patient = _patient(db, "2026-0142", "Dubois", "Hélène")
    course = courses.plan_course(
        db,
        patient,
        courses.CourseData(
            "cellulite", 8, 14, TODAY - dt.timedelta(days=4), ("thigh_outer", "buttock")
        ),
    )
    lot = _lot(db, "Cafeína 1%", "CAF-24-117", TODAY + dt.timedelta(days=300))
    practitioner = practice.add_practitioner(db, practice.PractitionerData("Claire Moreau", "Dr"))
    saved = sessions.record_session(
        db,
        sessions.SessionData(
            course_id=course,
            started_at=dt.datetime.combine(TODAY - dt.timedelta(days=4), dt.time(10, 30)),
            practitioner_id=practitioner,
            cocktail=(sessions.CocktailLineData(lot, 2.0),),
            areas=(sessions.AreaData("buttock", Side.BOTH, "papule", 0.8, 30, 4, 1.5, 20),),
            override_reason="consent signed on paper, scanned later",
        ),
    )
    return side_effects.add_side_effect(
        db,
        saved.id,
        side_effects.SideEffectData(
            "bruising", Severity.MILD, TODAY - dt.timedelta(days=3), suspected_lot_id=lot
        ),
    )


def _view(qtbot: QtBot, db: Database) -> TodayView:
    view = TodayView(db)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_due_course_an_open_side_effect_and_an_expiring_lot_are_listed(
    qtbot: QtBot, db: Database
) -> None:
    karim = _patient(db, "2026-0200", "Benali", "Karim")
    courses.plan_course(
        db, karim, courses.CourseData("hair_loss", 12, 7, TODAY - dt.timedelta(days=3))
    )
    _session_with_a_bruise(db)
    _lot(db, "L-carnitine 20%", "LC-2409-A", TODAY + dt.timedelta(days=10))
    _lot(db, "Silicium organique 0.5%", "SO-5521", TODAY - dt.timedelta(days=5))
    view = _view(qtbot, db)

    assert view.due.row_texts() == [
        (
            "Karim Benali",
            "2026-0200",
            "06 12 34 56 78",
            "Hair loss",
            "1 of 12",
            (TODAY - dt.timedelta(days=3)).isoformat(),
            "3 days overdue",
        )
    ]
    assert "Sessions due or overdue (1)" in view.due.heading.text()
    effect = view.side_effects.row_texts()
    assert len(effect) == 1
    assert effect[0][:5] == (
        "Hélène Dubois",
        "2026-0142",
        "Bruising",
        "Mild",
        f"{(TODAY - dt.timedelta(days=3)).isoformat()} (3 days)",
    )
    assert effect[0][5] == f"1 on {(TODAY - dt.timedelta(days=4)).isoformat()}"
    assert view.lots.row_texts() == [
        ("L-carnitine 20%", "LC-2409-A", (TODAY + dt.timedelta(days=10)).isoformat(), "in 10 days"),
        (
            "Silicium organique 0.5%",
            "SO-5521",
            (TODAY - dt.timedelta(days=5)).isoformat(),
            "expired 5 days ago",
        ),
    ]
    expired = view.lots.model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(expired, QBrush)
    assert expired.color().name() == "#b00020"
    assert view.lots.model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) is None


def test_empty_panes_say_so_in_words(qtbot: QtBot, db: Database) -> None:
    view = _view(qtbot, db)
    for section, sentence in (
        (view.due, "No session is due today."),
        (view.side_effects, "No side effect is waiting to be followed up."),
        (view.lots, "No lot has expired or expires in the next 30 days."),
    ):
        assert section.empty.isVisible()
        assert section.empty.text() == sentence
        assert not section.table.isVisible()
        assert "(0)" in section.heading.text()


def test_the_view_follows_the_record_as_it_changes(qtbot: QtBot, db: Database) -> None:
    view = _view(qtbot, db)
    effect = _session_with_a_bruise(db)
    assert len(view.side_effects.row_texts()) == 1
    assert view.side_effects.table.isVisible()

    side_effects.resolve_side_effect(db, effect, TODAY, "arnica gel")
    assert view.side_effects.row_texts() == []
    assert view.side_effects.empty.isVisible()


def test_double_clicking_a_row_opens_the_patient(qtbot: QtBot, db: Database) -> None:
    karim = _patient(db, "2026-0200", "Benali", "Karim")
    courses.plan_course(db, karim, courses.CourseData("hair_loss", 12, 7, TODAY))
    view = _view(qtbot, db)
    assert view.due.row_texts()[0][-1] == "due today"
    table = view.due.table
    centre = table.visualRect(view.due.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(view.patient_requested) as opened:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == [karim]


def test_the_pane_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = TodayTableModel(("Product", "Lot"))
    qtmodeltester.check(model)
    model.set_rows(
        [
            TodayRow(("Cafeína 1%", "CAF-24-117"), 1),
            TodayRow(("Silicium", "SO-5521"), 2, frozenset({1})),
        ]
    )
    qtmodeltester.check(model)
    assert model.key(1) == 2


def test_a_section_lists_what_it_is_given(qtbot: QtBot) -> None:
    section = TodaySection("Things", ("A", "B"), "Nothing.")
    qtbot.addWidget(section)
    section.set_rows([TodayRow(("x", "y"), 7)])
    assert section.row_texts() == [("x", "y")]
    assert "Things (1)" in section.heading.text()
