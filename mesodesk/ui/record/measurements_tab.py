"""Measurements: a table whose values can be corrected, each correction with a reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.services.measurements import MeasurementView

HEADERS = ("Date", "Measure", "Site", "Value", "Rater", "Recorded with")
VALUE = 3
Index = QModelIndex | QPersistentModelIndex


class MeasurementsModel(QAbstractTableModel):
    """One row per measurement; editing a value asks for it to be amended (with a reason)."""

    amend_requested = Signal(int, float)  # measurement id, new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeasurementView] = []
        self._sessions: dict[int, str] = {}

    def set_rows(self, rows: list[MeasurementView], sessions: dict[int, str]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._sessions = sessions
        self.endResetModel()

    def row_at(self, row: int) -> MeasurementView:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                m.measured_on.isoformat(),
                m.metric_name,
                m.site or "—",
                m.shown,
                m.rater.label,
                self._sessions.get(m.session_id or 0, "—"),
            )[column]
        if role == Qt.ItemDataRole.EditRole and column == VALUE:
            return m.value
        if role == Qt.ItemDataRole.ToolTipRole and column == VALUE:
            return "Double-click to correct the value (a reason is asked)."
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE and self._rows[index.row()].metric_code not in (
            "css_total",
            "bmi",
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        # The value changes only once the amendment (with its reason) is saved.
        if index.isValid() and role == Qt.ItemDataRole.EditRole and index.column() == VALUE:
            try:
                number = float(value)
            except (TypeError, ValueError):
                return False
            if number != self._rows[index.row()].value:
                self.amend_requested.emit(self._rows[index.row()].id, number)
        return False


class MeasurementsTab(QWidget):
    void = Signal(int)
    record = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MeasurementsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.record_button = QPushButton("Record measurements…")
        self.void_button = QPushButton("Void…")
        hint = QLabel("Double-click a value (or F2) to correct it.")
        hint.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.void_button)
        row.addWidget(hint)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view)
        self.record_button.clicked.connect(self.record)
        self.void_button.clicked.connect(self._on_void_clicked)

    def _on_void_clicked(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.void.emit(self.model.row_at(index.row()).id)
