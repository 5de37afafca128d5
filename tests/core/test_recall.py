"""Tracing a lot: every patient and session that received it (DESIGN.md job 8)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mesodesk.core.enums import Side
from mesodesk.core.services import catalogue, recall, sessions
from mesodesk.core.services.catalogue import LotData
from mesodesk.core.services.sessions import AreaData, CocktailLineData
from tests.core.conftest import SHELF_DAY, Clinic, Helene, add_course, add_patient, simple_session


@pytest.fixture
def treated(helene: Helene) -> dict[str, int]:
    """Mme Dubois twice, M. Benali once (the caffeine lot as his second line), and a voided one."""
    clinic = helene.clinic
    db = helene.db
    first = sessions.record_session(db, helene.session()).id
    second = sessions.record_session(db, helene.session(dt.datetime(2026, 9, 15, 10, 30))).id
    karim = add_patient(db, "2026-0007", "Benali", "Karim", dt.date(1979, 11, 3), "0478 12 34 56")
    hair = add_course(db, karim, indication="hair_loss", interval=7, areas=())
    vertex = AreaData("scalp_vertex", Side.MIDLINE, "point_by_point", 2.0, 32, 4, 1.5, 100)
    benali = sessions.record_session(
        db,
        simple_session(
            clinic,
            hair,
            dt.datetime(2026, 9, 10, 9),
            lots=(clinic.lc_lot, clinic.caf_lot),
            areas=(vertex,),
        ),
    ).id
    sofia = add_patient(db, "2026-0210", "Marchetti", "Sofia", dt.date(1971, 2, 20))
    voided = sessions.record_session(
        db, simple_session(clinic, add_course(db, sofia), dt.datetime(2026, 9, 20, 9))
    ).id
    sessions.void_session(db, voided, "Recorded under the wrong patient")
    return {"first": first, "second": second, "benali": benali, "voided": voided, "karim": karim}


def test_a_recall_reaches_every_session_through_any_line(
    helene: Helene, treated: dict[str, int]
) -> None:
    found = recall.recall_lot(helene.db, "CAF-24-117")
    assert [r.session_id for r in found] == [treated["second"], treated["benali"], treated["first"]]
    assert {r.patient_id for r in found} == {helene.patient, treated["karim"]}
    benali = found[1]
    assert (benali.patient_name, benali.file_number, benali.phone) == (
        "Karim Benali",
        "2026-0007",
        "0478 12 34 56",
    )
    assert (benali.product, benali.lot_number, benali.expiry_date) == (
        "Cafeína 1%",
        "CAF-24-117",
        dt.date(2027, 3, 31),
    )
    assert benali.indication == "Hair loss"
    assert benali.session_number == 1 and benali.session_date == dt.date(2026, 9, 10)
    assert benali.volume_ml == 1.0
    assert benali.areas == "Vertex"
    first = found[2]
    assert first.areas == (
        "Outer thigh (saddlebags) (left); Outer thigh (saddlebags) (right); Buttock (both)"
    )
    assert first.volume_ml == 2.0


@pytest.mark.parametrize("typed", ["caf-24-117", " CAF-24-117 ", "Caf-24-117"])
def test_the_lot_number_is_matched_without_regard_to_case(
    helene: Helene, treated: dict[str, int], typed: str
) -> None:
    assert len(recall.recall_lot(helene.db, typed)) == 3


def test_voided_sessions_are_left_out(helene: Helene, treated: dict[str, int]) -> None:
    found = recall.recall_lot(helene.db, "CAF-24-117")
    assert treated["voided"] not in {r.session_id for r in found}
    sessions.void_session(helene.db, treated["benali"], "Entered twice")
    assert treated["karim"] not in {
        r.patient_id for r in recall.recall_lot(helene.db, "CAF-24-117")
    }


def test_a_line_amended_away_is_left_out(helene: Helene, treated: dict[str, int]) -> None:
    data = sessions.session_data(helene.db, treated["first"])
    sessions.amend_session(
        helene.db,
        treated["first"],
        dataclasses.replace(data, cocktail=data.cocktail[:1]),
        "No carnitine was given",
    )
    found = recall.recall_lot(helene.db, "LC-2409-A")
    assert [r.session_id for r in found] == [treated["second"], treated["benali"]]


def test_an_unknown_lot_recalls_nobody(helene: Helene, treated: dict[str, int]) -> None:
    assert recall.recall_lot(helene.db, "NOPE-1") == []
    assert recall.recall_lot(helene.db, "CAF-24") == []
    assert recall.recall_lot(helene.db, "%") == []


def test_two_products_sharing_a_lot_number_are_told_apart(clinic: Clinic) -> None:
    db = clinic.db
    twin = catalogue.add_lot(
        db, clinic.carnitine, LotData("CAF-24-117", dt.date(2027, 1, 31)), SHELF_DAY
    )
    pid = add_patient(db, "2026-0001")
    cid = add_course(db, pid)
    one = sessions.record_session(db, simple_session(clinic, cid, dt.datetime(2026, 9, 1, 9))).id
    two = sessions.record_session(
        db,
        simple_session(
            clinic, cid, dt.datetime(2026, 9, 15, 9), cocktail=(CocktailLineData(twin.id, 1.0),)
        ),
    ).id
    assert {r.session_id for r in recall.recall_lot(db, "CAF-24-117")} == {one, two}
    narrowed = recall.recall_lot(db, "CAF-24-117", product_id=clinic.carnitine)
    assert [(r.session_id, r.product) for r in narrowed] == [(two, "L-carnitine 20%")]
