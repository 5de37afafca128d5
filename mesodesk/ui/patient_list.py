"""The patient list: a table model over ids with a block cache, and the pane around it.

The model holds only the matching ids; a row's columns are read with their block of
:data:`BLOCK` rows (one :func:`patient_rows` call) when the view first asks for one of
them, so 20 000 patients cost one id query and a block per screenful.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.services import patient_list as service
from mesodesk.core.services.patient_list import PatientFilter, PatientRow
from mesodesk.ui.events import events_for

BLOCK = 100
MAX_CACHED_BLOCKS = 40  # 4 000 rows: a long scroll does not keep the whole practice in memory
SEARCH_DELAY_MS = 120
NARROW_PANE = 520  # pixels; below it the Last session column steps aside
OVERDUE = QColor("#b00020")
ARCHIVED = QColor("#808080")
WATCHED_TABLES = frozenset({"patient", "course", "treatment_session", "side_effect"})
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# The columns, declared as data: heading and what the cell shows.
COLUMNS: tuple[tuple[str, Callable[[PatientRow], str]], ...] = (
    ("File number", lambda p: p.file_number),
    ("Name", lambda p: p.name + (" (archived)" if p.archived else "")),
    ("Age", lambda p: str(p.age)),
    ("Indication", lambda p: p.indication),
    ("Last session", lambda p: _date(p.last_session)),
    ("Next due", lambda p: _date(p.next_due)),
)
HEADERS = tuple(heading for heading, _ in COLUMNS)
FILE, NAME, AGE, INDICATION, LAST, NEXT = range(len(COLUMNS))


class PatientListModel(QAbstractTableModel):
    """Matching patients, one row each; columns read a block at a time."""

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._query = ""
        self._kind = PatientFilter.ALL
        self._today = dt.date.today()
        self._ids: list[int] = []
        self._blocks: OrderedDict[int, dict[int, PatientRow]] = OrderedDict()
        self.reload()

    # --- what is listed -----------------------------------------------------------
    @property
    def query(self) -> str:
        return self._query

    @property
    def kind(self) -> PatientFilter:
        return self._kind

    def set_search(self, query: str, kind: PatientFilter | None = None) -> None:
        self._query = query
        if kind is not None:
            self._kind = kind
        self.reload()

    def reload(self) -> None:
        """Read the matching ids again; keep the rows in place when they did not change."""
        self._today = dt.date.today()
        ids = service.patient_ids(self._db, self._query, self._kind, self._today)
        if ids == self._ids:
            self._blocks.clear()
            if ids:
                last = self.index(len(ids) - 1, len(HEADERS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._ids = ids
        self._blocks.clear()
        self.endResetModel()

    def patient_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, patient_id: int) -> int | None:
        try:
            return self._ids.index(patient_id)
        except ValueError:
            return None

    def cached_rows(self) -> int:
        return sum(len(block) for block in self._blocks.values())

    def _patient(self, row: int) -> PatientRow | None:
        number = row // BLOCK
        block = self._blocks.get(number)
        if block is None:
            ids = self._ids[number * BLOCK : (number + 1) * BLOCK]
            block = service.patient_rows(self._db, ids, self._today)
            self._blocks[number] = block
            while len(self._blocks) > MAX_CACHED_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        return block.get(self._ids[row])

    # --- QAbstractItemModel ---------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == PATIENT_ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        patient = self._patient(index.row())
        if patient is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column][1](patient) if 0 <= column < len(COLUMNS) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(patient, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if patient.archived:
                return QBrush(ARCHIVED)
            if column == NEXT and patient.next_due and patient.next_due < self._today:
                return QBrush(OVERDUE)
            return None
        if column == AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, patient: PatientRow, column: int) -> str | None:
        if column == NAME:
            text = f"{patient.name}, born {patient.date_of_birth.isoformat()}"
            if patient.open_side_effects:
                text += f"\n{patient.open_side_effects} open side effect(s)"
            return text
        if column == NEXT and patient.next_due and patient.next_due < self._today:
            late = (self._today - patient.next_due).days
            return f"Overdue by {late} day{'s' if late != 1 else ''}"
        return None


class PatientListPane(QWidget):
    """Search box, filter and the list; emits ``patient_opened`` on Enter or double-click."""

    patient_opened = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.model = PatientListModel(db, self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Name, file number, phone or birth date")
        self.search.setToolTip("Find a patient as you type (Ctrl+F); accents are ignored")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox(self)
        for kind in PatientFilter:
            self.filter.addItem(kind.label, kind.value)
        self.filter.setToolTip("Which patients to list")
        self.count = QLabel(self)
        self.count.setObjectName("patientCount")
        self.count.setStyleSheet("color: palette(mid);")

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self._set_up_table()

        heading = QLabel("<b>Patients</b>", self)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.count)
        find = QHBoxLayout()
        find.addWidget(self.search, 3)
        find.addWidget(self.filter, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.search, self.filter)
        self.setTabOrder(self.filter, self.table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._on_search_return)
        self.search.installEventFilter(self)
        self.filter.currentIndexChanged.connect(self._apply_search)
        self.table.activated.connect(self._on_activated)
        self.model.modelReset.connect(self._update_count)
        events_for(db).changed.connect(self._on_database_changed)
        self._update_count()

    def _set_up_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        # Fixed widths: sizing to contents would read every row of a 20 000-row list.
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = table.fontMetrics()
        widths = {
            FILE: metrics.horizontalAdvance("2026-00000") + 8,
            AGE: metrics.horizontalAdvance("Age") + 14,
            INDICATION: metrics.horizontalAdvance("Skin rejuvenation") + 10,
            LAST: metrics.horizontalAdvance("2026-09-01") + 12,
            NEXT: metrics.horizontalAdvance("2026-09-01") + 12,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Beside a wide patient record the pane is narrow: the name matters more than
        # the last session's date, which the record shows anyway.
        self.table.setColumnHidden(LAST, event.size().width() < NARROW_PANE)
        super().resizeEvent(event)

    # --- searching ------------------------------------------------------------------
    def flush_search(self) -> None:
        """Apply a search still waiting for its debounce delay."""
        if self._timer.isActive():
            self._timer.stop()
            self._apply_search()

    def _apply_search(self) -> None:
        kind = PatientFilter(self.filter.currentData() or PatientFilter.ALL)
        previous = self.current_patient_id()
        self.model.set_search(self.search.text(), kind)
        self._select(previous)
        self._update_count()

    def _on_search_return(self) -> None:
        self.flush_search()
        if self.model.rowCount() == 0:
            return
        if self.current_patient_id() is None:
            self.table.selectRow(0)
        self.open_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box walks into the list, as in a mail client.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.flush_search()
            if self.model.rowCount():
                self.table.setFocus()
                if self.current_patient_id() is None:
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- opening --------------------------------------------------------------------
    def current_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        selected = self.table.selectionModel().isRowSelected(index.row(), QModelIndex())
        return self.model.patient_id(index.row()) if index.isValid() and selected else None

    def open_current(self) -> None:
        patient_id = self.current_patient_id()
        if patient_id is not None:
            self.patient_opened.emit(patient_id)

    def _on_activated(self, index: QModelIndex) -> None:
        patient_id = self.model.patient_id(index.row())
        if patient_id is not None:
            self.patient_opened.emit(patient_id)

    def _select(self, patient_id: int | None) -> None:
        row = self.model.row_of(patient_id) if patient_id is not None else None
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def show_patient(self, patient_id: int) -> None:
        """Select ``patient_id`` if listed (after a new patient, or from the Today view)."""
        self._select(patient_id)

    # --- keeping up to date ---------------------------------------------------------
    def _on_database_changed(self, change: ChangeSet) -> None:
        if change.tables & WATCHED_TABLES:
            previous = self.current_patient_id()
            self.model.reload()
            self._select(previous)
            self._update_count()

    def _update_count(self) -> None:
        rows = self.model.rowCount()
        query = self.search.text().strip()
        if rows:
            self.count.setText(f"{rows:,} patient{'s' if rows != 1 else ''}".replace(",", " "))
        elif query:
            self.count.setText(f"No patient matches “{query}”")
        elif self.model.kind != PatientFilter.ALL:
            self.count.setText("No patient in this list")
        else:
            self.count.setText("No patient yet: Patient ▸ New patient… (Ctrl+N)")
