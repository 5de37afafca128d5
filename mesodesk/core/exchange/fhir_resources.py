"""FHIR R4 resources made from rows of the record, as plain JSON-ready dictionaries.

One function per resource type. Each takes the row (a SQLAlchemy ``Row`` of the columns
:mod:`.fhir` selects) and the catalogues, and returns the resource with empty elements
left out: FHIR forbids empty strings, lists and objects. What the elements mean is in
docs/formats/fhir.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row

from mesodesk.core.exchange import fhir_codes as c

Json = dict[str, Any]
Record = Row[*tuple[Any, ...]]
_NAMESPACE = c.FULL_URL_NAMESPACE.bytes


@functools.lru_cache(maxsize=4096)
def full_url(table: str, row_id: int | str) -> str:
    """The bundle-wide name of a row: ``urn:uuid:`` + uuid5(namespace, "table/id").

    Computed as RFC 4122 says (SHA-1 of the namespace and the name, version and variant
    bits set) without building ``uuid.UUID`` objects, which cost five times more over
    the millions of references of a large practice; the cache serves the patient,
    course and practitioner that a patient's resources name again and again.
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE + f"{table}/{row_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def reference(kind: str, table: str, row_id: int | str) -> Json:
    return {"reference": full_url(table, row_id), "type": kind}


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def obj(**fields: Any) -> Json:
    """A JSON object of the fields that have a value: FHIR forbids empty elements."""
    return {key: value for key, value in fields.items() if value not in _EMPTY}


def items(*values: Any) -> list[Any]:
    """A JSON array of the values that are not empty."""
    return [value for value in values if value not in _EMPTY]


@functools.lru_cache(maxsize=256)
def local_time(moment: dt.datetime) -> str:
    """A session time (clinic local time, stored without zone) with this computer's offset."""
    return moment.astimezone().isoformat(timespec="seconds")


def utc_time(moment: dt.datetime) -> str:
    """A time stored in UTC without zone, as a FHIR instant."""
    return moment.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def coding(system: str, code: str, display: str | None = None) -> Json:
    return obj(system=system, code=code, display=display)


def concept(text: str, *codings: Json) -> Json:
    return obj(coding=list(codings), text=text)


def quantity(value: float, ucum: str, unit: str = "") -> Json:
    return {"value": value, "unit": unit or ucum, "system": c.UCUM, "code": ucum}


def notes(*texts: str) -> list[Json]:
    return [{"text": text} for text in texts if text]


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    sided: bool


@dataclass
class Catalogues:
    """The vocabularies a bundle's resources name, read once per export.

    The coded elements made from them are made once and shared by every resource that
    names them (the JSON writer only reads them).
    """

    regions: Mapping[str, Region]
    techniques: Mapping[str, str]
    indications: Mapping[str, str]
    effect_types: Mapping[str, str]
    metrics: Mapping[str, Record]
    _concepts: dict[tuple[str, str, str], Json] = field(default_factory=dict)
    _metrics: dict[str, tuple[Record, Json]] = field(default_factory=dict)

    def indication(self, code: str) -> Json:
        key = ("indication", code, "")
        if key not in self._concepts:
            name = self.indications.get(code, code)
            self._concepts[key] = concept(name, coding(c.system("indication"), code, name))
        return self._concepts[key]

    def effect_type(self, code: str) -> Json:
        key = ("effect", code, "")
        if key not in self._concepts:
            name = self.effect_types.get(code, code)
            self._concepts[key] = concept(name, coding(c.system("side-effect-type"), code, name))
        return self._concepts[key]

    def body_site(self, region_code: str, side: str) -> Json:
        """A treated region, with its side as a SNOMED CT laterality qualifier when sided."""
        key = ("site", region_code, side)
        if key not in self._concepts:
            self._concepts[key] = self._body_site(region_code, side)
        return self._concepts[key]

    def _body_site(self, region_code: str, side: str) -> Json:
        region = self.regions.get(region_code, Region(region_code, False))
        lateral = c.LATERALITY.get(side) if region.sided else None
        site = concept(
            f"{region.name}, {side}" if lateral else region.name,
            coding(c.system("region"), region_code, region.name),
        )
        if lateral:
            code, display = lateral
            laterality = concept(display, coding(c.SNOMED, code, display))
            site["extension"] = [
                {"url": c.LATERALITY_EXTENSION, "valueCodeableConcept": laterality}
            ]
        return site

    def metric(self, code: str) -> tuple[Record, Json]:
        """The metric and its code: LOINC where it has one, and always mesodesk's."""
        if code not in self._metrics:
            metric = self.metrics[code]
            codings = [coding(c.system("metric"), metric.code, metric.name)]
            if metric.loinc:
                codings.insert(0, coding(c.LOINC, metric.loinc, metric.name))
            self._metrics[code] = (metric, concept(metric.name, *codings))
        return self._metrics[code]


def _coded(system: str, code: str, display: str) -> Json:
    return concept(display, coding(system, code, display))


PROCEDURE = _coded(c.system("procedure"), *c.PROCEDURE_CODE)
CATEGORY = {
    name: _coded(c.OBSERVATION_CATEGORY, name, display)
    for name, display in (("vital-signs", "Vital Signs"), ("exam", "Exam"), ("survey", "Survey"))
}
SERIOUSNESS = {
    True: _coded(c.AE_SERIOUSNESS, "serious", "Serious"),
    False: _coded(c.AE_SERIOUSNESS, "non-serious", "Non-serious"),
}
AE_SEVERITY = {code: _coded(c.AE_SEVERITY, code, shown) for code, shown in c.SEVERITY.items()}
AE_OUTCOME = {
    True: _coded(c.AE_OUTCOME, "resolved", "Resolved"),
    False: _coded(c.AE_OUTCOME, "ongoing", "Ongoing"),
}
CLINICAL_STATUS = {
    True: _coded(c.CONDITION_CLINICAL, "resolved", "Resolved"),
    False: _coded(c.CONDITION_CLINICAL, "active", "Active"),
}
CONFIRMED = _coded(c.CONDITION_VERIFICATION, "confirmed", "Confirmed")
CONDITION_SEVERITY = {
    name: _coded(c.SNOMED, code, shown) for name, (code, shown) in c.CONDITION_SEVERITY.items()
}


def patient(row: Record) -> Json:
    telecom = [
        {"system": kind, "value": value}
        for kind, value in (("phone", row.phone), ("email", row.email))
        if value
    ]
    return obj(
        resourceType="Patient",
        identifier=[{"use": "usual", "system": c.FILE_NUMBER, "value": row.file_number}],
        active=not row.archived,
        name=[
            {
                "use": "official",
                "text": f"{row.given_names} {row.family_name}",
                "family": row.family_name,
                "given": [row.given_names],
            }
        ],
        telecom=telecom,
        gender=c.GENDER.get(row.sex, "unknown"),
        birthDate=row.date_of_birth.isoformat(),
        address=items(obj(text=row.address)),
    )


def practitioner(row: Record) -> Json:
    registration = obj(type={"text": "Registration number"}, value=row.registration_number)
    return obj(
        resourceType="Practitioner",
        identifier=[registration] if row.registration_number else None,
        active=row.active,
        name=[obj(text=f"{row.title} {row.name}".strip(), prefix=items(row.title))],
    )


def medication(lot: Record, product: Record, ingredients: list[Record]) -> Json:
    """A lot on the shelf: the product, its ingredients and strengths, lot number and expiry."""
    return obj(
        resourceType="Medication",
        code={"text": product.name},
        form=obj(text=product.form),
        ingredient=[_ingredient(row) for row in ingredients],
        batch={"lotNumber": lot.lot_number, "expirationDate": lot.expiry_date.isoformat()},
    )


def _ingredient(row: Record) -> Json:
    item = concept(row.name, coding(c.system("ingredient"), row.name_key, row.name))
    strength = None
    if row.concentration:
        if row.unit == "%":
            numerator, denominator = quantity(row.concentration, "%"), quantity(1, "1")
        else:
            numerator, denominator = quantity(row.concentration, "mg"), quantity(1, "mL")
        strength = {"numerator": numerator, "denominator": denominator}
    return obj(itemCodeableConcept=item, isActive=True, strength=strength)


def care_plan(row: Record, cat: Catalogues) -> Json:
    """A course: the planned series of sessions (count, interval), then maintenance."""
    indication = cat.indication(row.indication_code)
    areas = [cat.body_site(code, "")["text"] for code in row.target_areas.split(",") if code]
    repeat = {
        "count": row.planned_sessions,
        "frequency": 1,
        "period": row.interval_days,
        "periodUnit": "d",
    }
    activities = [
        {
            "detail": obj(
                code=PROCEDURE,
                reasonCode=[indication],
                status=c.COURSE_ACTIVITY_STATUS[row.status],
                scheduledTiming={"repeat": repeat},
                description=f"Target areas: {', '.join(areas)}" if areas else None,
            )
        }
    ]
    if row.maintenance_interval_days:
        every = {"frequency": 1, "period": row.maintenance_interval_days, "periodUnit": "d"}
        activities.append(
            {
                "detail": {
                    "code": PROCEDURE,
                    "reasonCode": [indication],
                    "status": c.MAINTENANCE_ACTIVITY_STATUS[row.status],
                    "scheduledTiming": {"repeat": every},
                    "description": "Maintenance sessions",
                }
            }
        )
    return obj(
        resourceType="CarePlan",
        status=c.CARE_PLAN_STATUS[row.status],
        intent="plan",
        title=f"{indication['text']} course",
        description=row.goal,
        subject=reference("Patient", "patient", row.patient_id),
        period={"start": row.start_date.isoformat()},
        created=utc_time(row.created_at),
        activity=activities,
        note=notes(row.status_reason),
    )


def procedure(
    row: Record, patient_id: int, indication: str, areas: list[Record], cat: Catalogues
) -> Json:
    """A session, with a body site per treated area (voided areas left out)."""
    kept = [area for area in areas if not area.voided]
    device = c.DEVICE.get(row.device, row.device)
    if row.device_model:
        device = f"{device} {row.device_model}"
    return obj(
        resourceType="Procedure",
        status="entered-in-error" if row.voided else "completed",
        statusReason=obj(text=row.void_reason) if row.voided else None,
        code=PROCEDURE,
        subject=reference("Patient", "patient", patient_id),
        basedOn=[reference("CarePlan", "course", row.course_id)],
        performedDateTime=local_time(row.started_at),
        performer=[{"actor": reference("Practitioner", "practitioner", row.practitioner_id)}],
        reasonCode=[cat.indication(indication)],
        bodySite=[cat.body_site(area.region_code, area.side) for area in kept],
        usedCode=[concept(device, coding(c.system("device"), row.device))],
        note=notes(_summary(row), *_area_notes(kept, cat), row.notes),
    )


def _summary(row: Record) -> str:
    parts = [f"Session {row.number}" + (" (maintenance)" if row.maintenance else "")]
    if row.duration_min:
        parts.append(f"{row.duration_min} min")
    if row.device_settings:
        parts.append(f"device settings: {row.device_settings}")
    parts.append(f"anaesthesia: {c.ANAESTHESIA.get(row.anaesthesia, row.anaesthesia).lower()}")
    if row.pain_vas is not None:
        parts.append(f"pain during the session (VAS 0–10): {row.pain_vas}")
    if row.aftercare_given:
        sheet = f"{row.aftercare_code or 'standard'} v{row.aftercare_version or '?'}"
        parts.append(f"aftercare sheet given: {sheet}")
    if row.override_reason:
        parts.append(f"blocking rule overridden: {row.override_reason}")
    return "; ".join(parts)


def _area_notes(areas: list[Record], cat: Catalogues) -> list[str]:
    """How each area was treated, in words: FHIR R4 has no element for needle or depth."""
    return [
        _area_note(
            cat.body_site(area.region_code, area.side)["text"],
            cat.techniques.get(area.technique_code, area.technique_code),
            area.needle_gauge,
            area.needle_length_mm,
            area.depth_mm,
            area.points,
            area.volume_ml,
        )
        for area in areas
    ]


@functools.lru_cache(maxsize=4096)
def _area_note(
    site: str,
    technique: str,
    gauge: int | None,
    length: float | None,
    depth: float | None,
    points: int | None,
    volume: float,
) -> str:
    """'Outer thigh, left: Nappage, needle 30 G 4 mm, depth 2 mm, 60 points, 2 mL'.

    Cached: a course repeats the same areas session after session.
    """
    parts = [technique]
    needle = [f"{gauge} G" if gauge else "", f"{length:g} mm" if length else ""]
    if any(needle):
        parts.append("needle " + " ".join(part for part in needle if part))
    if depth:
        parts.append(f"depth {depth:g} mm")
    if points:
        parts.append(f"{points} points")
    parts.append(f"{volume:g} mL")
    return f"{site}: {', '.join(parts)}"


def administration(line: Record, session: Record, patient_id: int) -> Json:
    """A cocktail line: this lot, this volume, given during this session."""
    voided = line.voided or session.voided
    reason = line.void_reason if line.voided else session.void_reason
    return obj(
        resourceType="MedicationAdministration",
        status="entered-in-error" if voided else "completed",
        statusReason=items(obj(text=reason)) if voided else None,
        medicationReference=reference("Medication", "lot", line.lot_id),
        subject=reference("Patient", "patient", patient_id),
        partOf=[reference("Procedure", "treatment_session", session.id)],
        effectiveDateTime=local_time(session.started_at),
        performer=[{"actor": reference("Practitioner", "practitioner", session.practitioner_id)}],
        dosage=obj(text=line.dilution, dose=quantity(line.volume_ml, "mL")),
    )


def observation(row: Record, cat: Catalogues) -> Json:
    """A measurement, in the metric's UCUM unit, coded with LOINC where the metric has a code."""
    metric, code = cat.metric(row.metric_code)
    if metric.loinc in c.VITAL_SIGNS:
        category = CATEGORY["vital-signs"]
    elif row.rater == "patient":
        category = CATEGORY["survey"]
    else:
        category = CATEGORY["exam"]
    by_patient = row.rater == "patient"
    return obj(
        resourceType="Observation",
        status="entered-in-error" if row.voided else "final",
        basedOn=[reference("CarePlan", "course", row.course_id)] if row.course_id else None,
        partOf=(
            [reference("Procedure", "treatment_session", row.session_id)]
            if row.session_id
            else None
        ),
        category=[category],
        code=code,
        subject=reference("Patient", "patient", row.patient_id),
        effectiveDateTime=row.measured_on.isoformat(),
        issued=utc_time(row.recorded_at),
        performer=[reference("Patient", "patient", row.patient_id)] if by_patient else None,
        valueQuantity=quantity(row.value, metric.ucum, metric.unit),
        bodySite=obj(text=row.site),
        note=notes(row.notes),
    )


def adverse_event(row: Record, patient_id: int, cat: Catalogues) -> Json:
    """A side effect: what, when, how bad, whether resolved, and what is suspected."""
    suspects = [{"instance": reference("Procedure", "treatment_session", row.session_id)}]
    if row.suspected_lot_id is not None:
        suspects.insert(0, {"instance": reference("Medication", "lot", row.suspected_lot_id)})
    return obj(
        resourceType="AdverseEvent",
        actuality="actual",
        event=cat.effect_type(row.type_code),
        subject=reference("Patient", "patient", patient_id),
        date=row.onset_on.isoformat(),
        recordedDate=utc_time(row.recorded_at),
        resultingCondition=[reference("Condition", "side_effect/condition", row.id)],
        seriousness=SERIOUSNESS[bool(row.serious)],
        severity=AE_SEVERITY[row.severity],
        outcome=AE_OUTCOME[row.resolved_on is not None],
        suspectEntity=suspects,
    )


def side_effect_condition(
    row: Record, patient_id: int, area: Record | None, cat: Catalogues
) -> Json:
    """What the side effect left on the patient: where, from when until when, what was done."""
    regulator = ""
    if row.reported_to_regulator:
        on = f" on {row.reported_on.isoformat()}" if row.reported_on else ""
        regulator = f"Reported to the regulator{on}."
    return obj(
        resourceType="Condition",
        clinicalStatus=CLINICAL_STATUS[row.resolved_on is not None],
        verificationStatus=CONFIRMED,
        severity=CONDITION_SEVERITY[row.severity],
        code=cat.effect_type(row.type_code),
        bodySite=[cat.body_site(area.region_code, area.side)] if area is not None else None,
        subject=reference("Patient", "patient", patient_id),
        onsetDateTime=row.onset_on.isoformat(),
        abatementDateTime=row.resolved_on.isoformat() if row.resolved_on else None,
        recordedDate=utc_time(row.recorded_at),
        note=notes(
            f"Action taken: {row.action_taken}" if row.action_taken else "", row.notes, regulator
        ),
    )
