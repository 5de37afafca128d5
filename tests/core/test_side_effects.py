"""Side effects reported after a session, tied to its area and lot (DESIGN.md job 5)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from mesodesk.core.enums import Severity
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.models import TreatedArea
from mesodesk.core.services import audit, patients, sessions, side_effects
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.conftest import Helene, count_rows

EFFECT_TABLES = ("side_effect", "audit_entry")


@pytest.fixture
def treated(helene: Helene) -> tuple[Helene, int, list[int]]:
    """Session 1 of §2 recorded: the session id and its area ids (thigh L, thigh R, buttock)."""
    saved = sessions.record_session(helene.db, helene.session())
    with helene.db.read() as session:
        areas = list(
            session.scalars(
                select(TreatedArea.id)
                .where(TreatedArea.session_id == saved.id)
                .order_by(TreatedArea.position)
            )
        )
    return helene, saved.id, areas


def bruise(area_id: int | None, lot_id: int | None, **changes: object) -> SideEffectData:
    """§2: a bruise on the left outer thigh since the day after the session, mild."""
    data = SideEffectData(
        "bruising",
        Severity.MILD,
        dt.date(2026, 9, 2),
        area_id=area_id,
        suspected_lot_id=lot_id,
        notes="Phoned on 2026-09-04",
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def test_a_bruise_reported_days_later_is_tied_to_area_and_lot(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, areas = treated
    db = helene.db
    eid = side_effects.add_side_effect(db, session_id, bruise(areas[0], helene.clinic.caf_lot))
    [view] = side_effects.patient_side_effects(db, helene.patient)
    assert view.id == eid
    assert (view.session_id, view.session_number, view.session_date) == (
        session_id,
        1,
        dt.date(2026, 9, 1),
    )
    assert view.type_code == "bruising" and view.type_name == "Bruising"
    assert view.severity == Severity.MILD and not view.serious
    assert view.area == "Outer thigh (saddlebags) (left)"
    assert view.suspected_lot == "Cafeína 1% CAF-24-117"
    assert view.open and view.days_open(dt.date(2026, 9, 4)) == 2
    assert [e.id for e in side_effects.open_side_effects(db)] == [eid]
    [entry] = audit.record_history(db, "side_effect", eid)
    assert entry.action == "insert" and entry.after is not None
    assert entry.after["suspected_lot_id"] == helene.clinic.caf_lot


def test_resolving_closes_it(treated: tuple[Helene, int, list[int]]) -> None:
    helene, session_id, areas = treated
    db = helene.db
    eid = side_effects.add_side_effect(db, session_id, bruise(areas[0], helene.clinic.caf_lot))
    with pytest.raises(ValidationError) as caught:
        side_effects.resolve_side_effect(db, eid, dt.date(2026, 9, 1))
    assert caught.value.field == "Resolved on"
    side_effects.resolve_side_effect(db, eid, dt.date(2026, 9, 9), "Arnica cream")
    [view] = side_effects.patient_side_effects(db, helene.patient)
    assert view.resolved_on == dt.date(2026, 9, 9) and not view.open
    assert view.action_taken == "Arnica cream"
    assert view.days_open(dt.date(2027, 1, 1)) == 7
    assert side_effects.open_side_effects(db) == []
    changes = audit.record_history(db, "side_effect", eid)
    assert changes[-1].before == {"resolved_on": None, "action_taken": ""}
    assert changes[-1].after == {"resolved_on": "2026-09-09", "action_taken": "Arnica cream"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"onset_on": dt.date(2026, 8, 31)}, "Onset date"),
        ({"onset_on": dt.date.today() + dt.timedelta(days=2)}, "Onset date"),
        ({"resolved_on": dt.date(2026, 9, 1)}, "Resolved on"),
        ({"type_code": "werewolf"}, "Side effect type"),
        ({"severity": "deadly"}, "Severity"),
        ({"reported_on": dt.date(2026, 9, 5)}, "Reported on"),
        ({"reported_to_regulator": True, "reported_on": dt.date(2026, 9, 1)}, "Reported on"),
        ({"area_index": 0}, "Area"),
        ({"notes": "x" * 5001}, "Notes"),
    ],
)
def test_a_side_effect_is_validated_and_nothing_is_written(
    treated: tuple[Helene, int, list[int]], change: dict[str, object], field: str
) -> None:
    helene, session_id, areas = treated
    before = count_rows(helene.db, *EFFECT_TABLES)
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(
            helene.db, session_id, bruise(areas[0], helene.clinic.caf_lot, **change)
        )
    assert caught.value.field == field
    assert count_rows(helene.db, *EFFECT_TABLES) == before


def test_the_suspected_lot_must_be_one_of_the_session(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, areas = treated
    before = count_rows(helene.db, *EFFECT_TABLES)
    for lot in (helene.clinic.so_lot, 99999):
        with pytest.raises(ValidationError) as caught:
            side_effects.add_side_effect(helene.db, session_id, bruise(areas[0], lot))
        assert caught.value.field == "Suspected lot"
    assert count_rows(helene.db, *EFFECT_TABLES) == before
    # The L-carnitine lot was in the cocktail: fine.
    side_effects.add_side_effect(helene.db, session_id, bruise(areas[0], helene.clinic.lc_lot))


def test_the_area_must_be_one_of_the_session(treated: tuple[Helene, int, list[int]]) -> None:
    helene, _, areas = treated
    second = sessions.record_session(helene.db, helene.session(dt.datetime(2026, 9, 15, 10, 30))).id
    onset = dt.date(2026, 9, 16)
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(helene.db, second, bruise(areas[0], None, onset_on=onset))
    assert caught.value.field == "Area"
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(helene.db, second, bruise(123456, None, onset_on=onset))
    assert caught.value.field == "Area"


def test_a_lot_voided_from_the_session_is_no_longer_a_suspect(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, areas = treated
    data = sessions.session_data(helene.db, session_id)
    sessions.amend_session(
        helene.db, session_id, dataclasses.replace(data, cocktail=data.cocktail[:1]), "No carnitine"
    )
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(helene.db, session_id, bruise(areas[0], helene.clinic.lc_lot))
    assert caught.value.field == "Suspected lot"


def test_unknown_or_voided_sessions_take_no_side_effect(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, _ = treated
    with pytest.raises(NotFoundError):
        side_effects.add_side_effect(helene.db, 99999, bruise(None, None))
    sessions.void_session(helene.db, session_id, "Entered twice")
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(helene.db, session_id, bruise(None, None))
    assert caught.value.field == "Session"


def test_a_side_effect_is_corrected_with_a_reason(treated: tuple[Helene, int, list[int]]) -> None:
    helene, session_id, areas = treated
    db = helene.db
    eid = side_effects.add_side_effect(db, session_id, bruise(areas[0], helene.clinic.caf_lot))
    with pytest.raises(ValidationError):
        side_effects.update_side_effect(db, eid, bruise(areas[1], None), reason="")
    side_effects.update_side_effect(
        db, eid, bruise(areas[1], None, severity=Severity.MODERATE), reason="Right side, not left"
    )
    [view] = side_effects.patient_side_effects(db, helene.patient)
    assert view.area == "Outer thigh (saddlebags) (right)"
    assert view.severity == Severity.MODERATE and view.suspected_lot == ""
    change = audit.record_history(db, "side_effect", eid)[-1]
    assert change.reason == "Right side, not left"
    assert change.before is not None and change.before["area_id"] == areas[0]


def test_voiding_removes_it_from_the_lists_but_keeps_the_row(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, areas = treated
    db = helene.db
    eid = side_effects.add_side_effect(db, session_id, bruise(areas[0], helene.clinic.caf_lot))
    with pytest.raises(ValidationError):
        side_effects.void_side_effect(db, eid, "")
    side_effects.void_side_effect(db, eid, "Belonged to another patient")
    assert side_effects.open_side_effects(db) == []
    assert side_effects.patient_side_effects(db, helene.patient) == []
    assert count_rows(db, "side_effect") == {"side_effect": 1}
    change = audit.record_history(db, "side_effect", eid)[-1]
    assert change.reason == "Belonged to another patient"
    assert change.after is not None and change.after["voided"] is True
    with pytest.raises(ValidationError):
        side_effects.resolve_side_effect(db, eid, dt.date(2026, 9, 9))


def test_open_side_effects_oldest_first_and_archived_patients_left_out(
    treated: tuple[Helene, int, list[int]],
) -> None:
    helene, session_id, areas = treated
    db = helene.db
    later = side_effects.add_side_effect(
        db, session_id, bruise(areas[2], None, type_code="itching", onset_on=dt.date(2026, 9, 3))
    )
    earlier = side_effects.add_side_effect(db, session_id, bruise(areas[0], None))
    resolved = side_effects.add_side_effect(
        db, session_id, bruise(areas[1], None, resolved_on=dt.date(2026, 9, 5))
    )
    assert [e.id for e in side_effects.open_side_effects(db)] == [earlier, later]
    listed = side_effects.patient_side_effects(db, helene.patient)
    assert [e.id for e in listed] == [earlier, later, resolved]  # open first
    patients.set_archived(db, helene.patient, True, "Moved abroad")
    assert side_effects.open_side_effects(db) == []


def test_a_side_effect_logged_with_the_session_names_its_area_by_index(helene: Helene) -> None:
    effect = SideEffectData(
        "bruising",
        Severity.MILD,
        dt.date(2026, 9, 1),
        area_index=1,
        suspected_lot_id=helene.clinic.lc_lot,
        serious=True,
        reported_to_regulator=True,
        reported_on=dt.date(2026, 9, 2),
    )
    saved = sessions.record_session(helene.db, helene.session(side_effects=(effect,)))
    [view] = side_effects.patient_side_effects(helene.db, helene.patient)
    assert view.session_id == saved.id
    assert view.area == "Outer thigh (saddlebags) (right)"
    assert view.suspected_lot == "L-carnitine 20% LC-2409-A"
    assert view.serious and view.reported_to_regulator and view.reported_on == dt.date(2026, 9, 2)
    with pytest.raises(ValidationError) as caught:
        side_effects.add_side_effect(helene.db, saved.id, effect)
    assert caught.value.field == "Area"
