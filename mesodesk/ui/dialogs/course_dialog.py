"""Planning and editing a course, and changing its status."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import CourseStatus
from mesodesk.core.services import catalogue, courses
from mesodesk.core.services.courses import CourseData
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.dialogs.screening_dialog import _checked, _checklist
from mesodesk.ui.forms import date_edit, from_qdate, int_value, optional_int, set_optional


class CourseDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        patient_id: int,
        course_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit course" if course_id else "Plan a course", parent)
        self.db = db
        self.patient_id = patient_id
        self.course_id = course_id
        data = (
            courses.course_data(db, course_id)
            if course_id
            else CourseData("cellulite", 8, 14, dt.date.today())
        )
        self.indication = QComboBox()
        for item in catalogue.indications(db):
            self.indication.addItem(item.name, item.code)
        self.indication.setCurrentIndex(self.indication.findData(data.indication_code))
        regions = catalogue.regions(db)
        self.target_areas = _checklist(
            [(f"{r.name} — {r.group}", r.code) for r in regions], set(data.target_areas)
        )
        self.target_areas.setFixedHeight(160)
        self.planned = QSpinBox()
        self.planned.setRange(1, 100)
        self.planned.setValue(data.planned_sessions)
        self.interval = QSpinBox()
        self.interval.setRange(1, 365)
        self.interval.setSuffix(" days")
        self.interval.setValue(data.interval_days)
        self.maintenance = optional_int(1, 730, " days")
        set_optional(self.maintenance, data.maintenance_interval_days)
        self.start_date = date_edit(data.start_date)
        self.goal = QLineEdit(data.goal)
        self.form.addRow("Indication", self.indication)
        self.form.addRow("Target areas", self.target_areas)
        self.form.addRow("Planned sessions", self.planned)
        self.form.addRow("Every", self.interval)
        self.form.addRow("Then maintenance every", self.maintenance)
        self.form.addRow("Start date", self.start_date)
        self.form.addRow("Goal", self.goal)
        self.fields.update(
            {
                "Indication": self.indication,
                "Target areas": self.target_areas,
                "Planned sessions": self.planned,
                "Interval": self.interval,
                "Maintenance interval": self.maintenance,
                "Start date": self.start_date,
                "Goal": self.goal,
            }
        )
        self.resize(520, 480)
        self.watch()

    def data(self) -> CourseData:
        return CourseData(
            indication_code=self.indication.currentData(),
            planned_sessions=self.planned.value(),
            interval_days=self.interval.value(),
            start_date=from_qdate(self.start_date.date()),
            target_areas=tuple(str(code) for code in _checked(self.target_areas)),
            maintenance_interval_days=int_value(self.maintenance),
            goal=self.goal.text(),
        )

    def commit(self) -> int:
        if self.course_id is None:
            return courses.plan_course(self.db, self.patient_id, self.data())
        courses.update_course(self.db, self.course_id, self.data())
        return self.course_id


class CourseStatusDialog(FormDialog):
    """Pause, stop, complete or resume a course; pausing and stopping say why."""

    def __init__(self, db: Database, course_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Change the course's status", parent)
        self.db = db
        self.course_id = course_id
        current = courses.get_course(db, course_id)
        self.status = QComboBox()
        for status in CourseStatus:
            self.status.addItem(status.label, status)
        self.status.setCurrentIndex(self.status.findData(current.status))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("required to pause or stop, e.g. pregnant")
        self.form.addRow(f"{current.indication_name} course, now", self.status)
        self.form.addRow("Reason", self.reason)
        self.fields["Reason"] = self.reason
        self.resize(440, 140)
        self.watch()

    def commit(self) -> int:
        courses.set_course_status(
            self.db, self.course_id, self.status.currentData(), self.reason.text()
        )
        return self.course_id
