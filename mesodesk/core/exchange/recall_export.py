"""The recall list of one lot as a CSV file, to phone or write to the patients who received it.

The rows come from :func:`mesodesk.core.services.recall.recall_lot`; the file has the
layout of the table exports (UTF-8 with BOM, ISO dates, neutralised text), documented
in ``docs/formats/tables.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from mesodesk.core.exchange.csv_export import write_csv
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.tables import DATE, INTEGER, NUMBER, TEXT, Column, Row
from mesodesk.core.services.recall import RecallRow

RECALL_COLUMNS = (
    Column("file_number", TEXT),
    Column("patient_name", TEXT),
    Column("phone", TEXT),
    Column("email", TEXT),
    Column("session_date", DATE),
    Column("session_number", INTEGER),
    Column("indication", TEXT),
    Column("product", TEXT),
    Column("lot_number", TEXT),
    Column("expiry_date", DATE),
    Column("volume_ml", NUMBER),
    Column("areas", TEXT),
    Column("patient_id", INTEGER),
    Column("session_id", INTEGER),
)


def _cells(rows: Sequence[RecallRow]) -> Iterator[Row]:
    for row in rows:
        yield (
            row.file_number,
            row.patient_name,
            row.phone,
            row.email,
            row.session_date,
            row.session_number,
            row.indication,
            row.product,
            row.lot_number,
            row.expiry_date,
            row.volume_ml,
            row.areas,
            row.patient_id,
            row.session_id,
        )


def write_recall_csv(rows: Sequence[RecallRow], out: Path) -> None:
    """Write the recall rows (a row per session and line of the lot) to ``out``."""
    with (
        atomic_output(Path(out)) as temporary,
        open(temporary, "w", encoding="utf-8-sig", newline="") as stream,
    ):
        write_csv(stream, RECALL_COLUMNS, _cells(rows))
