"""Mme Dubois's course of SCENARIOS.md §2 carried through, for the printed documents.

Eight sessions (one more recorded in error and voided), the measurements of each visit,
the bruise she phoned about. Everything goes through the services.
"""

from __future__ import annotations

import datetime as dt

from mesodesk.core.enums import Severity
from mesodesk.core.services import history, sessions, side_effects
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.side_effects import SideEffectData
from tests.scenario import BASELINE, LEFT_THIGH, RIGHT_THIGH, SESSION_ONE, Helene

VOID_REASON = "Entered on the wrong day"
# Hexsel items A–E at sessions 1, 4 and 8: the total falls from 9 to 5.
CSS_ITEMS = {1: (2, 2, 2, 1, 2), 4: (2, 1, 2, 1, 1), 8: (1, 1, 1, 1, 1)}
NOISE = (0.0, 0.1, -0.15, 0.05, -0.1, 0.15, -0.05, 0.0)


def visit_measurements(number: int) -> tuple[MeasurementData, ...]:
    if number == 1:
        return BASELINE
    fall = 0.4 * (number - 1)
    values = [
        MeasurementData("circumference", round(58.5 - fall + NOISE[number - 1], 1), LEFT_THIGH),
        MeasurementData("circumference", round(58.0 - fall - NOISE[number - 1], 1), RIGHT_THIGH),
        MeasurementData("weight", round(64.0 - 0.1 * number, 1)),
    ]
    codes = ("css_a", "css_b", "css_c", "css_d", "css_e")
    values += [
        MeasurementData(c, v) for c, v in zip(codes, CSS_ITEMS.get(number, ()), strict=False)
    ]
    return tuple(values)


def record_course(helene: Helene) -> list[int]:
    """Sessions 1 to 8 every 14 days, one voided between 2 and 3; their ids in order."""
    db = helene.db
    ids = []
    for number in range(1, 9):
        when = SESSION_ONE + dt.timedelta(days=14 * (number - 1))
        saved = sessions.record_session(
            db, helene.session(when, measurements=visit_measurements(number))
        )
        ids.append(saved.id)
        if number == 2:
            mistake = sessions.record_session(db, helene.session(when + dt.timedelta(days=1)))
            sessions.void_session(db, mistake.id, VOID_REASON)
    first = history.course_sessions(db, [helene.course])[helene.course][0]
    left_thigh = next(a for a in first.areas if a.side.value == "left")
    side_effects.add_side_effect(
        db,
        ids[0],
        SideEffectData(
            "bruising",
            Severity.MILD,
            dt.date(2026, 9, 2),
            area_id=left_thigh.area_id,
            suspected_lot_id=helene.caf_lot,
            resolved_on=dt.date(2026, 9, 9),
            action_taken="Cold pack advised",
        ),
    )
    return ids
