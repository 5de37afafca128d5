"""Small pieces every form uses: dates, numbers that may be empty, the error line."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDoubleSpinBox, QLabel, QSpinBox, QWidget

DATE_FORMAT = "yyyy-MM-dd"


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(value: dt.date | None = None, parent: QWidget | None = None) -> QDateEdit:
    """A date field with a calendar, shown as 2026-09-01."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDate(to_qdate(value or dt.date.today()))
    return edit


def optional_int(
    minimum: int, maximum: int, suffix: str = "", parent: QWidget | None = None
) -> QSpinBox:
    """A whole-number field whose lowest position means "not given" (shown as "—")."""
    box = QSpinBox(parent)
    box.setRange(minimum - 1, maximum)
    box.setSpecialValueText("—")
    box.setSuffix(suffix)
    box.setValue(minimum - 1)
    return box


def optional_float(
    minimum: float,
    maximum: float,
    decimals: int = 1,
    suffix: str = "",
    parent: QWidget | None = None,
) -> QDoubleSpinBox:
    """A decimal field whose lowest position means "not given" (shown as "—")."""
    box = QDoubleSpinBox(parent)
    step = 10**-decimals
    box.setDecimals(decimals)
    box.setRange(minimum - step, maximum)
    box.setSingleStep(step)
    box.setSpecialValueText("—")
    box.setSuffix(suffix)
    box.setValue(minimum - step)
    return box


def int_value(box: QSpinBox) -> int | None:
    return None if box.value() == box.minimum() else box.value()


def float_value(box: QDoubleSpinBox) -> float | None:
    return None if box.value() == box.minimum() else round(box.value(), box.decimals())


def set_optional(box: QSpinBox | QDoubleSpinBox, value: float | None) -> None:
    box.setValue(box.minimum() if value is None else value)  # type: ignore[arg-type]


class ErrorLine(QLabel):
    """A red line under a form that says what is wrong; hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorLine")
        self.setStyleSheet("color: #b00020; font-weight: 600;")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")
