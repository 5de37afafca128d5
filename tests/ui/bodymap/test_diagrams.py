"""The diagrams: every catalogue region drawn on its diagram, on the patient's side."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from mesodesk.core.enums import Side
from mesodesk.core.resources import load_json, resource_path
from mesodesk.ui.bodymap.diagram import (
    DIAGRAMS,
    Diagram,
    RegionShape,
    all_diagrams,
    load_diagram,
    parse_diagram,
)
from mesodesk.ui.bodymap.svg_path import parse_path
from tests.ui.bodymap.conftest import PLACES

CATALOGUE = load_json("catalogues", "regions.json")["items"]
# Which of the patient's sides is on the viewer's left, diagram by diagram.
VIEWER_LEFT = {
    "body_front": Side.RIGHT,
    "face": Side.RIGHT,
    "body_back": Side.LEFT,
    "scalp": Side.LEFT,
}


def test_every_diagram_file_is_shipped_in_the_resources() -> None:
    for _name, file_name, _title in DIAGRAMS:
        assert resource_path("diagrams", file_name).is_file()


@pytest.mark.parametrize("region", CATALOGUE, ids=lambda r: r["code"])
def test_every_catalogue_region_has_its_shapes_on_its_diagram(region: dict[str, object]) -> None:
    diagram = load_diagram(str(region["diagram"]))
    sides = sorted(s.side.value for s in diagram.shapes if s.region == region["code"])
    assert sides == (["left", "right"] if region["sided"] else ["midline"])


def test_every_shape_names_a_catalogue_region() -> None:
    known = {r["code"]: r["diagram"] for r in CATALOGUE}
    for diagram in all_diagrams():
        for shape in diagram.shapes:
            assert known.get(shape.region) == diagram.name, shape.region


def _reachable_point(diagram: Diagram, shape: RegionShape) -> QPointF | None:
    box = shape.path.boundingRect()
    steps = 16
    for i in range(1, steps):
        for j in range(1, steps):
            point = QPointF(
                box.left() + box.width() * i / steps, box.top() + box.height() * j / steps
            )
            if diagram.shape_at(point) is shape:
                return point
    return None


@pytest.mark.parametrize("diagram", all_diagrams(), ids=lambda d: d.name)
def test_every_shape_can_be_clicked_and_lies_on_the_patients_side(diagram: Diagram) -> None:
    middle = diagram.width / 2
    for shape in diagram.shapes:
        box = shape.path.boundingRect()
        assert diagram.rect.contains(box), f"{shape.region} leaves the drawing"
        assert _reachable_point(diagram, shape) is not None, f"{shape.region} is hidden"
        if shape.side != Side.MIDLINE:
            on_viewer_left = box.center().x() < middle
            assert on_viewer_left == (shape.side == VIEWER_LEFT[diagram.name]), shape.region
        else:
            assert abs(box.center().x() - middle) < 1, f"{shape.region} is off the midline"


@pytest.mark.parametrize(("name", "at", "region", "side"), PLACES)
def test_a_place_on_a_drawing_is_the_region_drawn_there(
    name: str, at: tuple[float, float], region: str, side: Side
) -> None:
    shape = load_diagram(name).shape_at(QPointF(*at))
    assert shape is not None
    assert (shape.region, shape.side) == (region, side)


def test_path_data_reads_relative_moves_lines_and_smooth_curves() -> None:
    path = parse_path(
        "m10 10 h20 v20 H10 z M50 50 c0 -10 10 -10 10 0 s10 10 10 0 q5 -5 10 0 t10 0 L50 50Z"
    )
    box = path.boundingRect()
    assert (box.left(), box.top(), box.right()) == (10, 10, 90)
    assert path.contains(QPointF(20, 20)) and not path.contains(QPointF(35, 35))
    assert parse_path("M0,0L1e2,0 100-.5Z").boundingRect().width() == 100


@pytest.mark.parametrize("data", ["M0 0 A5 5 0 0 1 10 10 Z", "L0 0 10 10", "M0 0 C1 2 Z"])
def test_path_data_a_diagram_cannot_use_is_refused(data: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_path(data)


def test_a_region_under_a_transform_or_not_a_path_is_refused() -> None:
    moved = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g transform="scale(2)">'
        b'<path data-region="chin" data-side="midline" d="M0 0 L5 0 L5 5 Z"/></g></svg>'
    )
    circle = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<circle data-region="chin" data-side="midline" cx="5" cy="5" r="2"/></svg>'
    )
    with pytest.raises(ValueError, match="transform"):
        parse_diagram("x", "x", moved)
    with pytest.raises(ValueError, match="path"):
        parse_diagram("x", "x", circle)
