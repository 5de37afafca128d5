"""Side effects: open ones first, then resolved; resolve and correct from here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mesodesk.core.services.side_effects import SideEffectView
from mesodesk.ui.record.tables import AMBER, RED, fill, read_only_table, selected_key

HEADERS = (
    "Side effect",
    "Severity",
    "Onset",
    "Resolved",
    "Days",
    "After session",
    "Area",
    "Suspected lot",
    "Action taken",
)


class SideEffectsTab(QWidget):
    resolve = Signal(int)
    edit = Signal(int, int)  # session id, side effect id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = read_only_table(HEADERS, stretch=8)
        self.resolve_button = QPushButton("Mark resolved…")
        self.edit_button = QPushButton("Correct…")
        row = QHBoxLayout()
        row.addWidget(self.resolve_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self._effects: dict[int, SideEffectView] = {}
        self.resolve_button.clicked.connect(self._on_resolve_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def show_effects(self, effects: tuple[SideEffectView, ...], today: dt.date) -> None:
        self._effects = {e.id: e for e in effects}
        rows, keys, colours = [], [], []
        for e in effects:
            severity = e.severity.label + (" (serious)" if e.serious else "")
            rows.append(
                [
                    e.type_name,
                    severity,
                    e.onset_on.isoformat(),
                    e.resolved_on.isoformat() if e.resolved_on else "open",
                    str(e.days_open(today)),
                    f"S{e.session_number} of {e.session_date.isoformat()}",
                    e.area or "—",
                    e.suspected_lot or "—",
                    e.action_taken or "—",
                ]
            )
            keys.append(e.id)
            colours.append((RED if e.serious else AMBER) if e.open else None)
        fill(self.table, rows, keys, colours)
        self._update_buttons()

    def _selected(self) -> SideEffectView | None:
        key = selected_key(self.table)
        return self._effects.get(key) if isinstance(key, int) else None

    def _update_buttons(self) -> None:
        effect = self._selected()
        self.resolve_button.setEnabled(effect is not None and effect.open)
        self.edit_button.setEnabled(effect is not None)

    def _on_resolve_clicked(self) -> None:
        effect = self._selected()
        if effect is not None:
            self.resolve.emit(effect.id)

    def _on_edit_clicked(self) -> None:
        effect = self._selected()
        if effect is not None:
            self.edit.emit(effect.session_id, effect.id)
