"""Patients: creating, correcting, archiving and finding them (DESIGN.md job 1)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.services import audit, patients
from mesodesk.core.services.patients import PatientData
from tests.core.conftest import add_patient, count_rows

HELENE = PatientData(
    "2026-0142",
    "Dubois",
    "Hélène",
    dt.date(1984, 5, 12),
    Sex.FEMALE,
    "06 12 34 56 78",
    "helene.dubois@example.org",
    "12 rue des Lilas, Lyon",
)


def names(found: list[patients.PatientSummary]) -> list[str]:
    return [p.full_name for p in found]


@pytest.fixture
def practice(db: Database) -> dict[str, int]:
    """A few patients whose names, numbers and phones look alike."""
    return {
        "helene": patients.create_patient(db, HELENE),
        "helena": add_patient(db, "2026-0143", "Dubreuil", "Helena", phone="07 00 00 00 01"),
        "karim": add_patient(db, "2026-0007", "Benali", "Karim", dt.date(1979, 11, 3), "0478"),
        "sofia": add_patient(db, "2026-0099", "Marchetti", "Sofia", dt.date(1971, 2, 20)),
        "percent": add_patient(db, "2026-0200", "Cent", "Pour"),
        "underscore": add_patient(db, "2026-0201", "Tiret", "Bas"),
    }


# --- creating ----------------------------------------------------------------------


def test_a_patient_is_created_as_typed_with_spaces_trimmed(db: Database) -> None:
    typed = dataclasses.replace(HELENE, family_name="  Dubois ", given_names="Hélène  ")
    pid = patients.create_patient(db, typed)
    assert patients.patient_data(db, pid) == HELENE
    summary = patients.get_patient(db, pid)
    assert summary.full_name == "Hélène Dubois"
    assert summary.age_on(dt.date(2026, 9, 1)) == 42
    assert not summary.archived


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": dt.date.today() + dt.timedelta(days=1)}, "Date of birth"),
        ({"date_of_birth": dt.date(1899, 12, 31)}, "Date of birth"),
        ({"date_of_birth": None}, "Date of birth"),
        ({"date_of_birth": dt.datetime(1984, 5, 12, 10)}, "Date of birth"),
        ({"family_name": "   "}, "Family name"),
        ({"given_names": ""}, "Given names"),
        ({"file_number": ""}, "File number"),
        ({"file_number": "x" * 41}, "File number"),
        ({"family_name": "Du\x00bois"}, "Family name"),
        ({"phone": "06 12 AB"}, "Phone"),
        ({"phone": "12"}, "Phone"),
        ({"email": "helene@"}, "E-mail"),
        ({"sex": "woman"}, "Sex"),
        ({"notes": "n" * 5001}, "Notes"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(
    db: Database, change: dict[str, object], field: str
) -> None:
    before = count_rows(db, "patient", "audit_entry")
    with pytest.raises(ValidationError) as caught:
        patients.create_patient(db, dataclasses.replace(HELENE, **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert count_rows(db, "patient", "audit_entry") == before


def test_a_birth_today_is_accepted(db: Database) -> None:
    pid = patients.create_patient(db, dataclasses.replace(HELENE, date_of_birth=dt.date.today()))
    assert patients.get_patient(db, pid).date_of_birth == dt.date.today()


def test_file_numbers_are_unique_whatever_the_case(db: Database) -> None:
    add_patient(db, "2026-A7")
    before = count_rows(db, "patient")
    for clash in ("2026-A7", "2026-a7", " 2026-A7 "):
        with pytest.raises(ValidationError) as caught:
            add_patient(db, clash, "Autre", "Personne")
        assert caught.value.field == "File number"
    assert count_rows(db, "patient") == before


def test_the_same_file_number_with_an_accented_capital_is_refused_cleanly(db: Database) -> None:
    # Typed twice exactly alike: a ValidationError, not an IntegrityError from the database.
    add_patient(db, "LYON-É12")
    with pytest.raises(ValidationError) as caught:
        add_patient(db, "LYON-É12", "Autre", "Personne")
    assert caught.value.field == "File number"


def test_file_numbers_with_accented_letters_are_unique_whatever_the_case(db: Database) -> None:
    add_patient(db, "LYON-É12")
    with pytest.raises(ValidationError) as caught:
        add_patient(db, "lyon-é12", "Autre", "Personne")
    assert caught.value.field == "File number"


def test_next_file_number_follows_the_highest_of_the_year(db: Database) -> None:
    assert patients.next_file_number(db, 2026) == "2026-0001"
    add_patient(db, "2026-0142")
    add_patient(db, "2026-0009")
    add_patient(db, "2026-X")
    add_patient(db, "2025-0500")
    assert patients.next_file_number(db, 2026) == "2026-0143"


# --- correcting --------------------------------------------------------------------


def test_an_update_keeps_the_values_before_in_the_audit(db: Database) -> None:
    pid = patients.create_patient(db, HELENE)
    moved = dataclasses.replace(HELENE, phone="06 98 76 54 32", address="3 quai Perrache, Lyon")
    patients.update_patient(db, pid, moved, reason="Moved house")
    assert patients.patient_data(db, pid) == moved
    changes = audit.record_history(db, "patient", pid)
    assert [c.action for c in changes] == ["insert", "update"]
    update = changes[-1]
    assert update.before == {
        "phone": "06 12 34 56 78",
        "phone_digits": "0612345678",
        "address": "12 rue des Lilas, Lyon",
    }
    assert update.after == {
        "phone": "06 98 76 54 32",
        "phone_digits": "0698765432",
        "address": "3 quai Perrache, Lyon",
    }
    assert update.reason == "Moved house"
    assert update.actor == "Dr Test"


def test_an_update_may_keep_its_own_number_but_not_take_another(db: Database) -> None:
    pid = patients.create_patient(db, HELENE)
    other = add_patient(db, "2026-0500")
    patients.update_patient(db, pid, dataclasses.replace(HELENE, file_number="2026-0142"))
    with pytest.raises(ValidationError) as caught:
        patients.update_patient(db, other, dataclasses.replace(HELENE, file_number="2026-0142"))
    assert caught.value.field == "File number"
    assert patients.get_patient(db, other).file_number == "2026-0500"


def test_an_unknown_patient_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        patients.get_patient(db, 424242)
    with pytest.raises(NotFoundError):
        patients.update_patient(db, 424242, HELENE)


# --- archiving -----------------------------------------------------------------------


def test_archiving_needs_a_reason_and_hides_the_patient_from_search(
    db: Database, practice: dict[str, int]
) -> None:
    pid = practice["helene"]
    for reason in ("", "  ", "x"):
        with pytest.raises(ValidationError) as caught:
            patients.set_archived(db, pid, True, reason)
        assert caught.value.field == "Reason"
    assert not patients.get_patient(db, pid).archived

    patients.set_archived(db, pid, True, "Moved abroad")
    assert patients.get_patient(db, pid).archived
    assert "Hélène Dubois" not in names(patients.search_patients(db, "dubois"))
    assert names(patients.search_patients(db, "dubois", include_archived=True)) == ["Hélène Dubois"]
    assert audit.record_history(db, "patient", pid)[-1].reason == "Moved abroad"

    patients.set_archived(db, pid, False, "Back in France")
    assert names(patients.search_patients(db, "dubois")) == ["Hélène Dubois"]


# --- finding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", ["Hélène Dubois"]),
        ("HÉLÈNE", ["Hélène Dubois"]),
        ("DUB", ["Hélène Dubois", "Helena Dubreuil"]),
        ("dubois helene", ["Hélène Dubois"]),
        ("helene dubois", ["Hélène Dubois"]),
        ("hel dub", ["Hélène Dubois", "Helena Dubreuil"]),
        ("  dubois   hélène ", ["Hélène Dubois"]),
        ("0612", ["Hélène Dubois"]),
        ("06 12 34", ["Hélène Dubois"]),
        ("06.12.34.56.78", ["Hélène Dubois"]),
        ("1984-05-12", ["Hélène Dubois"]),
        ("12/05/1984", ["Hélène Dubois"]),
        ("12.05.1984", ["Hélène Dubois"]),
        ("2026-0142", ["Hélène Dubois"]),
        ("2026-0007", ["Karim Benali"]),
        ("dubois karim", []),
        ("nobody", []),
    ],
)
def test_search_by_name_number_phone_or_birth_date(
    db: Database, practice: dict[str, int], query: str, expected: list[str]
) -> None:
    assert names(patients.search_patients(db, query)) == expected


def test_an_empty_query_lists_everyone_by_name(db: Database, practice: dict[str, int]) -> None:
    found = patients.search_patients(db, "")
    assert len(found) == len(practice)
    assert [p.family_name for p in found] == sorted(p.family_name for p in found)


def test_an_exact_file_number_ranks_first(db: Database, practice: dict[str, int]) -> None:
    # One patient is called Moreau; another's file number is "MOREAU".
    add_patient(db, "2026-0300", "Moreau", "Claude")
    add_patient(db, "moreau", "Zola", "Emile")
    found = patients.search_patients(db, "Moreau")
    assert [p.file_number for p in found] == ["moreau", "2026-0300"]
    # A longer number that contains the one typed comes after the exact one.
    add_patient(db, "2026-01420", "Aaron", "Abel")
    found = patients.search_patients(db, "2026-0142")
    assert [p.file_number for p in found][:2] == ["2026-0142", "2026-01420"]


def test_the_limit_is_honoured(db: Database) -> None:
    for n in range(12):
        add_patient(db, f"2026-{n:04d}", "Martin", f"Anne{n:02d}")
    assert len(patients.search_patients(db, "martin", limit=5)) == 5
    assert len(patients.search_patients(db, "martin")) == 12
    assert len(patients.search_patients(db, "", limit=3)) == 3


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_like_wildcards_in_the_query_are_literal(
    db: Database, practice: dict[str, int], wildcard: str
) -> None:
    assert patients.search_patients(db, wildcard) == []
    assert patients.search_patients(db, f"du{wildcard}ois") == []
    special = add_patient(db, f"2026{wildcard}9", "Odd", "Name")
    assert [p.id for p in patients.search_patients(db, wildcard)] == [special]
    assert [p.id for p in patients.search_patients(db, f"2026{wildcard}9")] == [special]


def test_patients_added_together_go_in_all_or_none(db: Database) -> None:
    rows = [PatientData(f"B-{n}", "Roux", f"Anne{n}", dt.date(1970, 1, 1)) for n in range(3)]
    ids = patients.create_patients(db, rows)
    assert [patients.get_patient(db, i).file_number for i in ids] == ["B-0", "B-1", "B-2"]
    clash = [PatientData("B-3", "Roux", "Léa", dt.date(1971, 1, 1)), rows[1]]
    with pytest.raises(ValidationError, match="B-1 is already another patient's"):
        patients.create_patients(db, clash)
    with pytest.raises(ValidationError, match="File number"):
        patients.create_patients(
            db,
            [
                PatientData("B-4", "A", "B", dt.date(1970, 1, 1)),
                PatientData("b-4", "C", "D", dt.date(1970, 1, 1)),
            ],
        )
    assert count_rows(db, "patient") == {"patient": 3}


def test_a_patient_is_found_by_file_number_whatever_the_case(db: Database) -> None:
    add_patient(db, "2026-0142", "Dubois", "Hélène")
    assert patients.find_by_file_number(db, " 2026-0142 ").full_name == "Hélène Dubois"
    with pytest.raises(NotFoundError, match="1999-1"):
        patients.find_by_file_number(db, "1999-1")
