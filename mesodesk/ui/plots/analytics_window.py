"""Outcomes across the practice: two protocols side by side, side effects per 100 sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.errors import MesodeskError
from mesodesk.core.exchange.files import safe_filename
from mesodesk.core.services import analytics, catalogue, practice
from mesodesk.core.services.analytics import AnalyticsFilter, Cohort, CohortCurve, Incidence
from mesodesk.plots import cohort_figure, incidence_figure
from mesodesk.ui import messages
from mesodesk.ui.events import events_for
from mesodesk.ui.forms import date_edit, from_qdate
from mesodesk.ui.plots import export
from mesodesk.ui.plots.canvas import PlotCanvas
from mesodesk.ui.plots.progress_chart import FIRST_METRICS

WATCHED_TABLES = frozenset(
    {"measurement", "treatment_session", "course", "side_effect", "cocktail_line", "product"}
)
PERIODS = ("All time", "Last 12 months", "Last 6 months", "This calendar year", "Chosen dates")
BUCKETS = (("Every week", 1), ("Every 2 weeks", 2), ("Every 4 weeks", 4))
SKIPPED_METRICS = frozenset({"height"})  # measured once for BMI, not an outcome


@contextmanager
def busy() -> Iterator[None]:
    """A wait cursor while the whole practice is read (a second or so for a big clinic)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class AnalyticsWindow(QWidget):
    """Its own window: filters and choices on the left, the two figures on the right."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._stale = False
        self._options: list[Cohort | None] = []
        self.setWindowTitle("Outcomes across the practice · mesodesk")

        self.period = QComboBox(self)
        self.period.addItems(PERIODS)
        self.period.setToolTip(
            "Outcomes: courses started in the period. Side effects: sessions in the period."
        )
        self.date_from = date_edit(dt.date.today() - dt.timedelta(days=365), self)
        self.date_to = date_edit(dt.date.today(), self)
        self.practitioner = QComboBox(self)
        self.practitioner.addItem("All practitioners", None)
        for person in practice.list_practitioners(db, include_inactive=True):
            self.practitioner.addItem(person.display_name, person.id)
        self.indication = QComboBox(self)
        for entry in catalogue.indications(db):
            self.indication.addItem(entry.name, entry.code)
        self.measure = QComboBox(self)
        self.protocol_a = QComboBox(self)
        self.protocol_b = QComboBox(self)
        for chooser in (self.protocol_a, self.protocol_b):
            chooser.setMinimumContentsLength(24)
            chooser.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.bucket = QComboBox(self)
        for words, weeks in BUCKETS:
            self.bucket.addItem(words, weeks)
        self.bucket.setCurrentIndex(len(BUCKETS) - 1)
        self.change_as = QComboBox(self)
        self.change_as.addItems(["In the measure's unit", "As % of the baseline"])
        self._curves: list[CohortCurve] = []
        self._incidence = Incidence(0, 0, (), ())
        self.cohort_plot = PlotCanvas(self, rebuild=self._draw_curves)
        self.incidence_plot = PlotCanvas(self, rebuild=self._draw_incidence)
        self.export_cohort_button = QPushButton("Export…", self)
        self.export_incidence_button = QPushButton("Export…", self)
        self._layout()
        self._fill_metrics()
        self._connect()
        self.refresh()

    def _layout(self) -> None:
        filters = QGroupBox("Period and practitioner", self)
        form = QFormLayout(filters)
        form.addRow("&Period", self.period)
        form.addRow("&From", self.date_from)
        form.addRow("&To", self.date_to)
        form.addRow("P&ractitioner", self.practitioner)
        outcome = QGroupBox("Change from baseline", self)
        form = QFormLayout(outcome)
        form.addRow("&Indication", self.indication)
        form.addRow("&Measure", self.measure)
        form.addRow("Protocol &A", self.protocol_a)
        form.addRow("Protocol &B", self.protocol_b)
        form.addRow("&Points", self.bucket)
        form.addRow("&Change", self.change_as)
        note = QLabel(
            "A protocol is the set of products injected during a course. n counts courses; "
            "the band is the 95 % confidence interval of the mean.",
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        side = QVBoxLayout()
        side.addWidget(filters)
        side.addWidget(outcome)
        side.addWidget(note)
        side.addStretch(1)
        panel = QWidget(self)
        panel.setLayout(side)
        panel.setFixedWidth(330)
        side.setContentsMargins(0, 0, 0, 0)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(
            self._titled("Outcomes by protocol", self.cohort_plot, self.export_cohort_button)
        )
        split.addWidget(
            self._titled("Side effects", self.incidence_plot, self.export_incidence_button)
        )
        split.setSizes([520, 440])
        split.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(panel)
        layout.addWidget(split, 1)

    def _titled(self, title: str, plot: PlotCanvas, button: QPushButton) -> QWidget:
        box = QWidget(self)
        header = QHBoxLayout()
        label = QLabel(f"<b>{title}</b>", box)
        header.addWidget(label)
        header.addStretch(1)
        header.addWidget(plot.toolbar)
        header.addWidget(button)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(header)
        column.addWidget(plot, 1)
        return box

    def _connect(self) -> None:
        self.period.currentIndexChanged.connect(self._on_period_chosen)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.refresh)
        self.practitioner.currentIndexChanged.connect(self.refresh)
        self.indication.currentIndexChanged.connect(self._on_indication_chosen)
        for chooser in (
            self.measure,
            self.protocol_a,
            self.protocol_b,
            self.bucket,
            self.change_as,
        ):
            chooser.currentIndexChanged.connect(self.draw_cohort)
        self.export_cohort_button.clicked.connect(self.export_cohort)
        self.export_incidence_button.clicked.connect(self.export_incidence)
        events_for(self._db).changed.connect(self._on_change)
        self._enable_dates()

    # --- choices --------------------------------------------------------------------
    def filters(self) -> AnalyticsFilter:
        """The period and practitioner chosen, as the analytics services take them."""
        today = dt.date.today()
        period = self.period.currentIndex()
        start: dt.date | None = None
        end: dt.date | None = None
        if period == 1:
            start = today - dt.timedelta(days=365)
        elif period == 2:
            start = today - dt.timedelta(days=182)
        elif period == 3:
            start = dt.date(today.year, 1, 1)
        elif period == 4:
            start, end = from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
        return AnalyticsFilter(start, end, self.practitioner.currentData())

    def _enable_dates(self) -> None:
        chosen = self.period.currentIndex() == len(PERIODS) - 1
        self.date_from.setEnabled(chosen)
        self.date_to.setEnabled(chosen)

    def _on_period_chosen(self) -> None:
        self._enable_dates()
        self.refresh()

    def _on_indication_chosen(self) -> None:
        self._fill_metrics()
        self._fill_protocols()
        self.draw_cohort()

    def _fill_metrics(self) -> None:
        code = self.indication.currentData()
        chosen = self.measure.currentData()
        found = [
            m
            for m in catalogue.metrics(self._db, code)
            if code in m.indications and m.code not in SKIPPED_METRICS
        ]
        # The usual outcome measures first, in the order the progress plots use.
        found.sort(key=lambda m: FIRST_METRICS.index(m.code) if m.code in FIRST_METRICS else 99)
        self.measure.blockSignals(True)
        self.measure.clear()
        for metric in found:
            words = f"{metric.short_name} ({metric.unit})" if metric.unit else metric.short_name
            self.measure.addItem(words, metric.code)
            self.measure.setItemData(
                self.measure.count() - 1, metric.name, Qt.ItemDataRole.ToolTipRole
            )
        index = self.measure.findData(chosen)
        self.measure.setCurrentIndex(index if index >= 0 else 0)
        self.measure.blockSignals(False)

    def _fill_protocols(self) -> None:
        code = self.indication.currentData()
        options = analytics.protocols(self._db, code, self.filters())
        entries: list[tuple[str, Cohort | None]] = [
            (f"All {self.indication.currentText().lower()} courses", Cohort(code))
        ]
        entries += [(f"{o.label} ({o.courses} courses)", o.cohort) for o in options]
        kept = [self._options[c.currentIndex()] if c.currentIndex() >= 0 else None
                for c in (self.protocol_a, self.protocol_b)]  # fmt: skip
        self._options = [cohort for _, cohort in entries] + [None]
        # By default the two most used protocols (or one panel when there is only one);
        # a choice survives a refresh if it is still offered.
        none = len(entries)
        defaults = (1 if none > 1 else 0, 2 if none > 2 else none)
        for box, keep, default in zip(
            (self.protocol_a, self.protocol_b), kept, defaults, strict=True
        ):
            box.blockSignals(True)
            box.clear()
            for words, _ in entries:
                box.addItem(words)
            box.addItem("None (one panel)")
            index = self._options.index(keep) if keep in self._options[:-1] else -1
            box.setCurrentIndex(index if index >= 0 else default)
            box.blockSignals(False)

    def cohorts(self) -> list[Cohort]:
        chosen = (self.protocol_a.currentIndex(), self.protocol_b.currentIndex())
        return [c for i in chosen if 0 <= i < len(self._options) and (c := self._options[i])]

    # --- drawing --------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the practice again for the chosen period and practitioner."""
        self._stale = False
        self._fill_protocols()
        self.draw_cohort()
        self.draw_incidence()

    def draw_cohort(self) -> None:
        metric = self.measure.currentData()
        try:
            with busy():
                curves = [
                    analytics.cohort_curve(
                        self._db,
                        cohort,
                        metric,
                        self.filters(),
                        bucket_weeks=self.bucket.currentData(),
                        percent=self.change_as.currentIndex() == 1,
                    )
                    for cohort in self.cohorts()
                ] if metric else []  # fmt: skip
        except MesodeskError as error:
            messages.show_known_error(self, error)
            return
        self._curves = curves
        self._draw_curves()

    def _draw_curves(self) -> None:
        cohort_figure(self._curves, figure=self.cohort_plot.figure)
        self.cohort_plot.redrawn()

    def draw_incidence(self) -> None:
        with busy():
            self._incidence = analytics.side_effect_incidence(self._db, self.filters())
        self._draw_incidence()

    def _draw_incidence(self) -> None:
        incidence_figure(self._incidence, figure=self.incidence_plot.figure)
        self.incidence_plot.redrawn()

    def _on_change(self, change: ChangeSet) -> None:
        if change.tables & WATCHED_TABLES:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # --- export ---------------------------------------------------------------------
    def export_cohort(self) -> Path | None:
        name = f"Outcomes {self.indication.currentText()} {self.measure.currentText()}"
        return export.export_figure(self, self.cohort_plot.figure, safe_filename(name) + ".png")

    def export_incidence(self) -> Path | None:
        return export.export_figure(
            self, self.incidence_plot.figure, "Side effects per 100 sessions.png"
        )
