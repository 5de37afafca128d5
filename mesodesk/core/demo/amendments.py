"""A few corrections made through the services, so the demo's History tab has real ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity
from mesodesk.core.models import Measurement, TreatedArea, TreatmentSession
from mesodesk.core.services import measurements, sessions, side_effects

AMENDMENTS = 3
VOIDS = 1
OPEN_SIDE_EFFECTS = 3
RECENT_TYPES = ("bruising", "swelling", "nodules")


def amend_a_few(db: Database, rng: random.Random, today: dt.date) -> None:
    with db.read() as session:
        session_ids = list(
            session.scalars(
                select(TreatmentSession.id)
                .where(TreatmentSession.voided.is_(False))
                .order_by(TreatmentSession.id)
            )
        )
        measurement_ids = list(
            session.scalars(
                select(Measurement.id)
                .where(Measurement.metric_code == "circumference")
                .order_by(Measurement.id)
            )
        )
    if len(session_ids) < AMENDMENTS + VOIDS:
        return
    chosen = rng.sample(session_ids, AMENDMENTS + VOIDS)
    db.actor = "Dr Claire Moreau"
    for session_id in chosen[:AMENDMENTS]:
        data = sessions.session_data(db, session_id)
        first = data.areas[0]
        areas = (
            dataclasses.replace(first, volume_ml=round(first.volume_ml + 0.2, 1)),
            *data.areas[1:],
        )
        sessions.amend_session(
            db,
            session_id,
            dataclasses.replace(data, areas=areas, notes="Volume corrected from the syringe log."),
            reason="Volume of the first area corrected after checking the syringe log",
        )
    for session_id in chosen[AMENDMENTS:]:
        sessions.void_session(db, session_id, reason="Recorded under the wrong patient by mistake")
    _report_recent_side_effects(db, today)
    if measurement_ids:
        measurement_id = rng.choice(measurement_ids)
        with db.read() as session:
            value = session.get(Measurement, measurement_id).value  # type: ignore[union-attr]
        measurements.amend_measurement(
            db, measurement_id, round(value + 0.5, 1), reason="Transcription error corrected"
        )


def _report_recent_side_effects(db: Database, today: dt.date) -> None:
    """Side effects phoned in after the latest sessions, still open: the Today view's work."""
    with db.read() as session:
        recent = session.execute(
            select(TreatmentSession.id, TreatmentSession.started_at, TreatedArea.id)
            .join(TreatedArea, TreatedArea.session_id == TreatmentSession.id)
            .where(TreatmentSession.voided.is_(False), TreatedArea.position == 1)
            .order_by(TreatmentSession.started_at.desc())
            .limit(OPEN_SIDE_EFFECTS)
        ).all()
    for (session_id, started_at, area_id), kind in zip(recent, RECENT_TYPES, strict=False):
        onset = min(today, started_at.date() + dt.timedelta(days=1))
        side_effects.add_side_effect(
            db,
            session_id,
            side_effects.SideEffectData(
                type_code=kind,
                severity=Severity.MILD if kind != "nodules" else Severity.MODERATE,
                onset_on=onset,
                area_id=area_id,
                notes="Reported by phone; to be seen at the next visit.",
            ),
        )
