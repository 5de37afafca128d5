"""Before and after: two photos side by side, or one over the other with a slider.

The slider view paints the after photo and, left of the divider, the before photo in the
same frame, so the eye sees one place change as the divider moves (drag it on the photo
or with the slider under it). Dates and session numbers are always written with them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.services.photos import PhotoEntry

BACKDROP = QColor("#202020")
DIVIDER = QColor("#ffffff")
LABEL_BAND = QColor(0, 0, 0, 160)


def fitted(image: QImage, frame: QRectF) -> QRectF:
    """Where ``image`` goes in ``frame``: as large as fits, its proportions kept, centred."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return QRectF()
    scale = min(frame.width() / image.width(), frame.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(
        frame.left() + (frame.width() - width) / 2,
        frame.top() + (frame.height() - height) / 2,
        width,
        height,
    )


def words(role: str, photo: PhotoEntry | None) -> str:
    """'Before — 2026-09-01 · S1 (session 1) · Front'."""
    if photo is None:
        return f"{role}: choose a photo in the timeline"
    return f"{role} — {photo.caption} · {photo.view_words}"


def short(role: str, photo: PhotoEntry | None) -> str:
    """'Before · 2026-09-01 · S1', painted on the slider view."""
    if photo is None:
        return ""
    session = f" · {photo.session_label}" if photo.session_label else ""
    return f"{role} · {photo.taken_on.isoformat()}{session}"


class PhotoPane(QWidget):
    """One photo fitted in a dark frame; says so when there is none to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.empty_text = ""
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage, empty_text: str = "") -> None:
        self.image = image
        self.empty_text = empty_text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKDROP)
        if self.image.isNull():
            painter.setPen(DIVIDER)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(fitted(self.image, QRectF(self.rect())), self.image)


class OverlayPane(QWidget):
    """The after photo, and the before photo left of a divider the practitioner drags."""

    moved = Signal(int)  # the divider's position, 0 (all after) to 1000 (all before)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before = QImage()
        self.after = QImage()
        self.position = 500
        self.labels = ("", "")
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.SplitHCursor)

    def set_images(
        self, before: QImage, after: QImage, before_label: str = "", after_label: str = ""
    ) -> None:
        """The two photos, and the words painted on each side ("Before · 2026-09-01 · S1")."""
        self.before, self.after = before, after
        self.labels = (before_label, after_label)
        self.update()

    def set_position(self, position: int) -> None:
        self.position = max(0, min(1000, position))
        self.update()

    def frame(self) -> QRectF:
        """Both photos share the frame of the after photo (or the before, if alone)."""
        reference = self.after if not self.after.isNull() else self.before
        return fitted(reference, QRectF(self.rect()))

    def divider_x(self) -> float:
        frame = self.frame()
        return frame.left() + frame.width() * self.position / 1000

    def sizeHint(self) -> QSize:
        return QSize(720, 400)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKDROP)
        frame = self.frame()
        if frame.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if not self.after.isNull():
            painter.drawImage(fitted(self.after, frame), self.after)
        x = self.divider_x()
        if not self.before.isNull():
            painter.save()
            painter.setClipRect(QRectF(frame.left(), frame.top(), x - frame.left(), frame.height()))
            painter.fillRect(frame, BACKDROP)
            painter.drawImage(fitted(self.before, frame), self.before)
            painter.restore()
        painter.setPen(QPen(DIVIDER, 2))
        painter.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()))
        painter.setBrush(DIVIDER)
        painter.drawEllipse(QPointF(x, frame.center().y()), 7, 7)
        self._paint_labels(painter, frame)

    def _paint_labels(self, painter: QPainter, frame: QRectF) -> None:
        """Each side says what it is on a dark band: the before at the top left, the after
        at the bottom right (they never overlap, however narrow the photo)."""
        metrics = painter.fontMetrics()
        height = metrics.height() + 6
        for text, before in ((self.labels[0], True), (self.labels[1], False)):
            if not text:
                continue
            width = metrics.horizontalAdvance(text) + 12
            box = QRectF(0, 0, width, height)
            if before:
                box.moveTopLeft(QPointF(frame.left() + 6, frame.top() + 6))
            else:
                box.moveBottomRight(QPointF(frame.right() - 6, frame.bottom() - 6))
            painter.fillRect(box, LABEL_BAND)
            painter.setPen(DIVIDER)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _follow(self, event: QMouseEvent) -> None:
        frame = self.frame()
        if frame.width() > 0:
            share = (event.position().x() - frame.left()) / frame.width()
            self.set_position(round(share * 1000))
            self.moved.emit(self.position)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._follow(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._follow(event)


class ComparisonView(QWidget):
    """Before and after, side by side or as a slider overlay, and the 'for the PDF' box."""

    pdf_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before: PhotoEntry | None = None
        self.after: PhotoEntry | None = None
        self.side_by_side_button = QPushButton("Side by side")
        self.slider_button = QPushButton("Slider")
        modes = QButtonGroup(self)
        for index, button in enumerate((self.side_by_side_button, self.slider_button)):
            button.setCheckable(True)
            modes.addButton(button, index)
        self.side_by_side_button.setChecked(True)
        self.for_pdf = QCheckBox("Print this pair in the PDF history")
        self.for_pdf.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(self.side_by_side_button)
        bar.addWidget(self.slider_button)
        bar.addStretch(1)
        bar.addWidget(self.for_pdf)

        self.before_pane, self.after_pane = PhotoPane(), PhotoPane()
        self.before_caption, self.after_caption = QLabel(), QLabel()
        side_by_side = QWidget()
        columns = QHBoxLayout(side_by_side)
        columns.setContentsMargins(0, 0, 0, 0)
        for pane, caption in (
            (self.before_pane, self.before_caption),
            (self.after_pane, self.after_caption),
        ):
            caption.setWordWrap(True)
            column = QVBoxLayout()
            column.addWidget(pane, 1)
            column.addWidget(caption)
            columns.addLayout(column)

        self.overlay = OverlayPane()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1000)
        self.slider.setValue(self.overlay.position)
        self.overlay_caption = QLabel()
        self.overlay_caption.setWordWrap(True)
        overlay = QWidget()
        stacked = QVBoxLayout(overlay)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.addWidget(self.overlay, 1)
        stacked.addWidget(self.slider)
        stacked.addWidget(self.overlay_caption)

        self.stack = QStackedWidget()
        self.stack.addWidget(side_by_side)
        self.stack.addWidget(overlay)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        modes.idClicked.connect(self.stack.setCurrentIndex)
        self.slider.valueChanged.connect(self.overlay.set_position)
        self.overlay.moved.connect(self.slider.setValue)
        self.for_pdf.clicked.connect(self._on_for_pdf_clicked)
        self.show_pair(None, None, QImage(), QImage())

    def _on_for_pdf_clicked(self) -> None:
        self.pdf_toggled.emit(self.for_pdf.isChecked())

    def show_pair(
        self,
        before: PhotoEntry | None,
        after: PhotoEntry | None,
        before_image: QImage,
        after_image: QImage,
        *,
        in_pdf: bool = False,
    ) -> None:
        """Show two photos (the older first); ``in_pdf`` says whether the pair is chosen."""
        self.before, self.after = before, after
        missing = "The photo file is missing from the photos folder."
        self.before_pane.set_image(before_image, missing if before else "No photo chosen")
        self.after_pane.set_image(after_image, missing if after else "No second photo")
        self.before_caption.setText(words("Before", before))
        self.after_caption.setText(words("After", after))
        self.overlay.set_images(
            before_image, after_image, short("Before", before), short("After", after)
        )
        self.overlay_caption.setText(
            f"{words('Before', before)} (left of the line)<br>"
            f"{words('After', after)} (right of the line)"
        )
        self.for_pdf.setEnabled(before is not None and after is not None)
        self.for_pdf.setChecked(in_pdf)
