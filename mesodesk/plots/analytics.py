"""Across patients: change from baseline by protocol, and side-effect incidence."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from mesodesk.core.enums import Better
from mesodesk.core.services.analytics import CohortCurve, Incidence, IncidenceRow
from mesodesk.plots.hover import HoverPoint, register
from mesodesk.plots.layout import Margins, fix_margins, line_height_in, text_width_in
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

N_ROW_Y = 0.025  # axes fraction of the row of "n" under the curve
MIN_COURSES = 3  # fewer courses in a bucket: drawn hollow and not joined to the line


def cohort_figure(
    curves: Sequence[CohortCurve],
    *,
    figure: Figure | None = None,
    width_in: float = 9.0,
    height_in: float = 3.6,
) -> Figure:
    """One panel per protocol, side by side on a shared scale: the mean change from
    baseline by weeks since the course started, its 95 % confidence band and n."""
    fig = new_figure(width_in, height_in, figure)
    if not curves:
        message(fig, "Choose an indication or a protocol to compare.")
        register(fig, [])
        return fig
    axes = list(fig.subplots(1, len(curves), sharey=True, squeeze=False)[0])
    hover: list[HoverPoint] = []
    panel_in = (fig.get_figwidth() - 1.3) / len(curves)
    panel_height_in = fig.get_figheight() - 1.4
    title_chars = int(panel_in * 72 / (0.6 * TITLE_SIZE))
    for index, (ax, curve) in enumerate(zip(axes, curves, strict=True)):
        _cohort_panel(ax, curve, colour(index), hover, title_chars, panel_in, panel_height_in)
    axes[0].set_ylabel(_change_words(curves[0]), fontsize=FONT_SIZE)
    if all(not curve.points for curve in curves):
        axes[0].set_ylim(-1, 1)
    ticks = axes[0].yaxis.get_major_formatter().format_ticks(list(axes[0].get_yticks()))
    title_lines = max(ax.get_title(loc="left").count("\n") + 1 for ax in axes)
    margins = Margins(
        left=text_width_in(ticks, SMALL) + line_height_in(FONT_SIZE, 2) + 0.25,
        right=0.2,
        top=line_height_in(TITLE_SIZE, title_lines) + 0.15,
        bottom=line_height_in(SMALL) + line_height_in(FONT_SIZE) + line_height_in(SMALL) + 0.3,
        between_columns=0.35,
    )
    fix_margins(fig, margins, columns=len(axes))
    fig.legend(
        handles=[
            Line2D([], [], color="#555555", marker="o", markersize=4, label="mean change"),
            Patch(color="#555555", alpha=0.18, label="95 % confidence band"),
            Line2D([], [], color="#555555", marker="o", markersize=4, linestyle="none",
                   markerfacecolor="white", label=f"fewer than {MIN_COURSES} courses"),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=3,
        frameon=False,
        fontsize=SMALL,
    )  # fmt: skip
    register(fig, hover)
    return fig


def _change_words(curve: CohortCurve) -> str:
    metric = curve.metric
    unit = "%" if curve.percent else (metric.unit or "points")
    better = {Better.LOWER: "lower is better", Better.HIGHER: "higher is better"}.get(metric.better)
    words = f"Mean change from baseline, {unit}"
    return f"{words}\n({better})" if better else words


def _cohort_panel(
    ax: Axes,
    curve: CohortCurve,
    tint: str,
    hover: list[HoverPoint],
    title_chars: int,
    panel_in: float,
    panel_height_in: float,
) -> None:
    tidy(ax)
    title = textwrap.fill(curve.label, max(title_chars, 20))
    ax.set_title(
        f"{title}\n{curve.metric.short_name} · {curve.courses} courses",
        loc="left",
        fontsize=TITLE_SIZE - 0.5,
        pad=6,
    )
    ax.set_xlabel("Weeks since the course started", fontsize=FONT_SIZE)
    if not curve.points:
        ax.text(
            0.5, 0.5, "No course of this protocol has\nthis measure taken from its start.",
            ha="center", va="center", color=MUTED, fontsize=FONT_SIZE, transform=ax.transAxes,
        )  # fmt: skip
        ax.set_xticks([])
        return
    weeks = [p.week for p in curve.points]
    lows = [p.low if p.low is not None else math.nan for p in curve.points]
    highs = [p.high if p.high is not None else math.nan for p in curve.points]
    ax.fill_between(weeks, lows, highs, color=tint, alpha=0.18, linewidth=0)
    # Buckets of very few courses are shown but not joined: a line would lend them weight.
    solid = [p.mean if p.n >= MIN_COURSES else math.nan for p in curve.points]
    ax.plot(weeks, solid, color=tint, marker="o", markersize=4, linewidth=1.8)
    sparse = [p for p in curve.points if p.n < MIN_COURSES]
    ax.plot(
        [p.week for p in sparse], [p.mean for p in sparse], linestyle="none", marker="o",
        markersize=4, markerfacecolor="white", markeredgecolor=tint,
    )  # fmt: skip
    ax.axhline(0, color="#555555", linewidth=0.9, linestyle=(0, (1, 2)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.margins(x=0.07, y=0.12)
    # Crowded counts (many points, a big clinic) stand upright, then thin out; every
    # count stays in the point's tooltip.
    gaps = [b.week - a.week for a, b in zip(curve.points, curve.points[1:], strict=False)]
    span = (weeks[-1] - weeks[0]) or 1.0
    spacing_in = panel_in * min(gaps, default=span) / (span * 1.14)
    counts = [f"n={p.n}" if i == 0 else str(p.n) for i, p in enumerate(curve.points)]
    widest = text_width_in(counts, SMALL - 1)
    upright = widest > 0.85 * spacing_in
    step = math.ceil(line_height_in(SMALL - 1) / spacing_in) if upright else 1
    low, high = ax.get_ylim()
    room = (widest if upright else line_height_in(SMALL - 1)) + 0.08
    height_in = max(panel_height_in, 0.5)
    ax.set_ylim(low - (high - low) * room / max(height_in - room, 0.2), high)
    unit = "%" if curve.percent else curve.metric.unit
    decimals = 1 if curve.percent else max(1, curve.metric.decimals)
    row = blended_transform_factory(ax.transData, ax.transAxes)
    for index, point in enumerate(curve.points):
        if index % step == 0:
            ax.text(
                point.week, N_ROW_Y, counts[index], transform=row, fontsize=SMALL - 1,
                color=MUTED, ha="center", va="bottom", rotation=90 if upright else 0,
            )  # fmt: skip
        band = (
            f"95 % CI {signed(point.low, decimals)} to {signed(point.high, decimals)}"
            if point.low is not None and point.high is not None
            else "too few courses for an interval"
        )
        hover.append(
            HoverPoint(
                ax,
                point.week,
                point.mean,
                f"Week {point.week:g}: {signed(point.mean, decimals)} {unit}\n"
                f"{band}\n{point.n} courses",
            )
        )


def incidence_figure(
    incidence: Incidence,
    *,
    figure: Figure | None = None,
    width_in: float = 9.0,
    height_in: float | None = None,
) -> Figure:
    """Side effects per 100 sessions as bars, by product injected and by type."""
    rows = max(len(incidence.by_product), len(incidence.by_type), 4)
    fig = new_figure(width_in, height_in or 1.3 + 0.27 * rows, figure)
    if incidence.sessions == 0:
        message(fig, "No sessions in the chosen period.")
        register(fig, [])
        return fig
    left, right = fig.subplots(1, 2)
    hover: list[HoverPoint] = []
    _bars(left, incidence.by_product, "By product injected", True, colour(0), hover)
    _bars(right, incidence.by_type, "By type", False, colour(1), hover)
    margins = Margins(
        left=text_width_in(_names(incidence.by_product), SMALL) + 0.2,
        right=0.2,
        top=line_height_in(TITLE_SIZE, 2) + 0.25,
        bottom=line_height_in(SMALL) + line_height_in(FONT_SIZE) + 0.25,
        between_columns=text_width_in(_names(incidence.by_type), SMALL) + 0.5,
    )
    fix_margins(fig, margins, columns=2)
    fig.suptitle(
        f"Side effects per 100 sessions · {incidence.events} side effects "
        f"in {incidence.sessions} sessions",
        fontsize=TITLE_SIZE,
        x=0.012,
        y=0.985,
        ha="left",
        va="top",
    )
    register(fig, hover)
    return fig


def _names(rows: Sequence[IncidenceRow]) -> list[str]:
    return [textwrap.shorten(row.name, 44, placeholder="…") for row in rows]


def _bars(
    ax: Axes,
    rows: Sequence[IncidenceRow],
    title: str,
    with_sessions: bool,
    tint: str,
    hover: list[HoverPoint],
) -> None:
    tidy(ax)
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_title(title, loc="left", fontsize=TITLE_SIZE - 0.5, fontweight="bold")
    if not rows or (not any(row.events for row in rows) and not with_sessions):
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No side effects recorded.", ha="center", va="center",
                color=MUTED, fontsize=FONT_SIZE, transform=ax.transAxes)  # fmt: skip
        return
    names = _names(rows)
    values = [row.per_100 for row in rows]
    positions = list(range(len(rows)))
    ax.barh(positions, values, color=tint, height=0.62)
    ax.set_yticks(positions, names, fontsize=SMALL)
    ax.invert_yaxis()
    ax.set_xlabel(
        "per 100 sessions where it was injected" if with_sessions else "per 100 sessions",
        fontsize=FONT_SIZE,
    )
    ax.set_xlim(0, max(max(values) * 1.45, 1.0))
    for position, row in zip(positions, rows, strict=True):
        counts = f"{row.events} / {row.sessions}" if with_sessions else f"{row.events}"
        ax.text(
            row.per_100, position, f" {row.per_100:.1f}  ({counts})", va="center",
            fontsize=SMALL - 0.5, color="#333333",
        )  # fmt: skip
        exposure = f"in {row.sessions} sessions with it" if with_sessions else "in all sessions"
        hover.append(
            HoverPoint(
                ax,
                row.per_100,
                position,
                f"{row.name}\n{row.events} side effects {exposure}\n"
                f"{row.per_100:.1f} per 100 sessions",
            )
        )
