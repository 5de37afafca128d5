"""The patient record as the practitioner reads and works it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity
from mesodesk.core.services import measurements, patients, screening, sessions, side_effects
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.side_effects import SideEffectData
from mesodesk.ui.dialogs.reason_dialog import ReasonDialog
from mesodesk.ui.record.measurements_tab import MeasurementsModel
from mesodesk.ui.record.patient_record import PatientRecord
from mesodesk.ui.record.progress_tab import series_key
from tests.scenario import BASELINE, Helene, make_helene

LEFT = "left thigh, 15 cm above the patella"


@pytest.fixture
def clinic(db: Database) -> Helene:
    clinic = make_helene(db)
    measurements.record_measurements(
        db, clinic.patient, dt.date(2026, 9, 1), BASELINE, course_id=clinic.course
    )
    first = sessions.record_session(db, clinic.session())
    sessions.record_session(
        db,
        clinic.session(
            dt.datetime(2026, 9, 15, 10),
            measurements=(MeasurementData("circumference", 57.9, LEFT),),
        ),
    )
    side_effects.add_side_effect(
        db,
        first.id,
        SideEffectData(
            "bruising", Severity.MILD, dt.date(2026, 9, 2), suspected_lot_id=clinic.caf_lot
        ),
    )
    return clinic


def open_record(qtbot: QtBot, clinic: Helene) -> PatientRecord:
    record = PatientRecord(clinic.db, clinic.patient)
    qtbot.addWidget(record)
    record.resize(1280, 800)
    record.show()
    return record


def all_text(widget: object) -> str:
    from PySide6.QtWidgets import QTableWidget, QTreeWidget

    if isinstance(widget, QTreeWidget):
        items = []
        for i in range(widget.topLevelItemCount()):
            top = widget.topLevelItem(i)
            items.append(top.text(0))  # type: ignore[union-attr]
            for j in range(top.childCount()):  # type: ignore[union-attr]
                child = top.child(j)  # type: ignore[union-attr]
                items += [child.text(c) for c in range(widget.columnCount())]  # type: ignore[union-attr]
        return "\n".join(items)
    assert isinstance(widget, QTableWidget)
    return "\n".join(
        widget.item(r, c).text()
        for r in range(widget.rowCount())  # type: ignore[union-attr]
        for c in range(widget.columnCount())
    )


def test_the_header_says_who_and_whether_to_treat(qtbot: QtBot, clinic: Helene) -> None:
    record = open_record(qtbot, clinic)
    assert record.header.name.text() == "DUBOIS Hélène"
    assert "file 2026-0142" in record.header.facts.text()
    assert record.header.badge.text() == "Clear"
    screening.record_screening(
        clinic.db, clinic.patient, screening.ScreeningData(dt.date.today(), pregnant=True)
    )
    assert record.header.badge.text() == "Contraindicated"
    assert "Pregnant" in record.header.reasons.text()


def test_the_timeline_shows_words_not_codes(qtbot: QtBot, clinic: Helene) -> None:
    record = open_record(qtbot, clinic)
    text = all_text(record.timeline.tree)
    assert "Cellulite · 8 × every 14 days · started 2026-09-01 · active · 2 of 8 done" in text
    assert "S1" in text and "S2" in text
    assert "Outer thigh (saddlebags) (L+R)" in text
    assert "CAF-24-117" in text and "Bruising (mild)" in text
    assert "thigh_outer" not in text and "nappage" not in text
    record.timeline.select_session(record.record.courses[0].sessions[0].id)
    details = record.timeline.details.toPlainText()
    assert "Nappage, 30 G 4 mm, depth 2 mm, 60 points, 2 mL" in details
    assert "Cafeína 1% — lot CAF-24-117 (exp. 2027-03-31) — 2 mL" in details


def test_voiding_a_session_from_the_timeline(qtbot: QtBot, clinic: Helene) -> None:
    record = open_record(qtbot, clinic)
    second = record.record.courses[0].sessions[1].id
    record.timeline.select_session(second)
    qtbot.mouseClick(record.timeline.buttons["void"], Qt.MouseButton.LeftButton)
    dialog = record.findChild(ReasonDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Entered under the wrong date")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "S2 (voided)" in all_text(record.timeline.tree)
    assert "Entered under the wrong date" in all_text(record.history.table)


def test_side_effects_tab_and_resolving(qtbot: QtBot, clinic: Helene) -> None:
    record = open_record(qtbot, clinic)
    assert "Bruising" in all_text(record.side_effects.table)
    assert "open" in all_text(record.side_effects.table)
    record.side_effects.table.selectRow(0)
    qtbot.mouseClick(record.side_effects.resolve_button, Qt.MouseButton.LeftButton)
    from mesodesk.ui.dialogs.side_effect_dialog import ResolveSideEffectDialog

    dialog = record.findChild(ResolveSideEffectDialog)
    assert dialog is not None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert side_effects.open_side_effects(clinic.db) == []
    assert "open" not in all_text(record.side_effects.table).split("\n")[3]


def test_correcting_a_measurement_asks_why_and_history_keeps_it(
    qtbot: QtBot, clinic: Helene
) -> None:
    record = open_record(qtbot, clinic)
    model = record.measurements.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).metric_code == "weight")
    index = model.index(row, 3)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, 66.0)  # nothing changes before the reason is given
    dialog = record.findChild(ReasonDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.reason, "Scale was not zeroed")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    values = {
        m.metric_code: m.value for m in measurements.patient_measurements(clinic.db, clinic.patient)
    }
    assert values["weight"] == 66.0 and values["bmi"] == 24.2
    history = all_text(record.history.table)
    assert "Scale was not zeroed" in history and "value: 64.0 → 66.0" in history


def test_the_measurements_model_is_a_proper_model(qtmodeltester, clinic: Helene) -> None:  # type: ignore[no-untyped-def]
    model = MeasurementsModel()
    model.set_rows(measurements.patient_measurements(clinic.db, clinic.patient), {})
    qtmodeltester.check(model)


def test_progress_in_words_and_numbers(qtbot: QtBot, clinic: Helene) -> None:
    record = open_record(qtbot, clinic)
    progress = record.progress
    progress.series.setCurrentIndex(progress.series.findData(series_key("circumference", LEFT)))
    assert progress.summary.text() == "−0.6 cm (−1.0 %) since baseline (2026-09-01) — better."
    assert "baseline" in all_text(progress.table) and "S2" in all_text(progress.table)


def test_a_session_recorded_from_the_record_then_amended_shows_in_timeline_and_history(
    qtbot: QtBot, clinic: Helene
) -> None:
    from mesodesk.ui.session_editor import SessionEditor

    record = open_record(qtbot, clinic)
    qtbot.mouseClick(record.action_buttons["session"], Qt.MouseButton.LeftButton)
    editor = record.findChild(SessionEditor)
    assert editor is not None and editor.isVisible()
    assert "session 3 of 8" in editor.title.text()  # the protocol of session 2 pre-filled
    from PySide6.QtCore import QDateTime

    editor.started_at.setDateTime(QDateTime(dt.datetime(2026, 9, 29, 11, 0)))
    qtbot.keyClicks(editor.notes, "Went well")
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "2026-09-29 11:00" in all_text(record.timeline.tree)
    assert record.tabs.currentWidget() is record.timeline
    third = record.timeline.selected_session()
    assert third is not None
    qtbot.mouseClick(record.timeline.buttons["amend"], Qt.MouseButton.LeftButton)
    amend = next(e for e in record.findChildren(SessionEditor) if e.session_id == third)
    amend.notes.clear()
    qtbot.keyClicks(amend.notes, "Went well, no bruising")
    qtbot.keyClicks(amend.amend_reason, "Completed the note after the call")
    with qtbot.waitSignal(amend.saved):
        qtbot.mouseClick(amend.save_button, Qt.MouseButton.LeftButton)
    history = all_text(record.history.table)
    assert "Completed the note after the call" in history
    assert "notes: Went well → Went well, no bruising" in history


def test_a_name_with_an_apostrophe_or_markup_shows_as_typed(qtbot: QtBot, clinic: Helene) -> None:
    data = patients.patient_data(clinic.db, clinic.patient)
    patients.update_patient(
        clinic.db,
        clinic.patient,
        dataclasses.replace(data, family_name="O'Brien", given_names="<b>Ann</b>"),
        reason="spelling",
    )
    record = open_record(qtbot, clinic)
    assert record.header.name.text() == "O'BRIEN <b>Ann</b>"
    assert record.header.name.textFormat() == Qt.TextFormat.PlainText
