"""Side effects: logged at the session or reported days later, followed until resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Lot,
    Patient,
    Product,
    Region,
    SideEffect,
    SideEffectType,
    TreatedArea,
    TreatmentSession,
)
from mesodesk.core.services import _validate as v


@dataclass(frozen=True, slots=True)
class SideEffectData:
    """A side effect. ``area_id`` names a treated area of the session; when the side
    effect is recorded with a new session, ``area_index`` names one of its areas instead."""

    type_code: str
    severity: Severity
    onset_on: dt.date
    area_id: int | None = None
    area_index: int | None = None
    suspected_lot_id: int | None = None
    serious: bool = False
    resolved_on: dt.date | None = None
    action_taken: str = ""
    reported_to_regulator: bool = False
    reported_on: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class SideEffectView:
    id: int
    patient_id: int
    patient_name: str
    file_number: str
    session_id: int
    session_date: dt.date
    session_number: int
    type_code: str
    type_name: str
    severity: Severity
    serious: bool
    onset_on: dt.date
    resolved_on: dt.date | None
    area: str
    suspected_lot: str
    action_taken: str
    area_id: int | None
    suspected_lot_id: int | None
    reported_to_regulator: bool
    reported_on: dt.date | None
    notes: str

    @property
    def open(self) -> bool:
        return self.resolved_on is None

    def days_open(self, today: dt.date) -> int:
        return ((self.resolved_on or today) - self.onset_on).days


def apply_side_effect(
    session: Session,
    effect: SideEffect,
    treatment: TreatmentSession,
    data: SideEffectData,
    areas: list[TreatedArea] | None = None,
    lot_ids: set[int] | None = None,
) -> None:
    """Validate ``data`` against its session and copy it onto ``effect``."""
    if session.get(SideEffectType, data.type_code) is None:
        raise ValidationError("Side effect type", f"{data.type_code!r} is not a known type")
    severity = v.choice("Severity", data.severity, Severity)
    session_day = treatment.started_at.date()
    onset = v.date(
        "Onset date",
        data.onset_on,
        not_before=session_day,
        not_after=dt.date.today() + dt.timedelta(days=1),
    )
    resolved = v.date("Resolved on", data.resolved_on, required=False, not_before=onset)
    if data.reported_on is not None and not data.reported_to_regulator:
        raise ValidationError("Reported on", "is given but 'reported to a regulator' is not ticked")
    reported = v.date("Reported on", data.reported_on, required=False, not_before=onset)
    area_id = data.area_id
    if data.area_index is not None:
        if areas is None or not 0 <= data.area_index < len(areas):
            raise ValidationError("Area", "does not name one of the session's treated areas")
        area_id = areas[data.area_index].id
    elif area_id is not None:
        area = session.get(TreatedArea, area_id)
        if area is None or area.session_id != treatment.id:
            raise ValidationError("Area", "is not one of this session's treated areas")
    if data.suspected_lot_id is not None:
        session_lots = (
            lot_ids
            if lot_ids is not None
            else set(
                session.scalars(
                    select(CocktailLine.lot_id).where(
                        CocktailLine.session_id == treatment.id, CocktailLine.voided.is_(False)
                    )
                )
            )
        )
        if data.suspected_lot_id not in session_lots:
            raise ValidationError("Suspected lot", "was not used in this session")
    effect.session_id = treatment.id
    effect.type_code = data.type_code
    effect.severity = severity.value
    effect.serious = data.serious
    effect.onset_on = onset
    effect.resolved_on = resolved
    effect.area_id = area_id
    effect.suspected_lot_id = data.suspected_lot_id
    effect.action_taken = v.text("Action taken", data.action_taken, max_length=2000)
    effect.reported_to_regulator = data.reported_to_regulator
    effect.reported_on = reported
    effect.notes = v.text("Notes", data.notes, max_length=5000)


def add_side_effect(db: Database, session_id: int, data: SideEffectData) -> int:
    """Log a side effect reported after a session; return its id."""
    if data.area_index is not None:
        raise ValidationError("Area", "name the treated area by its id")
    with db.write() as session:
        treatment = v.get(session, TreatmentSession, session_id, "Session")
        if treatment.voided:
            raise ValidationError("Session", "is voided")
        effect = SideEffect()
        apply_side_effect(session, effect, treatment, data)
        session.add(effect)
        session.flush()
        return effect.id


def update_side_effect(db: Database, effect_id: int, data: SideEffectData, reason: str) -> None:
    """Correct a side effect; the audit keeps the values before and the reason."""
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        effect = v.get(session, SideEffect, effect_id, "Side effect")
        apply_side_effect(session, effect, effect.session, data)


def resolve_side_effect(
    db: Database, effect_id: int, resolved_on: dt.date, action_taken: str = ""
) -> None:
    """Mark a side effect resolved on a day, with what was done."""
    with db.write() as session:
        effect = v.get(session, SideEffect, effect_id, "Side effect")
        if effect.voided:
            raise ValidationError("Side effect", "is voided")
        effect.resolved_on = v.date(
            "Resolved on",
            resolved_on,
            not_before=effect.onset_on,
            not_after=dt.date.today() + dt.timedelta(days=1),
        )
        action = v.text("Action taken", action_taken, max_length=2000)
        if action:
            effect.action_taken = action


def void_side_effect(db: Database, effect_id: int, reason: str) -> None:
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        effect = v.get(session, SideEffect, effect_id, "Side effect")
        effect.voided = True
        effect.void_reason = reason
        effect.voided_at = dt.datetime.now()


def _statement() -> Select[*tuple[Any, ...]]:
    return (
        select(
            SideEffect,
            TreatmentSession,
            Patient,
            SideEffectType.name,
            Region.name,
            TreatedArea.side,
            Lot.lot_number,
            Product.name,
        )
        .join(TreatmentSession, TreatmentSession.id == SideEffect.session_id)
        .join(Course, Course.id == TreatmentSession.course_id)
        .join(Patient, Patient.id == Course.patient_id)
        .join(SideEffectType, SideEffectType.code == SideEffect.type_code)
        .outerjoin(TreatedArea, TreatedArea.id == SideEffect.area_id)
        .outerjoin(Region, Region.code == TreatedArea.region_code)
        .outerjoin(Lot, Lot.id == SideEffect.suspected_lot_id)
        .outerjoin(Product, Product.id == Lot.product_id)
        .where(SideEffect.voided.is_(False))
    )


def _views(session: Session, statement: Select[*tuple[Any, ...]]) -> list[SideEffectView]:
    views = []
    for effect, treatment, patient, type_name, region, side, lot, product in session.execute(
        statement
    ):
        area = f"{region} ({side})" if region and side in ("left", "right") else (region or "")
        views.append(
            SideEffectView(
                id=effect.id,
                patient_id=patient.id,
                patient_name=patient.full_name,
                file_number=patient.file_number,
                session_id=treatment.id,
                session_date=treatment.started_at.date(),
                session_number=treatment.number,
                type_code=effect.type_code,
                type_name=type_name,
                severity=Severity(effect.severity),
                serious=effect.serious,
                onset_on=effect.onset_on,
                resolved_on=effect.resolved_on,
                area=area,
                suspected_lot=f"{product} {lot}" if lot else "",
                action_taken=effect.action_taken,
                area_id=effect.area_id,
                suspected_lot_id=effect.suspected_lot_id,
                reported_to_regulator=effect.reported_to_regulator,
                reported_on=effect.reported_on,
                notes=effect.notes,
            )
        )
    return views


def open_side_effects(db: Database) -> list[SideEffectView]:
    """Every unresolved side effect of the practice, oldest onset first."""
    with db.read() as session:
        statement = _statement().where(
            SideEffect.resolved_on.is_(None), Patient.archived.is_(False)
        )
        return _views(session, statement.order_by(SideEffect.onset_on, SideEffect.id))


def side_effect_view(db: Database, effect_id: int) -> SideEffectView:
    """One side effect as the record shows it."""
    with db.read() as session:
        v.get(session, SideEffect, effect_id, "Side effect")
        return _views(session, _statement().where(SideEffect.id == effect_id))[0]


def patient_side_effects(db: Database, patient_id: int) -> list[SideEffectView]:
    """A patient's side effects, open ones first, then by onset."""
    with db.read() as session:
        statement = _statement().where(Patient.id == patient_id)
        views = _views(session, statement.order_by(SideEffect.onset_on, SideEffect.id))
    return sorted(views, key=lambda e: (not e.open, e.onset_on))
