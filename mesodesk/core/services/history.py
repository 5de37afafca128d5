"""A patient's whole history in one structure: the timeline, the PDF and the exports read it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mesodesk.core.db import Database
from mesodesk.core.enums import Anaesthesia, Device, Side
from mesodesk.core.models import (
    CocktailLine,
    Lot,
    Patient,
    Product,
    ProductIngredient,
    Region,
    Technique,
    TreatmentSession,
)
from mesodesk.core.rules import Finding
from mesodesk.core.services import _validate as v
from mesodesk.core.services.courses import CourseSummary, patient_courses
from mesodesk.core.services.measurements import MeasurementView, patient_measurements
from mesodesk.core.services.patients import PatientData, PatientSummary, get_patient, patient_data
from mesodesk.core.services.screening import (
    ConsentView,
    ScreeningView,
    consents,
    screening_history,
)
from mesodesk.core.services.sessions import stored_findings
from mesodesk.core.services.side_effects import SideEffectView, patient_side_effects


@dataclass(frozen=True, slots=True)
class CocktailItem:
    line_id: int
    lot_id: int
    product: str
    ingredients: str
    lot_number: str
    expiry_date: dt.date
    volume_ml: float
    dilution: str


@dataclass(frozen=True, slots=True)
class AreaItem:
    area_id: int
    region_code: str
    region_name: str
    side: Side
    technique_code: str
    technique_name: str
    needle_gauge: int | None
    needle_length_mm: float | None
    depth_mm: float | None
    points: int | None
    volume_ml: float
    map_points: tuple[tuple[float, float], ...]

    @property
    def label(self) -> str:
        if self.side in (Side.LEFT, Side.RIGHT, Side.BOTH):
            return f"{self.region_name} ({self.side.value})"
        return self.region_name

    @property
    def needle(self) -> str:
        parts = []
        if self.needle_gauge:
            parts.append(f"{self.needle_gauge} G")
        if self.needle_length_mm:
            parts.append(f"{self.needle_length_mm:g} mm")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    course_id: int
    number: int
    maintenance: bool
    started_at: dt.datetime
    duration_min: int | None
    practitioner: str
    device: Device
    device_model: str
    device_settings: str
    anaesthesia: Anaesthesia
    cocktail: tuple[CocktailItem, ...]
    areas: tuple[AreaItem, ...]
    findings: tuple[Finding, ...]
    override_reason: str | None
    aftercare_given: bool
    aftercare: str
    pain_vas: int | None
    notes: str
    next_due_date: dt.date | None
    voided: bool
    void_reason: str | None
    side_effects: tuple[SideEffectView, ...]

    @property
    def total_volume_ml(self) -> float:
        return sum(area.volume_ml for area in self.areas)


@dataclass(frozen=True, slots=True)
class CourseHistory:
    course: CourseSummary
    sessions: tuple[SessionRecord, ...]


@dataclass(frozen=True, slots=True)
class PatientHistory:
    patient: PatientSummary
    identity: PatientData
    screenings: tuple[ScreeningView, ...]
    consents: tuple[ConsentView, ...]
    courses: tuple[CourseHistory, ...]
    side_effects: tuple[SideEffectView, ...]
    measurements: tuple[MeasurementView, ...]


def course_sessions(
    db: Database,
    course_ids: list[int],
    side_effects: list[SideEffectView] | None = None,
    *,
    include_voided: bool = True,
) -> dict[int, list[SessionRecord]]:
    """Sessions of the given courses with cocktails, lots and areas, in date order."""
    effects: dict[int, list[SideEffectView]] = {}
    for effect in side_effects or []:
        effects.setdefault(effect.session_id, []).append(effect)
    statement = (
        select(TreatmentSession)
        .options(
            selectinload(TreatmentSession.cocktail)
            .selectinload(CocktailLine.lot)
            .selectinload(Lot.product)
            .selectinload(Product.ingredients)
            .selectinload(ProductIngredient.ingredient),
            selectinload(TreatmentSession.areas),
            selectinload(TreatmentSession.practitioner),
        )
        .where(TreatmentSession.course_id.in_(course_ids))
        .order_by(TreatmentSession.started_at)
    )
    if not include_voided:
        statement = statement.where(TreatmentSession.voided.is_(False))
    result: dict[int, list[SessionRecord]] = {cid: [] for cid in course_ids}
    with db.read() as session:
        regions = {r.code: r.name for r in session.scalars(select(Region))}
        techniques = {t.code: t.name for t in session.scalars(select(Technique))}
        for row in session.scalars(statement):
            result[row.course_id].append(_record(row, regions, techniques, effects))
    return result


def _record(
    row: TreatmentSession,
    regions: dict[str, str],
    techniques: dict[str, str],
    effects: dict[int, list[SideEffectView]],
) -> SessionRecord:
    cocktail = tuple(
        CocktailItem(
            line_id=line.id,
            lot_id=line.lot_id,
            product=line.lot.product.name,
            ingredients=", ".join(
                f"{i.ingredient.name} {i.concentration:g} {i.unit}"
                if i.concentration
                else i.ingredient.name
                for i in line.lot.product.ingredients
            ),
            lot_number=line.lot.lot_number,
            expiry_date=line.lot.expiry_date,
            volume_ml=line.volume_ml,
            dilution=line.dilution,
        )
        for line in row.cocktail
        if not line.voided
    )
    areas = tuple(
        AreaItem(
            area_id=a.id,
            region_code=a.region_code,
            region_name=regions.get(a.region_code, a.region_code),
            side=Side(a.side),
            technique_code=a.technique_code,
            technique_name=techniques.get(a.technique_code, a.technique_code),
            needle_gauge=a.needle_gauge,
            needle_length_mm=a.needle_length_mm,
            depth_mm=a.depth_mm,
            points=a.points,
            volume_ml=a.volume_ml,
            map_points=tuple((float(x), float(y)) for x, y in json.loads(a.map_points_json)),
        )
        for a in row.areas
        if not a.voided
    )
    aftercare = ""
    if row.aftercare_given:
        aftercare = f"{row.aftercare_code or 'standard'} v{row.aftercare_version or '?'}"
    return SessionRecord(
        id=row.id,
        course_id=row.course_id,
        number=row.number,
        maintenance=row.maintenance,
        started_at=row.started_at,
        duration_min=row.duration_min,
        practitioner=row.practitioner.display_name,
        device=Device(row.device),
        device_model=row.device_model,
        device_settings=row.device_settings,
        anaesthesia=Anaesthesia(row.anaesthesia),
        cocktail=cocktail,
        areas=areas,
        findings=tuple(stored_findings(row)),
        override_reason=row.override_reason,
        aftercare_given=row.aftercare_given,
        aftercare=aftercare,
        pain_vas=row.pain_vas,
        notes=row.notes,
        next_due_date=row.next_due_date,
        voided=row.voided,
        void_reason=row.void_reason,
        side_effects=tuple(effects.get(row.id, [])),
    )


def patient_history(db: Database, patient_id: int) -> PatientHistory:
    """Everything recorded about one patient, courses newest first, sessions in order."""
    with db.read() as session:
        v.get(session, Patient, patient_id, "Patient")
    courses = patient_courses(db, patient_id)
    effects = patient_side_effects(db, patient_id)
    sessions = course_sessions(db, [c.id for c in courses], effects)
    return PatientHistory(
        patient=get_patient(db, patient_id),
        identity=patient_data(db, patient_id),
        screenings=tuple(screening_history(db, patient_id)),
        consents=tuple(consents(db, patient_id)),
        courses=tuple(CourseHistory(c, tuple(sessions[c.id])) for c in courses),
        side_effects=tuple(effects),
        measurements=tuple(patient_measurements(db, patient_id)),
    )
