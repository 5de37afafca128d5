"""A course on the body map: each area treated, in how many sessions, with its side effects.

An area recorded on both sides counts once on the left and once on the right, since the
map shades each side's shape; voided sessions, areas and side effects are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import Side
from mesodesk.core.models import (
    Course,
    Region,
    SideEffect,
    SideEffectType,
    TreatedArea,
    TreatmentSession,
)
from mesodesk.core.services import _validate as v


@dataclass(frozen=True, slots=True, order=True)
class SessionMark:
    """A session of the course, as the timeline names it (S3, or M9 for maintenance)."""

    number: int
    maintenance: bool = False

    @property
    def label(self) -> str:
        return ("M" if self.maintenance else "S") + str(self.number)


@dataclass(frozen=True, slots=True)
class SideEffectMark:
    type_name: str
    onset_on: dt.date
    resolved: bool


@dataclass(frozen=True, slots=True)
class MappedArea:
    """One region on one side of the patient (left, right or midline) and its history."""

    region_code: str
    region_name: str
    diagram: str
    side: Side
    sessions: tuple[SessionMark, ...]
    side_effects: tuple[SideEffectMark, ...]

    @property
    def session_count(self) -> int:
        return len(self.sessions)


@dataclass(frozen=True, slots=True)
class CourseMap:
    course_id: int
    session_count: int  # sessions of the course, voided ones left out
    areas: tuple[MappedArea, ...]
    unplaced_side_effects: tuple[SideEffectMark, ...]  # recorded without an area

    @property
    def most_sessions(self) -> int:
        return max((a.session_count for a in self.areas), default=0)


def _shape_sides(side: str) -> tuple[Side, ...]:
    return (Side.LEFT, Side.RIGHT) if side == Side.BOTH.value else (Side(side),)


def course_map(db: Database, course_id: int) -> CourseMap:
    """Where the course treated and how often, and where its side effects were seen."""
    with db.read() as session:
        v.get(session, Course, course_id, "Course")
        regions = {r.code: (r.name, r.diagram) for r in session.scalars(select(Region))}
        live = (TreatmentSession.course_id == course_id, TreatmentSession.voided.is_(False))
        sessions = {
            row.id: SessionMark(row.number, row.maintenance)
            for row in session.execute(
                select(
                    TreatmentSession.id, TreatmentSession.number, TreatmentSession.maintenance
                ).where(*live)
            )
        }
        area_rows = session.execute(
            select(
                TreatedArea.id, TreatedArea.session_id, TreatedArea.region_code, TreatedArea.side
            )
            .join(TreatmentSession, TreatmentSession.id == TreatedArea.session_id)
            .where(*live, TreatedArea.voided.is_(False))
        ).all()
        effect_rows = session.execute(
            select(
                SideEffect.area_id,
                SideEffectType.name,
                SideEffect.onset_on,
                SideEffect.resolved_on,
            )
            .join(SideEffectType, SideEffectType.code == SideEffect.type_code)
            .join(TreatmentSession, TreatmentSession.id == SideEffect.session_id)
            .where(*live, SideEffect.voided.is_(False))
            .order_by(SideEffect.onset_on, SideEffect.id)
        ).all()

    treated: dict[tuple[str, Side], set[SessionMark]] = defaultdict(set)
    places: dict[int, tuple[str, tuple[Side, ...]]] = {}
    for treated_id, session_id, region, side in area_rows:
        places[treated_id] = (region, _shape_sides(side))
        for shape_side in _shape_sides(side):
            treated[(region, shape_side)].add(sessions[session_id])
    effects: dict[tuple[str, Side], list[SideEffectMark]] = defaultdict(list)
    unplaced = []
    for area_id, type_name, onset_on, resolved_on in effect_rows:
        mark = SideEffectMark(type_name, onset_on, resolved_on is not None)
        if area_id is None or area_id not in places:
            unplaced.append(mark)
            continue
        region, sides = places[area_id]
        for shape_side in sides:
            effects[(region, shape_side)].append(mark)

    areas = [
        MappedArea(
            region_code=region,
            region_name=regions.get(region, (region, ""))[0],
            diagram=regions.get(region, (region, "body_front"))[1],
            side=side,
            sessions=tuple(sorted(marks)),
            side_effects=tuple(effects.get((region, side), ())),
        )
        for (region, side), marks in treated.items()
    ]
    areas.sort(key=lambda a: (a.diagram, a.region_name, a.side.value))
    return CourseMap(course_id, len(sessions), tuple(areas), tuple(unplaced))
