"""Ordinal scales on an axis: category names as ticks, severity bands behind the data."""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from mesodesk.core.enums import Scale
from mesodesk.core.services.catalogue import MetricInfo
from mesodesk.plots.markers import EndLabel
from mesodesk.plots.style import BAND_COLOURS, MUTED

LABEL_WIDTH = 18  # characters; longer category names wrap onto a second line


def is_ordinal(metric: MetricInfo) -> bool:
    return metric.scale == Scale.ORDINAL


def category_ticks(metric: MetricInfo) -> tuple[list[int], list[str]]:
    """Every value of the scale and the category name it stands for."""
    values = list(range(round(metric.min_value), round(metric.max_value) + 1))
    names = [textwrap.fill(metric.labels.get(v, str(v)), LABEL_WIDTH) for v in values]
    return values, names


def ordinal_axis(axes: Axes, metric: MetricInfo) -> list[EndLabel]:
    """Show the whole scale with named categories on the ticks; shade the severity bands.

    The bands' names go in the right margin beside them (returned as labels to place
    with the lines' own), where no value can be drawn over them.
    """
    axes.set_ylim(metric.min_value - 0.5, metric.max_value + 0.5)
    if metric.labels:
        values, names = category_ticks(metric)
        axes.set_yticks(values, names)
    else:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    labels: list[EndLabel] = []
    for index, (low, high, name) in enumerate(metric.bands):
        axes.axhspan(low - 0.5, high + 0.5, color=BAND_COLOURS[index % len(BAND_COLOURS)], zorder=0)
        labels.append(EndLabel((low + high) / 2, name, MUTED, band=True))
    return labels


def short_change(metric: MetricInfo, first: float, last: float) -> str | None:
    """Say "Grade III → Grade I" when both category names are short enough to read."""
    names = [metric.labels.get(round(v)) for v in (first, last)]
    if all(names) and max(len(n or "") for n in names) <= 12:
        return f"{names[0]} → {names[1]}"
    return None
