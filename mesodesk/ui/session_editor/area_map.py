"""The treated areas beside their body map, kept showing the same areas.

The table stays the keyboard way and the record of what is saved; the map is another
way to choose a row (click a region) and the only way to mark injection points, which
the table keeps under the row's key and counts in the row's points.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from mesodesk.core.enums import Side
from mesodesk.core.services.catalogue import CodeName
from mesodesk.ui.bodymap import BodyMapPanel, MapArea
from mesodesk.ui.bodymap.diagram import diagram_of, load_diagram
from mesodesk.ui.session_editor.areas import AreasTable

MAP_WIDTH = 310
MAP_HEIGHT = 560


def points_inside(area: MapArea) -> tuple[tuple[float, float], ...]:
    """The area's points that lie on its region and side (none if it has no shape)."""
    name = diagram_of(area.region)
    if name is None:
        return ()
    diagram = load_diagram(name)
    shapes = diagram.shapes_of(area.region, area.side)
    return tuple(p for p in area.points if any(s.path.contains(diagram.point(p)) for s in shapes))


class AreasWithMap(QWidget):
    """The areas table with the body map at its right."""

    def __init__(
        self, table: AreasTable, regions: list[CodeName], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.map = BodyMapPanel({r.code: r.name for r in regions})
        self.map.setMinimumHeight(MAP_HEIGHT)
        self.map.setMinimumWidth(240)
        left = QWidget()  # the table keeps its rows' height at the top; the map takes the rest
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(table)
        column.addStretch(1)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.map)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([10_000, MAP_WIDTH])  # the spare width to the table
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._places: dict[int, tuple[str, Side]] = {}  # each row's region and side, last seen
        self._shown_current: tuple[int, str] | None = None
        self._opened = False
        self._areas: list[MapArea] | None = None
        self._current_key: int | None = None
        view = self.map.view
        table.changed.connect(self._on_table_changed)
        table.current_area_changed.connect(self._on_current_area_changed)
        view.region_clicked.connect(self._on_region_clicked)
        view.points_changed.connect(self._on_points_changed)
        self._on_table_changed()

    def _on_table_changed(self) -> None:
        areas = self.table.map_areas()
        if areas == self._areas and self.table.current_key() == self._current_key:
            return  # a technique, a depth or a volume changed: nothing the map shows
        self._areas, self._current_key = areas, self.table.current_key()
        for area in areas:
            before = self._places.get(area.key)
            if before is not None and before != (area.region, area.side):
                # The row now names another region or side: its points elsewhere go.
                kept = points_inside(area)
                if kept != area.points:
                    self._places[area.key] = (area.region, area.side)
                    self.table.set_map_points(area.key, kept)
                    return  # set_map_points said the table changed: this ran again
        self._places = {area.key: (area.region, area.side) for area in areas}
        self.map.view.set_areas(areas)
        counts: dict[str, int] = {}
        for area in areas:
            name = diagram_of(area.region)
            if name is not None:
                counts[name] = counts.get(name, 0) + 1
        self.map.set_tab_counts(counts)
        self._show_current()
        if self._shown_current is None and not self._opened and areas:
            # Opened on a saved or pre-filled session: show where its first area is.
            self._opened = True
            first = diagram_of(areas[0].region)
            if first is not None:
                self.map.show_diagram(first)

    def _show_current(self) -> None:
        """Follow the table's current row, turning to its diagram only when it changes."""
        key = self.table.current_key()
        area = next((a for a in self.map.view.areas() if a.key == key), None)
        now = (area.key, area.region) if area else None
        if now != self._shown_current:
            self._shown_current = now
            self.map.view.set_current(key)
        elif area is not None and self.map.view.current() != key:
            self.map.view.set_current(key)

    def _on_current_area_changed(self, _key: int) -> None:
        self._show_current()

    def _on_region_clicked(self, region: str, side: str) -> None:
        self.table.choose_area(region, Side(side))
        self._show_current()

    def _on_points_changed(self, key: int, points: tuple[tuple[float, float], ...]) -> None:
        self.table.set_map_points(key, points)
