"""The course on the body map: how many sessions treated each region and side, and
where side effects were seen (mesodesk/core/services/body_map.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mesodesk.core.enums import Severity, Side
from mesodesk.core.errors import NotFoundError
from mesodesk.core.services import history, sessions, side_effects
from mesodesk.core.services.body_map import SessionMark, course_map
from mesodesk.core.services.sessions import AreaData
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.conftest import SESSION_ONE, Helene

THIGHS_ONLY = (
    AreaData("thigh_outer", Side.LEFT, "nappage", 2.0, 30, 4, 2, 60),
    AreaData("thigh_outer", Side.RIGHT, "nappage", 2.0, 30, 4, 2, 60),
)


def record(helene: Helene, weeks: int, **changes: object) -> int:
    when = SESSION_ONE + dt.timedelta(weeks=2 * weeks)
    data = dataclasses.replace(helene.session(when), **changes)  # type: ignore[arg-type]
    return sessions.record_session(helene.db, data).id


def area_id(helene: Helene, session_id: int, region: str, side: Side) -> int:
    records = history.course_sessions(helene.db, [helene.course])[helene.course]
    session = next(s for s in records if s.id == session_id)
    return next(a.area_id for a in session.areas if a.region_code == region and a.side == side)


def counts(helene: Helene) -> dict[tuple[str, Side], int]:
    return {
        (a.region_code, a.side): a.session_count for a in course_map(helene.db, helene.course).areas
    }


def test_each_side_counts_the_sessions_that_treated_it(helene: Helene) -> None:
    record(helene, 0)  # thighs left and right, buttocks on both sides
    record(helene, 1)
    record(helene, 2, areas=THIGHS_ONLY)
    mapped = course_map(helene.db, helene.course)
    assert mapped.session_count == 3
    assert counts(helene) == {
        ("thigh_outer", Side.LEFT): 3,
        ("thigh_outer", Side.RIGHT): 3,
        # "both" is charted on each side's shape
        ("buttock", Side.LEFT): 2,
        ("buttock", Side.RIGHT): 2,
    }
    buttock = next(a for a in mapped.areas if a.region_code == "buttock")
    assert buttock.sessions == (SessionMark(1), SessionMark(2))
    assert [s.label for s in buttock.sessions] == ["S1", "S2"]
    assert buttock.region_name == "Buttock" and buttock.diagram == "body_back"
    assert mapped.most_sessions == 3


def test_a_course_without_sessions_has_an_empty_map(helene: Helene) -> None:
    mapped = course_map(helene.db, helene.course)
    assert mapped.areas == () and mapped.session_count == 0 and mapped.most_sessions == 0


def test_voided_sessions_and_areas_are_not_counted(helene: Helene) -> None:
    first = record(helene, 0)
    second = record(helene, 1)
    sessions.void_session(helene.db, first, "recorded on the wrong patient")
    amended = dataclasses.replace(sessions.session_data(helene.db, second), areas=THIGHS_ONLY)
    sessions.amend_session(helene.db, second, amended, "buttocks were not treated")
    assert counts(helene) == {("thigh_outer", Side.LEFT): 1, ("thigh_outer", Side.RIGHT): 1}
    assert course_map(helene.db, helene.course).session_count == 1


def test_side_effects_are_marked_on_their_area_and_side(helene: Helene) -> None:
    first = record(helene, 0)
    record(helene, 1)
    left_thigh = area_id(helene, first, "thigh_outer", Side.LEFT)
    buttocks = area_id(helene, first, "buttock", Side.BOTH)
    side_effects.add_side_effect(
        helene.db,
        first,
        SideEffectData(
            "bruising",
            Severity.MILD,
            dt.date(2026, 9, 2),
            area_id=left_thigh,
            resolved_on=dt.date(2026, 9, 9),
        ),
    )
    side_effects.add_side_effect(
        helene.db,
        first,
        SideEffectData("swelling", Severity.MILD, dt.date(2026, 9, 2), area_id=buttocks),
    )
    side_effects.add_side_effect(
        helene.db, first, SideEffectData("nausea", Severity.MILD, dt.date(2026, 9, 1))
    )
    voided = side_effects.add_side_effect(
        helene.db,
        first,
        SideEffectData("rash", Severity.MILD, dt.date(2026, 9, 3), area_id=left_thigh),
    )
    side_effects.void_side_effect(helene.db, voided, "entered twice")

    mapped = course_map(helene.db, helene.course)
    marked = {
        (a.region_code, a.side): [(m.type_name, m.resolved) for m in a.side_effects]
        for a in mapped.areas
    }
    assert marked == {
        ("thigh_outer", Side.LEFT): [("Bruising", True)],
        ("thigh_outer", Side.RIGHT): [],
        ("buttock", Side.LEFT): [("Swelling", False)],
        ("buttock", Side.RIGHT): [("Swelling", False)],
    }
    assert [m.type_name for m in mapped.unplaced_side_effects] == ["Nausea"]


def test_an_unknown_course_is_refused(helene: Helene) -> None:
    with pytest.raises(NotFoundError):
        course_map(helene.db, 9999)
