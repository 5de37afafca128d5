"""Margins fixed in inches, from measured text: a layout as cheap as a resize.

Matplotlib's constrained layout measures every artist on every draw (about 200 ms
for a three-panel course plot); zooming and panning redraw often. Our figures know
which texts stick out of the axes, so they measure those once and keep the margins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import LayoutEngine

POINTS_PER_INCH = 72.0


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, POINTS_PER_INCH)  # type: ignore[no-untyped-call]


def text_width_in(lines: Iterable[str], size: float) -> float:
    """The width in inches of the widest of ``lines`` (each may hold line breaks)."""
    renderer = _renderer()
    font = FontProperties(size=size)
    widest = 0.0
    for text in lines:
        for line in text.split("\n"):
            if line:
                width, _, _ = renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
                    line, font, ismath=False
                )
                widest = max(widest, float(width))
    return widest / POINTS_PER_INCH


def line_height_in(size: float, lines: int = 1) -> float:
    return lines * size * 1.25 / POINTS_PER_INCH


@dataclass(frozen=True, slots=True)
class Margins:
    """Space around and between the panels, in inches."""

    left: float
    right: float
    top: float
    bottom: float
    between_rows: float = 0.0
    between_columns: float = 0.0


class FixedMargins(LayoutEngine):
    """Keep the same margins in inches whatever size the figure is given."""

    _adjust_compatible = True
    _colorbar_gridspec = True

    def __init__(self, margins: Margins, rows: int = 1, columns: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.margins = margins
        self.rows = rows
        self.columns = columns

    def execute(self, fig: Any) -> None:
        width, height = fig.get_size_inches()
        m = self.margins
        plot_width = max(width - m.left - m.right, 0.5)
        plot_height = max(height - m.top - m.bottom, 0.5)
        panel_height = max((plot_height - m.between_rows * (self.rows - 1)) / self.rows, 0.1)
        panel_width = max((plot_width - m.between_columns * (self.columns - 1)) / self.columns, 0.1)
        fig.subplots_adjust(
            left=min(m.left / width, 0.45),
            right=max(1 - m.right / width, 0.55),
            top=max(1 - m.top / height, 0.55),
            bottom=min(m.bottom / height, 0.45),
            hspace=m.between_rows / panel_height,
            wspace=m.between_columns / panel_width,
        )


def fix_margins(figure: Figure, margins: Margins, rows: int = 1, columns: int = 1) -> None:
    engine = FixedMargins(margins, rows, columns)
    figure.set_layout_engine(engine)
    engine.execute(figure)
