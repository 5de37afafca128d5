"""The body-map diagrams: the SVG drawings and the region shapes read from them.

Each diagram in ``resources/diagrams/`` is an SVG whose region shapes are ``<path>``
elements carrying ``data-region`` (a catalogue region code) and ``data-side`` (left,
right or midline: the patient's side). The drawing is left to QtSvg; the shapes are
read here as QPainterPaths in the SVG's own units, so a point on the map is the same
point in the file, and map points are stored as fractions of the diagram's width and
height. Later shapes lie on top of earlier ones (a "whole face" under the cheek).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

from mesodesk.core.enums import Side
from mesodesk.core.resources import resource_path
from mesodesk.ui.bodymap.svg_path import parse_path

# (name as in the region catalogue, file, tab title), in the order of the chooser tabs
DIAGRAMS: tuple[tuple[str, str, str], ...] = (
    ("body_front", "body_front.svg", "Front"),
    ("body_back", "body_back.svg", "Back"),
    ("face", "face.svg", "Face"),
    ("scalp", "scalp_top.svg", "Scalp"),
)
SHAPE_SIDES = (Side.LEFT, Side.RIGHT, Side.MIDLINE)
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True, eq=False)
class RegionShape:
    """One region's outline on a diagram, for one side of the patient."""

    region: str
    side: Side
    path: QPainterPath

    def treated_by(self, side: Side) -> bool:
        """Whether an area recorded on ``side`` covers this shape ('both' covers two)."""
        return side == self.side or (side == Side.BOTH and self.side != Side.MIDLINE)


@dataclass(frozen=True, eq=False)
class Diagram:
    """A drawing and its region shapes, topmost last."""

    name: str
    title: str
    svg: bytes
    width: float
    height: float
    shapes: tuple[RegionShape, ...]

    @property
    def rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def shape_at(self, point: QPointF) -> RegionShape | None:
        """The topmost region shape under ``point`` (diagram units), if any."""
        for shape in reversed(self.shapes):
            if shape.path.contains(point):
                return shape
        return None

    def shapes_of(self, region: str, side: Side) -> list[RegionShape]:
        """The shapes an area of ``region`` on ``side`` covers."""
        return [s for s in self.shapes if s.region == region and s.treated_by(side)]

    def regions(self) -> set[str]:
        return {s.region for s in self.shapes}

    def fraction(self, point: QPointF) -> tuple[float, float]:
        """A point as fractions of the diagram's width and height, as stored."""
        x = min(max(point.x() / self.width, 0.0), 1.0)
        y = min(max(point.y() / self.height, 0.0), 1.0)
        return round(x, 4), round(y, 4)

    def point(self, fraction: tuple[float, float]) -> QPointF:
        return QPointF(fraction[0] * self.width, fraction[1] * self.height)


def parse_diagram(name: str, title: str, svg: bytes) -> Diagram:
    """Read the region shapes of one SVG; a malformed shape is an error, not a gap."""
    root = ET.fromstring(svg)
    view_box = [float(n) for n in root.get("viewBox", "").replace(",", " ").split()]
    if len(view_box) != 4 or view_box[:2] != [0, 0]:
        raise ValueError(f"{name}: the SVG needs viewBox='0 0 WIDTH HEIGHT'")
    shapes = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        region = element.get("data-region")
        if region is None:
            continue
        where = f"{name}: shape {element.get('id') or region}"
        if element.tag != f"{_SVG}path":
            raise ValueError(f"{where} must be a <path>")
        side = Side(element.get("data-side", ""))
        if side not in SHAPE_SIDES:
            raise ValueError(f"{where}: data-side must be left, right or midline")
        ancestor: ET.Element | None = element
        while ancestor is not None:
            if ancestor.get("transform"):
                raise ValueError(f"{where} lies under a transform; use plain coordinates")
            ancestor = parents.get(ancestor)
        shapes.append(RegionShape(region, side, parse_path(element.get("d", ""))))
    return Diagram(name, title, svg, view_box[2], view_box[3], tuple(shapes))


@cache
def load_diagram(name: str) -> Diagram:
    """One of the shipped diagrams by its catalogue name (body_front, face…)."""
    for known, file_name, title in DIAGRAMS:
        if known == name:
            return parse_diagram(name, title, resource_path("diagrams", file_name).read_bytes())
    raise KeyError(f"no diagram called {name!r}")


def all_diagrams() -> list[Diagram]:
    return [load_diagram(name) for name, _file, _title in DIAGRAMS]


@cache
def diagram_of(region: str) -> str | None:
    """The name of the diagram that draws ``region``; None for a region without a shape."""
    for diagram in all_diagrams():
        if region in diagram.regions():
            return diagram.name
    return None
