"""What a pointer over a plotted value should show: kept beside the figure, not in it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from matplotlib.axes import Axes
from matplotlib.figure import Figure

_POINTS: WeakKeyDictionary[Figure, tuple[HoverPoint, ...]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class HoverPoint:
    """A plotted value in data coordinates and the words that describe it."""

    axes: Axes
    x: float
    y: float
    text: str


def register(figure: Figure, points: Sequence[HoverPoint]) -> None:
    _POINTS[figure] = tuple(points)


def hover_points(figure: Figure) -> tuple[HoverPoint, ...]:
    """The points a builder registered for ``figure`` (none for a message figure)."""
    return _POINTS.get(figure, ())


def nearest(figure: Figure, x_px: float, y_px: float, radius_px: float = 8.0) -> HoverPoint | None:
    """The point drawn closest to a display position, if it lies within ``radius_px``."""
    best: HoverPoint | None = None
    best_distance = radius_px
    for point in hover_points(figure):
        if not point.axes.get_visible():
            continue
        px, py = point.axes.transData.transform((point.x, point.y))
        distance = math.hypot(px - x_px, py - y_px)
        if distance <= best_distance:
            best, best_distance = point, distance
    return best
