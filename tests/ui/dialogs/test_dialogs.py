"""The workspace's dialogs, filled in as a practitioner would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QListWidget
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, CourseStatus, Sex
from mesodesk.core.services import catalogue, courses, patients, screening, sessions, side_effects
from mesodesk.core.services.measurements import patient_measurements
from mesodesk.ui import messages
from mesodesk.ui.dialogs.catalogue_dialog import CatalogueDialog
from mesodesk.ui.dialogs.consent_dialog import ConsentDialog
from mesodesk.ui.dialogs.course_dialog import CourseDialog, CourseStatusDialog
from mesodesk.ui.dialogs.measurements_dialog import MeasurementsDialog
from mesodesk.ui.dialogs.patient_dialog import PatientDialog
from mesodesk.ui.dialogs.reason_dialog import ReasonDialog
from mesodesk.ui.dialogs.screening_dialog import ScreeningDialog
from mesodesk.ui.dialogs.side_effect_dialog import ResolveSideEffectDialog, SideEffectDialog
from mesodesk.ui.forms import to_qdate
from tests.scenario import Helene, make_helene


@pytest.fixture
def clinic(db: Database) -> Helene:
    return make_helene(db)


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def check(widget: QListWidget, label_start: str) -> None:
    for i in range(widget.count()):
        if widget.item(i).text().startswith(label_start):
            widget.item(i).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(label_start)


def test_a_new_patient_is_typed_in(qtbot: QtBot, db: Database) -> None:
    dialog = PatientDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.file_number.text() == f"{dt.date.today().year}-0001"
    qtbot.keyClicks(dialog.family_name, "Dubois")
    dialog.given_names.setText("Hélène")
    dialog.date_of_birth.setDate(to_qdate(dt.date(1984, 5, 12)))
    dialog.sex.setCurrentIndex(dialog.sex.findData(Sex.FEMALE))
    qtbot.keyClicks(dialog.phone, "06 12 34 56 78")
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    stored = patients.patient_data(db, saved.args[0])
    assert (stored.family_name, stored.given_names, stored.phone) == (
        "Dubois",
        "Hélène",
        "06 12 34 56 78",
    )


def test_a_bad_field_is_named_and_the_typing_kept(qtbot: QtBot, db: Database) -> None:
    dialog = PatientDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.family_name, "Dubois")
    qtbot.keyClicks(dialog.email, "not-an-address")
    click(qtbot, dialog.save_button)
    assert dialog.error_line.text().startswith("Given names: is required")
    assert dialog.isVisible() and dialog.family_name.text() == "Dubois"
    assert patients.search_patients(db, "") == []


def test_editing_a_patient_keeps_the_others_fields(qtbot: QtBot, clinic: Helene) -> None:
    dialog = PatientDialog(clinic.db, clinic.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.given_names.text() == "Hélène"
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "06 99 99 99 99")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    data = patients.patient_data(clinic.db, clinic.patient)
    assert data.phone == "06 99 99 99 99" and data.date_of_birth == dt.date(1984, 5, 12)


def test_a_new_screening_starts_from_the_last_and_keeps_it(qtbot: QtBot, clinic: Helene) -> None:
    dialog = ScreeningDialog(clinic.db, clinic.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.allergies.text() == "none known"
    click(qtbot, dialog.pregnant)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    history = screening.screening_history(clinic.db, clinic.patient)
    assert [s.data.pregnant for s in history] == [True, False]
    assert history[0].level is not None and history[0].level.value == "block"


def test_a_lesion_site_and_an_allergy_ingredient(qtbot: QtBot, clinic: Helene) -> None:
    dialog = ScreeningDialog(clinic.db, clinic.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.lesion)
    check(dialog.lesion_regions, "Buttock")
    check(dialog.allergy_ingredients, "Lidocaine")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    current = screening.current_screening(clinic.db, clinic.patient)
    assert current is not None
    assert current.data.lesion_regions == ("buttock",)
    assert current.allergy_ingredient_names == ("Lidocaine",)


def test_a_consent(qtbot: QtBot, clinic: Helene) -> None:
    dialog = ConsentDialog(clinic.db, clinic.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ConsentKind.PHOTOS))
    qtbot.keyClicks(dialog.text_version, "4")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    assert ("photos", "4") in {
        (c.kind.value, c.text_version) for c in screening.consents(clinic.db, clinic.patient)
    }


def test_planning_a_course_and_pausing_it(qtbot: QtBot, clinic: Helene) -> None:
    dialog = CourseDialog(clinic.db, clinic.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.indication.setCurrentIndex(dialog.indication.findData("hair_loss"))
    check(dialog.target_areas, "Vertex")
    dialog.planned.setValue(12)
    dialog.interval.setValue(7)
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    course = courses.get_course(clinic.db, saved.args[0])
    assert (course.indication_code, course.planned_sessions, course.interval_days) == (
        "hair_loss",
        12,
        7,
    )
    assert course.target_areas == ("scalp_vertex",)
    status = CourseStatusDialog(clinic.db, course.id)
    qtbot.addWidget(status)
    status.show()
    status.status.setCurrentIndex(status.status.findData(CourseStatus.PAUSED))
    click(qtbot, status.save_button)
    assert "Reason" in status.error_line.text()
    qtbot.keyClicks(status.reason, "Pregnant")
    with qtbot.waitSignal(status.saved):
        click(qtbot, status.save_button)
    assert courses.get_course(clinic.db, course.id).status == CourseStatus.PAUSED


def test_the_shelf_of_scenario_one(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = CatalogueDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Silicium organique 0.5%")
    click(qtbot, dialog.add_ingredient)
    name = dialog.ingredients.cellWidget(0, 0)
    assert isinstance(name, QComboBox)
    name.setCurrentIndex(name.findData("Organic silicon"))
    concentration = dialog.ingredients.cellWidget(0, 1)
    assert isinstance(concentration, QDoubleSpinBox)
    concentration.setValue(0.5)
    unit = dialog.ingredients.cellWidget(0, 2)
    assert isinstance(unit, QComboBox)
    unit.setCurrentIndex(unit.findText("%"))
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_product)
    qtbot.keyClicks(dialog.lot_number, "SO-5521")
    dialog.lot_expiry.setDate(to_qdate(dt.date(2025, 10, 1)))
    dialog.lot_received.setDate(to_qdate(dt.date(2025, 1, 10)))
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.add_lot_button)
    assert "cannot be used in a session" in dialog.last_lot_message
    boxes = [
        w
        for w in dialog.findChildren(type(messages.show_info(None, "", "")))
        if w.objectName() == "message" and w.isVisible()
    ]
    assert any("SO-5521" in box.text() for box in boxes)
    assert dialog.lots.item(0, 3).text().startswith("expired")
    [product] = catalogue.products(db)
    assert product.ingredients[0].ingredient == "Organic silicon"
    assert catalogue.lots(db, usable_on=dt.date.today()) == []


def test_a_side_effect_reported_later_then_resolved(qtbot: QtBot, clinic: Helene) -> None:
    saved = sessions.record_session(clinic.db, clinic.session())
    dialog = SideEffectDialog(clinic.db, saved.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("bruising"))
    dialog.area.setCurrentIndex(1)
    dialog.lot.setCurrentIndex(dialog.lot.findData(clinic.caf_lot))
    dialog.onset.setDate(to_qdate(dt.date(2026, 9, 2)))
    with qtbot.waitSignal(dialog.saved) as added:
        click(qtbot, dialog.save_button)
    [effect] = side_effects.open_side_effects(clinic.db)
    assert effect.id == added.args[0] and "left" in effect.area
    resolve = ResolveSideEffectDialog(clinic.db, effect.id)
    qtbot.addWidget(resolve)
    resolve.show()
    resolve.resolved_on.setDate(to_qdate(dt.date(2026, 9, 9)))
    qtbot.keyClicks(resolve.action, "Arnica gel")
    with qtbot.waitSignal(resolve.saved):
        click(qtbot, resolve.save_button)
    assert side_effects.open_side_effects(clinic.db) == []


def test_baseline_measurements(qtbot: QtBot, clinic: Helene) -> None:
    dialog = MeasurementsDialog(clinic.db, clinic.patient, clinic.course)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.measured_on.setDate(to_qdate(dt.date(2026, 9, 1)))
    metric, _site, value = (dialog.panel.rows.table.cellWidget(0, c) for c in range(3))
    metric.setCurrentIndex(metric.findData("weight"))  # type: ignore[union-attr]
    value.setValue(64.0)  # type: ignore[union-attr]
    for code, item in zip(
        ("css_a", "css_b", "css_c", "css_d", "css_e"), (2, 2, 2, 1, 2), strict=True
    ):
        dialog.panel.hexsel.items[code].setValue(item)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    values = {m.metric_code: m.value for m in patient_measurements(clinic.db, clinic.patient)}
    assert values["weight"] == 64.0 and values["css_total"] == 9


def test_a_reason_is_needed(qtbot: QtBot) -> None:
    dialog = ReasonDialog("Void session", "Why is this session voided?", action_text="Void")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "Wrong patient")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.reason_given) as given:
        click(qtbot, dialog.ok_button)
    assert given.args == ["Wrong patient"]


def test_escape_asks_before_losing_typed_text(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: False)
    dialog = PatientDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.family_name, "Dubois")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
