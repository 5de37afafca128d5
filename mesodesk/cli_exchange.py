"""The command line's exchange commands: ``export``, ``import`` and ``recall``.

Kept apart from :mod:`mesodesk.cli` so each file holds one family of commands; the
formats themselves are listed once, in :mod:`mesodesk.reports.formats`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mesodesk.core.db import Database

FORMAT_KEYS = ("pdf", "csv", "xlsx", "fhir", "archive")


class ExchangeUsageError(Exception):
    """A combination of arguments the parser itself cannot refuse (exit 2)."""


def add_commands(commands: Any) -> None:
    """Add ``export``, ``import`` and ``recall`` to the parser's sub-commands."""
    export = commands.add_parser(
        "export",
        help="write one patient's history or the whole practice to a file",
        description="Formats: pdf (one patient's history), csv (a zip of tables), "
        "xlsx (a workbook), fhir (an R4 JSON bundle), archive (the whole practice, "
        "to move it to another computer).",
    )
    export.add_argument("--db", type=Path, required=True)
    who = export.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient", metavar="FILE_NO", help="the patient's file number")
    who.add_argument("--all", action="store_true", help="every patient, archived ones too")
    export.add_argument("--format", required=True, choices=FORMAT_KEYS, dest="format_key")
    export.add_argument(
        "--out", type=Path, required=True, help="the file to write, or a folder to write it in"
    )
    export.set_defaults(handler=export_command)

    imports = commands.add_parser(
        "import",
        help="make a record from a mesodesk archive (into a new or empty database)",
    )
    imports.add_argument("--db", type=Path, required=True, help="a new or empty database file")
    imports.add_argument("archive", type=Path, metavar="ARCHIVE")
    imports.set_defaults(handler=import_command)

    recall = commands.add_parser(
        "recall", help="the patients and sessions that received a lot (a product recall)"
    )
    recall.add_argument("--db", type=Path, required=True)
    recall.add_argument("--lot", required=True, help="the lot number, as on the vial")
    recall.add_argument("--out", type=Path, help="write a CSV file instead of printing")
    recall.set_defaults(handler=recall_command)


def open_record(path: Path) -> Database:
    """Open an existing record for a command (never creates one); an encrypted record's
    password comes from MESODESK_PASSWORD or the terminal."""
    from mesodesk.cli import record_password
    from mesodesk.core.db.opening import open_database
    from mesodesk.core.errors import KnownError

    if not path.is_file():
        raise KnownError(f"There is no mesodesk database at {path}.")
    database = open_database(path, load_catalogues=False, key=record_password(path))
    database.actor = "mesodesk command line"
    return database


def export_command(args: argparse.Namespace) -> int:
    from mesodesk.core.services.patients import find_by_file_number
    from mesodesk.reports.formats import FORMATS, Scope

    fmt = FORMATS[args.format_key]
    if fmt.scope is Scope.ONE_PATIENT and args.all:
        raise ExchangeUsageError(f"--format {fmt.key} writes one patient: give --patient FILE_NO")
    if fmt.scope is Scope.PRACTICE and args.patient is not None:
        raise ExchangeUsageError(f"--format {fmt.key} holds the whole practice: give --all")
    database = open_record(args.db)
    try:
        if args.patient is not None:
            patient = find_by_file_number(database, args.patient)
            patient_ids: list[int] | None = [patient.id]
            what = f"{patient.file_number} {patient.full_name}"
        else:
            patient_ids, what = None, args.db.stem
        out: Path = args.out
        if out.is_dir():
            out = out / fmt.suggested_name(what)
        fmt.write(database, out, patient_ids, None)
    finally:
        database.close()
    print(f"Wrote {out}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    from mesodesk.core.attachments import photos_folder
    from mesodesk.core.exchange.archive_import import import_archive

    summary = import_archive(args.archive, args.db, photos_dir=photos_folder(args.db))
    print(f"Imported {args.archive} into {args.db}: {summary}")
    return 0


def recall_command(args: argparse.Namespace) -> int:
    from mesodesk.core.errors import NotFoundError
    from mesodesk.core.services.catalogue import find_lots
    from mesodesk.core.services.recall import recall_lot

    database = open_record(args.db)
    try:
        if not find_lots(database, args.lot):
            raise NotFoundError("Lot", args.lot.strip())
        rows = recall_lot(database, args.lot)
    finally:
        database.close()
    if args.out is not None:
        from mesodesk.core.exchange.recall_export import write_recall_csv

        write_recall_csv(rows, args.out)
        print(f"Wrote {len(rows)} sessions to {args.out}")
        return 0
    if not rows:
        print(f"No session received lot {args.lot.strip()}.")
        return 0
    for row in rows:
        print(
            "\t".join(
                (
                    row.session_date.isoformat(),
                    row.file_number,
                    row.patient_name,
                    row.phone,
                    row.email,
                    f"{row.product} lot {row.lot_number}",
                    f"{row.volume_ml:g} mL",
                    row.areas,
                )
            ),
            file=sys.stdout,
        )
    patients = len({row.patient_id for row in rows})
    print(f"{len(rows)} sessions, {patients} patients", file=sys.stderr)
    return 0
