"""The session editor, used as a practitioner would: type, click, save, amend."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex, Side
from mesodesk.core.errors import StorageError
from mesodesk.core.services import audit, courses, history, patients, sessions
from mesodesk.core.services.measurements import patient_measurements
from mesodesk.ui import messages
from mesodesk.ui.session_editor import SessionEditor
from mesodesk.ui.session_editor.widgets import value_of
from tests.scenario import Helene, make_helene

SESSION_ONE = dt.datetime(2026, 9, 1, 10, 30)


@pytest.fixture
def clinic(db: Database) -> Helene:
    return make_helene(db)


def open_editor(
    qtbot: QtBot,
    db: Database,
    course: int,
    session_id: int | None = None,
    when: dt.datetime = SESSION_ONE,
) -> SessionEditor:
    editor = SessionEditor(db, course, session_id)
    qtbot.addWidget(editor)
    editor.show()
    if session_id is None:
        editor.started_at.setDateTime(QDateTime(when))
    return editor


def pick(box: QComboBox, typed: str, value: object) -> None:
    """Type part of an entry, then take it from the list, as the completer offers."""
    if box.isEditable():
        box.lineEdit().clear()  # type: ignore[union-attr]
        QtBot.keyClicks(box.lineEdit(), typed)  # type: ignore[arg-type]
    box.setCurrentIndex(box.findData(value))


def type_number(spin: QSpinBox | QDoubleSpinBox, text: str) -> None:
    spin.lineEdit().selectAll()
    QtBot.keyClicks(spin, text)


def fill_area(
    editor: SessionEditor,
    row: int,
    region: str,
    side: Side,
    technique: str,
    depth: str,
    points: str,
    volume: str,
) -> None:
    cells = [editor.areas.table.cellWidget(row, c) for c in range(8)]
    pick(cells[0], region[:5], region)  # type: ignore[arg-type]
    cells[1].setCurrentIndex(cells[1].findData(side))  # type: ignore[union-attr]
    pick(cells[2], technique, technique)  # type: ignore[arg-type]
    pick(cells[3], "30", 30)  # type: ignore[arg-type]
    pick(cells[4], "4", 4.0)  # type: ignore[arg-type]
    type_number(cells[5], depth)  # type: ignore[arg-type]
    type_number(cells[6], points)  # type: ignore[arg-type]
    type_number(cells[7], volume)  # type: ignore[arg-type]


def test_session_one_is_recorded_through_the_editor(qtbot: QtBot, clinic: Helene) -> None:
    editor = open_editor(qtbot, clinic.db, clinic.course)
    assert "session 1 of 8" in editor.title.text()
    pick(editor.cocktail.lot_box(0), "CAF", clinic.caf_lot)
    qtbot.mouseClick(editor.cocktail.add_button, Qt.MouseButton.LeftButton)
    pick(editor.cocktail.lot_box(1), "LC-24", clinic.lc_lot)
    fill_area(editor, 0, "thigh_outer", Side.LEFT, "nappage", "2", "60", "2")
    qtbot.mouseClick(editor.areas.add_button, Qt.MouseButton.LeftButton)
    fill_area(editor, 1, "thigh_outer", Side.RIGHT, "nappage", "2", "60", "2")
    qtbot.mouseClick(editor.areas.add_button, Qt.MouseButton.LeftButton)
    fill_area(editor, 2, "buttock", Side.BOTH, "papule", "1.5", "20", "0.8")
    editor.device.setCurrentIndex(editor.device.findText("Mesotherapy gun"))
    type_number(editor.duration, "40")
    type_number(editor.pain, "3")
    for code, value in zip(("css_a", "css_b", "css_c", "css_d", "css_e"), "22212", strict=True):
        type_number(editor.measurements.hexsel.items[code], value)
    assert editor.measurements.hexsel.total.text() == "Total: 9 / 15 (moderate)"
    qtbot.mouseClick(editor.measurements.rows.add_button, Qt.MouseButton.LeftButton)
    metric, site, value = (editor.measurements.rows.table.cellWidget(0, c) for c in range(3))
    pick(metric, "circum", "circumference")  # type: ignore[arg-type]
    qtbot.keyClicks(site, "left thigh, 15 cm above the patella")  # type: ignore[arg-type]
    type_number(value, "58.5")  # type: ignore[arg-type]
    with qtbot.waitSignal(editor.saved, timeout=2000) as saved:
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0]
    assert record.id == saved.args[0]
    assert record.started_at == SESSION_ONE
    assert record.duration_min == 40 and record.pain_vas == 3
    assert [(c.lot_number, c.volume_ml) for c in record.cocktail] == [
        ("CAF-24-117", 2.0),
        ("LC-2409-A", 2.0),
    ]
    assert [
        (a.region_code, a.side, a.technique_code, a.needle_gauge, a.depth_mm, a.points, a.volume_ml)
        for a in record.areas
    ] == [
        ("thigh_outer", Side.LEFT, "nappage", 30, 2.0, 60, 2.0),
        ("thigh_outer", Side.RIGHT, "nappage", 30, 2.0, 60, 2.0),
        ("buttock", Side.BOTH, "papule", 30, 1.5, 20, 0.8),
    ]
    values = {
        (m.metric_code, m.site): m.value for m in patient_measurements(clinic.db, clinic.patient)
    }
    assert values[("css_total", "")] == 9
    assert values[("circumference", "left thigh, 15 cm above the patella")] == 58.5
    assert record.aftercare_given
    assert not editor.isVisible()


def test_the_next_session_starts_from_the_previous_protocol(qtbot: QtBot, clinic: Helene) -> None:
    sessions.record_session(clinic.db, clinic.session())
    editor = open_editor(qtbot, clinic.db, clinic.course, when=dt.datetime(2026, 9, 15, 10))
    assert "session 2 of 8" in editor.title.text()
    assert [line.lot_id for line in editor.cocktail.lines()] == [clinic.caf_lot, clinic.lc_lot]
    assert len(editor.areas.areas()) == 3
    assert editor.areas.areas()[2].region_code == "buttock"


def test_a_block_shows_live_and_needs_a_reason(qtbot: QtBot, clinic: Helene) -> None:
    minor = patients.create_patient(
        clinic.db,
        patients.PatientData("2026-0300", "Petit", "Lou", dt.date(2009, 6, 1), Sex.FEMALE),
    )
    course = courses.plan_course(
        clinic.db, minor, courses.CourseData("skin_rejuvenation", 4, 15, dt.date(2026, 5, 1))
    )
    editor = open_editor(qtbot, clinic.db, course, when=dt.datetime(2026, 5, 31, 9))
    pick(editor.cocktail.lot_box(0), "CAF", clinic.caf_lot)
    fill_area(editor, 0, "forehead", Side.MIDLINE, "nappage", "2", "60", "1")
    qtbot.waitUntil(lambda: "adults" in editor.findings.text.text(), timeout=2000)
    assert editor.findings.override_reason.isVisible()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "override" in editor.error_line.text()
    assert editor.isVisible()
    qtbot.keyClicks(editor.findings.override_reason, "Written parental consent on file")
    with qtbot.waitSignal(editor.saved, timeout=2000) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = sessions.session_data(clinic.db, saved.args[0])
    assert stored.override_reason == "Written parental consent on file"


def test_an_expired_lot_is_never_offered(qtbot: QtBot, clinic: Helene) -> None:
    editor = open_editor(qtbot, clinic.db, clinic.course, when=dt.datetime(2026, 12, 16, 10))
    offered = [
        editor.cocktail.lot_box(0).itemData(i) for i in range(editor.cocktail.lot_box(0).count())
    ]
    assert clinic.lc_lot not in offered and clinic.caf_lot in offered


def test_a_failed_save_keeps_everything_typed(
    qtbot: QtBot, clinic: Helene, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_db: Database, _data: sessions.SessionData) -> None:
        raise StorageError("The change could not be saved: the disk is full or failed.")

    monkeypatch.setattr(sessions, "record_session", disk_full)
    editor = open_editor(qtbot, clinic.db, clinic.course)
    pick(editor.cocktail.lot_box(0), "CAF", clinic.caf_lot)
    fill_area(editor, 0, "thigh_outer", Side.LEFT, "nappage", "2", "60", "2")
    qtbot.keyClicks(editor.notes, "Patient anxious, went well")
    before = editor.data()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "disk is full" in editor.error_line.text()
    assert editor.isVisible()
    assert editor.data() == before


def test_amend_asks_a_reason_and_the_history_keeps_it(qtbot: QtBot, clinic: Helene) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    editor = open_editor(qtbot, clinic.db, clinic.course, session_id=saved.id)
    assert editor.amend_reason.isVisible()
    volume = editor.areas.table.cellWidget(0, 7)
    type_number(volume, "2.5")  # type: ignore[arg-type]
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Reason" in editor.error_line.text()
    qtbot.keyClicks(editor.amend_reason, "Volume misread from the syringe")
    with qtbot.waitSignal(editor.saved, timeout=2000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    area = history.patient_history(clinic.db, clinic.patient).courses[0].sessions[0].areas[0]
    change = audit.record_history(clinic.db, "treated_area", area.area_id)[-1]
    assert (change.before, change.after, change.reason) == (
        {"volume_ml": 2.0},
        {"volume_ml": 2.5},
        "Volume misread from the syringe",
    )


def test_escape_asks_before_discarding(
    qtbot: QtBot, clinic: Helene, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer_no(_parent: object, title: str, _question: str, **_kw: object) -> bool:
        asked.append(title)
        return False

    monkeypatch.setattr(messages, "ask", answer_no)
    editor = open_editor(qtbot, clinic.db, clinic.course)
    qtbot.keyClicks(editor.notes, "x")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked == ["Discard this session?"]
    assert editor.isVisible()
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: True)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert value_of(editor.cocktail.lot_box(0)) is None  # nothing was saved either
    assert sessions.session_defaults(clinic.db, clinic.course).number == 1


def test_lines_without_a_lot_are_named_before_saving(qtbot: QtBot, clinic: Helene) -> None:
    editor = open_editor(qtbot, clinic.db, clinic.course)
    fill_area(editor, 0, "thigh_outer", Side.LEFT, "nappage", "2", "60", "2")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Cocktail" in editor.error_line.text()
    assert isinstance(editor.cocktail.table.cellWidget(0, 2), QLineEdit)


def test_a_protocol_saved_as_a_template_starts_another_session(
    qtbot: QtBot, clinic: Helene
) -> None:
    from mesodesk.core.services import templates
    from mesodesk.ui.session_editor.templates import TemplateNameDialog

    sessions.record_session(clinic.db, clinic.session())
    editor = open_editor(qtbot, clinic.db, clinic.course, when=dt.datetime(2026, 9, 15, 10))
    qtbot.mouseClick(editor.templates.save_button, Qt.MouseButton.LeftButton)
    dialog = editor.findChild(TemplateNameDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.name, "Thighs and buttocks")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [t.name for t in templates.list_templates(clinic.db)] == ["Thighs and buttocks"]
    editor.cocktail.clear_rows()
    editor.areas.clear_rows()
    index = editor.templates.choice.findText("Template: Thighs and buttocks")
    editor.templates.choice.setCurrentIndex(index)
    editor.templates.choice.activated.emit(index)
    assert [line.lot_id for line in editor.cocktail.lines()] == [clinic.caf_lot, clinic.lc_lot]
    assert len(editor.areas.areas()) == 3
