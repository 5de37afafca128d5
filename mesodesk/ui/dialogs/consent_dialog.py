"""Recording a signed consent with the version of its text."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind
from mesodesk.core.services import screening
from mesodesk.ui.dialogs.base import FormDialog
from mesodesk.ui.forms import date_edit, from_qdate

KIND_WORDS = {ConsentKind.TREATMENT: "Treatment", ConsentKind.PHOTOS: "Photographs"}


class ConsentDialog(FormDialog):
    def __init__(self, db: Database, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Record a consent", parent)
        self.db = db
        self.patient_id = patient_id
        self.kind = QComboBox()
        for kind, words in KIND_WORDS.items():
            self.kind.addItem(words, kind)
        self.text_version = QLineEdit()
        self.text_version.setPlaceholderText("version of the consent text, e.g. 3")
        self.signed_on = date_edit(dt.date.today())
        self.form.addRow("Consent to", self.kind)
        self.form.addRow("Text version", self.text_version)
        self.form.addRow("Signed on", self.signed_on)
        self.fields.update({"Consent text version": self.text_version, "Signed on": self.signed_on})
        self.resize(400, 160)
        self.watch()

    def commit(self) -> int:
        return screening.record_consent(
            self.db,
            self.patient_id,
            self.kind.currentData(),
            self.text_version.text(),
            from_qdate(self.signed_on.date()),
        )
