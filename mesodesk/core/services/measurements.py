"""Measurements: recording outcome values, derived scores, and progress series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.enums import Rater, Scale
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import Course, Measurement, Metric, Patient, TreatmentSession
from mesodesk.core.services import _validate as v
from mesodesk.core.services.catalogue import MetricInfo, metric_info

CSS_ITEMS = ("css_a", "css_b", "css_c", "css_d", "css_e")
CSS_TOTAL = "css_total"
WEIGHT, HEIGHT, BMI = "weight", "height", "bmi"
COMPUTED = (CSS_TOTAL, BMI)


@dataclass(frozen=True, slots=True)
class MeasurementData:
    metric_code: str
    value: float
    site: str = ""
    rater: Rater = Rater.CLINICIAN
    notes: str = ""


@dataclass(frozen=True, slots=True)
class MeasurementView:
    id: int
    patient_id: int
    course_id: int | None
    session_id: int | None
    measured_on: dt.date
    metric_code: str
    metric_name: str
    site: str
    value: float
    shown: str
    rater: Rater
    notes: str


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    measured_on: dt.date
    value: float
    days_since_start: int
    change: float
    change_pct: float | None
    session_id: int | None
    session_number: int | None


@dataclass(frozen=True, slots=True)
class SessionMarker:
    session_id: int
    number: int
    date: dt.date
    maintenance: bool


@dataclass(frozen=True, slots=True)
class ProgressSeries:
    """One metric at one site across a course, with the change from baseline."""

    metric: MetricInfo
    site: str
    course_start: dt.date
    points: tuple[ProgressPoint, ...]
    sessions: tuple[SessionMarker, ...]

    @property
    def baseline(self) -> ProgressPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> ProgressPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True, slots=True)
class SeriesKey:
    metric: MetricInfo
    site: str
    count: int


def _metrics(session: Session) -> dict[str, Metric]:
    return {m.code: m for m in session.scalars(select(Metric))}


def _field(metric: Metric, site: str) -> str:
    return f"{metric.name} ({site})" if site else metric.name


def _check_value(metric: Metric, item: MeasurementData) -> float:
    name = _field(metric, item.site)
    value = v.number(
        name, item.value, minimum=metric.min_value, maximum=metric.max_value, unit=metric.unit
    )
    assert value is not None
    if metric.scale in (Scale.ORDINAL.value, Scale.COUNT.value) and value != int(value):
        raise ValidationError(name, "must be a whole number on this scale")
    return value


def _latest_height(session: Session, patient_id: int, on: dt.date) -> float | None:
    return session.scalar(
        select(Measurement.value)
        .where(
            Measurement.patient_id == patient_id,
            Measurement.metric_code == HEIGHT,
            Measurement.voided.is_(False),
            Measurement.measured_on <= on,
        )
        .order_by(Measurement.measured_on.desc(), Measurement.id.desc())
        .limit(1)
    )


def _derived(
    session: Session, patient_id: int, on: dt.date, values: dict[tuple[str, str], float]
) -> list[MeasurementData]:
    """The scores computed from others: Hexsel CSS total per site, BMI from weight."""
    derived: list[MeasurementData] = []
    sites = {site for (code, site) in values if code in CSS_ITEMS}
    for site in sorted(sites):
        present = [values.get((code, site)) for code in CSS_ITEMS]
        if all(value is not None for value in present):
            if (CSS_TOTAL, site) in values:
                raise ValidationError(
                    "Hexsel CSS total", "is computed from items A–E; leave it out"
                )
            derived.append(MeasurementData(CSS_TOTAL, float(sum(present)), site))  # type: ignore[arg-type]
    weight = values.get((WEIGHT, ""))
    if weight is not None:
        height = values.get((HEIGHT, "")) or _latest_height(session, patient_id, on)
        if height:
            if (BMI, "") in values:
                raise ValidationError("BMI", "is computed from weight and height; leave it out")
            derived.append(MeasurementData(BMI, round(weight / (height / 100) ** 2, 1)))
    return derived


def add_measurements(
    session: Session,
    *,
    patient_id: int,
    course_id: int | None,
    session_id: int | None,
    measured_on: dt.date,
    items: Sequence[MeasurementData],
) -> list[Measurement]:
    """Validate and add a day's measurements in an open write session (no commit)."""
    metrics = _metrics(session)
    values: dict[tuple[str, str], float] = {}
    cleaned: list[MeasurementData] = []
    for given in items:
        metric = metrics.get(given.metric_code)
        if metric is None:
            raise ValidationError("Metric", f"{given.metric_code!r} is not a known metric")
        site = v.text(f"Site of {metric.name}", given.site, max_length=120)
        item = MeasurementData(
            given.metric_code,
            given.value,
            site,
            v.choice("Rater", given.rater, Rater),
            v.text("Notes", given.notes, max_length=1000),
        )
        key = (item.metric_code, item.site)
        if key in values:
            raise ValidationError(_field(metric, item.site), "is entered twice")
        values[key] = _check_value(metric, item)
        cleaned.append(item)
    cleaned += _derived(session, patient_id, measured_on, values)
    rows = [
        Measurement(
            patient_id=patient_id,
            course_id=course_id,
            session_id=session_id,
            measured_on=measured_on,
            metric_code=item.metric_code,
            site=item.site,
            value=float(item.value),
            rater=Rater(item.rater).value,
            notes=item.notes,
        )
        for item in cleaned
    ]
    session.add_all(rows)
    return rows


def record_measurements(
    db: Database,
    patient_id: int,
    measured_on: dt.date,
    items: Sequence[MeasurementData],
    *,
    course_id: int | None = None,
    session_id: int | None = None,
) -> list[int]:
    """Record a day's measurements (a baseline, a follow-up); return their ids."""
    v.date("Measurement date", measured_on, not_after=dt.date.today() + dt.timedelta(days=1))
    if not items:
        raise ValidationError("Measurements", "none were given")
    with db.write() as session:
        v.get(session, Patient, patient_id, "Patient")
        if course_id is not None:
            course = v.get(session, Course, course_id, "Course")
            if course.patient_id != patient_id:
                raise ValidationError("Course", "belongs to another patient")
        if session_id is not None:
            treatment = v.get(session, TreatmentSession, session_id, "Session")
            if treatment.course_id != course_id:
                raise ValidationError("Session", "is not part of the chosen course")
        rows = add_measurements(
            session,
            patient_id=patient_id,
            course_id=course_id,
            session_id=session_id,
            measured_on=measured_on,
            items=items,
        )
        session.flush()
        return [row.id for row in rows]


def _refresh_derived(session: Session, changed: Measurement) -> None:
    """Keep computed scores in step after one of their inputs was amended or voided.

    A CSS item or a weight touches its own day; a height touches every BMI computed
    from it, that day and later.
    """
    if changed.metric_code in CSS_ITEMS:
        _refresh_day(session, changed.patient_id, changed.measured_on, CSS_TOTAL, changed.site)
    elif changed.metric_code == WEIGHT:
        _refresh_day(session, changed.patient_id, changed.measured_on, BMI, "")
    elif changed.metric_code == HEIGHT:
        days = session.scalars(
            select(Measurement.measured_on)
            .where(
                Measurement.patient_id == changed.patient_id,
                Measurement.metric_code == BMI,
                Measurement.voided.is_(False),
                Measurement.measured_on >= changed.measured_on,
            )
            .distinct()
        ).all()
        for day in days:
            _refresh_day(session, changed.patient_id, day, BMI, "")


def _refresh_day(session: Session, patient_id: int, day: dt.date, target: str, site: str) -> None:
    same_day = session.scalars(
        select(Measurement).where(
            Measurement.patient_id == patient_id,
            Measurement.measured_on == day,
            Measurement.voided.is_(False),
        )
    ).all()
    derived = next((m for m in same_day if (m.metric_code, m.site) == (target, site)), None)
    if derived is None:
        return
    inputs = {(m.metric_code, m.site): m.value for m in same_day if m.metric_code not in COMPUTED}
    fresh = {(d.metric_code, d.site): d.value for d in _derived(session, patient_id, day, inputs)}
    value = fresh.get((target, site))
    if value is None:
        derived.voided = True
        derived.void_reason = "an input of this computed score was voided"
        derived.voided_at = dt.datetime.now()
    elif value != derived.value:
        derived.value = value


def amend_measurement(db: Database, measurement_id: int, value: float, reason: str) -> None:
    """Correct a value; the audit keeps the old one and the reason."""
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        row = v.get(session, Measurement, measurement_id, "Measurement")
        if row.voided:
            raise ValidationError("Measurement", "is voided")
        metric = v.get(session, Metric, row.metric_code, "Metric")
        if metric.computed:
            raise ValidationError(metric.name, "is computed; amend the values it comes from")
        row.value = _check_value(metric, MeasurementData(row.metric_code, value, row.site))
        session.flush()
        _refresh_derived(session, row)


def void_measurement(db: Database, measurement_id: int, reason: str) -> None:
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        row = v.get(session, Measurement, measurement_id, "Measurement")
        row.voided = True
        row.void_reason = reason
        row.voided_at = dt.datetime.now()
        session.flush()
        _refresh_derived(session, row)


def _view(row: Measurement, metric: MetricInfo) -> MeasurementView:
    return MeasurementView(
        id=row.id,
        patient_id=row.patient_id,
        course_id=row.course_id,
        session_id=row.session_id,
        measured_on=row.measured_on,
        metric_code=row.metric_code,
        metric_name=metric.name,
        site=row.site,
        value=row.value,
        shown=metric.format(row.value),
        rater=Rater(row.rater),
        notes=row.notes,
    )


def patient_measurements(
    db: Database, patient_id: int, course_id: int | None = None
) -> list[MeasurementView]:
    """A patient's measurements (not voided), by date then metric."""
    statement = select(Measurement).where(
        Measurement.patient_id == patient_id, Measurement.voided.is_(False)
    )
    if course_id is not None:
        statement = statement.where(Measurement.course_id == course_id)
    statement = statement.order_by(
        Measurement.measured_on, Measurement.metric_code, Measurement.site
    )
    with db.read() as session:
        infos = {code: metric_info(m) for code, m in _metrics(session).items()}
        return [_view(row, infos[row.metric_code]) for row in session.scalars(statement)]


def series_keys(db: Database, patient_id: int, course_id: int) -> list[SeriesKey]:
    """The metric and site pairs measured in a course, for choosing what to plot."""
    statement = (
        select(Measurement.metric_code, Measurement.site, func.count())
        .where(
            Measurement.patient_id == patient_id,
            Measurement.course_id == course_id,
            Measurement.voided.is_(False),
        )
        .group_by(Measurement.metric_code, Measurement.site)
        .order_by(Measurement.metric_code, Measurement.site)
    )
    with db.read() as session:
        infos = {code: metric_info(m) for code, m in _metrics(session).items()}
        return [
            SeriesKey(infos[code], site, count) for code, site, count in session.execute(statement)
        ]


def _markers(session: Session, course_id: int) -> tuple[SessionMarker, ...]:
    rows = session.execute(
        select(
            TreatmentSession.id,
            TreatmentSession.number,
            TreatmentSession.started_at,
            TreatmentSession.maintenance,
        )
        .where(TreatmentSession.course_id == course_id, TreatmentSession.voided.is_(False))
        .order_by(TreatmentSession.started_at)
    )
    return tuple(SessionMarker(i, n, at.date(), m) for i, n, at, m in rows)


def progress_series(
    db: Database, patient_id: int, course_id: int, metric_code: str, site: str = ""
) -> ProgressSeries:
    """The values of one metric at one site across a course, with change from baseline.

    The baseline is the first value of the series. Missing days are simply absent: a
    plot shows a gap, never an invented value.
    """
    with db.read() as session:
        course = v.get(session, Course, course_id, "Course")
        if course.patient_id != patient_id:
            raise ValidationError("Course", "belongs to another patient")
        metric = metric_info(v.get(session, Metric, metric_code, "Metric"))
        numbers = dict(
            session.execute(
                select(TreatmentSession.id, TreatmentSession.number).where(
                    TreatmentSession.course_id == course_id
                )
            ).all()
        )
        rows = session.scalars(
            select(Measurement)
            .where(
                Measurement.patient_id == patient_id,
                Measurement.course_id == course_id,
                Measurement.metric_code == metric_code,
                Measurement.site == site,
                Measurement.voided.is_(False),
            )
            .order_by(Measurement.measured_on, Measurement.id)
        ).all()
        markers = _markers(session, course_id)
        start = course.start_date
    points: list[ProgressPoint] = []
    baseline = rows[0].value if rows else 0.0
    for row in rows:
        change = row.value - baseline
        points.append(
            ProgressPoint(
                measured_on=row.measured_on,
                value=row.value,
                days_since_start=(row.measured_on - start).days,
                change=change,
                change_pct=(change / baseline * 100) if baseline else None,
                session_id=row.session_id,
                session_number=numbers.get(row.session_id) if row.session_id else None,
            )
        )
    return ProgressSeries(metric, site, start, tuple(points), markers)
