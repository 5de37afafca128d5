"""The interactive body map: one diagram, its regions to click, injection points as dots.

Clicking a region says which region and side it is (``region_clicked``); the owner then
says which area is being edited (``set_current``). Shift+click, or any click in points
mode, puts an injection point on the current area (or first asks for the area of the
region clicked); dots can be dragged within their region and removed with a right-click
or Delete. Points are image-relative fractions, as the record stores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from PySide6.QtCore import QByteArray, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from mesodesk.core.enums import Side
from mesodesk.ui.bodymap.diagram import Diagram, RegionShape, diagram_of, load_diagram
from mesodesk.ui.bodymap.items import DotItem, RegionItem, WarningMark, inside_point

Place = tuple[str, Side]  # a region code and a side ('both' covers left and right)
ZOOM_STEP = 1.25
MAX_ZOOM = 8.0


@dataclass(frozen=True, slots=True)
class MapArea:
    """A treated area as the map shows it: region, side and injection points."""

    key: int
    region: str
    side: Side
    points: tuple[tuple[float, float], ...] = ()


def covers(place: Place | None, shape: RegionShape) -> bool:
    return place is not None and place[0] == shape.region and shape.treated_by(place[1])


def side_words(side: Side) -> str:
    return "" if side == Side.MIDLINE else f", {side.value}"


class BodyMapView(QGraphicsView):
    """A zoomable diagram whose regions answer clicks; editable views also take points."""

    region_clicked = Signal(str, str)  # region code, side (left, right or midline)
    points_changed = Signal(int, object)  # area key, tuple of (x, y) fractions
    hovered = Signal(str)  # the region under the pointer, in words ("" when none)
    diagram_changed = Signal(str)

    def __init__(
        self,
        region_names: dict[str, str],
        *,
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.names = region_names
        self.editable = editable
        self.points_mode = False
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("white"))
        self.setMinimumSize(220, 260)
        self._renderers: dict[str, QSvgRenderer] = {}
        self._areas: dict[int, MapArea] = {}
        self._current: int | None = None
        self._chosen: Place | None = None
        self._shades: dict[Place, QColor] = {}
        self._tips: dict[Place, str] = {}
        self._flags: dict[Place, str] = {}
        self._regions: list[RegionItem] = []
        self._dots: dict[int, list[DotItem]] = {}
        self._shown: dict[int, tuple[object, ...]] = {}
        self._marks: list[WarningMark] = []
        self._marked: tuple[object, ...] | None = None  # the diagram and flags marked
        self._zoom = 1.0
        self._fitted = True
        self.diagram: Diagram = load_diagram("body_front")
        self.show_diagram("body_front")

    # --- what is shown ----------------------------------------------------------------
    def show_diagram(self, name: str) -> None:
        """Show another diagram (the areas, dots and shading stay as they are)."""
        self.diagram = load_diagram(name)
        scene = self.scene()
        scene.clear()
        self._regions, self._dots, self._shown, self._marks = [], {}, {}, []
        self._marked = None
        scene.setSceneRect(self.diagram.rect)
        drawing = QGraphicsSvgItem()
        drawing.setSharedRenderer(self._renderer(name))
        drawing.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        drawing.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        scene.addItem(drawing)
        for z, shape in enumerate(self.diagram.shapes, start=1):
            item = RegionItem(shape, self.label(shape.region, shape.side))
            item.setZValue(z)
            item.on_hover = self._on_region_hovered
            scene.addItem(item)
            self._regions.append(item)
        self._sync_dots()
        self._restyle()
        self.fit()
        self.diagram_changed.emit(name)

    def _renderer(self, name: str) -> QSvgRenderer:
        if name not in self._renderers:
            self._renderers[name] = QSvgRenderer(QByteArray(self.diagram.svg), self)
        return self._renderers[name]

    def label(self, region: str, side: Side) -> str:
        """A region and side in words, e.g. “Outer thigh (saddlebags), left”."""
        return self.names.get(region, region) + side_words(side)

    def set_areas(self, areas: Iterable[MapArea]) -> None:
        """The session's areas: their regions are tinted and their points drawn."""
        self._areas = {area.key: area for area in areas}
        if self._current not in self._areas:
            self._current = None
        self._sync_dots()
        self._restyle()

    def areas(self) -> list[MapArea]:
        return list(self._areas.values())

    def current(self) -> int | None:
        return self._current

    def set_current(self, key: int | None) -> None:
        """Make ``key`` the area being edited: highlighted, its diagram shown."""
        area = self._areas.get(key) if key is not None else None
        self._current = area.key if area else None
        self._chosen = (area.region, area.side) if area else None
        if area is not None:
            name = diagram_of(area.region)
            if name is not None and name != self.diagram.name:
                self.show_diagram(name)
        self._sync_dots()
        self._restyle()

    def set_chosen(self, place: Place | None) -> None:
        """Highlight a region and side without an area (the read-only map)."""
        self._chosen = place
        self._restyle()

    def set_shading(
        self,
        shades: dict[Place, QColor],
        tips: dict[Place, str] | None = None,
        flags: dict[Place, str] | None = None,
    ) -> None:
        """Fill regions with colours, add a line to their tooltips, mark some with “!”."""
        self._shades, self._tips, self._flags = dict(shades), dict(tips or {}), dict(flags or {})
        self._restyle()

    def _restyle(self) -> None:
        current = self._areas.get(self._current) if self._current is not None else None
        for item in self._regions:
            shape = item.region_shape
            place = (shape.region, shape.side)
            item.treated = any(covers((a.region, a.side), shape) for a in self._areas.values())
            item.chosen = covers(self._chosen, shape) or (
                current is not None and covers((current.region, current.side), shape)
            )
            item.shade = self._shades.get(place)
            item.flagged = place in self._flags
            item.set_tip(self._tips.get(place))
            item.restyle()
        marked = (self.diagram.name, tuple(sorted(self._flags.items())))
        if marked == self._marked:
            return
        self._marked = marked
        for mark in self._marks:
            self.scene().removeItem(mark)
        self._marks = [
            WarningMark(inside_point(item.path()), f"{item.label}\n{self._flags[place]}")
            for item in self._regions
            if (place := (item.region_shape.region, item.region_shape.side)) in self._flags
        ]
        for mark in self._marks:
            self.scene().addItem(mark)

    # --- dots ---------------------------------------------------------------------------
    def area_path(self, area: MapArea) -> QPainterPath:
        """Where ``area``'s points may lie on the diagram shown (empty if elsewhere)."""
        path = QPainterPath()
        for shape in self.diagram.shapes_of(area.region, area.side):
            path = path.united(shape.path)
        return path

    def _sync_dots(self) -> None:
        """Redraw the dots of the areas that changed since they were drawn."""
        for key in list(self._dots):
            if key not in self._areas:
                self._drop_dots(key)
        for key, area in self._areas.items():
            seen = (area.region, area.side, area.points, key == self._current, self.editable)
            if self._shown.get(key) == seen:
                continue
            self._drop_dots(key)
            self._shown[key] = seen
            if diagram_of(area.region) != self.diagram.name:
                continue
            allowed = self.area_path(area)
            dots = []
            for point in area.points:
                dot = DotItem(key, allowed, self.diagram.point(point), key == self._current)
                dot.set_editable(self.editable)
                self.scene().addItem(dot)
                dots.append(dot)
            self._dots[key] = dots

    def _drop_dots(self, key: int) -> None:
        for dot in self._dots.pop(key, []):
            self.scene().removeItem(dot)
        self._shown.pop(key, None)

    def dots(self, key: int | None = None) -> list[DotItem]:
        """The dots drawn (of one area, or all)."""
        if key is not None:
            return list(self._dots.get(key, []))
        return [dot for dots in self._dots.values() for dot in dots]

    def _set_points(self, key: int, points: tuple[tuple[float, float], ...]) -> None:
        self._areas[key] = replace(self._areas[key], points=points)
        self._sync_dots()
        self.points_changed.emit(key, points)

    def _points_from_dots(self, key: int) -> tuple[tuple[float, float], ...]:
        return tuple(self.diagram.fraction(dot.pos()) for dot in self._dots.get(key, []))

    def place_point(self, shape: RegionShape, at: QPointF) -> bool:
        """Put a point at ``at`` on the current area, or on the area of ``shape``'s region."""
        area = self._areas.get(self._current) if self._current is not None else None
        if area is None or not self.area_path(area).contains(at):
            self._choose(shape)  # the owner picks or adds that region's area
            area = self._areas.get(self._current) if self._current is not None else None
            if area is None or not self.area_path(area).contains(at):
                return False
        self._set_points(area.key, (*area.points, self.diagram.fraction(at)))
        return True

    def remove_dots(self, dots: Iterable[DotItem]) -> None:
        keys = set()
        for dot in list(dots):
            if dot in self._dots.get(dot.key, []):
                self._dots[dot.key].remove(dot)
                self.scene().removeItem(dot)
                keys.add(dot.key)
        for key in keys:
            self._shown.pop(key, None)
            self._set_points(key, self._points_from_dots(key))

    # --- the mouse and the keyboard -----------------------------------------------------
    def _dot_at(self, position: QPoint) -> DotItem | None:
        for item in self.items(position):
            if isinstance(item, DotItem):
                return item
        return None

    def _choose(self, shape: RegionShape) -> None:
        self._chosen = (shape.region, shape.side)
        self._restyle()
        self.region_clicked.emit(shape.region, shape.side.value)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        position = event.position().toPoint()
        dot = self._dot_at(position)
        if dot is not None and self.editable:
            if event.button() == Qt.MouseButton.RightButton:
                self.remove_dots([dot])
                event.accept()
                return
            super().mousePressEvent(event)  # select it, and drag it
            return
        at = self.mapToScene(position)
        shape = self.diagram.shape_at(at)
        if event.button() == Qt.MouseButton.LeftButton and shape is not None:
            self.scene().clearSelection()
            shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if self.editable and (self.points_mode or shifted):
                self.place_point(shape, at)
            else:
                self._choose(shape)
            event.accept()
            return
        super().mousePressEvent(event)  # the background: pan the diagram

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        for key, area in list(self._areas.items()):
            moved = self._points_from_dots(key)
            if key in self._dots and moved != area.points:
                self._shown[key] = (
                    area.region,
                    area.side,
                    moved,
                    key == self._current,
                    self.editable,
                )  # the dots already stand there: nothing to redraw
                self._areas[key] = replace(area, points=moved)
                self.points_changed.emit(key, moved)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.editable:
            self.remove_dots(d for d in self.dots() if d.isSelected())
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def _on_region_hovered(self, item: RegionItem | None) -> None:
        self.hovered.emit("" if item is None else item.label)

    # --- zoom ---------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        """The zoom relative to the whole diagram fitted in the view (1.0)."""
        return self._zoom

    def fit(self) -> None:
        self.resetTransform()
        rect = self.diagram.rect.adjusted(-6, -6, 6, 6)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._zoom, self._fitted = 1.0, True

    def zoom_by(self, factor: float) -> None:
        wanted = min(max(self._zoom * factor, 1.0), MAX_ZOOM)
        if wanted == self._zoom:
            return
        self.scale(wanted / self._zoom, wanted / self._zoom)
        self._zoom, self._fitted = wanted, wanted == 1.0

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()
