"""The choosers a photo is tagged with: session, area, side, view and day taken.

One :class:`PhotoTagger` holds them for one photo (a row of the import dialog) or for
"every new photo" (the defaults above the rows). The side follows the area: left, right
or both for a sided region, nothing for one on the midline.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit

from mesodesk.core.enums import PhotoView, Side
from mesodesk.core.services.catalogue import CodeName
from mesodesk.core.services.photos import VIEW_WORDS, PhotoTags, SessionChoice
from mesodesk.ui.forms import date_edit, from_qdate, to_qdate

SIDE_WORDS = {Side.LEFT: "Left", Side.RIGHT: "Right", Side.BOTH: "Both sides"}


class PhotoTagger(QObject):
    """Session, area, side, view (and, for a photo, the day taken) as combo boxes."""

    changed = Signal()

    def __init__(
        self,
        sessions: list[SessionChoice],
        regions: list[CodeName],
        first_areas: tuple[str, ...] = (),
        *,
        with_date: bool = True,
    ) -> None:
        super().__init__()
        self.sessions = {s.id: s for s in sessions}
        self.regions = {r.code: r for r in regions}
        self.session = QComboBox()
        self.session.addItem("No session", None)
        for choice in sessions:
            self.session.addItem(choice.label, choice.id)
        self.area = QComboBox()
        first = [self.regions[code] for code in first_areas if code in self.regions]
        for region in first:
            self.area.addItem(region.name, region.code)
        if first:
            self.area.insertSeparator(self.area.count())
        for region in regions:
            if region not in first:
                self.area.addItem(f"{region.name} ({region.group})", region.code)
        self.area.setMaxVisibleItems(24)
        self.side = QComboBox()
        self.view = QComboBox()
        for view, words in VIEW_WORDS.items():
            self.view.addItem(words, view)
        self.taken_on: QDateEdit | None = date_edit() if with_date else None
        self.date_typed = False  # once typed (or read from the camera), the session leaves it
        self._fill_sides()
        self.area.currentIndexChanged.connect(self._fill_sides)
        self.session.currentIndexChanged.connect(self._follow_session)
        for combo in (self.session, self.area, self.side, self.view):
            combo.currentIndexChanged.connect(self.changed)
        if self.taken_on is not None:
            self.taken_on.editingFinished.connect(self._on_date_typed)

    def _fill_sides(self) -> None:
        region = self.regions.get(self.area.currentData())
        kept = self.side.currentData()
        self.side.clear()
        if region is not None and region.sided:
            for side, words in SIDE_WORDS.items():
                self.side.addItem(words, side)
            index = self.side.findData(kept)
            self.side.setCurrentIndex(max(0, index))
        else:
            self.side.addItem("—", None)
        self.side.setEnabled(region is not None and region.sided)

    def _follow_session(self) -> None:
        choice = self.sessions.get(self.session.currentData())
        if self.taken_on is not None and choice is not None and not self.date_typed:
            self.taken_on.setDate(to_qdate(min(choice.day, dt.date.today())))

    def _on_date_typed(self) -> None:
        self.date_typed = True

    def set_camera_day(self, day: dt.date) -> None:
        """The day the camera wrote in the photo: it wins over the session's day, and
        names the session held that day, if there was one."""
        same_day = [choice.id for choice in self.sessions.values() if choice.day == day]
        if same_day:
            self.session.setCurrentIndex(self.session.findData(same_day[0]))
        if self.taken_on is not None:
            self.taken_on.setDate(to_qdate(day))
            self.date_typed = True

    def copy_from(self, other: PhotoTagger) -> None:
        """Take ``other``'s session, area, side and view (not its date)."""
        for mine, theirs in (
            (self.session, other.session),
            (self.area, other.area),
            (self.side, other.side),
            (self.view, other.view),
        ):
            mine.setCurrentIndex(max(0, mine.findData(theirs.currentData())))

    def choose_area(self, code: str) -> None:
        self.area.setCurrentIndex(max(0, self.area.findData(code)))

    def choose_session(self, session_id: int) -> None:
        self.session.setCurrentIndex(max(0, self.session.findData(session_id)))

    def tags(self) -> PhotoTags:
        taken = from_qdate(self.taken_on.date()) if self.taken_on is not None else None
        return PhotoTags(
            view=PhotoView(self.view.currentData()),
            region_code=str(self.area.currentData()),
            side=self.side.currentData(),
            session_id=self.session.currentData(),
            taken_on=taken,
        )

    def widgets(self) -> list[QComboBox | QDateEdit]:
        shown: list[QComboBox | QDateEdit] = [self.session, self.area, self.side, self.view]
        return [*shown, self.taken_on] if self.taken_on is not None else shown

    def set_enabled(self, enabled: bool) -> None:
        for widget in self.widgets():
            widget.setEnabled(enabled)
        if enabled:
            self._fill_sides()
