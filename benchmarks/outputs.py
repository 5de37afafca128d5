"""The long jobs on the whole practice: archive export and import, CSV export.

They take tens of seconds at 20 000 patients, so they run fewer rounds than the
interactive figures (``rounds``, three by default). Files are written to the scratch
folder and removed after each run; the import builds a new record each time.
"""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

from benchmarks.timing import Figure, Sample, clock, since
from mesodesk.core.db import Database


def _size_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def _remove_record(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def archive_figures(db: Database, scratch: Path, rounds: int) -> tuple[Figure, Figure]:
    """Export the practice as an archive, then import that archive into a new record."""
    from mesodesk.core.exchange.archive import export_archive
    from mesodesk.core.exchange.archive_import import import_archive

    export = Figure(
        "archive_export", "archive export of the whole database", 60.0, target_words="< 60 s"
    )
    imported = Figure(
        "archive_import", "archive import into an empty database", 90.0, target_words="< 90 s"
    )
    archive = scratch / "practice.zip"
    target = scratch / "imported.sqlite"
    for _ in range(rounds):
        archive.unlink(missing_ok=True)
        start = clock()
        export_archive(db, archive)
        export.samples.append(since(start))
        _remove_record(target)
        start = clock()
        import_archive(archive, target)
        imported.samples.append(since(start))
        _remove_record(target)
    with contextlib.closing(zipfile.ZipFile(archive)) as opened:
        members = len(opened.namelist())
    export.note = f"{_size_mb(archive):.0f} MB zip, {members} members"
    imported.note = "checks the archive, builds, verifies integrity, keys and audit chain"
    archive.unlink(missing_ok=True)
    return export, imported


def csv_figure(db: Database, scratch: Path, rounds: int) -> Figure:
    """The CSV export of every table (issue #5's target)."""
    from mesodesk.core.exchange.csv_export import export_csv

    figure = Figure(
        "csv_export", "CSV export of the whole database (issue #5)", 60.0, target_words="< 60 s"
    )
    out = scratch / "tables.zip"
    samples: list[Sample] = []
    for _ in range(rounds):
        out.unlink(missing_ok=True)
        start = clock()
        export_csv(db, out)
        samples.append(since(start))
    figure.samples = samples
    figure.note = f"{_size_mb(out):.0f} MB zip"
    out.unlink(missing_ok=True)
    return figure
