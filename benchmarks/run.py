"""Running the suite: the practice, every figure in the issue's order, the report."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.fixtures import BenchFacts, bench_practice
from benchmarks.report import Context, write
from benchmarks.timing import Figure
from mesodesk.core.db import Database

FIGURE_KEYS = (
    "cold_start",
    "search",
    "record_view",
    "history",
    "save",
    "progress",
    "analytics",
    "recall",
    "pdf",
    "archive_export",
    "archive_import",
    "csv_export",
    "memory",
)


@dataclass(frozen=True, slots=True)
class Options:
    patients: int = 20_000
    seed: int = 1
    rounds: int = 10
    heavy_rounds: int = 3
    out: Path = Path("BENCHMARKS.md")
    cache: Path | None = None
    only: tuple[str, ...] = ()  # figure keys; empty: all
    say: bool = True
    profiles: Path | None = None  # a folder: each figure's runs profiled with pyinstrument


@contextlib.contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A folder for files the figures write, on the same disk as the practice."""
    folder = Path(tempfile.mkdtemp(prefix="mesodesk-bench-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _profiled(folder: Path | None, key: str) -> Iterator[None]:
    """With a folder, profile the block (pyinstrument, the ``bench`` extra) into
    ``folder/KEY.txt``; the figures are then slower than usual and only the profile
    tells anything. Subprocesses (cold start, memory) are not profiled."""
    if folder is None:
        yield
        return
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False)
        (folder / f"{key}.txt").write_text(text, encoding="utf-8")


def _other_patient(facts: BenchFacts) -> int:
    """A patient of the demo to show before the hundred (the record view is reused)."""
    return 1 if facts.hundred_patient_id != 1 else 2


def _sessions(path: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM treatment_session").fetchone()[0])


def run_suite(options: Options) -> list[Figure]:
    """Measure the chosen figures and write the report; return the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    began = time.perf_counter()
    load_before = os.getloadavg()
    facts = bench_practice(options.patients, options.seed, options.cache, say=options.say)
    wanted = set(options.only or FIGURE_KEYS)
    figures: list[Figure] = []
    with _scratch(facts.database.parent) as scratch:
        from benchmarks import interactive, outputs, startup

        def step(key: str, measure: Callable[[], Figure | tuple[Figure, ...]]) -> None:
            if not wanted & {key, *_PAIRED.get(key, ())}:
                return
            if options.say:
                print(f"  {key} …", flush=True)
            with _profiled(options.profiles, key):
                result = measure()
            for figure in result if isinstance(result, tuple) else (result,):
                figures.append(figure)

        step(
            "cold_start",
            lambda: startup.cold_start_figure(facts.database, scratch, min(5, options.rounds)),
        )
        db = _open(facts)
        try:
            _application()
            bench = interactive.Bench(db, facts, options.rounds, scratch)
            step("search", lambda: interactive.search_figure(bench))
            step(
                "record_view",
                lambda: interactive.record_view_figure(bench, _other_patient(facts)),
            )
            step("history", lambda: interactive.history_figure(bench))
            step("save", lambda: interactive.save_figure(bench))
            step("progress", lambda: interactive.progress_figure(bench))
            step("analytics", lambda: interactive.analytics_figure(bench))
            step("recall", lambda: interactive.recall_figure(bench))
            step("pdf", lambda: interactive.pdf_figure(bench))
            step(
                "archive_export",
                lambda: outputs.archive_figures(db, scratch, options.heavy_rounds),
            )
            step("csv_export", lambda: outputs.csv_figure(db, scratch, options.heavy_rounds))
        finally:
            db.close()
        step(
            "memory",
            lambda: startup.memory_figure(
                facts.database, facts.hundred_patient_id, scratch, min(3, options.rounds)
            ),
        )
    figures = [f for f in figures if f.key in wanted]
    context = Context(
        patients=facts.patients,
        seed=facts.seed,
        sessions=_sessions(facts.database),
        database_mb=facts.database.stat().st_size / 1e6,
        rounds=options.rounds,
        heavy_rounds=options.heavy_rounds,
        load_before=load_before,
        load_after=os.getloadavg(),
        seconds=time.perf_counter() - began,
    )
    write(options.out, figures, context)
    return figures


# Figures measured together: asking for one measures both.
_PAIRED = {"archive_export": ("archive_import",)}


def _application() -> object:
    """The widgets of the record view and the analytics window need a QApplication."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["mesodesk-bench"])


def _open(facts: BenchFacts) -> Database:
    from mesodesk.core.db import open_database

    db = open_database(facts.database)
    db.actor = "mesodesk benchmark"
    return db
