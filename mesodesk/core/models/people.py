"""Practitioners, patients, their screenings and consents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mesodesk.core.models.base import Audited, Base, Voidable, utc_now


class Practitioner(Base, Audited):
    __tablename__ = "practitioner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    title: Mapped[str] = mapped_column(default="")
    registration_number: Mapped[str] = mapped_column(default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}".strip()


class Patient(Base, Audited):
    """A patient; never deleted, only archived."""

    __tablename__ = "patient"
    __table_args__ = (
        CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name="sex"),
        CheckConstraint("length(file_number) > 0", name="file_number"),
        Index("ix_patient_name", "family_key", "given_key"),
        # Every column the search reads: typing a name scans this, not the wide rows.
        Index("ix_patient_search", "archived", "family_key", "given_key", "file_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_number: Mapped[str] = mapped_column(String(40), unique=True)
    family_name: Mapped[str]
    given_names: Mapped[str]
    date_of_birth: Mapped[dt.date] = mapped_column(index=True)
    sex: Mapped[str] = mapped_column(default="unknown")
    phone: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(default="")
    address: Mapped[str] = mapped_column(default="")
    notes: Mapped[str] = mapped_column(default="")
    archived: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    # Folded copies for accent- and case-insensitive search (mesodesk.core.text.fold).
    family_key: Mapped[str] = mapped_column(default="")
    given_key: Mapped[str] = mapped_column(default="")
    phone_digits: Mapped[str] = mapped_column(default="", index=True)

    screenings: Mapped[list[Screening]] = relationship(
        back_populates="patient", order_by="Screening.screened_on, Screening.id"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="patient", order_by="Consent.signed_on, Consent.id"
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day: dt.date) -> int:
        """Age in completed years on ``day`` (an 18th birthday counts on the day itself)."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Screening(Base, Audited):
    """A dated screening; the newest is current, older ones are kept as they were."""

    __tablename__ = "screening"
    __table_args__ = (Index("ix_screening_patient_date", "patient_id", "screened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    screened_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"))
    pregnant: Mapped[bool] = mapped_column(default=False)
    breastfeeding: Mapped[bool] = mapped_column(default=False)
    allergies: Mapped[str] = mapped_column(default="", doc="Free text as the patient said it")
    medication: Mapped[str] = mapped_column(default="")
    anticoagulant_or_bleeding_disorder: Mapped[bool] = mapped_column(default=False)
    active_infection_or_lesion: Mapped[bool] = mapped_column(default=False)
    lesion_regions: Mapped[str] = mapped_column(
        default="", doc="Comma-separated region codes with an infection or lesion"
    )
    diabetes: Mapped[bool] = mapped_column(default=False)
    cancer: Mapped[bool] = mapped_column(default=False)
    heart_disease: Mapped[bool] = mapped_column(default=False)
    severe_hypertension: Mapped[bool] = mapped_column(default=False)
    kidney_failure: Mapped[bool] = mapped_column(default=False)
    gallstones: Mapped[bool] = mapped_column(default=False)
    pacemaker: Mapped[bool] = mapped_column(default=False)
    cortisone_therapy: Mapped[bool] = mapped_column(default=False)
    keloid_history: Mapped[bool] = mapped_column(default=False)
    autoimmune_disease: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(default="")

    patient: Mapped[Patient] = relationship(back_populates="screenings")
    allergy_ingredients: Mapped[list[ScreeningAllergy]] = relationship(cascade="all, delete-orphan")


class ScreeningAllergy(Base, Audited):
    """An allergy of a screening linked to a catalogue ingredient."""

    __tablename__ = "screening_allergy"

    screening_id: Mapped[int] = mapped_column(ForeignKey("screening.id"), primary_key=True)
    ingredient_id: Mapped[int] = mapped_column(ForeignKey("ingredient.id"), primary_key=True)


class Consent(Base, Audited, Voidable):
    __tablename__ = "consent"
    __table_args__ = (CheckConstraint("kind IN ('treatment', 'photos')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str]
    text_version: Mapped[str]
    signed_on: Mapped[dt.date]
    withdrawn_on: Mapped[dt.date | None]

    patient: Mapped[Patient] = relationship(back_populates="consents")


class Setting(Base, Audited):
    """Key-value settings kept in the record itself (clinic name and address, …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str]
