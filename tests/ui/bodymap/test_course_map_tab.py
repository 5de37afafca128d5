"""The patient record's body map: a course's areas shaded by their number of sessions,
the areas with side effects marked, and the same facts in the table beside."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity, Side
from mesodesk.core.services import courses, history, sessions, side_effects
from mesodesk.core.services.sessions import AreaData
from mesodesk.core.services.side_effects import SideEffectData
from mesodesk.ui.bodymap.items import WarningMark
from mesodesk.ui.bodymap.shading import legend_counts, shade
from mesodesk.ui.record.course_map_tab import session_runs
from mesodesk.ui.record.patient_record import PatientRecord
from tests.scenario import Helene, make_helene
from tests.ui.bodymap.conftest import BACK_LEFT_BUTTOCK, click_at

SESSION_ONE = dt.datetime(2026, 9, 1, 10, 30)
THIGHS = (
    AreaData("thigh_outer", Side.LEFT, "nappage", 2.0, 30, 4, 2, 60),
    AreaData("thigh_outer", Side.RIGHT, "nappage", 2.0, 30, 4, 2, 60),
)


@pytest.fixture
def clinic(db: Database) -> Helene:
    """Three sessions of §2 (the buttocks in two), a bruise on the left thigh after S1."""
    clinic = make_helene(db)
    first = sessions.record_session(db, clinic.session()).id
    sessions.record_session(db, clinic.session(SESSION_ONE + dt.timedelta(days=14)))
    sessions.record_session(db, clinic.session(SESSION_ONE + dt.timedelta(days=28), areas=THIGHS))
    record = history.course_sessions(db, [clinic.course])[clinic.course][0]
    left_thigh = next(a.area_id for a in record.areas if a.side == Side.LEFT)
    side_effects.add_side_effect(
        db,
        first,
        SideEffectData("bruising", Severity.MILD, dt.date(2026, 9, 2), area_id=left_thigh),
    )
    return clinic


def open_map(qtbot: QtBot, clinic: Helene) -> PatientRecord:
    record = PatientRecord(clinic.db, clinic.patient)
    qtbot.addWidget(record)
    record.resize(1280, 800)
    record.show()
    bar = record.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Body map")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert record.tabs.currentWidget() is record.course_map
    return record


def shades(record: PatientRecord) -> dict[tuple[str, Side], str]:
    return {
        (i.region_shape.region, i.region_shape.side): i.shade.name()
        for i in record.course_map.map.view._regions
        if i.shade is not None
    }


def test_each_area_is_shaded_by_its_number_of_sessions(qtbot: QtBot, clinic: Helene) -> None:
    record = open_map(qtbot, clinic)
    tab = record.course_map
    assert tab.map.view.diagram.name == "body_front"
    assert shades(record) == {
        ("thigh_outer", Side.LEFT): shade(3, 3).name(),
        ("thigh_outer", Side.RIGHT): shade(3, 3).name(),
    }
    assert tab.map.tabs.tabText(0) == "Front (2)" and tab.map.tabs.tabText(1) == "Back (2)"
    qtbot.mouseClick(tab.map.tabs, Qt.MouseButton.LeftButton, pos=tab.map.tabs.tabRect(1).center())
    assert shades(record) == {
        ("buttock", Side.LEFT): shade(2, 3).name(),
        ("buttock", Side.RIGHT): shade(2, 3).name(),
    }
    assert shade(2, 3).name() != shade(3, 3).name()
    assert tab.legend.labels == ["Sessions:", "1", "2", "3", "side effect reported"]
    assert "3 sessions, 4 areas treated" in tab.summary.text()


def test_the_areas_with_side_effects_are_marked(qtbot: QtBot, clinic: Helene) -> None:
    record = open_map(qtbot, clinic)
    view = record.course_map.map.view
    marks = [item for item in view.scene().items() if isinstance(item, WarningMark)]
    assert len(marks) == 1
    assert "Outer thigh (saddlebags), left" in marks[0].toolTip()
    assert "Bruising (2026-09-02, open)" in marks[0].toolTip()
    flagged = [i.region_shape for i in view._regions if i.flagged]
    assert [(s.region, s.side) for s in flagged] == [("thigh_outer", Side.LEFT)]
    table = record.course_map.table
    assert [table.item(0, c).text() for c in range(5)] == [  # type: ignore[union-attr]
        "Outer thigh (saddlebags)",
        "Left",
        "3",
        "S1–S3",
        "Bruising (2026-09-02, open)",
    ]


def test_clicking_a_region_picks_its_row(qtbot: QtBot, clinic: Helene) -> None:
    record = open_map(qtbot, clinic)
    tab = record.course_map
    qtbot.mouseClick(tab.map.tabs, Qt.MouseButton.LeftButton, pos=tab.map.tabs.tabRect(1).center())
    click_at(qtbot, tab.map.view, BACK_LEFT_BUTTOCK)
    area = tab.selected_area()
    assert area is not None and (area.region_code, area.side) == ("buttock", Side.LEFT)
    assert [s.label for s in area.sessions] == ["S1", "S2"]
    tip = next(
        i.toolTip()
        for i in tab.map.view._regions
        if (i.region_shape.region, i.region_shape.side) == ("buttock", Side.LEFT)
    )
    assert tip == "Buttock, left\nTreated in 2 of 3 sessions: S1–S2"


def test_another_course_is_chosen_from_the_list(qtbot: QtBot, clinic: Helene) -> None:
    hair = courses.plan_course(
        clinic.db,
        clinic.patient,
        courses.CourseData("hair_loss", 12, 7, dt.date(2026, 10, 1), ("scalp_vertex",)),
    )
    vertex = AreaData("scalp_vertex", Side.MIDLINE, "point_by_point", 2.0, 32, 4, 1.5, 100)
    sessions.record_session(
        clinic.db,
        dataclasses.replace(
            clinic.session(dt.datetime(2026, 10, 1, 9)), course_id=hair, areas=(vertex,)
        ),
    )
    record = open_map(qtbot, clinic)
    tab = record.course_map
    tab.course.setCurrentIndex(tab.course.findData(hair))
    assert "Hair loss, from 2026-10-01" in tab.course.currentText()
    assert tab.map.view.diagram.name == "scalp"  # the diagram where this course treated
    assert shades(record) == {("scalp_vertex", Side.MIDLINE): shade(1, 1).name()}
    assert tab.legend.labels == ["Sessions:", "1", "side effect reported"]
    assert not [i for i in tab.map.view.scene().items() if isinstance(i, WarningMark)]


def test_long_courses_read_in_runs_and_a_short_legend() -> None:
    from mesodesk.core.services.body_map import SessionMark

    marks = (*(SessionMark(n) for n in (1, 2, 3, 5)), SessionMark(9, True), SessionMark(10, True))
    assert session_runs(marks) == "S1–S3, S5, M9–M10"
    assert legend_counts(14) == [1, 4, 8, 11, 14]
    assert legend_counts(3) == [1, 2, 3]
    assert shade(1, 14) != shade(14, 14)


def test_the_map_is_clicked_where_the_region_is(qtbot: QtBot, clinic: Helene) -> None:
    record = open_map(qtbot, clinic)
    view = record.course_map.map.view
    with qtbot.waitSignal(view.region_clicked, timeout=1000) as clicked:
        click_at(qtbot, view, QPointF(232, 500))
    assert clicked.args == ["thigh_outer", "left"]
