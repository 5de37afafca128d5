"""Screening (contraindications, allergies, medication) and consents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, FindingLevel
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import Consent, Ingredient, Patient, Region, Screening, ScreeningAllergy
from mesodesk.core.rules import Finding, ScreeningFacts, screening_findings
from mesodesk.core.rules.evaluate import condition_labels
from mesodesk.core.services import _validate as v
from mesodesk.core.text import fold

CONDITION_FIELDS = (
    "diabetes",
    "cancer",
    "heart_disease",
    "severe_hypertension",
    "kidney_failure",
    "gallstones",
    "pacemaker",
    "cortisone_therapy",
    "keloid_history",
    "autoimmune_disease",
)


@dataclass(frozen=True, slots=True)
class ScreeningData:
    """One screening as asked at the desk."""

    screened_on: dt.date
    pregnant: bool = False
    breastfeeding: bool = False
    allergies: str = ""
    allergy_ingredient_ids: tuple[int, ...] = ()
    medication: str = ""
    anticoagulant_or_bleeding_disorder: bool = False
    active_infection_or_lesion: bool = False
    lesion_regions: tuple[str, ...] = ()
    diabetes: bool = False
    cancer: bool = False
    heart_disease: bool = False
    severe_hypertension: bool = False
    kidney_failure: bool = False
    gallstones: bool = False
    pacemaker: bool = False
    cortisone_therapy: bool = False
    keloid_history: bool = False
    autoimmune_disease: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningView:
    id: int
    data: ScreeningData
    allergy_ingredient_names: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    @property
    def level(self) -> FindingLevel | None:
        """The badge: block (contraindicated), caution, or None (clear)."""
        levels = {finding.level for finding in self.findings}
        for level in (FindingLevel.BLOCK, FindingLevel.CAUTION):
            if level in levels:
                return level
        return None


@dataclass(frozen=True, slots=True)
class ConsentView:
    id: int
    kind: ConsentKind
    text_version: str
    signed_on: dt.date
    withdrawn_on: dt.date | None

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


def record_screening(db: Database, patient_id: int, data: ScreeningData) -> int:
    """Add a screening; it becomes the current one, older ones are kept."""
    data = replace(
        data,
        screened_on=v.date("Screening date", data.screened_on, not_after=dt.date.today()),
        allergies=v.text("Allergies", data.allergies, max_length=1000),
        medication=v.text("Medication", data.medication, max_length=1000),
        notes=v.text("Notes", data.notes, max_length=5000),
    )
    if data.lesion_regions and not data.active_infection_or_lesion:
        raise ValidationError(
            "Lesion sites", "are given but no active infection or lesion is ticked"
        )
    with db.write() as session:
        v.get(session, Patient, patient_id, "Patient")
        for region in data.lesion_regions:
            if session.get(Region, region) is None:
                raise ValidationError("Lesion sites", f"{region!r} is not a known region")
        ingredient_ids = set(data.allergy_ingredient_ids)
        for ingredient_id in ingredient_ids:
            v.get(session, Ingredient, ingredient_id, "Ingredient")
        flags = {name: bool(getattr(data, name)) for name in CONDITION_FIELDS}
        screening = Screening(
            patient_id=patient_id,
            screened_on=data.screened_on,
            pregnant=data.pregnant,
            breastfeeding=data.breastfeeding,
            allergies=data.allergies,
            medication=data.medication,
            anticoagulant_or_bleeding_disorder=data.anticoagulant_or_bleeding_disorder,
            active_infection_or_lesion=data.active_infection_or_lesion,
            lesion_regions=",".join(data.lesion_regions),
            notes=data.notes,
            **flags,
        )
        screening.allergy_ingredients = [
            ScreeningAllergy(ingredient_id=i) for i in sorted(ingredient_ids)
        ]
        session.add(screening)
        session.flush()
        return screening.id


def current_screening_row(session: Session, patient_id: int) -> Screening | None:
    return session.scalars(
        select(Screening)
        .where(Screening.patient_id == patient_id)
        .order_by(Screening.screened_on.desc(), Screening.id.desc())
        .limit(1)
    ).first()


def screening_facts(session: Session, screening: Screening | None) -> ScreeningFacts | None:
    """The facts the clinical rules read from a screening."""
    if screening is None:
        return None
    keys = frozenset(
        session.scalars(
            select(Ingredient.name_key)
            .join(ScreeningAllergy, ScreeningAllergy.ingredient_id == Ingredient.id)
            .where(ScreeningAllergy.screening_id == screening.id)
        )
    )
    return ScreeningFacts(
        screened_on=screening.screened_on,
        pregnant=screening.pregnant,
        breastfeeding=screening.breastfeeding,
        allergies_text=fold(screening.allergies),
        allergy_ingredient_keys=keys,
        anticoagulant_or_bleeding_disorder=screening.anticoagulant_or_bleeding_disorder,
        lesion_regions=frozenset(r for r in screening.lesion_regions.split(",") if r),
        active_infection_or_lesion=screening.active_infection_or_lesion,
        conditions=condition_labels({n: getattr(screening, n) for n in CONDITION_FIELDS}),
    )


def _view(session: Session, s: Screening) -> ScreeningView:
    names = tuple(
        session.scalars(
            select(Ingredient.name)
            .join(ScreeningAllergy, ScreeningAllergy.ingredient_id == Ingredient.id)
            .where(ScreeningAllergy.screening_id == s.id)
            .order_by(Ingredient.name)
        )
    )
    data = ScreeningData(
        screened_on=s.screened_on,
        pregnant=s.pregnant,
        breastfeeding=s.breastfeeding,
        allergies=s.allergies,
        allergy_ingredient_ids=tuple(a.ingredient_id for a in s.allergy_ingredients),
        medication=s.medication,
        anticoagulant_or_bleeding_disorder=s.anticoagulant_or_bleeding_disorder,
        active_infection_or_lesion=s.active_infection_or_lesion,
        lesion_regions=tuple(r for r in s.lesion_regions.split(",") if r),
        notes=s.notes,
        **{n: getattr(s, n) for n in CONDITION_FIELDS},
    )
    findings = tuple(screening_findings(screening_facts(session, s)))
    return ScreeningView(id=s.id, data=data, allergy_ingredient_names=names, findings=findings)


def current_screening(db: Database, patient_id: int) -> ScreeningView | None:
    """The newest screening with its badge findings, or None if never screened."""
    with db.read() as session:
        v.get(session, Patient, patient_id, "Patient")
        row = current_screening_row(session, patient_id)
        return None if row is None else _view(session, row)


def screening_history(db: Database, patient_id: int) -> list[ScreeningView]:
    """Every screening, newest first."""
    with db.read() as session:
        rows = session.scalars(
            select(Screening)
            .where(Screening.patient_id == patient_id)
            .order_by(Screening.screened_on.desc(), Screening.id.desc())
        ).all()
        return [_view(session, row) for row in rows]


def record_consent(
    db: Database, patient_id: int, kind: ConsentKind, text_version: str, signed_on: dt.date
) -> int:
    """Record a signed consent (treatment or photos) with the version of its text."""
    kind = v.choice("Consent kind", kind, ConsentKind)
    version = v.text("Consent text version", text_version, required=True, max_length=40)
    signed = v.date("Signed on", signed_on, not_after=dt.date.today())
    with db.write() as session:
        v.get(session, Patient, patient_id, "Patient")
        consent = Consent(
            patient_id=patient_id, kind=kind.value, text_version=version, signed_on=signed
        )
        session.add(consent)
        session.flush()
        return consent.id


def withdraw_consent(db: Database, consent_id: int, withdrawn_on: dt.date, reason: str) -> None:
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        consent = v.get(session, Consent, consent_id, "Consent")
        v.date("Withdrawn on", withdrawn_on, not_before=consent.signed_on)
        consent.withdrawn_on = withdrawn_on


def consents(db: Database, patient_id: int) -> list[ConsentView]:
    with db.read() as session:
        rows = session.scalars(
            select(Consent)
            .where(Consent.patient_id == patient_id, Consent.voided.is_(False))
            .order_by(Consent.signed_on.desc(), Consent.id.desc())
        )
        return [
            ConsentView(c.id, ConsentKind(c.kind), c.text_version, c.signed_on, c.withdrawn_on)
            for c in rows
        ]


def has_consent(session: Session, patient_id: int, kind: ConsentKind, on: dt.date) -> bool:
    """Whether a consent of ``kind`` signed on or before ``on`` is in force that day."""
    rows = session.scalars(
        select(Consent).where(
            Consent.patient_id == patient_id,
            Consent.kind == kind.value,
            Consent.voided.is_(False),
            Consent.signed_on <= on,
        )
    )
    return any(c.withdrawn_on is None or c.withdrawn_on > on for c in rows)
