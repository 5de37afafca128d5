"""Importing a spreadsheet of patients: each row checked, the good ones added, the rest
listed with their reason.

Planning reads every row against the record without writing anything: what the row
would become (a :class:`PatientData`) or why it is refused ("row 7: Date de naissance:
'31/02/1980' is not a date"), duplicates included, and which file number mesodesk gives
the rows that have none. The dialog previews the plan; importing recomputes it and then
adds the patients through :func:`patients.create_patients`, so each is validated and
audited exactly as if typed in the patient form.

The import writes in batches of :data:`BATCH` patients, one transaction each: a batch is
either wholly in the record with its audit entries or not at all. A batch the service
refuses (a clash with a patient added meanwhile) is retried patient by patient, so only
the offending row is refused. If the import stops (cancelled, disk full), the rows not
reached are listed as not imported; importing the same sheet again adds only them, since
the others are then duplicates.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.core.exchange.cells import neutralise
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.patient_sheet import (
    ADDRESS_PARTS,
    REQUIRED_FIELDS,
    Cell,
    ColumnMapping,
    PatientField,
    Sheet,
    SheetRow,
    cell_text,
    read_date,
    read_sex,
)
from mesodesk.core.exchange.progress import Cancelled, Progress, Ticker
from mesodesk.core.models import Patient
from mesodesk.core.services import patients
from mesodesk.core.services.patients import PatientData
from mesodesk.core.text import fold

_NUMBER_PLACEHOLDER = "0"  # validates a row whose file number mesodesk will give
_PERSON_FIELDS = (PatientField.FAMILY_NAME, PatientField.GIVEN_NAMES, PatientField.DATE_OF_BIRTH)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row not imported: its number in the spreadsheet, why, and its cells as read."""

    row: int
    reason: str
    cells: tuple[Cell, ...] = ()

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """What one row becomes: a patient to add, or the reason it is refused.

    ``numbered`` says the file number is one mesodesk gave, the row having none.
    """

    row: int
    cells: tuple[Cell, ...]
    patient: PatientData | None
    reason: str = ""
    numbered: bool = False

    @property
    def rejection(self) -> Rejection:
        return Rejection(self.row, self.reason, self.cells)

    def cell(self, column: int) -> Cell:
        return self.cells[column] if column < len(self.cells) else None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Every non-empty row of a sheet, in order, as it would be imported."""

    sheet: Sheet
    mapping: ColumnMapping
    rows: tuple[PlannedRow, ...]

    @property
    def accepted(self) -> tuple[PlannedRow, ...]:
        return tuple(row for row in self.rows if row.patient is not None)

    @property
    def rejections(self) -> tuple[Rejection, ...]:
        return tuple(row.rejection for row in self.rows if row.patient is None)

    def complaint(self, error: ValidationError) -> str:
        return complaint(self.sheet, self.mapping, error)


def complaint(sheet: Sheet, mapping: ColumnMapping, error: ValidationError) -> str:
    """A service's complaint about a row, naming the sheet's column: the service says
    "E-mail: …" where the practitioner's sheet calls that column "Courriel"."""
    fields = [f for f in PatientField if f.label == error.field]
    if error.field == PatientField.ADDRESS.label:
        fields = list(ADDRESS_PARTS)
    mapped = [sheet.columns[mapping[f]] for f in fields if f in mapping]
    return f"{', '.join(mapped) or error.field}: {error.problem}"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did: the patients added (ids, in row order) and the rows refused.

    ``stopped`` says why the import ended before the last row ("" when it did not).
    """

    imported: tuple[int, ...]
    rejections: tuple[Rejection, ...]
    stopped: str = ""


def check_mapping(sheet: Sheet, mapping: ColumnMapping) -> None:
    """Refuse a mapping without the required fields, or with a column used twice."""
    for field in PatientField:
        if field in REQUIRED_FIELDS and field not in mapping:
            raise ValidationError(field.label, "choose the column that holds it")
    seen: dict[int, PatientField] = {}
    for field, column in mapping.items():
        if not 0 <= column < len(sheet.header):
            raise ValidationError(field.label, f"the sheet has no column {column + 1}")
        if column in seen:
            raise ValidationError(
                field.label,
                f"the column {sheet.columns[column]} is already read as {seen[column].label}",
            )
        seen[column] = field


@dataclass
class _Record:
    """What the record already holds that an imported row must not repeat."""

    file_numbers: dict[str, str]  # casefolded → as stored
    people: dict[tuple[str, str, dt.date], str]  # folded names and birth date → file number

    @classmethod
    def load(cls, db: Database) -> _Record:
        with db.read() as session:
            rows = session.execute(
                select(
                    Patient.file_number,
                    Patient.family_key,
                    Patient.given_key,
                    Patient.date_of_birth,
                )
            ).all()
        return cls(
            file_numbers={number.casefold(): number for number, *_ in rows},
            people={(family, given, born): number for number, family, given, born in rows},
        )


class _RowReader:
    """Turns one row into a checked :class:`PatientData`, or a reason naming its column."""

    def __init__(self, sheet: Sheet, mapping: ColumnMapping, today: dt.date) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.columns = sheet.columns
        self.today = today

    def column(self, field: PatientField) -> str:
        return self.columns[self.mapping[field]]

    def text(self, row: SheetRow, field: PatientField) -> str:
        return cell_text(row.cell(self.mapping[field])) if field in self.mapping else ""

    def _address(self, row: SheetRow) -> str:
        street = self.text(row, PatientField.ADDRESS).strip()
        town = " ".join(
            part for part in (self.text(row, f).strip() for f in ADDRESS_PARTS[1:]) if part
        )
        return "\n".join(part for part in (street, town) if part)

    def read(self, row: SheetRow) -> PatientData | str:
        for field in PatientField:
            if field in REQUIRED_FIELDS and not self.text(row, field).strip():
                return f"{self.column(field)}: is empty"
        born_cell = row.cell(self.mapping[PatientField.DATE_OF_BIRTH])
        try:
            born = read_date(born_cell)
        except ValueError as problem:
            return f"{self.column(PatientField.DATE_OF_BIRTH)}: {problem}"
        sex = Sex.UNKNOWN
        if PatientField.SEX in self.mapping:
            try:
                sex = read_sex(row.cell(self.mapping[PatientField.SEX]))
            except ValueError as problem:
                return f"{self.column(PatientField.SEX)}: {problem}"
        file_number = self.text(row, PatientField.FILE_NUMBER).strip()
        data = PatientData(
            file_number=file_number or _NUMBER_PLACEHOLDER,
            family_name=self.text(row, PatientField.FAMILY_NAME),
            given_names=self.text(row, PatientField.GIVEN_NAMES),
            date_of_birth=born,
            sex=sex,
            phone=self.text(row, PatientField.PHONE),
            email=self.text(row, PatientField.EMAIL),
            address=self._address(row),
            notes=self.text(row, PatientField.NOTES),
        )
        try:
            # The program's own checks, the ones create_patient will make, without writing.
            checked = patients.clean_patient(data, self.today)
        except ValidationError as error:
            return complaint(self.sheet, self.mapping, error)
        return checked if file_number else dataclasses.replace(checked, file_number="")


def plan_import(
    db: Database, sheet: Sheet, mapping: ColumnMapping, *, today: dt.date | None = None
) -> ImportPlan:
    """Read every row of ``sheet`` through ``mapping``, against the record; write nothing.

    A row is refused when a cell cannot be read (an empty name, a date that is not one,
    an unknown sex), when the program's validation refuses it (an e-mail address that is
    not one), or when it repeats a patient: a file number already in the record or on
    an earlier row, or the same name and date of birth (accents and case aside) as a
    patient of the record or an earlier row. Rows without a file number get the next
    free ones (see :func:`patients.next_file_number`), in row order.
    """
    check_mapping(sheet, mapping)
    today = today or dt.date.today()
    reader = _RowReader(sheet, mapping, today)
    record = _Record.load(db)
    repeats = _Repeats(reader, record)
    planned: list[PlannedRow] = []
    for row in sheet.rows:
        read = reader.read(row)
        if isinstance(read, str):
            planned.append(PlannedRow(row.number, row.cells, None, read))
            continue
        reason = repeats.check(row.number, read)
        planned.append(PlannedRow(row.number, row.cells, None if reason else read, reason))
    written = {reader.text(row, PatientField.FILE_NUMBER).strip().casefold() for row in sheet.rows}
    taken = set(record.file_numbers) | written
    return ImportPlan(sheet, mapping, tuple(_numbered(db, planned, taken, today)))


class _Repeats:
    """Finds rows that repeat a patient of the record or of an earlier row."""

    def __init__(self, reader: _RowReader, record: _Record) -> None:
        self.record = record
        self.numbers: dict[str, int] = {}  # casefolded file number → first row with it
        self.people: dict[tuple[str, str, dt.date], int] = {}  # → first row with them
        mapped = reader.mapping
        self.number_column = (
            reader.column(PatientField.FILE_NUMBER) if PatientField.FILE_NUMBER in mapped else ""
        )
        self.person_columns = ", ".join(reader.column(f) for f in _PERSON_FIELDS)

    def check(self, row: int, data: PatientData) -> str:
        """Why ``data`` on ``row`` is a repeat ("" when it is not); remember it either way."""
        number = data.file_number.casefold()
        person = (fold(data.family_name), fold(data.given_names), data.date_of_birth)
        reason = ""
        if number and number in self.record.file_numbers:
            reason = f"{self.number_column}: {data.file_number!r} is already in the record"
        elif number and number in self.numbers:
            reason = (
                f"{self.number_column}: {data.file_number!r} is already on row "
                f"{self.numbers[number]}"
            )
        elif person in self.record.people:
            reason = (
                f"{self.person_columns}: {data.family_name} {data.given_names}, born "
                f"{data.date_of_birth.isoformat()}, is already in the record "
                f"(file {self.record.people[person]})"
            )
        elif person in self.people:
            reason = f"{self.person_columns}: the same patient as row {self.people[person]}"
        if number:
            self.numbers.setdefault(number, row)
        self.people.setdefault(person, row)
        return reason


def _numbered(
    db: Database,
    planned: list[PlannedRow],
    taken: set[str],
    today: dt.date,
) -> list[PlannedRow]:
    """Give the accepted rows without a file number the next free numbers, in order.

    ``taken`` (casefolded) holds the record's numbers and every number written in the
    sheet, even on refused rows: such a row, corrected and imported later, keeps its own.
    """
    prefix, _, first = patients.next_file_number(db, today.year).rpartition("-")
    following = int(first)
    numbered: list[PlannedRow] = []
    for row in planned:
        if row.patient is not None and not row.patient.file_number:
            while f"{prefix}-{following:04d}".casefold() in taken:
                following += 1
            patient = dataclasses.replace(row.patient, file_number=f"{prefix}-{following:04d}")
            following += 1
            numbered.append(dataclasses.replace(row, patient=patient, numbered=True))
        else:
            numbered.append(row)
    return numbered


BATCH = 200  # patients per transaction: one commit (and fsync) per batch, not per patient


class PatientImport:
    """Adds the accepted rows of a plan, one patient at a time, so that an import can
    report progress and stop between two patients (:func:`import_patients` drives it)."""

    def __init__(self, db: Database, plan: ImportPlan) -> None:
        self.db = db
        self.plan = plan
        self.total = len(plan.accepted)
        self._pending = collections.deque(plan.accepted)
        self._imported: list[int] = []
        self._rejections = list(plan.rejections)
        self._stopped = ""

    @property
    def done(self) -> int:
        return self.total - len(self._pending)

    @property
    def finished(self) -> bool:
        return not self._pending

    def write_next(self) -> int:
        """Add the next batch; return how many rows it took. A row the service refuses
        joins the rejections; a problem of the environment (disk full, record busy)
        stops the import."""
        batch = [self._pending[i] for i in range(min(BATCH, len(self._pending)))]
        if len(batch) > 1 and not self._write(batch):
            batch = batch[:1]  # a row was refused: go on one by one to find it
            self._write(batch)
        elif len(batch) == 1:
            self._write(batch)
        return len(batch) if not self._stopped else 0

    def _write(self, batch: list[PlannedRow]) -> bool:
        """Write ``batch`` in one transaction; False when the service refused a row of a
        batch of several (nothing was written then)."""
        data = [row.patient for row in batch if row.patient is not None]
        try:
            self._imported += patients.create_patients(self.db, data)
        except ValidationError as error:
            if len(batch) > 1:
                return False
            self._rejections.append(
                Rejection(batch[0].row, self.plan.complaint(error), batch[0].cells)
            )
        except MesodeskError as error:
            self.stop(error.message)
            return True
        for _ in batch:
            self._pending.popleft()
        return True

    def stop(self, why: str) -> None:
        """End the import here: the rows not yet added are listed as not imported."""
        while self._pending:
            row = self._pending.popleft()
            self._rejections.append(Rejection(row.row, f"not imported: {why}", row.cells))
        self._stopped = why

    def summary(self) -> ImportSummary:
        rejections = sorted(self._rejections, key=lambda rejection: rejection.row)
        return ImportSummary(tuple(self._imported), tuple(rejections), self._stopped)


def import_patients(
    db: Database,
    sheet: Sheet,
    mapping: ColumnMapping,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Plan the import of ``sheet`` and add its good rows; say what was done.

    ``progress`` may raise :class:`Cancelled`: the patients already added stay, and the
    rest are listed as not imported.
    """
    job = PatientImport(db, plan_import(db, sheet, mapping, today=today))
    try:
        ticker = Ticker(progress, job.total, step=10)
        while not job.finished:
            ticker.add(job.write_next())
    except Cancelled:
        job.stop("the import was cancelled")
    else:
        ticker.finish()
    return job.summary()


def save_rejections(target: Path, sheet: Sheet, rejections: Sequence[Rejection]) -> None:
    """Write the refused rows as CSV: row number, reason, then the row's own columns.

    UTF-8 with a BOM, the delimiter of the sheet read (``,`` for a workbook), so the
    practitioner can correct the rows in a spreadsheet and import the file again. Text
    a spreadsheet would run as a formula is neutralised.
    """
    with (
        atomic_output(target) as temporary,
        open(temporary, "w", encoding="utf-8-sig", newline="") as out,
    ):
        writer = csv.writer(out, delimiter=sheet.delimiter or ",")
        writer.writerow(["Row", "Reason", *(neutralise(name) for name in sheet.header)])
        for rejection in rejections:
            cells = [
                cell_text(cell)
                if isinstance(cell, int | float) and not isinstance(cell, bool)
                else neutralise(cell_text(cell))
                for cell in rejection.cells
            ]
            writer.writerow([rejection.row, neutralise(rejection.reason), *cells])
