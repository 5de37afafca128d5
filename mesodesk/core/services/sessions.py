"""Sessions: the clinical rules, recording a whole session at once, amending, voiding."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mesodesk.core.db import Database
from mesodesk.core.enums import Anaesthesia, ConsentKind, CourseStatus, Device, FindingLevel, Side
from mesodesk.core.errors import BlockedByRulesError, ValidationError
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Lot,
    NeedleGauge,
    NeedleLength,
    Patient,
    Practitioner,
    Product,
    ProductIngredient,
    Region,
    Screening,
    SideEffect,
    Technique,
    TreatedArea,
    TreatmentSession,
)
from mesodesk.core.rules import (
    AreaFacts,
    Finding,
    LineFacts,
    ProductFacts,
    SessionFacts,
    evaluate_session,
)
from mesodesk.core.rules.context import IngredientFacts
from mesodesk.core.services import _validate as v
from mesodesk.core.services.courses import OPEN_STATUSES
from mesodesk.core.services.measurements import MeasurementData, add_measurements
from mesodesk.core.services.screening import has_consent, screening_facts
from mesodesk.core.services.side_effects import SideEffectData, apply_side_effect

MAX_LINES = 20
MAX_AREAS = 40


@dataclass(frozen=True, slots=True)
class CocktailLineData:
    lot_id: int
    volume_ml: float
    dilution: str = ""


@dataclass(frozen=True, slots=True)
class AreaData:
    region_code: str
    side: Side
    technique_code: str
    volume_ml: float
    needle_gauge: int | None = None
    needle_length_mm: float | None = None
    depth_mm: float | None = None
    points: int | None = None
    map_points: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class SessionData:
    """Everything typed in the session editor, saved in one go."""

    course_id: int
    started_at: dt.datetime
    practitioner_id: int
    cocktail: tuple[CocktailLineData, ...] = ()
    areas: tuple[AreaData, ...] = ()
    duration_min: int | None = None
    device: Device = Device.MANUAL_NEEDLE
    device_model: str = ""
    device_settings: str = ""
    anaesthesia: Anaesthesia = Anaesthesia.NONE
    measurements: tuple[MeasurementData, ...] = ()
    side_effects: tuple[SideEffectData, ...] = ()
    aftercare_given: bool = False
    aftercare_code: str | None = None
    aftercare_version: str | None = None
    pain_vas: int | None = None
    notes: str = ""
    next_due_date: dt.date | None = None
    maintenance: bool | None = None
    override_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSaved:
    id: int
    number: int
    findings: tuple[Finding, ...]
    next_due_date: dt.date | None
    course_status: CourseStatus


@dataclass(frozen=True, slots=True)
class SessionDefaults:
    """What a new session of a course starts from: the previous session's protocol."""

    number: int
    maintenance: bool
    practitioner_id: int | None
    device: Device = Device.MANUAL_NEEDLE
    device_model: str = ""
    device_settings: str = ""
    anaesthesia: Anaesthesia = Anaesthesia.NONE
    cocktail: tuple[CocktailLineData, ...] = ()
    areas: tuple[AreaData, ...] = ()
    replaced_lots: tuple[str, ...] = field(default=())


# --- gathering what the rules need ------------------------------------------------


def _lots(session: Session, lot_ids: set[int]) -> dict[int, Lot]:
    if not lot_ids:
        return {}
    rows = session.scalars(
        select(Lot)
        .options(
            selectinload(Lot.product)
            .selectinload(Product.ingredients)
            .selectinload(ProductIngredient.ingredient)
        )
        .where(Lot.id.in_(lot_ids))
    )
    return {lot.id: lot for lot in rows}


def product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        name=product.name,
        ingredients=tuple(
            IngredientFacts(
                name=line.ingredient.name,
                key=line.ingredient.name_key,
                aliases=tuple(a for a in line.ingredient.aliases.split(",") if a),
            )
            for line in product.ingredients
        ),
        max_ml_per_point=product.max_ml_per_point,
        max_ml_per_sitting=product.max_ml_per_sitting,
        min_days_between=product.min_days_between,
    )


def _screening_on(session: Session, patient_id: int, day: dt.date) -> Screening | None:
    return session.scalars(
        select(Screening)
        .where(Screening.patient_id == patient_id, Screening.screened_on <= day)
        .order_by(Screening.screened_on.desc(), Screening.id.desc())
        .limit(1)
    ).first()


def _previous_sessions(
    session: Session, course: Course, before: dt.datetime, exclude: int | None
) -> list[TreatmentSession]:
    statement = select(TreatmentSession).where(
        TreatmentSession.course_id == course.id,
        TreatmentSession.voided.is_(False),
        TreatmentSession.started_at < before,
    )
    if exclude is not None:
        statement = statement.where(TreatmentSession.id != exclude)
    return list(session.scalars(statement.order_by(TreatmentSession.started_at.desc())))


def _product_last_used(
    session: Session,
    patient_id: int,
    before: dt.datetime,
    product_ids: set[int],
    exclude: int | None,
) -> dict[str, dt.date]:
    if not product_ids:
        return {}
    earlier = (
        select(TreatmentSession.id)
        .join(Course, Course.id == TreatmentSession.course_id)
        .where(
            Course.patient_id == patient_id,
            TreatmentSession.voided.is_(False),
            TreatmentSession.started_at < before,
        )
    )
    if exclude is not None:
        earlier = earlier.where(TreatmentSession.id != exclude)
    # From the patient's few sessions to their lines. "+ 0" keeps SQLite from starting
    # at the products instead, which reads every line of every lot of them.
    statement = (
        select(Product.name, func.max(TreatmentSession.started_at))
        .select_from(CocktailLine)
        .join(TreatmentSession, TreatmentSession.id == CocktailLine.session_id)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .join(Product, Product.id == Lot.product_id)
        .where(
            CocktailLine.session_id.in_(earlier),
            CocktailLine.voided.is_(False),
            (Lot.product_id + 0).in_(product_ids),
        )
        .group_by(Product.name)
    )
    return {name: when.date() for name, when in session.execute(statement)}


def _facts(
    session: Session, data: SessionData, course: Course, patient: Patient, exclude: int | None
) -> SessionFacts:
    day = data.started_at.date()
    lots = _lots(session, {line.lot_id for line in data.cocktail})
    regions = {r.code: r.name for r in session.scalars(select(Region))}
    previous = _previous_sessions(session, course, data.started_at, exclude)
    return SessionFacts(
        session_date=day,
        date_of_birth=patient.date_of_birth,
        screening=screening_facts(session, _screening_on(session, patient.id, day)),
        lines=tuple(
            LineFacts(
                lot_number=lots[line.lot_id].lot_number,
                expiry_date=lots[line.lot_id].expiry_date,
                product=product_facts(lots[line.lot_id].product),
                volume_ml=line.volume_ml,
            )
            for line in data.cocktail
            if line.lot_id in lots
        ),
        areas=tuple(
            AreaFacts(
                a.region_code,
                regions.get(a.region_code, a.region_code),
                str(a.side),
                a.volume_ml,
                a.points,
            )
            for a in data.areas
        ),
        treatment_consent_signed=has_consent(session, patient.id, ConsentKind.TREATMENT, day),
        previous_session_date=previous[0].started_at.date() if previous else None,
        course_interval_days=(
            course.maintenance_interval_days
            if course.status == CourseStatus.MAINTENANCE.value and course.maintenance_interval_days
            else course.interval_days
        ),
        course_start_date=course.start_date,
        product_last_used=_product_last_used(
            session,
            patient.id,
            data.started_at,
            {lot.product_id for lot in lots.values()},
            exclude,
        ),
    )


# --- validation -------------------------------------------------------------------


def _check_lines(session: Session, data: SessionData) -> None:
    if not data.cocktail:
        raise ValidationError("Cocktail", "add at least one product lot")
    if len(data.cocktail) > MAX_LINES:
        raise ValidationError("Cocktail", f"has more than {MAX_LINES} lines")
    for index, line in enumerate(data.cocktail, start=1):
        if session.get(Lot, line.lot_id) is None:
            raise ValidationError(f"Cocktail line {index}", "the lot is not in the catalogue")
        v.number(
            f"Cocktail line {index} volume",
            line.volume_ml,
            minimum=0,
            exclusive_minimum=True,
            maximum=100,
            unit="mL",
        )
        v.text(f"Cocktail line {index} dilution", line.dilution, max_length=120)


def _check_areas(session: Session, data: SessionData) -> None:
    if not data.areas:
        raise ValidationError("Treated areas", "add at least one treated area")
    if len(data.areas) > MAX_AREAS:
        raise ValidationError("Treated areas", f"has more than {MAX_AREAS} areas")
    gauges = set(session.scalars(select(NeedleGauge.gauge)))
    lengths = set(session.scalars(select(NeedleLength.length_mm)))
    for index, area in enumerate(data.areas, start=1):
        region = session.get(Region, area.region_code)
        label = f"Area {index}"
        if region is None:
            raise ValidationError(label, f"{area.region_code!r} is not a known region")
        label = f"Area {index} ({region.name})"
        side = v.choice(f"{label} side", area.side, Side)
        if region.sided and side == Side.MIDLINE:
            raise ValidationError(f"{label} side", "choose left, right or both")
        if not region.sided and side in (Side.LEFT, Side.RIGHT):
            raise ValidationError(f"{label} side", "this region is on the midline")
        if session.get(Technique, area.technique_code) is None:
            raise ValidationError(f"{label} technique", f"{area.technique_code!r} is not known")
        v.number(
            f"{label} volume",
            area.volume_ml,
            minimum=0,
            exclusive_minimum=True,
            maximum=100,
            unit="mL",
        )
        if area.needle_gauge is not None and area.needle_gauge not in gauges:
            raise ValidationError(
                f"{label} needle gauge", f"{area.needle_gauge} G is not in the list"
            )
        length = v.number(f"{label} needle length", area.needle_length_mm, required=False)
        if length is not None and length not in lengths:
            raise ValidationError(
                f"{label} needle length", f"{area.needle_length_mm:g} mm is not in the list"
            )
        v.number(
            f"{label} depth",
            area.depth_mm,
            minimum=0,
            exclusive_minimum=True,
            maximum=20,
            required=False,
            unit="mm",
        )
        v.integer(f"{label} points", area.points, minimum=1, maximum=5000, required=False)
        for x, y in area.map_points:
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValidationError(f"{label} map points", "must lie within the diagram")


def _check_scalars(session: Session, data: SessionData) -> None:
    practitioner = session.get(Practitioner, data.practitioner_id)
    if practitioner is None:
        raise ValidationError("Practitioner", "is required")
    if not isinstance(data.started_at, dt.datetime):
        raise ValidationError("Date and time", "must be a date and a time")
    if data.started_at.date() < dt.date(2000, 1, 1):
        raise ValidationError("Date and time", "is too far in the past")
    v.integer("Duration", data.duration_min, minimum=1, maximum=600, required=False)
    v.choice("Device", data.device, Device)
    v.choice("Anaesthesia", data.anaesthesia, Anaesthesia)
    v.text("Device model", data.device_model, max_length=120)
    v.text("Device settings", data.device_settings, max_length=300)
    v.integer("Pain during (VAS)", data.pain_vas, minimum=0, maximum=10, required=False)
    v.text("Notes", data.notes, max_length=10000)
    v.date(
        "Next due date",
        data.next_due_date,
        required=False,
        not_before=data.started_at.date() + dt.timedelta(days=1),
    )
    if data.aftercare_given and not data.aftercare_code:
        raise ValidationError("Aftercare sheet", "say which sheet was given")


def _load_course(session: Session, course_id: int) -> tuple[Course, Patient]:
    course = v.get(session, Course, course_id, "Course")
    return course, course.patient


def _judge(data: SessionData, findings: list[Finding]) -> str | None:
    blocks = [f for f in findings if f.level == FindingLevel.BLOCK]
    hard = [f.message for f in blocks if not f.overridable]
    if hard:
        raise BlockedByRulesError(hard, overridable=False)
    if not blocks:
        return data.override_reason.strip() if data.override_reason else None
    reason = (data.override_reason or "").strip()
    if len(reason) < 3:
        raise BlockedByRulesError([f.message for f in blocks])
    return reason


# --- use cases --------------------------------------------------------------------


def check_session(db: Database, data: SessionData, session_id: int | None = None) -> list[Finding]:
    """The rule findings for a session as typed so far (the editor shows them live)."""
    with db.read() as session:
        course, patient = _load_course(session, data.course_id)
        return evaluate_session(_facts(session, data, course, patient, session_id))


def _apply_scalars(row: TreatmentSession, data: SessionData) -> None:
    row.started_at = data.started_at
    row.duration_min = data.duration_min
    row.practitioner_id = data.practitioner_id
    row.device = Device(data.device).value
    row.device_model = data.device_model.strip()
    row.device_settings = data.device_settings.strip()
    row.anaesthesia = Anaesthesia(data.anaesthesia).value
    row.aftercare_given = data.aftercare_given
    row.aftercare_code = data.aftercare_code if data.aftercare_given else None
    row.aftercare_version = data.aftercare_version if data.aftercare_given else None
    row.pain_vas = data.pain_vas
    row.notes = data.notes.strip()


def _set_line(line: CocktailLine, data: CocktailLineData) -> None:
    line.lot_id = data.lot_id
    line.volume_ml = float(data.volume_ml)
    line.dilution = data.dilution.strip()


def _set_area(area: TreatedArea, data: AreaData) -> None:
    area.region_code = data.region_code
    area.side = Side(data.side).value
    area.technique_code = data.technique_code
    area.needle_gauge = data.needle_gauge
    area.needle_length_mm = None if data.needle_length_mm is None else float(data.needle_length_mm)
    area.depth_mm = None if data.depth_mm is None else float(data.depth_mm)
    area.points = data.points
    area.volume_ml = float(data.volume_ml)
    area.map_points_json = json.dumps([[round(x, 4), round(y, 4)] for x, y in data.map_points])


def _due_after(course: Course, day: dt.date, data: SessionData) -> dt.date | None:
    if data.next_due_date is not None:
        return data.next_due_date
    if course.status not in OPEN_STATUSES:
        return None
    interval = course.interval_days
    if course.status == CourseStatus.MAINTENANCE.value and course.maintenance_interval_days:
        interval = course.maintenance_interval_days
    return day + dt.timedelta(days=interval)


def _planned_done(session: Session, course_id: int) -> int:
    """Sessions of the plan recorded so far (maintenance and voided ones not counted)."""
    return (
        session.scalar(
            select(func.count()).where(
                TreatmentSession.course_id == course_id,
                TreatmentSession.voided.is_(False),
                TreatmentSession.maintenance.is_(False),
            )
        )
        or 0
    )


def _advance_status(session: Session, course: Course) -> None:
    if course.status == CourseStatus.PLANNED.value:
        course.status = CourseStatus.ACTIVE.value
    if course.status == CourseStatus.ACTIVE.value:
        done = _planned_done(session, course.id)
        if done >= course.planned_sessions:
            course.status = (
                CourseStatus.MAINTENANCE.value
                if course.maintenance_interval_days
                else CourseStatus.COMPLETED.value
            )


def record_session(db: Database, data: SessionData) -> SessionSaved:
    """Save a whole session (cocktail, areas, measurements, side effects) or nothing.

    The clinical rules run first; a blocking finding needs ``override_reason``. The
    findings and the override are stored with the session.
    """
    with db.write(reason=(data.override_reason or "").strip()) as session:
        course, patient = _load_course(session, data.course_id)
        if patient.archived:
            raise ValidationError("Patient", "is archived; bring the patient back first")
        if course.status not in OPEN_STATUSES:
            raise ValidationError("Course", f"is {course.status}; resume it before a new session")
        _check_scalars(session, data)
        _check_lines(session, data)
        _check_areas(session, data)
        findings = evaluate_session(_facts(session, data, course, patient, None))
        override = _judge(data, findings)

        number = (
            session.scalar(
                select(func.max(TreatmentSession.number)).where(
                    TreatmentSession.course_id == course.id, TreatmentSession.voided.is_(False)
                )
            )
            or 0
        ) + 1
        maintenance = (
            data.maintenance if data.maintenance is not None else number > course.planned_sessions
        )
        row = TreatmentSession(
            course_id=course.id,
            number=number,
            maintenance=maintenance,
            screening_id=(
                s.id if (s := _screening_on(session, patient.id, data.started_at.date())) else None
            ),
            findings_json=json.dumps([f.as_dict() for f in findings], ensure_ascii=False),
            override_reason=override,
        )
        _apply_scalars(row, data)
        session.add(row)
        session.flush()
        lines = []
        for position, line_data in enumerate(data.cocktail, start=1):
            line = CocktailLine(session_id=row.id, position=position)
            _set_line(line, line_data)
            lines.append(line)
        areas = []
        for position, area_data in enumerate(data.areas, start=1):
            area = TreatedArea(session_id=row.id, position=position)
            _set_area(area, area_data)
            areas.append(area)
        session.add_all([*lines, *areas])
        session.flush()
        if data.measurements:
            add_measurements(
                session,
                patient_id=patient.id,
                course_id=course.id,
                session_id=row.id,
                measured_on=data.started_at.date(),
                items=data.measurements,
            )
        lot_ids = {line.lot_id for line in lines}
        for effect_data in data.side_effects:
            effect = SideEffect()
            apply_side_effect(session, effect, row, effect_data, areas, lot_ids)
            session.add(effect)
        session.flush()
        _advance_status(session, course)
        row.next_due_date = _due_after(course, data.started_at.date(), data)
        session.flush()
        return SessionSaved(
            row.id, number, tuple(findings), row.next_due_date, CourseStatus(course.status)
        )


def amend_session(db: Database, session_id: int, data: SessionData, reason: str) -> SessionSaved:
    """Correct a saved session; prior values stay in the audit with ``reason``.

    Cocktail lines and areas are matched by position: changed ones are updated, extra
    old ones voided, new ones added. Measurements and side effects are amended on
    their own.
    """
    reason = v.reason("Reason for the amendment", reason)
    if data.measurements or data.side_effects:
        raise ValidationError("Amendment", "measurements and side effects are amended on their own")
    with db.write(reason=reason) as session:
        row = v.get(session, TreatmentSession, session_id, "Session")
        if row.voided:
            raise ValidationError("Session", "is voided and cannot be amended")
        if data.course_id != row.course_id:
            raise ValidationError("Course", "a session cannot move to another course")
        course, patient = _load_course(session, row.course_id)
        if data.next_due_date == row.next_due_date and data.started_at != row.started_at:
            # The due date shown was the one computed from the old date: compute it anew.
            data = replace(data, next_due_date=None)
        _check_scalars(session, data)
        _check_lines(session, data)
        _check_areas(session, data)
        findings = evaluate_session(_facts(session, data, course, patient, row.id))
        override = _judge(data, findings)
        _apply_scalars(row, data)
        row.findings_json = json.dumps([f.as_dict() for f in findings], ensure_ascii=False)
        row.override_reason = override
        if data.maintenance is not None:
            row.maintenance = data.maintenance
        _replace_children(session, row, data, reason)
        row.next_due_date = _due_after(course, data.started_at.date(), data)
        session.flush()
        return SessionSaved(
            row.id, row.number, tuple(findings), row.next_due_date, CourseStatus(course.status)
        )


def _replace_children(
    session: Session, row: TreatmentSession, data: SessionData, reason: str
) -> None:
    now = dt.datetime.now()
    live_lines = [line for line in row.cocktail if not line.voided]
    live_areas = [area for area in row.areas if not area.voided]
    next_line = max((line.position for line in row.cocktail), default=0) + 1
    next_area = max((area.position for area in row.areas), default=0) + 1
    for index, line_data in enumerate(data.cocktail):
        if index < len(live_lines):
            _set_line(live_lines[index], line_data)
        else:
            line = CocktailLine(session_id=row.id, position=next_line)
            next_line += 1
            _set_line(line, line_data)
            session.add(line)
    for line in live_lines[len(data.cocktail) :]:
        line.voided, line.void_reason, line.voided_at = True, reason, now
    for index, area_data in enumerate(data.areas):
        if index < len(live_areas):
            _set_area(live_areas[index], area_data)
        else:
            area = TreatedArea(session_id=row.id, position=next_area)
            next_area += 1
            _set_area(area, area_data)
            session.add(area)
    for area in live_areas[len(data.areas) :]:
        area.voided, area.void_reason, area.voided_at = True, reason, now


def void_session(db: Database, session_id: int, reason: str) -> None:
    """Void a session recorded in error; it stays in the record, marked, with the reason."""
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        row = v.get(session, TreatmentSession, session_id, "Session")
        if row.voided:
            raise ValidationError("Session", "is already voided")
        row.voided, row.void_reason, row.voided_at = True, reason, dt.datetime.now()
        session.flush()
        _reopen_if_short(session, row.course)


def _reopen_if_short(session: Session, course: Course) -> None:
    """A course completed (or in maintenance) by a session now voided is active again.

    Only when the status moved by itself: one set by hand carries its reason and stays.
    """
    if course.status not in (CourseStatus.COMPLETED.value, CourseStatus.MAINTENANCE.value):
        return
    if course.status_reason:
        return
    done = _planned_done(session, course.id)
    if done < course.planned_sessions:
        course.status = CourseStatus.ACTIVE.value


def session_data(db: Database, session_id: int) -> SessionData:
    """A saved session as editable data (for the amend dialog)."""
    with db.read() as session:
        row = v.get(session, TreatmentSession, session_id, "Session")
        return SessionData(
            course_id=row.course_id,
            started_at=row.started_at,
            practitioner_id=row.practitioner_id,
            cocktail=tuple(_line_data(line) for line in row.cocktail if not line.voided),
            areas=tuple(_area_data(area) for area in row.areas if not area.voided),
            duration_min=row.duration_min,
            device=Device(row.device),
            device_model=row.device_model,
            device_settings=row.device_settings,
            anaesthesia=Anaesthesia(row.anaesthesia),
            aftercare_given=row.aftercare_given,
            aftercare_code=row.aftercare_code,
            aftercare_version=row.aftercare_version,
            pain_vas=row.pain_vas,
            notes=row.notes,
            next_due_date=row.next_due_date,
            maintenance=row.maintenance,
            override_reason=row.override_reason,
        )


def _line_data(line: CocktailLine) -> CocktailLineData:
    return CocktailLineData(line.lot_id, line.volume_ml, line.dilution)


def _area_data(area: TreatedArea) -> AreaData:
    return AreaData(
        region_code=area.region_code,
        side=Side(area.side),
        technique_code=area.technique_code,
        volume_ml=area.volume_ml,
        needle_gauge=area.needle_gauge,
        needle_length_mm=area.needle_length_mm,
        depth_mm=area.depth_mm,
        points=area.points,
        map_points=tuple((float(x), float(y)) for x, y in json.loads(area.map_points_json)),
    )


def session_defaults(db: Database, course_id: int, on: dt.date | None = None) -> SessionDefaults:
    """Defaults for the course's next session: its number and the previous protocol.

    A lot of the previous cocktail that has expired by ``on`` is swapped for the
    usable lot of the same product that expires first, and named in ``replaced_lots``.
    """
    on = on or dt.date.today()
    with db.read() as session:
        course = v.get(session, Course, course_id, "Course")
        previous = session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.course_id == course_id, TreatmentSession.voided.is_(False))
            .order_by(TreatmentSession.started_at.desc())
            .limit(1)
        ).first()
        number = (max((s.number for s in course.sessions if not s.voided), default=0)) + 1
        maintenance = number > course.planned_sessions
        if previous is None:
            return SessionDefaults(number=number, maintenance=maintenance, practitioner_id=None)
        cocktail = []
        replaced = []
        for line in previous.cocktail:
            if line.voided:
                continue
            lot_id = line.lot_id
            if line.lot.expiry_date < on:
                fresh = session.scalars(
                    select(Lot)
                    .where(Lot.product_id == line.lot.product_id, Lot.expiry_date >= on)
                    .order_by(Lot.expiry_date)
                    .limit(1)
                ).first()
                if fresh is not None:
                    replaced.append(
                        f"{line.lot.product.name}: lot {line.lot.lot_number} expired, "
                        f"lot {fresh.lot_number} chosen"
                    )
                    lot_id = fresh.id
            cocktail.append(CocktailLineData(lot_id, line.volume_ml, line.dilution))
        return SessionDefaults(
            number=number,
            maintenance=maintenance,
            practitioner_id=previous.practitioner_id,
            device=Device(previous.device),
            device_model=previous.device_model,
            device_settings=previous.device_settings,
            anaesthesia=Anaesthesia(previous.anaesthesia),
            cocktail=tuple(cocktail),
            areas=tuple(_area_data(a) for a in previous.areas if not a.voided),
            replaced_lots=tuple(replaced),
        )


def stored_findings(row: TreatmentSession) -> list[Finding]:
    return [Finding.from_dict(item) for item in json.loads(row.findings_json or "[]")]
