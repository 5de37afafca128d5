"""History: who changed what, when, from what to what, and why."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from mesodesk.core.services.audit import Change
from mesodesk.ui.record.tables import fill, read_only_table

TABLE_WORDS = {
    "patient": "patient",
    "screening": "screening",
    "screening_allergy": "screening allergy",
    "consent": "consent",
    "course": "course",
    "treatment_session": "session",
    "cocktail_line": "cocktail line",
    "treated_area": "treated area",
    "side_effect": "side effect",
    "measurement": "measurement",
    "photo": "photo",
}
HIDDEN = {
    "id",
    "family_key",
    "given_key",
    "phone_digits",
    "findings_json",
    "recorded_at",
    "created_at",
    "map_points_json",
}
UNITS = {"ml": "mL", "mm": "mm", "min": "min"}


def field_words(name: str) -> str:
    words = name.split("_")
    if words[-1] in UNITS:
        return " ".join(words[:-1]) + f" ({UNITS[words[-1]]})"
    if words[-1] == "id":
        return " ".join(words[:-1])
    return " ".join(words)


def _value(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if not isinstance(value, dict | list) else json.dumps(value)


Names = dict[str, dict[str, str]]  # code field → code → words


def _shown(key: str, value: object, names: Names) -> str:
    if isinstance(value, str) and key in names:
        return names[key].get(value, value)
    return _value(value)


def change_words(change: Change, names: Names | None = None) -> str:
    """The change in words: catalogue codes as their names, internal ids left out."""
    names = names or {}
    if change.action == "insert":
        after = change.after or {}
        shown = [
            f"{field_words(k.removesuffix('_code'))}: {_shown(k, v, names)}"
            for k, v in after.items()
            if k not in HIDDEN and not k.endswith("_id") and v not in (None, "", False)
        ]
        return "; ".join(shown[:8])
    before, after = change.before or {}, change.after or {}
    return "; ".join(
        f"{field_words(k.removesuffix('_code'))}: {_shown(k, before.get(k), names)} → "
        f"{_shown(k, after.get(k), names)}"
        for k in change.changed_fields
        if k not in HIDDEN
    )


def action_words(change: Change) -> str:
    after = change.after or {}
    if change.action == "insert":
        return "added"
    if change.action == "delete":
        return "removed"
    if after.get("voided") is True:
        return "voided"
    if "archived" in after:
        return "archived" if after["archived"] else "restored"
    return "changed"


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter: a word, a field, a name…")
        self.filter.setClearButtonEnabled(True)
        self.table = read_only_table(
            ("When", "Who", "Did", "Record", "What changed", "Why"), stretch=4
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        self._rows: list[list[str]] = []
        self.filter.textChanged.connect(self._apply_filter)

    def show_changes(self, changes: list[Change], names: Names | None = None) -> None:
        self._rows = []
        for c in changes:
            local = c.at_utc.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")
            record = f"{TABLE_WORDS.get(c.table_name, c.table_name.replace('_', ' '))} {c.row_key}"
            self._rows.append(
                [local, c.actor, action_words(c), record, change_words(c), c.reason or "—"]
            )
        self._apply_filter()

    def _apply_filter(self) -> None:
        words = self.filter.text().strip().lower()
        rows = [r for r in self._rows if not words or words in " ".join(r).lower()]
        fill(self.table, rows)
