"""Progress: a course's outcome measures against time, with the change from baseline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from mesodesk.core.db import Database
from mesodesk.core.services import measurements
from mesodesk.core.services.courses import CourseSummary
from mesodesk.core.services.measurements import ProgressSeries
from mesodesk.ui.plots.progress_chart import ProgressChart
from mesodesk.ui.record.tables import fill, read_only_table

HEADERS = ("Date", "Week", "Value", "Change from baseline", "Session")
SEPARATOR = "\x1f"


def series_key(metric_code: str, site: str) -> str:
    """The combo's data for a series (Qt compares strings, not Python tuples)."""
    return f"{metric_code}{SEPARATOR}{site}"


def change_words(series: ProgressSeries) -> str:
    """'−3.1 cm (−5.3 %) since baseline', as the practitioner says it."""
    last = series.last
    if last is None or series.baseline is None:
        return "No measurement of this measure in the course."
    if len(series.points) == 1:
        return f"Baseline only: {series.metric.format(last.value)} on {last.measured_on}."
    unit = f" {series.metric.unit}" if series.metric.unit else ""
    sign = "+" if last.change > 0 else "−" if last.change < 0 else "±"
    text = f"{sign}{abs(last.change):.{series.metric.decimals}f}{unit}"
    if last.change_pct is not None:
        text += f" ({sign}{abs(last.change_pct):.1f} %)"
    better = series.metric.better.value
    verdict = ""
    if better != "none" and last.change != 0:
        good = (last.change < 0) == (better == "lower")
        verdict = " — better" if good else " — worse"
    return f"{text} since baseline ({series.baseline.measured_on}){verdict}."


class ProgressTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.patient_id: int | None = None
        self._indications: dict[int, str] = {}
        self.course = QComboBox()
        self.series = QComboBox()
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.table = read_only_table(HEADERS, stretch=3)
        self.chart: ProgressChart | None = None  # made with the first patient
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        values = QWidget()
        form = QFormLayout()
        # The chart chooses the course; the table follows it, so its own chooser is hidden.
        self.course.hide()
        form.addRow("Values of", self.series)
        values_layout = QVBoxLayout(values)
        values_layout.setContentsMargins(0, 0, 0, 0)
        values_layout.addLayout(form)
        values_layout.addWidget(self.summary)
        values_layout.addWidget(self.table)
        self.splitter.addWidget(values)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.course.currentIndexChanged.connect(self._on_course_changed)
        self.series.currentIndexChanged.connect(self._on_series_changed)

    def show_courses(self, patient_id: int, courses: list[CourseSummary]) -> None:
        if self.chart is None:
            self.chart = ProgressChart(self.db, patient_id)
            self.splitter.insertWidget(0, self.chart)
            self.splitter.setSizes([600, 220])
            self.chart.course.currentIndexChanged.connect(self._follow_chart)
        elif patient_id != self.patient_id:
            self.chart.set_patient(patient_id)
        self.patient_id = patient_id
        self._indications = {c.id: c.indication_code for c in courses}
        chosen = self.course.currentData()
        self.course.blockSignals(True)
        self.course.clear()
        for c in courses:
            self.course.addItem(f"{c.indication_name}, started {c.start_date.isoformat()}", c.id)
        index = self.course.findData(chosen)
        if index < 0:  # the newest course that has something to show
            measured = [
                i
                for i, c in enumerate(courses)
                if any(k.count > 1 for k in measurements.series_keys(self.db, patient_id, c.id))
            ]
            index = measured[0] if measured else 0
        self.course.setCurrentIndex(index)
        self.course.blockSignals(False)
        self._on_course_changed()
        chart_index = self.chart.course.findData(self.course.currentData())
        if chart_index >= 0:
            self.chart.course.setCurrentIndex(chart_index)

    def _follow_chart(self) -> None:
        assert self.chart is not None
        index = self.course.findData(self.chart.course_id)
        if index >= 0 and index != self.course.currentIndex():
            self.course.setCurrentIndex(index)

    def _on_course_changed(self) -> None:
        chosen = self.series.currentData()
        self.series.blockSignals(True)
        self.series.clear()
        course = self.course.currentData()
        if self.patient_id is not None and course is not None:
            indication = self._indications.get(course, "")
            keys = sorted(
                measurements.series_keys(self.db, self.patient_id, course),
                key=lambda k: (
                    indication not in k.metric.indications,
                    k.metric.computed,
                    k.metric.name,
                    k.site,
                ),
            )
            for key in keys:
                label = key.metric.name + (f" — {key.site}" if key.site else "")
                self.series.addItem(f"{label} ({key.count})", series_key(key.metric.code, key.site))
        index = self.series.findData(chosen)
        self.series.setCurrentIndex(index if index >= 0 else 0)
        self.series.blockSignals(False)
        self._on_series_changed()

    def current_series(self) -> ProgressSeries | None:
        key, course = self.series.currentData(), self.course.currentData()
        if key is None or course is None or self.patient_id is None:
            return None
        code, site = str(key).split(SEPARATOR, 1)
        return measurements.progress_series(self.db, self.patient_id, course, code, site)

    def _on_series_changed(self) -> None:
        series = self.current_series()
        if series is None:
            self.summary.setText("No measurement recorded in this course yet.")
            fill(self.table, [])
            return
        self.summary.setText(change_words(series))
        unit = f" {series.metric.unit}" if series.metric.unit else ""
        rows = []
        for n, p in enumerate(series.points):
            change = f"{p.change:+.{series.metric.decimals}f}{unit}" if n else "baseline"
            if n and p.change_pct is not None:
                change += f" ({p.change_pct:+.1f} %)"
            rows.append(
                [
                    p.measured_on.isoformat(),
                    f"{p.days_since_start / 7:.1f}",
                    series.metric.format(p.value),
                    change,
                    f"S{p.session_number}" if p.session_number else "—",
                ]
            )
        fill(self.table, rows)
