"""The window as it stands before the workspace issue: search and the Today list."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.services import courses, patients
from mesodesk.ui.main_window import MainWindow


def _add(db: Database, number: str, family: str, given: str) -> int:
    return patients.create_patient(
        db, patients.PatientData(number, family, given, dt.date(1984, 5, 12), Sex.FEMALE)
    )


def test_typing_a_name_without_accents_finds_the_patient(qtbot: QtBot, db: Database) -> None:
    _add(db, "2026-0142", "Dubois", "Hélène")
    _add(db, "2026-0143", "Martin", "Paul")
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)
    window.show()

    qtbot.keyClicks(window.search, "helene")

    shown = [window.results.item(i).text() for i in range(window.results.count())]
    assert len(shown) == 1
    assert "DUBOIS Hélène" in shown[0]
    assert "2026-0142" in shown[0]


def test_a_planned_course_is_listed_as_due(qtbot: QtBot, db: Database) -> None:
    patient = _add(db, "2026-0200", "Benali", "Karim")
    courses.plan_course(
        db, patient, courses.CourseData("hair_loss", 12, 7, dt.date.today(), ("scalp_vertex",))
    )
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)

    due = [window.due.item(i).text() for i in range(window.due.count())]
    assert any("Karim Benali" in line and "due today" in line for line in due)


def test_a_new_patient_appears_without_reopening(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db, db.path)
    qtbot.addWidget(window)
    assert window.results.count() == 0
    _add(db, "2026-0300", "Marchetti", "Sofia")
    assert window.results.count() == 1
