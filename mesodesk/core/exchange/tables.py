"""The tables of the CSV and XLSX exports: their columns, and what each row shows.

One :class:`Table` per kind of record (patients, screenings, consents, courses, sessions,
areas, cocktail lines, side effects, measurements) holds every row, voided ones included
and flagged: nothing is hidden. ``session_history`` flattens each session that stands
(not voided) into one row for spreadsheet users. ``docs/formats/tables.md`` documents
every column.

Each column names the database value it shows and, for a code's words or a lot's
product, the lookup that turns it into them. Rows are read a chunk of patients at a time
from one snapshot of the record, as plain tuples (no ORM objects kept), so memory stays
flat however large the practice is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from mesodesk.core.enums import Device, Side
from mesodesk.core.models import (
    CocktailLine,
    Consent,
    Course,
    Ingredient,
    Measurement,
    Patient,
    Screening,
    ScreeningAllergy,
    SideEffect,
    TreatedArea,
    TreatmentSession,
)

CHUNK = 250
"""Patients read per query: few enough for flat memory, enough to keep queries few."""


class Kind(Enum):
    """How a column's cells are written: as text, a number, a date or yes/no."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


TEXT, INTEGER, NUMBER = Kind.TEXT, Kind.INTEGER, Kind.NUMBER
DATE, DATETIME, BOOLEAN = Kind.DATE, Kind.DATETIME, Kind.BOOLEAN

Cell = str | int | float | bool | dt.date | dt.datetime | None
Row = Sequence[Cell]


class Words(dict[Any, Any]):
    """Words (or values) by code or id. A code that is not there shows as itself, so a
    value the catalogue lost is still exported, and nothing (None) stays nothing."""

    def __missing__(self, key: Any) -> Any:
        return key


@dataclass(frozen=True, slots=True)
class Names:
    """Catalogue and shelf words by code or id, read once per export (they are small).

    ``words`` holds one :class:`Words` per kind of value: ``region``, ``technique``,
    ``indication``, ``side_effect_type``, ``practitioner`` (by id), ``lot.product``,
    ``lot.lot_number``… (by lot id), ``metric.name``, ``metric.unit``… (by code).
    """

    words: dict[str, Words]

    def region_list(self, codes: str) -> str:
        """The names of comma-separated region codes, joined by "; "."""
        regions = self.words["region"]
        return "; ".join(regions[code] for code in codes.split(",") if code)

    def area(self, region_code: str, side: str) -> str:
        """The region's name and, when it has one, its side: "Outer thigh (left)"."""
        name = self.words["region"][region_code]
        return f"{name} ({side})" if side in _SIDED else name


_SIDED = (Side.LEFT.value, Side.RIGHT.value, Side.BOTH.value)
_DEVICE_NAMES = {device.value: device.label for device in Device}

Lookup = Callable[[Names], Callable[[Any], Cell]]
"""Given the export's names, the function that turns a database value into its cell."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header and kind; for a table, the value it shows and how.

    ``value`` is the database expression read; ``lookup``, when given, makes the function
    that turns that value into the cell (a code into its words, a lot id into its product).
    """

    name: str
    kind: Kind
    value: Any = None
    lookup: Lookup | None = None


RowSource = Callable[[Session, Names, Sequence[int]], Iterator[Row]]


@dataclass(frozen=True, slots=True)
class Table:
    """One exported table: a CSV file of the zip, a sheet of the workbook."""

    name: str
    columns: tuple[Column, ...]
    rows: RowSource

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]


AnySelect = Select[*tuple[Any, ...]]
Scope = Callable[[AnySelect, Sequence[int]], AnySelect]


def _selected_rows(columns: tuple[Column, ...], scope: Scope) -> RowSource:
    """Rows of one select of the columns' values, narrowed and ordered by ``scope``."""
    lookups = [(i, c.lookup) for i, c in enumerate(columns) if c.lookup is not None]

    def rows(session: Session, names: Names, ids: Sequence[int]) -> Iterator[Row]:
        bound = [(i, lookup(names)) for i, lookup in lookups]
        # Plain column rows need none of the ORM's loading: run the select on the
        # connection, and fetch the chunk's rows at once (a few thousand at most).
        statement = scope(select(*(c.value for c in columns)), ids)
        found = session.connection().execute(statement).all()
        if not bound:
            yield from found
            return
        for row in found:
            cells = list(row)
            for i, convert in bound:
                cells[i] = convert(cells[i])
            yield cells

    return rows


def _table(name: str, scope: Scope, *spec: Column) -> Table:
    return Table(name, spec, _selected_rows(spec, scope))


def _voided(model: Any) -> tuple[Column, ...]:
    return (
        Column("voided", BOOLEAN, model.voided),
        Column("void_reason", TEXT, model.void_reason),
        Column("voided_at", DATETIME, model.voided_at),
    )


# Lookups: each makes, for the export's names, the function from a value to its cell.


def _words(kind: str) -> Lookup:
    """The value's words of that kind (``region``, ``lot.product``…)."""
    return lambda names: names.words[kind].__getitem__


def _plain(convert: Callable[[Any], Cell]) -> Lookup:
    """A conversion that needs no names."""
    return lambda _names: convert


def _region_list(names: Names) -> Callable[[Any], Cell]:
    return names.region_list


def _codes(codes: str) -> str:
    return codes.replace(",", "; ")


def _findings(findings_json: str) -> str:
    """The stored rule findings as "level: message" sentences joined by "; "."""
    items = json.loads(findings_json or "[]")
    return "; ".join(f"{item['level']}: {item['message']}" for item in items)


def _point_count(points_json: str) -> int:
    return 0 if points_json in ("", "[]") else len(json.loads(points_json))


def _day(moment: dt.datetime) -> dt.date:
    return moment.date()


def _device_name(code: str) -> str:
    return _DEVICE_NAMES.get(code, code)


# --- scopes: the chosen patients' rows, in file-number then date order ----------------


def _by_patient(model: Any, *order: Any) -> Scope:
    def scope(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
        return (
            statement.select_from(model)
            .join(Patient, Patient.id == model.patient_id)
            .where(model.patient_id.in_(ids))
            .order_by(Patient.file_number, *order)
        )

    return scope


def _by_session(model: Any, *order: Any) -> Scope:
    """Rows of a session (its areas, lines, side effects) reach the patient through it."""

    def scope(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
        return (
            statement.select_from(model)
            .join(TreatmentSession, TreatmentSession.id == model.session_id)
            .join(Course, Course.id == TreatmentSession.course_id)
            .join(Patient, Patient.id == Course.patient_id)
            .where(Course.patient_id.in_(ids))
            .order_by(Patient.file_number, *order)
        )

    return scope


def _of_sessions(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
    t = TreatmentSession
    return (
        statement.select_from(t)
        .join(Course, Course.id == t.course_id)
        .join(Patient, Patient.id == Course.patient_id)
        .where(Course.patient_id.in_(ids))
        .order_by(Patient.file_number, t.started_at, t.id)
    )


# --- the tables ------------------------------------------------------------------------


def _patients_scope(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
    return statement.where(Patient.id.in_(ids)).order_by(Patient.file_number)


P, S, C, T = Patient, Screening, Course, TreatmentSession
A, L, E, M = TreatedArea, CocktailLine, SideEffect, Measurement

PATIENTS = _table(
    "patients",
    _patients_scope,
    Column("patient_id", INTEGER, P.id),
    Column("file_number", TEXT, P.file_number),
    Column("family_name", TEXT, P.family_name),
    Column("given_names", TEXT, P.given_names),
    Column("date_of_birth", DATE, P.date_of_birth),
    Column("sex", TEXT, P.sex),
    Column("phone", TEXT, P.phone),
    Column("email", TEXT, P.email),
    Column("address", TEXT, P.address),
    Column("notes", TEXT, P.notes),
    Column("archived", BOOLEAN, P.archived),
    Column("created_at_utc", DATETIME, P.created_at),
)

SCREENING_FLAGS = (
    "pregnant",
    "breastfeeding",
    "anticoagulant_or_bleeding_disorder",
    "active_infection_or_lesion",
    "diabetes",
    "cancer",
    "heart_disease",
    "severe_hypertension",
    "kidney_failure",
    "gallstones",
    "pacemaker",
    "cortisone_therapy",
    "keloid_history",
    "autoimmune_disease",
)

_LINKED_ALLERGIES = (
    select(func.aggregate_strings(Ingredient.name, "; "))
    .join(ScreeningAllergy, ScreeningAllergy.ingredient_id == Ingredient.id)
    .where(ScreeningAllergy.screening_id == Screening.id)
    .scalar_subquery()
)

SCREENINGS = _table(
    "screenings",
    _by_patient(S, S.screened_on, S.id),
    Column("screening_id", INTEGER, S.id),
    Column("patient_id", INTEGER, S.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("screened_on", DATE, S.screened_on),
    Column("practitioner", TEXT, S.practitioner_id, _words("practitioner")),
    *(Column(flag, BOOLEAN, getattr(S, flag)) for flag in SCREENING_FLAGS),
    Column("allergies", TEXT, S.allergies),
    Column("allergy_ingredients", TEXT, func.coalesce(_LINKED_ALLERGIES, "")),
    Column("medication", TEXT, S.medication),
    Column("lesion_region_codes", TEXT, S.lesion_regions, _plain(_codes)),
    Column("lesion_region_names", TEXT, S.lesion_regions, _region_list),
    Column("notes", TEXT, S.notes),
    Column("recorded_at_utc", DATETIME, S.recorded_at),
)

CONSENTS = _table(
    "consents",
    _by_patient(Consent, Consent.signed_on, Consent.id),
    Column("consent_id", INTEGER, Consent.id),
    Column("patient_id", INTEGER, Consent.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("kind", TEXT, Consent.kind),
    Column("text_version", TEXT, Consent.text_version),
    Column("signed_on", DATE, Consent.signed_on),
    Column("withdrawn_on", DATE, Consent.withdrawn_on),
    *_voided(Consent),
)

COURSES = _table(
    "courses",
    _by_patient(C, C.start_date, C.id),
    Column("course_id", INTEGER, C.id),
    Column("patient_id", INTEGER, C.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("indication_code", TEXT, C.indication_code),
    Column("indication_name", TEXT, C.indication_code, _words("indication")),
    Column("target_area_codes", TEXT, C.target_areas, _plain(_codes)),
    Column("target_area_names", TEXT, C.target_areas, _region_list),
    Column("planned_sessions", INTEGER, C.planned_sessions),
    Column("interval_days", INTEGER, C.interval_days),
    Column("maintenance_interval_days", INTEGER, C.maintenance_interval_days),
    Column("start_date", DATE, C.start_date),
    Column("status", TEXT, C.status),
    Column("status_reason", TEXT, C.status_reason),
    Column("goal", TEXT, C.goal),
    Column("created_at_utc", DATETIME, C.created_at),
)

SESSIONS = _table(
    "sessions",
    _of_sessions,
    Column("session_id", INTEGER, T.id),
    Column("course_id", INTEGER, T.course_id),
    Column("patient_id", INTEGER, C.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("session_number", INTEGER, T.number),
    Column("maintenance", BOOLEAN, T.maintenance),
    Column("started_at", DATETIME, T.started_at),
    Column("duration_min", INTEGER, T.duration_min),
    Column("practitioner_id", INTEGER, T.practitioner_id),
    Column("practitioner", TEXT, T.practitioner_id, _words("practitioner")),
    Column("device", TEXT, T.device),
    Column("device_name", TEXT, T.device, _plain(_device_name)),
    Column("device_model", TEXT, T.device_model),
    Column("device_settings", TEXT, T.device_settings),
    Column("anaesthesia", TEXT, T.anaesthesia),
    Column("screening_id", INTEGER, T.screening_id),
    Column("rule_findings", TEXT, T.findings_json, _plain(_findings)),
    Column("override_reason", TEXT, T.override_reason),
    Column("aftercare_given", BOOLEAN, T.aftercare_given),
    Column("aftercare_code", TEXT, T.aftercare_code),
    Column("aftercare_version", TEXT, T.aftercare_version),
    Column("pain_vas", INTEGER, T.pain_vas),
    Column("next_due_date", DATE, T.next_due_date),
    Column("notes", TEXT, T.notes),
    Column("recorded_at_utc", DATETIME, T.recorded_at),
    *_voided(T),
)

AREAS = _table(
    "areas",
    _by_session(A, T.started_at, A.session_id, A.position),
    Column("area_id", INTEGER, A.id),
    Column("session_id", INTEGER, A.session_id),
    Column("patient_id", INTEGER, C.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("position", INTEGER, A.position),
    Column("region_code", TEXT, A.region_code),
    Column("region_name", TEXT, A.region_code, _words("region")),
    Column("side", TEXT, A.side),
    Column("technique_code", TEXT, A.technique_code),
    Column("technique_name", TEXT, A.technique_code, _words("technique")),
    Column("needle_gauge_g", INTEGER, A.needle_gauge),
    Column("needle_length_mm", NUMBER, A.needle_length_mm),
    Column("depth_mm", NUMBER, A.depth_mm),
    Column("points", INTEGER, A.points),
    Column("volume_ml", NUMBER, A.volume_ml),
    Column("map_point_count", INTEGER, A.map_points_json, _plain(_point_count)),
    Column("map_points", TEXT, A.map_points_json),
    *_voided(A),
)

COCKTAIL_LINES = _table(
    "cocktail_lines",
    _by_session(L, T.started_at, L.session_id, L.position),
    Column("line_id", INTEGER, L.id),
    Column("session_id", INTEGER, L.session_id),
    Column("patient_id", INTEGER, C.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("position", INTEGER, L.position),
    Column("product_id", INTEGER, L.lot_id, _words("lot.product_id")),
    Column("product", TEXT, L.lot_id, _words("lot.product")),
    Column("ingredients", TEXT, L.lot_id, _words("lot.ingredients")),
    Column("lot_id", INTEGER, L.lot_id),
    Column("lot_number", TEXT, L.lot_id, _words("lot.lot_number")),
    Column("expiry_date", DATE, L.lot_id, _words("lot.expiry_date")),
    Column("volume_ml", NUMBER, L.volume_ml),
    Column("dilution", TEXT, L.dilution),
    *_voided(L),
)

_EFFECT_AREA = aliased(TreatedArea, name="effect_area")


def _side_effects_scope(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
    # The side effect's own area (optional), apart from the session's areas.
    by_session = _by_session(E, E.onset_on, E.id)
    return by_session(statement, ids).outerjoin(_EFFECT_AREA, _EFFECT_AREA.id == E.area_id)


SIDE_EFFECTS = _table(
    "side_effects",
    _side_effects_scope,
    Column("side_effect_id", INTEGER, E.id),
    Column("session_id", INTEGER, E.session_id),
    Column("patient_id", INTEGER, C.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("session_date", DATE, T.started_at, _plain(_day)),
    Column("type_code", TEXT, E.type_code),
    Column("type_name", TEXT, E.type_code, _words("side_effect_type")),
    Column("severity", TEXT, E.severity),
    Column("serious", BOOLEAN, E.serious),
    Column("onset_on", DATE, E.onset_on),
    Column("resolved_on", DATE, E.resolved_on),
    Column("area_id", INTEGER, E.area_id),
    Column("area_region_code", TEXT, _EFFECT_AREA.region_code),
    Column("area_region_name", TEXT, _EFFECT_AREA.region_code, _words("region")),
    Column("area_side", TEXT, _EFFECT_AREA.side),
    Column("suspected_lot_id", INTEGER, E.suspected_lot_id),
    Column("suspected_product", TEXT, E.suspected_lot_id, _words("lot.product")),
    Column("suspected_lot_number", TEXT, E.suspected_lot_id, _words("lot.lot_number")),
    Column("action_taken", TEXT, E.action_taken),
    Column("reported_to_regulator", BOOLEAN, E.reported_to_regulator),
    Column("reported_on", DATE, E.reported_on),
    Column("notes", TEXT, E.notes),
    Column("recorded_at_utc", DATETIME, E.recorded_at),
    *_voided(E),
)

MEASUREMENTS = _table(
    "measurements",
    _by_patient(M, M.measured_on, M.metric_code, M.site, M.id),
    Column("measurement_id", INTEGER, M.id),
    Column("patient_id", INTEGER, M.patient_id),
    Column("file_number", TEXT, P.file_number),
    Column("course_id", INTEGER, M.course_id),
    Column("session_id", INTEGER, M.session_id),
    Column("measured_on", DATE, M.measured_on),
    Column("metric_code", TEXT, M.metric_code),
    Column("metric_name", TEXT, M.metric_code, _words("metric.name")),
    Column("site", TEXT, M.site),
    Column("value", NUMBER, M.value),
    Column("unit", TEXT, M.metric_code, _words("metric.unit")),
    Column("ucum_unit", TEXT, M.metric_code, _words("metric.ucum")),
    Column("computed", BOOLEAN, M.metric_code, _words("metric.computed")),
    Column("rater", TEXT, M.rater),
    Column("notes", TEXT, M.notes),
    Column("recorded_at_utc", DATETIME, M.recorded_at),
    *_voided(M),
)
