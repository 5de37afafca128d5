"""A Matplotlib figure on screen: the canvas, zoom and pan, and tooltips on hover."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_qt import NavigationToolbar2QT
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QPoint, QSize, QTimer
from PySide6.QtGui import QCursor, QIcon, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QVBoxLayout, QWidget

from mesodesk.plots import nearest

KEPT_TOOLS = ("Home", "Back", "Forward", "Pan", "Zoom")
RESIZE_DELAY_MS = 150


class PlotToolbar(NavigationToolbar2QT):
    """Zoom and pan only: saving goes through our Export button, margins are ours."""

    toolitems: list[tuple[str, ...] | tuple[None, ...]] = [  # noqa: RUF012
        t for t in NavigationToolbar2QT.toolitems if t[0] in KEPT_TOOLS
    ]

    def __init__(self, canvas: FigureCanvasQTAgg, parent: QWidget) -> None:
        with warnings.catch_warnings():
            # Matplotlib's icons read Qt's deprecated AA_UseHighDpiPixmaps on every paint:
            # plain icons from the same images instead.
            warnings.simplefilter("ignore", DeprecationWarning)
            super().__init__(canvas, parent, coordinates=False)  # type: ignore[no-untyped-call]
        images = Path(matplotlib.get_data_path()) / "images"
        files = {str(t[0]): str(t[2]) for t in self.toolitems}
        for action in self.actions():
            if action.text() in files:
                action.setIcon(QIcon(str(images / f"{files[action.text()]}_large.png")))


class PlotCanvas(QWidget):
    """A figure, its toolbar, and the words of the value under the pointer.

    Figures are laid out for the size they are built at (labels spaced, titles
    wrapped), so after a resize ``rebuild`` is called to draw them again from the
    data already read; not while the practitioner is zoomed in, which would lose it.
    """

    def __init__(
        self, parent: QWidget | None = None, rebuild: Callable[[], None] | None = None
    ) -> None:
        super().__init__(parent)
        self.rebuild = rebuild
        self._built_size = QSize()
        self._resized = QTimer(self)
        self._resized.setSingleShot(True)
        self._resized.setInterval(RESIZE_DELAY_MS)
        self._resized.timeout.connect(self._on_resized)
        # Our own timer rather than Matplotlib's draw_idle, whose bare single-shot timer
        # can fire after the window is gone; a child timer dies with its widget.
        self._paint = QTimer(self)
        self._paint.setSingleShot(True)
        self._paint.timeout.connect(self._draw)
        self.figure = Figure(dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(320, 240)
        self.toolbar = PlotToolbar(self.canvas, self)
        self.hover_text = ""
        self._home: list[tuple[float, ...]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)

    def redrawn(self) -> None:
        """After a builder drew into :attr:`figure`: forget old zooms, paint soon."""
        self.toolbar.update()
        self._home = self._limits()
        self._built_size = self.canvas.size()
        self._paint.start()

    def _draw(self) -> None:
        self.canvas.draw()  # type: ignore[no-untyped-call]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resized.start()

    def _on_resized(self) -> None:
        if self.rebuild and self.canvas.size() != self._built_size and not self.is_zoomed():
            self.rebuild()

    def _limits(self) -> list[tuple[float, ...]]:
        return [(*ax.get_xlim(), *ax.get_ylim()) for ax in self.figure.axes]

    def is_zoomed(self) -> bool:
        """Whether the practitioner zoomed or panned away from the view as drawn."""
        return self._limits() != self._home

    def _on_motion(self, event: MouseEvent) -> None:
        point = None if event.inaxes is None else nearest(self.figure, event.x, event.y)
        text = point.text if point else ""
        if text == self.hover_text:
            return
        self.hover_text = text
        if text:
            QToolTip.showText(QCursor.pos() + QPoint(12, 12), text, self.canvas)
        else:
            QToolTip.hideText()
