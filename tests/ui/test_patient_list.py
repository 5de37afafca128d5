"""The patient list: search as you type, filters, and rows read a block at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.models import Patient
from mesodesk.core.services import courses, patients
from mesodesk.core.services import patient_list as service
from mesodesk.core.services.patient_list import PatientFilter
from mesodesk.core.text import fold
from mesodesk.ui.patient_list import BLOCK, LAST, NAME, NEXT, PatientListModel, PatientListPane

# Every top-level widget with a layout makes the offscreen platform say this once.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _add(db: Database, number: str, family: str, given: str, born: str = "1984-05-12") -> int:
    return patients.create_patient(
        db,
        patients.PatientData(
            number, family, given, dt.date.fromisoformat(born), Sex.FEMALE, phone="06 12 34 56 78"
        ),
    )


def _pane(qtbot: QtBot, db: Database) -> PatientListPane:
    pane = PatientListPane(db)
    qtbot.addWidget(pane)
    pane.resize(600, 700)
    pane.show()
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    return pane


def _names(pane: PatientListPane) -> list[str]:
    model = pane.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


def _bulk_patients(db: Database, count: int) -> None:
    """Thousands of patients in one insert: the services would take minutes."""
    rows = [
        {
            "file_number": f"2020-{n:05d}",
            "family_name": f"Family{n:05d}",
            "given_names": "Anne",
            "family_key": fold(f"Family{n:05d}"),
            "given_key": "anne",
            "date_of_birth": dt.date(1970, 1, 1) + dt.timedelta(days=n),
            "sex": "female",
        }
        for n in range(count)
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(Patient), rows)


def test_typing_a_name_without_accents_finds_the_patient_and_enter_opens_it(
    qtbot: QtBot, db: Database
) -> None:
    helene = _add(db, "2026-0142", "Dubois", "Hélène")
    _add(db, "2026-0143", "Martin", "Paul")
    pane = _pane(qtbot, db)
    assert pane.model.rowCount() == 2

    qtbot.keyClicks(pane.search, "helene")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    assert _names(pane) == ["DUBOIS Hélène"]
    assert pane.count.text() == "1 patient"

    with qtbot.waitSignal(pane.patient_opened) as opened:
        qtbot.keyClick(pane.search, Qt.Key.Key_Return)
    assert opened.args == [helene]


def test_a_file_number_or_phone_finds_the_patient(qtbot: QtBot, db: Database) -> None:
    _add(db, "2026-0142", "Dubois", "Helene")
    _add(db, "2026-0143", "Martin", "Paul")
    pane = _pane(qtbot, db)

    qtbot.keyClicks(pane.search, "0143")
    qtbot.waitUntil(lambda: _names(pane) == ["MARTIN Paul"])

    pane.search.clear()
    qtbot.keyClicks(pane.search, "zzz")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0)
    assert "No patient matches" in pane.count.text()


def test_down_arrow_walks_into_the_list_and_enter_opens(qtbot: QtBot, db: Database) -> None:
    _add(db, "2026-0001", "Alpha", "Anne")
    second = _add(db, "2026-0002", "Bravo", "Berthe")
    pane = _pane(qtbot, db)
    pane.search.setFocus()

    qtbot.keyClick(pane.search, Qt.Key.Key_Down)
    assert pane.table.hasFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_Down)
    with qtbot.waitSignal(pane.patient_opened) as opened:
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    assert opened.args == [second]


def test_double_click_opens_the_patient(qtbot: QtBot, db: Database) -> None:
    patient = _add(db, "2026-0001", "Alpha", "Anne")
    pane = _pane(qtbot, db)
    rect = pane.table.visualRect(pane.model.index(0, NAME))
    viewport = pane.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(pane.patient_opened) as opened:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [patient]


def test_the_filter_combo_narrows_the_list(qtbot: QtBot, db: Database) -> None:
    treated = _add(db, "2026-0001", "Alpha", "Anne")
    _add(db, "2026-0002", "Bravo", "Berthe")
    gone = _add(db, "2026-0003", "Charlie", "Chloe")
    courses.plan_course(
        db,
        treated,
        courses.CourseData("cellulite", 8, 14, dt.date.today() - dt.timedelta(days=3)),
    )
    patients.set_archived(db, gone, True, "moved abroad")
    pane = _pane(qtbot, db)
    assert _names(pane) == ["ALPHA Anne", "BRAVO Berthe"]

    labels = [pane.filter.itemText(i) for i in range(pane.filter.count())]
    assert labels == [kind.label for kind in PatientFilter]

    pane.filter.setCurrentIndex(pane.filter.findData(PatientFilter.ACTIVE_COURSE))
    assert _names(pane) == ["ALPHA Anne"]
    pane.filter.setCurrentIndex(pane.filter.findData(PatientFilter.DUE))
    assert _names(pane) == ["ALPHA Anne"]
    pane.filter.setCurrentIndex(pane.filter.findData(PatientFilter.OPEN_SIDE_EFFECTS))
    assert _names(pane) == []
    assert pane.count.text() == "No patient in this list"
    pane.filter.setCurrentIndex(pane.filter.findData(PatientFilter.ARCHIVED))
    assert _names(pane) == ["CHARLIE Chloe (archived)"]


def test_columns_show_words_and_an_overdue_date_in_red(qtbot: QtBot, db: Database) -> None:
    patient = _add(db, "2026-0001", "Alpha", "Anne", born="1984-05-12")
    start = dt.date.today() - dt.timedelta(days=3)
    courses.plan_course(db, patient, courses.CourseData("cellulite", 8, 14, start))
    model = PatientListModel(db)

    row = [model.index(0, column).data() for column in range(model.columnCount())]
    today = dt.date.today()
    age = today.year - 1984 - ((today.month, today.day) < (5, 12))
    assert row == ["2026-0001", "ALPHA Anne", str(age), "Cellulite", "", start.isoformat()]
    brush = model.index(0, NEXT).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush)
    assert brush.color().name() == "#b00020"
    assert model.index(0, NEXT).data(Qt.ItemDataRole.ToolTipRole) == "Overdue by 3 days"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "File number",
        "Name",
        "Age",
        "Indication",
        "Last session",
        "Next due",
    ]


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester, db: Database) -> None:
    for n in range(5):
        _add(db, f"2026-000{n}", f"Family{n}", "Anne")
    patient = patients.search_patients(db, "Family1")[0].id
    courses.plan_course(db, patient, courses.CourseData("hair_loss", 12, 7, dt.date.today()))
    model = PatientListModel(db)
    qtmodeltester.check(model)
    model.set_search("family2")
    qtmodeltester.check(model)


def test_a_new_patient_appears_without_reopening(qtbot: QtBot, db: Database) -> None:
    pane = _pane(qtbot, db)
    assert pane.model.rowCount() == 0
    assert "New patient" in pane.count.text()
    _add(db, "2026-0300", "Marchetti", "Sofia")
    assert _names(pane) == ["MARCHETTI Sofia"]


def test_rows_are_read_a_block_at_a_time(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bulk_patients(db, 3000)
    asked: list[int] = []
    original = service.patient_rows

    def counting(db: Database, ids: Sequence[int], today: dt.date | None = None) -> dict:
        asked.append(len(ids))
        return original(db, ids, today)

    monkeypatch.setattr(service, "patient_rows", counting)
    pane = _pane(qtbot, db)
    qtbot.waitUntil(lambda: bool(asked))
    assert pane.model.rowCount() == 3000
    assert pane.model.index(0, NAME).data() == "FAMILY00000 Anne"
    # The visible rows fit in the first block: one query for the screenful, not 3 000.
    assert asked == [BLOCK]

    pane.table.scrollToBottom()
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert pane.model.index(2999, NAME).data() == "FAMILY02999 Anne"
    assert asked == [BLOCK, BLOCK]
    assert pane.model.cached_rows() == 2 * BLOCK

    # Typing narrows the ids in SQL; only the matches' block is read.
    qtbot.keyClicks(pane.search, "family0299")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 10)
    qtbot.waitUntil(lambda: len(asked) == 3)
    assert asked[-1] == 10


def test_a_narrow_pane_sets_the_last_session_aside(qtbot: QtBot, db: Database) -> None:
    _add(db, "2026-0001", "Alpha", "Anne")
    pane = _pane(qtbot, db)
    assert not pane.table.isColumnHidden(LAST)
    pane.resize(450, 700)
    qtbot.waitUntil(lambda: pane.table.isColumnHidden(LAST))
    pane.resize(640, 700)
    qtbot.waitUntil(lambda: not pane.table.isColumnHidden(LAST))
