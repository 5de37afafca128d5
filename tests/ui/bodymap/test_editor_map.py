"""The body map in the session editor: clicking a region opens its area row, points
placed on the map go to that row and are counted there, and they survive saving."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, QPointF, Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Side
from mesodesk.core.services import sessions
from mesodesk.ui import messages
from mesodesk.ui.session_editor import SessionEditor
from mesodesk.ui.session_editor.areas import (
    DEPTH,
    GAUGE,
    LENGTH,
    POINTS,
    REGION,
    SIDE,
    TECHNIQUE,
    VOLUME,
)
from mesodesk.ui.session_editor.widgets import value_of
from tests.scenario import Helene, make_helene
from tests.ui.bodymap.conftest import (
    BACK_LEFT_BUTTOCK,
    FRONT_LEFT_THIGH,
    FRONT_RIGHT_THIGH,
    SHIFT,
    click_at,
    drag,
)

SESSION_ONE = dt.datetime(2026, 9, 1, 10, 30)


@pytest.fixture
def clinic(db: Database, monkeypatch: pytest.MonkeyPatch) -> Helene:
    # An editor left with changes asks before closing; the test's end answers “discard”.
    monkeypatch.setattr(messages, "ask", lambda *_args, **_kwargs: True)
    return make_helene(db)


def open_editor(qtbot: QtBot, clinic: Helene, session_id: int | None = None) -> SessionEditor:
    editor = SessionEditor(clinic.db, clinic.course, session_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    if session_id is None:
        editor.started_at.setDateTime(QDateTime(SESSION_ONE))
    return editor


def cell(editor: SessionEditor, row: int, column: int) -> object:
    return editor.areas.table.cellWidget(row, column)


def row_of(editor: SessionEditor, row: int) -> tuple[object, ...]:
    region, side, technique = (cell(editor, row, c) for c in (REGION, SIDE, TECHNIQUE))
    assert isinstance(region, QComboBox) and isinstance(side, QComboBox)
    assert isinstance(technique, QComboBox)
    points = cell(editor, row, POINTS)
    assert isinstance(points, QSpinBox)
    return (
        value_of(region),
        side.currentData(),
        value_of(technique),
        None if points.value() == points.minimum() else points.value(),
    )


def choose(box: object, typed: str, value: object) -> None:
    """Type part of an entry, then take it from the list, as the completer offers."""
    assert isinstance(box, QComboBox)
    if box.isEditable():
        box.lineEdit().clear()  # type: ignore[union-attr]
        QtBot.keyClicks(box.lineEdit(), typed)  # type: ignore[arg-type]
    box.setCurrentIndex(box.findData(value))


def type_into(spin: object, text: str) -> None:
    assert isinstance(spin, QSpinBox | QDoubleSpinBox)
    spin.lineEdit().selectAll()
    QtBot.keyClicks(spin, text)


def test_clicking_a_region_fills_or_adds_its_row_and_selects_it(
    qtbot: QtBot, clinic: Helene
) -> None:
    editor = open_editor(qtbot, clinic)
    view = editor.body_map.view
    assert editor.areas.table.rowCount() == 1  # a first session starts with one empty row

    click_at(qtbot, view, FRONT_LEFT_THIGH)
    assert editor.areas.table.rowCount() == 1  # the empty row took it
    assert row_of(editor, 0) == ("thigh_outer", Side.LEFT, None, None)
    choose(cell(editor, 0, TECHNIQUE), "Nap", "nappage")
    choose(cell(editor, 0, GAUGE), "30", 30)
    choose(cell(editor, 0, LENGTH), "4", 4.0)
    type_into(cell(editor, 0, DEPTH), "2")

    click_at(qtbot, view, FRONT_RIGHT_THIGH)
    assert editor.areas.table.rowCount() == 2
    assert row_of(editor, 1) == ("thigh_outer", Side.RIGHT, "nappage", None)
    depth = cell(editor, 1, DEPTH)
    assert isinstance(depth, QDoubleSpinBox) and depth.value() == 2.0  # from the row above
    assert editor.areas.table.currentRow() == 1

    click_at(qtbot, view, FRONT_LEFT_THIGH)
    assert editor.areas.table.rowCount() == 2  # that area has its row already
    assert editor.areas.table.currentRow() == 0
    chosen = {(i.region_shape.region, i.region_shape.side) for i in view._regions if i.chosen}
    assert chosen == {("thigh_outer", Side.LEFT)}
    treated = {(i.region_shape.region, i.region_shape.side) for i in view._regions if i.treated}
    assert treated == {("thigh_outer", Side.LEFT), ("thigh_outer", Side.RIGHT)}


def test_the_region_list_stays_the_keyboard_way_and_the_map_follows(
    qtbot: QtBot, clinic: Helene
) -> None:
    editor = open_editor(qtbot, clinic)
    region = cell(editor, 0, REGION)
    assert isinstance(region, QComboBox)
    qtbot.keyClicks(region.lineEdit(), "Buttock")  # type: ignore[arg-type]
    popup = region.completer().popup()  # type: ignore[union-attr]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert value_of(region) == "buttock"
    side = cell(editor, 0, SIDE)
    assert isinstance(side, QComboBox)
    qtbot.keyClick(side, Qt.Key.Key_End)  # left, right, both: the last is both
    assert side.currentData() == Side.BOTH
    view = editor.body_map.view
    assert view.diagram.name == "body_back"  # the map turned to show the row's region
    chosen = {(i.region_shape.region, i.region_shape.side) for i in view._regions if i.chosen}
    assert chosen == {("buttock", Side.LEFT), ("buttock", Side.RIGHT)}
    assert editor.body_map.tabs.tabText(1) == "Back (1)"


def test_points_follow_the_dots_and_survive_saving_and_reopening(
    qtbot: QtBot, clinic: Helene
) -> None:
    editor = open_editor(qtbot, clinic)
    lot = editor.cocktail.lot_box(0)
    choose(lot, "CAF", clinic.caf_lot)
    view = editor.body_map.view
    for down in (0, 25, 50):
        click_at(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, down), SHIFT)
    assert row_of(editor, 0) == ("thigh_outer", Side.LEFT, None, 3)
    choose(cell(editor, 0, TECHNIQUE), "Nap", "nappage")
    type_into(cell(editor, 0, VOLUME), "2")

    drag(qtbot, view, FRONT_LEFT_THIGH, FRONT_LEFT_THIGH + QPointF(0, -20))
    assert row_of(editor, 0)[3] == 3
    click_at(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, 25), button=Qt.MouseButton.RightButton)
    assert row_of(editor, 0)[3] == 2
    assert "Total: 2 points" in editor.areas.summary.text()

    back_tab = editor.body_map.tabs.tabRect(1).center()
    qtbot.mouseClick(editor.body_map.tabs, Qt.MouseButton.LeftButton, pos=back_tab)
    click_at(qtbot, view, BACK_LEFT_BUTTOCK, SHIFT)
    assert row_of(editor, 1) == ("buttock", Side.LEFT, "nappage", 1)

    with qtbot.waitSignal(editor.saved, timeout=3000) as saved:
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = sessions.session_data(clinic.db, saved.args[0]).areas
    assert [(a.region_code, a.side, a.points) for a in stored] == [
        ("thigh_outer", Side.LEFT, 2),
        ("buttock", Side.LEFT, 1),
    ]
    thigh, buttock = ([c for point in a.map_points for c in point] for a in stored)
    assert thigh == pytest.approx([232 / 360, 480 / 900, 232 / 360, 550 / 900], abs=0.003)
    assert buttock == pytest.approx([150 / 360, 445 / 900], abs=0.003)

    again = open_editor(qtbot, clinic, saved.args[0])
    again_view = again.body_map.view
    assert again_view.diagram.name == "body_front"  # where the first area is
    thigh_key = again.areas.key_of(0)
    shown = tuple(again_view.diagram.fraction(dot.pos()) for dot in again_view.dots(thigh_key))
    assert shown == stored[0].map_points  # each dot where it was saved
    click_at(qtbot, again_view, QPointF(232, 550), button=Qt.MouseButton.RightButton)
    assert row_of(again, 0)[3] == 1
    assert again.areas.areas()[1].map_points == stored[1].map_points


def test_changing_a_rows_region_drops_its_points_elsewhere(qtbot: QtBot, clinic: Helene) -> None:
    editor = open_editor(qtbot, clinic)
    view = editor.body_map.view
    click_at(qtbot, view, FRONT_LEFT_THIGH, SHIFT)
    click_at(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, 30), SHIFT)
    assert row_of(editor, 0)[3] == 2
    side = cell(editor, 0, SIDE)
    assert isinstance(side, QComboBox)
    side.setCurrentIndex(side.findData(Side.BOTH))
    assert row_of(editor, 0)[3] == 2  # both sides still include the left thigh
    side.setCurrentIndex(side.findData(Side.RIGHT))
    assert row_of(editor, 0)[3] is None
    assert view.dots() == []
