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
    number, so ``product_id`` narrows it to one. Plain columns, not ORM objects: a recall
    of a much-used lot returns thousands of lines.
    """
    statement = (
        select(
            Patient.id,
            Patient.file_number,
            Patient.given_names,
            Patient.family_name,
            Patient.phone,
            Patient.email,
            TreatmentSession.id,
            TreatmentSession.number,
            TreatmentSession.started_at,
            Indication.name,
            Product.name,
            Lot.lot_number,
            Lot.expiry_date,
            CocktailLine.volume_ml,
        )
        .select_from(CocktailLine)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .join(Product, Product.id == Lot.product_id)
        .join(TreatmentSession, TreatmentSession.id == CocktailLine.session_id)
        .join(Course, Course.id == TreatmentSession.course_id)
        .join(Indication, Indication.code == Course.indication_code)
        .join(Patient, Patient.id == Course.patient_id)
        .where(
            # Lines by the index of their lot: the lots of that number are few, the
            # lines many (matching the number line by line scans every line).
            CocktailLine.lot_id.in_(
                select(Lot.id).where(func.casefold(Lot.lot_number) == lot_number.strip().casefold())
            ),
            CocktailLine.voided.is_(False),
            TreatmentSession.voided.is_(False),
        )
        .order_by(TreatmentSession.started_at.desc(), CocktailLine.position)
    )
    if product_id is not None:
        statement = statement.where(Product.id == product_id)
    with db.read() as session:
        connection = session.connection()  # Core rows: no ORM loading
        found = connection.execute(statement).all()
        session_ids = {row[6] for row in found}
        areas: dict[int, list[str]] = {}
        if session_ids:
            area_rows = connection.execute(
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
            patient_id=patient_id,
            file_number=file_number,
            patient_name=f"{given} {family}".strip(),
            phone=phone,
            email=email,
            session_id=session_id,
            session_number=number,
            session_date=started_at.date(),
            indication=indication,
            product=product,
            lot_number=lot,
            expiry_date=expiry,
            volume_ml=volume,
            areas="; ".join(areas.get(session_id, [])),
        )
        for (
            patient_id,
            file_number,
            given,
            family,
            phone,
            email,
            session_id,
            number,
            started_at,
            indication,
            product,
            lot,
            expiry,
            volume,
        ) in found
    ]
