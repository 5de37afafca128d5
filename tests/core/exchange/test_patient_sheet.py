"""Patients from a spreadsheet: files as practitioners bring them, read, checked, imported."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, select

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import ValidationError
from mesodesk.core.exchange import patient_sheet_import
from mesodesk.core.exchange.patient_sheet import (
    PatientField,
    UnreadableSheetError,
    cell_text,
    guess_mapping,
    read_date,
    read_sex,
    read_sheet,
    sheet_names,
)
from mesodesk.core.exchange.patient_sheet_import import (
    PatientImport,
    import_patients,
    plan_import,
    save_rejections,
)
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.core.models import AuditEntry, Patient
from mesodesk.core.services import audit, patients
from tests.core.conftest import Clinic, add_patient, all_table_counts

F = PatientField
YEAR = dt.date.today().year
FRENCH_HEADER = (
    "N° dossier;Nom;Prénom;Date de naissance;Sexe;Téléphone;Courriel;Adresse;Code postal;Ville;"
    "Remarques"
)


def write_csv(path: Path, lines: list[str], encoding: str = "cp1252", eol: str = "\r\n") -> Path:
    path.write_bytes(eol.join(lines).encode(encoding) + eol.encode(encoding))
    return path


def french_csv(tmp_path: Path, *rows: str) -> Path:
    """A list saved by Excel on a French Windows: Windows-1252, ``;``, CRLF."""
    return write_csv(tmp_path / "patients.csv", [FRENCH_HEADER, *rows])


def stored(db: Database) -> dict[str, patients.PatientData]:
    """Every patient of the record, by file number."""
    with db.read() as session:
        ids = session.scalars(select(Patient.id)).all()
    found = [patients.patient_data(db, patient_id) for patient_id in ids]
    return {data.file_number: data for data in found}


def plan_of(db: Database, path: Path) -> list[tuple[int, str]]:
    """Each row's number and reason ("" for a row that would be imported)."""
    sheet = read_sheet(path)
    return [
        (row.row, row.reason) for row in plan_import(db, sheet, guess_mapping(sheet.header)).rows
    ]


# --- reading files ----------------------------------------------------------------------


def test_a_french_excel_csv_is_read_as_windows_1252_with_semicolons(tmp_path: Path) -> None:
    path = french_csv(
        tmp_path,
        "A-101;Dubois;Hélène;12/05/1984;F;06 12 34 56 78;helene@exemple.fr;"
        '"12, rue de l\'Église";75011;Paris;Peau sèche',
        "",
        "A-102;Lefèvre;Zoé;03.11.1991;Femme;;;;;;",
        "A-103;Cœur;Noëlle;1950-01-01;F;;;rue de l’Étang;;;",
    )
    sheet = read_sheet(path)
    assert (sheet.encoding, sheet.delimiter) == ("Windows-1252", ";")
    assert sheet.header == tuple(FRENCH_HEADER.split(";"))
    assert [row.number for row in sheet.rows] == [2, 4, 5]  # the empty line 3 still counts
    assert sheet.rows[0].cells[7] == "12, rue de l'Église"
    assert sheet.rows[1].cells[2] == "Zoé"
    assert sheet.rows[2].cells[1:3] == ("Cœur", "Noëlle")  # œ is Windows-1252, not Latin-1
    assert sheet.rows[2].cells[7] == "rue de l’Étang"


@pytest.mark.parametrize(
    ("encoding", "prefix", "delimiter", "said"),
    [
        ("utf-8", b"\xef\xbb\xbf", ",", "UTF-8"),
        ("utf-8", b"", "\t", "UTF-8"),
        ("utf-16-le", b"\xff\xfe", "\t", "UTF-16"),
    ],
)
def test_utf8_with_or_without_bom_and_other_separators(
    tmp_path: Path, encoding: str, prefix: bytes, delimiter: str, said: str
) -> None:
    lines = [
        delimiter.join(("Last name", "First name", "DOB", "Notes")),
        delimiter.join(("Nguyễn", "Thị Hoa", "1990-01-31", "œdème ; léger")),
    ]
    path = tmp_path / "patients.csv"
    path.write_bytes(prefix + "\n".join(lines).encode(encoding))
    sheet = read_sheet(path)
    assert (sheet.encoding, sheet.delimiter) == (said, delimiter)
    assert sheet.header[0] == "Last name"  # no BOM left on the first name
    assert sheet.rows[0].cells == ("Nguyễn", "Thị Hoa", "1990-01-31", "œdème ; léger")


def test_commas_inside_the_names_of_a_tab_separated_header_do_not_fool_the_reading(
    tmp_path: Path,
) -> None:
    lines = [
        "Nom, prénom\tNaissance, date\tAdresse, ville, CP",
        "Dubois Hélène\t1984-05-12\t12 rue Haute",
        "Roux Anne\t1970-02-02\t3 place Basse",
    ]
    sheet = read_sheet(write_csv(tmp_path / "p.txt", lines, "utf-8"))
    assert sheet.delimiter == "\t"
    assert sheet.header == ("Nom, prénom", "Naissance, date", "Adresse, ville, CP")


def test_a_quoted_cell_with_line_breaks_is_one_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [
            "Nom,Prénom,DDN,Notes",
            'Roux,Anne,1970-02-02,"ligne 1\r\nligne 2"',
            "Petit,Marc,1971-03-03,",
        ],
        encoding="utf-8",
    )
    sheet = read_sheet(path)
    assert [row.number for row in sheet.rows] == [2, 3]
    assert sheet.rows[0].cells[3] == "ligne 1\r\nligne 2"


def workbook(path: Path, rows: list[list[object]], *, title: str = "Patients") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "patients.xlsx",
        [
            [],
            ["Nom", "Prénom", "Date de naissance", "N° dossier", "Téléphone"],
            ["Dubois", "Hélène", dt.datetime(1984, 5, 12), 1024, 612345678],
            ["Martin", "Luc", dt.date(1979, 12, 31), 1025.0, "06 11 22 33 44"],
        ],
    )
    sheet = read_sheet(path)
    assert sheet.sheet_name == "Patients" and sheet.encoding is None
    assert sheet.header == ("Nom", "Prénom", "Date de naissance", "N° dossier", "Téléphone")
    assert [row.number for row in sheet.rows] == [3, 4]
    assert sheet.rows[0].cells[2] == dt.datetime(1984, 5, 12)


def test_the_xlsx_patients_are_imported_with_their_dates(tmp_path: Path, clinic: Clinic) -> None:
    path = workbook(
        tmp_path / "patients.xlsx",
        [
            ["Nom", "Prénom", "Date de naissance", "N° dossier", "Téléphone"],
            ["Dubois", "Hélène", dt.datetime(1984, 5, 12), 1024, 612345678],
            ["Martin", "Luc", dt.date(1979, 12, 31), 1025.0, "06 11 22 33 44"],
            ["Petit", "Marc", 30000, 1026, ""],
        ],
    )
    sheet = read_sheet(path)
    summary = import_patients(clinic.db, sheet, guess_mapping(sheet.header))
    assert [str(r) for r in summary.rejections] == [
        "row 4: Date de naissance: 30000 is a number, not a date"
    ]
    record = stored(clinic.db)
    assert record["1024"].date_of_birth == dt.date(1984, 5, 12)
    assert record["1024"].phone == "612345678"
    assert record["1025"].date_of_birth == dt.date(1979, 12, 31)


def test_a_chosen_sheet_of_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cabinet.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Tarifs"
    first.append(["Acte", "Prix"])
    second = book.create_sheet("Patientèle")
    second.append(["Nom", "Prénom", "DDN"])
    second.append(["Roux", "Anne", dt.date(1970, 2, 2)])
    book.save(path)
    assert sheet_names(path) == ["Tarifs", "Patientèle"]
    assert read_sheet(path).header == ("Acte", "Prix")
    chosen = read_sheet(path, "Patientèle")
    assert chosen.header == ("Nom", "Prénom", "DDN") and chosen.rows[0].number == 2
    with pytest.raises(UnreadableSheetError, match="no sheet named"):
        read_sheet(path, "Agenda")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel file"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        ("photo.png", b"\x89PNG", "not a CSV or XLSX"),
        ("empty.csv", b"\r\n;;\r\n", "is empty"),
        ("binary.csv", b"a\x00b\x00\xff\xfe", "not a text file"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused_in_words(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableSheetError, match=message):
        read_sheet(path)


# --- guessing the mapping and reading cells --------------------------------------------


def test_the_columns_are_guessed_from_french_or_english_names() -> None:
    french = guess_mapping(FRENCH_HEADER.split(";"))
    assert french == {
        F.FILE_NUMBER: 0,
        F.FAMILY_NAME: 1,
        F.GIVEN_NAMES: 2,
        F.DATE_OF_BIRTH: 3,
        F.SEX: 4,
        F.PHONE: 5,
        F.EMAIL: 6,
        F.ADDRESS: 7,
        F.POSTCODE: 8,
        F.TOWN: 9,
        F.NOTES: 10,
    }
    english = guess_mapping(
        ["ID", "Family name", "First name", "D.O.B.", "Gender", "E-mail", "File number", "x"]
    )
    assert english == {
        F.FILE_NUMBER: 6,
        F.FAMILY_NAME: 1,
        F.GIVEN_NAMES: 2,
        F.DATE_OF_BIRTH: 3,
        F.SEX: 4,
        F.EMAIL: 5,
    }


def test_the_guess_ignores_accents_case_and_extra_words() -> None:
    mapping = guess_mapping(
        ["NOM", "PRENOM", "Date de naissance (jj/mm/aaaa)", "Téléphone portable", "Adresse e-mail",
         "Adresse", "Nom du médecin traitant"]
    )  # fmt: skip
    assert mapping == {
        F.FAMILY_NAME: 0,
        F.GIVEN_NAMES: 1,
        F.DATE_OF_BIRTH: 2,
        F.PHONE: 3,
        F.EMAIL: 4,
        F.ADDRESS: 5,
    }


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("  as typed ", "  as typed "),
        (1024, "1024"),
        (1024.0, "1024"),
        (12.5, "12.5"),
        (dt.datetime(1984, 5, 12), "1984-05-12"),
        (dt.datetime(2020, 1, 1, 10, 30), "2020-01-01 10:30:00"),
        (dt.date(1984, 5, 12), "1984-05-12"),
    ],
)
def test_a_cell_reads_as_the_text_a_person_sees(cell: object, text: str) -> None:
    assert cell_text(cell) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1984-05-12", dt.date(1984, 5, 12)),
        ("12/05/1984", dt.date(1984, 5, 12)),
        ("2/5/1984", dt.date(1984, 5, 2)),
        ("12.05.1984", dt.date(1984, 5, 12)),
        (" 12-05-1984 ", dt.date(1984, 5, 12)),
        ("1984-05-12 00:00:00", dt.date(1984, 5, 12)),
        (dt.datetime(1984, 5, 12, 0, 0), dt.date(1984, 5, 12)),
        (dt.date(1984, 5, 12), dt.date(1984, 5, 12)),
    ],
)
def test_dates_as_practitioners_write_them(cell: object, expected: dt.date) -> None:
    assert read_date(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("31/02/1980", "'31/02/1980' is not a date"),
        ("05/31/1980", "'05/31/1980' is not a date (day/month/year expected)"),
        ("12/05/84", "'12/05/84' is not a date"),
        ("mai 1984", "'mai 1984' is not a date"),
        (30000, "30000 is a number, not a date"),
    ],
)
def test_what_is_not_a_date_is_said(cell: object, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_date(cell)  # type: ignore[arg-type]
    assert str(caught.value) == problem


@pytest.mark.parametrize(
    ("word", "sex"),
    [
        ("F", Sex.FEMALE),
        ("femme", Sex.FEMALE),
        ("Féminin", Sex.FEMALE),
        ("female", Sex.FEMALE),
        ("M", Sex.MALE),
        ("H", Sex.MALE),
        ("Homme", Sex.MALE),
        ("MALE", Sex.MALE),
        ("autre", Sex.OTHER),
        ("", Sex.UNKNOWN),
        (None, Sex.UNKNOWN),
        ("inconnu", Sex.UNKNOWN),
    ],
)
def test_sex_words_in_both_languages(word: str | None, sex: Sex) -> None:
    assert read_sex(word) is sex


def test_an_unknown_sex_word_is_refused() -> None:
    with pytest.raises(ValueError, match="'Z' is not a sex mesodesk knows"):
        read_sex("Z")


# --- checking rows ---------------------------------------------------------------------


def test_each_kind_of_refusal_names_the_row_the_column_and_the_problem(
    tmp_path: Path, clinic: Clinic
) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    path = french_csv(
        tmp_path,
        "B-1;Dubois;Hélène;12/05/1984;F;;;;;;",
        "B-2;;Luc;01/01/1980;M;;;;;;",
        "B-3;Martin;;01/01/1980;M;;;;;;",
        "B-4;Martin;Paul;;M;;;;;;",
        "B-5;Roux;Anne;31/02/1980;F;;;;;;",
        f"B-6;Roux;Bébé;{tomorrow};F;;;;;;",
        "B-7;Roux;Jeanne;01/01/1960;Z;;;;;;",
        "B-8;Roux;Lise;01/01/1961;F;;lise@;;;;",
        "B-9;Roux;Léa;01/01/1962;F;06 AB;;;;;",
        f"B-10;{'x' * 101};Zoé;01/01/1963;F;;;;;;",
        f"{'9' * 41};Faure;Max;01/01/1964;M;;;;;;",
        "B-12;Faure;Eva;01/01/1965;F;;;;;;",
    )
    assert plan_of(clinic.db, path) == [
        (2, ""),
        (3, "Nom: is empty"),
        (4, "Prénom: is empty"),
        (5, "Date de naissance: is empty"),
        (6, "Date de naissance: '31/02/1980' is not a date"),
        (7, f"Date de naissance: cannot be after {dt.date.today().isoformat()}"),
        (8, "Sexe: 'Z' is not a sex mesodesk knows (F, M, H, femme, homme, female, male, "
            "autre, other)"),
        (9, "Courriel: 'lise@' is not an e-mail address"),
        (10, "Téléphone: may hold only digits, spaces and + ( ) . - /"),
        (11, "Nom: is too long (101 characters, at most 100)"),
        (12, "N° dossier: is too long (41 characters, at most 40)"),
        (13, ""),
    ]  # fmt: skip


def test_the_reason_reads_as_the_practitioner_expects(tmp_path: Path, clinic: Clinic) -> None:
    path = french_csv(tmp_path, *[f"C-{n};Roux;Anne{n};01/01/1970;F;;;;;;" for n in range(5)],
                      "C-7;Roux;Anne;31/02/1980;F;;;;;;")  # fmt: skip
    sheet = read_sheet(path)
    plan = plan_import(clinic.db, sheet, guess_mapping(sheet.header))
    assert [str(r) for r in plan.rejections] == [
        "row 7: Date de naissance: '31/02/1980' is not a date"
    ]


def test_duplicates_of_the_record_and_of_earlier_rows_are_refused(
    tmp_path: Path, clinic: Clinic
) -> None:
    add_patient(clinic.db, "2019-0042", "Dubois", "Hélène", dt.date(1984, 5, 12))
    path = french_csv(
        tmp_path,
        "2019-0042;Autre;Personne;01/01/1990;F;;;;;;",
        "2019-0043;DUBOIS;helene;12.05.1984;F;;;;;;",
        "D-1;Petit;Marc;01/01/1971;M;;;;;;",
        "d-1;Petit;Marcel;02/02/1972;M;;;;;;",
        ";Faure;Élise;03/03/1973;F;;;;;;",
        ";FAURE;Elise;1973-03-03;F;;;;;;",
    )
    assert plan_of(clinic.db, path) == [
        (2, "N° dossier: '2019-0042' is already in the record"),
        (3, "Nom, Prénom, Date de naissance: DUBOIS helene, born 1984-05-12, is already in "
            "the record (file 2019-0042)"),
        (4, ""),
        (5, "N° dossier: 'd-1' is already on row 4"),
        (6, ""),
        (7, "Nom, Prénom, Date de naissance: the same patient as row 6"),
    ]  # fmt: skip


def test_rows_without_a_file_number_get_the_next_free_ones(tmp_path: Path, clinic: Clinic) -> None:
    add_patient(clinic.db, f"{YEAR}-0001")
    path = french_csv(
        tmp_path,
        ";Roux;Anne;01/01/1970;F;;;;;;",
        f"{YEAR}-0003;Roux;Marc;01/01/1971;M;;;;;;",
        ";Roux;Léa;31/02/1972;F;;;;;;",
        f"{YEAR}-0005;Roux;Max;31/02/1973;M;;;;;;",
        ";Roux;Zoé;01/01/1974;F;;;;;;",
        ";Roux;Eva;01/01/1975;F;;;;;;",
    )
    sheet = read_sheet(path)
    plan = plan_import(clinic.db, sheet, guess_mapping(sheet.header))
    numbers = [(r.row, r.patient.file_number, r.numbered) for r in plan.rows if r.patient]
    # 0003 is the sheet's own; 0005 stays free for its row, refused today, corrected later.
    assert numbers == [
        (2, f"{YEAR}-0002", True),
        (3, f"{YEAR}-0003", False),
        (6, f"{YEAR}-0004", True),
        (7, f"{YEAR}-0006", True),
    ]
    import_patients(clinic.db, sheet, guess_mapping(sheet.header))
    assert sorted(stored(clinic.db)) == [f"{YEAR}-000{n}" for n in (1, 2, 3, 4, 6)]


def test_the_mapping_needs_names_and_birth_date_each_from_its_own_column(
    tmp_path: Path, clinic: Clinic
) -> None:
    sheet = read_sheet(french_csv(tmp_path, "E-1;Roux;Anne;01/01/1970;F;;;;;;"))
    mapping = guess_mapping(sheet.header)
    del mapping[F.DATE_OF_BIRTH]
    with pytest.raises(ValidationError) as caught:
        plan_import(clinic.db, sheet, mapping)
    assert (caught.value.field, caught.value.problem) == (
        "Date of birth",
        "choose the column that holds it",
    )
    with pytest.raises(ValidationError, match="the column Nom is already read as Family name"):
        plan_import(clinic.db, sheet, {**guess_mapping(sheet.header), F.NOTES: 1})


# --- importing ---------------------------------------------------------------------------


def test_a_french_list_is_imported_with_its_accents_and_its_address(
    tmp_path: Path, clinic: Clinic
) -> None:
    path = french_csv(
        tmp_path,
        "A-101;Dubois;Hélène;12/05/1984;F;06 12 34 56 78;helene@exemple.fr;"
        '"12, rue de l\'Église";75011;Paris;Peau sèche',
        "A-102;Lefèvre;Zoé;03.11.1991;Femme;;;;;;",
        "A-103;Gauthier;Rémi;31/02/1980;H;;;;;;",
    )
    sheet = read_sheet(path)
    summary = import_patients(clinic.db, sheet, guess_mapping(sheet.header))
    assert len(summary.imported) == 2 and summary.stopped == ""
    assert [str(r) for r in summary.rejections] == [
        "row 4: Date de naissance: '31/02/1980' is not a date"
    ]
    assert stored(clinic.db)["A-101"] == patients.PatientData(
        file_number="A-101",
        family_name="Dubois",
        given_names="Hélène",
        date_of_birth=dt.date(1984, 5, 12),
        sex=Sex.FEMALE,
        phone="06 12 34 56 78",
        email="helene@exemple.fr",
        address="12, rue de l'Église\n75011 Paris",
        notes="Peau sèche",
    )
    assert [p.full_name for p in patients.search_patients(clinic.db, "helene")] == ["Hélène Dubois"]
    with clinic.db.read() as session:
        inserts = session.scalars(
            select(AuditEntry.actor).where(
                AuditEntry.table_name == "patient", AuditEntry.action == "insert"
            )
        ).all()
    assert inserts == ["Dr Test", "Dr Test"]  # audited as if typed in the patient form


HOSTILE = {
    "family_name": '=HYPERLINK("http://evil.example","Dubois")',
    "given_names": "<b>Anne</b> & 'Marie'",
    "notes": 'Robert\'); DROP TABLE patient;--\n\u202eevil\u202c 🙂 "quoted"',
    "address": "@SUM(1+1)\n+33 rue du Test",
}


def test_hostile_text_is_stored_exactly_as_written(tmp_path: Path, clinic: Clinic) -> None:
    path = tmp_path / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Nom", "Prénom", "DDN", "Notes", "Adresse"])
        writer.writerow(
            [HOSTILE["family_name"], HOSTILE["given_names"], "1980-01-01", HOSTILE["notes"],
             HOSTILE["address"]]
        )  # fmt: skip
    sheet = read_sheet(path)
    summary = import_patients(clinic.db, sheet, guess_mapping(sheet.header))
    assert summary.rejections == ()
    data = patients.patient_data(clinic.db, summary.imported[0])
    assert {key: getattr(data, key) for key in HOSTILE} == HOSTILE


def test_planning_writes_nothing(tmp_path: Path, clinic: Clinic) -> None:
    before = all_table_counts(clinic.db)
    path = french_csv(tmp_path, ";Roux;Anne;01/01/1970;F;;;;;;", "X;Roux;Léa;31/02/1972;F;;;;;;")
    sheet = read_sheet(path)
    plan = plan_import(clinic.db, sheet, guess_mapping(sheet.header))
    assert len(plan.accepted) == 1 and len(plan.rejections) == 1
    assert all_table_counts(clinic.db) == before


def test_a_row_refused_while_writing_leaves_no_trace_and_the_others_go_in(
    tmp_path: Path, clinic: Clinic
) -> None:
    path = french_csv(tmp_path, *[f";Roux;Anne{n};01/01/1970;F;;;;;;" for n in range(3)])
    sheet = read_sheet(path)
    plan = plan_import(clinic.db, sheet, guess_mapping(sheet.header))
    # Between the preview and the import, the same number is given to someone else.
    taken = plan.accepted[1].patient
    assert taken is not None
    add_patient(clinic.db, taken.file_number, "Autre", "Personne")
    before = all_table_counts(clinic.db)
    job = PatientImport(clinic.db, plan)
    while not job.finished:
        job.write_next()
    summary = job.summary()
    assert [str(r) for r in summary.rejections] == [
        f"row 3: N° dossier: {taken.file_number} is already another patient's"
    ]
    after = all_table_counts(clinic.db)
    assert after["patient"] - before["patient"] == 2
    assert after["audit_entry"] - before["audit_entry"] == 2  # one insert entry each, no more


@pytest.fixture
def little_room(clinic: Clinic) -> Iterator[Database]:
    """The disk fills up after a few more pages are written."""
    db = clinic.db

    def room_for_a_few_pages(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 6}")

    db.engine.dispose()
    event.listen(db.engine, "connect", room_for_a_few_pages)
    yield db
    event.remove(db.engine, "connect", room_for_a_few_pages)
    db.engine.dispose()


def test_a_full_disk_stops_the_import_with_every_patient_whole(
    tmp_path: Path, clinic: Clinic, little_room: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_sheet_import, "BATCH", 3)  # several batches before it fills
    path = french_csv(
        tmp_path, *[f"F-{n};Roux;Anne{n};01/01/1970;F;;;;;;{'n' * 3000}" for n in range(20)]
    )
    sheet = read_sheet(path)
    mapping = guess_mapping(sheet.header)
    summary = import_patients(little_room, sheet, mapping)
    assert "disk is full" in summary.stopped
    assert 0 < len(summary.imported) < 20
    not_imported = [r for r in summary.rejections if r.reason.startswith("not imported:")]
    assert len(summary.imported) + len(not_imported) == 20
    with little_room.read() as session:
        numbers = set(session.scalars(select(Patient.file_number)))
        audited = session.scalars(
            select(AuditEntry.row_key).where(AuditEntry.table_name == "patient")
        ).all()
    assert len(numbers) == len(summary.imported) == len(audited)
    assert audit.check_audit_chain(little_room).intact
    assert not {f"F-{r.row - 2}" for r in not_imported} & numbers


def test_a_cancelled_import_keeps_the_patients_added_and_lists_the_rest(
    tmp_path: Path, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_sheet_import, "BATCH", 5)  # progress after each batch
    path = french_csv(tmp_path, *[f"G-{n};Roux;Anne{n};01/01/1970;F;;;;;;" for n in range(30)])
    sheet = read_sheet(path)
    calls = []

    def cancel_after_ten(done: int, total: int) -> None:
        calls.append(done)
        if done >= 10:
            raise Cancelled

    summary = import_patients(
        clinic.db, sheet, guess_mapping(sheet.header), progress=cancel_after_ten
    )
    assert len(summary.imported) == 10 and summary.stopped == "the import was cancelled"
    assert [r.row for r in summary.rejections] == list(range(12, 32))
    assert {r.reason for r in summary.rejections} == {"not imported: the import was cancelled"}
    assert len(stored(clinic.db)) == 10
    again = import_patients(clinic.db, sheet, guess_mapping(sheet.header))
    assert len(again.imported) == 20 and len(again.rejections) == 10


def test_the_refused_rows_are_saved_for_correcting(tmp_path: Path, clinic: Clinic) -> None:
    path = french_csv(
        tmp_path,
        "H-1;Roux;Anne;01/01/1970;F;;;;;;",
        "H-2;=cmd|' /C calc'!A0;Léa;31/02/1972;F;;;;;;",
    )
    sheet = read_sheet(path)
    plan = plan_import(clinic.db, sheet, guess_mapping(sheet.header))
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "refused.csv"
    save_rejections(target, sheet, plan.rejections)
    with open(target, encoding="utf-8-sig", newline="") as saved:
        rows = list(csv.reader(saved, delimiter=";"))
    assert rows == [
        ["Row", "Reason", *FRENCH_HEADER.split(";")],
        ["3", "Date de naissance: '31/02/1972' is not a date", "H-2", "'=cmd|' /C calc'!A0",
         "Léa", "31/02/1972", "F", "", "", "", "", "", ""],
    ]  # fmt: skip
    assert [p.name for p in target.parent.iterdir()] == ["refused.csv"]  # no temporary left
    # Corrected, the file goes back in as it is.
    corrected = read_sheet(target)
    assert guess_mapping(corrected.header)[F.FAMILY_NAME] == 3


def test_a_column_without_a_name_is_called_by_its_letter(tmp_path: Path) -> None:
    sheet = read_sheet(write_csv(tmp_path / "p.csv", ["Nom,,Prénom", "Roux,x,Anne,extra"], "utf-8"))
    assert sheet.columns == ("Nom", "column B", "Prénom", "column D")


def test_a_clash_inside_a_batch_refuses_only_its_row(
    tmp_path: Path, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patient added (from the window) between planning and writing makes one row of a
    batch clash: that row is refused with the reason, the rest of the batch goes in."""
    path = french_csv(tmp_path, *[f"K-{n};Roux;Anne{n};01/01/1970;F;;;;;;" for n in range(6)])
    sheet = read_sheet(path)
    mapping = guess_mapping(sheet.header)
    planned = patient_sheet_import.plan_import
    monkeypatch.setattr(patient_sheet_import, "BATCH", 4)

    def plan_then_someone_adds_k2(*args: object, **kwargs: object) -> object:
        plan = planned(*args, **kwargs)  # type: ignore[arg-type]
        patients.create_patient(
            clinic.db, patients.PatientData("K-2", "Autre", "Personne", dt.date(1990, 1, 1))
        )
        return plan

    monkeypatch.setattr(patient_sheet_import, "plan_import", plan_then_someone_adds_k2)
    summary = import_patients(clinic.db, sheet, mapping)
    assert len(summary.imported) == 5
    assert [r.row for r in summary.rejections] == [4]
    assert "K-2 is already another patient's" in summary.rejections[0].reason
    assert sorted(stored(clinic.db)) == [
        "K-0", "K-1", "K-2", "K-3", "K-4", "K-5",
    ]  # fmt: skip
