"""Side effects seen during the session, tied to one of its areas and lots."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from mesodesk.core.enums import Severity
from mesodesk.core.services.catalogue import CodeName
from mesodesk.core.services.side_effects import SideEffectData
from mesodesk.ui.session_editor.rows import RowTable
from mesodesk.ui.session_editor.widgets import choice_box, select_value, value_of


class SideEffectRows(RowTable):
    HEADERS = ("Side effect", "Severity", "Area", "Suspected lot", "Notes")
    STRETCH = 4
    ADD_TEXT = "Add side effect seen today"

    def __init__(self, types: list[CodeName], parent: QWidget | None = None) -> None:
        self._types = [(t.name, t.code) for t in types]
        self._areas: list[tuple[str, int]] = []
        self._lots: list[tuple[str, int]] = []
        super().__init__(parent)

    def make_row(self) -> list[QWidget]:
        kind = choice_box(self._types, searchable=True, placeholder="Type a side effect")
        severity = choice_box([(s.label, s) for s in Severity])
        area = choice_box(self._areas, placeholder="—")
        lot = choice_box(self._lots, placeholder="—")
        notes = QLineEdit()
        for box in (kind, severity, area, lot):
            box.currentIndexChanged.connect(self.changed)
        notes.textChanged.connect(self.changed)
        return [kind, severity, area, lot, notes]

    def set_choices(self, areas: list[tuple[str, int]], lots: list[tuple[str, int]]) -> None:
        """Refresh the area and lot choices from the rows above, keeping what was chosen."""
        self._areas, self._lots = areas, lots
        for row in range(self.table.rowCount()):
            for column, items in ((2, areas), (3, lots)):
                box = self.cell(row, column)
                assert isinstance(box, QComboBox)
                chosen = value_of(box)
                box.blockSignals(True)
                box.clear()
                box.addItem("—", None)
                for label, value in items:
                    box.addItem(label, value)
                select_value(box, chosen)
                if box.currentIndex() < 0:
                    box.setCurrentIndex(0)
                box.blockSignals(False)

    def data(self, onset: dt.date) -> tuple[SideEffectData, ...]:
        found = []
        for row in range(self.table.rowCount()):
            kind, severity, area, lot, notes = (self.cell(row, c) for c in range(5))
            assert isinstance(kind, QComboBox) and isinstance(severity, QComboBox)
            assert isinstance(area, QComboBox) and isinstance(lot, QComboBox)
            assert isinstance(notes, QLineEdit)
            code = value_of(kind)
            if code is None:
                continue
            found.append(
                SideEffectData(
                    type_code=code,
                    severity=severity.currentData(),
                    onset_on=onset,
                    area_index=value_of(area),
                    suspected_lot_id=value_of(lot),
                    notes=notes.text(),
                )
            )
        return tuple(found)

    def incomplete_rows(self) -> int:
        return sum(
            value_of(box) is None
            for box in (self.cell(r, 0) for r in range(self.table.rowCount()))
            if isinstance(box, QComboBox)
        )
