"""The Progress plot as a practitioner uses it: choose, look, hover, export."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import measurements
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.plots import hover_points
from mesodesk.ui.plots import export
from mesodesk.ui.plots.progress_chart import ProgressChart
from tests.plots.clinic import Clinic, circumference, open_clinic

START = dt.date(2025, 9, 1)


def css(a: int, b: int, c: int, d: int, e: int) -> tuple[MeasurementData, ...]:
    codes = ("css_a", "css_b", "css_c", "css_d", "css_e")
    return tuple(MeasurementData(code, v) for code, v in zip(codes, (a, b, c, d, e), strict=True))


@pytest.fixture
def clinic(db: Database) -> Clinic:
    return open_clinic(db)


@pytest.fixture
def cellulite(clinic: Clinic) -> tuple[int, int]:
    """A cellulite course: both thighs, the Hexsel items and weight at every second session."""
    patient = clinic.patient()
    course = clinic.course(patient, "cellulite", START)
    values = [
        (60.2, 58.4, (2, 2, 2, 1, 2), 68.0),
        None,
        (59.1, 57.6, (2, 1, 2, 1, 2), 67.6),
        None,
        (58.0, 56.9, (1, 1, 1, 1, 2), 67.9),
    ]
    for number, chosen in enumerate(values):
        day = START + dt.timedelta(days=14 * number)
        taken: tuple[MeasurementData, ...] = ()
        if chosen:
            left, right, items, weight = chosen
            taken = (*circumference(left, right), *css(*items), MeasurementData("weight", weight))
        clinic.session(course, day, measurements=taken)
    return patient, course


def titles(chart: ProgressChart) -> list[str]:
    return [ax.get_title(loc="left") for ax in chart.figure.axes if ax.get_title(loc="left")]


def tick(qtbot: QtBot, chooser: QListWidget, text: str) -> None:
    """Select a line of a checklist with the mouse and toggle it with the space bar."""
    item = next(chooser.item(i) for i in range(chooser.count()) if chooser.item(i).text() == text)
    qtbot.mouseClick(
        chooser.viewport(), Qt.MouseButton.LeftButton, pos=chooser.visualItemRect(item).center()
    )
    qtbot.keyClick(chooser, Qt.Key.Key_Space)


def show(qtbot: QtBot, db: Database, patient: int) -> ProgressChart:
    chart = ProgressChart(db, patient)
    qtbot.addWidget(chart)
    chart.resize(1100, 720)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_opens_on_the_newest_course_with_its_usual_measures(
    qtbot: QtBot, db: Database, cellulite: tuple[int, int]
) -> None:
    chart = show(qtbot, db, cellulite[0])

    assert chart.course.currentText().startswith("Cellulite · started 2025-09-01 · 5 sessions")
    assert titles(chart) == [
        "Circumference (tape measure)",
        "Hexsel Cellulite Severity Scale, total (computed)",
        "Body weight",
    ]
    sites = [chart.sites.item(i).text() for i in range(chart.sites.count())]
    assert sites == [
        "Circumference: left thigh, 15 cm above the patella",
        "Circumference: right thigh, 15 cm above the patella",
    ]
    left, right = (line for line in chart.figure.axes[0].get_lines() if line.get_marker() == "o")
    assert list(left.get_ydata()) == [60.2, 59.1, 58.0]
    assert list(right.get_ydata()) == [58.4, 57.6, 56.9]


def test_switching_metrics_then_exporting_a_png(
    qtbot: QtBot,
    db: Database,
    cellulite: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chart = show(qtbot, db, cellulite[0])

    tick(qtbot, chart.metrics, "Weight (kg)")
    assert titles(chart)[-1] == "Hexsel Cellulite Severity Scale, total (computed)"
    tick(qtbot, chart.metrics, "CSS A")
    assert titles(chart)[-1] == "Hexsel CSS A: number of evident depressions"
    labels = [t.get_text() for t in chart.figure.axes[-1].get_yticklabels()]
    assert labels[:2] == ["None", "A few (1–4)"]
    tick(qtbot, chart.sites, "Circumference: right thigh, 15 cm above the patella")
    assert len([ln for ln in chart.figure.axes[0].get_lines() if ln.get_marker() == "o"]) == 1

    target = tmp_path / "progress.png"
    asked: list[str] = []
    monkeypatch.setattr(
        export, "choose_export_path", lambda parent, name: asked.append(name) or target
    )
    qtbot.mouseClick(chart.export_button, Qt.MouseButton.LeftButton)

    assert asked == ["2025-0001 Cellulite progress.png"]
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1000 and height >= 600
    assert 20_000 < len(data) < 2_000_000


def test_weeks_since_the_start_and_hovering_a_value(
    qtbot: QtBot, db: Database, cellulite: tuple[int, int]
) -> None:
    chart = show(qtbot, db, cellulite[0])

    qtbot.mouseClick(chart.weeks_button, Qt.MouseButton.LeftButton)
    assert chart.figure.axes[2].get_xlabel() == "Weeks since the course started (2025-09-01)"

    chart.plot.canvas.draw()
    point = next(p for p in hover_points(chart.figure) if "59.1 cm" in p.text)
    x, y = point.axes.transData.transform((point.x, point.y))
    ratio = chart.plot.canvas.device_pixel_ratio
    spot = QPoint(round(x / ratio), round(chart.plot.canvas.height() - y / ratio))
    qtbot.mouseMove(chart.plot.canvas, spot)
    qtbot.waitUntil(lambda: chart.plot.hover_text != "")
    assert chart.plot.hover_text == "2025-09-29 · left thigh\n59.1 cm\nSession 3"


def test_a_new_measurement_appears_at_once(
    qtbot: QtBot, db: Database, cellulite: tuple[int, int]
) -> None:
    patient, course = cellulite
    chart = show(qtbot, db, patient)

    measurements.record_measurements(
        db, patient, START + dt.timedelta(days=70), circumference(57.1, 56.0), course_id=course
    )

    left = next(ln for ln in chart.figure.axes[0].get_lines() if ln.get_marker() == "o")
    assert list(left.get_ydata())[-1] == 57.1


def test_a_patient_without_a_course_or_measurements(
    qtbot: QtBot, db: Database, clinic: Clinic
) -> None:
    nobody = show(qtbot, db, clinic.patient("Martin"))
    assert not nobody.course.isEnabled()
    assert not nobody.export_button.isEnabled()
    words = [t.get_text() for ax in nobody.figure.axes for t in ax.texts]
    assert words == ["No course for this patient yet: plan one to follow progress."]

    patient = clinic.patient("Blanc")
    clinic.session(clinic.course(patient, "hair_loss", START), START)
    unmeasured = show(qtbot, db, patient)
    assert [t.get_text() for ax in unmeasured.figure.axes for t in ax.texts] == ["Choose a metric."]


def test_a_patient_with_ten_courses(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    patient = clinic.patient("Lambert")
    for index in range(10):
        start = START - dt.timedelta(days=60 * index)
        course = clinic.course(patient, "localized_fat", start)
        for session in range(1 + index % 3):
            day = start + dt.timedelta(days=14 * session)
            clinic.session(course, day, measurements=circumference(80 - index - session))
    chart = show(qtbot, db, patient)
    assert chart.course.count() == 10

    chart.course.setFocus()
    for _ in range(9):
        qtbot.keyClick(chart.course, Qt.Key.Key_Down)
        assert titles(chart) == ["Circumference (tape measure)"]
    assert chart.course.currentIndex() == 9
    one = [ln for ln in chart.figure.axes[0].get_lines() if ln.get_marker() == "o"]
    assert [list(ln.get_ydata()) for ln in one] == [[71.0]]
