"""A patient's progress on screen: choose course, metrics and sites; zoom, hover, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.exchange.files import safe_filename
from mesodesk.core.services import courses, measurements, patients
from mesodesk.core.services.catalogue import MetricInfo
from mesodesk.core.services.measurements import ProgressSeries, SeriesKey
from mesodesk.plots import progress_figure
from mesodesk.plots.progress import XAxis
from mesodesk.plots.style import message, new_figure
from mesodesk.ui.events import events_for
from mesodesk.ui.plots import export
from mesodesk.ui.plots.canvas import PlotCanvas

WATCHED_TABLES = frozenset({"measurement", "treatment_session", "course"})
# The outcome measures a practitioner looks at first, in that order; three at most.
FIRST_METRICS = (
    "circumference", "fat_thickness", "css_total", "nurnberger_muller", "wsrs", "gais",
    "skin_hydration", "hair_density_total", "anagen_telogen_ratio", "hair_pull_test", "weight",
)  # fmt: skip
DEFAULT_COUNT = 3
CODE_ROLE = Qt.ItemDataRole.UserRole
SITE_ROLE = Qt.ItemDataRole.UserRole + 1


def metric_words(metric: MetricInfo) -> str:
    """The short name a practitioner knows, with the unit: "Circumference (cm)"."""
    return f"{metric.short_name} ({metric.unit})" if metric.unit else metric.short_name


def _checked(item: QListWidgetItem) -> bool:
    return item.checkState() == Qt.CheckState.Checked


class ProgressChart(QWidget):
    """The Progress tab's plot: one course, several metrics as small multiples."""

    def __init__(self, db: Database, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.patient_id = patient_id
        self._keys: list[SeriesKey] = []
        self._series: dict[tuple[str, str], ProgressSeries] = {}

        self.course = QComboBox(self)
        self.course.setMinimumContentsLength(40)
        self.dates_button = QRadioButton("&Dates", self)
        self.weeks_button = QRadioButton("&Weeks since start", self)
        self.dates_button.setChecked(True)
        self._x_group = QButtonGroup(self)
        for button in (self.dates_button, self.weeks_button):
            self._x_group.addButton(button)
        self.export_button = QPushButton("&Export…", self)
        self.export_button.setToolTip("Save the plot as PNG, SVG or PDF (Ctrl+E)")
        self.metrics = QListWidget(self)
        self.metrics.setAccessibleName("Metrics")
        self.sites = QListWidget(self)
        self.sites.setAccessibleName("Sites")
        for chooser in (self.metrics, self.sites):
            chooser.setWordWrap(True)
            chooser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plot = PlotCanvas(self, rebuild=self.redraw)
        self.figure = self.plot.figure
        self._layout()

        self.course.currentIndexChanged.connect(self._on_course_chosen)
        self.metrics.itemChanged.connect(self._on_metric_toggled)
        self.sites.itemChanged.connect(self._on_site_toggled)
        self._x_group.buttonToggled.connect(self._on_axis_toggled)
        self.export_button.clicked.connect(self.export)
        QShortcut(QKeySequence("Ctrl+E"), self).activated.connect(self.export)
        events_for(db).changed.connect(self._on_change)
        self.reload()

    def _layout(self) -> None:
        top = QHBoxLayout()
        label = QLabel("&Course", self)
        label.setBuddy(self.course)
        top.addWidget(label)
        top.addWidget(self.course, 1)
        top.addSpacing(12)
        top.addWidget(QLabel("Time axis:", self))
        top.addWidget(self.dates_button)
        top.addWidget(self.weeks_button)
        top.addSpacing(12)
        top.addWidget(self.export_button)

        side = QVBoxLayout()
        metrics_label = QLabel("&Metrics", self)
        metrics_label.setBuddy(self.metrics)
        sites_label = QLabel("&Sites", self)
        sites_label.setBuddy(self.sites)
        side.addWidget(metrics_label)
        side.addWidget(self.metrics, 3)
        side.addWidget(sites_label)
        side.addWidget(self.sites, 2)
        panel = QWidget(self)
        panel.setLayout(side)
        panel.setFixedWidth(260)
        side.setContentsMargins(0, 0, 0, 0)

        body = QHBoxLayout()
        body.addWidget(panel)
        body.addWidget(self.plot, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.setTabOrder(self.course, self.dates_button)
        self.setTabOrder(self.dates_button, self.weeks_button)
        self.setTabOrder(self.weeks_button, self.export_button)
        self.setTabOrder(self.export_button, self.metrics)
        self.setTabOrder(self.metrics, self.sites)

    # --- what to show ---------------------------------------------------------------
    def set_patient(self, patient_id: int) -> None:
        self.patient_id = patient_id
        self.reload()

    def reload(self) -> None:
        """Read the patient's courses again, keeping the chosen course if it is still there."""
        chosen = self.course.currentData()
        self.course.blockSignals(True)
        self.course.clear()
        for summary in courses.patient_courses(self._db, self.patient_id):
            self.course.addItem(
                f"{summary.indication_name} · started {summary.start_date.isoformat()} · "
                f"{summary.sessions_done} sessions done, {summary.planned_sessions} planned · "
                f"{summary.status.label.lower()}",
                summary.id,
            )
        index = self.course.findData(chosen)
        self.course.setCurrentIndex(max(index, 0))
        self.course.setEnabled(self.course.count() > 0)
        self.course.blockSignals(False)
        self._on_course_chosen()

    @property
    def course_id(self) -> int | None:
        data = self.course.currentData()
        return int(data) if data is not None else None

    def _on_course_chosen(self) -> None:
        self._series.clear()
        self._keys = (
            measurements.series_keys(self._db, self.patient_id, self.course_id)
            if self.course_id is not None
            else []
        )
        previous = set(self.chosen_metrics()) if self.metrics.count() else set()
        self._fill_metrics(previous)
        self._fill_sites()
        self.redraw()

    def _fill_metrics(self, keep: set[str]) -> None:
        infos: dict[str, MetricInfo] = {}
        for key in self._keys:
            infos.setdefault(key.metric.code, key.metric)
        first = [code for code in FIRST_METRICS if code in infos]
        order = first + sorted((c for c in infos if c not in first), key=lambda c: infos[c].name)
        wanted = keep & set(infos) or set(first[:DEFAULT_COUNT] or order[:1])
        self.metrics.blockSignals(True)
        self.metrics.clear()
        for code in order:
            item = QListWidgetItem(metric_words(infos[code]), self.metrics)
            item.setToolTip(infos[code].name)
            item.setData(CODE_ROLE, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in wanted else Qt.CheckState.Unchecked)
        self.metrics.blockSignals(False)

    def _fill_sites(self) -> None:
        """The sites of the chosen metrics; a site stays unticked if the user unticked it."""
        unticked = {
            (item.data(CODE_ROLE), item.data(SITE_ROLE))
            for item in (self.sites.item(i) for i in range(self.sites.count()))
            if not _checked(item)
        }
        chosen = self.chosen_metrics()
        self.sites.blockSignals(True)
        self.sites.clear()
        for key in self._keys:
            if key.metric.code in chosen and key.site:
                item = QListWidgetItem(f"{key.metric.short_name}: {key.site}", self.sites)
                item.setData(CODE_ROLE, key.metric.code)
                item.setData(SITE_ROLE, key.site)
                item.setToolTip(f"{key.metric.name}, {key.site}: {key.count} values")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                off = (key.metric.code, key.site) in unticked
                item.setCheckState(Qt.CheckState.Unchecked if off else Qt.CheckState.Checked)
        self.sites.blockSignals(False)
        self.sites.setEnabled(self.sites.count() > 0)

    def chosen_metrics(self) -> list[str]:
        items = (self.metrics.item(i) for i in range(self.metrics.count()))
        return [item.data(CODE_ROLE) for item in items if _checked(item)]

    def chosen_keys(self) -> list[tuple[str, str]]:
        """(metric, site) pairs to draw, metrics in the list's order."""
        off = {
            (item.data(CODE_ROLE), item.data(SITE_ROLE))
            for item in (self.sites.item(i) for i in range(self.sites.count()))
            if not _checked(item)
        }
        order = {code: i for i, code in enumerate(self.chosen_metrics())}
        keys = [
            (k.metric.code, k.site)
            for k in self._keys
            if k.metric.code in order and (k.metric.code, k.site) not in off
        ]
        return sorted(keys, key=lambda key: order[key[0]])

    @property
    def x_axis(self) -> XAxis:
        return "weeks" if self.weeks_button.isChecked() else "dates"

    # --- drawing --------------------------------------------------------------------
    def series(self) -> list[ProgressSeries]:
        course_id = self.course_id
        if course_id is None:
            return []
        for key in self.chosen_keys():
            if key not in self._series:
                self._series[key] = measurements.progress_series(
                    self._db, self.patient_id, course_id, *key
                )
        return [self._series[key] for key in self.chosen_keys()]

    def redraw(self) -> None:
        if self.course_id is None:
            new_figure(1, 1, self.figure)
            message(self.figure, "No course for this patient yet: plan one to follow progress.")
        else:
            chosen = self.series()
            progress_figure(chosen, x_axis=self.x_axis, figure=self.figure)
        self.export_button.setEnabled(self.course_id is not None)
        self.plot.redrawn()

    def _on_metric_toggled(self, _item: QListWidgetItem) -> None:
        self._fill_sites()
        self.redraw()

    def _on_site_toggled(self, _item: QListWidgetItem) -> None:
        self.redraw()

    def _on_axis_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self.redraw()

    def _on_change(self, change: ChangeSet) -> None:
        if change.tables & WATCHED_TABLES:
            self.reload()

    # --- export ---------------------------------------------------------------------
    def suggested_file_name(self) -> str:
        patient = patients.get_patient(self._db, self.patient_id)
        course = self.course.currentText().split(" · ")[0] if self.course.count() else ""
        return safe_filename(f"{patient.file_number} {course} progress") + ".png"

    def export(self) -> Path | None:
        if self.course_id is None:
            return None
        return export.export_figure(self, self.figure, self.suggested_file_name())
