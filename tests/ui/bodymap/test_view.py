"""The body map widget on its own: clicks name regions, points are placed, dragged and
removed, the diagrams are chosen by tab, and the map zooms."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from mesodesk.core.enums import Side
from mesodesk.core.resources import load_json
from mesodesk.ui.bodymap import BodyMapPanel, BodyMapView, MapArea
from mesodesk.ui.bodymap.diagram import DIAGRAMS
from tests.ui.bodymap.conftest import (
    FRONT_LEFT_THIGH,
    FRONT_RIGHT_THIGH,
    PLACES,
    SHIFT,
    click_at,
    drag,
    wheel,
)

NAMES = {r["code"]: r["name"] for r in load_json("catalogues", "regions.json")["items"]}


@pytest.fixture
def panel(qtbot: QtBot) -> BodyMapPanel:
    panel = BodyMapPanel(NAMES)
    qtbot.addWidget(panel)
    panel.resize(380, 620)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


class Owner:
    """What the session editor does with the map's clicks: one area per region and side."""

    def __init__(self, view: BodyMapView) -> None:
        self.view = view
        self.clicked: list[tuple[str, str]] = []
        self.points: dict[int, tuple[tuple[float, float], ...]] = {}
        view.region_clicked.connect(self.on_region_clicked)
        view.points_changed.connect(self.on_points_changed)

    def on_region_clicked(self, region: str, side: str) -> None:
        self.clicked.append((region, side))
        areas = self.view.areas()
        found = next((a for a in areas if (a.region, a.side.value) == (region, side)), None)
        if found is None:
            found = MapArea(len(areas) + 1, region, Side(side))
            self.view.set_areas([*areas, found])
        self.view.set_current(found.key)

    def on_points_changed(self, key: int, points: tuple[tuple[float, float], ...]) -> None:
        self.points[key] = points


def show(panel: BodyMapPanel, name: str) -> BodyMapView:
    index = next(i for i, d in enumerate(DIAGRAMS) if d[0] == name)
    panel.tabs.setCurrentIndex(index)
    return panel.view


@pytest.mark.parametrize(("name", "at", "region", "side"), PLACES)
def test_clicking_a_place_names_its_region_and_the_patients_side(
    qtbot: QtBot, panel: BodyMapPanel, name: str, at: tuple[float, float], region: str, side: Side
) -> None:
    view = show(panel, name)
    with qtbot.waitSignal(view.region_clicked, timeout=1000) as clicked:
        click_at(qtbot, view, QPointF(*at))
    assert clicked.args == [region, side.value]
    chosen = [item for item in view._regions if item.chosen]
    assert [(i.region_shape.region, i.region_shape.side) for i in chosen] == [(region, side)]


def test_the_tabs_choose_the_diagram(qtbot: QtBot, panel: BodyMapPanel) -> None:
    face_tab = panel.tabs.tabRect(2).center()
    qtbot.mouseClick(panel.tabs, Qt.MouseButton.LeftButton, pos=face_tab)
    assert panel.view.diagram.name == "face"
    panel.view.set_areas([MapArea(1, "buttock", Side.LEFT)])
    panel.view.set_current(1)  # an area elsewhere turns the map to its diagram
    assert panel.view.diagram.name == "body_back"
    assert panel.tabs.currentIndex() == 1


def test_zoomed_in_a_click_still_finds_its_region(qtbot: QtBot, panel: BodyMapPanel) -> None:
    view = panel.view
    qtbot.mouseClick(panel.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(1.25**2)
    wheel(view, FRONT_LEFT_THIGH, 2)
    assert view.zoom == pytest.approx(1.25**4)
    view.centerOn(FRONT_LEFT_THIGH)
    with qtbot.waitSignal(view.region_clicked, timeout=1000) as clicked:
        click_at(qtbot, view, FRONT_LEFT_THIGH)
    assert clicked.args == ["thigh_outer", "left"]
    wheel(view, FRONT_LEFT_THIGH, -10)
    assert view.zoom == 1.0  # never smaller than the whole diagram
    qtbot.mouseClick(panel.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.fit_button, Qt.MouseButton.LeftButton)
    assert view.zoom == 1.0


def test_points_are_placed_dragged_and_removed_on_their_region(
    qtbot: QtBot, panel: BodyMapPanel
) -> None:
    view = panel.view
    owner = Owner(view)
    click_at(qtbot, view, FRONT_LEFT_THIGH, SHIFT)  # asks for the area, then marks it
    click_at(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, 30), SHIFT)
    key = view.current()
    assert key is not None
    assert owner.clicked == [("thigh_outer", "left")]
    assert len(owner.points[key]) == 2 and len(view.dots(key)) == 2
    first = owner.points[key][0]
    assert first == pytest.approx((232 / 360, 500 / 900), abs=0.003)

    drag(qtbot, view, FRONT_LEFT_THIGH, FRONT_LEFT_THIGH + QPointF(0, -20))
    assert len(owner.points[key]) == 2
    assert owner.points[key][0] == pytest.approx((232 / 360, 480 / 900), abs=0.003)

    drag(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, -20), QPointF(180, 322))
    moved = view.diagram.point(owner.points[key][0])
    assert view.area_path(view.areas()[0]).contains(moved)  # the navel is not on the thigh

    click_at(qtbot, view, moved, button=Qt.MouseButton.RightButton)
    assert len(owner.points[key]) == 1 and len(view.dots(key)) == 1

    last = view.diagram.point(owner.points[key][0])
    click_at(qtbot, view, last)  # a click on a dot selects it
    assert view.dots(key)[0].isSelected()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert owner.points[key] == () and view.dots(key) == []


def test_a_point_goes_to_the_area_of_the_region_clicked(qtbot: QtBot, panel: BodyMapPanel) -> None:
    view = panel.view
    owner = Owner(view)
    qtbot.mouseClick(panel.points_button, Qt.MouseButton.LeftButton)  # points mode
    click_at(qtbot, view, FRONT_LEFT_THIGH)
    click_at(qtbot, view, FRONT_RIGHT_THIGH)
    click_at(qtbot, view, FRONT_LEFT_THIGH + QPointF(0, 20))
    by_place = {(a.region, a.side): len(a.points) for a in view.areas()}
    assert by_place == {("thigh_outer", Side.LEFT): 2, ("thigh_outer", Side.RIGHT): 1}
    assert len(view.dots()) == 3
    assert sum(len(p) for p in owner.points.values()) == 3


def test_an_area_on_both_sides_takes_points_on_either(qtbot: QtBot, panel: BodyMapPanel) -> None:
    view = show(panel, "body_back")
    changes: list[tuple[int, object]] = []
    view.points_changed.connect(lambda key, points: changes.append((key, points)))
    view.set_areas([MapArea(7, "buttock", Side.BOTH)])
    view.set_current(7)
    click_at(qtbot, view, QPointF(150, 445), SHIFT)
    click_at(qtbot, view, QPointF(210, 445), SHIFT)
    assert changes[-1][0] == 7 and len(changes[-1][1]) == 2  # type: ignore[arg-type]
    chosen = {i.region_shape.side for i in view._regions if i.chosen}
    assert chosen == {Side.LEFT, Side.RIGHT}


def test_a_read_only_map_takes_no_points(qtbot: QtBot) -> None:
    panel = BodyMapPanel(NAMES, editable=False)
    qtbot.addWidget(panel)
    panel.resize(380, 620)
    panel.show()
    view = panel.view
    view.set_areas([MapArea(1, "thigh_outer", Side.LEFT, ((0.64, 0.55),))])
    assert not panel.points_button.isVisible()
    with qtbot.waitSignal(view.region_clicked, timeout=1000):
        click_at(qtbot, view, FRONT_LEFT_THIGH, SHIFT)
    assert view.areas()[0].points == ((0.64, 0.55),)
    assert not view.dots(1)[0].flags() & view.dots(1)[0].GraphicsItemFlag.ItemIsMovable
