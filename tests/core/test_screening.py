"""Screening (contraindications, allergies, medication) and consents (DESIGN.md job 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, FindingLevel
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.models import Ingredient
from mesodesk.core.services import audit, screening
from mesodesk.core.services.screening import ScreeningData
from tests.core.conftest import add_patient, count_rows

DAY = dt.date(2026, 9, 1)


@pytest.fixture
def patient(db: Database) -> int:
    return add_patient(db, "2026-0142", "Dubois", "Hélène", dt.date(1984, 5, 12))


def ingredient_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(Ingredient.id).where(Ingredient.name == name)).one()


def test_a_patient_never_screened_has_no_current_screening(db: Database, patient: int) -> None:
    assert screening.current_screening(db, patient) is None
    assert screening.screening_history(db, patient) == []


def test_older_screenings_are_kept_and_the_newest_is_current(db: Database, patient: int) -> None:
    first = screening.record_screening(db, patient, ScreeningData(DAY, allergies="none known"))
    later = screening.record_screening(
        db,
        patient,
        ScreeningData(DAY + dt.timedelta(days=60), pregnant=True, notes="Told us at session 3"),
    )
    # Entered afterwards but dated earlier: kept, not current.
    backdated = screening.record_screening(db, patient, ScreeningData(DAY - dt.timedelta(days=30)))
    current = screening.current_screening(db, patient)
    assert current is not None and current.id == later
    assert current.data.pregnant and current.data.notes == "Told us at session 3"
    history = screening.screening_history(db, patient)
    assert [s.id for s in history] == [later, first, backdated]
    assert history[1].data.allergies == "none known" and not history[1].data.pregnant


def test_a_second_screening_on_the_same_day_becomes_current(db: Database, patient: int) -> None:
    screening.record_screening(db, patient, ScreeningData(DAY))
    second = screening.record_screening(db, patient, ScreeningData(DAY, breastfeeding=True))
    current = screening.current_screening(db, patient)
    assert current is not None and current.id == second


def test_an_allergy_is_linked_to_catalogue_ingredients(db: Database, patient: int) -> None:
    lidocaine = ingredient_id(db, "Lidocaine")
    procaine = ingredient_id(db, "Procaine")
    sid = screening.record_screening(
        db,
        patient,
        ScreeningData(
            DAY, allergies="local anaesthetics", allergy_ingredient_ids=(procaine, lidocaine)
        ),
    )
    current = screening.current_screening(db, patient)
    assert current is not None and current.id == sid
    assert current.allergy_ingredient_names == ("Lidocaine", "Procaine")
    assert set(current.data.allergy_ingredient_ids) == {lidocaine, procaine}
    assert current.level == FindingLevel.CAUTION


def test_an_unknown_allergy_ingredient_writes_nothing(db: Database, patient: int) -> None:
    before = count_rows(db, "screening", "screening_allergy", "audit_entry")
    with pytest.raises(NotFoundError):
        screening.record_screening(db, patient, ScreeningData(DAY, allergy_ingredient_ids=(99999,)))
    assert count_rows(db, "screening", "screening_allergy", "audit_entry") == before


def test_lesion_regions_are_checked(db: Database, patient: int) -> None:
    with pytest.raises(ValidationError) as caught:
        screening.record_screening(
            db,
            patient,
            ScreeningData(DAY, active_infection_or_lesion=True, lesion_regions=("elbowz",)),
        )
    assert caught.value.field == "Lesion sites"
    with pytest.raises(ValidationError) as caught:
        screening.record_screening(db, patient, ScreeningData(DAY, lesion_regions=("cheek",)))
    assert caught.value.field == "Lesion sites"
    assert screening.current_screening(db, patient) is None

    screening.record_screening(
        db,
        patient,
        ScreeningData(DAY, active_infection_or_lesion=True, lesion_regions=("cheek", "chin")),
    )
    current = screening.current_screening(db, patient)
    assert current is not None
    assert current.data.lesion_regions == ("cheek", "chin")
    assert current.level == FindingLevel.BLOCK


@pytest.mark.parametrize(
    ("data", "level", "rules"),
    [
        (ScreeningData(DAY, allergies="none known"), None, set()),
        (ScreeningData(DAY, allergies="None known."), None, set()),
        (ScreeningData(DAY, allergies="latex"), FindingLevel.CAUTION, {"allergy"}),
        (
            ScreeningData(DAY, anticoagulant_or_bleeding_disorder=True, medication="apixaban"),
            FindingLevel.CAUTION,
            {"bleeding_risk"},
        ),
        (ScreeningData(DAY, diabetes=True, pacemaker=True), FindingLevel.CAUTION, {"conditions"}),
        (ScreeningData(DAY, pregnant=True), FindingLevel.BLOCK, {"pregnancy"}),
        (
            ScreeningData(DAY, breastfeeding=True, allergies="latex"),
            FindingLevel.BLOCK,
            {"breastfeeding", "allergy"},
        ),
    ],
)
def test_the_badge_level(
    db: Database,
    patient: int,
    data: ScreeningData,
    level: FindingLevel | None,
    rules: set[str],
) -> None:
    screening.record_screening(db, patient, data)
    current = screening.current_screening(db, patient)
    assert current is not None
    assert current.level == level
    assert {f.rule for f in current.findings} == rules


def test_the_conditions_are_named_in_the_badge(db: Database, patient: int) -> None:
    screening.record_screening(db, patient, ScreeningData(DAY, diabetes=True, pacemaker=True))
    current = screening.current_screening(db, patient)
    assert current is not None
    [finding] = current.findings
    assert "diabetes" in finding.message and "pacemaker" in finding.message


def test_a_screening_cannot_be_dated_in_the_future(db: Database, patient: int) -> None:
    with pytest.raises(ValidationError) as caught:
        screening.record_screening(
            db, patient, ScreeningData(dt.date.today() + dt.timedelta(days=1))
        )
    assert caught.value.field == "Screening date"


def test_a_screening_of_an_unknown_patient_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError):
        screening.record_screening(db, 31337, ScreeningData(DAY))


# --- consents ------------------------------------------------------------------------


def test_consents_are_recorded_with_their_text_version(db: Database, patient: int) -> None:
    treatment = screening.record_consent(db, patient, ConsentKind.TREATMENT, "3", DAY)
    photos = screening.record_consent(db, patient, ConsentKind.PHOTOS, "3", DAY)
    listed = {c.id: c for c in screening.consents(db, patient)}
    assert set(listed) == {treatment, photos}
    assert listed[treatment].kind == ConsentKind.TREATMENT
    assert listed[treatment].text_version == "3"
    assert listed[treatment].signed_on == DAY
    assert listed[treatment].in_force


@pytest.mark.parametrize(
    ("kind", "version", "signed", "field"),
    [
        ("surgery", "3", DAY, "Consent kind"),
        (ConsentKind.TREATMENT, " ", DAY, "Consent text version"),
        (ConsentKind.TREATMENT, "3", dt.date.today() + dt.timedelta(days=1), "Signed on"),
    ],
)
def test_a_consent_is_validated(
    db: Database, patient: int, kind: ConsentKind, version: str, signed: dt.date, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        screening.record_consent(db, patient, kind, version, signed)
    assert caught.value.field == field
    assert screening.consents(db, patient) == []


def test_has_consent_on_a_day(db: Database, patient: int) -> None:
    cid = screening.record_consent(db, patient, ConsentKind.TREATMENT, "3", DAY)
    withdrawn = DAY + dt.timedelta(days=20)
    with db.read() as session:
        assert not screening.has_consent(
            session, patient, ConsentKind.TREATMENT, DAY - dt.timedelta(days=1)
        )
        assert screening.has_consent(session, patient, ConsentKind.TREATMENT, DAY)
        assert not screening.has_consent(session, patient, ConsentKind.PHOTOS, DAY)

    with pytest.raises(ValidationError):
        screening.withdraw_consent(db, cid, withdrawn, "")
    with pytest.raises(ValidationError) as caught:
        screening.withdraw_consent(db, cid, DAY - dt.timedelta(days=1), "Changed her mind")
    assert caught.value.field == "Withdrawn on"

    screening.withdraw_consent(db, cid, withdrawn, "Changed her mind")
    [view] = screening.consents(db, patient)
    assert view.withdrawn_on == withdrawn and not view.in_force
    assert audit.record_history(db, "consent", cid)[-1].reason == "Changed her mind"
    with db.read() as session:
        assert screening.has_consent(
            session, patient, ConsentKind.TREATMENT, withdrawn - dt.timedelta(days=1)
        )
        assert not screening.has_consent(session, patient, ConsentKind.TREATMENT, withdrawn)
        assert not screening.has_consent(
            session, patient, ConsentKind.TREATMENT, withdrawn + dt.timedelta(days=100)
        )
