"""The body map with its diagram tabs, zoom buttons and a line saying what is under the pointer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabBar, QToolButton, QVBoxLayout, QWidget

from mesodesk.ui.bodymap.diagram import DIAGRAMS
from mesodesk.ui.bodymap.view import BodyMapView

EDIT_HINT = (
    "Click: choose a region. Shift+click: mark a point. Drag: move it. Right-click: remove it."
)
READ_HINT = "Click a region to see how often it was treated."


def _tool(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


class BodyMapPanel(QWidget):
    """A body map to chart on (``editable``) or to read, with its diagram chooser."""

    def __init__(
        self,
        region_names: dict[str, str],
        *,
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = BodyMapView(region_names, editable=editable)
        self.tabs = QTabBar()
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        for _name, _file, title in DIAGRAMS:
            self.tabs.addTab(title)
        self.zoom_out_button = _tool("−", "Zoom out (−, or the mouse wheel)")
        self.zoom_in_button = _tool("+", "Zoom in (+, or the mouse wheel)")
        self.fit_button = _tool("Fit", "Show the whole diagram (0)")
        self.points_button = _tool("Points", "Clicks mark injection points (or Shift+click)")
        self.points_button.setCheckable(True)
        self.points_button.setVisible(editable)
        self.status = QLabel(EDIT_HINT if editable else READ_HINT)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555;")
        # Two lines kept, so the map does not jump when the line changes.
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self._hint = self.status.text()
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.points_button,
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_button,
        ):
            tools.addWidget(button)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.tabs)
        layout.addWidget(self.view, 1)
        layout.addLayout(tools)
        layout.addWidget(self.status)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.view.diagram_changed.connect(self._on_diagram_changed)
        self.view.hovered.connect(self._on_hovered)
        self.zoom_in_button.clicked.connect(self.view.zoom_in)
        self.zoom_out_button.clicked.connect(self.view.zoom_out)
        self.fit_button.clicked.connect(self.view.fit)
        self.points_button.toggled.connect(self._on_points_toggled)

    def show_diagram(self, name: str) -> None:
        self.view.show_diagram(name)

    def set_tab_counts(self, counts: dict[str, int]) -> None:
        """Say on each tab how many areas it shows, e.g. “Front (3)”."""
        for index, (name, _file, title) in enumerate(DIAGRAMS):
            count = counts.get(name, 0)
            text = f"{title} ({count})" if count else title
            if self.tabs.tabText(index) != text:
                self.tabs.setTabText(index, text)

    def _on_tab_changed(self, index: int) -> None:
        name = DIAGRAMS[index][0]
        if name != self.view.diagram.name:
            self.view.show_diagram(name)

    def _on_diagram_changed(self, name: str) -> None:
        index = next(i for i, entry in enumerate(DIAGRAMS) if entry[0] == name)
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(False)

    def _on_hovered(self, text: str) -> None:
        self.status.setText(text or self._hint)

    def _on_points_toggled(self, on: bool) -> None:
        self.view.points_mode = on
        self.view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor
        )
