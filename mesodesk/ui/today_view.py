"""The Today view: who is due, which side effects to follow up, which lots run out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.enums import Severity
from mesodesk.core.services import catalogue, courses, side_effects
from mesodesk.ui.events import events_for

ALARM = QColor("#b00020")
EXPIRY_DAYS = 30
VISIBLE_ROWS = 8
WATCHED_TABLES = frozenset(
    {"patient", "course", "treatment_session", "side_effect", "lot", "product"}
)
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class TodayRow:
    """One line of a pane: its cells, what a double-click opens, which cells are red."""

    cells: tuple[str, ...]
    key: int
    alarm: frozenset[int] = field(default=frozenset())


class TodayTableModel(QAbstractTableModel):
    """A short read-only table of :class:`TodayRow`."""

    KEY_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[TodayRow] = []

    def set_rows(self, rows: list[TodayRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def key(self, row: int) -> int | None:
        return self._rows[row].key if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if not 0 <= column < len(row.cells):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in row.alarm:
            return QBrush(ALARM)
        if role == self.KEY_ROLE:
            return row.key
        return None


class TodaySection(QWidget):
    """A heading with a count, then the table, or a sentence when there is nothing."""

    activated = Signal(int)  # the row's key

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        empty: str,
        parent: QWidget | None = None,
        stretch: int = -1,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionHeading")
        self.empty = QLabel(empty, self)
        self.empty.setStyleSheet("color: palette(mid); padding: 4px 0 10px 2px;")
        self.model = TodayTableModel(headers, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # One column (the longest words) takes what is left and elides: no sideways scroll.
        header.setSectionResizeMode(stretch % len(headers), QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.heading, self.empty):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        self.set_rows([])

    def set_rows(self, rows: list[TodayRow]) -> None:
        self.model.set_rows(rows)
        self.heading.setText(f"<h3 style='margin:6px 0 2px 0'>{self._title} ({len(rows)})</h3>")
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        # Short lists stay short; long ones show VISIBLE_ROWS and scroll.
        header_height = self.table.horizontalHeader().sizeHint().height()
        row_height = self.table.verticalHeader().defaultSectionSize()
        shown = min(max(len(rows), 1), VISIBLE_ROWS)
        self.table.setFixedHeight(header_height + row_height * shown + 2 * self.table.frameWidth())

    def row_texts(self) -> list[tuple[str, ...]]:
        """What the pane shows, row by row (for tests and screen readers)."""
        model = self.model
        return [
            tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
            for r in range(model.rowCount())
        ]

    def _on_activated(self, index: QModelIndex) -> None:
        key = self.model.key(index.row())
        if key is not None:
            self.activated.emit(key)


def _session_of(number: int, planned: int) -> str:
    return f"{number} of {planned}" if number <= planned else f"{number} (maintenance)"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


class TodayView(QWidget):
    """Three panes for the start of the day; a double-click opens the patient."""

    patient_requested = Signal(int)
    lot_requested = Signal(int)

    def __init__(
        self, db: Database, parent: QWidget | None = None, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._fixed_today = today
        self._shown_day: dt.date | None = None
        self.title = QLabel(self)
        self.title.setObjectName("todayTitle")
        self.due = TodaySection(
            "Sessions due or overdue",
            ("Patient", "File number", "Phone", "Indication", "Session", "Due", "When"),
            "No session is due today.",
            self,
            stretch=3,
        )
        self.side_effects = TodaySection(
            "Open side effects to follow up",
            ("Patient", "File number", "Side effect", "Severity", "Since", "Session", "Area"),
            "No side effect is waiting to be followed up.",
            self,
        )
        self.lots = TodaySection(
            f"Lots expired or expiring within {EXPIRY_DAYS} days",
            ("Product", "Lot", "Expiry", "Status"),
            f"No lot has expired or expires in the next {EXPIRY_DAYS} days.",
            self,
        )
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(8, 8, 8, 8)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        for section in (self.due, self.side_effects, self.lots):
            inner.addWidget(section)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.due.activated.connect(self.patient_requested)
        self.side_effects.activated.connect(self.patient_requested)
        self.lots.activated.connect(self.lot_requested)
        events_for(db).changed.connect(self._on_database_changed)
        self.refresh()

    def today(self) -> dt.date:
        return self._fixed_today or dt.date.today()

    def refresh(self) -> None:
        today = self.today()
        self._shown_day = today
        self.title.setText(
            f"<h2 style='margin:0'>Today, {today.isoformat()}</h2>"
            f"<span style='color:gray'>{today.strftime('%A')}</span>"
        )
        self.due.set_rows(self._due_rows(today))
        self.side_effects.set_rows(self._side_effect_rows(today))
        self.lots.set_rows(self._lot_rows(today))

    def _due_rows(self, today: dt.date) -> list[TodayRow]:
        rows = []
        for item in courses.due_courses(self._db, today, within_days=0):
            late = item.days_overdue(today)
            when = "due today" if late <= 0 else f"{_days(late)} overdue"
            rows.append(
                TodayRow(
                    cells=(
                        item.patient_name,
                        item.file_number,
                        item.phone,
                        item.indication_name,
                        _session_of(item.sessions_done + 1, item.planned_sessions),
                        item.due_date.isoformat(),
                        when,
                    ),
                    key=item.patient_id,
                    alarm=frozenset({6}) if late > 0 else frozenset(),
                )
            )
        return rows

    def _side_effect_rows(self, today: dt.date) -> list[TodayRow]:
        rows = []
        for effect in side_effects.open_side_effects(self._db):
            severity = effect.severity.label + (", serious" if effect.serious else "")
            alarming = effect.serious or effect.severity == Severity.SEVERE
            rows.append(
                TodayRow(
                    cells=(
                        effect.patient_name,
                        effect.file_number,
                        effect.type_name,
                        severity,
                        f"{effect.onset_on.isoformat()} ({_days(effect.days_open(today))})",
                        f"{effect.session_number} on {effect.session_date.isoformat()}",
                        effect.area,
                    ),
                    key=effect.patient_id,
                    alarm=frozenset({3}) if alarming else frozenset(),
                )
            )
        return rows

    def _lot_rows(self, today: dt.date) -> list[TodayRow]:
        rows = []
        found = catalogue.lots(self._db, expiring_within=EXPIRY_DAYS)
        # What needs doing soonest first: lots still usable (soonest expiry first), then
        # the expired ones, most recent first; long-gone lots sink to the bottom.
        usable = [lot for lot in found if lot.days_left(today) >= 0]
        expired = [lot for lot in found if lot.days_left(today) < 0]
        for lot in usable + expired[::-1]:
            left = lot.days_left(today)
            if left < 0:
                status = f"expired {_days(-left)} ago"
            elif left == 0:
                status = "expires today"
            else:
                status = f"in {_days(left)}"
            rows.append(
                TodayRow(
                    cells=(lot.product_name, lot.lot_number, lot.expiry_date.isoformat(), status),
                    key=lot.id,
                    alarm=frozenset({2, 3}) if left < 0 else frozenset(),
                )
            )
        return rows

    def showEvent(self, event: QShowEvent) -> None:
        # A window left open overnight shows the new day when it comes back into view.
        if self._shown_day != self.today():
            self.refresh()
        super().showEvent(event)

    def _on_database_changed(self, change: ChangeSet) -> None:
        if change.tables & WATCHED_TABLES:
            self.refresh()
