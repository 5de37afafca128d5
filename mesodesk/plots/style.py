"""The look shared by every mesodesk figure: sizes, colours, fonts, the empty message."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

# Colour-blind-safe (Okabe–Ito), in the order lines are drawn.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SESSION_COLOUR = "#9a9a9a"
MAINTENANCE_COLOUR = "#7b3294"
BAND_COLOURS = ("#e8f3e8", "#fdf3dc", "#fbe3e0")
TEXT_COLOUR = "#222222"
MUTED = "#666666"

FONT_SIZE = 9.0
SMALL = 8.0
TITLE_SIZE = 10.0
MINUS = "\N{MINUS SIGN}"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def new_figure(width_in: float, height_in: float, figure: Figure | None = None) -> Figure:
    """A new white figure, or ``figure`` (on a screen canvas) cleared for a redraw."""
    if figure is None:
        figure = Figure(figsize=(width_in, height_in), dpi=100)
    else:
        figure.clear()
    figure.set_layout_engine("none")
    figure.set_facecolor("white")
    return figure


def tidy(axes: Axes) -> None:
    """Light grid, no top and right frame, readable ticks."""
    axes.grid(True, axis="y", color="#e6e6e6", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color("#888888")
    axes.tick_params(labelsize=SMALL, colors=TEXT_COLOUR, length=3)
    axes.set_facecolor("white")


def message(figure: Figure, text: str, axes: Axes | None = None) -> None:
    """Write a clear sentence where a plot would be (no data, nothing chosen)."""
    target = axes if axes is not None else figure.add_subplot()
    target.set_axis_off()
    target.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        wrap=True,
        fontsize=TITLE_SIZE,
        color=MUTED,
        transform=target.transAxes,
    )


def signed(value: float, decimals: int) -> str:
    """A number with its sign, a true minus and no "−0.0"."""
    shown = f"{abs(value):.{decimals}f}"
    if float(shown) == 0:
        return "±" + shown
    return ("+" if value > 0 else MINUS) + shown
