"""The across-patient figures: the plotted numbers are the aggregates, with n and counts."""

from __future__ import annotations

import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from mesodesk.core.services.analytics import CohortCurve, CohortPoint, Incidence, IncidenceRow
from mesodesk.plots import cohort_figure, hover_points, incidence_figure
from tests.plots.series import CIRCUMFERENCE

A = CohortCurve(
    "Cellulite · with Alpha",
    CIRCUMFERENCE,
    False,
    40,
    (
        CohortPoint(0, 40, 0.0, 0.0, 0.0),
        CohortPoint(4, 31, -1.2, -1.6, -0.8),
        CohortPoint(8, 12, -2.1, -2.9, -1.3),
        CohortPoint(12, 2, -2.5, -9.0, 4.0),
        CohortPoint(16, 1, -3.0, None, None),
    ),
)
B = CohortCurve(
    "Cellulite · Alpha + Beta",
    CIRCUMFERENCE,
    False,
    25,
    (CohortPoint(0, 25, 0.0, 0.0, 0.0), CohortPoint(4, 20, -0.7, -1.0, -0.4)),
)


def _plotted(ax) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for line in ax.get_lines()
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
        if line.get_marker() == "o" and not math.isnan(y)
    ]


def test_two_protocols_side_by_side_on_one_scale() -> None:
    fig = cohort_figure([A, B])

    left, right = fig.axes
    assert left.get_shared_y_axes().joined(left, right)
    assert left.get_title(loc="left") == "Cellulite · with Alpha\nCircumference · 40 courses"
    assert right.get_title(loc="left") == "Cellulite · Alpha + Beta\nCircumference · 25 courses"
    assert left.get_ylabel() == "Mean change from baseline, cm\n(lower is better)"
    assert left.get_xlabel() == "Weeks since the course started"
    assert sorted(_plotted(left)) == sorted((p.week, p.mean) for p in A.points)
    assert sorted(_plotted(right)) == [(0, 0.0), (4, -0.7)]


def test_n_is_written_under_every_point_and_the_band_is_the_interval() -> None:
    fig = cohort_figure([A])

    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["n=40", "31", "12", "2", "1"]
    (band,) = ax.collections
    path = band.get_paths()[0].vertices
    assert {round(float(y), 6) for y in path[:, 1]} >= {-1.6, -0.8, -2.9, -1.3}
    assert hover_points(fig)[1].text == ("Week 4: −1.2 cm\n95 % CI −1.6 to −0.8\n31 courses")
    assert hover_points(fig)[4].text.endswith("too few courses for an interval\n1 courses")


def test_percent_change_and_empty_protocols() -> None:
    percent = CohortCurve("Cellulite · all courses", CIRCUMFERENCE, True, 3, A.points[:2])
    empty = CohortCurve("Hair loss · all courses", CIRCUMFERENCE, False, 0, ())
    fig = cohort_figure([percent, empty])
    FigureCanvasAgg(fig).draw()

    left, right = fig.axes
    assert left.get_ylabel().startswith("Mean change from baseline, %")
    assert [t.get_text() for t in right.texts] == [
        "No course of this protocol has\nthis measure taken from its start."
    ]
    nothing = cohort_figure([])
    assert [t.get_text() for ax in nothing.axes for t in ax.texts] == [
        "Choose an indication or a protocol to compare."
    ]


INCIDENCE = Incidence(
    sessions=400,
    events=30,
    by_product=(IncidenceRow("Beta", 12, 100), IncidenceRow("Alpha", 18, 300)),
    by_type=(IncidenceRow("Bruising", 20, 400), IncidenceRow("Redness", 10, 400)),
)


def _bars(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


def test_incidence_bars_per_100_sessions_with_their_counts() -> None:
    fig = incidence_figure(INCIDENCE)

    products, types = fig.axes
    assert [t.get_text() for t in products.get_yticklabels()] == ["Beta", "Alpha"]
    assert _bars(products) == [12.0, 6.0]
    assert [t.get_text() for t in products.texts] == [" 12.0  (12 / 100)", " 6.0  (18 / 300)"]
    assert _bars(types) == [5.0, 2.5]
    assert [t.get_text() for t in types.texts] == [" 5.0  (20)", " 2.5  (10)"]
    assert products.get_xlabel() == "per 100 sessions where it was injected"
    assert fig.get_suptitle() == "Side effects per 100 sessions · 30 side effects in 400 sessions"


def test_incidence_without_sessions_or_side_effects() -> None:
    nothing = incidence_figure(Incidence(0, 0, (), ()))
    assert [t.get_text() for ax in nothing.axes for t in ax.texts] == [
        "No sessions in the chosen period."
    ]
    calm = incidence_figure(Incidence(50, 0, (IncidenceRow("Alpha", 0, 50),), ()))
    FigureCanvasAgg(calm).draw()
    assert _bars(calm.axes[0]) == [0.0]
    assert [t.get_text() for t in calm.axes[1].texts] == ["No side effects recorded."]
