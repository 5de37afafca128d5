"""The figures a practitioner waits for with a patient in the chair.

Each is measured in this process, through the services and widgets the window uses:
the patient list's search per keystroke, the record view of a 100-session patient
(and the history load beneath it), saving a session, a progress plot, the analytics
window, a lot recall and a PDF history. Search, history load and recall are also
asked of raw sqlite3 (:mod:`benchmarks.floor`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import floor
from benchmarks.fixtures import PROGRESS_SERIES, BenchFacts, session_data, usable_lots
from benchmarks.timing import Figure, Sample, clock, run, since
from mesodesk.core.db import Database
from mesodesk.core.enums import Side

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# Typed names, 1 to 6 characters, as written (accents) and as typed in a hurry (none).
TYPED_NAMES = ("Hélène", "helene", "Lefèvre", "lefevre", "Guérin", "guerin", "Dubois", "Claire")
MAX_TYPED = 6


def keystrokes() -> list[str]:
    """Every query the search box sees while the names above are typed."""
    return [name[:n] for name in TYPED_NAMES for n in range(1, min(MAX_TYPED, len(name)) + 1)]


@dataclass
class Bench:
    """What the in-process figures share: the open record, its facts, the rounds."""

    db: Database
    facts: BenchFacts
    rounds: int
    scratch: Path


def _dispose(widget: QWidget) -> None:
    """Close and really delete a widget, so it no longer refreshes on every save."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    widget.close()
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()


def _paired(
    action: Callable[[], object], raw: Callable[[], object], rounds: int
) -> tuple[list[Sample], list[Sample]]:
    """Run mesodesk and raw sqlite3 alternately, so both see the same machine load."""
    action()
    raw()
    ours, floor_samples = [], []
    for _ in range(rounds):
        start = clock()
        action()
        ours.append(since(start))
        start = clock()
        raw()
        floor_samples.append(since(start))
    return ours, floor_samples


def search_figure(bench: Bench) -> Figure:
    """Patient search per keystroke: the list's ids, then its first block of rows."""
    from mesodesk.core.services import patient_list

    figure = Figure(
        "search",
        "patient search, per keystroke (1–6 characters, with and without accents)",
        0.020,
        judged_on="p95",
        target_words="p95 < 20 ms",
    )
    today = dt.date.today()

    def ours(query: str) -> None:
        ids = patient_list.patient_ids(bench.db, query, today=today)
        patient_list.patient_rows(bench.db, ids[: floor.LIST_BLOCK], today)

    with floor.raw_connection(bench.db.path) as conn:
        for query in keystrokes():
            mine, raw = _paired(
                partial(ours, query), partial(floor.search, conn, query), bench.rounds
            )
            figure.samples += mine
            figure.floor += raw
    figure.note = f"{len(keystrokes())} queries × {bench.rounds} rounds; first block of 100 rows"
    return figure


def history_figure(bench: Bench) -> Figure:
    """The services the record view calls for a 100-session patient, and the floor."""
    from mesodesk.core.services import audit, history

    patient = bench.facts.hundred_patient_id
    figure = Figure(
        "history",
        "history load of the 100-session patient (services of the record view)",
        None,
        target_words="≤ 3× raw sqlite3",
    )

    def ours() -> None:
        history.patient_history(bench.db, patient)
        audit.patient_history_of_changes(bench.db, patient)

    with floor.raw_connection(bench.db.path) as conn:
        figure.samples, figure.floor = _paired(
            ours, lambda: floor.history(conn, patient), bench.rounds
        )
    return figure


def record_view_figure(bench: Bench, other_patient: int) -> Figure:
    """Open the 100-session patient in the record view, shown and painted."""
    from PySide6.QtWidgets import QApplication

    from mesodesk.ui.record.patient_record import PatientRecord

    figure = Figure(
        "record_view",
        "open a patient with 100 sessions into the record view",
        0.100,
        target_words="< 100 ms",
    )
    record = PatientRecord(bench.db, other_patient)
    record.resize(1000, 760)
    record.show()
    QApplication.processEvents()
    patient = bench.facts.hundred_patient_id
    for index in range(bench.rounds + 1):
        record.show_patient(other_patient)  # another patient was showing before
        QApplication.processEvents()
        start = clock()
        record.show_patient(patient)
        QApplication.processEvents()
        sample = since(start)
        if index:  # the first opening warms the caches; it is not counted
            figure.samples.append(sample)
    _dispose(record)
    figure.note = "PatientRecord.show_patient, then the events that lay out and paint it"
    return figure


def save_figure(bench: Bench) -> Figure:
    """Save a session through the services (rules, session, cocktail, area, audit)."""
    from mesodesk.core.services import sessions

    figure = Figure("save", "save a session (editor to committed)", 0.050, target_words="< 50 ms")
    today = dt.date.today()
    lots = usable_lots(bench.db, today)
    moment = dt.datetime.combine(today, dt.time(9, 0))

    def save() -> None:
        sessions.record_session(
            bench.db,
            session_data(
                bench.facts.save_course_id,
                bench.facts.practitioner_id,
                moment,
                lots,
                "abdomen_upper",
                Side.MIDLINE,
            ),
        )

    figure.samples = run(save, bench.rounds)
    figure.note = "sessions.record_session, two lots and one area, into one open course"
    return figure


def progress_figure(bench: Bench) -> Figure:
    """Read four series of 30 points and draw their figure (as the Progress tab does)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from mesodesk.core.services import measurements
    from mesodesk.plots.progress import progress_figure as draw_progress

    figure = Figure(
        "progress",
        "course progress plot, 4 series of 30 points",
        0.150,
        target_words="< 150 ms",
    )
    patient, course = bench.facts.hundred_patient_id, bench.facts.progress_course_id

    def plot() -> None:
        series = [
            measurements.progress_series(bench.db, patient, course, metric, site)
            for metric, site in PROGRESS_SERIES
        ]
        FigureCanvasAgg(draw_progress(series)).draw()  # type: ignore[no-untyped-call]

    figure.samples = run(plot, bench.rounds)
    figure.note = "four progress_series, progress_figure, drawn with Agg"
    return figure


def analytics_figure(bench: Bench) -> Figure:
    """Open Practice › Outcomes and side effects: every patient, two cohorts, incidence."""
    from PySide6.QtWidgets import QApplication

    from mesodesk.ui.plots.analytics_window import AnalyticsWindow

    figure = Figure("analytics", "analytics across all patients", 2.0, target_words="< 2 s")

    def open_window() -> None:
        window = AnalyticsWindow(bench.db)
        window.resize(1200, 760)
        window.show()
        QApplication.processEvents()
        _dispose(window)

    figure.samples = run(open_window, min(3, bench.rounds))
    figure.note = "the analytics window opened, its two cohort curves and incidence drawn"
    return figure


def recall_figure(bench: Bench) -> Figure:
    """Who received a lot used in about 2 000 sessions."""
    from mesodesk.core.services import recall

    lot = bench.facts.recall_lot_number
    figure = Figure(
        "recall",
        f"recall of a lot used in {bench.facts.recall_sessions} sessions",
        0.100,
        target_words="< 100 ms",
    )
    with floor.raw_connection(bench.db.path) as conn:
        figure.samples, figure.floor = _paired(
            lambda: recall.recall_lot(bench.db, lot), lambda: floor.recall(conn, lot), bench.rounds
        )
    figure.note = f"lot {lot}"
    return figure


def pdf_figure(bench: Bench) -> Figure:
    """The PDF history of the 100-session patient, written to a file."""
    from mesodesk.reports.history import write_history_pdf

    figure = Figure("pdf", "PDF history of a 100-session patient", 2.0, target_words="< 2 s")
    out = bench.scratch / "history.pdf"

    def write() -> None:
        out.unlink(missing_ok=True)
        write_history_pdf(bench.db, bench.facts.hundred_patient_id, out)

    figure.samples = run(write, max(1, bench.rounds // 2))
    figure.note = f"{out.stat().st_size // 1024} KB"
    out.unlink(missing_ok=True)
    gc.collect()
    return figure
