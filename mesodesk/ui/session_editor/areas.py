"""Treated areas: region and side, technique, needle, depth, points and volume.

Each row has a key that stays with it when other rows come and go; the body map names
areas by that key, and the injection points placed on the map are kept under it.
"""

from __future__ import annotations

from itertools import count

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from mesodesk.core.enums import Side
from mesodesk.core.services.catalogue import CodeName
from mesodesk.core.services.sessions import AreaData
from mesodesk.ui.bodymap import MapArea
from mesodesk.ui.forms import float_value, int_value, set_optional
from mesodesk.ui.session_editor.rows import RowTable
from mesodesk.ui.session_editor.widgets import (
    choice_box,
    depth_box,
    points_box,
    select_value,
    value_of,
    volume_box,
)

REGION, SIDE, TECHNIQUE, GAUGE, LENGTH, DEPTH, POINTS, VOLUME = range(8)
KEY = "area_key"  # the property of a row's region box that holds the row's key
Points = tuple[tuple[float, float], ...]


class AreasTable(RowTable):
    HEADERS = ("Region", "Side", "Technique", "Needle", "Length", "Depth", "Points", "Volume")
    STRETCH = REGION
    ADD_TEXT = "Add treated area"
    current_area_changed = Signal(int)  # the key of the row being edited, -1 for none

    def __init__(
        self,
        regions: list[CodeName],
        techniques: list[CodeName],
        gauges: list[int],
        lengths: list[float],
        parent: QWidget | None = None,
    ) -> None:
        self._regions = {r.code: r for r in regions}
        self._region_items = [(f"{r.name} — {r.group}", r.code) for r in regions]
        self._techniques = {t.code: t for t in techniques}
        self._technique_items = [(t.name, t.code) for t in techniques]
        self._gauges = [(f"{g} G", g) for g in gauges]
        self._lengths = [(f"{length:g} mm", length) for length in lengths]
        self._map_points: dict[int, Points] = {}
        self._keys = count(1)
        super().__init__(parent)
        self.table.currentCellChanged.connect(self._on_current_cell_changed)

    def make_row(self) -> list[QWidget]:
        region = choice_box(self._region_items, searchable=True, placeholder="Type a region")
        region.setMinimumContentsLength(24)
        side = QComboBox()
        # A fixed width with room for "Midline": the column does not follow later texts.
        side.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        side.setMinimumContentsLength(5)
        technique = choice_box(self._technique_items, placeholder="—")
        technique.setMinimumContentsLength(18)
        gauge = choice_box(self._gauges, placeholder="—")
        length = choice_box(self._lengths, placeholder="—")
        for box in (gauge, length):
            box.setMinimumContentsLength(5)  # "30 G", "13 mm": room for the region beside the map
        depth, points, volume = depth_box(), points_box(), volume_box(value=1.0)
        region.currentIndexChanged.connect(lambda _i, r=region, s=side: self._sides_for(r, s))
        technique.currentIndexChanged.connect(
            lambda _i, t=technique, d=depth: self._default_depth(t, d)
        )
        for box in (region, side, technique, gauge, length):
            box.currentIndexChanged.connect(self.changed)
        for spin in (depth, points, volume):
            spin.valueChanged.connect(self.changed)
        self._sides_for(region, side)
        region.setProperty(KEY, next(self._keys))
        for box in (region, side):
            # Choosing a row's region or side, by mouse or keyboard, makes it the current row.
            box.activated.connect(lambda _i, r=region: self._make_current(r))
        row = [region, side, technique, gauge, length, depth, points, volume]
        for widget in row:
            widget.installEventFilter(self)
            line = widget.lineEdit() if isinstance(widget, QComboBox) else None
            if line is not None:
                line.installEventFilter(self)  # a typed box takes the focus in its line
        return row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Working in a row's box makes it the current row, so the map shows that area.
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            cell = (
                watched
                if isinstance(watched, QComboBox | QAbstractSpinBox)
                else watched.parentWidget()
            )
            row = self.table.indexAt(cell.geometry().center()).row() if cell else -1
            if row >= 0 and row != self.table.currentRow():
                self.table.setCurrentCell(row, REGION)
        return super().eventFilter(watched, event)

    def _make_current(self, region_box: QComboBox) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, REGION) is region_box:
                if row != self.table.currentRow():
                    self.table.setCurrentCell(row, REGION)
                return

    def _sides_for(self, region_box: QComboBox, side_box: QComboBox) -> None:
        region = self._regions.get(value_of(region_box) or "")
        sides = (
            (Side.LEFT, Side.RIGHT, Side.BOTH)
            if region is None or region.sided
            else (Side.MIDLINE,)
        )
        current = side_box.currentData()
        side_box.blockSignals(True)
        side_box.clear()
        for side in sides:
            side_box.addItem(side.label, side)
        side_box.blockSignals(False)
        if current in sides:
            select_value(side_box, current)

    def _default_depth(self, technique_box: QComboBox, depth: QDoubleSpinBox) -> None:
        technique = self._techniques.get(value_of(technique_box) or "")
        if technique is not None and float_value(depth) is None and technique.depth_min_mm:
            middle = (
                technique.depth_min_mm + (technique.depth_max_mm or technique.depth_min_mm)
            ) / 2
            depth.setValue(round(middle * 2) / 2)

    def _box(self, row: int, column: int) -> QComboBox:
        box = self.cell(row, column)
        assert isinstance(box, QComboBox)
        return box

    def _spin(self, row: int, column: int) -> QDoubleSpinBox | QSpinBox:
        spin = self.cell(row, column)
        assert isinstance(spin, QDoubleSpinBox | QSpinBox)
        return spin

    def set_areas(self, areas: tuple[AreaData, ...]) -> None:
        self.clear_rows()
        for area in areas:
            row = self.add_row()
            select_value(self._box(row, REGION), area.region_code)
            select_value(self._box(row, SIDE), Side(area.side))
            select_value(self._box(row, TECHNIQUE), area.technique_code)
            select_value(self._box(row, GAUGE), area.needle_gauge)
            select_value(self._box(row, LENGTH), area.needle_length_mm)
            set_optional(self._spin(row, DEPTH), area.depth_mm)
            set_optional(self._spin(row, POINTS), area.points)
            volume = self._spin(row, VOLUME)
            assert isinstance(volume, QDoubleSpinBox)
            volume.setValue(area.volume_ml)
        self._map_points = {self.key_of(row): a.map_points for row, a in enumerate(areas)}
        self.changed.emit()  # the map learns the points only now

    def areas(self) -> tuple[AreaData, ...]:
        """The rows with a region and a technique; others are incomplete."""
        found = []
        for row in range(self.table.rowCount()):
            region, technique = (
                value_of(self._box(row, REGION)),
                value_of(self._box(row, TECHNIQUE)),
            )
            if region is None or technique is None:
                continue
            depth, points = self._spin(row, DEPTH), self._spin(row, POINTS)
            assert isinstance(depth, QDoubleSpinBox) and isinstance(points, QSpinBox)
            found.append(
                AreaData(
                    region_code=region,
                    side=self._box(row, SIDE).currentData() or Side.MIDLINE,
                    technique_code=technique,
                    volume_ml=self._spin(row, VOLUME).value(),
                    needle_gauge=value_of(self._box(row, GAUGE)),
                    needle_length_mm=value_of(self._box(row, LENGTH)),
                    depth_mm=float_value(depth),
                    points=int_value(points),
                    map_points=self._map_points.get(self.key_of(row), ()),
                )
            )
        return tuple(found)

    def incomplete_rows(self) -> int:
        return self.table.rowCount() - len(self.areas())

    def labels(self) -> list[tuple[str, int]]:
        """(label, index among the complete areas), for the side-effect rows."""
        labels = []
        for index, area in enumerate(self.areas()):
            name = self._regions[area.region_code].name
            side = Side(area.side)
            labels.append((f"{name} ({side.value})" if side != Side.MIDLINE else name, index))
        return labels

    def totals(self) -> tuple[int, float]:
        areas = self.areas()
        return sum(a.points or 0 for a in areas), sum(a.volume_ml for a in areas)

    # --- the body map's side ----------------------------------------------------------
    def key_of(self, row: int) -> int:
        return int(self._box(row, REGION).property(KEY))

    def row_of(self, key: int) -> int | None:
        for row in range(self.table.rowCount()):
            if self.key_of(row) == key:
                return row
        return None

    def current_key(self) -> int | None:
        row = self.table.currentRow()
        return self.key_of(row) if 0 <= row < self.table.rowCount() else None

    def _on_current_cell_changed(self, row: int, *_previous: int) -> None:
        self.current_area_changed.emit(self.key_of(row) if row >= 0 else -1)

    def map_areas(self) -> list[MapArea]:
        """The rows with a region, as the body map shows them."""
        found = []
        for row in range(self.table.rowCount()):
            region = value_of(self._box(row, REGION))
            if region is not None:
                side = self._box(row, SIDE).currentData() or Side.MIDLINE
                key = self.key_of(row)
                found.append(MapArea(key, region, Side(side), self._map_points.get(key, ())))
        return found

    def choose_area(self, region: str, side: Side) -> int:
        """Select the row of ``region`` on ``side`` (a 'both' row counts), adding it if none.

        A new area goes into an empty row if there is one; it starts from the technique,
        needle and depth of the last row filled in, as areas of one sitting mostly share them.
        """
        for row in range(self.table.rowCount()):
            chosen_side = self._box(row, SIDE).currentData()
            if value_of(self._box(row, REGION)) == region and chosen_side in (side, Side.BOTH):
                self.table.setCurrentCell(row, REGION)
                return self.key_of(row)
        model = next(
            (
                r
                for r in reversed(range(self.table.rowCount()))
                if value_of(self._box(r, TECHNIQUE)) is not None
            ),
            None,
        )
        empty = [r for r in range(self.table.rowCount()) if value_of(self._box(r, REGION)) is None]
        # One "changed" for the whole row, not one per box: the editor recounts on each.
        self.blockSignals(True)
        try:
            row = empty[0] if empty else self.add_row()
            select_value(self._box(row, REGION), region)
            select_value(self._box(row, SIDE), side)
            if model is not None and model != row:
                for column in (TECHNIQUE, GAUGE, LENGTH):
                    select_value(self._box(row, column), self._box(model, column).currentData())
                depth, new_depth = self._spin(model, DEPTH), self._spin(row, DEPTH)
                assert isinstance(depth, QDoubleSpinBox) and isinstance(new_depth, QDoubleSpinBox)
                if float_value(depth) is not None:
                    new_depth.setValue(depth.value())
            self.table.setCurrentCell(row, REGION)
        finally:
            self.blockSignals(False)
        self.changed.emit()
        self.current_area_changed.emit(self.key_of(row))
        return self.key_of(row)

    def set_map_points(self, key: int, points: Points) -> None:
        """The points marked on the map for a row; its number of points follows them."""
        self._map_points[key] = tuple(points)
        row = self.row_of(key)
        if row is not None:
            set_optional(self._spin(row, POINTS), len(points) or None)
        self.changed.emit()

    def map_points(self, key: int) -> Points:
        return self._map_points.get(key, ())
