"""A new screening, prefilled from the current one so only what changed is typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.services import catalogue, screening
from mesodesk.core.services.screening import CONDITION_FIELDS, ScreeningData
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.forms import date_edit, from_qdate

CONDITION_LABELS = {
    "diabetes": "Diabetes",
    "cancer": "Cancer",
    "heart_disease": "Heart disease",
    "severe_hypertension": "Severe hypertension",
    "kidney_failure": "Kidney failure",
    "gallstones": "Gallstones",
    "pacemaker": "Pacemaker",
    "cortisone_therapy": "Cortisone therapy",
    "keloid_history": "History of keloids",
    "autoimmune_disease": "Autoimmune disease",
}


def _checklist(items: Sequence[tuple[str, object]], chosen: set[object]) -> QListWidget:
    widget = QListWidget()
    for label, value in items:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setFixedHeight(110)
    return widget


def _checked(widget: QListWidget) -> list[object]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


class ScreeningDialog(FormDialog):
    def __init__(self, db: Database, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("New screening", parent)
        self.db = db
        self.patient_id = patient_id
        current = screening.current_screening(db, patient_id)
        base = current.data if current else ScreeningData(dt.date.today())
        self.screened_on = date_edit(dt.date.today())
        self.pregnant = QCheckBox("Pregnant")
        self.breastfeeding = QCheckBox("Breastfeeding")
        self.allergies = QLineEdit()
        self.allergies.setPlaceholderText("as the patient says it, e.g. none known, lidocaine")
        self.allergy_ingredients = _checklist(
            [(i.name, i.code) for i in catalogue.ingredients(db)],
            {str(i) for i in base.allergy_ingredient_ids},
        )
        self.medication = QLineEdit()
        self.anticoagulant = QCheckBox("Anticoagulant or bleeding disorder")
        self.lesion = QCheckBox("Active infection or skin lesion at a site")
        self.lesion_regions = _checklist(
            [(f"{r.name} — {r.group}", r.code) for r in catalogue.regions(db)],
            set(base.lesion_regions),
        )
        self.conditions = {name: QCheckBox(CONDITION_LABELS[name]) for name in CONDITION_FIELDS}
        grid = QGridLayout()
        for index, box in enumerate(self.conditions.values()):
            grid.addWidget(box, index // 2, index % 2)
        conditions = QGroupBox("Other conditions")
        conditions.setLayout(grid)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(50)
        self.form.addRow("Screened on", self.screened_on)
        self.form.addRow("", self.pregnant)
        self.form.addRow("", self.breastfeeding)
        self.form.addRow("Allergies", self.allergies)
        self.form.addRow("Allergic to (catalogue)", self.allergy_ingredients)
        self.form.addRow("Current medication", self.medication)
        self.form.addRow("", self.anticoagulant)
        self.form.addRow("", self.lesion)
        self.form.addRow("Lesion sites", self.lesion_regions)
        self.form.addRow(conditions)
        self.form.addRow("Notes", self.notes)
        self.fields.update(
            {
                "Screening date": self.screened_on,
                "Allergies": self.allergies,
                "Medication": self.medication,
                "Lesion sites": self.lesion_regions,
            }
        )
        self.pregnant.setChecked(base.pregnant)
        self.breastfeeding.setChecked(base.breastfeeding)
        self.allergies.setText(base.allergies)
        self.medication.setText(base.medication)
        self.anticoagulant.setChecked(base.anticoagulant_or_bleeding_disorder)
        self.lesion.setChecked(base.active_infection_or_lesion)
        for name, box in self.conditions.items():
            box.setChecked(bool(getattr(base, name)))
        self.lesion_regions.setEnabled(self.lesion.isChecked())
        self.lesion.toggled.connect(self.lesion_regions.setEnabled)
        self.resize(620, 760)
        self.watch()

    def data(self) -> ScreeningData:
        return ScreeningData(
            screened_on=from_qdate(self.screened_on.date()),
            pregnant=self.pregnant.isChecked(),
            breastfeeding=self.breastfeeding.isChecked(),
            allergies=self.allergies.text(),
            allergy_ingredient_ids=tuple(int(str(i)) for i in _checked(self.allergy_ingredients)),
            medication=self.medication.text(),
            anticoagulant_or_bleeding_disorder=self.anticoagulant.isChecked(),
            active_infection_or_lesion=self.lesion.isChecked(),
            lesion_regions=tuple(str(r) for r in _checked(self.lesion_regions))
            if self.lesion.isChecked()
            else (),
            notes=self.notes.toPlainText(),
            **{name: box.isChecked() for name, box in self.conditions.items()},
        )

    def commit(self) -> int:
        return screening.record_screening(self.db, self.patient_id, self.data())
