"""The cocktail: product lots (never an expired one), volumes and dilutions."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QWidget

from mesodesk.core.services.catalogue import LotView
from mesodesk.core.services.sessions import CocktailLineData
from mesodesk.ui.session_editor.rows import RowTable
from mesodesk.ui.session_editor.widgets import choice_box, select_value, value_of, volume_box


class CocktailTable(RowTable):
    HEADERS = ("Product · lot · expiry", "Volume", "Dilution")
    STRETCH = 0
    ADD_TEXT = "Add product lot"

    def __init__(self, parent: QWidget | None = None) -> None:
        self._lots: list[LotView] = []
        super().__init__(parent)

    def set_lots(self, lots: list[LotView]) -> None:
        """The lots usable on the session date; rows keep their lot if it is still there."""
        self._lots = lots
        for row in range(self.table.rowCount()):
            box = self.lot_box(row)
            chosen = value_of(box)
            self._fill(box)
            select_value(box, chosen)
        self.changed.emit()

    def _fill(self, box: QComboBox) -> None:
        box.blockSignals(True)
        box.clear()
        for lot in self._lots:
            box.addItem(lot.label, lot.id)
        box.setCurrentIndex(-1)
        box.blockSignals(False)

    def make_row(self) -> list[QWidget]:
        lot = choice_box([], searchable=True, placeholder="Type a product or lot number")
        lot.setMinimumContentsLength(40)
        self._fill(lot)
        volume = volume_box(value=2.0)
        dilution = QLineEdit()
        dilution.setPlaceholderText("neat")
        lot.currentIndexChanged.connect(self.changed)
        lot.editTextChanged.connect(self.changed)
        volume.valueChanged.connect(self.changed)
        dilution.textChanged.connect(self.changed)
        return [lot, volume, dilution]

    def lot_box(self, row: int) -> QComboBox:
        box = self.cell(row, 0)
        assert isinstance(box, QComboBox)
        return box

    def set_lines(self, lines: tuple[CocktailLineData, ...]) -> None:
        self.clear_rows()
        for line in lines:
            row = self.add_row()
            select_value(self.lot_box(row), line.lot_id)
            volume = self.cell(row, 1)
            assert isinstance(volume, QDoubleSpinBox)
            volume.setValue(line.volume_ml)
            dilution = self.cell(row, 2)
            assert isinstance(dilution, QLineEdit)
            dilution.setText(line.dilution)

    def lines(self) -> tuple[CocktailLineData, ...]:
        """The rows with a lot chosen; an unchosen row is left out (and said so by the form)."""
        found = []
        for row in range(self.table.rowCount()):
            lot_id = value_of(self.lot_box(row))
            volume = self.cell(row, 1)
            dilution = self.cell(row, 2)
            assert isinstance(volume, QDoubleSpinBox) and isinstance(dilution, QLineEdit)
            if lot_id is not None:
                found.append(CocktailLineData(int(lot_id), volume.value(), dilution.text()))
        return tuple(found)

    def incomplete_rows(self) -> int:
        return sum(value_of(self.lot_box(r)) is None for r in range(self.table.rowCount()))

    def labels(self) -> list[tuple[str, int]]:
        """(label, lot id) of the chosen lots, for the side-effect rows."""
        by_id = {lot.id: lot for lot in self._lots}
        return [
            (f"{by_id[line.lot_id].product_name} · {by_id[line.lot_id].lot_number}", line.lot_id)
            for line in self.lines()
            if line.lot_id in by_id
        ]

    def total_ml(self) -> float:
        return sum(line.volume_ml for line in self.lines())
