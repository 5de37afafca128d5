"""The FHIR R4 export: one patient's history, some patients', or the whole practice.

The file is one ``Bundle`` of type ``collection`` in JSON (docs/formats/fhir.md). It is
written entry by entry while the record is read in chunks of patients, so the whole
practice never sits in memory; everything is read in one snapshot, so the bundle is
consistent even if someone records a session meanwhile. Every reference names a
resource of the same bundle: the practitioners and the lots the exported patients need
come first, then each patient with their courses, sessions, measurements and side
effects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.exchange import fhir_resources as r
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.progress import Progress, Ticker
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Indication,
    Ingredient,
    Lot,
    Measurement,
    Metric,
    Patient,
    Practitioner,
    Product,
    ProductIngredient,
    Region,
    SideEffect,
    SideEffectType,
    Technique,
    TreatedArea,
    TreatmentSession,
)

_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_Select = Select[*tuple[Any, ...]]
CHUNK = 200
"""Patients read together: few queries, and memory bounded by the busiest 200."""


def export_fhir(
    db: Database,
    out: Path,
    *,
    patient_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the patients' histories (everyone's when ``patient_ids`` is None) to ``out``.

    ``progress(done, total)`` counts patients and may raise ``Cancelled``; a cancelled or
    failed export leaves no file behind.
    """
    with db.read() as session:
        chosen = _chosen(session, patient_ids)
        everyone = patient_ids is None
        with atomic_output(Path(out)) as temporary, temporary.open("w", encoding="utf-8") as f:
            ticker = Ticker(progress, len(chosen), step=max(1, len(chosen) // 200))
            bundle = _BundleStream(f)
            catalogues = _catalogues(session)
            practitioner_ids, lot_ids = _shared(session, chosen, everyone)
            practitioners = select(Practitioner.__table__).where(
                Practitioner.id.in_(practitioner_ids)
            )
            for row in session.execute(practitioners.order_by(Practitioner.id)):
                bundle.add("practitioner", row.id, r.practitioner(row))
            _write_medications(session, bundle, lot_ids)
            for chunk in _chunks(chosen):
                history = _History(session, chunk)
                for patient in history.patients:
                    _write_patient(bundle, patient, history, catalogues)
                    ticker.add()
            bundle.close()
            ticker.finish()


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _chosen(session: Session, patient_ids: Sequence[int] | None) -> list[int]:
    """The patients to export, in file order, once each; an unknown one stops the export."""
    if patient_ids is None:
        return list(session.scalars(select(Patient.id).order_by(Patient.id)))
    wanted = sorted(set(patient_ids))
    if not wanted:
        raise ValidationError("Patients", "none were chosen for the export")
    for chunk in _chunks(wanted):
        found = set(session.scalars(select(Patient.id).where(Patient.id.in_(chunk))))
        missing = [pid for pid in chunk if pid not in found]
        if missing:
            raise NotFoundError("Patient", missing[0])
    return wanted


class _BundleStream:
    """Writes the bundle's JSON an entry at a time (FHIR allows no empty ``entry`` list)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.entries = 0
        stream.write('{"resourceType":"Bundle","type":"collection"')

    def add(self, table: str, row_id: int, resource: r.Json) -> None:
        url = r.full_url(table, row_id)
        kind = resource.pop("resourceType")
        body = {"resourceType": kind, "id": url.removeprefix("urn:uuid:"), **resource}
        entry = _JSON.encode({"fullUrl": url, "resource": body})
        self.stream.write(f",\n{entry}" if self.entries else f',"entry":[\n{entry}')
        self.entries += 1

    def close(self) -> None:
        self.stream.write("\n]}\n" if self.entries else "}\n")


def _catalogues(session: Session) -> r.Catalogues:
    return r.Catalogues(
        regions={
            code: r.Region(name, sided)
            for code, name, sided in session.execute(select(Region.code, Region.name, Region.sided))
        },
        techniques=_names(session, Technique.code, Technique.name),
        indications=_names(session, Indication.code, Indication.name),
        effect_types=_names(session, SideEffectType.code, SideEffectType.name),
        metrics={row.code: row for row in session.execute(select(Metric.__table__))},
    )


def _names(session: Session, code: Any, name: Any) -> dict[str, str]:
    """A catalogue's names by code."""
    return {row[0]: row[1] for row in session.execute(select(code, name))}


def _of_patients(statement: _Select, chunk: Sequence[int] | None) -> _Select:
    return statement if chunk is None else statement.where(Course.patient_id.in_(chunk))


def _shared(session: Session, chosen: Sequence[int], everyone: bool) -> tuple[set[int], set[int]]:
    """The practitioners and the lots that the chosen patients' records refer to."""
    practitioners: set[int] = set()
    lots: set[int] = set()
    chunks: Iterable[Sequence[int] | None] = [None] if everyone else _chunks(chosen)
    for chunk in chunks:
        by_session = select(TreatmentSession.practitioner_id).join(Course).distinct()
        practitioners.update(session.scalars(_of_patients(by_session, chunk)))
        # A suspected lot is always one of its session's lines (voided lines are kept).
        given = (
            select(CocktailLine.lot_id)
            .join(TreatmentSession, CocktailLine.session_id == TreatmentSession.id)
            .join(Course)
            .distinct()
        )
        lots.update(session.scalars(_of_patients(given, chunk)))
    return practitioners, lots


def _write_medications(session: Session, bundle: _BundleStream, lot_ids: set[int]) -> None:
    """A Medication per lot used: the product, its ingredients, the lot number and expiry."""
    products = {row.id: row for row in session.execute(select(Product.__table__))}
    ingredients: dict[int, list[r.Record]] = defaultdict(list)
    for row in session.execute(
        select(
            ProductIngredient.product_id,
            ProductIngredient.concentration,
            ProductIngredient.unit,
            Ingredient.name,
            Ingredient.name_key,
        )
        .join(Ingredient)
        .order_by(ProductIngredient.id)
    ):
        ingredients[row.product_id].append(row)
    lots = session.execute(select(Lot.__table__).where(Lot.id.in_(lot_ids)).order_by(Lot.id))
    for lot in lots:
        product = products[lot.product_id]
        bundle.add("lot", lot.id, r.medication(lot, product, ingredients[product.id]))


def _grouped(rows: Iterable[r.Record], key: str) -> dict[int, list[r.Record]]:
    groups: dict[int, list[r.Record]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


class _History:
    """Everything recorded about a chunk of patients, grouped for writing patient by patient."""

    def __init__(self, session: Session, chunk: Sequence[int]) -> None:
        s, a, line = TreatmentSession, TreatedArea, CocktailLine
        self.patients = list(
            session.execute(
                select(Patient.__table__).where(Patient.id.in_(chunk)).order_by(Patient.id)
            )
        )
        self.courses = _grouped(
            session.execute(
                select(Course.__table__)
                .where(Course.patient_id.in_(chunk))
                .order_by(Course.start_date, Course.id)
            ),
            "patient_id",
        )
        sessions = select(
            s.id, s.course_id, s.number, s.maintenance, s.started_at, s.duration_min,
            s.practitioner_id, s.device, s.device_model, s.device_settings, s.anaesthesia,
            s.override_reason, s.aftercare_given, s.aftercare_code, s.aftercare_version,
            s.pain_vas, s.notes, s.voided, s.void_reason,
            Course.patient_id, Course.indication_code,
        ).join(Course)  # fmt: skip
        self.sessions = _grouped(
            session.execute(_of_patients(sessions, chunk).order_by(s.started_at, s.id)),
            "patient_id",
        )
        areas = select(a.__table__).join(s, a.session_id == s.id).join(Course)
        area_rows = list(session.execute(_of_patients(areas, chunk).order_by(a.position)))
        self.areas_by_id = {row.id: row for row in area_rows}
        self.areas = _grouped(area_rows, "session_id")
        lines = select(line.__table__).join(s, line.session_id == s.id).join(Course)
        self.lines = _grouped(
            session.execute(_of_patients(lines, chunk).order_by(line.position)), "session_id"
        )
        effects = (
            select(SideEffect.__table__, Course.patient_id)
            .join(s, SideEffect.session_id == s.id)
            .join(Course)
            .where(SideEffect.voided.is_(False))
        )
        self.effects = _grouped(
            session.execute(
                _of_patients(effects, chunk).order_by(SideEffect.onset_on, SideEffect.id)
            ),
            "patient_id",
        )
        m = Measurement
        self.measurements = _grouped(
            session.execute(
                select(m.__table__)
                .where(m.patient_id.in_(chunk))
                .order_by(m.measured_on, m.metric_code, m.site, m.id)
            ),
            "patient_id",
        )


def _write_patient(
    bundle: _BundleStream, patient: r.Record, history: _History, cat: r.Catalogues
) -> None:
    """The patient, their courses, sessions with what was given, measurements, side effects."""
    pid = patient.id
    bundle.add("patient", pid, r.patient(patient))
    for course in history.courses.get(pid, []):
        bundle.add("course", course.id, r.care_plan(course, cat))
    for row in history.sessions.get(pid, []):
        areas = history.areas.get(row.id, [])
        bundle.add(
            "treatment_session",
            row.id,
            r.procedure(row, pid, row.indication_code, areas, cat),
        )
        for line in history.lines.get(row.id, []):
            bundle.add("cocktail_line", line.id, r.administration(line, row, pid))
    for measurement in history.measurements.get(pid, []):
        bundle.add("measurement", measurement.id, r.observation(measurement, cat))
    for effect in history.effects.get(pid, []):
        area = history.areas_by_id.get(effect.area_id) if effect.area_id else None
        bundle.add("side_effect", effect.id, r.adverse_event(effect, pid, cat))
        bundle.add(
            "side_effect/condition", effect.id, r.side_effect_condition(effect, pid, area, cat)
        )
