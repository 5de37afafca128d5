"""Tracing a lot: every patient and session that received it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from mesodesk.core.db import Database
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Indication,
    Lot,
    Patient,
    Product,
    Region,
    TreatedArea,
    TreatmentSession,
)


@dataclass(frozen=True, slots=True)
class RecallRow:
    patient_id: int
    file_number: str
    patient_name: str
    phone: str
    email: str
    session_id: int
    session_number: int
    session_date: dt.date
    indication: str
    product: str
    lot_number: str
    expiry_date: dt.date
    volume_ml: float
    areas: str


def recall_lot(db: Database, lot_number: str, product_id: int | None = None) -> list[RecallRow]:
    """Every session (not voided) with a cocktail line of the lot, newest first.

    The lot number is matched without regard to case; several products may share a
    number, so ``product_id`` narrows it to one.
    """
    statement = (
        select(CocktailLine, TreatmentSession, Patient, Indication.name, Product.name, Lot)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .join(Product, Product.id == Lot.product_id)
        .join(TreatmentSession, TreatmentSession.id == CocktailLine.session_id)
        .join(Course, Course.id == TreatmentSession.course_id)
        .join(Indication, Indication.code == Course.indication_code)
        .join(Patient, Patient.id == Course.patient_id)
        .where(
            func.casefold(Lot.lot_number) == lot_number.strip().casefold(),
            CocktailLine.voided.is_(False),
            TreatmentSession.voided.is_(False),
        )
        .order_by(TreatmentSession.started_at.desc(), CocktailLine.position)
    )
    if product_id is not None:
        statement = statement.where(Product.id == product_id)
    with db.read() as session:
        found = session.execute(statement).all()
        session_ids = {treatment.id for _, treatment, *_ in found}
        areas: dict[int, list[str]] = {}
        if session_ids:
            area_rows = session.execute(
                select(TreatedArea.session_id, Region.name, TreatedArea.side)
                .join(Region, Region.code == TreatedArea.region_code)
                .where(TreatedArea.session_id.in_(session_ids), TreatedArea.voided.is_(False))
                .order_by(TreatedArea.session_id, TreatedArea.position)
            )
            for sid, name, side in area_rows:
                label = f"{name} ({side})" if side in ("left", "right", "both") else name
                areas.setdefault(sid, []).append(label)
        return [
            RecallRow(
                patient_id=patient.id,
                file_number=patient.file_number,
                patient_name=patient.full_name,
                phone=patient.phone,
                email=patient.email,
                session_id=treatment.id,
                session_number=treatment.number,
                session_date=treatment.started_at.date(),
                indication=indication,
                product=product,
                lot_number=lot.lot_number,
                expiry_date=lot.expiry_date,
                volume_ml=line.volume_ml,
                areas="; ".join(areas.get(treatment.id, [])),
            )
            for line, treatment, patient, indication, product, lot in found
        ]
