"""A table of editable rows with Add and Remove, the base of the editor's sections."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


class RowTable(QWidget):
    """Rows of cell widgets; subclasses say which widgets a row holds."""

    changed = Signal()
    HEADERS: tuple[str, ...] = ()
    STRETCH: int = 0  # the column that takes the spare width
    ADD_TEXT = "Add"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.STRETCH, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.ADD_TEXT)
        self.remove_button = QPushButton("Remove selected")
        self.summary = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.changed.connect(self._fit)
        self._fit()

    def _on_add_clicked(self) -> None:
        self.add_row()
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        first = self.table.cellWidget(self.table.rowCount() - 1, 0)
        if first is not None:
            first.setFocus()

    def _on_remove_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.rowCount() - 1]
        for row in rows:
            self.table.removeRow(row)
        self.changed.emit()

    def add_row(self) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, widget in enumerate(self.make_row()):
            self.table.setCellWidget(row, column, widget)
        self.changed.emit()
        return row

    def make_row(self) -> list[QWidget]:
        raise NotImplementedError

    def cell(self, row: int, column: int) -> QWidget:
        widget = self.table.cellWidget(row, column)
        assert widget is not None
        return widget

    def clear_rows(self) -> None:
        self.table.setRowCount(0)
        self.changed.emit()

    def _fit(self) -> None:
        # Show every row without an inner scroll bar: the editor itself scrolls.
        height = self.table.horizontalHeader().height() + 6
        for row in range(self.table.rowCount()):
            height += self.table.rowHeight(row)
        self.table.setMinimumHeight(max(height, 70))
        self.table.setMaximumHeight(max(height, 70))
