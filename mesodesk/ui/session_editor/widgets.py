"""Small cell widgets the editor's tables share: a searchable combo and number boxes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDoubleSpinBox, QSpinBox, QWidget

from mesodesk.ui.forms import optional_float, optional_int


def choice_box(
    items: Sequence[tuple[str, Any]],
    parent: QWidget | None = None,
    *,
    searchable: bool = False,
    placeholder: str = "",
) -> QComboBox:
    """A combo of (label, value) pairs; searchable ones complete on any part of a label."""
    box = QComboBox(parent)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    if placeholder:
        box.addItem(placeholder, None)
    for label, value in items:
        box.addItem(label, value)
    if searchable:
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = box.completer()
        assert completer is not None
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        line = box.lineEdit()
        if placeholder and line is not None:
            line.setPlaceholderText(placeholder)
            box.setCurrentIndex(-1)
    return box


def select_value(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    box.setCurrentIndex(index)


def value_of(box: QComboBox) -> Any:
    """The chosen value; for an editable combo, only if the text names an item."""
    index = box.currentIndex()
    if index < 0:
        return None
    if box.isEditable() and box.currentText() != box.itemText(index):
        found = box.findText(box.currentText(), Qt.MatchFlag.MatchFixedString)
        return box.itemData(found) if found >= 0 else None
    return box.itemData(index)


def volume_box(parent: QWidget | None = None, value: float = 0.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setDecimals(2)
    box.setRange(0.0, 100.0)
    box.setSingleStep(0.1)
    box.setSuffix(" mL")
    box.setValue(value)
    return box


def depth_box(parent: QWidget | None = None) -> QDoubleSpinBox:
    return optional_float(0.5, 20.0, 1, " mm", parent)


def points_box(parent: QWidget | None = None) -> QSpinBox:
    return optional_int(1, 5000, "", parent)
