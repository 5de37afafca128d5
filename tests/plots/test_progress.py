"""The course progress figure: what it plots is exactly the series, labelled in words."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

from mesodesk.plots import hover_points, nearest, progress_figure
from mesodesk.plots.markers import SESSION_LABEL
from mesodesk.plots.progress import date_number
from tests.plots.series import CIRCUMFERENCE, CSS, GRADE, START, WEIGHT, series, sessions

LEFT, RIGHT = "left thigh, 15 cm above the patella", "right thigh, 15 cm above the patella"


def data_lines(ax: Axes) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_marker() == "o"]


def baselines(ax: Axes) -> list[float]:
    return [float(line.get_ydata()[0]) for line in ax.get_lines() if line.get_marker() == "None"]  # type: ignore[index]


def ys(line: Line2D) -> list[float]:
    return [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]


def xs(line: Line2D) -> list[float]:
    return [float(x) for x in line.get_xdata()]  # type: ignore[union-attr]


def end_labels(ax: Axes) -> list[str]:
    """The change labels at the lines' ends (band names are in italics beside them)."""
    return [
        t.get_text()
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_fontstyle() == "normal"
    ]


def session_texts(ax: Axes) -> list[Text]:
    return [t for t in ax.texts if t.get_gid() == SESSION_LABEL]


def session_labels(ax: Axes) -> list[str]:
    return [t.get_text() for t in session_texts(ax)]


def session_xs(ax: Axes) -> list[float]:
    return sorted(
        float(segment[0][0])
        for collection in ax.collections
        if isinstance(collection, LineCollection)
        for segment in collection.get_segments()
    )


def day(n: int) -> float:
    return date_number(START + dt.timedelta(days=n))


def thighs() -> list:
    return [
        series(CIRCUMFERENCE, [60.0, 59.2, 58.1, 56.9], site=LEFT),
        series(CIRCUMFERENCE, [58.0, 57.5, 56.0, 55.1], site=RIGHT),
    ]


def test_each_site_is_a_line_of_exactly_its_values() -> None:
    fig = progress_figure(thighs())

    (ax,) = fig.axes[:1]
    left, right = data_lines(ax)
    assert ys(left) == [60.0, 59.2, 58.1, 56.9]
    assert ys(right) == [58.0, 57.5, 56.0, 55.1]
    assert xs(left) == [day(0), day(14), day(28), day(42)]
    assert sorted(baselines(ax)) == [58.0, 60.0]


def test_sessions_are_lines_at_their_dates_labelled_s1_to_sn() -> None:
    markers = sessions(6, maintenance_from=5)
    fig = progress_figure([series(CIRCUMFERENCE, [60, 59, 58], days=[0, 28, 70], markers=markers)])

    ax = fig.axes[0]
    assert session_xs(ax) == [day(14 * i) for i in range(6)]
    assert session_labels(ax) == ["S1", "S2", "S3", "S4", "S5", "S6"]
    treatment, maintenance = ax.collections
    assert len(maintenance.get_segments()) == 2  # S5 and S6, dashed apart from the others
    assert maintenance.get_linestyle() != treatment.get_linestyle()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["session", "maintenance session", "baseline"]


def test_axis_words_and_change_from_baseline_at_the_end() -> None:
    fig = progress_figure([series(CIRCUMFERENCE, [58.5, 57.0, 55.4], site=LEFT)])

    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Circumference (tape measure)"
    assert ax.get_ylabel() == "cm\nlower is better"
    # −3.1 cm of 58.5 is −5.3 %; a true minus sign, as printed.
    assert end_labels(ax) == ["−3.1 cm (−5.3 %)"]


def test_several_sites_are_named_at_their_line_ends() -> None:
    fig = progress_figure(thighs())
    assert sorted(end_labels(fig.axes[0])) == [
        "left thigh\n−3.1 cm (−5.2 %)",
        "right thigh\n−2.9 cm (−5.0 %)",
    ]


def test_small_multiples_share_the_time_axis() -> None:
    weight = series(WEIGHT, [72.0, 71.6, 71.9, 71.2])
    fig = progress_figure([*thighs(), series(CSS, [12, 10, 9, 7]), weight])

    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "Circumference (tape measure)",
        "Hexsel Cellulite Severity Scale, total",
        "Body weight",
    ]
    assert panels[1].get_shared_x_axes().joined(panels[0], panels[2])
    assert panels[2].get_ylabel() == "kg"  # no better direction for weight
    assert end_labels(panels[1]) == ["−5 (−42 %)\nsevere → moderate"]


def test_ordinal_scales_are_steps_named_by_their_categories() -> None:
    fig = progress_figure([series(GRADE, [3, 2, 2, 1])])

    ax = fig.axes[0]
    (line,) = data_lines(ax)
    assert line.get_drawstyle() == "steps-post"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Grade 0",
        "Grade I",
        "Grade II",
        "Grade III",
    ]
    assert ax.get_ylabel() == "lower is better"
    assert end_labels(ax) == ["Grade III → Grade I"]


def test_a_scale_with_bands_shades_and_names_them_in_the_margin() -> None:
    fig = progress_figure([series(CSS, [12, 9])])
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts if t.get_fontstyle() == "italic"]
    assert sorted(names) == ["mild", "moderate", "severe"]
    assert len(ax.patches) == 3  # the shaded bands
    assert end_labels(ax) == ["−3 (−25 %)\nsevere → moderate"]


def test_a_missing_value_is_a_gap_never_an_invented_one() -> None:
    left = series(CIRCUMFERENCE, [60.0, 58.1, 56.9], site=LEFT, days=[0, 28, 42])
    right = series(CIRCUMFERENCE, [58.0, 57.5, 56.0, 55.1], site=RIGHT)
    fig = progress_figure([left, right])

    left_line = data_lines(fig.axes[0])[0]
    assert xs(left_line) == [day(0), day(14), day(28), day(42)]
    values = ys(left_line)
    assert math.isnan(values[1])
    assert values[:1] + values[2:] == [60.0, 58.1, 56.9]


def test_weeks_since_the_start_on_the_time_axis() -> None:
    fig = progress_figure(thighs(), x_axis="weeks")

    ax = fig.axes[0]
    assert xs(data_lines(ax)[0]) == [0, 2, 4, 6]
    assert session_xs(ax) == [0, 2, 4, 6]
    assert fig.axes[0].get_xlabel() == "Weeks since the course started (2026-01-05)"


def test_hovering_a_value_names_its_date_site_value_and_session() -> None:
    fig = progress_figure(thighs())
    FigureCanvasAgg(fig).draw()

    texts = [p.text for p in hover_points(fig)]
    assert texts[1] == "2026-01-19 · left thigh\n59.2 cm\nSession 2"
    point = hover_points(fig)[1]
    x, y = point.axes.transData.transform((point.x, point.y))
    assert nearest(fig, x + 3, y - 2) == point
    assert nearest(fig, x + 40, y + 40) is None


@pytest.mark.parametrize(
    ("chosen", "words"),
    [
        ([], "Choose a metric."),
        ([series(CIRCUMFERENCE, [])], "No measurements in this course yet."),
    ],
)
def test_nothing_to_plot_says_so(chosen: list, words: str) -> None:
    fig = progress_figure(chosen)
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [words]
    assert hover_points(fig) == ()


def test_edge_cases_draw_without_error() -> None:
    one_value = series(CIRCUMFERENCE, [60.0], site=LEFT)
    all_equal = series(WEIGHT, [70.0, 70.0, 70.0])
    one_session = series(CIRCUMFERENCE, [60.0, 59.5], days=[0, 0], markers=sessions(1))
    for chosen in ([one_value], [all_equal], [one_session], [one_value, all_equal]):
        fig = progress_figure(chosen)
        FigureCanvasAgg(fig).draw()
        low, high = fig.axes[0].get_xlim()
        assert high > low
        bottom, top = fig.axes[0].get_ylim()
        assert top > bottom
    assert end_labels(progress_figure([one_value]).axes[0]) == ["60.0 cm (one value)"]
    unmeasured = progress_figure([one_value, series(WEIGHT, [])]).axes[1]
    assert [t.get_text() for t in unmeasured.texts] == ["No values of this measure in the course."]
    assert end_labels(progress_figure([all_equal]).axes[0]) == ["±0.0 kg (±0.0 %)"]


def _boxes(fig: Figure, texts: list[Text]) -> list:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


def _overlapping(boxes: list) -> list:
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def test_no_labels_overlap_at_the_default_size() -> None:
    markers = sessions(14, every=10, maintenance_from=11)
    days = [0, 20, 40, 60]
    close = [  # two thighs ending 0.1 cm apart: their labels must not collide
        series(CIRCUMFERENCE, [60.0, 59.0, 58.0, 57.6], site=LEFT, days=days, markers=markers),
        series(CIRCUMFERENCE, [60.1, 58.9, 58.2, 57.5], site=RIGHT, days=days, markers=markers),
        series(CSS, [11, 9, 8, 8], days=days, markers=markers),
        series(GRADE, [3, 2, 2, 1], days=days, markers=markers),
    ]
    fig = progress_figure(close)
    FigureCanvasAgg(fig).draw()

    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    for ax in panels:
        assert _overlapping(_boxes(fig, [t for t in ax.texts if isinstance(t, Annotation)])) == []
        assert _overlapping(_boxes(fig, [ax.yaxis.label, *ax.get_yticklabels()])) == []
        assert _overlapping(_boxes(fig, list(ax.get_yticklabels()))) == []
    top = panels[0]
    tops = _boxes(fig, [*session_texts(top), top.title, top._left_title])
    assert _overlapping(tops) == []
    assert _overlapping(_boxes(fig, list(panels[-1].get_xticklabels()))) == []
    # Everything stays on the figure: nothing clipped at its edges.
    page = fig.bbox
    for ax in panels:
        for box in _boxes(fig, [*ax.texts, *ax.get_yticklabels(), ax.yaxis.label]):
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 <= page.y1
