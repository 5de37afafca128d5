"""The session editor: everything done in a sitting, saved in one go, rules shown live."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.enums import Anaesthesia, Device, Side
from mesodesk.core.errors import MesodeskError, StorageError
from mesodesk.core.services import catalogue, courses, patients, practice, sessions, templates
from mesodesk.core.services.sessions import SessionData
from mesodesk.ui import messages
from mesodesk.ui.forms import (
    ErrorLine,
    date_edit,
    from_qdate,
    int_value,
    optional_int,
    set_optional,
    to_qdate,
)
from mesodesk.ui.practitioner import current_practitioner_id
from mesodesk.ui.session_editor.area_map import AreasWithMap
from mesodesk.ui.session_editor.areas import AreasTable
from mesodesk.ui.session_editor.cocktail import CocktailTable
from mesodesk.ui.session_editor.findings import FindingsPanel
from mesodesk.ui.session_editor.measurements import MeasurementsPanel
from mesodesk.ui.session_editor.side_effects import SideEffectRows
from mesodesk.ui.session_editor.templates import TemplateBar, TemplateNameDialog
from mesodesk.ui.session_editor.widgets import choice_box, select_value, value_of

CHECK_DELAY_MS = 150


def _section(title: str, body: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(body)
    return box


class SessionEditor(QDialog):
    """Record a new session of a course, or amend a saved one (``session_id``)."""

    saved = Signal(int)

    def __init__(
        self,
        db: Database,
        course_id: int,
        session_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.course_id = course_id
        self.session_id = session_id
        self._dirty = False
        self._loading = True
        self.course = courses.get_course(db, course_id)
        patient = patients.get_patient(db, self.course.patient_id)
        self.file_number = patient.file_number
        self.session_label = "session"
        self.setWindowTitle(
            ("Amend session" if session_id else "New session") + f" — {patient.full_name}"
        )
        self.resize(1400, 820)  # the areas table and its body map side by side
        self._build(patient.full_name)
        self._load()
        self._loading = False
        self._check_now()

    # --- layout ---------------------------------------------------------------------
    def _build(self, patient_name: str) -> None:
        db = self.db
        self.title = QLabel()
        self.title.setObjectName("sessionTitle")
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.patient_name = patient_name

        self.started_at = QDateTimeEdit()
        self.started_at.setCalendarPopup(True)
        self.started_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.duration = optional_int(1, 600, " min")
        self.practitioner = choice_box(
            [(p.display_name, p.id) for p in practice.list_practitioners(db)]
        )
        self.device = choice_box([(d.label, d) for d in Device])
        self.device_model = QLineEdit()
        self.device_model.setPlaceholderText("model of the gun")
        self.device_settings = QLineEdit()
        self.device_settings.setPlaceholderText("settings (depth, mode, speed)")
        self.anaesthesia = choice_box([(a.label, a) for a in Anaesthesia])
        self.pain = QSpinBox()
        self.pain.setRange(-1, 10)
        self.pain.setSpecialValueText("not asked")
        self.pain.setValue(-1)
        gun_row = QHBoxLayout()
        gun_row.addWidget(self.device_model)
        gun_row.addWidget(self.device_settings)
        self.gun_details = QWidget()
        self.gun_details.setLayout(gun_row)
        gun_row.setContentsMargins(0, 0, 0, 0)
        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.practitioner.setMinimumContentsLength(28)
        self.device_model.setMinimumWidth(220)
        self.device_settings.setMinimumWidth(280)
        top.addRow("Date and time", self.started_at)
        top.addRow("Duration", self.duration)
        top.addRow("Practitioner", self.practitioner)
        top.addRow("Device", self.device)
        top.addRow("", self.gun_details)
        top.addRow("Anaesthesia", self.anaesthesia)
        top.addRow("Pain during (VAS 0–10)", self.pain)
        top_widget = QWidget()
        top_widget.setLayout(top)
        self.templates = TemplateBar(db, self.course.indication_code)
        top.addRow("Protocol", self.templates)

        self.cocktail = CocktailTable()
        regions = catalogue.regions(db)
        self.areas = AreasTable(
            regions, catalogue.techniques(db), [27, 30, 32, 33], [4.0, 6.0, 13.0]
        )
        self.areas_with_map = AreasWithMap(self.areas, regions)
        self.body_map = self.areas_with_map.map
        self.measurements = MeasurementsPanel(
            catalogue.metrics(db, self.course.indication_code), self.course.indication_code
        )
        self.side_effects = SideEffectRows(catalogue.side_effect_types(db))

        version, self._sheet_title, self._sheet = catalogue.aftercare_sheet(db)
        self._sheet_version = version
        self.aftercare = QCheckBox(f"Aftercare sheet given ({self._sheet_title}, v{version})")
        self.print_sheet = QPushButton("Print sheet…")
        self.next_due_set = QCheckBox("Next session due on")
        self.next_due = date_edit()
        self.next_due.setEnabled(False)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes")
        self.notes.setFixedHeight(70)
        after = QWidget()
        after_layout = QFormLayout(after)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.aftercare)
        sheet_row.addWidget(self.print_sheet)
        sheet_row.addStretch(1)
        after_layout.addRow(sheet_row)
        due_row = QHBoxLayout()
        due_row.addWidget(self.next_due_set)
        due_row.addWidget(self.next_due)
        self.due_hint = QLabel()
        self.due_hint.setStyleSheet("color: #555;")
        due_row.addWidget(self.due_hint)
        due_row.addStretch(1)
        after_layout.addRow(due_row)
        after_layout.addRow(self.notes)

        body = QWidget()
        sections = QVBoxLayout(body)
        sections.addWidget(self.title)
        sections.addWidget(_section("Sitting", top_widget))
        sections.addWidget(_section("Cocktail", self.cocktail))
        sections.addWidget(_section("Treated areas", self.areas_with_map))
        sections.addWidget(_section("Today's measurements", self.measurements))
        sections.addWidget(_section("Side effects seen today", self.side_effects))
        sections.addWidget(_section("Aftercare, next session and notes", after))
        sections.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.findings = FindingsPanel()
        self.amend_label = QLabel("Reason for the amendment (required):")
        self.amend_reason = QLineEdit()
        self.amend_reason.setPlaceholderText("What was wrong and how it was found")
        self.error_line = ErrorLine()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save amendment" if self.session_id else "Save session",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.findings)
        layout.addWidget(self.amend_label)
        layout.addWidget(self.amend_reason)
        layout.addWidget(self.error_line)
        layout.addWidget(self.buttons)
        self.amend_label.setVisible(self.session_id is not None)
        self.amend_reason.setVisible(self.session_id is not None)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self._check_now)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.print_sheet.clicked.connect(self._on_print_sheet)
        self.templates.chosen.connect(self._on_template_chosen)
        self.templates.save_requested.connect(self._on_save_template)
        self.device.currentIndexChanged.connect(self._on_device_changed)
        self.next_due_set.toggled.connect(self.next_due.setEnabled)
        self.started_at.dateTimeChanged.connect(self._on_date_changed)
        for signal in (
            self.cocktail.changed,
            self.areas.changed,
            self.measurements.rows.changed,
            self.side_effects.changed,
            self.findings.changed,
            self.duration.valueChanged,
            self.practitioner.currentIndexChanged,
            self.anaesthesia.currentIndexChanged,
            self.pain.valueChanged,
            self.aftercare.toggled,
            self.notes.textChanged,
            self.next_due_set.toggled,
            self.next_due.dateChanged,
            self.device_model.textChanged,
            self.device_settings.textChanged,
            self.amend_reason.textChanged,
        ):
            signal.connect(self._on_changed)
        for box in self.measurements.hexsel.items.values():
            box.valueChanged.connect(self._on_changed)
        self.cocktail.changed.connect(self._refresh_side_effect_choices)
        self.areas.changed.connect(self._refresh_side_effect_choices)
        self.areas.changed.connect(self._refresh_totals)

    # --- loading --------------------------------------------------------------------
    def _load(self) -> None:
        if self.session_id is not None:
            data = sessions.session_data(self.db, self.session_id)
            number = next((s for s in [self._number_of(self.session_id)]), 0)
            self._set_title(number, bool(data.maintenance))
            self._set_when(data.started_at)
            self._fill(data)
            self.findings.override_reason.setText(data.override_reason or "")
            if data.next_due_date:
                self.next_due_set.setChecked(True)
                self.next_due.setDate(to_qdate(data.next_due_date))
            return
        now = dt.datetime.now().replace(second=0, microsecond=0)
        defaults = sessions.session_defaults(self.db, self.course_id, on=now.date())
        self._set_title(defaults.number, defaults.maintenance)
        self._set_when(now)
        practitioner = current_practitioner_id(self.db) or defaults.practitioner_id
        select_value(self.practitioner, practitioner)
        select_value(self.device, defaults.device)
        self.device_model.setText(defaults.device_model)
        self.device_settings.setText(defaults.device_settings)
        select_value(self.anaesthesia, defaults.anaesthesia)
        self.cocktail.set_lines(defaults.cocktail)
        if not defaults.cocktail:
            self.cocktail.add_row()
        self.areas.set_areas(defaults.areas)
        if not defaults.areas:
            self.areas.add_row()
        self.aftercare.setChecked(True)
        self._notes = list(defaults.replaced_lots)
        self.findings.show_findings([], self._notes)
        self._on_device_changed()

    def _number_of(self, session_id: int) -> int:
        from mesodesk.core.services.history import course_sessions

        records = course_sessions(self.db, [self.course_id])[self.course_id]
        return next((r.number for r in records if r.id == session_id), 0)

    def _set_title(self, number: int, maintenance: bool) -> None:
        c = self.course
        kind = "maintenance session" if maintenance else f"session {number} of {c.planned_sessions}"
        self.session_label = f"{'maintenance session' if maintenance else 'session'} {number}"
        self.title.setText(f"{self.patient_name} — {c.indication_name}, {kind}")

    def _set_when(self, when: dt.datetime) -> None:
        self.started_at.blockSignals(True)
        self.started_at.setDateTime(
            QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
        )
        self.started_at.blockSignals(False)
        self.cocktail.set_lots(catalogue.lots(self.db, usable_on=when.date()))
        self._update_due_hint()

    def _fill(self, data: SessionData) -> None:
        select_value(self.practitioner, data.practitioner_id)
        set_optional(self.duration, data.duration_min)
        select_value(self.device, Device(data.device))
        self.device_model.setText(data.device_model)
        self.device_settings.setText(data.device_settings)
        select_value(self.anaesthesia, Anaesthesia(data.anaesthesia))
        self.pain.setValue(-1 if data.pain_vas is None else data.pain_vas)
        self.cocktail.set_lines(data.cocktail)
        self.areas.set_areas(data.areas)
        self.aftercare.setChecked(data.aftercare_given)
        self.notes.setPlainText(data.notes)
        self._notes = []
        self._on_device_changed()

    # --- reading the form -----------------------------------------------------------
    def when(self) -> dt.datetime:
        value = self.started_at.dateTime().toPython()
        assert isinstance(value, dt.datetime)
        return value.replace(second=0, microsecond=0)

    def data(self) -> SessionData:
        """The session as typed so far (incomplete rows left out)."""
        when = self.when()
        pain = self.pain.value()
        practitioner = value_of(self.practitioner)
        return SessionData(
            course_id=self.course_id,
            started_at=when,
            practitioner_id=int(practitioner) if practitioner is not None else 0,
            cocktail=self.cocktail.lines(),
            areas=self.areas.areas(),
            duration_min=int_value(self.duration),
            device=self.device.currentData(),
            device_model=self.device_model.text() if self._is_gun() else "",
            device_settings=self.device_settings.text() if self._is_gun() else "",
            anaesthesia=self.anaesthesia.currentData(),
            measurements=() if self.session_id else self.measurements.data(),
            side_effects=() if self.session_id else self.side_effects.data(when.date()),
            aftercare_given=self.aftercare.isChecked(),
            aftercare_code="standard" if self.aftercare.isChecked() else None,
            aftercare_version=self._sheet_version if self.aftercare.isChecked() else None,
            pain_vas=None if pain < 0 else pain,
            notes=self.notes.toPlainText(),
            next_due_date=from_qdate(self.next_due.date())
            if self.next_due_set.isChecked()
            else None,
            override_reason=self.findings.reason(),
        )

    def _incomplete(self) -> str:
        for section, count in (
            ("Cocktail", self.cocktail.incomplete_rows()),
            ("Treated areas", self.areas.incomplete_rows()),
            ("Today's measurements", self.measurements.rows.incomplete_rows()),
            ("Side effects seen today", self.side_effects.incomplete_rows()),
        ):
            if count:
                return f"{section}: {count} row(s) are not filled in; complete them or remove them."
        return ""

    def _is_gun(self) -> bool:
        return bool(self.device.currentData() == Device.GUN)

    # --- reacting -------------------------------------------------------------------
    def _on_changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._dirty = True
        self.error_line.clear_message()
        self._timer.start()

    def _on_date_changed(self) -> None:
        self.cocktail.set_lots(catalogue.lots(self.db, usable_on=self.when().date()))
        self._update_due_hint()
        self._on_changed()

    def _update_due_hint(self) -> None:
        c = self.course
        interval = c.maintenance_interval_days if c.status.value == "maintenance" else None
        days = interval or c.interval_days
        due = self.when().date() + dt.timedelta(days=days)
        self.due_hint.setText(f"otherwise {due.isoformat()} ({days} days after this session)")

    def _on_device_changed(self) -> None:
        self.gun_details.setVisible(self._is_gun())

    def _refresh_side_effect_choices(self) -> None:
        self.side_effects.set_choices(self.areas.labels(), self.cocktail.labels())

    def _refresh_totals(self) -> None:
        points, volume = self.areas.totals()
        self.areas.summary.setText(
            f"Total: {points} points, {volume:.2f} mL (cocktail {self.cocktail.total_ml():.2f} mL)"
        )

    def _check_now(self) -> None:
        try:
            found = sessions.check_session(self.db, self.data(), self.session_id)
        except MesodeskError:
            return
        self.findings.show_findings(found, getattr(self, "_notes", []))
        self.save_button.setEnabled(not self.findings.hard_block)
        if self.findings.hard_block:
            self.save_button.setToolTip("A lot is expired on the session date: choose another.")
        else:
            self.save_button.setToolTip("")

    def _on_template_chosen(self, template_id: int) -> None:
        start = templates.start_from(self.db, template_id, self.when().date())
        self.cocktail.set_lines(start.cocktail)
        self.areas.set_areas(start.areas)
        select_value(self.device, start.device)
        select_value(self.anaesthesia, start.anaesthesia)
        self._notes = [
            f"{name}: no lot usable on this date; add one to the shelf or choose another product."
            for name in start.missing
        ]
        self._on_changed()
        self._check_now()

    def _on_save_template(self) -> None:
        dialog = TemplateNameDialog(self)
        dialog.name_given.connect(self._save_template)
        self._name_dialog = dialog
        dialog.show()

    def _save_template(self, name: str) -> None:
        try:
            templates.save_template(
                self.db,
                name,
                self.cocktail.lines(),
                self.areas.areas(),
                indication_code=self.course.indication_code,
                device=self.device.currentData(),
                anaesthesia=self.anaesthesia.currentData(),
            )
        except MesodeskError as error:
            self.error_line.show_message(messages.explain(error)[1])
            return
        self.templates.reload()
        self._notes = [f"Saved as the template “{name}”."]
        self._check_now()

    def _on_print_sheet(self) -> None:
        """Print the sheet now, saved or not: it is often handed over before saving."""
        from mesodesk.reports.aftercare import AftercareFor
        from mesodesk.reports.words import area
        from mesodesk.ui.exchange.printing import print_aftercare_for

        names = {region.code: region.name for region in catalogue.regions(self.db)}
        about = AftercareFor(
            patient_name=self.patient_name,
            file_number=self.file_number,
            session_label=self.session_label,
            indication=self.course.indication_name,
            day=self.when().date(),
            areas=tuple(
                area(names.get(a.region_code, a.region_code), Side(a.side))
                for a in self.areas.areas()
            ),
        )
        print_aftercare_for(self, self.db, about)

    # --- saving ---------------------------------------------------------------------
    def save(self) -> None:
        self._check_now()
        problem = self._incomplete()
        if problem:
            self.error_line.show_message(problem)
            return
        try:
            if self.session_id is None:
                result = sessions.record_session(self.db, self.data())
            else:
                result = sessions.amend_session(
                    self.db, self.session_id, self.data(), self.amend_reason.text()
                )
        except StorageError as error:
            self.error_line.show_message(str(error))
            messages.show_known_error(self, error)
            return
        except MesodeskError as error:
            self.error_line.show_message(messages.explain(error)[1])
            return
        self._dirty = False
        self.saved.emit(result.id)
        self.accept()

    def reject(self) -> None:
        if self._dirty and not _ask_discard(self):
            return
        super().reject()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Enter in a field must not save half a session: only Ctrl+S and the button do.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.save_button.hasFocus():
            return
        super().keyPressEvent(event)


def _ask_discard(parent: QWidget) -> bool:
    answer: bool = messages.ask(
        parent,
        "Discard this session?",
        "What you typed in this session will be lost.",
        yes="Discard",
        no="Keep editing",
    )
    return answer
