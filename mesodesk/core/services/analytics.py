"""Outcomes across patients: mean change from baseline by protocol, side-effect incidence.

Everything is aggregated in SQL (window functions and GROUP BY); Python only turns
the few bucket rows into means and 95 % confidence intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, Select, String, case, cast, distinct, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mesodesk.core.db import Database
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Indication,
    Lot,
    Measurement,
    Metric,
    Product,
    SideEffect,
    SideEffectType,
    TreatmentSession,
)
from mesodesk.core.services import _validate as v
from mesodesk.core.services.catalogue import MetricInfo, metric_info

# A series counts only if its first value was taken near the start: a "baseline"
# measured weeks into the course would hide the change that happened before it.
BASELINE_LATEST_DAY = 14

# Two-sided 95 % quantiles of Student's t by degrees of freedom (1-30); beyond, the value
# at the nearest tabulated df below, which errs on the side of a wider interval.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042)  # fmt: skip
_T95_LARGE = ((40, 2.021), (60, 2.000), (120, 1.980), (1000, 1.962))


@dataclass(frozen=True, slots=True)
class AnalyticsFilter:
    """Which part of the practice to look at: course or session dates, one practitioner."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    practitioner_id: int | None = None


@dataclass(frozen=True, slots=True)
class Cohort:
    """Courses of an indication and/or a protocol (a set of products).

    With ``exact`` the course used exactly these products; otherwise at least these.
    """

    indication_code: str | None = None
    product_ids: frozenset[int] = frozenset()
    exact: bool = False


@dataclass(frozen=True, slots=True)
class ProtocolOption:
    """A protocol seen in the record, with how many courses followed it."""

    cohort: Cohort
    label: str
    courses: int


@dataclass(frozen=True, slots=True)
class CohortPoint:
    week: float
    n: int
    mean: float
    low: float | None  # 95 % confidence interval; None when n < 2
    high: float | None


@dataclass(frozen=True, slots=True)
class CohortCurve:
    """Mean change from baseline against weeks since the course started."""

    label: str
    metric: MetricInfo
    percent: bool
    courses: int
    points: tuple[CohortPoint, ...]


@dataclass(frozen=True, slots=True)
class IncidenceRow:
    name: str
    events: int
    sessions: int

    @property
    def per_100(self) -> float:
        return 100.0 * self.events / self.sessions if self.sessions else 0.0


@dataclass(frozen=True, slots=True)
class Incidence:
    """Side effects per 100 sessions, by product injected and by type."""

    sessions: int
    events: int
    by_product: tuple[IncidenceRow, ...]
    by_type: tuple[IncidenceRow, ...]


def t95(df: int) -> float:
    """The two-sided 95 % quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T95):
        return _T95[df - 1]
    return min((t for limit, t in _T95_LARGE if df >= limit), default=_T95[-1])


def _days(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier  # PostgreSQL: date - date is a whole number of days


def _session_filters(filters: AnalyticsFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [TreatmentSession.voided.is_(False)]
    if filters.date_from is not None:
        where.append(
            TreatmentSession.started_at >= dt.datetime.combine(filters.date_from, dt.time())
        )
    if filters.date_to is not None:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())
        where.append(TreatmentSession.started_at < end)
    if filters.practitioner_id is not None:
        where.append(TreatmentSession.practitioner_id == filters.practitioner_id)
    return where


def _course_ids(cohort: Cohort, filters: AnalyticsFilter) -> Select[int]:
    """The courses of the cohort started in the date range, treated by the practitioner."""
    statement = select(Course.id)
    if cohort.indication_code:
        statement = statement.where(Course.indication_code == cohort.indication_code)
    if filters.date_from is not None:
        statement = statement.where(Course.start_date >= filters.date_from)
    if filters.date_to is not None:
        statement = statement.where(Course.start_date <= filters.date_to)
    if filters.practitioner_id is not None:
        statement = statement.where(
            Course.id.in_(
                select(TreatmentSession.course_id).where(
                    TreatmentSession.voided.is_(False),
                    TreatmentSession.practitioner_id == filters.practitioner_id,
                )
            )
        )
    # One indexed look-up per product (lot → cocktail lines → sessions) rather than
    # grouping every cocktail line of the record.
    for product in sorted(cohort.product_ids):
        statement = statement.where(Course.id.in_(_courses_using(Lot.product_id == product)))
    if cohort.exact and cohort.product_ids:
        others = Lot.product_id.not_in(sorted(cohort.product_ids))
        statement = statement.where(Course.id.not_in(_courses_using(others)))
    return statement


def _courses_using(products: ColumnElement[bool]) -> Select[int]:
    """The courses with a (not voided) session that injected one of ``products``."""
    return (
        select(TreatmentSession.course_id)
        .join(CocktailLine, CocktailLine.session_id == TreatmentSession.id)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .where(TreatmentSession.voided.is_(False), CocktailLine.voided.is_(False), products)
    )


def _product_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Product.id, Product.name)).all())


def _cohort_label(session: Session, cohort: Cohort) -> str:
    parts: list[str] = []
    if cohort.indication_code:
        indication = session.get(Indication, cohort.indication_code)
        parts.append(indication.name if indication else cohort.indication_code)
    if cohort.product_ids:
        names = _product_names(session)
        joined = " + ".join(sorted(names.get(i, f"product {i}") for i in cohort.product_ids))
        parts.append(joined if cohort.exact else f"with {joined}")
    else:
        parts.append("all courses")
    return " · ".join(parts)


def cohort_curve(
    db: Database,
    cohort: Cohort,
    metric_code: str,
    filters: AnalyticsFilter = AnalyticsFilter(),
    *,
    site: str | None = None,
    bucket_weeks: int = 1,
    percent: bool = False,
) -> CohortCurve:
    """Mean change from baseline per bucket of weeks since the course started.

    Each course counts once per bucket: its sites and its values within the bucket
    are averaged first, so ``n`` is a number of courses.
    """
    bucket_weeks = v.integer("Weeks per point", bucket_weeks, minimum=1, maximum=26)
    with db.read() as session:
        metric = metric_info(v.get(session, Metric, metric_code, "Metric"))
        part = (Measurement.course_id, Measurement.site)
        order = (Measurement.measured_on, Measurement.id)
        series = select(
            Measurement.course_id,
            Measurement.value,
            _days(session, Measurement.measured_on, Course.start_date).label("days"),
            func.first_value(Measurement.value)
            .over(partition_by=part, order_by=order)
            .label("base"),
            func.first_value(Measurement.measured_on)
            .over(partition_by=part, order_by=order)
            .label("base_on"),
            Course.start_date,
        ).join(Course, Course.id == Measurement.course_id)
        series = series.where(
            Measurement.metric_code == metric_code,
            Measurement.voided.is_(False),
            Measurement.course_id.in_(_course_ids(cohort, filters)),
        )
        if site is not None:
            series = series.where(Measurement.site == site)
        s = series.subquery()
        if percent:
            change: Any = case((s.c.base != 0, (s.c.value - s.c.base) * 100.0 / s.c.base))
        else:
            change = s.c.value - s.c.base
        bucket = cast(func.round(s.c.days / (7.0 * bucket_weeks)), Integer)
        per_course = (
            select(s.c.course_id, bucket.label("bucket"), func.avg(change).label("change"))
            .where(_days(session, s.c.base_on, s.c.start_date) <= BASELINE_LATEST_DAY)
            .group_by(s.c.course_id, bucket)
            .cte("per_course")
        )
        c = cast(per_course.c.change, Float)
        courses = select(func.count(distinct(per_course.c.course_id))).scalar_subquery()
        rows = session.execute(
            select(per_course.c.bucket, func.count(c), func.avg(c), func.sum(c * c), courses)
            .where(per_course.c.change.is_not(None))
            .group_by(per_course.c.bucket)
            .order_by(per_course.c.bucket)
        ).all()
        label = _cohort_label(session, cohort)
    points = tuple(
        _point(bucket * bucket_weeks, n, mean, squares) for bucket, n, mean, squares, _ in rows if n
    )
    return CohortCurve(label, metric, percent, rows[0][4] if rows else 0, points)


def _point(week: float, n: int, mean: float, squares: float) -> CohortPoint:
    if n < 2:
        return CohortPoint(float(week), n, mean, None, None)
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = t95(n - 1) * math.sqrt(variance / n)
    return CohortPoint(float(week), n, mean, mean - half, mean + half)


def protocols(
    db: Database,
    indication_code: str | None = None,
    filters: AnalyticsFilter = AnalyticsFilter(),
) -> list[ProtocolOption]:
    """The protocols of the record: each product ("with X"), then exact sets, by use."""
    courses = _course_ids(Cohort(indication_code), filters)
    pairs = (
        select(TreatmentSession.course_id, Lot.product_id)
        .join(CocktailLine, CocktailLine.session_id == TreatmentSession.id)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .where(
            TreatmentSession.voided.is_(False),
            CocktailLine.voided.is_(False),
            TreatmentSession.course_id.in_(courses),
        )
        .distinct()
        .subquery()
    )
    with db.read() as session:
        names = _product_names(session)
        if session.get_bind().dialect.name == "sqlite":
            joined: Any = func.group_concat(pairs.c.product_id, ",")
        else:
            joined = func.string_agg(cast(pairs.c.product_id, String), ",")
        signatures = select(joined.label("signature")).group_by(pairs.c.course_id).subquery()
        sets = session.execute(
            select(signatures.c.signature, func.count()).group_by(signatures.c.signature)
        ).all()
    # The SQL concatenation order is not guaranteed: merge "2,5" and "5,2" here.
    exact: Counter[frozenset[int]] = Counter()
    for signature, count in sets:
        exact[frozenset(int(p) for p in str(signature).split(","))] += count
    single: Counter[int] = Counter()
    for products, count in exact.items():
        for product in products:
            single[product] += count
    options = [
        ProtocolOption(
            Cohort(indication_code, frozenset({product})), f"with {names[product]}", count
        )
        for product, count in sorted(single.items(), key=lambda item: (-item[1], names[item[0]]))
    ]
    for products, count in sorted(exact.items(), key=lambda item: (-item[1], sorted(item[0]))):
        label = " + ".join(sorted(names[p] for p in products))
        options.append(ProtocolOption(Cohort(indication_code, products, exact=True), label, count))
    return options


def side_effect_incidence(
    db: Database,
    filters: AnalyticsFilter = AnalyticsFilter(),
) -> Incidence:
    """Side effects per 100 sessions, by product injected and by type.

    A side effect counts for every product injected at its session: the denominator
    of a product is the number of sessions where it was injected.
    """
    where = _session_filters(filters)
    effects = (
        select(SideEffect.id, SideEffect.session_id, SideEffect.type_code)
        .join(TreatmentSession, TreatmentSession.id == SideEffect.session_id)
        .where(SideEffect.voided.is_(False), *where)
        .subquery()
    )
    exposure = (
        select(Lot.product_id, func.count(distinct(CocktailLine.session_id)))
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .join(TreatmentSession, TreatmentSession.id == CocktailLine.session_id)
        .where(CocktailLine.voided.is_(False), *where)
        .group_by(Lot.product_id)
    )
    # Few side effects, many cocktail lines: start from the side effects.
    product_events = (
        select(Lot.product_id, func.count(distinct(effects.c.id)))
        .select_from(effects)
        .join(CocktailLine, CocktailLine.session_id == effects.c.session_id)
        .join(Lot, Lot.id == CocktailLine.lot_id)
        .where(CocktailLine.voided.is_(False))
        .group_by(Lot.product_id)
    )
    with db.read() as session:
        sessions = session.scalar(select(func.count()).select_from(TreatmentSession).where(*where))
        type_rows = session.execute(
            select(SideEffectType.name, func.count(effects.c.id))
            .join(effects, effects.c.type_code == SideEffectType.code)
            .group_by(SideEffectType.code, SideEffectType.name)
        ).all()
        exposed = session.execute(exposure).all()
        events: dict[int, int] = dict(session.execute(product_events).all())
        names = _product_names(session)
    total = int(sessions or 0)
    by_type = [IncidenceRow(name, int(count), total) for name, count in type_rows]
    by_product = [
        IncidenceRow(names[product], int(events.get(product, 0)), int(count))
        for product, count in exposed
    ]
    return Incidence(
        sessions=total,
        events=sum(row.events for row in by_type),
        by_product=tuple(sorted(by_product, key=lambda r: (-r.per_100, r.name))),
        by_type=tuple(sorted(by_type, key=lambda r: (-r.events, r.name))),
    )
