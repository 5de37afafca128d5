"""The CSV export: a zip with one CSV file per table (``docs/formats/tables.md``).

Each file is UTF-8 with a byte-order mark (so spreadsheet programs see the accents),
comma-separated with CRLF line ends as RFC 4180 says, one header row, dates as
``YYYY-MM-DD`` and date-times as ``YYYY-MM-DD HH:MM:SS``, numbers with a decimal point,
yes/no for flags. Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from mesodesk.core.db import Database
from mesodesk.core.exchange.cells import neutralise
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.progress import Progress
from mesodesk.core.exchange.table_reading import read_tables
from mesodesk.core.exchange.tables import Cell, Column, Kind, Row


def _datetime(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


# Integers, numbers and dates need nothing: the csv module writes str(value), which for
# them is the decimal text and the ISO date, and an empty cell for None.
_TEXT: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: neutralise,
    Kind.DATETIME: _datetime,
    Kind.BOOLEAN: _yes_no,
}


class _Pieces(list[str]):
    """Collects what a csv writer writes, to pass it on in large pieces, not line by line."""

    write = list.append


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def write_csv(stream: IO[str], columns: Sequence[Column], rows: Iterable[Row]) -> None:
    """Write a header and the rows to an open text stream, each cell by its column's kind.

    Open the stream with ``newline=""`` (the csv module writes the line ends).
    """
    pieces = _Pieces()
    writer = csv.writer(pieces)
    writer.writerow([column.name for column in columns])
    changes = [(i, _TEXT[c.kind]) for i, c in enumerate(columns) if c.kind in _TEXT]
    # A batch of rows is turned into columns, so that each conversion runs down a column.
    for batch in _batches(rows, 1000):
        cells: list[Sequence[Cell]] = list(zip(*batch, strict=True))
        if len(cells) != len(columns):
            raise ValueError(f"rows of {len(cells)} cells under {len(columns)} columns")
        for i, text in changes:
            cells[i] = [None if value is None else text(value) for value in cells[i]]
        writer.writerows(zip(*cells, strict=True))
        stream.write("".join(pieces))
        pieces.clear()
    stream.write("".join(pieces))


def export_csv(
    db: Database,
    out: Path,
    *,
    patient_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the chosen patients' records (None: every patient) as a zip of CSV files.

    Reports ``progress(done, total)``; if it raises :class:`Cancelled`, nothing is left.
    """
    with read_tables(db, patient_ids, progress) as reader, atomic_output(Path(out)) as temporary:
        # Deflate at level 3: nearly the size of the default level in half the time.
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
            for table in reader.tables:
                # force_zip64: the size is not known before the file is streamed.
                with (
                    archive.open(f"{table.name}.csv", "w", force_zip64=True) as raw,
                    io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream,
                ):
                    write_csv(stream, table.columns, reader.rows(table))
        reader.finish()
