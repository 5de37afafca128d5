"""Treated areas: region and side, technique, needle, depth, points and volume."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from mesodesk.core.enums import Side
from mesodesk.core.services.catalogue import CodeName
from mesodesk.core.services.sessions import AreaData
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


class AreasTable(RowTable):
    HEADERS = ("Region", "Side", "Technique", "Needle", "Length", "Depth", "Points", "Volume")
    STRETCH = REGION
    ADD_TEXT = "Add treated area"

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
        self._map_points: dict[int, tuple[tuple[float, float], ...]] = {}
        super().__init__(parent)

    def make_row(self) -> list[QWidget]:
        region = choice_box(self._region_items, searchable=True, placeholder="Type a region")
        region.setMinimumContentsLength(24)
        side = QComboBox()
        technique = choice_box(self._technique_items, placeholder="—")
        technique.setMinimumContentsLength(18)
        gauge = choice_box(self._gauges, placeholder="—")
        length = choice_box(self._lengths, placeholder="—")
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
        return [region, side, technique, gauge, length, depth, points, volume]

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
        self._map_points = {i: a.map_points for i, a in enumerate(areas)}

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
                    map_points=self._map_points.get(row, ()),
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
