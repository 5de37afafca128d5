"""The patient record: header, actions, and the tabs of the whole history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.db.database import ChangeSet
from mesodesk.core.errors import MesodeskError
from mesodesk.core.services import audit, catalogue, history, measurements, patients, sessions
from mesodesk.ui import messages
from mesodesk.ui.events import events_for
from mesodesk.ui.exchange import printing
from mesodesk.ui.photos.photos_tab import PhotosTab
from mesodesk.ui.record.course_map_tab import CourseMapTab
from mesodesk.ui.record.header import RecordHeader
from mesodesk.ui.record.history_tab import HistoryTab
from mesodesk.ui.record.measurements_tab import MeasurementsTab
from mesodesk.ui.record.overview_tab import OverviewTab
from mesodesk.ui.record.progress_tab import ProgressTab
from mesodesk.ui.record.side_effects_tab import SideEffectsTab
from mesodesk.ui.record.timeline_tab import TimelineTab, session_label


class PatientRecord(QWidget):
    def __init__(self, db: Database, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.patient_id = patient_id
        self._open: list[QWidget] = []  # dialogs kept alive while shown
        self.header = RecordHeader()
        self.action_buttons = {
            name: QPushButton(text)
            for name, text in (
                ("session", "New session…"),
                ("screening", "New screening…"),
                ("course", "Plan a course…"),
                ("measure", "Measurements…"),
            )
        }
        # The rarer actions wait in a menu, so the record fits beside the patient list.
        self.more = QToolButton()
        self.more.setText("Patient")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more)
        self.menu_actions = {
            "edit": menu.addAction("Edit patient…"),
            "consent": menu.addAction("Record consent…"),
            "archive": menu.addAction("Archive…"),
        }
        self.more.setMenu(menu)
        bar = QHBoxLayout()
        for button in self.action_buttons.values():
            bar.addWidget(button)
        bar.addWidget(self.more)
        bar.addStretch(1)
        self.tabs = QTabWidget()
        self.overview = OverviewTab()
        self.timeline = TimelineTab()
        self.side_effects = SideEffectsTab()
        self.measurements = MeasurementsTab()
        self.progress = ProgressTab(db)
        self.course_map = CourseMapTab(db)
        self.photos = PhotosTab(db)
        self.history = HistoryTab()
        for widget, title in (
            (self.overview, "Overview"),
            (self.timeline, "Courses and sessions"),
            (self.side_effects, "Side effects"),
            (self.measurements, "Measurements"),
            (self.progress, "Progress"),
            (self.course_map, "Body map"),
            (self.photos, "Photos"),
            (self.history, "History"),
        ):
            self.tabs.addTab(widget, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(self.tabs)
        self._connect()
        events_for(db).changed.connect(self._on_database_changed)
        self.refresh()

    def _connect(self) -> None:
        a = self.action_buttons
        m = self.menu_actions
        m["edit"].triggered.connect(
            lambda: self._open_dialog("patient_dialog", "PatientDialog", self.patient_id)
        )
        a["screening"].clicked.connect(
            lambda: self._open_dialog("screening_dialog", "ScreeningDialog", self.patient_id)
        )
        m["consent"].triggered.connect(
            lambda: self._open_dialog("consent_dialog", "ConsentDialog", self.patient_id)
        )
        a["course"].clicked.connect(
            lambda: self._open_dialog("course_dialog", "CourseDialog", self.patient_id)
        )
        a["measure"].clicked.connect(self._on_record_measurements)
        a["session"].clicked.connect(self._on_new_session)
        m["archive"].triggered.connect(self._on_archive)
        t = self.timeline
        t.new_session.connect(self.open_session_editor)
        t.amend_session.connect(self.open_session_editor)
        t.void_session.connect(self._on_void_session)
        t.print_aftercare.connect(
            lambda session_id: printing.print_aftercare(self, self.db, session_id)
        )
        t.add_side_effect.connect(
            lambda sid: self._open_dialog("side_effect_dialog", "SideEffectDialog", sid)
        )
        t.edit_course.connect(
            lambda cid: self._open_dialog("course_dialog", "CourseDialog", self.patient_id, cid)
        )
        t.change_status.connect(
            lambda cid: self._open_dialog("course_dialog", "CourseStatusDialog", cid)
        )
        self.side_effects.resolve.connect(
            lambda eid: self._open_dialog("side_effect_dialog", "ResolveSideEffectDialog", eid)
        )
        self.side_effects.edit.connect(
            lambda sid, eid: self._open_dialog("side_effect_dialog", "SideEffectDialog", sid, eid)
        )
        self.measurements.model.amend_requested.connect(self._on_amend_measurement)
        self.measurements.void.connect(self._on_void_measurement)
        self.measurements.record.connect(self._on_record_measurements)

    # --- showing --------------------------------------------------------------------
    def show_patient(self, patient_id: int) -> None:
        self.patient_id = patient_id
        self.refresh()

    def refresh(self) -> None:
        today = dt.date.today()
        record = history.patient_history(self.db, self.patient_id)
        self.record = record
        regions = {r.code: r.name for r in catalogue.regions(self.db)}
        self.header.show_patient(record, today)
        self.overview.show_history(record, regions, today)
        self.timeline.show_history(record)
        self.side_effects.show_effects(record.side_effects, today)
        labels = {
            s.id: f"{session_label(s)} of {s.started_at:%Y-%m-%d}"
            for c in record.courses
            for s in c.sessions
        }
        self.measurements.model.set_rows(list(record.measurements), labels)
        self.progress.show_courses(self.patient_id, [c.course for c in record.courses])
        self.course_map.show_courses([c.course for c in record.courses])
        self.photos.show_patient(self.patient_id)
        self.history.show_changes(
            audit.patient_history_of_changes(self.db, self.patient_id), self._names(regions)
        )
        self.menu_actions["archive"].setText(
            "Restore patient…" if record.patient.archived else "Archive patient…"
        )
        self.action_buttons["session"].setEnabled(bool(self._open_courses()))

    def _names(self, regions: dict[str, str]) -> dict[str, dict[str, str]]:
        return {
            "region_code": regions,
            "metric_code": {m.code: m.name for m in catalogue.metrics(self.db)},
            "technique_code": {t.code: t.name for t in catalogue.techniques(self.db)},
            "type_code": {t.code: t.name for t in catalogue.side_effect_types(self.db)},
            "indication_code": {i.code: i.name for i in catalogue.indications(self.db)},
        }

    def _on_database_changed(self, _change: ChangeSet) -> None:
        self.refresh()

    def _open_courses(self) -> list[int]:
        return [c.course.id for c in self.record.courses if c.course.status.is_open]

    # --- acting ---------------------------------------------------------------------
    def _keep(self, dialog: Any) -> Any:
        self._open.append(dialog)
        dialog.finished.connect(lambda *_: self._forget(dialog))
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self._open:
            self._open.remove(dialog)
        dialog.deleteLater()

    def _open_dialog(self, module: str, name: str, *args: Any) -> Any:
        import importlib

        cls = getattr(importlib.import_module(f"mesodesk.ui.dialogs.{module}"), name)
        dialog = self._keep(cls(self.db, *args, parent=self))
        dialog.show()
        return dialog

    def open_session_editor(self, course_id: int, session_id: int | None = None) -> Any:
        from mesodesk.ui.session_editor import SessionEditor

        editor = self._keep(SessionEditor(self.db, course_id, session_id, parent=self))
        editor.saved.connect(self._on_session_saved)
        editor.show()
        return editor

    def _on_session_saved(self, session_id: int) -> None:
        self.tabs.setCurrentWidget(self.timeline)
        self.timeline.select_session(session_id)

    def _on_new_session(self) -> None:
        chosen = self.timeline.selected_course()
        open_courses = self._open_courses()
        course = chosen if chosen in open_courses else (open_courses[0] if open_courses else None)
        if course is None:
            messages.show_info(self, "No open course", "Plan a course first.")
            return
        self.open_session_editor(course)

    def _on_record_measurements(self) -> None:
        self._open_dialog(
            "measurements_dialog",
            "MeasurementsDialog",
            self.patient_id,
            self.timeline.selected_course(),
        )

    def _ask_reason(self, title: str, prompt: str, action: str, then: Any) -> Any:
        from mesodesk.ui.dialogs.reason_dialog import ReasonDialog

        dialog = self._keep(ReasonDialog(title, prompt, self, action_text=action))
        dialog.reason_given.connect(then)
        dialog.show()
        return dialog

    def _run(self, action: Any) -> None:
        try:
            action()
        except MesodeskError as error:
            messages.show_known_error(self, error)

    def _on_void_session(self, session_id: int) -> None:
        self._ask_reason(
            "Void session",
            "Why is this session voided? It stays in the record, marked, with your reason.",
            "Void session",
            lambda reason: self._run(lambda: sessions.void_session(self.db, session_id, reason)),
        )

    def _on_amend_measurement(self, measurement_id: int, value: float) -> None:
        self._ask_reason(
            "Correct a measurement",
            f"Why is the value corrected to {value:g}?",
            "Correct",
            lambda reason: self._run(
                lambda: measurements.amend_measurement(self.db, measurement_id, value, reason)
            ),
        )

    def _on_void_measurement(self, measurement_id: int) -> None:
        self._ask_reason(
            "Void measurement",
            "Why is this measurement voided?",
            "Void",
            lambda reason: self._run(
                lambda: measurements.void_measurement(self.db, measurement_id, reason)
            ),
        )

    def _on_archive(self) -> None:
        archived = self.record.patient.archived
        self._ask_reason(
            "Restore patient" if archived else "Archive patient",
            "Why? Archived patients leave the lists but nothing of theirs is deleted.",
            "Restore" if archived else "Archive",
            lambda reason: self._run(
                lambda: patients.set_archived(self.db, self.patient_id, not archived, reason)
            ),
        )
