"""Reading a practitioner's spreadsheet of patients (CSV or XLSX), and its columns and cells.

Practitioners arrive with the list their previous software or their secretary kept: a
CSV saved by Excel (often Windows-1252 and ``;`` in France) or an XLSX workbook. Reading
gives the header and the rows with their cells as the file holds them (text, numbers,
real dates), each row with the number the spreadsheet shows beside it, so a rejection
can send the practitioner to the right line. Then: which column holds which field of a
patient (guessed from English or French column names), and how a cell is read as a date
or a sex. Checking rows against the record and importing them are in
:mod:`.patient_sheet_import`; the format is described in ``docs/formats/patient-sheet.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.core.enums import Sex
from mesodesk.core.errors import MesodeskError
from mesodesk.core.text import fold

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None
"""A cell as read: CSV gives text only; XLSX also numbers, booleans and real dates."""

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")
_SNIFF_RECORDS = 50
_SEPARATORS = str.maketrans("", "", "".join(DELIMITERS) + '"')


class UnreadableSheetError(MesodeskError):
    """The file is not a spreadsheet mesodesk can read; nothing was imported."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row below the header: its number as the spreadsheet shows it, and its cells."""

    number: int
    cells: tuple[Cell, ...]

    def cell(self, column: int) -> Cell:
        return self.cells[column] if column < len(self.cells) else None


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet read: the header row and the non-empty rows under it.

    ``encoding`` and ``delimiter`` say how a CSV was read (both ``None`` for XLSX);
    ``sheet_name`` is the worksheet an XLSX was read from.
    """

    path: Path
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Names of the columns as a person would call them: the header, or "column C"."""
        return tuple(
            name.strip() or f"column {column_letters(i)}" for i, name in enumerate(self.header)
        )


def column_letters(index: int) -> str:
    """The spreadsheet letters of the column at ``index`` (0 → "A", 27 → "AB")."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_sheet(path: Path, sheet_name: str | None = None) -> Sheet:
    """Read a CSV or XLSX file; for XLSX, ``sheet_name`` or else the first worksheet.

    The header is the first non-empty row. Raises :class:`UnreadableSheetError` with a
    sentence for the practitioner when the file cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UnreadableSheetError(
            f"{path.name} is an old Excel file (.xls): save it as .xlsx or CSV and choose it again."
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise UnreadableSheetError(f"{path.name} is not a CSV or XLSX file.")
    try:
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, sheet_name)
        return _read_csv(path)
    except OSError as error:
        raise UnreadableSheetError(f"Cannot read {path.name}: {error.strerror or error}.") from None


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an XLSX file in their order (empty for a CSV)."""
    path = Path(path)
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return []
    try:
        workbook = _open_workbook(path)
    except OSError as error:
        raise UnreadableSheetError(f"Cannot read {path.name}: {error.strerror or error}.") from None
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _header_and_rows(
    path: Path, numbered: Iterable[tuple[int, Sequence[Cell]]]
) -> tuple[tuple[str, ...], tuple[SheetRow, ...]]:
    """The first non-empty row as the header, and the non-empty rows under it."""
    header: tuple[str, ...] | None = None
    rows: list[SheetRow] = []
    for number, cells in numbered:
        if all(is_blank(cell) for cell in cells):
            continue
        if header is None:
            header = tuple(cell_text(cell).strip() for cell in cells)
        else:
            rows.append(SheetRow(number, tuple(cells)))
    if header is None:
        raise UnreadableSheetError(f"{path.name} is empty.")
    width = max([len(header), *(len(row.cells) for row in rows)])
    return header + ("",) * (width - len(header)), tuple(rows)


# --- CSV --------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in.

    A byte-order mark says UTF-8 or UTF-16 (Excel's "Unicode text"); otherwise UTF-8 if
    the bytes are valid UTF-8, else Windows-1252, what Excel on a French Windows saves.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise UnreadableSheetError(
            "The file is neither UTF-8 nor Windows-1252 text: save it again as CSV UTF-8."
        ) from None


def sniff_delimiter(text: str) -> str:
    """Which of ``,`` ``;`` and tab separates the columns.

    The one that splits the first records into the most columns, the same number on
    each line, wins: an address such as "12, rue Victor Hugo" in a ``;`` file does not
    fool it, as it would a count of characters.
    """
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            records = [
                record
                for record in itertools.islice(reader, _SNIFF_RECORDS)
                if any(cell.strip() for cell in record)
            ]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        steady = sum(len(record) == width for record in records) / len(records)
        score = (steady if width > 1 else 0.0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> Sheet:
    try:
        text, encoding = decode(path.read_bytes())
    except UnicodeDecodeError:
        raise UnreadableSheetError(f"{path.name} is not valid UTF-8 text.") from None
    if "\x00" in text:
        raise UnreadableSheetError(f"{path.name} is not a text file.")
    if not text.translate(_SEPARATORS).strip():
        raise UnreadableSheetError(f"{path.name} is empty.")
    delimiter = sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableSheetError(f"{path.name} is not a readable CSV file: {error}.") from None
    # A record is one spreadsheet row, even when a quoted cell holds line breaks.
    header, rows = _header_and_rows(path, enumerate(records, start=1))
    return Sheet(path, header, rows, encoding=encoding, delimiter=delimiter)


# --- XLSX -------------------------------------------------------------------


def _open_workbook(path: Path) -> Workbook:
    import openpyxl  # imported here: only an import needs it, and it takes a while to load
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only: a formula cell gives the value the practitioner sees, not its formula.
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        raise UnreadableSheetError(
            f"{path.name} is not a readable XLSX workbook (damaged, or another kind of file)."
        ) from None


def _read_xlsx(path: Path, sheet_name: str | None) -> Sheet:
    workbook = _open_workbook(path)
    try:
        if sheet_name is None:
            worksheet = workbook.worksheets[0]
        elif sheet_name in workbook.sheetnames:
            worksheet = workbook[sheet_name]
        else:
            raise UnreadableSheetError(f"{path.name} has no sheet named {sheet_name!r}.")
        if not hasattr(worksheet, "reset_dimensions"):  # a chart sheet has no cells
            raise UnreadableSheetError(f"The sheet {worksheet.title!r} holds no cells.")
        # Some programs write a wrong size into the file: let openpyxl find the real one.
        worksheet.reset_dimensions()
        values = worksheet.iter_rows(min_row=1, values_only=True)
        numbered = ((n, [_plain(value) for value in row]) for n, row in enumerate(values, 1))
        header, rows = _header_and_rows(path, numbered)
        return Sheet(path, header, rows, sheet_name=worksheet.title)
    finally:
        workbook.close()


def _plain(value: object) -> Cell:
    """A cell value as plain Python: rich text becomes its text, a decimal a float."""
    if value is None or isinstance(value, str | int | float | bool | dt.date | dt.time):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


# --- mapping columns to a patient's fields -------------------------------------


class PatientField(StrEnum):
    """What a column of the sheet can hold; the value names the :class:`PatientData` field.

    Postcode and town are not fields of the record: many lists keep them in columns of
    their own, and they are added to the address as the second line ("75011 Paris").
    """

    FILE_NUMBER = "file_number"
    FAMILY_NAME = "family_name"
    GIVEN_NAMES = "given_names"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    POSTCODE = "postcode"
    TOWN = "town"
    NOTES = "notes"

    @property
    def label(self) -> str:
        """The field's name as the patient form and the services' errors say it."""
        return _LABELS[self]

    @property
    def required(self) -> bool:
        return self in REQUIRED_FIELDS


_LABELS = {
    PatientField.FILE_NUMBER: "File number",
    PatientField.FAMILY_NAME: "Family name",
    PatientField.GIVEN_NAMES: "Given names",
    PatientField.DATE_OF_BIRTH: "Date of birth",
    PatientField.SEX: "Sex",
    PatientField.PHONE: "Phone",
    PatientField.EMAIL: "E-mail",
    PatientField.ADDRESS: "Address",
    PatientField.POSTCODE: "Postcode",
    PatientField.TOWN: "Town",
    PatientField.NOTES: "Notes",
}
REQUIRED_FIELDS = frozenset(
    {PatientField.FAMILY_NAME, PatientField.GIVEN_NAMES, PatientField.DATE_OF_BIRTH}
)
ADDRESS_PARTS = (PatientField.ADDRESS, PatientField.POSTCODE, PatientField.TOWN)

ColumnMapping = dict[PatientField, int]
"""Which column (its index in the sheet) each mapped field is read from."""

# Header names in English and French, as :func:`words` leaves them.
_ALIASES: dict[PatientField, tuple[str, ...]] = {
    PatientField.FILE_NUMBER: (
        "n dossier", "no dossier", "n de dossier", "no de dossier", "numero de dossier",
        "numero dossier", "dossier", "n patient", "no patient", "numero patient",
        "file number", "file no", "file", "record number", "patient number", "patient id",
    ),
    PatientField.FAMILY_NAME: (
        "nom", "nom de famille", "nom d usage", "family name", "last name", "lastname",
        "surname",
    ),
    PatientField.GIVEN_NAMES: (
        "prenom", "prenoms", "first name", "firstname", "given name", "given names",
        "forename", "forenames",
    ),
    PatientField.DATE_OF_BIRTH: (
        "date de naissance", "date naissance", "naissance", "ne le", "ne e le", "ddn",
        "dob", "d o b", "birth date", "birthdate", "date of birth", "born",
    ),
    PatientField.SEX: ("sexe", "sex", "genre", "gender"),
    PatientField.PHONE: (
        "telephone", "tel", "portable", "mobile", "numero de telephone", "phone",
        "phone number", "telephone number", "mobile phone", "cell phone",
    ),
    PatientField.EMAIL: (
        "email", "e mail", "courriel", "mail", "adresse e mail", "adresse email",
        "adresse mail", "email address", "e mail address",
    ),
    PatientField.ADDRESS: ("adresse", "adresse postale", "rue", "address", "street"),
    PatientField.POSTCODE: (
        "code postal", "cp", "postcode", "post code", "postal code", "zip", "zip code",
    ),
    PatientField.TOWN: ("ville", "commune", "localite", "town", "city"),
    PatientField.NOTES: (
        "notes", "note", "remarque", "remarques", "commentaire", "commentaires",
        "observations", "comments", "comment",
    ),
}  # fmt: skip
_FIELD_OF = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}
_NOT_WORDS = re.compile(r"[^a-z0-9]+")


def words(text: str) -> str:
    """``text`` folded to plain lower-case words: "N° dossier" → "n dossier"."""
    return _NOT_WORDS.sub(" ", fold(text)).strip()


def guess_mapping(header: Sequence[str]) -> ColumnMapping:
    """Which column holds which field, from the header's names in English or French.

    Accents, case and punctuation are ignored ("Date de naissance", "DATE NAISSANCE",
    "D.O.B." all match). A header that is a known name followed by more words ("Date de
    naissance (jj/mm/aaaa)", "Téléphone portable") is taken for a field no column names
    exactly. Each field gets one column at most, the leftmost.
    """
    mapping: ColumnMapping = {}
    names = [words(name) for name in header]
    for column, name in enumerate(names):
        field = _FIELD_OF.get(name)
        if field is not None and field not in mapping:
            mapping[field] = column
    used = set(mapping.values())
    by_length = sorted(_FIELD_OF.items(), key=lambda item: -len(item[0]))
    for column, name in enumerate(names):
        if column in used:
            continue
        for alias, field in by_length:
            if field not in mapping and name.startswith(alias + " "):
                mapping[field] = column
                used.add(column)
                break
    return dict(sorted(mapping.items(), key=lambda item: list(PatientField).index(item[0])))


# --- reading cell values --------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")


def cell_text(cell: Cell) -> str:
    """A cell as the text a person reads in it (whole numbers without ".0")."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_date(cell: Cell) -> dt.date:
    """A date from a real spreadsheet date, or text in ISO (1984-05-12), 12/05/1984,
    12.05.1984 or 12-05-1984 (day first, four-digit year).

    Raises ``ValueError`` saying what is wrong with the cell, e.g. "'31/02/1980' is not
    a date". A two-digit year or a bare number (a date cell formatted as "General")
    is refused rather than guessed.
    """
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise ValueError(f"{cell_text(cell)} is a number, not a date")
    text = cell_text(cell).strip()
    iso = _ISO_DATE.fullmatch(text)
    if iso is not None:
        found = _date(int(iso[1]), int(iso[2]), int(iso[3]))
    elif (day_first := _DAY_FIRST.fullmatch(text)) is not None:
        day, month, year = int(day_first[1]), int(day_first[3]), int(day_first[4])
        found = _date(year, month, day)
        if found is None and _date(year, day, month) is not None:
            raise ValueError(f"{text!r} is not a date (day/month/year expected)")
    else:
        found = None
    if found is None:
        raise ValueError(f"{text!r} is not a date")
    return found


_SEX_WORDS: dict[Sex, tuple[str, ...]] = {
    Sex.FEMALE: ("f", "fem", "femme", "feminin", "female", "woman", "w"),
    Sex.MALE: ("m", "h", "masc", "homme", "masculin", "male", "man"),
    Sex.OTHER: ("autre", "other", "x", "non binaire", "non binary", "nonbinary"),
    Sex.UNKNOWN: ("", "inconnu", "unknown", "nc", "non communique", "non renseigne", "u"),
}
_SEX_OF = {word: sex for sex, known in _SEX_WORDS.items() for word in known}


def read_sex(cell: Cell) -> Sex:
    """The sex a cell says, in English or French (F, M, H, femme, homme, female, male,
    autre, other…); an empty cell is "unknown". Raises ``ValueError`` otherwise."""
    text = cell_text(cell)
    sex = _SEX_OF.get(words(text))
    if sex is None:
        raise ValueError(
            f"{text.strip()!r} is not a sex mesodesk knows (F, M, H, femme, homme, female, "
            "male, autre, other)"
        )
    return sex
