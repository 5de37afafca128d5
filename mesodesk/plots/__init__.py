"""Matplotlib figure builders: data in, ``Figure`` out (no Qt, no pyplot)."""

from mesodesk.plots.analytics import cohort_figure, incidence_figure
from mesodesk.plots.hover import HoverPoint, hover_points, nearest
from mesodesk.plots.progress import progress_figure

__all__ = [
    "HoverPoint",
    "cohort_figure",
    "hover_points",
    "incidence_figure",
    "nearest",
    "progress_figure",
]
