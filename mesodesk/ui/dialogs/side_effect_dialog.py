"""Logging a side effect reported after a session, editing it, resolving it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity
from mesodesk.core.services import catalogue, side_effects
from mesodesk.core.services.history import course_sessions
from mesodesk.core.services.sessions import session_data
from mesodesk.core.services.side_effects import SideEffectData
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.forms import date_edit, from_qdate, to_qdate


def _optional_date(value: dt.date | None) -> tuple[QCheckBox, QWidget]:
    box = QCheckBox()
    edit = date_edit(value or dt.date.today())
    box.setChecked(value is not None)
    edit.setEnabled(value is not None)
    box.toggled.connect(edit.setEnabled)
    return box, edit


class SideEffectDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        session_id: int,
        effect_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit side effect" if effect_id else "Log a side effect", parent)
        self.db = db
        self.session_id = session_id
        self.effect_id = effect_id
        course_id = session_data(db, session_id).course_id
        record = next(r for r in course_sessions(db, [course_id])[course_id] if r.id == session_id)
        self.kind = QComboBox()
        for item in catalogue.side_effect_types(db):
            self.kind.addItem(item.name, item.code)
        self.severity = QComboBox()
        for severity in Severity:
            self.severity.addItem(severity.label, severity)
        self.serious = QCheckBox("Serious (hospitalisation, lasting harm)")
        self.onset = date_edit(record.started_at.date() + dt.timedelta(days=1))
        self.area = QComboBox()
        self.area.addItem("—", None)
        for area in record.areas:
            self.area.addItem(area.label, area.area_id)
        self.lot = QComboBox()
        self.lot.addItem("—", None)
        for line in record.cocktail:
            self.lot.addItem(f"{line.product} · lot {line.lot_number}", line.lot_id)
        self.action = QLineEdit()
        self.resolved_set, self.resolved_on = _optional_date(None)
        self.reported = QCheckBox("Reported to a regulator")
        self.reported_on = date_edit(dt.date.today())
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why this is corrected")
        when = record.started_at.strftime("%Y-%m-%d")
        self.form.addRow("After session", QLineEdit(f"S{record.number} of {when}", readOnly=True))
        self.form.addRow("Side effect", self.kind)
        self.form.addRow("Severity", self.severity)
        self.form.addRow("", self.serious)
        self.form.addRow("Onset", self.onset)
        self.form.addRow("Area", self.area)
        self.form.addRow("Suspected lot", self.lot)
        self.form.addRow("Action taken", self.action)
        self.form.addRow("Resolved", self.resolved_set)
        self.form.addRow("Resolved on", self.resolved_on)
        self.form.addRow("", self.reported)
        self.form.addRow("Reported on", self.reported_on)
        self.form.addRow("Notes", self.notes)
        if effect_id is not None:
            self.form.addRow("Reason for the change", self.reason)
            self._load(effect_id)
        self.fields.update(
            {
                "Onset date": self.onset,
                "Resolved on": self.resolved_on,
                "Area": self.area,
                "Suspected lot": self.lot,
                "Reason": self.reason,
                "Reported on": self.reported_on,
            }
        )
        self.resize(480, 560)
        self.watch()

    def _load(self, effect_id: int) -> None:
        view = side_effects.side_effect_view(self.db, effect_id)
        self.kind.setCurrentIndex(self.kind.findData(view.type_code))
        self.severity.setCurrentIndex(self.severity.findData(view.severity))
        self.serious.setChecked(view.serious)
        self.onset.setDate(to_qdate(view.onset_on))
        self.area.setCurrentIndex(max(0, self.area.findData(view.area_id)))
        self.lot.setCurrentIndex(max(0, self.lot.findData(view.suspected_lot_id)))
        self.action.setText(view.action_taken)
        if view.resolved_on:
            self.resolved_set.setChecked(True)
            self.resolved_on.setDate(to_qdate(view.resolved_on))  # type: ignore[attr-defined]
        self.reported.setChecked(view.reported_to_regulator)
        if view.reported_on:
            self.reported_on.setDate(to_qdate(view.reported_on))
        self.notes.setPlainText(view.notes)

    def data(self) -> SideEffectData:
        return SideEffectData(
            type_code=self.kind.currentData(),
            severity=self.severity.currentData(),
            onset_on=from_qdate(self.onset.date()),
            area_id=self.area.currentData(),
            suspected_lot_id=self.lot.currentData(),
            serious=self.serious.isChecked(),
            resolved_on=from_qdate(self.resolved_on.date())  # type: ignore[attr-defined]
            if self.resolved_set.isChecked()
            else None,
            action_taken=self.action.text(),
            reported_to_regulator=self.reported.isChecked(),
            reported_on=from_qdate(self.reported_on.date()) if self.reported.isChecked() else None,
            notes=self.notes.toPlainText(),
        )

    def commit(self) -> int:
        if self.effect_id is None:
            return side_effects.add_side_effect(self.db, self.session_id, self.data())
        side_effects.update_side_effect(self.db, self.effect_id, self.data(), self.reason.text())
        return self.effect_id


class ResolveSideEffectDialog(FormDialog):
    SAVE_TEXT = "Mark resolved"

    def __init__(self, db: Database, effect_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Side effect resolved", parent)
        self.db = db
        self.effect_id = effect_id
        self.resolved_on = date_edit(dt.date.today())
        self.action = QLineEdit()
        self.action.setPlaceholderText("what was done, e.g. arnica gel, reassurance")
        self.form.addRow("Resolved on", self.resolved_on)
        self.form.addRow("Action taken", self.action)
        self.fields.update({"Resolved on": self.resolved_on, "Action taken": self.action})
        self.resize(420, 140)
        self.watch()

    def commit(self) -> int:
        side_effects.resolve_side_effect(
            self.db, self.effect_id, from_qdate(self.resolved_on.date()), self.action.text()
        )
        return self.effect_id
