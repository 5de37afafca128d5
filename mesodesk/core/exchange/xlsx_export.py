"""The XLSX export: the tables of the CSV export as the sheets of one workbook.

Dates and date-times are real dates with a date format, numbers are numbers and flags
are TRUE/FALSE, so a spreadsheet sorts, filters and sums them. Each sheet has a bold,
frozen header row and an autofilter. XlsxWriter's ``constant_memory`` mode writes each
row as it comes, so memory stays flat; a table longer than a sheet can hold goes on in
a sheet named ``areas (2)``. Text is written as text, never as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.exceptions import XlsxWriterException  # type: ignore[import-untyped]

from mesodesk.core.db import Database
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.cells import neutralise
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.progress import Progress
from mesodesk.core.exchange.table_reading import read_tables
from mesodesk.core.exchange.tables import Kind, Row, Table

MAX_ROWS = 1_048_575
"""Data rows a sheet holds under its header (Excel's limit is 1 048 576 rows in all)."""

WIDTH_SAMPLE = 1000
"""Rows looked at to size the text columns; later rows rarely change the picture."""

_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_FIXED_WIDTH = {Kind.DATE: 11, Kind.DATETIME: 17, Kind.BOOLEAN: 8}
_MIN_WIDTH, _MAX_WIDTH = 6, 60

Write = Callable[[Any, int, int, Any], object]


class _Styles:
    """The workbook's formats: header, date, date-time."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def writers(self, kinds: Sequence[Kind]) -> list[Write]:
        """How each column's cells go into a sheet."""
        date, moment = self.date, self.datetime

        def write(kind: Kind) -> Write:
            if kind is Kind.TEXT:
                return lambda sheet, r, c, v: sheet.write_string(r, c, neutralise(v))
            if kind in (Kind.INTEGER, Kind.NUMBER):
                return lambda sheet, r, c, v: sheet.write_number(r, c, v)
            if kind is Kind.BOOLEAN:
                return lambda sheet, r, c, v: sheet.write_boolean(r, c, bool(v))
            style = date if kind is Kind.DATE else moment
            return lambda sheet, r, c, v: sheet.write_datetime(r, c, v, style)

        return [write(kind) for kind in kinds]


class _SheetWriter:
    """Writes one table, going on to a further sheet when one is full."""

    def __init__(self, workbook: Any, styles: _Styles, table: Table) -> None:
        self.workbook = workbook
        self.styles = styles
        self.table = table
        self.kinds = [column.kind for column in table.columns]
        self.writers = styles.writers(self.kinds)
        self.parts = 0

    def write(self, rows: Iterable[Row]) -> None:
        sheet, widths = self._start()
        r = 0
        for row in rows:
            if r == MAX_ROWS:
                self._finish(sheet, widths, r)
                sheet, widths = self._start()
                r = 0
            r += 1
            if r <= WIDTH_SAMPLE:
                self._measure(widths, row)
            for c, (write, value) in enumerate(zip(self.writers, row, strict=True)):
                # Nothing recorded, or empty text, is an empty cell: nothing to write.
                if value is not None and value != "":
                    write(sheet, r, c, value)
        self._finish(sheet, widths, r)

    def _start(self) -> tuple[Any, list[int]]:
        self.parts += 1
        name = self.table.name if self.parts == 1 else f"{self.table.name} ({self.parts})"
        sheet = self.workbook.add_worksheet(name)
        for c, header in enumerate(self.table.headers):
            sheet.write_string(0, c, header, self.styles.header)
        sheet.freeze_panes(1, 0)
        widths = [
            max(len(column.name) + 3, _FIXED_WIDTH.get(column.kind, _MIN_WIDTH))
            for column in self.table.columns
        ]
        return sheet, widths

    def _measure(self, widths: list[int], row: Row) -> None:
        for c, (kind, value) in enumerate(zip(self.kinds, row, strict=True)):
            if value is not None and kind not in _FIXED_WIDTH:
                widths[c] = max(widths[c], len(str(value)) + 1)

    def _finish(self, sheet: Any, widths: list[int], last_row: int) -> None:
        # constant_memory writes the columns' widths and the filter when the file closes.
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(width, _MAX_WIDTH))
        sheet.autofilter(0, 0, last_row, len(widths) - 1)


def export_xlsx(
    db: Database,
    out: Path,
    *,
    patient_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the chosen patients' records (None: every patient) as an XLSX workbook.

    Reports ``progress(done, total)``; if it raises :class:`Cancelled`, nothing is left.
    """
    with (
        read_tables(db, patient_ids, progress) as reader,
        atomic_output(Path(out)) as temporary,
        # XlsxWriter's row and part files go beside the export (where the room is) and
        # are removed with this folder, after a cancel too.
        tempfile.TemporaryDirectory(
            prefix=".mesodesk-xlsx-", dir=temporary.parent, ignore_cleanup_errors=True
        ) as scratch,
    ):
        workbook = xlsxwriter.Workbook(str(temporary), {**_WORKBOOK_OPTIONS, "tmpdir": scratch})
        workbook.set_properties({"title": "mesodesk export", "created": dt.datetime.now()})
        styles = _Styles(workbook)
        try:
            for table in reader.tables:
                _SheetWriter(workbook, styles, table).write(reader.rows(table))
            workbook.close()
        except XlsxWriterException as error:
            raise KnownError(f"The workbook could not be written: {error}.") from None
        finally:
            _close_row_files(workbook)
        reader.finish()


def _close_row_files(workbook: Any) -> None:
    """Close the row files of constant_memory mode, so that their folder can go."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
