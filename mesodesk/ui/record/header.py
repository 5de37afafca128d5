"""The record's header: who the patient is and whether they may be treated."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mesodesk.core.enums import FindingLevel
from mesodesk.core.services.history import PatientHistory

BADGES = {
    None: ("Clear", "#1b5e20", "#e8f5e9"),
    FindingLevel.CAUTION: ("Caution", "#7a4500", "#fff3e0"),
    FindingLevel.BLOCK: ("Contraindicated", "#b00020", "#fdecea"),
}


class RecordHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLabel()
        self.name.setObjectName("patientName")
        self.name.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.name.setTextFormat(Qt.TextFormat.PlainText)  # a name shows as typed
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel()
        self.badge.setObjectName("screeningBadge")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)  # escaped words in colour
        layout = QHBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.facts)
        layout.addStretch(1)
        layout.addWidget(self.reasons, 2)
        layout.addWidget(self.badge)

    def show_patient(self, record: PatientHistory, today: dt.date) -> None:
        p = record.patient
        archived = " (archived)" if p.archived else ""
        self.name.setText(f"{p.family_name.upper()} {p.given_names}{archived}")
        self.facts.setText(
            f"{p.age_on(today)} years · {p.sex.label} · file {p.file_number}"
            f"{' · ' + p.phone if p.phone else ''}"
        )
        if record.screenings:
            current = record.screenings[0]
            word, colour, background = BADGES[current.level]
            reasons = "; ".join(f.message for f in current.findings)
            when = f"screened {current.data.screened_on.isoformat()}"
        else:
            word, colour, background = "Not screened", "#7a4500", "#fff3e0"
            reasons, when = "No screening on file.", ""
        self.badge.setText(word)
        self.badge.setStyleSheet(
            f"color: {colour}; background: {background}; padding: 6px 12px;"
            f" border: 1px solid {colour}; border-radius: 4px;"
            " font-weight: 600;"
        )
        self.badge.setToolTip(reasons)
        self.reasons.setText(
            f"<span style='color:{colour}'>{html.escape(reasons)}</span>"
            f"<br><span style='color:#666'>{when}</span>"
        )
