"""Recording a session whole or not at all; the rules at the door; amending and voiding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select, text

from mesodesk.core.db import Database
from mesodesk.core.enums import (
    Anaesthesia,
    ConcentrationUnit,
    ConsentKind,
    CourseStatus,
    Device,
    FindingLevel,
    Severity,
    Side,
)
from mesodesk.core.errors import BlockedByRulesError, KnownError, StorageError, ValidationError
from mesodesk.core.models import (
    CocktailLine,
    Lot,
    Measurement,
    SideEffect,
    TreatedArea,
    TreatmentSession,
)
from mesodesk.core.services import audit, catalogue, courses, screening, sessions
from mesodesk.core.services.catalogue import IngredientAmount, LotData, ProductData
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.sessions import AreaData, CocktailLineData
from mesodesk.core.services.side_effects import SideEffectData
from tests.core.conftest import (
    BASELINE,
    COURSE_START,
    LEFT_THIGH,
    SESSION_ONE,
    SHELF_DAY,
    Clinic,
    Helene,
    add_course,
    add_patient,
    all_table_counts,
    simple_session,
)

REDNESS = SideEffectData("redness", Severity.MILD, COURSE_START, area_index=2)


def session_row(db: Database, session_id: int) -> TreatmentSession:
    with db.read() as session:
        row = session.get(TreatmentSession, session_id)
        assert row is not None
        return row


def rows(db: Database, model: type, **where: object) -> list:  # type: ignore[type-arg]
    with db.read() as session:
        statement = select(model).filter_by(**where).order_by(model.id)  # type: ignore[attr-defined]
        return list(session.scalars(statement))


def lipo_mix_lot(clinic: Clinic) -> int:
    """A product with lidocaine as one of its three ingredients, and a lot of it."""
    product = catalogue.add_product(
        clinic.db,
        ProductData(
            "Lipo-mix",
            ingredients=(
                IngredientAmount("Phosphatidylcholine", 50),
                IngredientAmount("Deoxycholic acid", 4.75),
                IngredientAmount("Lidocaine", 2, ConcentrationUnit.PERCENT),
            ),
        ),
    )
    return catalogue.add_lot(
        clinic.db, product, LotData("LM-77", dt.date(2027, 6, 30)), SHELF_DAY
    ).id


# --- the whole session of SCENARIOS.md §2 ----------------------------------------------


def test_session_one_of_the_cellulite_course_is_recorded_whole(helene: Helene) -> None:
    db = helene.db
    saved = sessions.record_session(
        db, helene.session(measurements=BASELINE, side_effects=(REDNESS,), notes=" Tolerated well ")
    )
    assert saved.number == 1
    assert saved.course_status == CourseStatus.ACTIVE
    assert saved.next_due_date == dt.date(2026, 9, 15)
    assert [f.level for f in saved.findings if f.level != FindingLevel.INFO] == []

    stored = sessions.session_data(db, saved.id)
    assert stored.started_at == SESSION_ONE
    assert (stored.duration_min, stored.device, stored.anaesthesia) == (
        40,
        Device.GUN,
        Anaesthesia.NONE,
    )
    assert (stored.pain_vas, stored.aftercare_given, stored.aftercare_code) == (3, True, "standard")
    assert stored.notes == "Tolerated well"
    assert stored.cocktail == (
        CocktailLineData(helene.clinic.caf_lot, 2.0),
        CocktailLineData(helene.clinic.lc_lot, 2.0),
    )
    assert stored.areas == helene.session().areas
    assert stored.maintenance is False and stored.override_reason is None

    row = session_row(db, saved.id)
    assert row.screening_id == helene.screening
    assert row.practitioner_id == helene.clinic.practitioner

    measured = {(m.metric_code, m.site): m for m in rows(db, Measurement, session_id=saved.id)}
    assert measured[("circumference", LEFT_THIGH)].value == 58.5
    assert measured[("css_total", "")].value == 9
    assert measured[("bmi", "")].value == 23.5
    assert all(
        m.course_id == helene.course and m.measured_on == COURSE_START for m in measured.values()
    )
    assert len(measured) == len(BASELINE) + 2

    [effect] = rows(db, SideEffect, session_id=saved.id)
    buttock = rows(db, TreatedArea, session_id=saved.id)[2]
    assert (effect.type_code, effect.area_id, effect.severity) == ("redness", buttock.id, "mild")

    # Every row written has its insert entry in the audit.
    for table, model in (
        ("treatment_session", TreatmentSession),
        ("cocktail_line", CocktailLine),
        ("treated_area", TreatedArea),
        ("measurement", Measurement),
        ("side_effect", SideEffect),
    ):
        key = "id" if model is TreatmentSession else "session_id"
        for written in rows(db, model, **{key: saved.id}):
            entry = audit.record_history(db, table, written.id)[0]
            assert entry.action == "insert" and entry.actor == "Dr Test"


def test_session_numbers_follow_and_maintenance_is_flagged(helene: Helene) -> None:
    when = SESSION_ONE
    numbers = []
    for _ in range(3):
        numbers.append(sessions.record_session(helene.db, helene.session(when)).number)
        when += dt.timedelta(days=14)
    assert numbers == [1, 2, 3]
    flagged = sessions.record_session(helene.db, helene.session(when, maintenance=True))
    assert flagged.number == 4
    assert session_row(helene.db, flagged.id).maintenance
    # An explicit maintenance session does not count toward the planned eight.
    assert courses.get_course(helene.db, helene.course).status == CourseStatus.ACTIVE


def test_a_session_past_the_planned_count_is_maintenance_by_default(clinic: Clinic) -> None:
    pid = add_patient(clinic.db, "2026-0001")
    cid = add_course(clinic.db, pid, planned=1, maintenance=30)
    first = sessions.record_session(clinic.db, simple_session(clinic, cid, SESSION_ONE))
    assert first.course_status == CourseStatus.MAINTENANCE
    assert not session_row(clinic.db, first.id).maintenance
    second = sessions.record_session(
        clinic.db, simple_session(clinic, cid, SESSION_ONE + dt.timedelta(days=30))
    )
    assert second.number == 2
    assert session_row(clinic.db, second.id).maintenance


# --- rules at the door -------------------------------------------------------------------


def test_a_block_needs_an_override_reason_which_is_stored(clinic: Clinic) -> None:
    db = clinic.db
    minor = add_patient(db, "2026-0300", "Petit", "Lou", dt.date(2009, 6, 1))
    course = add_course(db, minor, indication="skin_rejuvenation", start=dt.date(2026, 5, 1))
    data = simple_session(clinic, course, dt.datetime(2026, 5, 31, 9))
    before = all_table_counts(db)
    for reason in (None, "", "  ", "ok"):
        with pytest.raises(BlockedByRulesError) as caught:
            sessions.record_session(db, dataclasses.replace(data, override_reason=reason))
        assert caught.value.overridable
        assert any("16" in finding for finding in caught.value.findings)
    assert all_table_counts(db) == before

    reason = "Parental consent and dermatologist's letter on file"
    saved = sessions.record_session(db, dataclasses.replace(data, override_reason=f" {reason} "))
    row = session_row(db, saved.id)
    assert row.override_reason == reason
    stored = json.loads(row.findings_json)
    assert {"rule": "minor", "level": "block"}.items() <= stored[0].items()
    assert sessions.stored_findings(row) == list(saved.findings)
    entries = audit.record_history(db, "treatment_session", saved.id)
    assert entries[0].action == "insert"
    assert {entry.reason for entry in entries} == {reason}


def test_an_expired_lot_cannot_be_overridden(helene: Helene) -> None:
    # §2: LC-2409-A expires 2026-12-15; a session on 2026-12-16 with it is refused.
    db = helene.db
    before = all_table_counts(db)
    blocked = helene.session(dt.datetime(2026, 12, 16, 10), override_reason="I insist on it")
    with pytest.raises(BlockedByRulesError) as caught:
        sessions.record_session(db, blocked)
    assert caught.value.overridable is False
    assert "LC-2409-A" in str(caught.value)
    assert "cannot be saved" in str(caught.value)
    assert all_table_counts(db) == before
    # With another lot of the same product, it goes through.
    fresh = catalogue.add_lot(
        db,
        helene.clinic.carnitine,
        LotData("LC-2611-B", dt.date(2027, 6, 30)),
        dt.date(2026, 11, 1),
    ).id
    swapped = dataclasses.replace(
        blocked,
        cocktail=(CocktailLineData(helene.clinic.caf_lot, 2.0), CocktailLineData(fresh, 2.0)),
        override_reason=None,
    )
    assert sessions.record_session(db, swapped).number == 1


def test_on_its_expiry_day_a_lot_is_usable_with_a_notice(helene: Helene) -> None:
    saved = sessions.record_session(helene.db, helene.session(dt.datetime(2026, 12, 15, 9)))
    [expiring] = [f for f in saved.findings if f.rule == "lot_expiring"]
    assert expiring.level == FindingLevel.INFO and "expires today" in expiring.message


def test_the_expired_silicium_lot_is_never_usable(helene: Helene) -> None:
    data = helene.session(
        cocktail=(CocktailLineData(helene.clinic.so_lot, 1.0),), override_reason="Only one left"
    )
    with pytest.raises(BlockedByRulesError) as caught:
        sessions.record_session(helene.db, data)
    assert not caught.value.overridable and "SO-5521" in str(caught.value)


@pytest.mark.parametrize("how", ["free text alias", "linked ingredient"])
def test_an_allergy_to_lidocaine_in_a_three_ingredient_product_blocks(
    helene: Helene, how: str
) -> None:
    db = helene.db
    lot = lipo_mix_lot(helene.clinic)
    if how == "free text alias":
        allergy = screening.ScreeningData(
            COURSE_START, allergies="Lignocaïne (hives at the dentist)"
        )
    else:
        with db.read() as session:
            lidocaine = session.execute(
                text("SELECT id FROM ingredient WHERE name = 'Lidocaine'")
            ).scalar_one()
        allergy = screening.ScreeningData(COURSE_START, allergy_ingredient_ids=(lidocaine,))
    screening.record_screening(db, helene.patient, allergy)
    data = helene.session(
        cocktail=(CocktailLineData(helene.clinic.caf_lot, 2.0), CocktailLineData(lot, 1.0))
    )
    findings = sessions.check_session(db, data)
    [block] = [f for f in findings if f.level == FindingLevel.BLOCK]
    assert block.rule == "allergy" and "Lidocaine" in block.message and "Lipo-mix" in block.message
    with pytest.raises(BlockedByRulesError):
        sessions.record_session(db, data)


def test_a_lesion_at_a_treated_region_blocks(helene: Helene) -> None:
    screening.record_screening(
        helene.db,
        helene.patient,
        screening.ScreeningData(
            COURSE_START, active_infection_or_lesion=True, lesion_regions=("buttock",)
        ),
    )
    findings = sessions.check_session(helene.db, helene.session())
    assert [f.rule for f in findings if f.level == FindingLevel.BLOCK] == ["lesion"]
    thighs_only = helene.session(areas=helene.session().areas[:2])
    assert not [
        f for f in sessions.check_session(helene.db, thighs_only) if f.level == FindingLevel.BLOCK
    ]


def test_pregnancy_declared_before_session_3_blocks_and_the_course_is_paused(
    clinic: Clinic,
) -> None:
    # §4: Mme Marchetti says she is pregnant before session 3.
    db = clinic.db
    sofia = add_patient(db, "2026-0210", "Marchetti", "Sofia", dt.date(1971, 2, 20))
    screening.record_screening(db, sofia, screening.ScreeningData(dt.date(2026, 9, 1)))
    screening.record_consent(db, sofia, ConsentKind.TREATMENT, "3", dt.date(2026, 9, 1))
    course = add_course(
        db, sofia, indication="skin_rejuvenation", planned=4, interval=15, areas=("cheek",)
    )
    face = (AreaData("cheek", Side.BOTH, "nappage", 1.0, 32, 4, 1, 80),)
    for n in range(2):
        when = dt.datetime(2026, 9, 1, 9) + dt.timedelta(days=15 * n)
        sessions.record_session(db, simple_session(clinic, course, when, areas=face))
    screening.record_screening(
        db, sofia, screening.ScreeningData(dt.date(2026, 10, 1), pregnant=True)
    )
    third = simple_session(clinic, course, dt.datetime(2026, 10, 1, 9), areas=face)
    with pytest.raises(BlockedByRulesError) as caught:
        sessions.record_session(db, third)
    assert caught.value.overridable
    assert any("pregnant" in f for f in caught.value.findings)
    courses.set_course_status(db, course, CourseStatus.PAUSED, "Pregnant: resume after birth")
    assert courses.get_course(db, course).status == CourseStatus.PAUSED
    # The earlier sessions are unaffected: the screening in force on their day was clear.
    first = sessions.session_data(db, rows(db, TreatmentSession, course_id=course)[0].id)
    assert first.override_reason is None


def test_cautions_are_stored_but_do_not_stop_the_save(clinic: Clinic) -> None:
    db = clinic.db
    pid = add_patient(db, "2026-0001")
    screening.record_screening(
        db, pid, screening.ScreeningData(COURSE_START, anticoagulant_or_bleeding_disorder=True)
    )
    cid = add_course(db, pid)
    first = sessions.record_session(db, simple_session(clinic, cid, SESSION_ONE))
    assert {f.rule for f in first.findings} >= {"bleeding_risk", "consent"}
    early = sessions.record_session(
        db, simple_session(clinic, cid, SESSION_ONE + dt.timedelta(days=7))
    )
    assert "interval_course" in {f.rule for f in early.findings}
    stored = sessions.stored_findings(session_row(db, early.id))
    assert {f.rule for f in stored} == {f.rule for f in early.findings}
    assert all(f.level != FindingLevel.BLOCK for f in stored)


def test_a_product_minimum_interval_counts_across_courses(clinic: Clinic) -> None:
    db = clinic.db
    product = catalogue.add_product(
        db,
        ProductData(
            "Slow-mix", ingredients=(IngredientAmount("Phosphatidylcholine"),), min_days_between=21
        ),
    )
    lot = catalogue.add_lot(db, product, LotData("SM-1", dt.date(2027, 12, 31)), SHELF_DAY).id
    pid = add_patient(db, "2026-0001")
    thighs = add_course(db, pid, interval=7)
    belly = add_course(db, pid, indication="localized_fat", interval=7, areas=())
    sessions.record_session(db, simple_session(clinic, thighs, SESSION_ONE, lots=(lot,)))
    findings = sessions.check_session(
        db, simple_session(clinic, belly, SESSION_ONE + dt.timedelta(days=10), lots=(lot,))
    )
    [finding] = [f for f in findings if f.rule == "interval_product"]
    assert finding.level == FindingLevel.CAUTION and "Slow-mix" in finding.message


def test_check_session_writes_nothing(helene: Helene) -> None:
    db = helene.db
    sessions.record_session(db, helene.session())
    before = all_table_counts(db)
    data = helene.session(
        dt.datetime(2026, 12, 16, 10), measurements=BASELINE, side_effects=(REDNESS,)
    )
    findings = sessions.check_session(db, data)
    assert [f.rule for f in findings if f.level == FindingLevel.BLOCK] == ["lot_expired"]
    assert all_table_counts(db) == before


# --- validation: all or nothing --------------------------------------------------------


# Lot ids follow the order of §1: 1 is CAF-24-117, 2 LC-2409-A, 3 SO-5521 (expired).
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"practitioner_id": 999}, "Practitioner"),
        ({"started_at": dt.date(2026, 9, 1)}, "Date and time"),
        ({"started_at": dt.datetime(1999, 12, 31, 9)}, "Date and time"),
        ({"duration_min": 0}, "Duration"),
        ({"duration_min": 601}, "Duration"),
        ({"device": "laser"}, "Device"),
        ({"anaesthesia": "general"}, "Anaesthesia"),
        ({"pain_vas": 11}, "Pain during (VAS)"),
        ({"pain_vas": -1}, "Pain during (VAS)"),
        ({"notes": "bad\x07bell"}, "Notes"),
        ({"aftercare_code": None}, "Aftercare sheet"),
        ({"next_due_date": dt.date(2026, 9, 1)}, "Next due date"),
        ({"cocktail": ()}, "Cocktail"),
        ({"cocktail": (CocktailLineData(999, 2.0),)}, "Cocktail line 1"),
        ({"cocktail": (CocktailLineData(1, 0.0),)}, "Cocktail line 1 volume"),
        ({"cocktail": (CocktailLineData(1, 100.5),)}, "Cocktail line 1 volume"),
        ({"cocktail": (CocktailLineData(1, float("nan")),)}, "Cocktail line 1 volume"),
        ({"cocktail": tuple(CocktailLineData(1, 0.1) for _ in range(21))}, "Cocktail"),
        ({"areas": ()}, "Treated areas"),
        ({"areas": (AreaData("knee_cap", Side.LEFT, "nappage", 1.0),)}, "Area 1"),
        (
            {"areas": (AreaData("thigh_outer", Side.MIDLINE, "nappage", 1.0),)},
            "Area 1 (Outer thigh (saddlebags)) side",
        ),
        (
            {"areas": (AreaData("perioral", Side.LEFT, "nappage", 1.0),)},
            "Area 1 (Perioral area) side",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "tattoo", 1.0),)},
            "Area 1 (Buttock) technique",
        ),
        ({"areas": (AreaData("buttock", Side.BOTH, "papule", 0),)}, "Area 1 (Buttock) volume"),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, needle_gauge=31),)},
            "Area 1 (Buttock) needle gauge",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, needle_length_mm=5),)},
            "Area 1 (Buttock) needle length",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, depth_mm=0),)},
            "Area 1 (Buttock) depth",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, depth_mm=21),)},
            "Area 1 (Buttock) depth",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, points=0),)},
            "Area 1 (Buttock) points",
        ),
        (
            {"areas": (AreaData("buttock", Side.BOTH, "papule", 1.0, map_points=((0.5, 1.2),)),)},
            "Area 1 (Buttock) map points",
        ),
        (
            {"areas": tuple(AreaData("buttock", Side.BOTH, "papule", 0.1) for _ in range(41))},
            "Treated areas",
        ),
    ],
)
def test_an_invalid_session_is_refused_naming_the_field(
    helene: Helene, change: dict[str, object], field: str
) -> None:
    before = all_table_counts(helene.db)
    with pytest.raises(ValidationError) as caught:
        sessions.record_session(helene.db, helene.session(**change))
    assert caught.value.field == field
    assert all_table_counts(helene.db) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"measurements": (*BASELINE, MeasurementData("circumference", 580.0, "left knee"))},
        {"measurements": (*BASELINE, MeasurementData("css_a", 1.5, "right thigh"))},
        {"measurements": (*BASELINE, MeasurementData("bmi", 23.5))},
        {
            "side_effects": (
                REDNESS,
                SideEffectData("bruising", Severity.MILD, dt.date(2026, 8, 31)),
            )
        },
        {
            "side_effects": (
                REDNESS,
                SideEffectData("bruising", Severity.MILD, COURSE_START, area_index=3),
            )
        },
        {
            "side_effects": (
                REDNESS,
                SideEffectData("bruising", Severity.MILD, COURSE_START, suspected_lot_id=3),
            )
        },
        {"side_effects": (REDNESS, SideEffectData("zombie", Severity.MILD, COURSE_START))},
        {"side_effects": (REDNESS, SideEffectData("bruising", "fatal", COURSE_START))},  # type: ignore[arg-type]
    ],
    ids=[
        "measurement out of range",
        "half a CSS point",
        "BMI typed by hand",
        "onset before the session",
        "area index out of range",
        "suspected lot not in the cocktail",
        "unknown side-effect type",
        "unknown severity",
    ],
)
def test_a_save_that_fails_halfway_writes_nothing(helene: Helene, bad: dict[str, object]) -> None:
    # The session row, its lines and areas are flushed before the last item fails.
    db = helene.db
    before = all_table_counts(db)
    with pytest.raises(ValidationError):
        sessions.record_session(db, helene.session(**{"measurements": BASELINE, **bad}))
    assert all_table_counts(db) == before
    assert courses.get_course(db, helene.course).status == CourseStatus.PLANNED
    # The same session, made valid, then saves as number 1.
    assert sessions.record_session(db, helene.session(measurements=BASELINE)).number == 1


def test_an_archived_patient_takes_no_session(helene: Helene) -> None:
    from mesodesk.core.services import patients

    patients.set_archived(helene.db, helene.patient, True, "Moved abroad")
    with pytest.raises(ValidationError) as caught:
        sessions.record_session(helene.db, helene.session())
    assert caught.value.field == "Patient"


@pytest.fixture
def full_disk(helene: Helene) -> Iterator[Database]:
    """Every new connection may not grow the file: the next big write finds the disk full."""
    db = helene.db

    def no_room(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    db.engine.dispose()
    event.listen(db.engine, "connect", no_room)
    yield db
    event.remove(db.engine, "connect", no_room)
    db.engine.dispose()


def test_a_full_disk_keeps_nothing_of_the_session(helene: Helene, full_disk: Database) -> None:
    db = full_disk
    before = all_table_counts(db)
    areas = tuple(
        AreaData("thigh_outer", side, "nappage", 0.5, 30, 4, 2, 60, ((0.25, 0.5),) * 200)
        for side in (Side.LEFT, Side.RIGHT) * 20
    )
    big = helene.session(
        notes="n" * 9000, areas=areas, measurements=BASELINE, side_effects=(REDNESS,)
    )
    with pytest.raises(StorageError) as caught:
        sessions.record_session(db, big)
    assert isinstance(caught.value, KnownError)
    assert "Nothing of it was kept" in str(caught.value)
    assert all_table_counts(db) == before
    with db.read() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def test_after_a_full_disk_the_record_still_works(helene: Helene) -> None:
    db = helene.db

    def no_room(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    db.engine.dispose()
    event.listen(db.engine, "connect", no_room)
    try:
        with pytest.raises(StorageError):
            sessions.record_session(db, helene.session(notes="n" * 9000, measurements=BASELINE))
    finally:
        event.remove(db.engine, "connect", no_room)
        db.engine.dispose()
    saved = sessions.record_session(db, helene.session(notes="n" * 9000, measurements=BASELINE))
    assert saved.number == 1
    assert audit.check_audit_chain(db).intact


# --- amending and voiding ------------------------------------------------------------


def test_amend_keeps_the_prior_values_in_the_audit_with_the_reason(helene: Helene) -> None:
    db = helene.db
    saved = sessions.record_session(db, helene.session())
    data = sessions.session_data(db, saved.id)
    left = dataclasses.replace(data.areas[0], volume_ml=2.5)
    reason = "Volume misread from the syringe"
    amended = sessions.amend_session(
        db, saved.id, dataclasses.replace(data, areas=(left, *data.areas[1:]), pain_vas=4), reason
    )
    assert amended.id == saved.id and amended.number == 1
    after = sessions.session_data(db, saved.id)
    assert after.areas[0].volume_ml == 2.5 and after.pain_vas == 4
    area_id = rows(db, TreatedArea, session_id=saved.id)[0].id
    change = audit.record_history(db, "treated_area", area_id)[-1]
    assert (change.action, change.before, change.after) == (
        "update",
        {"volume_ml": 2.0},
        {"volume_ml": 2.5},
    )
    assert change.reason == reason
    session_change = audit.record_history(db, "treatment_session", saved.id)[-1]
    assert session_change.before is not None and session_change.before["pain_vas"] == 3
    assert session_change.reason == reason


def test_amend_voids_removed_lines_and_areas_and_adds_new_ones(helene: Helene) -> None:
    db = helene.db
    clinic = helene.clinic
    saved = sessions.record_session(db, helene.session())
    data = sessions.session_data(db, saved.id)
    calf = AreaData("calf", Side.LEFT, "nappage", 0.4, 30, 4, 2, 10)
    reason = "Only caffeine was used; calf was treated too"
    sessions.amend_session(
        db,
        saved.id,
        dataclasses.replace(
            data, cocktail=data.cocktail[:1], areas=(data.areas[0], data.areas[1], calf)
        ),
        reason,
    )
    lines = rows(db, CocktailLine, session_id=saved.id)
    assert [(line.lot_id, line.voided) for line in lines] == [
        (clinic.caf_lot, False),
        (clinic.lc_lot, True),
    ]
    assert lines[1].void_reason == reason and lines[1].voided_at is not None
    areas = rows(db, TreatedArea, session_id=saved.id)
    # Areas are matched by position: the third is changed in place to the calf.
    assert [(a.region_code, a.voided) for a in areas] == [
        ("thigh_outer", False),
        ("thigh_outer", False),
        ("calf", False),
    ]
    assert audit.record_history(db, "treated_area", areas[2].id)[-1].before == {
        "region_code": "buttock",
        "side": "both",
        "technique_code": "papule",
        "depth_mm": 1.5,
        "points": 20,
        "volume_ml": 0.8,
    }
    after = sessions.session_data(db, saved.id)
    assert after.cocktail == (CocktailLineData(clinic.caf_lot, 2.0),)
    assert [a.region_code for a in after.areas] == ["thigh_outer", "thigh_outer", "calf"]

    # Adding back a line and an area appends new rows after the voided ones.
    buttock = helene.session().areas[2]
    sessions.amend_session(
        db,
        saved.id,
        dataclasses.replace(
            after,
            cocktail=(*after.cocktail, CocktailLineData(clinic.lc_lot, 1.0)),
            areas=(*after.areas, buttock),
        ),
        "Second product after all",
    )
    lines = rows(db, CocktailLine, session_id=saved.id)
    assert [(line.position, line.voided, line.volume_ml) for line in lines] == [
        (1, False, 2.0),
        (2, True, 2.0),
        (3, False, 1.0),
    ]
    assert [a.position for a in rows(db, TreatedArea, session_id=saved.id)] == [1, 2, 3, 4]
    [entry] = audit.record_history(db, "cocktail_line", lines[2].id)
    assert entry.action == "insert" and entry.reason == "Second product after all"


def test_an_amendment_is_checked_like_a_new_session(helene: Helene) -> None:
    db = helene.db
    saved = sessions.record_session(db, helene.session())
    data = sessions.session_data(db, saved.id)
    before = all_table_counts(db)
    with pytest.raises(ValidationError) as caught:
        sessions.amend_session(db, saved.id, data, reason="")
    assert caught.value.field == "Reason for the amendment"
    with pytest.raises(ValidationError):
        sessions.amend_session(db, saved.id, dataclasses.replace(data, pain_vas=12), "Typo")
    with pytest.raises(ValidationError) as caught:
        sessions.amend_session(
            db, saved.id, dataclasses.replace(data, measurements=BASELINE), "Add"
        )
    assert caught.value.field == "Amendment"
    other = add_course(db, helene.patient, indication="localized_fat", areas=())
    with pytest.raises(ValidationError) as caught:
        sessions.amend_session(db, saved.id, dataclasses.replace(data, course_id=other), "Move it")
    assert caught.value.field == "Course"
    with pytest.raises(BlockedByRulesError) as blocked:
        sessions.amend_session(
            db,
            saved.id,
            dataclasses.replace(data, cocktail=(CocktailLineData(helene.clinic.so_lot, 1.0),)),
            "Other lot",
        )
    assert not blocked.value.overridable
    assert all_table_counts(db) == {
        **before,
        "course": before["course"] + 1,
        "audit_entry": before["audit_entry"] + 1,
    }


def test_amending_the_date_of_a_session_typed_on_the_wrong_day(helene: Helene) -> None:
    # Session 1 was typed on 2026-09-01 but took place on 2026-09-22.
    db = helene.db
    saved = sessions.record_session(db, helene.session())
    data = sessions.session_data(db, saved.id)
    amended = sessions.amend_session(
        db,
        saved.id,
        dataclasses.replace(data, started_at=dt.datetime(2026, 9, 22, 10, 30)),
        "Wrong day typed",
    )
    assert sessions.session_data(db, saved.id).started_at == dt.datetime(2026, 9, 22, 10, 30)
    assert amended.next_due_date == dt.date(2026, 10, 6)


def test_void_keeps_the_session_marked_with_its_reason(helene: Helene) -> None:
    db = helene.db
    first = sessions.record_session(db, helene.session())
    with pytest.raises(ValidationError) as caught:
        sessions.void_session(db, first.id, " ")
    assert caught.value.field == "Reason"
    sessions.void_session(db, first.id, "Recorded under the wrong patient")
    row = session_row(db, first.id)
    assert row.voided and row.void_reason == "Recorded under the wrong patient"
    assert row.voided_at is not None
    assert audit.record_history(db, "treatment_session", first.id)[-1].after == {
        "voided": True,
        "void_reason": "Recorded under the wrong patient",
        "voided_at": row.voided_at.isoformat(),
    }
    with pytest.raises(ValidationError):
        sessions.void_session(db, first.id, "Again")
    with pytest.raises(ValidationError):
        sessions.amend_session(db, first.id, sessions.session_data(db, first.id), "Fix it")
    again = sessions.record_session(db, helene.session(SESSION_ONE + dt.timedelta(hours=2)))
    assert again.number == 1


# --- defaults for the next session ---------------------------------------------------


def test_defaults_for_a_first_session(helene: Helene) -> None:
    defaults = sessions.session_defaults(helene.db, helene.course, on=COURSE_START)
    assert (defaults.number, defaults.maintenance, defaults.practitioner_id) == (1, False, None)
    assert defaults.cocktail == () and defaults.areas == ()


def test_defaults_repeat_the_previous_protocol(helene: Helene) -> None:
    db = helene.db
    sessions.record_session(
        db, helene.session(anaesthesia=Anaesthesia.TOPICAL, device_model="U225")
    )
    defaults = sessions.session_defaults(db, helene.course, on=dt.date(2026, 9, 15))
    assert defaults.number == 2 and not defaults.maintenance
    assert defaults.practitioner_id == helene.clinic.practitioner
    assert (defaults.device, defaults.device_model, defaults.anaesthesia) == (
        Device.GUN,
        "U225",
        Anaesthesia.TOPICAL,
    )
    assert defaults.cocktail == helene.session().cocktail
    assert defaults.areas == helene.session().areas
    assert defaults.replaced_lots == ()


def test_defaults_swap_an_expired_lot_for_a_valid_one_of_the_same_product(helene: Helene) -> None:
    db = helene.db
    clinic = helene.clinic
    sessions.record_session(db, helene.session())
    later = catalogue.add_lot(
        db, clinic.carnitine, LotData("LC-2702-C", dt.date(2027, 9, 30)), SHELF_DAY
    ).id
    sooner = catalogue.add_lot(
        db, clinic.carnitine, LotData("LC-2611-B", dt.date(2027, 6, 30)), SHELF_DAY
    ).id
    # Another product's lot never replaces L-carnitine.
    catalogue.add_lot(db, clinic.caffeine, LotData("CAF-25-001", dt.date(2027, 1, 31)), SHELF_DAY)
    defaults = sessions.session_defaults(db, helene.course, on=dt.date(2026, 12, 16))
    assert [line.lot_id for line in defaults.cocktail] == [clinic.caf_lot, sooner]
    assert [line.volume_ml for line in defaults.cocktail] == [2.0, 2.0]
    [note] = defaults.replaced_lots
    assert "LC-2409-A" in note and "LC-2611-B" in note
    assert later != sooner
    # The defaults pass the rules as they are.
    data = helene.session(
        dt.datetime(2026, 12, 16, 10), cocktail=defaults.cocktail, areas=defaults.areas
    )
    assert not [f for f in sessions.check_session(db, data) if f.level == FindingLevel.BLOCK]


def test_defaults_keep_an_expired_lot_with_no_replacement_and_the_rules_stop_it(
    helene: Helene,
) -> None:
    db = helene.db
    sessions.record_session(db, helene.session())
    defaults = sessions.session_defaults(db, helene.course, on=dt.date(2026, 12, 16))
    assert [line.lot_id for line in defaults.cocktail] == [
        helene.clinic.caf_lot,
        helene.clinic.lc_lot,
    ]
    assert defaults.replaced_lots == ()
    with db.read() as session:
        assert session.get(Lot, helene.clinic.lc_lot).expiry_date < dt.date(2026, 12, 16)  # type: ignore[union-attr]
