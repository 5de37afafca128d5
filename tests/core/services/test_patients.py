"""Patients: create, validate, edit with an audit, archive, and find as you type."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import audit, patients
from mesodesk.core.services.patients import PatientData

HELENE = PatientData(
    "2026-0142",
    "Dubois",
    "Hélène",
    dt.date(1984, 5, 12),
    Sex.FEMALE,
    "06 12 34 56 78",
    "helene@example.org",
)


def names(hits: list[patients.PatientSummary]) -> list[str]:
    return [h.full_name for h in hits]


@pytest.fixture
def practice(db: Database) -> Database:
    patients.create_patient(db, HELENE)
    patients.create_patient(
        db,
        PatientData(
            "2026-0143", "Benali", "Karim", dt.date(1979, 11, 3), Sex.MALE, "07 98 76 54 32"
        ),
    )
    patients.create_patient(
        db, PatientData("2026-0144", "Marchetti", "Sofia", dt.date(1971, 2, 20), Sex.FEMALE)
    )
    patients.create_patient(db, PatientData("2025-0142", "Duboisier", "Anne", dt.date(1990, 1, 1)))
    patients.create_patient(db, PatientData("2026-0145", "Martin_%", "Zoé", dt.date(1990, 1, 1)))
    return db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", ["Hélène Dubois"]),
        ("HÉLÈNE", ["Hélène Dubois"]),
        ("dubois helene", ["Hélène Dubois"]),
        ("helene dub", ["Hélène Dubois"]),
        ("0612", ["Hélène Dubois"]),
        ("06 12 34", ["Hélène Dubois"]),
        ("1984-05-12", ["Hélène Dubois"]),
        ("12/05/1984", ["Hélène Dubois"]),
        ("zoe", ["Zoé Martin_%"]),
        ("%", []),
        ("_", ["Zoé Martin_%"]),
        ("nobody", []),
    ],
)
def test_search(practice: Database, query: str, expected: list[str]) -> None:
    hits = names(patients.search_patients(practice, query))
    if query == "%":
        assert hits == ["Zoé Martin_%"]  # a literal percent sign, not "anything"
    else:
        assert hits == expected


def test_exact_file_number_ranks_first(practice: Database) -> None:
    hits = patients.search_patients(practice, "2025-0142")
    assert names(hits)[0] == "Anne Duboisier"
    hits = patients.search_patients(practice, "dubois")
    assert names(hits) == ["Hélène Dubois", "Anne Duboisier"]


def test_limit_and_empty_query(practice: Database) -> None:
    assert len(patients.search_patients(practice, "", limit=2)) == 2
    assert len(patients.search_patients(practice, "")) == 5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": dt.date.today() + dt.timedelta(days=1)}, "Date of birth"),
        ({"date_of_birth": dt.date(1850, 1, 1)}, "Date of birth"),
        ({"family_name": "  "}, "Family name"),
        ({"file_number": ""}, "File number"),
        ({"email": "not-an-address"}, "E-mail"),
        ({"phone": "call me"}, "Phone"),
        ({"notes": "a\x00b"}, "Notes"),
        ({"given_names": "x" * 101}, "Given names"),
    ],
)
def test_bad_input_names_the_field(db: Database, change: dict[str, object], field: str) -> None:
    import dataclasses

    with pytest.raises(ValidationError) as caught:
        patients.create_patient(db, dataclasses.replace(HELENE, **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert patients.search_patients(db, "") == []


def test_file_numbers_are_unique_without_regard_to_case(db: Database) -> None:
    import dataclasses

    patients.create_patient(db, dataclasses.replace(HELENE, file_number="AB-1"))
    with pytest.raises(ValidationError, match="already another patient"):
        patients.create_patient(db, dataclasses.replace(HELENE, file_number="ab-1"))


def test_an_edit_is_audited_with_before_and_after(db: Database) -> None:
    import dataclasses

    pid = patients.create_patient(db, HELENE)
    patients.update_patient(
        db, pid, dataclasses.replace(HELENE, phone="06 99 99 99 99"), reason="New number"
    )
    change = audit.record_history(db, "patient", pid)[-1]
    assert change.action == "update"
    assert change.before is not None and change.before["phone"] == "06 12 34 56 78"
    assert change.after is not None and change.after["phone"] == "06 99 99 99 99"
    assert change.reason == "New number"
    assert change.actor == "Dr Test"


def test_archive_needs_a_reason_and_hides_the_patient(db: Database) -> None:
    pid = patients.create_patient(db, HELENE)
    with pytest.raises(ValidationError):
        patients.set_archived(db, pid, True, "")
    patients.set_archived(db, pid, True, "Moved abroad")
    assert patients.search_patients(db, "helene") == []
    assert names(patients.search_patients(db, "helene", include_archived=True)) == ["Hélène Dubois"]


def test_next_file_number(db: Database) -> None:
    assert patients.next_file_number(db, 2026) == "2026-0001"
    patients.create_patient(db, HELENE)
    assert patients.next_file_number(db, 2026) == "2026-0143"
