"""New patient and edit patient."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.services import patients
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.forms import date_edit, from_qdate, to_qdate


class PatientDialog(FormDialog):
    def __init__(
        self, db: Database, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit patient" if patient_id else "New patient", parent)
        self.db = db
        self.patient_id = patient_id
        self.file_number = QLineEdit()
        self.family_name = QLineEdit()
        self.given_names = QLineEdit()
        self.date_of_birth = date_edit(dt.date(1980, 1, 1))
        self.sex = QComboBox()
        for sex in Sex:
            self.sex.addItem(sex.label, sex)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(60)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        for label, widget, field in (
            ("File number", self.file_number, "File number"),
            ("Family name", self.family_name, "Family name"),
            ("Given names", self.given_names, "Given names"),
            ("Date of birth", self.date_of_birth, "Date of birth"),
            ("Sex", self.sex, "Sex"),
            ("Phone", self.phone, "Phone"),
            ("E-mail", self.email, "E-mail"),
            ("Address", self.address, "Address"),
            ("Notes", self.notes, "Notes"),
        ):
            self.form.addRow(label, widget)
            self.fields[field] = widget
        if patient_id is None:
            self.file_number.setText(patients.next_file_number(db))
        else:
            data = patients.patient_data(db, patient_id)
            self.file_number.setText(data.file_number)
            self.family_name.setText(data.family_name)
            self.given_names.setText(data.given_names)
            self.date_of_birth.setDate(to_qdate(data.date_of_birth))
            self.sex.setCurrentIndex(self.sex.findData(data.sex))
            self.phone.setText(data.phone)
            self.email.setText(data.email)
            self.address.setPlainText(data.address)
            self.notes.setPlainText(data.notes)
        self.resize(460, 480)
        self.watch()
        self.family_name.setFocus()

    def data(self) -> patients.PatientData:
        return patients.PatientData(
            file_number=self.file_number.text(),
            family_name=self.family_name.text(),
            given_names=self.given_names.text(),
            date_of_birth=from_qdate(self.date_of_birth.date()),
            sex=self.sex.currentData(),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.toPlainText(),
            notes=self.notes.toPlainText(),
        )

    def commit(self) -> int:
        if self.patient_id is None:
            return patients.create_patient(self.db, self.data())
        patients.update_patient(self.db, self.patient_id, self.data())
        return self.patient_id
