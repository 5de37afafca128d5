"""A course's progress plots as pictures for paper: the screen's figures, drawn by Agg.

The figures come from :func:`mesodesk.plots.progress_figure`, as on the Progress tab;
here they are drawn without Qt (Matplotlib's Agg canvas) to PNG at print resolution.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtGui import QImage

from mesodesk.core.db import Database
from mesodesk.core.services import measurements
from mesodesk.core.services.measurements import SeriesKey
from mesodesk.plots import progress_figure

PLOT_DPI = 200
PLOT_WIDTH_IN = 7.0  # the text width of an A4 or Letter page, near enough
PANELS_PER_PICTURE = 3  # three panels fill most of a page; more go on another picture
# The outcome measures a practitioner looks at first, in the Progress tab's order.
FIRST_METRICS = (
    "circumference", "fat_thickness", "css_total", "nurnberger_muller", "wsrs", "gais",
    "skin_hydration", "hair_density_total", "anagen_telogen_ratio", "hair_pull_test", "weight",
)  # fmt: skip
NOT_OUTCOMES = frozenset({"height"})  # measured to compute the BMI, not followed for itself
# A computed measure says nothing its source does not, when that source is plotted too.
SHOWN_BY = {"bmi": "weight"}
CSS_GROUP = "hexsel_css"


def plotted_metrics(keys: Sequence[SeriesKey]) -> list[list[SeriesKey]]:
    """The series worth a plot, grouped into pictures of a few metrics each.

    A metric is plotted when one of its sites was measured at least twice. The Hexsel
    items A–E are left to the measurements table when their total is plotted.
    """
    by_metric: dict[str, list[SeriesKey]] = {}
    for key in keys:
        if key.metric.code not in NOT_OUTCOMES:
            by_metric.setdefault(key.metric.code, []).append(key)
    followed = {code for code, found in by_metric.items() if any(k.count >= 2 for k in found)}
    followed -= {code for code, source in SHOWN_BY.items() if source in followed}
    if "css_total" in followed:
        followed -= {
            code
            for code in followed
            if by_metric[code][0].metric.group == CSS_GROUP and code != "css_total"
        }
    first = [code for code in FIRST_METRICS if code in followed]
    rest = sorted(followed - set(first), key=lambda code: by_metric[code][0].metric.name)
    order = first + rest
    return [
        [key for code in order[start : start + PANELS_PER_PICTURE] for key in by_metric[code]]
        for start in range(0, len(order), PANELS_PER_PICTURE)
    ]


def figure_png(figure: Figure, dpi: int = PLOT_DPI) -> bytes:
    """The figure drawn by Matplotlib's Agg canvas, as PNG bytes."""
    # Drawn once at the print resolution; savefig would draw it twice (measure, then draw).
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)  # type: ignore[no-untyped-call]
    return buffer.getvalue()


def png_image(png: bytes, dpi: int = PLOT_DPI) -> QImage:
    """A PNG as a QImage that knows its print size (QImage, not QPixmap: any thread)."""
    image = QImage.fromData(png)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def course_plots(db: Database, patient_id: int, course_id: int) -> Iterator[bytes]:
    """PNG pictures of a course's progress, a few metrics each, sessions marked."""
    keys = measurements.series_keys(db, patient_id, course_id)
    for group in plotted_metrics(keys):
        series = [
            measurements.progress_series(db, patient_id, course_id, key.metric.code, key.site)
            for key in group
        ]
        yield figure_png(progress_figure(series, width_in=PLOT_WIDTH_IN))
