"""Shading regions by how often they were treated, and the legend that reads it."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mesodesk.ui.bodymap.items import WARNING

# One hue from light to dark, readable on the skin tone and by colour-blind eyes.
LIGHT = QColor(198, 219, 239)
DARK = QColor(8, 69, 148)
LEGEND_STEPS = 5


def shade(count: int, most: int) -> QColor:
    """The fill of a region treated in ``count`` sessions, when the most is ``most``."""
    t = 1.0 if most <= 1 else (count - 1) / (most - 1)
    t = min(max(t, 0.0), 1.0)
    colour = QColor(
        round(LIGHT.red() + (DARK.red() - LIGHT.red()) * t),
        round(LIGHT.green() + (DARK.green() - LIGHT.green()) * t),
        round(LIGHT.blue() + (DARK.blue() - LIGHT.blue()) * t),
    )
    colour.setAlpha(215)  # the outline of the drawing stays visible under it
    return colour


def legend_counts(most: int) -> list[int]:
    """The counts the legend shows: every one up to five, else five spread from 1 to most."""
    if most <= LEGEND_STEPS:
        return list(range(1, most + 1))
    return sorted({round(1 + (most - 1) * i / (LEGEND_STEPS - 1)) for i in range(LEGEND_STEPS)})


def _swatch(colour: QColor, text: str = "") -> QLabel:
    swatch = QLabel(text)
    swatch.setFixedSize(18, 14)
    swatch.setStyleSheet(
        f"background: {colour.name()}; border: 1px solid {colour.darker(150).name()};"
        "color: white; font-weight: bold; qproperty-alignment: AlignCenter;"
    )
    return swatch


class ShadeLegend(QWidget):
    """“Sessions: ■1 ■2 ■4 …   ! side effect” under a shaded map."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.show_counts(0)

    def show_counts(self, most: int) -> None:
        if most == getattr(self, "_most", None):
            return
        self._most = most
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()  # now, not when the deferred delete comes
                widget.deleteLater()
        self.labels: list[str] = []
        if most == 0:
            self._add(QLabel("No area treated in this course yet."))
            self._layout.addStretch(1)
            return
        self._add(QLabel("Sessions:"))
        for count in legend_counts(most):
            self._add(_swatch(shade(count, most)))
            self._add(QLabel(str(count)))
        self._layout.addSpacing(16)
        self._add(_swatch(WARNING, "!"))
        self._add(QLabel("side effect reported"))
        self._layout.addStretch(1)

    def _add(self, widget: QLabel) -> None:
        if widget.text() and widget.text() != "!":
            self.labels.append(widget.text())
        self._layout.addWidget(widget)
