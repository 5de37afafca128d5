"""A course's progress: one panel per metric, one line per site, the sessions marked."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Literal

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from mesodesk.core.enums import Better
from mesodesk.core.services.measurements import ProgressPoint, ProgressSeries
from mesodesk.plots.hover import HoverPoint, register
from mesodesk.plots.layout import Margins, fix_margins, line_height_in, text_width_in
from mesodesk.plots.markers import (
    SESSION_LABEL_HEIGHT_PT,
    EndLabel,
    end_labels,
    legend_handles,
    session_lines,
)
from mesodesk.plots.ordinal import is_ordinal, ordinal_axis, short_change
from mesodesk.plots.style import (
    FONT_SIZE,
    MUTED,
    SMALL,
    TITLE_SIZE,
    colour,
    message,
    new_figure,
    signed,
    tidy,
)

XAxis = Literal["dates", "weeks"]
XFunction = Callable[[dt.date], float]
# date2num is slow per call; a day is one unit on a dates axis, counted from the epoch.
_EPOCH_ORDINAL = dt.date.fromisoformat(mdates.get_epoch()[:10]).toordinal()  # type: ignore[no-untyped-call]
PANEL_HEIGHT_IN = 2.1


def progress_figure(
    series: Sequence[ProgressSeries],
    *,
    x_axis: XAxis = "dates",
    figure: Figure | None = None,
    width_in: float = 7.5,
) -> Figure:
    """Small multiples of a course's outcome series, sharing the time axis.

    Series of the same metric (several sites) share a panel. A value missing on a day
    the metric was measured elsewhere is a gap in the line, never an invented value.
    """
    panels = _panels(series)
    fig = new_figure(width_in, 0.9 + PANEL_HEIGHT_IN * max(1, len(panels)), figure)
    if not any(s.points for s in series):
        message(fig, "No measurements in this course yet." if series else "Choose a metric.")
        register(fig, [])
        return fig
    first = series[0]
    start, sessions = first.course_start, first.sessions

    def to_x(day: dt.date) -> float:
        if x_axis == "weeks":
            return (day - start).days / 7
        return date_number(day)

    axes = list(fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0])
    hover: list[HoverPoint] = []
    labels: list[list[EndLabel]] = []
    for ax, panel in zip(axes, panels, strict=True):
        labels.append(_draw_panel(ax, panel, to_x, hover))
    xs = [to_x(p.measured_on) for s in series for p in s.points]
    session_xs = [to_x(m.date) for m in sessions]
    _x_limits(axes[0], xs + session_xs, x_axis)
    _x_format(axes[-1], x_axis, start)
    margins = _margins(axes, labels, bool(sessions))
    fix_margins(fig, margins, rows=len(axes))
    _place_axis_words(fig, axes, margins, bool(sessions))
    session_lines(fig, axes, sessions, session_xs)
    for ax, panel_labels in zip(axes, labels, strict=True):
        end_labels(fig, ax, panel_labels)
    fig.legend(
        handles=legend_handles(any(m.maintenance for m in sessions)),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=3,
        frameon=False,
        fontsize=SMALL,
    )
    register(fig, hover)
    return fig


def _place_axis_words(fig: Figure, axes: list[Axes], margins: Margins, sessions: bool) -> None:
    """Put titles and axis words where the margins left room for them.

    Fixed positions spare Matplotlib measuring every tick label on every draw to place
    them (half the drawing time of a three-panel plot); the y words line up too.
    """
    ticks_in = margins.left - line_height_in(FONT_SIZE, _word_lines(axes)) - 0.22
    for index, ax in enumerate(axes):
        title = ax.get_title(loc="left")
        pad = 4 + (SESSION_LABEL_HEIGHT_PT if index == 0 and sessions else 0)
        ax.set_title(title, loc="left", y=1.0, pad=pad, fontsize=TITLE_SIZE, fontweight="bold")
        shift = ScaledTranslation(-(ticks_in + 0.1), 0, fig.dpi_scale_trans)
        ax.yaxis.set_label_coords(0.0, 0.5, transform=ax.transAxes + shift)
    drop = ScaledTranslation(0, -(line_height_in(SMALL) + 0.1), fig.dpi_scale_trans)
    axes[-1].xaxis.set_label_coords(0.5, 0.0, transform=axes[-1].transAxes + drop)


def _word_lines(axes: list[Axes]) -> int:
    return max(ax.get_ylabel().count("\n") + 1 for ax in axes)


def _margins(axes: list[Axes], labels: list[list[EndLabel]], sessions: bool) -> Margins:
    """Room for the tick names and axis words on the left, the change labels on the right."""
    ticks = [
        text
        for ax in axes
        for text in ax.yaxis.get_major_formatter().format_ticks(list(ax.get_yticks()))
    ]
    words = _word_lines(axes)
    title = line_height_in(TITLE_SIZE) + 0.08
    return Margins(
        left=text_width_in(ticks, SMALL) + line_height_in(FONT_SIZE, words) + 0.22,
        right=text_width_in((label.text for panel in labels for label in panel), SMALL) + 0.2,
        top=title + (SESSION_LABEL_HEIGHT_PT / 72 if sessions else 0.0) + 0.06,
        bottom=line_height_in(SMALL, 2) + line_height_in(FONT_SIZE) + line_height_in(SMALL) + 0.2,
        between_rows=title + 0.2,
    )


def date_number(day: dt.date) -> float:
    """A date as Matplotlib plots it on a dates axis (days since its epoch)."""
    return float(day.toordinal() - _EPOCH_ORDINAL)


def _panels(series: Sequence[ProgressSeries]) -> list[list[ProgressSeries]]:
    by_metric: dict[str, list[ProgressSeries]] = {}
    for one in series:
        by_metric.setdefault(one.metric.code, []).append(one)
    return list(by_metric.values())


def _with_gaps(
    one: ProgressSeries, days: list[dt.date]
) -> list[tuple[dt.date, ProgressPoint | None]]:
    """The series on the panel's measuring days: None where its value is missing."""
    if not one.points:
        return []
    first, last = one.points[0].measured_on, one.points[-1].measured_on
    by_day: dict[dt.date, list[ProgressPoint | None]] = {}
    for point in one.points:
        by_day.setdefault(point.measured_on, []).append(point)
    return [
        (day, point) for day in days if first <= day <= last for point in by_day.get(day) or [None]
    ]


def _draw_panel(
    ax: Axes, panel: list[ProgressSeries], to_x: XFunction, hover: list[HoverPoint]
) -> list[EndLabel]:
    tidy(ax)
    metric = panel[0].metric
    ordinal = is_ordinal(metric)
    days = sorted({p.measured_on for s in panel for p in s.points})
    labels: list[EndLabel] = []
    for index, one in enumerate(panel):
        points = _with_gaps(one, days)
        if not points:
            continue
        tint = colour(index)
        xs = [to_x(day) for day, _ in points]
        ys = [p.value if p else math.nan for _, p in points]
        ax.plot(
            xs,
            ys,
            color=tint,
            linewidth=1.8,
            marker="o",
            markersize=4.5,
            drawstyle="steps-post" if ordinal else "default",
            label=one.site or metric.short_name,
            zorder=3,
        )
        baseline = one.points[0]
        ax.axhline(baseline.value, color=tint, linewidth=0.9, linestyle=(0, (1, 2)), zorder=1)
        labels.append(EndLabel(one.points[-1].value, _end_text(one, len(panel) > 1), tint))
        hover.extend(
            HoverPoint(ax, to_x(p.measured_on), p.value, _hover_text(one, p)) for p in one.points
        )
    if not labels:
        ax.text(0.5, 0.5, "No values of this measure in the course.", ha="center",
                va="center", color=MUTED, fontsize=FONT_SIZE, transform=ax.transAxes)  # fmt: skip
    if ordinal:
        labels += ordinal_axis(ax, metric)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.margins(y=0.18)
    ax.set_title(metric.name, loc="left", fontsize=TITLE_SIZE, fontweight="bold")
    ax.set_ylabel(_axis_words(panel[0]), fontsize=FONT_SIZE)
    return labels


def _axis_words(one: ProgressSeries) -> str:
    metric = one.metric
    better = {Better.LOWER: "lower is better", Better.HIGHER: "higher is better"}.get(
        metric.better, ""
    )
    # Two short lines: a rotated label as tall as a small panel would run into the next.
    return "\n".join(part for part in (metric.unit, better) if part)


def _site_name(site: str) -> str:
    """The site's first words: "left thigh" from "left thigh, 15 cm above the patella"."""
    return site.split(",", maxsplit=1)[0].strip()


def _end_text(one: ProgressSeries, name_site: bool) -> str:
    metric = one.metric
    first, last = one.points[0], one.points[-1]
    if len(one.points) == 1:
        change = f"{metric.format(first.value)} (one value)"
    elif is_ordinal(metric):
        change = short_change(metric, first.value, last.value) or signed(last.change, 0)
        if first.change_pct is not None and not metric.labels and last.change_pct is not None:
            change += f" ({signed(last.change_pct, 0)} %)"
        bands = [metric.band(v) for v in (first.value, last.value)]
        if all(bands) and bands[0] != bands[1]:
            change += f"\n{bands[0]} → {bands[1]}"
    else:
        change = f"{signed(last.change, metric.decimals)} {metric.unit}".strip()
        if last.change_pct is not None:
            change += f" ({signed(last.change_pct, 1)} %)"
    site = _site_name(one.site)
    return f"{site}\n{change}" if site and name_site else change


def _hover_text(one: ProgressSeries, point: ProgressPoint) -> str:
    where = f" · {_site_name(one.site)}" if one.site else ""
    lines = [f"{point.measured_on.isoformat()}{where}", one.metric.format(point.value)]
    if point.session_number is not None:
        lines.append(f"Session {point.session_number}")
    else:
        same_day = [m for m in one.sessions if m.date == point.measured_on]
        lines.append(f"Day of session {same_day[0].number}" if same_day else "No session that day")
    return "\n".join(lines)


def _x_limits(ax: Axes, xs: list[float], x_axis: XAxis) -> None:
    low, high = min(xs), max(xs)
    day = 1 / 7 if x_axis == "weeks" else 1.0
    pad = max(3 * day, (high - low) * 0.03) if high > low else 7 * day
    ax.set_xlim(low - pad, high + pad)


def _x_format(ax: Axes, x_axis: XAxis, start: dt.date) -> None:
    if x_axis == "weeks":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
        ax.set_xlabel(f"Weeks since the course started ({start.isoformat()})", fontsize=FONT_SIZE)
        return
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
