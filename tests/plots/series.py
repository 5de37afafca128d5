"""Series made by hand for the builders: the data a plot must show, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mesodesk.core.enums import Better, Scale
from mesodesk.core.services.catalogue import MetricInfo
from mesodesk.core.services.measurements import ProgressPoint, ProgressSeries, SessionMarker

START = dt.date(2026, 1, 5)


def metric(
    code: str = "circumference",
    name: str = "Circumference (tape measure)",
    unit: str = "cm",
    *,
    better: Better = Better.LOWER,
    scale: Scale = Scale.CONTINUOUS,
    labels: dict[int, str] | None = None,
    bands: tuple[tuple[float, float, str], ...] = (),
    low: float = 10,
    high: float = 200,
    decimals: int = 1,
) -> MetricInfo:
    return MetricInfo(
        code, name, name.partition(" (")[0], unit, unit, None, low, high, better, scale, decimals,
        labels or {}, bands, ("cellulite",), True, None, False,
    )  # fmt: skip


CIRCUMFERENCE = metric()
WEIGHT = metric("weight", "Body weight", "kg", better=Better.NONE, low=20, high=300)
GRADE = metric(
    "nurnberger_muller", "Nürnberger–Müller cellulite grade", "", scale=Scale.ORDINAL,
    labels={0: "Grade 0", 1: "Grade I", 2: "Grade II", 3: "Grade III"}, low=0, high=3, decimals=0,
)  # fmt: skip
CSS = metric(
    "css_total", "Hexsel Cellulite Severity Scale, total", "", scale=Scale.ORDINAL, low=0,
    high=15, decimals=0, bands=((1, 5, "mild"), (6, 10, "moderate"), (11, 15, "severe")),
)  # fmt: skip


def sessions(
    count: int, every: int = 14, maintenance_from: int | None = None
) -> tuple[SessionMarker, ...]:
    return tuple(
        SessionMarker(
            100 + n, n, START + dt.timedelta(days=every * (n - 1)),
            maintenance_from is not None and n >= maintenance_from,
        )
        for n in range(1, count + 1)
    )  # fmt: skip


def series(
    info: MetricInfo,
    values: Sequence[float],
    *,
    site: str = "",
    days: Sequence[int] | None = None,
    markers: tuple[SessionMarker, ...] | None = None,
) -> ProgressSeries:
    """Values measured on ``days`` after the start (default: every session, 14 days apart)."""
    days = list(days if days is not None else range(0, 14 * len(values), 14))
    markers = markers if markers is not None else sessions(max(len(values), 1))
    by_day = {(m.date - START).days: m for m in markers}
    base = values[0] if values else 0.0
    points = tuple(
        ProgressPoint(
            START + dt.timedelta(days=day), value, day, value - base,
            (value - base) / base * 100 if base else None,
            by_day[day].session_id if day in by_day else None,
            by_day[day].number if day in by_day else None,
        )
        for day, value in zip(days, values, strict=True)
    )  # fmt: skip
    return ProgressSeries(info, site, START, points, markers)
