"""Courses, sessions and what a session holds: the cocktail and the treated areas."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mesodesk.core.models.base import Audited, Base, Voidable, utc_now
from mesodesk.core.models.catalogue import Lot
from mesodesk.core.models.people import Patient, Practitioner


class Course(Base, Audited):
    """A planned series of sessions for one indication."""

    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("planned_sessions >= 1", name="planned_sessions"),
        CheckConstraint("interval_days >= 1", name="interval_days"),
        CheckConstraint(
            "maintenance_interval_days IS NULL OR maintenance_interval_days >= 1",
            name="maintenance_interval",
        ),
        CheckConstraint(
            "status IN ('planned', 'active', 'maintenance', 'completed', 'stopped', 'paused')",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    indication_code: Mapped[str] = mapped_column(ForeignKey("indication.code"))
    target_areas: Mapped[str] = mapped_column(default="", doc="Comma-separated region codes")
    planned_sessions: Mapped[int]
    interval_days: Mapped[int]
    maintenance_interval_days: Mapped[int | None]
    start_date: Mapped[dt.date]
    status: Mapped[str] = mapped_column(default="planned", index=True)
    status_reason: Mapped[str] = mapped_column(default="")
    goal: Mapped[str] = mapped_column(default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    patient: Mapped[Patient] = relationship()
    sessions: Mapped[list[TreatmentSession]] = relationship(
        back_populates="course", order_by="TreatmentSession.started_at"
    )

    @property
    def target_area_codes(self) -> list[str]:
        return [code for code in self.target_areas.split(",") if code]


class TreatmentSession(Base, Audited, Voidable):
    """One sitting: who treated, how, with what, where; the rule findings stored with it."""

    __tablename__ = "treatment_session"
    __table_args__ = (
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("duration_min IS NULL OR duration_min BETWEEN 1 AND 600", name="duration"),
        CheckConstraint("pain_vas IS NULL OR pain_vas BETWEEN 0 AND 10", name="pain_vas"),
        CheckConstraint("device IN ('manual_needle', 'gun')", name="device"),
        CheckConstraint("anaesthesia IN ('none', 'topical', 'local')", name="anaesthesia"),
        Index("ix_treatment_session_course_start", "course_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    number: Mapped[int]
    maintenance: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[dt.datetime] = mapped_column(index=True, doc="Local clinic time")
    duration_min: Mapped[int | None]
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    device: Mapped[str] = mapped_column(default="manual_needle")
    device_model: Mapped[str] = mapped_column(default="")
    device_settings: Mapped[str] = mapped_column(default="")
    anaesthesia: Mapped[str] = mapped_column(default="none")
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screening.id"))
    findings_json: Mapped[str] = mapped_column(
        default="[]", doc="JSON: the clinical rule findings when the session was saved"
    )
    override_reason: Mapped[str | None] = mapped_column(
        doc="Why the practitioner went ahead despite a blocking finding"
    )
    aftercare_given: Mapped[bool] = mapped_column(default=False)
    aftercare_code: Mapped[str | None]
    aftercare_version: Mapped[str | None]
    pain_vas: Mapped[int | None] = mapped_column(doc="Pain during the session, VAS 0-10")
    notes: Mapped[str] = mapped_column(default="")
    next_due_date: Mapped[dt.date | None] = mapped_column(index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    course: Mapped[Course] = relationship(back_populates="sessions")
    practitioner: Mapped[Practitioner] = relationship()
    cocktail: Mapped[list[CocktailLine]] = relationship(
        back_populates="session", order_by="CocktailLine.position"
    )
    areas: Mapped[list[TreatedArea]] = relationship(
        back_populates="session", order_by="TreatedArea.position"
    )


class CocktailLine(Base, Audited, Voidable):
    """One product lot in the session's preparation."""

    __tablename__ = "cocktail_line"
    __table_args__ = (
        CheckConstraint("volume_ml > 0 AND volume_ml <= 100", name="volume"),
        UniqueConstraint("session_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_session.id"), index=True)
    position: Mapped[int]
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    volume_ml: Mapped[float]
    dilution: Mapped[str] = mapped_column(default="", doc="e.g. 'neat' or '1:1 saline'")

    session: Mapped[TreatmentSession] = relationship(back_populates="cocktail")
    lot: Mapped[Lot] = relationship()


class TreatedArea(Base, Audited, Voidable):
    """One treated region: technique, needle, depth, points and volume."""

    __tablename__ = "treated_area"
    __table_args__ = (
        CheckConstraint("side IN ('left', 'right', 'both', 'midline')", name="side"),
        CheckConstraint("volume_ml > 0 AND volume_ml <= 100", name="volume"),
        CheckConstraint("points IS NULL OR points >= 1", name="points"),
        CheckConstraint("depth_mm IS NULL OR (depth_mm > 0 AND depth_mm <= 20)", name="depth"),
        UniqueConstraint("session_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_session.id"), index=True)
    position: Mapped[int]
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    side: Mapped[str]
    technique_code: Mapped[str] = mapped_column(ForeignKey("technique.code"))
    needle_gauge: Mapped[int | None] = mapped_column(ForeignKey("needle_gauge.gauge"))
    needle_length_mm: Mapped[float | None] = mapped_column(ForeignKey("needle_length.length_mm"))
    depth_mm: Mapped[float | None]
    points: Mapped[int | None]
    volume_ml: Mapped[float]
    map_points_json: Mapped[str] = mapped_column(
        default="[]", doc="JSON: injection points as [x, y] fractions of the diagram (0-1)"
    )

    session: Mapped[TreatmentSession] = relationship(back_populates="areas")


class ProtocolTemplate(Base, Audited):
    """A saved protocol to start a session from: products (not lots) and areas."""

    __tablename__ = "protocol_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    indication_code: Mapped[str | None] = mapped_column(ForeignKey("indication.code"))
    device: Mapped[str] = mapped_column(default="manual_needle")
    anaesthesia: Mapped[str] = mapped_column(default="none")
    body_json: Mapped[str] = mapped_column(
        doc="JSON: {cocktail: [{product_id, volume_ml, dilution}], areas: [AreaData fields]}"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
