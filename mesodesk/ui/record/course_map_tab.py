"""The course on the body map: each area shaded by how many sessions treated it, and
the areas where side effects were seen marked, with the same facts in a table beside."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mesodesk.core.db import Database
from mesodesk.core.enums import Side
from mesodesk.core.services import catalogue
from mesodesk.core.services.body_map import (
    CourseMap,
    MappedArea,
    SessionMark,
    SideEffectMark,
    course_map,
)
from mesodesk.core.services.courses import CourseSummary
from mesodesk.ui.bodymap import BodyMapPanel
from mesodesk.ui.bodymap.diagram import DIAGRAMS, diagram_of
from mesodesk.ui.bodymap.shading import ShadeLegend, shade
from mesodesk.ui.record.tables import RED, fill, read_only_table

HEADERS = ("Area", "Side", "Sessions", "Treated in", "Side effects")


def _effect_words(marks: tuple[SideEffectMark, ...]) -> str:
    return "; ".join(
        f"{m.type_name} ({m.onset_on.isoformat()}{', resolved' if m.resolved else ', open'})"
        for m in marks
    )


def session_runs(marks: tuple[SessionMark, ...]) -> str:
    """Sessions as runs: “S1–S8, M9–M11”, so a long course stays readable."""
    runs: list[list[SessionMark]] = []
    for mark in sorted(marks):
        last = runs[-1][-1] if runs else None
        if last and mark.number == last.number + 1 and mark.maintenance == last.maintenance:
            runs[-1].append(mark)
        else:
            runs.append([mark])
    return ", ".join(
        run[0].label if len(run) == 1 else f"{run[0].label}–{run[-1].label}" for run in runs
    )


def _course_words(course: CourseSummary) -> str:
    return (
        f"{course.indication_name}, from {course.start_date.isoformat()} "
        f"({course.status.label.lower()}, {course.sessions_done} sessions)"
    )


class CourseMapTab(QWidget):
    """Pick a course; see where it treated, how often, and where side effects came."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        names = {r.code: r.name for r in catalogue.regions(db)}
        self.course = QComboBox()
        self.course.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #555;")
        self.map = BodyMapPanel(names, editable=False)
        self.map.setMinimumWidth(340)
        self.legend = ShadeLegend()
        self.table = read_only_table(HEADERS, stretch=4)
        top = QHBoxLayout()
        top.addWidget(QLabel("Course"))
        top.addWidget(self.course)
        top.addWidget(self.summary, 1)
        side = QVBoxLayout()
        side.addWidget(self.legend)
        side.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addWidget(self.map, 2)
        body.addLayout(side, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self._map: CourseMap | None = None
        self._rows: list[MappedArea] = []
        self.course.currentIndexChanged.connect(self._on_course_chosen)
        self.map.view.region_clicked.connect(self._on_region_clicked)
        self.table.itemSelectionChanged.connect(self._on_row_selected)

    def show_courses(self, courses: list[CourseSummary]) -> None:
        """The patient's courses to choose from; the one shown stays chosen if still there."""
        chosen = self.course.currentData()
        self.course.blockSignals(True)
        self.course.clear()
        for course in courses:
            self.course.addItem(_course_words(course), course.id)
        index = self.course.findData(chosen) if chosen is not None else -1
        self.course.setCurrentIndex(index if index >= 0 else (0 if courses else -1))
        self.course.blockSignals(False)
        self._on_course_chosen()

    def _on_course_chosen(self, *_args: object) -> None:
        course_id = self.course.currentData()
        if course_id is None:
            self._show(None)
            return
        self._show(course_map(self.db, int(course_id)))

    def _show(self, mapped: CourseMap | None) -> None:
        self._map = mapped
        areas = list(mapped.areas) if mapped else []
        most = mapped.most_sessions if mapped else 0
        shades, tips, flags = {}, {}, {}
        counts: dict[str, int] = {}
        for area in areas:
            place = (area.region_code, area.side)
            shades[place] = shade(area.session_count, most)
            tips[place] = self._treated_words(area)
            if area.side_effects:
                flags[place] = "Side effects: " + _effect_words(area.side_effects)
            name = diagram_of(area.region_code) or area.diagram
            counts[name] = counts.get(name, 0) + 1
        view = self.map.view
        view.set_shading(shades, tips, flags)
        view.set_chosen(None)
        self.map.set_tab_counts(counts)
        if counts and counts.get(view.diagram.name, 0) == 0:
            busiest = max(DIAGRAMS, key=lambda d: counts.get(d[0], 0))[0]
            self.map.show_diagram(busiest)
        self.legend.show_counts(most)
        self._fill_table(areas)
        self._say_summary(mapped)

    def _treated_words(self, area: MappedArea) -> str:
        total = self._map.session_count if self._map else 0
        return f"Treated in {area.session_count} of {total} sessions: {session_runs(area.sessions)}"

    def _fill_table(self, areas: list[MappedArea]) -> None:
        # Side effects first: they are what a practitioner looks for on this tab.
        self._rows = sorted(areas, key=lambda a: (not a.side_effects, -a.session_count))
        rows = [
            [
                a.region_name,
                "—" if a.side == Side.MIDLINE else a.side.label,
                str(a.session_count),
                session_runs(a.sessions),
                _effect_words(a.side_effects) or "—",
            ]
            for a in self._rows
        ]
        colours = [RED if a.side_effects else None for a in self._rows]
        self.table.blockSignals(True)
        fill(self.table, rows, list(range(len(rows))), colours)
        for row, area in enumerate(self._rows):
            if area.side_effects:  # the whole text, however narrow the column
                item = self.table.item(row, len(HEADERS) - 1)
                if item is not None:
                    item.setToolTip(_effect_words(area.side_effects).replace("; ", "\n"))
        self.table.blockSignals(False)

    def _say_summary(self, mapped: CourseMap | None) -> None:
        if mapped is None:
            self.summary.setText("No course yet: plan one to chart it.")
            return
        words = [f"{mapped.session_count} sessions, {len(mapped.areas)} areas treated"]
        if mapped.unplaced_side_effects:
            words.append(
                f"side effects not tied to an area: {_effect_words(mapped.unplaced_side_effects)}"
            )
        self.summary.setText("; ".join(words))

    def _on_region_clicked(self, region: str, side: str) -> None:
        for row, area in enumerate(self._rows):
            if area.region_code == region and area.side == Side(side):
                self.table.blockSignals(True)
                self.table.selectRow(row)
                self.table.blockSignals(False)
                return
        self.table.clearSelection()

    def _on_row_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._rows):
            area = self._rows[row]
            name = diagram_of(area.region_code)
            if name is not None and name != self.map.view.diagram.name:
                self.map.show_diagram(name)
            self.map.view.set_chosen((area.region_code, area.side))
            item = self.table.item(row, 0)
            if item is not None:
                self.table.scrollToItem(item)

    def selected_area(self) -> MappedArea | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None
