"""What follows from treatment: side effects, measurements and photos."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mesodesk.core.models.base import Audited, Base, Voidable, utc_now
from mesodesk.core.models.treatment import TreatmentSession


class SideEffect(Base, Audited, Voidable):
    """An adverse event tied to a session, and optionally to an area and a suspected lot."""

    __tablename__ = "side_effect"
    __table_args__ = (
        CheckConstraint("severity IN ('mild', 'moderate', 'severe')", name="severity"),
        CheckConstraint(
            "resolved_on IS NULL OR resolved_on >= onset_on", name="resolved_after_onset"
        ),
        Index("ix_side_effect_open", "resolved_on", "voided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_session.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("treated_area.id"))
    suspected_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("side_effect_type.code"), index=True)
    severity: Mapped[str]
    serious: Mapped[bool] = mapped_column(default=False)
    onset_on: Mapped[dt.date]
    resolved_on: Mapped[dt.date | None]
    action_taken: Mapped[str] = mapped_column(default="")
    reported_to_regulator: Mapped[bool] = mapped_column(default=False)
    reported_on: Mapped[dt.date | None]
    notes: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    session: Mapped[TreatmentSession] = relationship()


class Measurement(Base, Audited, Voidable):
    """One value of one metric, at one site, on one day."""

    __tablename__ = "measurement"
    __table_args__ = (
        CheckConstraint("rater IN ('clinician', 'patient')", name="rater"),
        Index("ix_measurement_series", "patient_id", "course_id", "metric_code", "site"),
        # Covers the cohort curves of the outcome analytics (no sort, no table lookup).
        Index(
            "ix_measurement_metric_series",
            "metric_code",
            "course_id",
            "site",
            "measured_on",
            "id",
            "value",
            "voided",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_session.id"), index=True)
    measured_on: Mapped[dt.date]
    metric_code: Mapped[str] = mapped_column(ForeignKey("metric.code"), index=True)
    site: Mapped[str] = mapped_column(default="", doc="Landmark, e.g. 'left thigh, 15 cm above'")
    value: Mapped[float] = mapped_column(doc="In the metric's unit")
    rater: Mapped[str] = mapped_column(default="clinician")
    notes: Mapped[str] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Photo(Base, Audited, Voidable):
    """A clinical photo's metadata; the file lives in the data folder under its hash."""

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_session.id"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    side: Mapped[str | None]
    view: Mapped[str]
    taken_on: Mapped[dt.date]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime_type: Mapped[str] = mapped_column(default="image/jpeg")
    width_px: Mapped[int | None]
    height_px: Mapped[int | None]
    original_name: Mapped[str] = mapped_column(default="")
    imported_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    session: Mapped[TreatmentSession | None] = relationship()


class PhotoPair(Base, Audited):
    """A before/after pair of a patient's photos chosen for the printed history.

    A choice of what to print, not a clinical fact: taking a pair off the PDF deletes its
    row (the audit trail keeps it), and the photos themselves are untouched.
    """

    __tablename__ = "photo_pair"
    __table_args__ = (
        UniqueConstraint("before_id", "after_id"),
        CheckConstraint("before_id <> after_id", name="two_photos"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    before_id: Mapped[int] = mapped_column(ForeignKey("photo.id"))
    after_id: Mapped[int] = mapped_column(ForeignKey("photo.id"), index=True)
    chosen_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
