"""A day's measurements outside a session: the baseline, a follow-up visit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QWidget

from mesodesk.core.db import Database
from mesodesk.core.services import catalogue, courses, measurements
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.forms import date_edit, from_qdate
from mesodesk.ui.session_editor.measurements import MeasurementsPanel


class MeasurementsDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        patient_id: int,
        course_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Record measurements", parent)
        self.db = db
        self.patient_id = patient_id
        self.measured_on = date_edit(dt.date.today())
        self.course = QComboBox()
        self.course.addItem("— no course —", None)
        indication = ""
        for course in courses.patient_courses(db, patient_id):
            self.course.addItem(
                f"{course.indication_name}, started {course.start_date.isoformat()} "
                f"({course.status.label.lower()})",
                course.id,
            )
            if course.id == course_id or (course_id is None and not indication):
                indication = course.indication_code
        self.course.setCurrentIndex(max(0, self.course.findData(course_id)))
        self.panel = MeasurementsPanel(
            catalogue.metrics(db, indication or None), indication or "cellulite"
        )
        self.panel.rows.add_row()
        self.form.addRow("Measured on", self.measured_on)
        self.form.addRow("Course", self.course)
        self.extra.addWidget(self.panel)
        self.fields.update({"Measurement date": self.measured_on, "Course": self.course})
        self.resize(760, 620)
        self.watch()

    def commit(self) -> int:
        problem = self.panel.rows.incomplete_rows()
        if problem:
            from mesodesk.core.errors import ValidationError

            raise ValidationError("Measurements", "choose a measure in every row or remove it")
        ids = measurements.record_measurements(
            self.db,
            self.patient_id,
            from_qdate(self.measured_on.date()),
            self.panel.data(),
            course_id=self.course.currentData(),
        )
        return len(ids)
