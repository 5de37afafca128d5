"""Courses and sessions: a timeline grouped by course, with a session's details on demand."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.services.history import CourseHistory, PatientHistory, SessionRecord

COURSE_ROLE = Qt.ItemDataRole.UserRole
SESSION_ROLE = Qt.ItemDataRole.UserRole + 1


def _e(text: object) -> str:
    return html.escape(str(text))


def course_words(history: CourseHistory) -> str:
    c = history.course
    live = [s for s in history.sessions if not s.voided]
    planned_done = sum(not s.maintenance for s in live)
    maintenance = len(live) - planned_done
    text = (
        f"{c.indication_name} · {c.planned_sessions} × every {c.interval_days} days · "
        f"started {c.start_date.isoformat()} · {c.status.label.lower()} · "
        f"{planned_done} of {c.planned_sessions} done"
    )
    if maintenance:
        text += f" + {maintenance} maintenance"
    if c.next_due_date:
        text += f" · next due {c.next_due_date.isoformat()}"
    return text


def areas_summary(record: SessionRecord) -> str:
    """'Outer thigh (L+R); Buttock (L+R)': one entry per region, its sides together."""
    sides: dict[str, list[str]] = {}
    for area in record.areas:
        short = {"left": "L", "right": "R", "both": "both"}.get(area.side.value, "")
        sides.setdefault(area.region_name, []).append(short)
    return "; ".join(
        f"{name} ({'+'.join(s for s in found if s)})" if any(found) else name
        for name, found in sides.items()
    )


def session_label(record: SessionRecord) -> str:
    return ("M" if record.maintenance else "S") + str(record.number)


def session_details(record: SessionRecord) -> str:
    """The whole session in words, for the detail pane."""
    when = record.started_at.strftime("%Y-%m-%d %H:%M")
    parts = [f"<h3>{session_label(record)} — {when}</h3>"]
    if record.voided:
        parts.append(f"<p style='color:#b00020'><b>Voided:</b> {_e(record.void_reason)}</p>")
    device = record.device.label
    if record.device_model or record.device_settings:
        device += f" ({_e(record.device_model)} {_e(record.device_settings)})".replace("( ", "(")
    duration = f"{record.duration_min} min" if record.duration_min else "—"
    parts.append(
        f"<p>By {_e(record.practitioner)} · {duration} · {_e(device)} · anaesthesia "
        f"{_e(record.anaesthesia.label.lower())} · pain "
        f"{record.pain_vas if record.pain_vas is not None else '—'}/10</p>"
    )
    parts.append("<b>Cocktail</b><ul>")
    parts += [
        f"<li>{_e(c.product)} — lot {_e(c.lot_number)} (exp. {c.expiry_date.isoformat()})"
        f" — {c.volume_ml:g} mL{(' — ' + _e(c.dilution)) if c.dilution else ''}</li>"
        for c in record.cocktail
    ]
    parts.append("</ul><b>Treated areas</b><ul>")
    for a in record.areas:
        bits = [a.technique_name]
        if a.needle:
            bits.append(a.needle)
        if a.depth_mm:
            bits.append(f"depth {a.depth_mm:g} mm")
        if a.points:
            bits.append(f"{a.points} points")
        bits.append(f"{a.volume_ml:g} mL")
        parts.append(f"<li>{_e(a.label)}: {_e(', '.join(bits))}</li>")
    parts.append("</ul>")
    if record.findings:
        parts.append("<b>Clinical rule findings</b><ul>")
        parts += [f"<li>{_e(f.level.label)}: {_e(f.message)}</li>" for f in record.findings]
        parts.append("</ul>")
    if record.override_reason:
        parts.append(f"<p><b>Override reason:</b> {_e(record.override_reason)}</p>")
    if record.side_effects:
        parts.append("<b>Side effects</b><ul>")
        for s in record.side_effects:
            state = f"resolved {s.resolved_on.isoformat()}" if s.resolved_on else "open"
            parts.append(
                f"<li>{_e(s.type_name)} ({s.severity.value}) since "
                f"{s.onset_on.isoformat()}, {state}"
                f"{(' — ' + _e(s.area)) if s.area else ''}</li>"
            )
        parts.append("</ul>")
    parts.append(
        f"<p>Aftercare sheet: {'given' if record.aftercare_given else 'not given'}"
        f"{' · next due ' + record.next_due_date.isoformat() if record.next_due_date else ''}"
        "</p>"
    )
    if record.notes:
        parts.append(f"<p><b>Notes:</b> {_e(record.notes)}</p>")
    return "\n".join(parts)


class TimelineTab(QWidget):
    """Emits what the practitioner asked for; the record opens the dialogs."""

    new_session = Signal(int)  # course id
    amend_session = Signal(int, int)  # course id, session id
    void_session = Signal(int)
    add_side_effect = Signal(int)
    print_aftercare = Signal(int)  # session id
    edit_course = Signal(int)
    change_status = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Date", "Session", "Areas", "Cocktail (lots)", "Side effects"])
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 70, 330, 420)):
            header.resizeSection(column, width)
        self.details = QTextBrowser()
        self.buttons = {
            name: QPushButton(text)
            for name, text in (
                ("new", "New session"),
                ("amend", "Amend session…"),
                ("void", "Void session…"),
                ("side_effect", "Log side effect…"),
                ("aftercare", "Print aftercare…"),
                ("edit", "Edit course…"),
                ("status", "Pause, stop or complete…"),
            )
        }
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setSizes([380, 220])
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.buttons["new"].clicked.connect(lambda: self._emit_course(self.new_session))
        self.buttons["edit"].clicked.connect(lambda: self._emit_course(self.edit_course))
        self.buttons["status"].clicked.connect(lambda: self._emit_course(self.change_status))
        self.buttons["amend"].clicked.connect(self._on_amend_clicked)
        self.buttons["void"].clicked.connect(lambda: self._emit_session(self.void_session))
        self.buttons["side_effect"].clicked.connect(
            lambda: self._emit_session(self.add_side_effect)
        )
        self.buttons["aftercare"].clicked.connect(lambda: self._emit_session(self.print_aftercare))
        self._records: dict[int, SessionRecord] = {}
        self._update_buttons()

    def show_history(self, record: PatientHistory) -> None:
        keep = self.selected_session()
        self.tree.clear()
        self._records.clear()
        bold = QFont()
        bold.setBold(True)
        for history in record.courses:
            top = QTreeWidgetItem([course_words(history)])
            top.setFirstColumnSpanned(True)
            top.setFont(0, bold)
            top.setData(0, COURSE_ROLE, history.course.id)
            self.tree.addTopLevelItem(top)
            for s in reversed(history.sessions):
                self._records[s.id] = s
                effects = ", ".join(f"{e.type_name} ({e.severity.value})" for e in s.side_effects)
                item = QTreeWidgetItem(
                    [
                        s.started_at.strftime("%Y-%m-%d %H:%M"),
                        session_label(s) + (" (voided)" if s.voided else ""),
                        areas_summary(s),
                        "; ".join(
                            f"{c.product} {c.lot_number} {c.volume_ml:g} mL" for c in s.cocktail
                        ),
                        effects or "—",
                    ]
                )
                item.setData(0, COURSE_ROLE, history.course.id)
                item.setData(0, SESSION_ROLE, s.id)
                if s.voided:
                    font = QFont()
                    font.setStrikeOut(True)
                    for column in range(5):
                        item.setFont(column, font)
                        item.setForeground(column, QColor("#888888"))
                top.addChild(item)
                if s.id == keep:
                    self.tree.setCurrentItem(item)
            top.setExpanded(True)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self._on_current_changed(self.tree.currentItem())

    def selected_course(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, COURSE_ROLE)

    def selected_session(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, SESSION_ROLE)

    def select_session(self, session_id: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            children = [] if top is None else [top.child(j) for j in range(top.childCount())]
            for child in children:
                if child is not None and child.data(0, SESSION_ROLE) == session_id:
                    self.tree.setCurrentItem(child)
                    return

    def _on_current_changed(self, item: QTreeWidgetItem | None, *_: object) -> None:
        session_id = None if item is None else item.data(0, SESSION_ROLE)
        if session_id is not None and session_id in self._records:
            self.details.setHtml(session_details(self._records[session_id]))
        elif item is not None:
            self.details.setHtml(
                f"<h3>{_e(item.text(0))}</h3><p>Choose a session to see it whole.</p>"
            )
        else:
            self.details.setHtml("<p>No course yet: plan one to record sessions.</p>")
        self._update_buttons()

    def _update_buttons(self) -> None:
        session_id = self.selected_session()
        record = self._records.get(session_id) if session_id else None
        has_course = self.selected_course() is not None
        for name in ("new", "edit", "status"):
            self.buttons[name].setEnabled(has_course)
        live = record is not None and not record.voided
        for name in ("amend", "void", "side_effect", "aftercare"):
            self.buttons[name].setEnabled(live)

    def _emit_course(self, signal: SignalInstance) -> None:
        course = self.selected_course()
        if course is not None:
            signal.emit(course)

    def _emit_session(self, signal: SignalInstance) -> None:
        session_id = self.selected_session()
        if session_id is not None:
            signal.emit(session_id)

    def _on_amend_clicked(self) -> None:
        course, session_id = self.selected_course(), self.selected_session()
        if course is not None and session_id is not None:
            self.amend_session.emit(course, session_id)
