"""Session lines labelled S1…Sn, and the change from baseline written at each line's end."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import (
    Bbox,
    ScaledTranslation,
    TransformedBbox,
    blended_transform_factory,
)

from mesodesk.core.services.measurements import SessionMarker
from mesodesk.plots.style import MAINTENANCE_COLOUR, SESSION_COLOUR, SMALL

MIN_LABEL_GAP_PX = 26  # session labels closer than this are thinned out
SESSION_LABEL = "session-label"
SESSION_LABEL_HEIGHT_PT = SMALL * 1.25 + 2
LINE_HEIGHT = 1.25  # of the font size, between stacked end labels


@dataclass(frozen=True, slots=True)
class EndLabel:
    y: float  # data coordinates
    text: str
    colour: str
    band: bool = False  # the name of a severity band, not a line's change


def session_lines(
    figure: Figure, panels: Sequence[Axes], sessions: Sequence[SessionMarker], xs: Sequence[float]
) -> None:
    """A vertical line per session on every panel; S-labels along the top of the first."""
    for axes in panels:
        for maintenance in (False, True):
            chosen = [x for m, x in zip(sessions, xs, strict=True) if m.maintenance == maintenance]
            if not chosen:
                continue
            # One collection per style, kept out of autoscaling: cheap to draw, no axvline each.
            lines = LineCollection(
                [((x, 0.0), (x, 1.0)) for x in chosen],
                transform=axes.get_xaxis_transform(),
                colors=MAINTENANCE_COLOUR if maintenance else SESSION_COLOUR,
                linestyles=(0, (4, 3)) if maintenance else "solid",
                linewidths=0.8,
                alpha=0.8,
                zorder=0.8,
            )
            axes.add_collection(lines, autolim=False)
    if not sessions:
        return
    top = panels[0]
    width_px = top.get_position().width * figure.get_figwidth() * figure.dpi
    x_low, x_high = top.get_xlim()
    span = (x_high - x_low) or 1.0
    positions = [(x - x_low) / span * width_px for x in xs]
    shown: list[int] = []
    for index, position in enumerate(positions):
        if not shown or position - positions[shown[-1]] >= MIN_LABEL_GAP_PX:
            shown.append(index)
    last = len(sessions) - 1
    if shown[-1] != last:  # always name the latest session
        if positions[last] - positions[shown[-1]] < MIN_LABEL_GAP_PX and len(shown) > 1:
            shown.pop()
        shown.append(last)
    # Plain texts above the frame (an Axis of its own costs ~40 ms a draw), clipped to
    # the band over the plot so that zooming hides the labels of sessions out of view.
    above = blended_transform_factory(top.transData, top.transAxes) + ScaledTranslation(
        0, 2 / 72, figure.dpi_scale_trans
    )
    band = TransformedBbox(Bbox([[0.0, 0.0], [1.0, 2.0]]), top.transAxes)
    for i in shown:
        label = top.text(
            xs[i],
            1.0,
            f"S{sessions[i].number}",
            transform=above,
            ha="center",
            va="bottom",
            fontsize=SMALL - 0.5,
            color=MAINTENANCE_COLOUR if sessions[i].maintenance else "#555555",
            gid=SESSION_LABEL,
        )
        label.set_clip_path(None)
        label.set_clip_box(band)
        label.set_clip_on(True)


def legend_handles(has_maintenance: bool) -> list[Line2D]:
    handles = [
        Line2D([], [], color=SESSION_COLOUR, linewidth=1.0, label="session"),
    ]
    if has_maintenance:
        handles.append(
            Line2D(
                [], [], color=MAINTENANCE_COLOUR, linestyle=(0, (4, 3)), label="maintenance session"
            )
        )
    handles.append(Line2D([], [], color="#555555", linestyle=(0, (1, 2)), label="baseline"))
    return handles


def end_labels(figure: Figure, axes: Axes, labels: Sequence[EndLabel]) -> None:
    """Write each label just right of the plot at its line's last value, never overlapping."""
    if not labels:
        return
    low, high = axes.get_ylim()
    height_pt = axes.get_position().height * figure.get_figheight() * 72
    scale = height_pt / ((high - low) or 1.0)
    wanted = sorted(
        (((label.y - low) * scale, label) for label in labels if math.isfinite(label.y)),
        key=lambda pair: pair[0],
    )
    placed: list[float] = []
    previous_top = -math.inf
    for centre, label in wanted:
        half = label.text.count("\n") * SMALL * LINE_HEIGHT / 2 + SMALL * 0.65
        position = max(centre, previous_top + half)
        placed.append(position)
        previous_top = position + half
    overflow = previous_top - height_pt - SMALL * 2
    if overflow > 0:  # slide the stack down rather than off the top
        placed = [p - overflow for p in placed]
    for (centre, label), position in zip(wanted, placed, strict=True):
        axes.annotate(
            label.text,
            # Anchored just inside the frame: a label whose value is zoomed out of view hides.
            xy=(0.999, label.y),
            xycoords=("axes fraction", "data"),
            xytext=(7, position - centre),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=SMALL,
            fontstyle="italic" if label.band else "normal",
            color=label.colour,
            annotation_clip=True,
        )
